"""Shifts as they were given: the ``Shift`` model of the Python API and the raw batch.

A :class:`ShiftBatch` is what a reader makes of a shifts file, a DataFrame or a list of
:class:`Shift`: one row per data record with its physical line and each known column's
value as written (text), and nothing decided yet. Turning those values into instants and
numbers happens at evaluation (:mod:`incentives._rows`), where the time zone and the
agreements' requirements are known.

The batch's frame has the columns ``line`` (Int64), ``problem_field`` and ``problem``
(String: set when the record could not even be split into values, such as a CSV row with
too few values), and one String column per known column the source has. A source whose
values are not all text (JSON Lines, a DataFrame, ``Shift`` objects) adds a ``<column>.kind``
column (UInt8) saying what each value was: :data:`TEXT`, :data:`INTEGER`, :data:`DECIMAL`,
:data:`BOOLEAN`, :data:`OTHER` (a JSON list or object, written as JSON) or :data:`PROBLEM`
(the reader found the value unusable; the text is the reason).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

COLUMNS: tuple[str, ...] = (
    "employee_id",
    "classification",
    "start",
    "end",
    "extra",
    "status",
    "employment_status",
    "employer",
    "location",
    "unit",
    "fte",
    "approved",
    "unpaid_break_minutes",
    "base_rate",
    "paid",
    "overtime_paid",
)
"""Every column of a shifts file that incentives reads (SPEC section 4)."""

NOTE = "note"
"""A batch frame's optional column of what its reader says of a row (a profile that put an
out punch on the next day); the report shows it as the row's ``note``."""

ALWAYS_REQUIRED: tuple[str, ...] = ("employee_id", "classification", "start", "end")

InputFormat = Literal["csv", "jsonl"]

TEXT, INTEGER, DECIMAL, BOOLEAN, OTHER, PROBLEM = range(6)
"""What a raw value was, in a ``<column>.kind`` column (see the module's docstring)."""


def kind_column(name: str) -> str:
    """The name of the column that says what the values of column ``name`` were."""
    return f"{name}.kind"


def python_value(text: str | None, kind: int | None) -> Any:
    """A raw value as the Python object it was (a JSON number is a ``Decimal``)."""
    if text is None:
        return None
    if kind == INTEGER:
        return int(text)
    if kind == DECIMAL:
        return Decimal(text)
    if kind == BOOLEAN:
        return text == "true"
    if kind == OTHER:
        return json.loads(text, parse_float=Decimal)
    return text


def raw_value(value: Any) -> tuple[str | None, int]:
    """A Python value (from JSON, a DataFrame or a ``Shift``) as text and its kind."""
    if value is None:
        return None, TEXT
    if isinstance(value, bool):
        return ("true" if value else "false"), BOOLEAN
    if isinstance(value, int):
        return str(value), INTEGER
    if isinstance(value, Decimal):
        return str(value), DECIMAL
    if isinstance(value, str):
        return value, TEXT
    return json.dumps(value, default=str), OTHER


class Shift(BaseModel):
    """One worked (or missed) shift of one employee: one row of a shifts file.

    Times may be pendulum or stdlib datetimes, aware (an exact instant) or naive (local
    wall time in the evaluation's time zone).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    employee_id: str = Field(min_length=1)
    classification: str = Field(min_length=1)
    start: datetime
    end: datetime
    extra: bool | None = None
    status: str = "worked"
    employment_status: str | None = None
    employer: str | None = None
    location: str | None = None
    unit: str | None = None
    fte: Decimal | None = None
    approved: bool | None = None
    unpaid_break_minutes: int = 0
    base_rate: Decimal | None = None
    paid: Decimal | None = None
    overtime_paid: Decimal | None = None
    """The overtime premium paid on this row, for the overtime true-up's claims."""


@dataclass(frozen=True, slots=True)
class Record:
    """One data row of a shifts file: its physical line and its raw values.

    ``problem`` is set, as ``(field, message)``, when the row could not even be split
    into values (a CSV row with too few values, a line of JSON Lines that is not an object).
    A reader's records hold the message packed with its code (see
    :mod:`incentives._problems`); a batch's :attr:`ShiftBatch.records` give the message.
    """

    line: int
    values: dict[str, Any]
    problem: tuple[str | None, str] | None = None


def empty_frame(columns: Iterable[str] = ()) -> pl.DataFrame:
    """A batch frame with no rows."""
    schema: dict[str, Any] = {"line": pl.Int64, "problem_field": pl.String, "problem": pl.String}
    schema.update(dict.fromkeys(columns, pl.String))
    return pl.DataFrame(schema=schema)


def frame_of_records(records: Iterable[Record], columns: Iterable[str]) -> pl.DataFrame:
    """The batch frame of records whose values are Python objects (text, numbers, ...)."""
    given = set(columns)
    names = [c for c in (*COLUMNS, *sorted(given - set(COLUMNS))) if c in given]
    lines: list[int] = []
    fields: list[str | None] = []
    problems: list[str | None] = []
    texts: dict[str, list[str | None]] = {name: [] for name in names}
    kinds: dict[str, list[int]] = {name: [] for name in names}
    for record in records:
        lines.append(record.line)
        fields.append(record.problem[0] if record.problem else None)
        problems.append(record.problem[1] if record.problem else None)
        for name in names:
            text, kind = raw_value(record.values.get(name))
            texts[name].append(text)
            kinds[name].append(kind)
    data: dict[str, pl.Series] = {
        "line": pl.Series(lines, dtype=pl.Int64),
        "problem_field": pl.Series(fields, dtype=pl.String),
        "problem": pl.Series(problems, dtype=pl.String),
    }
    for name in names:
        data[name] = pl.Series(texts[name], dtype=pl.String)
        if any(kinds[name]):
            data[kind_column(name)] = pl.Series(kinds[name], dtype=pl.UInt8)
    return pl.DataFrame(data)


@dataclass(frozen=True, eq=False)
class ShiftBatch:
    """The data rows of one shifts file (or DataFrame, or list of shifts), ready to evaluate.

    ``columns`` is the set of columns the source has (the CSV header; for JSON Lines the
    keys seen in any object). ``claims`` is true when it has a ``paid`` column, which turns
    on claim checking. ``frame`` holds the raw values (see the module's docstring).
    """

    source: str
    format: InputFormat
    frame: pl.DataFrame = field(repr=False)
    columns: frozenset[str] = field(default_factory=frozenset)
    claims: bool = False
    written: Mapping[str, str] = field(default_factory=dict)
    """Columns that the file names otherwise (read through a profile): column -> its name."""

    def __len__(self) -> int:
        return self.frame.height

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    @cached_property
    def records(self) -> tuple[Record, ...]:
        """The rows as :class:`Record` objects, in the order of the source."""
        names = [c for c in COLUMNS if c in self.frame.columns]
        out: list[Record] = []
        for row in self.frame.iter_rows(named=True):
            values = {
                name: python_value(row[name], row.get(kind_column(name)))
                for name in names
                if row[name] is not None
            }
            problem = None
            if row["problem"] is not None:
                problem = (row["problem_field"], json.loads(row["problem"])["message"])
            out.append(Record(row["line"], values, problem))
        return tuple(out)

    @classmethod
    def from_shifts(cls, shifts: Iterable[Shift], source: str = "<shifts>") -> ShiftBatch:
        """A batch of ``Shift`` objects; their ``line`` is their 1-based position."""
        from .readers.objects import frame_of_shifts

        frame = frame_of_shifts(shifts)
        claims = bool(frame.height) and frame["paid"].is_not_null().any()
        return cls(source, "jsonl", frame, frozenset(COLUMNS), claims)

"""The oracle's reader of shifts files (CSV, JSON Lines), one record at a time.

Reading a file only splits it into records with their physical line numbers; turning a
record's values into a row (times into instants, text into numbers) happens at evaluation,
where the time zone and the agreements' requirements are known.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

from incentives import Shift

from .errors import ShiftFileError

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
)
"""Every column of a shifts file that incentives reads (SPEC section 4)."""

ALWAYS_REQUIRED: tuple[str, ...] = ("employee_id", "classification", "start", "end")

InputFormat = Literal["csv", "jsonl"]


@dataclass(frozen=True, slots=True)
class Record:
    """One data row of a shifts file: its physical line and its raw values.

    ``problem`` is set, as ``(field, message)``, when the row could not even be split
    into values (a CSV row with too few values, a line of JSON Lines that is not an object).
    """

    line: int
    values: dict[str, Any]
    problem: tuple[str | None, str] | None = None


@dataclass(frozen=True)
class ShiftBatch:
    """The data rows of one shifts file, ready to evaluate.

    ``columns`` is the set of columns the file has (the CSV header; for JSON Lines the
    keys seen in any object). ``claims`` is true when the file has a ``paid`` column, which
    turns on claim checking.
    """

    source: str
    format: InputFormat
    records: tuple[Record, ...]
    columns: frozenset[str] = field(default_factory=frozenset)
    claims: bool = False

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    @classmethod
    def from_shifts(cls, shifts: Iterable[Shift], source: str = "<shifts>") -> ShiftBatch:
        """A batch of ``Shift`` objects; their ``line`` is their 1-based position."""
        records = []
        claims = False
        for position, shift in enumerate(shifts, start=1):
            if not isinstance(shift, Shift):
                raise TypeError(f"item {position} is a {type(shift).__name__}, not a Shift")
            values = {name: getattr(shift, name) for name in COLUMNS}
            claims = claims or shift.paid is not None
            records.append(Record(position, values))
        return cls(source, "jsonl", tuple(records), frozenset(COLUMNS), claims)


def read_shifts(
    source: str | Path | TextIO,
    *,
    input_format: InputFormat | None = None,
) -> ShiftBatch:
    """Read a shifts file: CSV with a header row, or JSON Lines (SPEC section 4).

    ``source`` is a path, ``"-"`` for standard input, or an open text file. The format
    comes from the suffix (``.csv``; ``.jsonl`` or ``.ndjson``) unless ``input_format``
    says; standard input and open files are CSV unless told otherwise. Problems with the
    file as a whole raise :class:`ShiftFileError`; problems with one row are kept with
    that row and reported when it is evaluated.
    """
    if isinstance(source, (str, Path)) and str(source) != "-":
        path = Path(source)
        fmt = input_format or _format_of(path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                return _read(handle, fmt, str(path))
        except FileNotFoundError:
            raise ShiftFileError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ShiftFileError(f"{path}: is a directory, not a shifts file") from None
        except UnicodeDecodeError as exc:
            raise ShiftFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise ShiftFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if isinstance(source, (str, Path)):
        stream: TextIO = sys.stdin
        name = "<stdin>"
    else:
        stream = source
        name = getattr(source, "name", "<stream>")
    try:
        text = stream.read()
    except UnicodeDecodeError as exc:
        raise ShiftFileError(f"{name}: not UTF-8 text ({exc.reason})") from None
    return _read(io.StringIO(text.removeprefix("\ufeff"), newline=""), input_format or "csv", name)


def _format_of(path: Path) -> InputFormat:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise ShiftFileError(
        f"{path}: unknown shifts file type {suffix or '(no suffix)'!r}: "
        f"use .csv, .jsonl or .ndjson, or give the format"
    )


def _read(handle: TextIO, fmt: InputFormat, name: str) -> ShiftBatch:
    if fmt == "csv":
        return _read_csv(handle, name)
    return _read_jsonl(handle, name)


@dataclass(frozen=True)
class CsvHeader:
    """A CSV header row: its columns (trimmed, lower case) and those the engine reads."""

    columns: tuple[str, ...]
    wanted: tuple[tuple[int, str], ...]

    @classmethod
    def parse(cls, cells: list[str], name: str) -> CsvHeader:
        columns = tuple(cell.strip().lower() for cell in cells)
        seen: set[str] = set()
        for column in columns:
            if column in seen and column in COLUMNS:
                raise ShiftFileError(f"{name}: line 1: column {column!r} appears twice")
            seen.add(column)
        missing = [c for c in ALWAYS_REQUIRED if c not in seen]
        if missing:
            raise ShiftFileError(
                f"{name}: missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header has: {', '.join(columns)})"
            )
        return cls(columns, tuple((i, c) for i, c in enumerate(columns) if c in COLUMNS))

    def record(self, line: int, cells: list[str]) -> Record | None:
        """The record of one CSV row, or None for a blank row (which is skipped)."""
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            return None
        width = len(self.columns)
        values = {c: cells[i] for i, c in self.wanted if i < len(cells)}
        problem: tuple[str | None, str] | None = None
        if len(cells) < width:
            absent = next((c for i, c in self.wanted if i >= len(cells)), None)
            problem = (absent, f"row has {len(cells)} values, the header has {width} columns")
        elif len(cells) > width:
            problem = (None, f"row has {len(cells)} values, the header has {width} columns")
        return Record(line, values, problem)


def _read_csv(handle: TextIO, name: str) -> ShiftBatch:
    reader = csv.reader(handle, strict=True)
    try:
        cells = next(reader, None)
        while cells is not None and not any(cell.strip() for cell in cells):
            cells = next(reader, None)
        if cells is None:
            raise ShiftFileError(f"{name}: empty file: a header row is needed")
        header = CsvHeader.parse(cells, name)
        records: list[Record] = []
        last = reader.line_num
        for cells in reader:
            line = last + 1
            last = reader.line_num
            record = header.record(line, cells)
            if record is not None:
                records.append(record)
    except csv.Error as exc:
        raise ShiftFileError(f"{name}: line {reader.line_num}: malformed CSV ({exc})") from None
    seen = frozenset(header.columns)
    return ShiftBatch(name, "csv", tuple(records), seen, "paid" in seen)


def _read_jsonl(handle: TextIO, name: str) -> ShiftBatch:
    records: list[Record] = []
    keys: set[str] = set()
    for number, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            records.append(Record(number, {}, (None, f"not valid JSON ({exc.msg})")))
            continue
        if not isinstance(value, dict):
            records.append(Record(number, {}, (None, "not a JSON object")))
            continue
        values = {str(k).strip().lower(): v for k, v in value.items()}
        keys.update(values)
        records.append(Record(number, {k: v for k, v in values.items() if k in COLUMNS}))
    return ShiftBatch(name, "jsonl", tuple(records), frozenset(keys), "paid" in keys)

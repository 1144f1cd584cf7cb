"""Input profiles: how the columns and values of someone else's export read as a shifts file.

A profile (TOML, validated like an agreement) says which column of the file is which
(``"Person Number" = "employee_id"``), gives constant values for columns the file lacks,
builds ``start`` and ``end`` from a date column and two time columns, and names the formats
of dates, times, money, booleans and status codes. It is applied to the raw text of a
batch, before anything is decided: what it produces is a shifts file of the project's own
format, so the engine, its errors and its reports are the same whatever the input.

Formats are explicit strptime-style patterns (``%m/%d/%Y``, ``%I:%M %p``): nothing is
guessed, so ``03/04/2021`` is March 4 only where a profile says ``%m/%d/%Y``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ._errors import ProfileError
from ._shifts import COLUMNS

DATE = "date"
"""The internal name of a profile's date column (the day of ``start`` and ``end``)."""
TARGETS = (*COLUMNS, DATE)
_BOOLEAN_COLUMNS = ("extra", "approved")
_MONEY_COLUMNS = ("paid", "base_rate")
_CELL = "%Y-%m-%d %H:%M:%S"
"""How a workbook's date or time cell reads as text (a time alone is on 1899-12-31)."""
_US_MONEY = r"^\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$"


class Profile(BaseModel):
    """How to read one kind of export (see the input profile reference)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, description="The profile's name.")
    description: str = Field(default="", description="What files it reads.")
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="A column of the file (as its header writes it) -> a shifts column, or "
        "'date' for the day of times written without one.",
    )
    constants: dict[str, str] = Field(
        default_factory=dict, description="A shifts column -> its value on every row."
    )
    date_format: str | None = Field(
        default=None, description="strptime format of the date column, e.g. %m/%d/%Y."
    )
    time_format: str | None = Field(
        default=None,
        description="strptime format of start and end when a date column gives their day, "
        "e.g. %I:%M %p.",
    )
    datetime_format: str | None = Field(
        default=None,
        description="strptime format of start and end holding a date and a time, "
        "e.g. %m/%d/%Y %I:%M %p.",
    )
    overnight: bool = Field(
        default=True,
        description="With a date column: an end at or before the start is on the next day.",
    )
    money: Literal["plain", "us"] = Field(
        default="plain", description="'us' also reads $1,250.00 (a dollar sign, commas)."
    )
    true: list[str] = Field(default_factory=list, description="Values that mean yes.")
    false: list[str] = Field(default_factory=list, description="Values that mean no.")
    status_codes: dict[str, str] = Field(
        default_factory=dict,
        description="A value of the status column (a pay code: SICK, PTO) -> the status.",
    )
    delimiter: Literal[",", "\t", ";"] | None = Field(default=None, description="CSV delimiter.")
    encoding: str | None = Field(default=None, description="The file's encoding.")

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        for source, target in value.items():
            if target not in TARGETS:
                raise ValueError(f"{source!r} maps to {target!r}, not a shifts column or 'date'")
        return value

    @field_validator("constants")
    @classmethod
    def _known_constants(cls, value: dict[str, str]) -> dict[str, str]:
        for target in value:
            if target not in COLUMNS:
                raise ValueError(f"{target!r} is not a shifts column")
        return value

    @model_validator(mode="after")
    def _formats_for_a_date_column(self) -> Profile:
        if DATE in self.columns.values() and not (self.date_format and self.time_format):
            raise ValueError(
                "a 'date' column needs date_format and time_format (nothing is guessed: "
                "03/04/2021 is March 4 only under %m/%d/%Y)"
            )
        return self

    def renamed(self, header: str) -> str:
        """The column a header cell (trimmed, in lower case) stands for."""
        return self._renames.get(header, header)

    @property
    def _renames(self) -> dict[str, str]:
        return {k.strip().lower(): v for k, v in self.columns.items()}

    @property
    def provided(self) -> frozenset[str]:
        """The columns the profile gives itself (constants)."""
        return frozenset(self.constants)

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A batch frame of the file's text turned into the project's own format."""
        frame = frame.with_columns(
            pl.lit(v, dtype=pl.String).alias(k) for k, v in self.constants.items()
        )
        frame = self._times(frame)
        frame = self._booleans(frame)
        frame = self._money(frame)
        if self.status_codes and "status" in frame.columns:
            codes = {k.strip().lower(): v for k, v in self.status_codes.items()}
            lowered = pl.col("status").str.strip_chars().str.to_lowercase()
            frame = frame.with_columns(
                status=lowered.replace_strict(
                    codes, default=pl.col("status"), return_dtype=pl.String
                )
            )
        return frame.drop(DATE, strict=False)

    def _times(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``start`` and ``end`` in ISO 8601, from a date and two times, or two stamps."""
        if DATE in frame.columns and self.time_format and self.date_format:
            frame = self._day(frame, self.date_format)
            for column in ("start", "end"):
                frame = self._clock(frame, column)
            frame = self._overnight(frame)
            frame = frame.with_columns(
                start=_iso(frame, "_day", "_t_start"),
                end=_iso(frame, "_d_end", "_t_end"),
            )
            return frame.drop("_day", "_d_end", "_t_start", "_t_end")
        if self.datetime_format:
            for column in ("start", "end"):
                frame = self._stamp(frame, column, self.datetime_format)
        return frame

    def _day(self, frame: pl.DataFrame, date_format: str) -> pl.DataFrame:
        def day(text: pl.Expr) -> pl.Expr:
            written = text.str.strip_chars()
            return pl.coalesce(
                written.str.strptime(pl.Date, date_format, strict=False),
                written.str.strptime(pl.Datetime, _CELL, strict=False).dt.date(),
            )

        frame = frame.with_columns(_day=_once(frame, DATE, day, pl.Date))
        bad = pl.col("_day").is_null() & pl.col(DATE).is_not_null()
        said = f"date '{{}}' does not match {date_format}{self._date_column}"
        return _problem(frame, bad, "start", pl.format(said, pl.col(DATE)))

    def _overnight(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The day of ``end``: the next one when the end is not after the start (noted)."""
        if not self.overnight:
            return frame.with_columns(_d_end=pl.col("_day"))
        later = pl.col("_t_end") <= pl.col("_t_start")
        next_day = pl.col("_day") + pl.duration(days=1)
        said = "end {} is taken on the next day ({}): it is not after start {}"
        note = pl.format(said, pl.col("end"), next_day.dt.strftime("%Y-%m-%d"), pl.col("start"))
        return frame.with_columns(
            note=pl.when(later).then(note),
            _d_end=pl.when(later).then(next_day).otherwise(pl.col("_day")),
        )

    def _stamp(self, frame: pl.DataFrame, column: str, stamp_format: str) -> pl.DataFrame:
        def stamp(text: pl.Expr) -> pl.Expr:
            return text.str.strip_chars().str.strptime(pl.Datetime, stamp_format, strict=False)

        frame = frame.with_columns(_stamp=_once(frame, column, stamp, pl.Datetime("us")))
        bad = pl.col("_stamp").is_null() & pl.col(column).is_not_null()
        said = pl.format(f"'{{}}' does not match {stamp_format}", pl.col(column))
        frame = _problem(frame, bad, column, said)
        iso = pl.col("_stamp").dt.strftime("%Y-%m-%dT%H:%M:%S")
        return frame.with_columns(iso.alias(column)).drop("_stamp")

    @property
    def _date_column(self) -> str:
        names = [name for name, target in self.columns.items() if target == DATE]
        return f" (column {names[0]!r})" if names else ""

    def _clock(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        time_format = self.time_format
        assert time_format is not None

        def clock(text: pl.Expr) -> pl.Expr:
            written = text.str.strip_chars()
            return pl.coalesce(
                written.str.strptime(pl.Time, time_format, strict=False),
                written.str.strptime(pl.Datetime, _CELL, strict=False).dt.time(),
            )

        parsed = _once(frame, column, clock, pl.Time)
        frame = frame.with_columns(**{f"_t_{column}": parsed})
        bad = pl.col(f"_t_{column}").is_null() & pl.col(column).is_not_null()
        said = pl.format(f"time '{{}}' does not match {self.time_format}", pl.col(column))
        return _problem(frame, bad, column, said)

    def _booleans(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not (self.true or self.false):
            return frame
        table = {v.strip().lower(): "true" for v in self.true}
        table |= {v.strip().lower(): "false" for v in self.false}
        return frame.with_columns(
            pl.col(c)
            .fill_null("")
            .str.strip_chars()
            .str.to_lowercase()
            .replace_strict(table, default=pl.col(c), return_dtype=pl.String)
            .alias(c)
            for c in _BOOLEAN_COLUMNS
            if c in frame.columns
        )

    def _money(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.money != "us":
            return frame

        def plain(written: pl.Expr) -> pl.Expr:
            text = written.str.strip_chars()
            bare = text.str.replace("$", "", literal=True).str.replace_all(",", "", literal=True)
            return pl.when(text.str.contains(_US_MONEY)).then(bare).otherwise(written)

        return frame.with_columns(
            _once(frame, c, plain, pl.String).alias(c) for c in _MONEY_COLUMNS if c in frame.columns
        )


def _once(
    frame: pl.DataFrame, column: str, parse: Callable[[pl.Expr], pl.Expr], dtype: Any
) -> pl.Expr:
    """``parse`` of a column's values, computed once per distinct value: an export repeats
    a few hundred dates, times and amounts over millions of rows."""
    keys = frame[column].drop_nulls().unique()
    values = pl.DataFrame({"k": keys}).select(parse(pl.col("k")))
    return pl.col(column).replace_strict(keys, values.to_series(), default=None, return_dtype=dtype)


def _iso(frame: pl.DataFrame, day: str, clock: str) -> pl.Expr:
    """ISO 8601 text of a day column and a time-of-day column (each written once per value)."""
    days = _once(frame, day, lambda d: d.dt.strftime("%Y-%m-%d"), pl.String)
    clocks = _once(frame, clock, lambda t: t.dt.strftime("%H:%M:%S"), pl.String)
    return pl.concat_str(days, pl.lit("T"), clocks)


def _problem(frame: pl.DataFrame, bad: pl.Expr, field: str, said: pl.Expr) -> pl.DataFrame:
    """A row's first problem, kept if it has one already."""
    first = pl.col("problem").is_null() & bad
    return frame.with_columns(
        problem_field=pl.when(first).then(pl.lit(field)).otherwise(pl.col("problem_field")),
        problem=pl.when(first).then(said).otherwise(pl.col("problem")),
    )


def bundled() -> dict[str, Profile]:
    """The profiles that come with incentives, by name."""
    folder = files("incentives") / "profiles"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            profile = _parsed(entry.read_text(encoding="utf-8"), f"profiles/{entry.name}")
            found[profile.name] = profile
    return found


def load_profile(source: str | Path | Profile) -> Profile:
    """A profile: itself, a bundled one by name, or a TOML file."""
    if isinstance(source, Profile):
        return source
    known = bundled()
    if str(source) in known:
        return known[str(source)]
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        names = ", ".join(known)
        raise ProfileError(
            [f"no such profile file or bundled profile ({names}): {exc.strerror}"], str(path)
        ) from None
    return _parsed(text, str(path))


def with_options(
    base: str | Path | Profile | None,
    *,
    columns: dict[str, str] | None = None,
    constants: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
) -> Profile | None:
    """``base`` (or an empty profile) with more columns, constants and formats given on
    the command line; None when there is neither."""
    if base is None and not (columns or constants or formats):
        return None
    given = load_profile(base) if base is not None else Profile(name="command line")
    data: dict[str, Any] = given.model_dump()
    data["columns"] = {**given.columns, **(columns or {})}
    data["constants"] = {**given.constants, **(constants or {})}
    data.update(formats or {})
    return _validated(data, "the command line")


def _parsed(text: str, source: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise ProfileError([f"not valid TOML: {exc}"], source) from None
    return _validated(data, source)


def _validated(data: object, source: str) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = [_problem_text(e["loc"], e["msg"]) for e in exc.errors(include_url=False)]
        raise ProfileError(problems, source) from None


def _problem_text(loc: tuple[int | str, ...], message: str) -> str:
    said = message.removeprefix("Value error, ")
    return f"{'.'.join(str(p) for p in loc)}: {said}" if loc else said

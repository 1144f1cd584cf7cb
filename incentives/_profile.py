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
from ._problems import Problem, coded_expr, invalid, problem, pydantic_family, raised
from ._shifts import COLUMNS

DATE = "date"
"""The internal name of a profile's date column (the day of ``start`` and ``end``)."""
TARGETS = (*COLUMNS, DATE)
_BOOLEAN_COLUMNS = ("extra", "approved")
_MONEY_COLUMNS = ("paid", "base_rate", "overtime_paid")
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
                raise invalid("profile_file.column_target", name=source, target=target)
        return value

    @field_validator("constants")
    @classmethod
    def _known_constants(cls, value: dict[str, str]) -> dict[str, str]:
        for target in value:
            if target not in COLUMNS:
                raise invalid("profile_file.constant", target=target)
        return value

    @model_validator(mode="after")
    def _formats_for_a_date_column(self) -> Profile:
        if DATE in self.columns.values() and not (self.date_format and self.time_format):
            raise invalid("profile_file.date_formats")
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

            def status(text: pl.Expr) -> pl.Expr:
                lowered = text.str.strip_chars().str.to_lowercase()
                return lowered.replace_strict(codes, default=text, return_dtype=pl.String)

            frame = frame.with_columns(status=_once(frame, "status", status, pl.String))
        return frame.drop(DATE, strict=False)

    def _times(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``start`` and ``end`` in ISO 8601, from a date and two times, or two stamps."""
        if DATE in frame.columns and self.time_format and self.date_format:
            return self._dated(frame, self.date_format, self.time_format)
        if self.datetime_format:
            for column in ("start", "end"):
                frame = self._stamp(frame, column, self.datetime_format)
        return frame

    def _dated(self, frame: pl.DataFrame, date_format: str, time_format: str) -> pl.DataFrame:
        """``start`` and ``end`` of a date column and two time columns. Each distinct date
        and time is parsed and written as ISO text once; the times compare as that text."""

        day = _iso_text(date_format, pl.Date, lambda cell: cell.dt.date(), "%Y-%m-%d")
        clock = _iso_text(time_format, pl.Time, lambda cell: cell.dt.time(), "%H:%M:%S")
        frame = frame.with_columns(
            _day=_once(frame, DATE, day, pl.String),
            _t_start=_once(frame, "start", clock, pl.String),
            _t_end=_once(frame, "end", clock, pl.String),
        )
        frame = _problems(
            frame,
            ("_day", DATE, "start", "profile.date", date_format, self._date_column),
            ("_t_start", "start", "start", "profile.time", time_format, None),
            ("_t_end", "end", "end", "profile.time", time_format, None),
        )
        frame = self._overnight(frame)
        return frame.with_columns(
            start=pl.concat_str("_day", pl.lit("T"), "_t_start"),
            end=pl.concat_str("_d_end", pl.lit("T"), "_t_end"),
        ).drop("_day", "_d_end", "_t_start", "_t_end")

    def _overnight(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The day of ``end``: the next one when the end is not after the start, with a
        note on that row (written for those rows only)."""
        if not self.overnight:
            return frame.with_columns(_d_end=pl.col("_day"))
        later = pl.col("_t_end") <= pl.col("_t_start")
        following = _once(frame, "_day", _next_day, pl.String)
        frame = frame.with_columns(_d_end=pl.when(later).then(following).otherwise(pl.col("_day")))
        moved = frame.select(pl.arg_where(later.fill_null(False))).to_series()
        if moved.len() == 0:
            return frame
        said = "end {} is taken on the next day ({}): it is not after start {}"
        texts = frame.select("end", "_d_end", "start")[moved]
        notes = texts.select(pl.format(said, "end", "_d_end", "start")).to_series()
        empty = pl.Series("note", dtype=pl.String).extend_constant(None, frame.height)
        return frame.with_columns(empty.scatter(moved, notes))

    def _stamp(self, frame: pl.DataFrame, column: str, stamp_format: str) -> pl.DataFrame:
        def stamp(text: pl.Expr) -> pl.Expr:
            parsed = text.str.strip_chars().str.strptime(pl.Datetime, stamp_format, strict=False)
            return parsed.dt.strftime("%Y-%m-%dT%H:%M:%S")

        frame = frame.with_columns(_stamp=_once(frame, column, stamp, pl.String))
        frame = _problems(frame, ("_stamp", column, column, "profile.datetime", stamp_format, None))
        return frame.with_columns(pl.col("_stamp").alias(column)).drop("_stamp")

    @property
    def _date_column(self) -> str | None:
        names = [name for name, target in self.columns.items() if target == DATE]
        return names[0] if names else None

    def _booleans(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not (self.true or self.false):
            return frame
        table = {v.strip().lower(): "true" for v in self.true}
        table |= {v.strip().lower(): "false" for v in self.false}

        def word(text: pl.Expr) -> pl.Expr:
            lowered = text.str.strip_chars().str.to_lowercase()
            return lowered.replace_strict(table, default=text, return_dtype=pl.String)

        return frame.with_columns(
            _once(frame, c, word, pl.String).alias(c)
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


def _iso_text(
    written: str, dtype: Any, of_cell: Callable[[pl.Expr], pl.Expr], iso: str
) -> Callable[[pl.Expr], pl.Expr]:
    """A parser of dates or times written in the format ``written`` (or as a workbook's
    cell reads as text, of which ``of_cell`` takes the part) to ISO text (``iso``)."""

    def parse(text: pl.Expr) -> pl.Expr:
        trimmed = text.str.strip_chars()
        cell = trimmed.str.strptime(pl.Datetime, _CELL, strict=False)
        return pl.coalesce(
            trimmed.str.strptime(dtype, written, strict=False), of_cell(cell)
        ).dt.strftime(iso)

    return parse


def _next_day(day: pl.Expr) -> pl.Expr:
    following = day.str.strptime(pl.Date, "%Y-%m-%d") + pl.duration(days=1)
    return following.dt.strftime("%Y-%m-%d")


_Check = tuple[str, str, str, str, str, str | None]


def _problems(frame: pl.DataFrame, *checks: _Check) -> pl.DataFrame:
    """Each row's first problem, kept if it has one already: a value that did not parse.
    A check is (parsed column, column as read, the field it is reported on, the problem's
    code, the format, the file's column when it is not the field). Most files have none,
    which one pass finds."""
    bad = [pl.col(check[0]).is_null() & pl.col(check[1]).is_not_null() for check in checks]
    if not frame.select(pl.any_horizontal(bad).any()).item():
        return frame
    for failed, (_, read, field, code, written, column) in zip(bad, checks, strict=True):
        values = {"value": pl.col(read), "format": pl.lit(written)}
        if column is not None:
            values["column"] = pl.lit(column)
        frame = _problem(frame, failed, field, coded_expr(code, **values))
    return frame


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
        found = problem("profile_file.missing", names=names, reason=exc.strerror)
        raise ProfileError([found], str(path)) from None
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
        raise ProfileError([problem("profile_file.syntax", reason=str(exc))], source) from None
    return _validated(data, source)


def _validated(data: object, source: str) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_problems_of(exc), source) from None


def _problems_of(error: ValidationError) -> list[Problem]:
    """Each problem of a profile, its key path written with dots."""
    found: list[Problem] = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"])
        context = item.get("ctx") or {}
        for one in raised(context) if "problems" in context else []:
            key = {"key": where} if where else {}
            found.append(problem(one.code, **{**one.values, **key}))
        if "problems" not in context:
            code = f"profile_file.{pydantic_family(item['type'])}"
            found.append(problem(code, **({"key": where} if where else {}), detail=item["msg"]))
    return found

"""Shifts given as Python objects: a list of ``Shift``, or a polars or pandas DataFrame."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import polars as pl

from .. import _time
from .._errors import ShiftFileError, TimeError
from .._problems import coded, packed
from .._rows import EARLIEST, LATEST
from .._shifts import (
    COLUMNS,
    PROBLEM,
    TEXT,
    Record,
    Shift,
    ShiftBatch,
    frame_of_records,
    kind_column,
    raw_value,
)


def _time_value(value: datetime) -> Any:
    """A datetime as ISO text the engine reads to the same instant, or a problem.

    An aware datetime is an exact instant: it is written in UTC, after the checks that
    need its own zone (a wall time its zone skips, fractions of a second, the years).
    A naive one is wall time in the evaluation's zone and is written as it is.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        if value.microsecond:
            return _Problem(coded("time.fraction", value=value.isoformat()))
        return value.isoformat()
    try:
        moment = _time.instant(value, None)
    except TimeError as exc:
        return _Problem(packed(exc.problem))
    if not EARLIEST <= moment < LATEST:
        return _Problem(coded("time.out_of_range", value=value.isoformat()))
    return datetime.fromtimestamp(moment, _time.zone("UTC")).isoformat()


class _Problem(str):
    """A value the reader found unusable: the text is its problem, packed."""


def frame_of_shifts(shifts: Iterable[Shift]) -> pl.DataFrame:
    """The batch frame of ``Shift`` objects; their line is their 1-based position."""
    records: list[Record] = []
    for position, shift in enumerate(shifts, start=1):
        if not isinstance(shift, Shift):
            raise TypeError(f"item {position} is a {type(shift).__name__}, not a Shift")
        values = {name: getattr(shift, name) for name in COLUMNS}
        values["start"] = _time_value(shift.start)
        values["end"] = _time_value(shift.end)
        records.append(Record(position, values))
    frame = frame_of_records(records, COLUMNS)
    for name in ("start", "end"):
        problems = [isinstance(r.values[name], _Problem) for r in records]
        if any(problems):
            kinds = [PROBLEM if bad else TEXT for bad in problems]
            frame = frame.with_columns(pl.Series(kind_column(name), kinds, dtype=pl.UInt8))
    return frame


_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


def batch_of_frame(data: Any, source: str = "<DataFrame>") -> ShiftBatch:
    """A batch of a polars or pandas DataFrame whose columns are named as in a shifts file.

    Text columns are read as a shifts file's cells; booleans, integers and decimals as
    JSON Lines values of those types; floats by their shortest decimal representation
    (``0.1`` is ``0.1``); datetimes with a time zone as exact instants, naive ones as
    wall time in the evaluation's zone.
    """
    frame = _polars(data)
    names = {str(c).strip().lower(): c for c in frame.columns}
    columns = [c for c in COLUMNS if c in names]
    out: dict[str, pl.Series] = {
        "line": pl.Series(range(1, frame.height + 1), dtype=pl.Int64),
        "problem_field": pl.Series([None] * frame.height, dtype=pl.String),
        "problem": pl.Series([None] * frame.height, dtype=pl.String),
    }
    for name in columns:
        text, kind = _column(frame[names[name]], name)
        out[name] = text
        if kind is not None:
            out[kind_column(name)] = kind
    found = frozenset(names)
    return ShiftBatch(source, "csv", pl.DataFrame(out), found, "paid" in found)


def _polars(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    if isinstance(data, pl.DataFrame):
        return data
    try:
        frame: pl.DataFrame = pl.from_pandas(data)
        return frame
    except (ImportError, TypeError, ValueError) as exc:
        kind = type(data).__name__
        raise ShiftFileError("file.frame", type=kind, reason=str(exc)) from None


def _column(series: pl.Series, name: str) -> tuple[pl.Series, pl.Series | None]:
    """A DataFrame column as text, and what its values were (None: text)."""
    from .._shifts import BOOLEAN, DECIMAL, INTEGER

    dtype = series.dtype
    if isinstance(dtype, _TEXT_TYPES) or dtype == pl.Null:
        return series.cast(pl.String).rename(name), None
    if isinstance(dtype, pl.Datetime):
        return _datetimes(series, dtype).rename(name), None
    if dtype == pl.Boolean:
        kind = BOOLEAN
    elif dtype.is_integer():
        kind = INTEGER
    elif dtype.is_decimal() or dtype.is_float():
        kind = DECIMAL
    else:
        values = [raw_value(v) for v in series.to_list()]
        text = pl.Series(name, [t for t, _ in values], dtype=pl.String)
        return text, pl.Series([k for _, k in values], dtype=pl.UInt8)
    text = series.cast(pl.String)
    if dtype.is_float():  # not a number or infinite: the engine says so, as for text
        text = pl.Series(name, [_float_text(v) for v in series.to_list()], dtype=pl.String)
    kinds = pl.Series([kind] * series.len(), dtype=pl.UInt8)
    return text.rename(name), kinds


def _float_text(value: float | None) -> str | None:
    return None if value is None else repr(value)


def _datetimes(series: pl.Series, dtype: pl.Datetime) -> pl.Series:
    """ISO text of datetimes: aware ones in UTC with their offset, naive ones as written."""
    whole = series.dt.truncate("1s") == series
    if dtype.time_zone is not None:
        series = series.dt.convert_time_zone("UTC")
    clock = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = series.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f")  # refused: fractions of a second
    text = pl.select(pl.when(whole).then(clock).otherwise(fraction)).to_series()
    return text + "+00:00" if dtype.time_zone is not None else text

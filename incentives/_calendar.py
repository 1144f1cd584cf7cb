"""Recurring local-time periods: workweeks, pay periods and day-parts, a column at a time.

A shift belongs to the period in which it starts. Period boundaries are wall-clock times
resolved with the boundary policy of :mod:`incentives._time` (a boundary in a gap moves to
the end of the gap; one in a fold takes its first occurrence), so a workweek that contains
a DST change is 167 or 169 hours long. Calendar steps are taken on local dates, never by
adding hours.

Each calendar adds columns to a frame of instants (``add``), using the zone's
:class:`~incentives._time.Offsets` over the span the column needs; ``of(moment)`` decides
one instant the same way, as a frame of one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from . import _time

_ORDINAL_OF_EPOCH = 719163
"""``date(1970, 1, 1).toordinal()``: local days since 1970 plus this are date ordinals."""


@dataclass(frozen=True, slots=True)
class Period:
    """One occurrence of a recurring period: ``[start, end)`` and a key that names it."""

    key: int
    start: int
    end: int


def _boundary(
    frame: pl.DataFrame, day: pl.Expr, minutes: int, table: _time.Offsets, name: str
) -> pl.DataFrame:
    """``frame`` with column ``name``: the instant of wall-clock time ``minutes`` after
    midnight on local ``day``."""
    frame = frame.with_columns((day * _time.DAY + minutes * 60).alias("#local"))
    return _time.resolve_frame(frame, "#local", table, "boundary", name).drop("#local")


def _local_day(frame: pl.DataFrame, at: str, table: _time.Offsets) -> pl.DataFrame:
    return frame.with_columns((_time.local_column(pl.col(at), table) // _time.DAY).alias("#day"))


def _one(add: object, tz: ZoneInfo, moment: int, days: int) -> pl.DataFrame:
    table = _time.offsets(tz, moment - days * _time.DAY, moment + days * _time.DAY)
    frame = pl.DataFrame({"t": [moment]}, schema={"t": pl.Int64})
    return add(frame, "t", table, "p")  # type: ignore[operator,no-any-return]


class Workweeks:
    """Fixed workweeks (seven days on the local clock) starting on a weekday at a time."""

    def __init__(self, tz: ZoneInfo, weekday: int, hour: int, minute: int) -> None:
        self.tz = tz
        self.weekday = weekday
        self.minutes = hour * 60 + minute

    def add(self, frame: pl.DataFrame, at: str, table: _time.Offsets, name: str) -> pl.DataFrame:
        """``frame`` with the workweek of the instants in ``at``: ``<name>.key`` (the date
        ordinal of its first day), ``<name>.start`` and ``<name>.end``. ``table`` covers
        the instants and a week around them."""
        frame = _local_day(frame, at, table)
        first = pl.col("#day") - (((pl.col("#day") + 3) % 7) - self.weekday) % 7  # a Thursday
        frame = _boundary(
            frame.with_columns(first.alias("#first")),
            pl.col("#first"),
            self.minutes,
            table,
            "#began",
        )
        first = (
            pl.when(pl.col(at) >= pl.col("#began"))
            .then(pl.col("#first"))
            .otherwise(pl.col("#first") - 7)
        )
        frame = frame.with_columns(first.alias("#first"))
        frame = _boundary(frame, pl.col("#first"), self.minutes, table, f"{name}.start")
        frame = _boundary(frame, pl.col("#first") + 7, self.minutes, table, f"{name}.end")
        frame = frame.with_columns((pl.col("#first") + _ORDINAL_OF_EPOCH).alias(f"{name}.key"))
        return frame.drop("#day", "#first", "#began")

    def of(self, moment: int) -> Period:
        """The workweek in which ``moment`` falls."""
        row = _one(self.add, self.tz, moment, 8).row(0, named=True)
        return Period(row["p.key"], row["p.start"], row["p.end"])


class PayPeriods:
    """Pay periods of ``days`` local days, one of which starts at ``anchor``."""

    def __init__(self, tz: ZoneInfo, anchor: datetime, days: int) -> None:
        self.tz = tz
        self.days = days
        self.anchor_day = _time.local_seconds(anchor) // _time.DAY
        self.minutes = anchor.hour * 60 + anchor.minute

    def add(self, frame: pl.DataFrame, at: str, table: _time.Offsets, name: str) -> pl.DataFrame:
        """``frame`` with the pay period of the instants in ``at``: ``<name>.key`` (its
        number from the anchor's), ``<name>.start`` and ``<name>.end``. ``table`` covers
        the instants and a period around them."""

        def first_day(index: pl.Expr) -> pl.Expr:
            return self.anchor_day + index * self.days

        frame = _local_day(frame, at, table)
        frame = frame.with_columns(((pl.col("#day") - self.anchor_day) // self.days).alias("#i"))
        frame = _boundary(frame, first_day(pl.col("#i")), self.minutes, table, "#began")
        index = (
            pl.when(pl.col(at) >= pl.col("#began")).then(pl.col("#i")).otherwise(pl.col("#i") - 1)
        )
        frame = frame.with_columns(index.alias(f"{name}.key"))
        frame = _boundary(
            frame, first_day(pl.col(f"{name}.key")), self.minutes, table, f"{name}.start"
        )
        frame = _boundary(
            frame, first_day(pl.col(f"{name}.key") + 1), self.minutes, table, f"{name}.end"
        )
        return frame.drop("#day", "#i", "#began")

    def of(self, moment: int) -> Period:
        """The pay period in which ``moment`` falls."""
        row = _one(self.add, self.tz, moment, self.days + 2).row(0, named=True)
        return Period(row["p.key"], row["p.start"], row["p.end"])


class DayParts:
    """Named day-parts by local time of day (``23:00-07:00`` wraps midnight)."""

    def __init__(self, tz: ZoneInfo, parts: dict[str, tuple[int, int]]) -> None:
        self.tz = tz
        self.parts = dict(parts)

    def add(self, frame: pl.DataFrame, at: str, table: _time.Offsets, name: str) -> pl.DataFrame:
        """``frame`` with column ``name``: the day-part in which each instant of ``at``
        falls (null for none). The parts begun the day before (they may wrap past
        midnight) are tried first, then the day's own, each in the agreement's order."""
        frame = _local_day(frame, at, table)
        spans = [
            (back, part, start, end) for back in (1, 0) for part, (start, end) in self.parts.items()
        ]
        temporary = []
        for n, (back, _, start, end) in enumerate(spans):
            first = pl.col("#day") - back
            last = first + 1 if end <= start else first
            frame = _boundary(frame, first, start, table, f"#s{n}")
            frame = _boundary(frame, last, end, table, f"#e{n}")
            temporary += [f"#s{n}", f"#e{n}"]
        found: pl.Expr = pl.lit(None, dtype=pl.String)
        for n, (_, part, _, _) in reversed(list(enumerate(spans))):
            inside = (pl.col(at) >= pl.col(f"#s{n}")) & (pl.col(at) < pl.col(f"#e{n}"))
            found = pl.when(inside).then(pl.lit(part)).otherwise(found)
        return frame.with_columns(found.alias(name)).drop("#day", *temporary)

    def of(self, moment: int) -> str | None:
        """The name of the day-part in which ``moment`` falls, or None."""
        value: str | None = _one(self.add, self.tz, moment, 2)["p"].item()
        return value

"""Recurring local-time periods: workweeks, pay periods and day-parts.

A shift belongs to the period in which it starts. Period boundaries are wall-clock times
resolved with the boundary policy of :mod:`incentives._time` (a boundary in a gap moves to
the end of the gap; one in a fold takes its first occurrence), so a workweek that contains
a DST change is 167 or 169 hours long. Calendar steps are taken on local dates, never by
adding hours.

Each calendar gives polars expressions over a column of instants (``columns``), computed
with the zone's :class:`~incentives._time.Offsets` over the span the column needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from . import _time

_ORDINAL_OF_EPOCH = 719163
"""``date(1970, 1, 1).toordinal()``: local days since 1970 plus this are date ordinals."""


@dataclass(frozen=True, slots=True)
class PeriodColumns:
    """A period per instant, as expressions: its key, start and end instants."""

    key: pl.Expr
    start: pl.Expr
    end: pl.Expr


def _boundary(day: pl.Expr, minutes: int, table: _time.Offsets) -> pl.Expr:
    """The instant of wall-clock time ``minutes`` after midnight on local ``day``."""
    instant, _ = _time.resolve_column(day * _time.DAY + minutes * 60, table, "boundary")
    return instant


def _local_day(instants: pl.Expr, table: _time.Offsets) -> pl.Expr:
    return _time.local_column(instants, table) // _time.DAY


class _Boundaries:
    """Instants of one wall-clock time of day on successive local dates, cached."""

    __slots__ = ("_cache", "hour", "minute", "tz")

    def __init__(self, tz: ZoneInfo, hour: int, minute: int) -> None:
        self.tz = tz
        self.hour = hour
        self.minute = minute
        self._cache: dict[date, int] = {}

    def on(self, day: date) -> int:
        moment = self._cache.get(day)
        if moment is None:
            local = datetime(day.year, day.month, day.day, self.hour, self.minute)  # noqa: DTZ001
            moment = self._cache[day] = _time.resolve_boundary(local, self.tz)
        return moment


class Period:
    """One occurrence of a recurring period: ``[start, end)`` and a key that names it."""

    __slots__ = ("end", "key", "start")

    def __init__(self, key: int, start: int, end: int) -> None:
        self.key = key
        self.start = start
        self.end = end


class Workweeks:
    """Fixed 168-hour workweeks (on the local clock) starting on a weekday at a time."""

    def __init__(self, tz: ZoneInfo, weekday: int, hour: int, minute: int) -> None:
        self.tz = tz
        self.weekday = weekday
        self.minutes = hour * 60 + minute
        self._starts = _Boundaries(tz, hour, minute)
        self._by_date: dict[date, tuple[Period, Period]] = {}

    def of(self, moment: int) -> Period:
        """The workweek in which ``moment`` falls."""
        day = _time.local_date(moment, self.tz)
        pair = self._by_date.get(day)
        if pair is None:
            first = day - timedelta(days=(day.weekday() - self.weekday) % 7)
            pair = self._by_date[day] = (self._week(first - timedelta(days=7)), self._week(first))
        return pair[1] if moment >= pair[1].start else pair[0]

    def columns(self, instants: pl.Expr, table: _time.Offsets) -> PeriodColumns:
        """The workweek of each instant; ``table`` covers the instants and a week around."""
        day = _local_day(instants, table)
        first = day - (((day + 3) % 7) - self.weekday) % 7  # 1970-01-01 was a Thursday
        began = _boundary(first, self.minutes, table)
        first = pl.when(instants >= began).then(first).otherwise(first - 7)
        return PeriodColumns(
            key=first + _ORDINAL_OF_EPOCH,
            start=_boundary(first, self.minutes, table),
            end=_boundary(first + 7, self.minutes, table),
        )

    def _week(self, first: date) -> Period:
        return Period(
            first.toordinal(),
            self._starts.on(first),
            self._starts.on(first + timedelta(days=7)),
        )


class PayPeriods:
    """Pay periods of ``days`` local days, one of which starts at ``anchor``."""

    def __init__(self, tz: ZoneInfo, anchor: datetime, days: int) -> None:
        self.tz = tz
        self.days = days
        self._anchor = anchor.date()
        self.anchor_day = _time.local_seconds(anchor) // _time.DAY
        self.minutes = anchor.hour * 60 + anchor.minute
        self._starts = _Boundaries(tz, anchor.hour, anchor.minute)
        self._by_date: dict[date, tuple[Period, Period]] = {}

    def of(self, moment: int) -> Period:
        """The pay period in which ``moment`` falls."""
        day = _time.local_date(moment, self.tz)
        pair = self._by_date.get(day)
        if pair is None:
            index = (day - self._anchor).days // self.days
            pair = self._by_date[day] = (self._period(index - 1), self._period(index))
        return pair[1] if moment >= pair[1].start else pair[0]

    def columns(self, instants: pl.Expr, table: _time.Offsets) -> PeriodColumns:
        """The pay period of each instant; ``table`` covers the instants and a period around."""
        day = _local_day(instants, table)
        index = (day - self.anchor_day) // self.days

        def start_of(i: pl.Expr) -> pl.Expr:
            return _boundary(self.anchor_day + i * self.days, self.minutes, table)

        index = pl.when(instants >= start_of(index)).then(index).otherwise(index - 1)
        return PeriodColumns(key=index, start=start_of(index), end=start_of(index + 1))

    def _period(self, index: int) -> Period:
        first = self._anchor + timedelta(days=index * self.days)
        return Period(
            index,
            self._starts.on(first),
            self._starts.on(first + timedelta(days=self.days)),
        )


class DayParts:
    """Named day-parts by local time of day (``23:00-07:00`` wraps midnight)."""

    def __init__(self, tz: ZoneInfo, parts: dict[str, tuple[int, int]]) -> None:
        self.tz = tz
        self.parts = dict(parts)
        self._parts = [
            (name, _Boundaries(tz, s // 60, s % 60), _Boundaries(tz, e // 60, e % 60), e <= s)
            for name, (s, e) in parts.items()
        ]
        self._by_date: dict[date, list[tuple[int, int, str]]] = {}

    def of(self, moment: int) -> str | None:
        """The name of the day-part in which ``moment`` falls, or None."""
        day = _time.local_date(moment, self.tz)
        spans = self._by_date.get(day)
        if spans is None:
            spans = self._by_date[day] = self._spans(day)
        for start, end, name in spans:
            if start <= moment < end:
                return name
        return None

    def column(self, instants: pl.Expr, table: _time.Offsets) -> pl.Expr:
        """The name of the day-part in which each instant falls (null for none)."""
        day = _local_day(instants, table)
        found = pl.lit(None, dtype=pl.String)
        # Later matches are tried first, so the first match (yesterday's parts, which may
        # wrap past midnight, then today's) is the one that stays.
        spans = [
            (first, name, start, end)
            for first in (day - 1, day)
            for name, (start, end) in self.parts.items()
        ]
        for first, name, start, end in reversed(spans):
            last = first + 1 if end <= start else first
            inside = (instants >= _boundary(first, start, table)) & (
                instants < _boundary(last, end, table)
            )
            found = pl.when(inside).then(pl.lit(name)).otherwise(found)
        return found

    def _spans(self, day: date) -> list[tuple[int, int, str]]:
        spans = []
        for first in (day - timedelta(days=1), day):
            for name, starts, ends, wraps in self._parts:
                last = first + timedelta(days=1) if wraps else first
                spans.append((starts.on(first), ends.on(last), name))
        return spans

"""The oracle's calendars: workweeks, pay periods and day-parts, one instant at a time.

A shift belongs to the period in which it starts. Period boundaries are wall-clock times
resolved with :func:`incentives._time.resolve_boundary` (a boundary in a gap moves to the
end of the gap; one in a fold takes its first occurrence). Nothing is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from incentives import _time


def boundary(tz: ZoneInfo, day: date, hour: int, minute: int) -> int:
    """The instant of wall-clock ``hour:minute`` on local ``day`` (a recurring boundary)."""
    local = datetime(day.year, day.month, day.day, hour, minute)
    return _time.resolve_boundary(local, tz)


@dataclass(frozen=True)
class Period:
    """One occurrence of a recurring period: ``[start, end)`` and a key that names it."""

    key: int
    start: int
    end: int


class Workweeks:
    """Fixed workweeks (on the local clock) starting on a weekday at a time."""

    def __init__(self, tz: ZoneInfo, weekday: int, hour: int, minute: int) -> None:
        self.tz = tz
        self.weekday = weekday
        self.hour = hour
        self.minute = minute

    def of(self, moment: int) -> Period:
        """The workweek in which ``moment`` falls."""
        day = _time.local_date(moment, self.tz)
        first = day - timedelta(days=(day.weekday() - self.weekday) % 7)
        week = self._week(first)
        return week if moment >= week.start else self._week(first - timedelta(days=7))

    def _week(self, first: date) -> Period:
        return Period(
            first.toordinal(),
            boundary(self.tz, first, self.hour, self.minute),
            boundary(self.tz, first + timedelta(days=7), self.hour, self.minute),
        )


class PayPeriods:
    """Pay periods of ``days`` local days, one of which starts at ``anchor``."""

    def __init__(self, tz: ZoneInfo, anchor: datetime, days: int) -> None:
        self.tz = tz
        self.days = days
        self.anchor = anchor

    def of(self, moment: int) -> Period:
        """The pay period in which ``moment`` falls."""
        day = _time.local_date(moment, self.tz)
        index = (day - self.anchor.date()).days // self.days
        period = self._period(index)
        return period if moment >= period.start else self._period(index - 1)

    def _period(self, index: int) -> Period:
        first = self.anchor.date() + timedelta(days=index * self.days)
        hour, minute = self.anchor.hour, self.anchor.minute
        return Period(
            index,
            boundary(self.tz, first, hour, minute),
            boundary(self.tz, first + timedelta(days=self.days), hour, minute),
        )


class DayParts:
    """Named day-parts by local time of day (``23:00-07:00`` wraps midnight)."""

    def __init__(self, tz: ZoneInfo, parts: dict[str, tuple[int, int]]) -> None:
        self.tz = tz
        self.parts = parts

    def of(self, moment: int) -> str | None:
        """The name of the day-part in which ``moment`` falls, or None."""
        day = _time.local_date(moment, self.tz)
        for first in (day - timedelta(days=1), day):
            for name, (s, e) in self.parts.items():
                last = first + timedelta(days=1) if e <= s else first
                start = boundary(self.tz, first, s // 60, s % 60)
                end = boundary(self.tz, last, e // 60, e % 60)
                if start <= moment < end:
                    return name
        return None

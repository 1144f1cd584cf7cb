"""The picture of one workweek: the member's shifts as bars on a time axis in local time,
the agreement's windows shaded, each local midnight a gridline and each change of the
clocks (DST) marked.

The axis is elapsed time from the start of the workweek, so a bar is as long as the shift
really was (a night across a fall-back change is an hour longer than its clock times say).
The picture is data (:class:`Week`); the HTML template draws it as SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .. import _people

WIDTH = 700
"""Width of the time axis, in SVG units."""
LANE = 18
"""Height of one shift's lane."""
TOP = 22
"""Room above the lanes for the day labels."""
_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Bar:
    """One shift: where it is, what it came to, and its words for a tooltip."""

    x: float
    width: float
    y: float
    kind: str
    """``qualifies``, ``underpaid``, ``fails`` or ``absence``."""
    line: int
    title: str


@dataclass(frozen=True)
class Week:
    """Everything the picture of one workweek shows."""

    start: datetime
    end: datetime
    label: str
    days: list[tuple[float, str]] = field(default_factory=list)
    windows: list[tuple[float, float]] = field(default_factory=list)
    clocks: list[tuple[float, str]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)

    @property
    def height(self) -> float:
        return TOP + LANE * max(1, len(self.bars)) + 6

    @property
    def width(self) -> int:
        return WIDTH


def workweek_start(moment: datetime, weekday: int, hour: int, minute: int) -> datetime:
    """The start of the workweek that holds ``moment`` (local wall clock, then its instant):
    the last ``weekday hour:minute`` at or before it."""
    tz = moment.tzinfo
    local = moment.replace(tzinfo=None)
    back = (local.weekday() - weekday) % 7
    start = (local - timedelta(days=back)).replace(hour=hour, minute=minute, second=0)
    if start > local:
        start -= timedelta(days=7)
    return start.replace(tzinfo=tz)


def week(
    start: datetime,
    tz: ZoneInfo,
    windows: Sequence[tuple[datetime, datetime]],
    shifts: Sequence[tuple[datetime, datetime, str, int, str]],
) -> Week:
    """The picture of the workweek from ``start`` (local wall clock): ``windows`` are
    instants, each shift is (start, end, kind, line, words)."""
    first = _instant(start, tz)
    last = _instant(start.replace(tzinfo=None) + timedelta(days=7), tz)
    # Elapsed time is taken in UTC: two datetimes of one zone subtract as wall clocks.
    begin, finish = first.astimezone(_UTC), last.astimezone(_UTC)
    scale = WIDTH / (finish - begin).total_seconds()

    def x(moment: datetime) -> float:
        seconds = (min(max(moment.astimezone(_UTC), begin), finish) - begin).total_seconds()
        return round(seconds * scale, 2)

    days = []
    for n in range(7):
        midnight = _instant(start.replace(tzinfo=None, hour=0, minute=0) + timedelta(days=n), tz)
        if begin <= midnight.astimezone(_UTC) < finish:
            days.append((x(midnight), _people.day(midnight.date()).rsplit(",", 1)[0]))
    shaded = [(x(a), x(b) - x(a)) for a, b in windows if x(a) < WIDTH and x(b) > 0]
    clocks = _clock_changes(first, last, tz, x)
    bars = [
        Bar(x(a), max(x(b) - x(a), 1.5), TOP + LANE * i, kind, line, words)
        for i, (a, b, kind, line, words) in enumerate(shifts)
    ]
    label = f"Workweek from {_people.moment(first)}"
    return Week(first, last, label, days, shaded, clocks, bars)


def _instant(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time as an aware datetime in ``tz`` (the earlier one in a fold; one
    in a gap moves on by the gap)."""
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(_UTC).astimezone(tz)
    return back if back.replace(tzinfo=None) == naive else aware.astimezone(tz)


def _clock_changes(
    first: datetime, last: datetime, tz: ZoneInfo, x: Callable[[datetime], float]
) -> list[tuple[float, str]]:
    """Where the zone's offset changes inside the week, hour by hour, and to what."""
    changes = []
    moment = first.astimezone(_UTC)
    end = last.astimezone(_UTC)
    before = moment.astimezone(tz).utcoffset()
    while moment < end:
        moment += timedelta(hours=1)
        now = moment.astimezone(tz)
        if now.utcoffset() != before:
            said = f"clocks change: {now.tzname()} from {_people.clock(now)}"
            changes.append((x(now), said))
            before = now.utcoffset()
    return changes

"""The picture of one workweek: the member's shifts as bars on a time axis in local time,
the agreement's windows shaded, its day-parts as bands under the day names, each local
midnight a gridline and each change of the clocks (DST) marked. Where an FTE threshold is
reached inside a shift, the bar's qualifying part is drawn apart from the rest, with a
mark where the threshold falls; an absence that forfeits other shifts says which.

The axis is elapsed time from the start of the workweek, so a bar is as long as the shift
really was (a night across a fall-back change is an hour longer than its clock times say).
The picture is data (:class:`Week`); the HTML template draws it as SVG.

The file gives no time for an unpaid break, so a threshold reached inside a shift is drawn
at the shift's last qualifying hours: ``beyond`` hours of elapsed time before its end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from .. import _people, _time

WIDTH = 700
"""Width of the time axis, in SVG units."""
LANE = 18
"""Height of one shift's lane."""
TOP = 30
"""Room above the lanes for the day labels and the day-parts' bands."""
BAND = 14
"""Where the day-parts' bands sit (below the day labels)."""
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
    threshold: float | None = None
    """Where the FTE threshold is reached inside the shift: the bar qualifies from here."""
    forfeits: str = ""
    """For an absence that forfeits other shifts: which, in words (``forfeits lines 3, 4``)."""


@dataclass(frozen=True)
class Drawn:
    """What the picture needs of one row."""

    start: datetime
    end: datetime
    kind: str
    line: int
    title: str
    beyond: Fraction | None = None
    """Hours beyond the FTE threshold, when the threshold is reached inside the shift."""
    forfeits: str = ""


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
    parts: list[tuple[float, float, str]] = field(default_factory=list)
    """The day-parts: (x, width, name) of each occurrence in the week."""

    @property
    def height(self) -> float:
        return TOP + LANE * max(1, len(self.bars)) + 6

    @property
    def width(self) -> int:
        return WIDTH


def week(
    first: datetime,
    last: datetime,
    tz: ZoneInfo,
    windows: Sequence[tuple[datetime, datetime]],
    shifts: Sequence[Drawn],
    day_parts: Mapping[str, tuple[int, int]] | None = None,
    name: str = "Workweek",
) -> Week:
    """The picture of the workweek (or another period, such as a pay period) from the
    instant ``first`` to ``last``, as the engine's calendar gives them (a period with a
    clock change is an hour longer or shorter): ``windows`` are instants, ``day_parts`` the
    named (start, end) minutes after local midnight."""
    first, last = first.astimezone(tz), last.astimezone(tz)
    start = first.replace(tzinfo=None)
    length = (last.date() - first.date()).days
    # Elapsed time is taken in UTC: two datetimes of one zone subtract as wall clocks.
    begin, finish = first.astimezone(_UTC), last.astimezone(_UTC)
    scale = WIDTH / (finish - begin).total_seconds()

    def x(moment: datetime) -> float:
        seconds = (min(max(moment.astimezone(_UTC), begin), finish) - begin).total_seconds()
        return round(seconds * scale, 2)

    days = []
    for n in range(length + 1):
        midnight = at(start.replace(hour=0, minute=0) + timedelta(days=n), tz)
        if begin <= midnight.astimezone(_UTC) < finish:
            said = _people.day(midnight.date()).rsplit(",", 1)[0]
            # Over a week, the day's name and number only ("Sun 3"), so that they fit.
            days.append((x(midnight), said if length <= 7 else f"{said[:3]} {midnight.day}"))
    shaded = [(x(a), x(b) - x(a)) for a, b in windows if x(a) < WIDTH and x(b) > 0]
    clocks = _clock_changes(first, last, tz, x)
    bars = [_bar(shift, TOP + LANE * i, x) for i, shift in enumerate(shifts)]
    label = f"{name} from {_people.moment(first)}"
    parts = _parts(start, tz, day_parts or {}, x, length)
    return Week(first, last, label, days, shaded, clocks, bars, parts)


def _bar(shift: Drawn, y: float, x: Callable[[datetime], float]) -> Bar:
    left, right = x(shift.start), x(shift.end)
    threshold = None
    if shift.beyond is not None:
        reached = shift.end - timedelta(seconds=float(shift.beyond * 3600))
        threshold = max(x(max(reached, shift.start)), left)
    width = max(right - left, 1.5)
    return Bar(left, width, y, shift.kind, shift.line, shift.title, threshold, shift.forfeits)


def _parts(
    start: datetime,
    tz: ZoneInfo,
    day_parts: Mapping[str, tuple[int, int]],
    x: Callable[[datetime], float],
    length: int = 7,
) -> list[tuple[float, float, str]]:
    """Each day-part's occurrences that touch the week (those wrapping midnight from the
    day before included), clipped to the week."""
    found = []
    base = start.replace(tzinfo=None, hour=0, minute=0, second=0)
    for name, (begin, end) in day_parts.items():
        minutes = (end - begin) % (24 * 60) or 24 * 60
        for n in range(-1, length + 1):
            opens = at(base + timedelta(days=n, minutes=begin), tz)
            closes = at(base + timedelta(days=n, minutes=begin + minutes), tz)
            left, right = x(opens), x(closes)
            if right > left:
                found.append((left, round(right - left, 2), name))
    return found


def at(local: datetime, tz: ZoneInfo) -> datetime:
    """A recurring wall-clock boundary (a midnight, the edge of a day-part) as an
    aware datetime in ``tz``, by the one policy of :func:`incentives._time.resolve_boundary`
    (the first occurrence in a fold; the end of a gap)."""
    moment = _time.resolve_boundary(local.replace(tzinfo=None), tz)
    return datetime.fromtimestamp(moment, tz)


def _clock_changes(
    first: datetime, last: datetime, tz: ZoneInfo, x: Callable[[datetime], float]
) -> list[tuple[float, str]]:
    """Where the zone's offset changes inside the period, and to what: a day (24 hours
    from the period's start) whose offset at its end is not the one at its start is
    searched hour by hour. (An offset that changed and changed back within one day would
    be missed; no zone has done that.)"""
    changes: list[tuple[float, str]] = []
    moment, end = first.astimezone(_UTC), last.astimezone(_UTC)
    while moment < end:
        day_end = min(moment + timedelta(days=1), end)
        if moment.astimezone(tz).utcoffset() != day_end.astimezone(tz).utcoffset():
            changes += _hourly(moment, day_end, tz, x)
        moment = day_end
    return changes


def _hourly(
    moment: datetime, end: datetime, tz: ZoneInfo, x: Callable[[datetime], float]
) -> list[tuple[float, str]]:
    """The changes of offset from ``moment`` to ``end``, hour by hour of elapsed time."""
    changes = []
    moment, end = moment.astimezone(_UTC), end.astimezone(_UTC)  # not wall-clock hours
    before = moment.astimezone(tz).utcoffset()
    while moment < end:
        moment += timedelta(hours=1)
        now = moment.astimezone(tz)
        if now.utcoffset() != before:
            said = f"clocks change: {now.tzname()} from {_people.clock(now)}"
            changes.append((x(now), said))
            before = now.utcoffset()
    return changes

"""Wall-clock times and instants: the one place where a local time becomes an instant.

Instants are plain integers: seconds since the Unix epoch, UTC. Everything that compares,
sorts or measures time does it on those integers, so elapsed time is always real elapsed
time whatever the clocks did.

Two policies turn a naive local time into an instant:

* :func:`resolve` for times someone wrote down once (a shift's start, a window bound):
  a skipped time (spring-forward gap) is always an error; a repeated time (fall-back fold)
  is an error unless the caller chose ``"earlier"`` or ``"later"``.
* :func:`resolve_boundary` for recurring boundaries (workweek start, pay-period start,
  day-part edges), which cannot be checked once: a skipped time moves to the end of the
  gap, a repeated time takes its first occurrence.

Zones come from the ``tzdata`` package through :func:`zone`, so every machine uses the
same rules, and :data:`TZDATA_VERSION` says which.

The same two policies work a column at a time (polars expressions) on a zone's
:class:`Offsets` over a span of time, read from the same ``tzdata`` zone: :func:`resolve_frame`
turns local seconds into instants, :func:`local_column` and :func:`name_column` read the
local clock and the zone's abbreviation at instants. Tests hold them equal to the functions
above, which they never replace: those decide one value (an agreement's bound, a
boundary), these decide a file.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import polars as pl
import tzdata  # type: ignore[import-untyped]

from ._errors import RepeatedTimeError, SkippedTimeError, TimeError
from ._problems import Problem, problem

Ambiguous = Literal["raise", "earlier", "later"]
AMBIGUOUS_CHOICES: tuple[Ambiguous, ...] = ("raise", "earlier", "later")

TZDATA_VERSION: str = tzdata.IANA_VERSION

_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - the naive origin of local seconds
_SECOND = timedelta(seconds=1)
_ZONE_KEY = re.compile(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")


class _Zone(ZoneInfo):
    """A zone read from the tzdata package that copies and pickles as its key (a zone
    read from a file would not pickle at all)."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return zone, (self.key,)


@functools.cache
def zone(key: str) -> ZoneInfo:
    """The IANA zone ``key``, read from the tzdata package (one provider per process).

    Raises :class:`TimeError` for a key that is not an IANA zone.
    """
    if not isinstance(key, str) or not _ZONE_KEY.match(key):
        raise TimeError("argument.zone", value=key)
    try:
        resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*key.split("/"))
        with resource.open("rb") as handle:
            return _Zone.from_file(handle, key=key)
    except (OSError, ValueError) as exc:
        raise TimeError("argument.zone", value=key) from exc


def local_seconds(local: datetime) -> int:
    """Seconds of a naive wall-clock time since 1970-01-01T00:00 on the same clock."""
    return (local - _EPOCH) // _SECOND


def wall_text(local: datetime) -> str:
    """A naive wall-clock time as written in files: ``2021-03-14T02:30``."""
    if local.second or local.microsecond:
        return local.isoformat()
    return local.strftime("%Y-%m-%dT%H:%M")


def _offset(local: datetime, tz: ZoneInfo, fold: int) -> int:
    delta = local.replace(tzinfo=tz, fold=fold).utcoffset()
    assert delta is not None
    return delta // _SECOND


def _gap_instant(lo: int, hi: int, tz: ZoneInfo) -> int:
    """The instant in ``(lo, hi]`` at which the UTC offset of ``tz`` changes."""
    before = offset_at(lo, tz)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if offset_at(mid, tz) == before:
            lo = mid
        else:
            hi = mid
    return hi


def offset_at(instant: int, tz: ZoneInfo) -> int:
    """The UTC offset of ``tz`` in force at ``instant``, in seconds."""
    delta = datetime.fromtimestamp(instant, tz).utcoffset()
    assert delta is not None
    return delta // _SECOND


def _fmt_offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def _classify(local: datetime, tz: ZoneInfo) -> tuple[str, int, int]:
    """('unique', t, t) | ('repeated', earlier, later) | ('skipped', before, after)."""
    base = local_seconds(local)
    first = base - _offset(local, tz, 0)
    second = base - _offset(local, tz, 1)
    if first == second:
        return "unique", first, first
    if first < second:
        return "repeated", first, second
    return "skipped", second, first


def resolve(local: datetime, tz: ZoneInfo, ambiguous: Ambiguous = "raise") -> int:
    """The instant (UTC epoch seconds) of naive wall-clock ``local`` in ``tz``.

    A time in a spring-forward gap raises :class:`SkippedTimeError`; a time in a
    fall-back fold raises :class:`RepeatedTimeError` unless ``ambiguous`` is
    ``"earlier"`` or ``"later"``.
    """
    kind, lo, hi = _classify(local, tz)
    if kind == "unique":
        return lo
    if kind == "repeated":
        if ambiguous == "earlier":
            return lo
        if ambiguous == "later":
            return hi
        off_lo, off_hi = local_seconds(local) - lo, local_seconds(local) - hi
        text = wall_text(local)
        raise RepeatedTimeError(
            "time.repeated",
            time=text,
            zone=tz.key,
            earlier=_fmt_offset(off_lo),
            later=_fmt_offset(off_hi),
        )
    transition = _gap_instant(lo, hi, tz)
    gap_start = _EPOCH + timedelta(seconds=transition + offset_at(transition - 1, tz))
    gap_end = _EPOCH + timedelta(seconds=transition + offset_at(transition, tz))
    raise SkippedTimeError(
        "time.skipped",
        time=wall_text(local),
        zone=tz.key,
        gap_start=f"{gap_start:%H:%M}",
        gap_end=f"{gap_end:%H:%M}",
    )


def resolve_boundary(local: datetime, tz: ZoneInfo) -> int:
    """The instant of a recurring boundary at wall-clock ``local`` in ``tz``.

    A boundary in a spring-forward gap moves to the end of the gap; one in a fall-back
    fold takes its first occurrence. Never raises for a valid zone.
    """
    kind, lo, hi = _classify(local, tz)
    if kind == "skipped":
        return _gap_instant(lo, hi, tz)
    return lo


def check_wall_time(local: datetime, tz: ZoneInfo) -> Problem | None:
    """Why ``local`` cannot be a fixed bound in ``tz`` (skipped or repeated), else None.

    An agreement's bounds are local times without an offset, so a repeated one cannot be
    told apart: the advice is to move it out of the repeated hour.
    """
    kind, lo, hi = _classify(local, tz)
    if kind == "repeated":
        off_lo, off_hi = local_seconds(local) - lo, local_seconds(local) - hi
        return problem(
            "agreement.window.repeated",
            time=wall_text(local),
            zone=tz.key,
            earlier=_fmt_offset(off_lo),
            later=_fmt_offset(off_hi),
        )
    try:
        resolve(local, tz, "raise")
    except TimeError as exc:
        return exc.problem
    return None


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 date and time (with or without UTC offset) written in a file.

    Raises :class:`TimeError` for anything else, including a bare date, fractions of a
    second and words such as ``now``.
    """
    stripped = text.strip()
    try:
        value = datetime.fromisoformat(stripped)
    except ValueError:
        value = None
    if value is None or len(stripped) <= 10:
        raise TimeError("time.not_iso", value=text)
    if value.microsecond:
        raise TimeError("time.fraction", value=text)
    return value


def instant(value: datetime, tz: ZoneInfo | None, ambiguous: Ambiguous = "raise") -> int:
    """The instant of a datetime: aware ones are exact, naive ones are wall time in ``tz``.

    An aware datetime whose zone says its wall time never happened (built in a
    spring-forward gap) raises :class:`SkippedTimeError`.
    """
    if value.microsecond:
        raise TimeError("time.fraction", value=value.isoformat())
    # A plain naive datetime of the wall time: pendulum's subclass does arithmetic its own way.
    wall = datetime(  # noqa: DTZ001
        value.year, value.month, value.day, value.hour, value.minute, value.second
    )
    offset = value.utcoffset()
    if offset is None:
        if tz is None:
            raise TimeError("time.no_zone", time=wall_text(wall))
        return resolve(wall, tz, ambiguous)
    moment = local_seconds(wall) - offset // _SECOND
    if value.tzinfo is not None and not isinstance(value.tzinfo, type(UTC)):
        back = datetime.fromtimestamp(moment, value.tzinfo).replace(tzinfo=None)
        if back != wall:
            raise SkippedTimeError("time.not_in_zone", time=wall_text(wall), zone=str(value.tzinfo))
    return moment


def to_local(moment: int, tz: ZoneInfo) -> datetime:
    """The aware local datetime of an instant in ``tz``."""
    return datetime.fromtimestamp(moment, tz)


def describe(moment: int, tz: ZoneInfo) -> str:
    """An instant as people read it in reasons: ``2020-12-27 07:00 PST``."""
    local = datetime.fromtimestamp(moment, tz)
    pattern = "%Y-%m-%d %H:%M:%S %Z" if local.second else "%Y-%m-%d %H:%M %Z"
    return local.strftime(pattern)


def local_date(moment: int, tz: ZoneInfo) -> date:
    """The local calendar date of an instant in ``tz``."""
    return datetime.fromtimestamp(moment, tz).date()


# --------------------------------------------------------------------------- columns

DAY = 86400
_STEP = 6 * 3600
"""Offsets are sampled this often and each change is then found to the second: no zone
changes its offset twice within six hours."""
_SPAN = (datetime(1, 1, 3, tzinfo=UTC).timestamp(), datetime(9999, 12, 29, tzinfo=UTC).timestamp())

Policy = Literal["raise", "earlier", "later", "boundary"]
"""How :func:`resolve_frame` resolves: as :func:`resolve` with an ``ambiguous`` choice, or
as :func:`resolve_boundary`."""
UNIQUE, SKIPPED, REPEATED = 0, 1, 2
"""What a local time is in a zone (see :func:`resolve_frame`)."""


@dataclass(frozen=True)
class Offsets:
    """A zone's UTC offsets over a span of time.

    ``offset[i]`` seconds east of UTC, abbreviated ``name[i]``, are in force from the
    instant ``at[i]`` until ``at[i + 1]``; ``at[0]`` is the start of the span.
    """

    zone: ZoneInfo
    at: tuple[int, ...]
    offset: tuple[int, ...]
    name: tuple[str, ...]


def _state(moment: int, tz: ZoneInfo) -> tuple[int, str]:
    local = datetime.fromtimestamp(moment, tz)
    delta = local.utcoffset()
    assert delta is not None
    return delta // _SECOND, local.tzname() or ""


def offsets(tz: ZoneInfo, lo: int, hi: int) -> Offsets:
    """The offsets of ``tz`` in force from two days before ``lo`` to two days after ``hi``."""
    first = max(int(_SPAN[0]), (lo // DAY - 2) * DAY)
    last = min(int(_SPAN[1]), (hi // DAY + 3) * DAY)
    return _offsets(tz.key, first - first % (32 * DAY), last + (-last) % (32 * DAY))


@functools.lru_cache(maxsize=64)
def _offsets(key: str, lo: int, hi: int) -> Offsets:
    tz = zone(key)
    at, states = [lo], [_state(lo, tz)]
    moment = lo
    while moment < hi:
        step = min(moment + _STEP, hi)
        if _state(step, tz) == states[-1]:
            moment = step
            continue
        before, after = moment, step  # the state changes in (before, after]
        while after - before > 1:
            middle = (before + after) // 2
            if _state(middle, tz) == states[-1]:
                before = middle
            else:
                after = middle
        at.append(after)
        states.append(_state(after, tz))
        moment = after
    return Offsets(tz, tuple(at), tuple(o for o, _ in states), tuple(n for _, n in states))


def _in_force(instants: pl.Expr, table: Offsets) -> pl.Expr:
    """The index in ``table`` of the offset in force at each instant."""
    return pl.lit(pl.Series(table.at[1:], dtype=pl.Int64)).search_sorted(instants, side="right")


def offset_column(instants: pl.Expr, table: Offsets) -> pl.Expr:
    """The UTC offset (seconds east) in force at each instant."""
    column = pl.lit(pl.Series(table.offset, dtype=pl.Int64))
    return pl.when(instants.is_not_null()).then(column.gather(_in_force(instants, table)))


def local_column(instants: pl.Expr, table: Offsets) -> pl.Expr:
    """Local wall-clock seconds (since 1970-01-01T00:00 on the local clock) of instants."""
    return instants + offset_column(instants, table)


def name_column(instants: pl.Expr, table: Offsets) -> pl.Expr:
    """The zone's abbreviation (``PST``) in force at each instant."""
    column = pl.lit(pl.Series(table.name, dtype=pl.String))
    return pl.when(instants.is_not_null()).then(column.gather(_in_force(instants, table)))


def resolve_frame(
    frame: pl.DataFrame,
    local: str,
    table: Offsets,
    policy: Policy,
    instant: str,
    kind: str | None = None,
) -> pl.DataFrame:
    """``frame`` with the instants of its column ``local`` (local wall-clock seconds), and
    with ``kind`` what each local time is.

    ``kind`` is :data:`UNIQUE`, :data:`SKIPPED` (a spring-forward gap) or :data:`REPEATED`
    (a fall-back fold). The instant follows :func:`resolve` with ``ambiguous=policy`` (null
    where that raises), or :func:`resolve_boundary` for ``policy="boundary"``.
    """
    at = pl.col(local)
    if len(table.at) == 1:  # no change of offset in the span: every local time is unique
        found = [(at - table.offset[0]).alias(instant)]
        if kind is not None:
            found.append(pl.when(at.is_not_null()).then(pl.lit(UNIQUE, dtype=pl.UInt8)).alias(kind))
        return frame.with_columns(found)
    before, after = table.offset[:-1], table.offset[1:]
    changes = table.at[1:]
    # Each change of offset k makes local times [at + min, at + max) skipped or repeated.
    low = [a + min(b, c) for a, b, c in zip(changes, before, after, strict=True)]
    high = [a + max(b, c) for a, b, c in zip(changes, before, after, strict=True)]

    def pick(values: list[int] | tuple[int, ...]) -> pl.Expr:
        return pl.lit(pl.Series(values, dtype=pl.Int64)).gather(pl.col("#k").clip(lower_bound=0))

    begun = pl.lit(pl.Series(low, dtype=pl.Int64)).search_sorted(at, side="right")
    frame = frame.with_columns(
        begun.cast(pl.Int64).alias("#n"), (begun.cast(pl.Int64) - 1).alias("#k")
    )
    inside = (pl.col("#n") > 0) & (at < pick(high))
    gap = [c > b for b, c in zip(before, after, strict=True)]
    frame = frame.with_columns(
        inside.alias("#in"), (inside & (pick([int(g) for g in gap]) == 1)).alias("#gap")
    )
    unique = at - pl.lit(pl.Series(table.offset, dtype=pl.Int64)).gather(pl.col("#n"))
    earlier, later = at - pick(before), at - pick(after)
    moment: Any
    if policy == "boundary":
        moment = pl.when(pl.col("#gap")).then(pick(changes)).when(pl.col("#in")).then(earlier)
    elif policy == "raise":
        moment = pl.when(pl.col("#in")).then(None)
    else:
        chosen = earlier if policy == "earlier" else later
        moment = pl.when(pl.col("#gap")).then(None).when(pl.col("#in")).then(chosen)
    found = [pl.when(at.is_not_null()).then(moment.otherwise(unique)).alias(instant)]
    if kind is not None:
        found.append(
            pl.when(at.is_null())
            .then(None)
            .when(pl.col("#gap"))
            .then(pl.lit(SKIPPED, dtype=pl.UInt8))
            .when(pl.col("#in"))
            .then(pl.lit(REPEATED, dtype=pl.UInt8))
            .otherwise(pl.lit(UNIQUE, dtype=pl.UInt8))
            .alias(kind)
        )
    return frame.with_columns(found).drop("#n", "#k", "#in", "#gap")

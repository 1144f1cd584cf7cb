"""Shared hypothesis strategies and small builders for the incentives tests.

Instants are plain ``int`` seconds since the Unix epoch (UTC), as in the library. The
strategies aim at the two DST transitions of America/Los_Angeles that the project's facts
are about, and at ordinary days, so that property tests see both:

* 2020-11-01: clocks fall back at 09:00Z (02:00 PDT becomes 01:00 PST); 01:00-02:00 local
  happens twice.
* 2021-03-14: clocks spring forward at 10:00Z (02:00 PST becomes 03:00 PDT); 02:00-03:00
  local never happens.

Every epoch constant below is computed from a UTC calendar date with :func:`utc`
(``calendar.timegm``), never from the library under test.
"""

from __future__ import annotations

import calendar
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import hypothesis.strategies as st

import incentives

# --------------------------------------------------------------------------- constants

LA_KEY = "America/Los_Angeles"
LA = ZoneInfo(LA_KEY)
HOUR = 3600
MINUTE = 60
DAY = 24 * HOUR
RCP = "Respiratory Care Practitioner"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Epoch seconds of a UTC calendar time (independent of the library)."""
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


FALL_BACK = utc(2020, 11, 1, 9)
"""2020-11-01 09:00Z: 02:00 PDT (-07:00) becomes 01:00 PST (-08:00)."""
SPRING_FORWARD = utc(2021, 3, 14, 10)
"""2021-03-14 10:00Z: 02:00 PST (-08:00) becomes 03:00 PDT (-07:00)."""
ORDINARY = utc(2020, 12, 27, 15)
"""2020-12-27 07:00 PST: an ordinary morning."""
ORDINARY_SUMMER = utc(2020, 7, 9, 14)
"""2020-07-09 07:00 PDT: an ordinary summer morning."""
TRANSITIONS: tuple[int, ...] = (FALL_BACK, SPRING_FORWARD)
CENTRES: tuple[int, ...] = (FALL_BACK, SPRING_FORWARD, ORDINARY, ORDINARY_SUMMER)

ZONE_KEYS: tuple[str, ...] = (
    LA_KEY,
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Asia/Kolkata",  # +05:30, no DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "UTC",
)

# An agreement window that covers both transitions (and both are valid local times).
WIDE_WINDOW = {"start": "2020-10-18T07:00", "end": "2021-04-04T07:00"}

# --------------------------------------------------------------------------- zones


zone_keys = st.sampled_from(ZONE_KEYS)
zones = zone_keys.map(ZoneInfo)


def wall(moment: int, tz: ZoneInfo = LA) -> datetime:
    """The naive local wall-clock time of an instant."""
    return datetime.fromtimestamp(moment, tz).replace(tzinfo=None)


def wall_kind(local: datetime, tz: ZoneInfo = LA) -> str:
    """'unique', 'repeated' or 'skipped', decided with stdlib zoneinfo only."""
    a = local.replace(tzinfo=tz, fold=0)
    b = local.replace(tzinfo=tz, fold=1)
    off_a, off_b = a.utcoffset(), b.utcoffset()
    if off_a == off_b:
        return "unique"
    assert off_a is not None
    assert off_b is not None
    # fold=0 takes the offset before the transition. In a fold that offset is the larger
    # (PDT -07:00 > PST -08:00); in a gap it is the smaller.
    return "repeated" if off_a > off_b else "skipped"


def is_unambiguous(moment: int, tz: ZoneInfo = LA) -> bool:
    """Whether the local wall time of ``moment`` names only that instant."""
    return wall_kind(wall(moment, tz), tz) == "unique"


def local_text(local: datetime) -> str:
    """A naive local time as agreement files write it: ``2020-12-27T07:00``."""
    if local.second:
        return local.strftime("%Y-%m-%dT%H:%M:%S")
    return local.strftime("%Y-%m-%dT%H:%M")


# --------------------------------------------------------------------------- instants


def instants(
    centres: Sequence[int] = CENTRES,
    spread: int = 40 * HOUR,
    step: int = MINUTE,
) -> st.SearchStrategy[int]:
    """Instants near DST transitions and ordinary days, plus any time in the season.

    ``step`` is the granularity in seconds (60: whole minutes; 1: any second).
    """
    near = st.builds(
        lambda centre, k: centre + k * step - (centre % step),
        st.sampled_from(tuple(centres)),
        st.integers(-spread // step, spread // step),
    )
    anywhere = st.datetimes(
        min_value=datetime(2020, 10, 20),
        max_value=datetime(2021, 3, 31),
        timezones=st.just(LA),
        allow_imaginary=False,
    ).map(lambda d: int(d.replace(microsecond=0).timestamp()) // step * step)
    return st.one_of(near, near, anywhere)


def transition_instants(spread: int = 3 * HOUR) -> st.SearchStrategy[int]:
    """Instants within ``spread`` of one of the two Los Angeles transitions (minutes)."""
    return instants(TRANSITIONS, spread=spread)


durations = st.one_of(
    st.sampled_from([4 * HOUR, 8 * HOUR, 10 * HOUR, 12 * HOUR, 13 * HOUR]),
    st.integers(1, 24 * 60).map(lambda m: m * MINUTE),
)
"""Shift lengths in seconds: typical ones and any whole number of minutes up to 24 hours."""


@st.composite
def spans(
    draw: st.DrawFn,
    starts: st.SearchStrategy[int] | None = None,
    lengths: st.SearchStrategy[int] = durations,
) -> tuple[int, int]:
    """A shift's ``(start, end)`` in epoch seconds, at most 24 hours long."""
    start = draw(starts if starts is not None else instants())
    return start, start + draw(lengths)


@st.composite
def disjoint_spans(
    draw: st.DrawFn,
    min_size: int = 1,
    max_size: int = 6,
    first: st.SearchStrategy[int] | None = None,
) -> list[tuple[int, int]]:
    """Non-overlapping shifts of one employee with distinct starts, in start order."""
    n = draw(st.integers(min_size, max_size))
    at = draw(first if first is not None else instants(spread=30 * HOUR))
    out: list[tuple[int, int]] = []
    for _ in range(n):
        at += draw(st.integers(0, 30 * 60)) * MINUTE  # a gap (possibly none) between shifts
        length = draw(st.sampled_from([4, 8, 10, 12, 13]).map(lambda h: h * HOUR) | durations)
        out.append((at, at + length))
        at += length
    return out


# --------------------------------------------------------------------------- representations


def as_utc(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def as_zoned(moment: int, tz: ZoneInfo = LA) -> datetime:
    """An aware stdlib datetime in ``tz`` (with ``fold`` set in a fold)."""
    return datetime.fromtimestamp(moment, tz)


def as_offset(moment: int, minutes: int) -> datetime:
    """An aware stdlib datetime with a fixed UTC offset of ``minutes``."""
    return datetime.fromtimestamp(moment, timezone(timedelta(minutes=minutes)))


def iso_with_offset(moment: int, tz: ZoneInfo = LA) -> str:
    """``2020-11-01T01:30:00-08:00``: the local time with the offset in force."""
    return datetime.fromtimestamp(moment, tz).isoformat()


def iso_z(moment: int) -> str:
    """``2020-11-01T09:30:00Z``."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- shifts


def shift(
    start: int | datetime,
    end: int | datetime,
    employee_id: str = "E1",
    **fields: Any,
) -> incentives.Shift:
    """A Shift; integer instants become UTC datetimes. ``extra`` defaults to True."""
    fields.setdefault("extra", True)
    fields.setdefault("classification", RCP)
    return incentives.Shift(
        employee_id=employee_id,
        start=as_utc(start) if isinstance(start, int) else start,
        end=as_utc(end) if isinstance(end, int) else end,
        **fields,
    )


# --------------------------------------------------------------------------- agreements


def agreement_data(**overrides: Any) -> dict[str, Any]:
    """The mapping of a small valid agreement (Los Angeles, one wide window, $5/hour).

    Keyword arguments replace top-level keys whole; ``eligibility`` and ``extra`` given as
    mappings are merged into the defaults (``{"window_rule": "prorate"}`` is enough).
    """
    data: dict[str, Any] = {
        "id": "test",
        "title": "Test incentive",
        "timezone": LA_KEY,
        "windows": [dict(WIDE_WINDOW)],
        "eligibility": {"classifications": [RCP]},
        "extra": {"flag": True},
        "payout": [{"per_hour": "5.00"}],
    }
    for key, value in overrides.items():
        if key in ("eligibility", "extra", "attendance") and isinstance(value, Mapping):
            merged = dict(data.get(key, {}))
            merged.update(value)
            data[key] = merged
        else:
            data[key] = value
    return data


def make_agreement(**overrides: Any) -> incentives.Agreement:
    """:func:`agreement_data` validated into an :class:`incentives.Agreement`."""
    return incentives.Agreement.model_validate(agreement_data(**overrides))


# --------------------------------------------------------------------------- agreement models

money = st.integers(0, 100_000).map(lambda c: Decimal(c).scaleb(-2))
"""Amounts with two decimals, 0.00 to 1000.00."""
positive_money = st.integers(1, 100_000).map(lambda c: Decimal(c).scaleb(-2))
quarter_hours = st.integers(0, 96).map(lambda q: Decimal(q) / 4)

_PART_NAMES = ("day", "evening", "night", "early", "late", "swing")


@st.composite
def day_parts(draw: st.DrawFn) -> dict[str, str]:
    """Non-overlapping day-parts ``{"night": "23:00-07:00", ...}``, possibly wrapping."""
    cuts = sorted(draw(st.sets(st.integers(0, 1439), min_size=2, max_size=5)))
    rotate = draw(st.booleans())
    pieces = list(zip(cuts, [*cuts[1:], cuts[0]], strict=True))
    if not rotate:
        pieces = pieces[:-1]  # no wrapping piece
    keep = draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)))
    chosen = [p for p, k in zip(pieces, keep, strict=True) if k] or pieces[:1]
    return {
        name: f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}"
        for name, (s, e) in zip(_PART_NAMES, chosen, strict=False)
    }


@st.composite
def windows(draw: st.DrawFn, tz: ZoneInfo = LA, max_size: int = 3) -> list[dict[str, str]]:
    """Touching or separate, non-overlapping windows of valid (unique) local times."""
    n = draw(st.integers(1, max_size))
    at = datetime(2020, 10, 25) + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
    out: list[dict[str, str]] = []
    for _ in range(n):
        start = at
        end = start + timedelta(minutes=draw(st.integers(1, 60 * 24 * 30)))
        out.append({"start": local_text(start), "end": local_text(end)})
        at = end + timedelta(minutes=draw(st.integers(0, 60 * 24 * 10)))
    valid = all(wall_kind(datetime.fromisoformat(w[k]), tz) == "unique" for w in out for k in w)
    return out if valid else [dict(WIDE_WINDOW)]


@st.composite
def payout_components(draw: st.DrawFn, period_names: Sequence[str] = ()) -> dict[str, Any]:
    kind = draw(st.sampled_from(["per_shift", "per_hour", "tiers", "base_rate_multiplier"]))
    comp: dict[str, Any] = {}
    if kind == "per_shift":
        comp["per_shift"] = str(draw(money))
    elif kind == "per_hour":
        comp["per_hour"] = str(draw(money))
    elif kind == "base_rate_multiplier":
        comp["base_rate_multiplier"] = str(
            draw(st.integers(0, 300).map(lambda x: Decimal(x) / 100))
        )
    else:
        mins = sorted(draw(st.sets(quarter_hours, min_size=1, max_size=4)))
        comp["tiers"] = [{"min_hours": str(m), "amount": str(draw(money))} for m in mins]
    filtered: bool = draw(st.booleans())
    if period_names and filtered:
        comp["periods"] = draw(
            st.lists(st.sampled_from(list(period_names)), min_size=1, max_size=2, unique=True)
        )
    if draw(st.booleans()):
        comp["classifications"] = draw(
            st.lists(st.sampled_from([RCP, "Phlebotomist", "LVN"]), min_size=1, unique=True)
        )
    return comp


@st.composite
def limit_maps(draw: st.DrawFn, pay_period: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["max_amount_per_shift"] = str(draw(money))
    if draw(st.booleans()):
        out["max_shifts_per_workweek"] = draw(st.integers(0, 5))
    if draw(st.booleans()):
        out["max_amount_per_workweek"] = str(draw(money))
    if pay_period and draw(st.booleans()):
        out["max_amount_per_pay_period"] = str(draw(money))
    if draw(st.booleans()):
        out["max_amount_total"] = str(draw(money))
    return out


@st.composite
def agreement_maps(draw: st.DrawFn) -> dict[str, Any]:
    """Valid agreement mappings: windows, tiers, periods, limits and amendments."""
    key = draw(zone_keys)
    tz = ZoneInfo(key)
    parts = draw(day_parts()) if draw(st.booleans()) else {}
    names = tuple(parts)
    has_pay_period = draw(st.booleans())
    data: dict[str, Any] = {
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True)),
        "title": draw(st.text(min_size=1, max_size=20).map(str.strip).filter(bool)),
        "timezone": key,
        "workweek_start": draw(
            st.sampled_from(["sunday 00:00", "Monday 07:00", "saturday 23:30", "sunday 02:30"])
        ),
        "hours_rounding": draw(st.sampled_from(["exact", "minute", "tenth_hour", "quarter_hour"])),
        "stacking": draw(st.sampled_from(["exclusive", "stack"])),
        "windows": draw(windows(tz)),
        "eligibility": {
            "classifications": draw(
                st.lists(st.sampled_from([RCP, "LVN", "*"]), min_size=1, unique=True)
            ),
            "employers": draw(st.lists(st.sampled_from(["SCPMG", "KFH"]), unique=True)),
            "locations": draw(st.lists(st.sampled_from(["*Medical Center", "Fontana*"]))),
            "requires_approval": draw(st.booleans()),
            "window_rule": draw(
                st.sampled_from(["starts_within", "entirely_within", "majority_within", "prorate"])
            ),
            "min_hours": str(draw(quarter_hours)),
        },
        "extra": {
            "flag": draw(st.booleans()),
            "beyond_fte": draw(st.booleans()),
            "minimum_hours": str(draw(quarter_hours)),
            "counts_as_worked": draw(st.lists(st.sampled_from(["vacation", "sick"]), unique=True)),
        },
        "attendance": {"forfeit_on": draw(st.lists(st.sampled_from(["sick", "education"])))},
        "periods": parts,
        "payout": draw(st.lists(payout_components(names), min_size=1, max_size=3)),
        "limits": draw(limit_maps(has_pay_period)),
    }
    if has_pay_period:
        anchor = datetime(2020, 6, 28) + timedelta(minutes=draw(st.integers(0, 60 * 24 * 13)))
        data["pay_period"] = {"anchor": local_text(anchor), "days": draw(st.integers(1, 31))}
        data["extra"]["scope"] = draw(st.sampled_from(["workweek", "pay_period"]))
        data["attendance"]["scope"] = draw(st.sampled_from(["workweek", "pay_period"]))
    amendments = []
    for _ in range(draw(st.integers(0, 3))):
        amendment: dict[str, Any] = {
            "adopted": draw(st.dates(date(2020, 1, 1), date(2022, 12, 31))).isoformat(),
            "summary": draw(st.text(min_size=1, max_size=20).map(str.strip).filter(bool)),
        }
        if draw(st.booleans()):
            amendment["windows"] = draw(windows(tz))
        if draw(st.booleans()):
            amendment["payout"] = draw(st.lists(payout_components(names), min_size=1, max_size=2))
        if draw(st.booleans()):
            amendment["limits"] = draw(limit_maps(has_pay_period))
        if draw(st.booleans()):
            amendment["hours_rounding"] = draw(st.sampled_from(["exact", "minute"]))
        move_parts: bool = draw(st.booleans())
        if parts and move_parts:
            # Same names, other times: payout filters still refer to defined day-parts.
            moved = draw(day_parts())
            if set(moved) >= set(names):
                amendment["periods"] = moved
        amendments.append(amendment)
    data["amendments"] = amendments
    return data


agreements = agreement_maps().map(incentives.Agreement.model_validate)
"""Valid :class:`incentives.Agreement` models drawn from :func:`agreement_maps`."""


# --------------------------------------------------------------------------- shift specs


@dataclass(frozen=True)
class Spec:
    """One shift as plain data, to be written as a Shift or a CSV row in any representation."""

    employee_id: str
    start: int
    end: int
    status: str = "worked"
    extra: bool = True
    fte: Decimal = Decimal(1)
    unpaid_break_minutes: int = 0
    classification: str = RCP

    def to_shift(self, convert: Callable[[int], datetime] = as_utc) -> incentives.Shift:
        return incentives.Shift(
            employee_id=self.employee_id,
            classification=self.classification,
            start=convert(self.start),
            end=convert(self.end),
            status=self.status,
            extra=self.extra,
            fte=self.fte,
            unpaid_break_minutes=self.unpaid_break_minutes,
        )


CSV_HEADER = "employee_id,classification,start,end,status,extra,fte,unpaid_break_minutes"


def to_csv(specs: Sequence[Spec], write: Callable[[int], str] = iso_z) -> str:
    """CSV text of ``specs`` (header on line 1, spec ``i`` on line ``i + 2``)."""
    lines = [CSV_HEADER]
    for s in specs:
        lines.append(
            f"{s.employee_id},{s.classification},{write(s.start)},{write(s.end)},{s.status},"
            f"{'true' if s.extra else 'false'},{s.fte},{s.unpaid_break_minutes}"
        )
    return "\n".join(lines) + "\n"


ftes = st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("0.6"), Decimal("0.9"), Decimal(1)])
absence_statuses = st.sampled_from(["sick", "vacation", "education", "low_census"])


@st.composite
def worked_specs(
    draw: st.DrawFn,
    employees: Sequence[str] = ("E1", "E2", "E3"),
    max_per_employee: int = 5,
    breaks: bool = True,
    first: st.SearchStrategy[int] | None = None,
) -> list[Spec]:
    """Worked shifts of a few employees; each employee's shifts do not overlap."""
    out: list[Spec] = []
    for employee in draw(st.lists(st.sampled_from(list(employees)), min_size=1, unique=True)):
        fte = draw(ftes)
        for start, end in draw(disjoint_spans(1, max_per_employee, first)):
            brk = draw(st.sampled_from([0, 0, 30, 45])) if breaks else 0
            if brk * MINUTE >= end - start:
                brk = 0
            out.append(
                Spec(
                    employee,
                    start,
                    end,
                    extra=draw(st.booleans()) or draw(st.booleans()),
                    fte=fte,
                    unpaid_break_minutes=brk,
                )
            )
    return out


@st.composite
def absence_specs(draw: st.DrawFn, near: Sequence[Spec], max_size: int = 3) -> list[Spec]:
    """Absences of the employees of ``near``, starting at instants none of theirs uses."""
    if not near:
        return []
    taken = {(s.employee_id, s.start) for s in near}
    out: list[Spec] = []
    for _ in range(draw(st.integers(0, max_size))):
        base = draw(st.sampled_from(list(near)))
        start = base.start + draw(st.integers(-5 * 24 * 60, 5 * 24 * 60)) * MINUTE
        if (base.employee_id, start) in taken:
            continue
        taken.add((base.employee_id, start))
        out.append(
            Spec(
                base.employee_id,
                start,
                start + draw(st.sampled_from([8, 12])) * HOUR,
                status=draw(absence_statuses),
                fte=base.fte,
            )
        )
    return out


# --------------------------------------------------------------------------- large files

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def generated_shifts(path: Path, rows: int, seed: int) -> Path:
    """A realistic pay-period file written by the benchmark's seeded generator."""
    subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "generate.py"),
            "--rows",
            str(rows),
            "--seed",
            str(seed),
            "-o",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


# --------------------------------------------------------------------------- agreement files

RULES_IN_ORDER: list[str] = [
    "status",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "approval",
    "extra",
    "window",
    "attendance",
    "min_hours",
    "payout",
]
"""Every rule, in the order an outcome lists them (written out from SPEC section 5, not
taken from the package)."""


def agreement_text(
    *,
    id: str = "flat-100",
    timezone: str = LA_KEY,
    top: str = "",
    windows: tuple[tuple[str, str], ...] = (("2020-12-27T07:00", "2021-01-04T07:00"),),
    classifications: str = '["*"]',
    eligibility: str = "",
    extra: str = "",
    attendance: str = "",
    payout: str = 'per_shift = "100.00"',
    rest: str = "",
) -> str:
    """An agreement file (SPEC section 3); by default $100 per extra shift from 7:00 a.m.
    Dec 27, 2020 to 7:00 a.m. Jan 4, 2021, any classification. Each argument is TOML
    put in its place; ``rest`` goes at the end (limits, amendments, ...)."""
    window_text = "".join(f'[[windows]]\nstart = "{s}"\nend = "{e}"\n\n' for s, e in windows)
    return f"""\
id = "{id}"
title = "Test agreement {id}"
timezone = "{timezone}"
{top}

{window_text}
[eligibility]
classifications = {classifications}
{eligibility}

[extra]
{extra}

[attendance]
{attendance}

[[payout]]
{payout}

{rest}
"""


ESI_WINDOW = {"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}


def put(folder: Path, name: str, text: str) -> str:
    """``text`` written to ``folder / name`` (UTF-8); its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def flat_agreement_file(folder: Path) -> str:
    """The path of :func:`agreement_text` written as ``flat.toml`` in ``folder``."""
    return put(folder, "flat.toml", agreement_text())


def esi_agreement(**parts: Any) -> incentives.Agreement:
    """$100 per shift from 7:00 a.m. Dec 27, 2020 to 7:00 a.m. Jan 4, 2021 (extra flag
    required), with ``parts`` replaced; ``eligibility`` is merged into
    ``{"classifications": ["*"]}``."""
    eligibility = {"classifications": ["*"], **parts.pop("eligibility", {})}
    data: dict[str, Any] = {
        "id": "esi",
        "title": "Extra shift incentive",
        "timezone": LA_KEY,
        "windows": [ESI_WINDOW],
        "eligibility": eligibility,
        "payout": [{"per_shift": "100.00"}],
    }
    data.update(parts)
    return incentives.Agreement.model_validate(data)


AMENDED_TEXT = agreement_text(
    id="amended",
    rest="""\
[[amendments]]
adopted = 2021-01-29
summary = "Extended until 7:00 a.m. February 15, 2021"

[[amendments.windows]]
start = "2020-12-27T07:00"
end = "2021-02-15T07:00"
""",
)
"""The default agreement, extended by an amendment adopted 2021-01-29 to Feb 15, 2021."""


# --------------------------------------------------------------------------- differential corpus

CORPUS_WINDOWS = [
    # Both DST changes and an ordinary week, as local wall times that exist.
    [{"start": "2020-10-31T07:00", "end": "2020-11-02T07:00"}],
    [{"start": "2021-03-13T19:00", "end": "2021-03-15T07:00"}],
    [{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}],
    [
        {"start": "2020-10-30T19:00", "end": "2020-11-01T00:45"},
        {"start": "2020-11-01T03:00", "end": "2020-11-03T00:00"},
    ],
    [{"start": "2020-10-18T07:00", "end": "2021-04-04T07:00"}],
]
CORPUS_CLASSES = ["Registered Nurse", "Respiratory Care Practitioner", "Medical Assistant"]


@st.composite
def corpus_agreements(
    draw: st.DrawFn,
    window_rules: Sequence[str],
    payout_kinds: Sequence[str],
    id: str = "gen",
) -> dict[str, Any]:
    """Agreement mappings over the corpus files: every window rule and payout kind given
    (the tests pass the engine's registries), thresholds per workweek or pay period,
    attendance, day-parts, limits, rounding and an amendment."""
    rule = draw(st.sampled_from(list(window_rules)))
    pay_period = draw(
        st.sampled_from(
            [
                None,
                {"anchor": "2020-10-18T00:00", "days": 14},
                {"anchor": "2020-10-25T07:00", "days": 7},
                {"anchor": "2020-10-20T19:00", "days": 10},
            ]
        )
    )
    scopes = ["workweek", "pay_period"] if pay_period else ["workweek"]
    periods = draw(st.sampled_from([{}, {"day": "07:00-19:00", "night": "19:00-07:00"}]))
    examples: dict[str, list[dict[str, Any]]] = {
        "per_shift": [
            {"per_shift": "100.00"},
            {"per_shift": "50.00", "classifications": ["Registered Nurse"]},
            {"per_shift": "100.005"},
        ],
        "per_hour": [{"per_hour": "5.00"}, {"per_hour": "7.125"}],
        "tiers": [
            {
                "tiers": [
                    {"min_hours": 4, "amount": "100.00"},
                    {"min_hours": 8, "amount": "200.00"},
                    {"min_hours": 12, "amount": "300.00"},
                ]
            },
            {"tiers": [{"min_hours": "7.5", "amount": "150.00"}]},
        ],
        "base_rate_multiplier": [{"base_rate_multiplier": "0.5"}],
    }
    kinds = list(payout_kinds)
    component = st.sampled_from(kinds).flatmap(lambda k: st.sampled_from(examples[k]))
    if periods:
        night = {"per_shift": "100.00", "periods": ["night"]}
        day = {"per_hour": "2.50", "periods": ["day"]}
        component = st.one_of(component, st.sampled_from([night, day]))
    limits = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "max_amount_per_shift": st.just("250.00"),
                "max_shifts_per_workweek": st.sampled_from([0, 1, 2]),
                "max_amount_per_workweek": st.sampled_from(["400.00", "400.005"]),
                "max_amount_total": st.just("700.00"),
                **({"max_amount_per_pay_period": st.just("500.00")} if pay_period else {}),
            },
        )
    )
    data: dict[str, Any] = {
        "id": id,
        "title": "Generated",
        "timezone": "America/Los_Angeles",
        "workweek_start": draw(st.sampled_from(["sunday 00:00", "monday 07:00", "sunday 01:30"])),
        "stacking": draw(st.sampled_from(["exclusive", "exclusive", "stack"])),
        "windows": draw(st.sampled_from([*CORPUS_WINDOWS, *[CORPUS_WINDOWS[-1]] * 3])),
        "eligibility": {
            "classifications": draw(
                st.sampled_from([["*"], CORPUS_CLASSES[:2], ["Registered Nurse"]])
            ),
            "employers": draw(st.sampled_from([[], [], ["SCPMG"]])),
            "employment_statuses": draw(st.sampled_from([[], [], ["full_time", "part_time"]])),
            "locations": draw(st.sampled_from([[], [], ["*Medical Center"]])),
            "units": draw(st.sampled_from([[], [], ["ICU", "E?"]])),
            "requires_approval": draw(st.sampled_from([False, False, True])),
            "window_rule": rule,
            "min_hours": draw(st.sampled_from(["0", "4", "7.5"])),
        },
        "extra": {
            "flag": draw(st.booleans()),
            "beyond_fte": draw(st.booleans()),
            "hours_per_fte": draw(st.sampled_from(["40", "36", "37.5"])),
            "minimum_hours": draw(st.sampled_from(["0", "24"])),
            "scope": draw(st.sampled_from(scopes)),
            "counts_as_worked": draw(st.sampled_from([[], ["vacation"]])),
        },
        "attendance": {
            "forfeit_on": draw(st.sampled_from([[], ["sick"], ["sick", "vacation"]])),
            "scope": draw(st.sampled_from(scopes)),
        },
        "periods": periods,
        "payout": draw(st.lists(component, min_size=1, max_size=2)),
        "limits": limits,
        "hours_rounding": draw(st.sampled_from(["exact", "minute", "tenth_hour", "quarter_hour"])),
    }
    if pay_period:
        data["pay_period"] = pay_period
    if draw(st.booleans()):
        data["amendments"] = [
            {
                "adopted": "2020-12-01",
                "summary": "raised and extended",
                "payout": [{"per_shift": "75.00"}],
                "windows": [{"start": "2020-10-18T07:00", "end": "2021-04-04T07:00"}],
            }
        ]
        if draw(st.booleans()):
            data["amendments"].append(
                {
                    "adopted": "2021-01-15",
                    "summary": "limits",
                    "limits": {"max_amount_per_shift": "60.00"},
                    "hours_rounding": "quarter_hour",
                }
            )
    return data


CORPUS_STARTS = [
    "2020-10-31T19:00",
    "2020-11-01T00:30",
    "2020-11-01T01:30",  # happens twice: an error unless written with an offset
    "2020-11-01T01:30-08:00",
    "2020-11-01T07:00",
    "2020-11-01T08:00Z",
    "2021-03-13T23:00",
    "2021-03-14T02:30",  # never happens: always an error
    "2021-03-14T01:00",
    "2021-03-14T19:00",
    "2020-12-27T07:00",
    "2020-12-28T06:55",
    "2021-01-03T19:00",
    "2021-01-04T07:00",
    "2020-11-02T06:59:30",
    "2020-12-29 07:00",
]

CORPUS_GOOD: dict[str, list[str]] = {
    "classification": [*CORPUS_CLASSES, "registered  nurse"],
    "employer": ["SCPMG", "KFH"],
    "employment_status": ["full_time", "Part-time", "per diem", "on_call"],
    "location": ["Fontana Medical Center", "Corona Offices", "Ontario, CA"],
    "unit": ["ICU", "ED", "er"],
    "unpaid_break_minutes": ["", "0", "30"],
    "status": ["worked", "worked", "worked", "", "sick", "vacation", "SICK"],
    "extra": ["true", "true", "false", "Y"],
    "approved": ["true", "no", "true"],
    "fte": ["1.0", "0.9", "0.5", "0.333", "0.123456"],
    "base_rate": ["80.50", "61.2345", "61.23456"],
    "paid": ["", "0.00", "250.00", "300.00", "-0"],
}
CORPUS_BAD: list[tuple[str, str]] = [
    ("classification", ""),
    ("end", "soon"),
    ("end", "2020-11-01T01:45"),  # repeated: an error unless --ambiguous chooses
    ("start", "2021-03-14T02:30"),  # skipped: always an error
    ("start", "2020-12-27"),
    ("start", "now"),
    ("fte", "-1"),
    ("fte", ""),
    ("fte", "1e30"),
    ("paid", "12.345"),
    ("paid", "abc"),
    ("extra", "maybe"),
    ("extra", ""),
    ("unpaid_break_minutes", "x"),
    ("unpaid_break_minutes", "9999"),
    ("employment_status", "temp"),
    ("employer", ""),
    ("unit", ""),
    ("approved", ""),
    ("status", "on call"),
    ("employee_id", ""),
    ("employee_id", "  "),
]
CORPUS_COLUMNS = [
    "employee_id",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "start",
    "end",
    "unpaid_break_minutes",
    "status",
    "extra",
    "approved",
    "fte",
    "base_rate",
    "paid",
]


@st.composite
def corpus_rows(draw: st.DrawFn, max_employees: int = 6) -> list[dict[str, str]]:
    """Mostly good rows, with now and then a bad value, an absence or overlapping shifts;
    the same employee written in several ways, one id that a spreadsheet would run."""
    rows: list[dict[str, str]] = []
    for number in range(draw(st.integers(1, max_employees))):
        who = draw(
            st.sampled_from(
                [f"E{number}", f"E{number}", f" E{number} ", f"=E{number}", f"E{number}\u2003"]
            )
        )
        if draw(st.integers(0, 20)) == 0:
            who = f"E{number}\rB"  # a carriage return inside a quoted cell
        starts = draw(st.lists(st.sampled_from(CORPUS_STARTS), min_size=1, max_size=5, unique=True))
        for start in starts:
            minutes = draw(st.sampled_from([0, 15, 45, 59])) + 60 * draw(st.integers(1, 13))
            naive = start.removesuffix("Z").split("+")[0]
            if naive.count("-") == 3:
                naive = naive.rsplit("-", 1)[0]
            end = (datetime.fromisoformat(naive) + timedelta(minutes=minutes)).isoformat(
                timespec="minutes"
            )
            row = {"employee_id": who, "start": start, "end": end}
            row.update({k: draw(st.sampled_from(v)) for k, v in CORPUS_GOOD.items()})
            if draw(st.integers(0, 9)) == 0:
                name, value = draw(st.sampled_from(CORPUS_BAD))
                row[name] = value
            rows.append({name: row[name] for name in CORPUS_COLUMNS})
    return rows


LINE_ENDINGS = ("\n", "\r\n", "\r")


def corpus_csv(
    rows: Sequence[Mapping[str, str]],
    drop: Sequence[str] = (),
    ending: str = "\n",
    quote_all: bool = False,
    bom: bool = False,
) -> str:
    """CSV text of ``rows`` without the columns in ``drop``, with the given line ending."""
    import csv
    import io

    columns = [c for c in CORPUS_COLUMNS if c not in drop]
    out = io.StringIO()
    writer = csv.writer(
        out, lineterminator=ending, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return ("\ufeff" if bom else "") + out.getvalue()


def corpus_jsonl(rows: Sequence[Mapping[str, str]], drop: Sequence[str] = ()) -> str:
    """JSON Lines text of ``rows``: empty cells left out, numbers written as numbers where
    they are plain decimals, a blank line now and then."""
    import json

    lines = []
    for i, row in enumerate(rows):
        item: dict[str, Any] = {}
        for key, value in row.items():
            if key in drop or value == "":
                continue
            if key in ("fte", "base_rate") and value.replace(".", "", 1).isdigit():
                item[key] = Decimal(value)
            elif key == "unpaid_break_minutes" and value.isdigit():
                item[key] = int(value)
            elif key in ("extra", "approved") and value in ("true", "false"):
                item[key] = value == "true"
            else:
                item[key] = value
        text = json.dumps(item, default=str)
        for key in ("fte", "base_rate"):
            if isinstance(item.get(key), Decimal):
                text = text.replace(f'"{key}": "{item[key]}"', f'"{key}": {item[key]}')
        lines.append(text)
        if i % 7 == 3:
            lines.append("")
    return "\n".join(lines) + "\n"

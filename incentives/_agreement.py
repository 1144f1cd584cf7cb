"""The agreement: one incentive program as signed, with its later amendments.

These pydantic models are the agreement file (TOML or JSON) and its JSON Schema. They are
frozen values; loading, checking and effective terms live here, evaluation elsewhere.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import _time
from ._errors import TimeError
from ._numbers import MAX_DIGITS, MAX_PLACES, out_of_bounds
from ._problems import Problem, invalid, problem, several


def _parse_local(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise invalid("agreement.time.offset")
        return _in_years(value)
    if isinstance(value, str):
        if not _LOCAL_RE.match(value.strip()):
            raise invalid("agreement.time.not_local", value=value)
        return _in_years(datetime.fromisoformat(value.strip()))
    raise invalid("agreement.time.type")


YEARS = range(1900, 2200)
"""The years of an agreement's times, as of a shift's (payroll has no use for others)."""


def _in_years(value: datetime) -> datetime:
    if value.year not in YEARS:
        raise invalid("agreement.time.out_of_range", value=value.isoformat(timespec="minutes"))
    return value


_LOCAL_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?$")

LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_parse_local),
    PlainSerializer(_time.wall_text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _LOCAL_RE.pattern,
            "description": "Local wall-clock date and time in the agreement's timezone, "
            "without a UTC offset, e.g. 2020-07-03T07:00.",
        }
    ),
]
"""A naive wall-clock date and time, local to the agreement's timezone."""


def _bounded(number: Decimal) -> Decimal:
    code = out_of_bounds(number)
    if code is not None:
        raise invalid(code, value=number, digits=MAX_DIGITS, places=MAX_PLACES)
    return number


Bounded = AfterValidator(_bounded)
"""Numbers within the bounds of :mod:`incentives._numbers` (exact arithmetic stays quick)."""
DECIMAL_PATTERN = r"^(?:[0-9]{1,12}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})$"
"""A number of an agreement written as text: at most 12 digits before the point and 6
after, no sign (what :mod:`incentives._numbers` bounds)."""


def _decimal_schema(bound: str) -> WithJsonSchema:
    """A decimal as the schema says it: text of digits, or a JSON number of that bound."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DECIMAL_PATTERN},
                {"type": "number", bound: 0},
            ]
        }
    )


Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), Bounded, _decimal_schema("minimum")]
Hours = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), Bounded, _decimal_schema("minimum")]
Factor = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), Bounded, _decimal_schema("minimum")]
Positive = Annotated[
    Decimal, Field(gt=0, allow_inf_nan=False), Bounded, _decimal_schema("exclusiveMinimum")
]
Name = Annotated[str, Field(min_length=1)]
Scope = Literal["workweek", "pay_period"]
WindowRule = Literal["starts_within", "entirely_within", "majority_within", "prorate"]
HoursRounding = Literal["exact", "minute", "tenth_hour", "quarter_hour"]
EmploymentStatus = Literal["full_time", "part_time", "on_call", "per_diem", "temporary"]

EMPLOYMENT_STATUSES: tuple[str, ...] = (
    "full_time",
    "part_time",
    "on_call",
    "per_diem",
    "temporary",
)


def normalize_employment_status(value: str) -> str:
    """``Full-time`` / ``part time`` / ``ON_CALL`` → ``full_time`` / ``part_time`` / ``on_call``."""
    return "_".join(value.replace("-", " ").replace("_", " ").split()).casefold()


def _employment_status(value: Any) -> Any:
    return normalize_employment_status(value) if isinstance(value, str) else value


_DAY_PART_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKWEEK_PATTERN = rf"(?i)^({'|'.join(WEEKDAYS)}) ([01][0-9]|2[0-3]):[0-5][0-9]$"

DayPart = Annotated[
    str,
    Field(
        pattern=_DAY_PART_RE.pattern,
        description="Local start and end time of day, 'HH:MM-HH:MM'; may wrap midnight.",
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, use_attribute_docstrings=True
    )


class Quoted(_Model):
    """A part of the terms that may quote the agreement's own words for it."""

    clause: str | None = Field(default=None, min_length=1)
    """The agreement's own words for this part, quoted beside every verdict it decides."""
    source: str | None = Field(default=None, min_length=1)
    """Where those words are published: a section, page or address ("Side letter, 3")."""


class Window(Quoted):
    """A half-open period ``[start, end)`` of local wall-clock time in which shifts count."""

    start: LocalDateTime
    """When the window opens, local wall-clock time (included)."""
    end: LocalDateTime
    """When it closes, local wall-clock time (excluded); after start."""

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            end, start = _time.wall_text(self.end), _time.wall_text(self.start)
            raise invalid("agreement.window.order", end=end, start=start)
        return self


class PayPeriod(_Model):
    """Pay periods: ``days``-long periods, one of which starts at local time ``anchor``."""

    anchor: LocalDateTime
    """The local start of one pay period; the others follow every `days` days."""
    days: int = Field(ge=1, le=366)
    """How many local days a pay period lasts (1 to 366), e.g. 14."""


class Eligibility(Quoted):
    """Who and which shifts may qualify."""

    classifications: list[Name] = Field(min_length=1)
    """Job classifications that may qualify, compared ignoring case and spaces; `*`: any."""
    employers: list[Name] = []
    """Employers that may qualify (the row's `employer`); empty for any."""
    employment_statuses: list[Annotated[EmploymentStatus, BeforeValidator(_employment_status)]] = []
    """Employment statuses that may qualify (full_time, part_time, on_call, per_diem,
    temporary); empty for any."""
    locations: list[Name] = []
    """Location patterns (`*` and `?` globs, ignoring case) that may qualify; empty: any."""
    units: list[Name] = []
    """Unit patterns (globs, ignoring case) that may qualify; empty for any."""
    requires_approval: bool = False
    """Whether an extra shift must be approved (the row's `approved`)."""
    window_rule: WindowRule = "starts_within"
    """How a shift meets the windows: starts_within, entirely_within, majority_within or prorate."""
    min_hours: Hours = Decimal(0)
    """The fewest qualifying hours a shift needs (0 or more)."""


class Extra(Quoted):
    """What makes a shift extra: the row's flag, and optionally hours beyond the FTE."""

    flag: bool = True
    """Whether the row's `extra` column must be true."""
    beyond_fte: bool = False
    """Whether only the hours beyond the FTE threshold of the scope period count."""
    hours_per_fte: Positive = Decimal(40)
    """Hours a 1.0 FTE works in a workweek, for the threshold (default 40)."""
    minimum_hours: Hours = Decimal(0)
    """The least threshold, whatever the FTE (0 or more)."""
    scope: Scope = "workweek"
    """The period the threshold counts over: workweek or pay_period."""
    counts_as_worked: list[Name] = []
    """Absence statuses whose hours count toward the threshold."""


class Attendance(Quoted):
    """Absences that forfeit the incentive for every shift in the same scope period."""

    forfeit_on: list[Name] = []
    """Absence statuses that forfeit the incentive for every shift in the same scope period."""
    scope: Scope = "workweek"
    """The period an absence forfeits: workweek or pay_period."""


class Tier(_Model):
    """Pay ``amount`` for a shift of at least ``min_hours`` qualifying hours."""

    min_hours: Hours
    """The qualifying hours a shift needs for this tier."""
    amount: Money
    """What the tier pays, in dollars (a decimal string such as "250.00")."""


class PayoutComponent(Quoted):
    """One part of the payout: exactly one of per_shift, per_hour, tiers, base_rate_multiplier."""

    per_shift: Money | None = None
    """A flat amount per qualifying shift, in dollars."""
    per_hour: Money | None = None
    """An amount per qualifying hour, in dollars."""
    tiers: list[Tier] | None = Field(default=None, min_length=1)
    """Amounts by qualifying hours: the highest tier reached pays."""
    base_rate_multiplier: Factor | None = None
    """A multiple of the row's `base_rate` per qualifying hour."""
    periods: list[Name] | None = None
    """Day-parts (names of `periods`) in which a shift must start for this component to pay."""
    classifications: list[Name] | None = None
    """Classifications for which this component pays; all when absent."""

    @model_validator(mode="after")
    def _one_kind(self) -> PayoutComponent:
        kinds = [k for k in PAYOUT_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            given = ", ".join(kinds) if kinds else "none"
            raise invalid("agreement.payout.kind", kinds=PAYOUT_KINDS, given=given)
        if self.tiers is not None:
            for i in range(1, len(self.tiers)):
                if self.tiers[i].min_hours <= self.tiers[i - 1].min_hours:
                    raise invalid(
                        "agreement.payout.tiers",
                        index=i,
                        hours=self.tiers[i].min_hours,
                        previous=i - 1,
                        previous_hours=self.tiers[i - 1].min_hours,
                    )
        return self

    @property
    def kind(self) -> str:
        """Which of per_shift, per_hour, tiers or base_rate_multiplier this component is."""
        return next(k for k in PAYOUT_KINDS if getattr(self, k) is not None)


PAYOUT_KINDS = ("per_shift", "per_hour", "tiers", "base_rate_multiplier")


class Limits(Quoted):
    """Caps per employee and agreement; each is optional."""

    max_amount_per_shift: Money | None = None
    """At most this for one shift, in dollars."""
    max_shifts_per_workweek: int | None = Field(default=None, ge=0)
    """At most this many paid shifts in a workweek; later ones pay 0.00."""
    max_amount_per_workweek: Money | None = None
    """At most this in a workweek, in dollars."""
    max_amount_per_pay_period: Money | None = None
    """At most this in a pay period, in dollars (needs pay_period)."""
    max_amount_total: Money | None = None
    """At most this over the whole agreement, in dollars."""


TERM_PARTS = (
    "windows",
    "eligibility",
    "extra",
    "attendance",
    "periods",
    "payout",
    "limits",
    "hours_rounding",
)


OvertimeMethod = Literal["flsa_weekly", "hospital_8_80", "california"]
Allocation = Literal["shift", "equal", "hours"]


class Overtime(_Model):
    """How overtime is owed, so that incentives can be put into the regular rate.

    Not a term of the incentive: the employer's overtime rule, named so that the report
    can say what the incentives add to the overtime of each workweek or 14-day period.
    """

    method: OvertimeMethod = Field(
        description="flsa_weekly: over 40 hours in the workweek (29 CFR 778.110); "
        "hospital_8_80: over 8 in a day and 80 in the 14-day pay period (29 CFR 778.601); "
        "california: over 8 in a day (double over 12) and 40 in the workweek (Labor Code 510)."
    )
    allocation: Allocation = Field(
        default="shift",
        description="Where an incentive is counted: shift (the workweek of the shift that "
        "earned it, 29 CFR 778.209(a)); equal or hours (the pay period's incentives shared "
        "among its workweeks equally or by hours worked, 778.209(b); needs pay_period).",
    )
    daily: bool = Field(
        default=True,
        description="california only: false leaves out daily overtime and double time "
        "(an alternative workweek schedule), keeping weekly overtime over 40 hours.",
    )


class Amendment(Quoted):
    """A later change: each part it gives replaces that part of the terms whole."""

    adopted: date
    """When the amendment was adopted (a date); `--as-of` applies those adopted on or before it."""
    summary: str = Field(min_length=1)
    """What the amendment changes, in words."""
    windows: list[Window] | None = Field(default=None, min_length=1)
    """Replaces the windows."""
    eligibility: Eligibility | None = None
    """Replaces the eligibility table."""
    extra: Extra | None = None
    """Replaces the extra table."""
    attendance: Attendance | None = None
    """Replaces the attendance table."""
    periods: dict[str, DayPart] | None = None
    """Replaces the day-parts."""
    payout: list[PayoutComponent] | None = Field(default=None, min_length=1)
    """Replaces the payout components."""
    limits: Limits | None = None
    """Replaces the limits."""
    hours_rounding: HoursRounding | None = None
    """Replaces hours_rounding."""

    @property
    def parts(self) -> tuple[str, ...]:
        """The names of the parts of the terms this amendment replaces."""
        return tuple(p for p in TERM_PARTS if getattr(self, p) is not None)


class Terms(_Model):
    """The terms in force after the amendments adopted up to some date."""

    windows: list[Window]
    eligibility: Eligibility
    extra: Extra
    attendance: Attendance
    periods: dict[str, DayPart]
    payout: list[PayoutComponent]
    limits: Limits
    hours_rounding: HoursRounding
    applied: list[Amendment] = []
    sources: dict[str, str] = {}
    """Which amendment (``"amendment adopted 2021-01-29"``) set each amended part."""


class Agreement(_Model):
    """One incentive program as signed by a union and an employer (SPEC section 3)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=200)
    """A short unique name: lower-case letters, digits, '.', '_' and '-'."""
    title: str = Field(min_length=1)
    """The incentive's name, as published."""
    union: str | None = None
    """The union that signed it."""
    employer: str | None = None
    """The employer that signed it."""
    source: str | None = None
    """Where the terms were published (an address or a citation)."""
    timezone: str
    """The IANA time zone of the windows, workweeks and day-parts, e.g. America/Los_Angeles."""
    workweek_start: str = Field(
        default="sunday 00:00",
        pattern=WORKWEEK_PATTERN,
    )
    """When each workweek starts, local time: a weekday and HH:MM."""
    pay_period: PayPeriod | None = None
    """The pay-period calendar; needed by pay_period scopes and limits."""
    hours_rounding: HoursRounding = "exact"
    """How qualifying hours are rounded: exact, minute, tenth_hour or quarter_hour."""
    stacking: Literal["exclusive", "stack"] = "exclusive"
    """With other agreements on a shift: exclusive (only the highest pays) or stack (adds)."""
    windows: list[Window] = Field(min_length=1)
    """When the incentive is in force: half-open local periods that do not overlap."""
    eligibility: Eligibility
    """Who and which shifts may qualify."""
    extra: Extra = Extra()
    """What makes a shift extra."""
    attendance: Attendance = Attendance()
    """Absences that forfeit the incentive."""
    periods: dict[str, DayPart] = {}
    """Named day-parts ('HH:MM-HH:MM', may wrap midnight), for payout filters."""
    payout: list[PayoutComponent] = Field(min_length=1)
    """The payout components; a shift is paid their sum."""
    limits: Limits = Limits()
    """Caps per employee."""
    amendments: list[Amendment] = []
    """Later changes, applied in order of adoption."""
    overtime: Overtime | None = None
    """The employer's overtime rule, for the regular-rate true-up of the incentives."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            _time.zone(value)
        except TimeError:
            raise invalid("agreement.timezone", value=value) from None
        return value

    @field_validator("workweek_start")
    @classmethod
    def _lower_weekday(cls, value: str) -> str:
        return value.lower()

    @model_validator(mode="after")
    def _consistent(self) -> Agreement:
        problems = consistency_problems(
            self.timezone,
            has_pay_period=self.pay_period is not None,
            parts={p: getattr(self, p) for p in TERM_PARTS},
            amendments=list(enumerate(self.amendments)),
        )
        problems += overtime_problems(self.overtime, self.pay_period, self.workweek_start)
        if problems:
            raise several(problems)
        return self

    def _stages(self, as_of: date | None = None) -> list[tuple[int | None, Terms]]:
        """The terms as first signed, then after each amendment in the order they apply."""
        parts: dict[str, Any] = {p: getattr(self, p) for p in TERM_PARTS}
        sources: dict[str, str] = {}
        applied: list[Amendment] = []
        stages: list[tuple[int | None, Terms]] = [
            (None, Terms.model_construct(**parts, applied=[], sources={}))
        ]
        ordered = sorted(enumerate(self.amendments), key=lambda pair: (pair[1].adopted, pair[0]))
        for i, amendment in ordered:
            if as_of is not None and amendment.adopted > as_of:
                continue
            applied = [*applied, amendment]
            sources = dict(sources)
            for part in amendment.parts:
                parts[part] = getattr(amendment, part)
                sources[part] = f"amendment adopted {amendment.adopted.isoformat()}"
            stages.append((i, Terms.model_construct(**parts, applied=applied, sources=sources)))
        return stages

    def terms(self, as_of: date | None = None) -> Terms:
        """The terms in force ``as_of`` a date: amendments adopted on or before it applied.

        Without ``as_of`` every amendment applies. Amendments apply in ``adopted`` order,
        those adopted the same day in file order.
        """
        return self._stages(as_of)[-1][1]

    @property
    def workweek(self) -> tuple[int, int, int]:
        """``workweek_start`` as (weekday with Monday 0, hour, minute)."""
        day, clock = self.workweek_start.split()
        hour, minute = clock.split(":")
        return WEEKDAYS.index(day.lower()), int(hour), int(minute)


def parse_day_part(text: str) -> tuple[int, int]:
    """``"23:00-07:00"`` → (start, end) in minutes after local midnight."""
    match = _DAY_PART_RE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a day-part like 23:00-07:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return h1 * 60 + m1, h2 * 60 + m2


def consistency_problems(
    timezone: str | None,
    *,
    has_pay_period: bool,
    parts: Mapping[str, Any],
    amendments: Sequence[tuple[int, Amendment]],
) -> list[Problem]:
    """Problems that span several keys, each with its key path.

    ``parts`` maps each of :data:`TERM_PARTS` to its validated value, or to ``None`` when
    that part is itself invalid; a list part may hold ``None`` for an invalid element.
    ``amendments`` pairs each valid amendment with its index in the file. This lets the
    loader list these problems beside field errors instead of hiding them.
    """
    tz = _time.zone(timezone) if timezone is not None else None
    problems: list[Problem] = []
    if tz is not None and parts.get("windows"):
        problems += _window_problems("", parts["windows"], tz)
    if parts.get("periods") is not None:
        problems += _period_problems("", parts["periods"])
    for i, amendment in amendments:
        where = f"amendments[{i}]."
        if amendment.windows is not None and tz is not None:
            problems += _window_problems(where, amendment.windows, tz)
        if amendment.periods is not None:
            problems += _period_problems(where, amendment.periods)
    # The terms as signed, then after each amendment in the order they apply; each part
    # remembers where it was written, so a problem names the key that must change.
    current = dict(parts)
    origin = dict.fromkeys(TERM_PARTS, "")
    stages: list[tuple[int | None, dict[str, Any], dict[str, str]]] = [
        (None, dict(current), dict(origin))
    ]
    for i, amendment in sorted(amendments, key=lambda pair: (pair[1].adopted, pair[0])):
        for part in amendment.parts:
            current[part] = getattr(amendment, part)
            origin[part] = f"amendments[{i}]."
        stages.append((i, dict(current), dict(origin)))
    seen: set[tuple[str, str, str | None]] = set()
    for index, terms, written in stages:
        for path, code, name in _reference_problems(terms, written, has_pay_period=has_pay_period):
            if (path, code, name) in seen:
                continue
            seen.add((path, code, name))
            after = ""
            if index is not None and not path.startswith(f"amendments[{index}]."):
                after = f" (in the terms in force after amendments[{index}])"
            named = {} if name is None else {"name": name}
            problems.append(problem(code, key=path, after=after, **named))
    return list(dict.fromkeys(problems))


def _window_problems(where: str, windows: Sequence[Window | None], tz: ZoneInfo) -> list[Problem]:
    problems: list[Problem] = []
    resolved: list[tuple[int, int, int]] = []
    for i, window in enumerate(windows):
        if window is None:
            continue
        whys = [
            why
            for key in ("start", "end")
            if (why := _bound_problem(f"{where}windows[{i}].{key}", getattr(window, key), tz))
        ]
        problems += whys
        if not whys:
            resolved.append((_time.resolve(window.start, tz), _time.resolve(window.end, tz), i))
    resolved.sort()
    for (_, end_a, a), (start_b, _, b) in itertools.pairwise(resolved):
        if start_b < end_a:
            first, second = sorted((a, b))
            key = f"{where}windows[{second}]"
            problems.append(problem("agreement.window.overlap", key=key, other=first))
    return problems


def _bound_problem(key: str, local: datetime, tz: ZoneInfo) -> Problem | None:
    """Why a window bound cannot be one (it never happens, or happens twice), if so."""
    found = _time.check_wall_time(local, tz)
    if found is None:
        return None
    code = "agreement.window.skipped" if found.code == "time.skipped" else found.code
    return problem(code, key=key, **found.values)


def _period_problems(where: str, periods: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    spans: list[tuple[int, int, str]] = []
    for name, text in periods.items():
        if not re.match(r"^[A-Za-z0-9_-]+$", name):
            problems.append(problem("agreement.period.name", key=f"{where}periods.{name}"))
        start, end = parse_day_part(text)
        if start == end:
            problems.append(problem("agreement.period.empty", key=f"{where}periods.{name}"))
            continue
        pieces = [(start, end)] if start < end else [(start, 1440), (0, end)]
        spans.extend((s, e, name) for s, e in pieces if s < e)
    spans.sort()
    for (_, end_a, a), (start_b, _, b) in itertools.pairwise(spans):
        if start_b < end_a:
            key = f"{where}periods.{b}"
            problems.append(problem("agreement.period.overlap", key=key, other=a))
    return problems


def _reference_problems(
    terms: Mapping[str, Any], where: Mapping[str, str], *, has_pay_period: bool
) -> list[tuple[str, str, str | None]]:
    """(key path, code, day-part name) of keys that refer to something missing."""
    problems: list[tuple[str, str, str | None]] = []
    periods = terms.get("periods")
    if periods is not None:
        for i, component in enumerate(terms.get("payout") or []):
            for name in (component.periods if component is not None else None) or []:
                if name not in periods:
                    key = f"{where['payout']}payout[{i}].periods"
                    problems.append((key, "agreement.period.undefined", name))
    if not has_pay_period:
        # SPEC 3: pay_period is required when any scope is "pay_period".
        needs: list[str] = []
        extra, attendance, limits = terms.get("extra"), terms.get("attendance"), terms.get("limits")
        if extra is not None and extra.scope == "pay_period":
            needs.append(f"{where['extra']}extra.scope")
        if attendance is not None and attendance.scope == "pay_period":
            needs.append(f"{where['attendance']}attendance.scope")
        if limits is not None and limits.max_amount_per_pay_period is not None:
            needs.append(f"{where['limits']}limits.max_amount_per_pay_period")
        problems += [(key, "agreement.pay_period.needed", None) for key in needs]
    return problems


def overtime_problems(
    overtime: Overtime | None, pay_period: PayPeriod | None, workweek_start: str
) -> list[Problem]:
    """What ``[overtime]`` asks of ``pay_period``: 14 days for 8-and-80; whole workweeks
    for sharing a pay period's incentives among its workweeks."""
    if overtime is None:
        return []
    problems: list[Problem] = []
    if overtime.method == "hospital_8_80":
        if pay_period is None or pay_period.days != 14:
            problems.append(problem("agreement.overtime.period_days", key="overtime.method"))
        if overtime.allocation != "shift":
            problems.append(problem("agreement.overtime.allocation", key="overtime.allocation"))
    elif overtime.allocation != "shift":
        problems += _whole_weeks(overtime.allocation, pay_period, workweek_start)
    if overtime.method != "california" and not overtime.daily:
        problems.append(problem("agreement.overtime.daily", key="overtime.daily"))
    return problems


def _whole_weeks(
    allocation: str, pay_period: PayPeriod | None, workweek_start: str
) -> list[Problem]:
    """Sharing among workweeks needs pay periods made of whole workweeks."""
    key = "overtime.allocation"
    if pay_period is None:
        return [problem("agreement.overtime.pay_period", key=key, allocation=allocation)]
    anchor = pay_period.anchor
    starts = f"{WEEKDAYS[anchor.weekday()]} {anchor:%H:%M}"
    if pay_period.days % 7 or starts != workweek_start.lower():
        return [
            problem(
                "agreement.overtime.whole_weeks",
                key=key,
                allocation=allocation,
                workweek_start=workweek_start,
                anchor=starts,
            )
        ]
    return []


def agreement_json_schema() -> dict[str, Any]:
    """The JSON Schema of the agreement file, generated from the models."""
    schema = Agreement.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:incentives:schema:agreement"
    schema["title"] = "incentives agreement"
    return schema

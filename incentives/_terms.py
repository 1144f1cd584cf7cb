"""An agreement's terms compiled for evaluation: instants, sets and patterns, not text.

:class:`Compiled` is frozen and made once per agreement and evaluation; the rules read
it, never the agreement's text. :class:`Span` is the stretch of time a file covers, so
that each zone's offsets are read once for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from zoneinfo import ZoneInfo

from . import _time
from ._agreement import Agreement, Extra, Limits, PayoutComponent, Terms, parse_day_part
from ._calendar import DayParts, PayPeriods, Workweeks
from ._clauses import clauses
from ._text import glob, norm

ROUNDING_SECONDS: dict[str, int | None] = {
    "exact": None,
    "minute": 60,
    "tenth_hour": 360,
    "quarter_hour": 900,
}


@dataclass(frozen=True, slots=True)
class Component:
    """One payout component, with its filters as sets."""

    index: int
    kind: str
    spec: PayoutComponent
    periods: frozenset[str] | None
    classifications: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Pattern:
    """A glob of an eligibility list, as written and compiled."""

    text: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Compiled:
    """What evaluation needs of one agreement as of a date."""

    agreement: Agreement
    terms: Terms
    tz: ZoneInfo
    windows: tuple[tuple[int, int], ...]
    classifications: frozenset[str] | None
    employers: frozenset[str] | None
    employment_statuses: frozenset[str] | None
    locations: tuple[Pattern, ...] | None
    units: tuple[Pattern, ...] | None
    counts_as_worked: frozenset[str]
    forfeit_on: frozenset[str]
    workweeks: Workweeks
    pay_periods: PayPeriods | None
    day_parts: DayParts | None
    components: tuple[Component, ...]
    rounding: int | None
    sources: dict[str, str] = field(default_factory=dict)
    clauses: dict[str, str] = field(default_factory=dict)
    """The quoted clause of each rule the terms give words for (see :mod:`._clauses`)."""

    @classmethod
    def of(cls, agreement: Agreement, as_of: date | None) -> Compiled:
        terms = agreement.terms(as_of)
        tz = _time.zone(agreement.timezone)
        elig = terms.eligibility
        listed = [norm(c) for c in elig.classifications]
        pay = agreement.pay_period
        return cls(
            agreement=agreement,
            terms=terms,
            tz=tz,
            windows=tuple(
                sorted(
                    (_time.resolve(w.start, tz), _time.resolve(w.end, tz)) for w in terms.windows
                )
            ),
            classifications=None if "*" in listed else frozenset(listed),
            employers=frozenset(norm(e) for e in elig.employers) or None,
            employment_statuses=frozenset(elig.employment_statuses) or None,
            locations=tuple(Pattern(p, glob(p)) for p in elig.locations) or None,
            units=tuple(Pattern(p, glob(p)) for p in elig.units) or None,
            counts_as_worked=frozenset(norm(s) for s in terms.extra.counts_as_worked),
            forfeit_on=frozenset(norm(s) for s in terms.attendance.forfeit_on),
            workweeks=Workweeks(tz, *agreement.workweek),
            pay_periods=PayPeriods(tz, pay.anchor, pay.days) if pay is not None else None,
            day_parts=(
                DayParts(tz, {name: parse_day_part(text) for name, text in terms.periods.items()})
                if terms.periods
                else None
            ),
            components=tuple(
                Component(
                    index=i,
                    kind=c.kind,
                    spec=c,
                    periods=frozenset(c.periods) if c.periods is not None else None,
                    classifications=(
                        frozenset(norm(x) for x in c.classifications)
                        if c.classifications is not None
                        else None
                    ),
                )
                for i, c in enumerate(terms.payout)
            ),
            rounding=ROUNDING_SECONDS[terms.hours_rounding],
            sources=dict(terms.sources),
            clauses=clauses(terms),
        )

    @property
    def id(self) -> str:
        return self.agreement.id

    @property
    def extra(self) -> Extra:
        return self.terms.extra

    @property
    def limits(self) -> Limits:
        return self.terms.limits

    @property
    def min_hours(self) -> Fraction:
        return Fraction(self.terms.eligibility.min_hours)

    def scope(self, name: str) -> Workweeks | PayPeriods:
        """The calendar of a scope: ``workweek`` or ``pay_period``."""
        if name == "pay_period":
            assert self.pay_periods is not None
            return self.pay_periods
        return self.workweeks

    def scope_days(self, name: str) -> int:
        """How many days a period of the scope lasts."""
        if name == "pay_period" and self.pay_periods is not None:
            return self.pay_periods.days
        return 7

    def required_columns(self) -> dict[str, str]:
        """Columns a worked row must give for this agreement, with the term that needs them."""
        need: dict[str, str] = {}
        elig = self.terms.eligibility
        if self.extra.flag:
            need["extra"] = "extra.flag"
        if self.extra.beyond_fte:
            need["fte"] = "extra.beyond_fte"
        for column, key in (
            ("employer", "employers"),
            ("employment_status", "employment_statuses"),
            ("location", "locations"),
            ("unit", "units"),
        ):
            if getattr(elig, key):
                need[column] = f"eligibility.{key}"
        if elig.requires_approval:
            need["approved"] = "eligibility.requires_approval"
        for comp in self.components:
            if comp.kind == "base_rate_multiplier":
                need.setdefault("base_rate", f"payout[{comp.index}].base_rate_multiplier")
        if self.agreement.overtime is not None:
            need.setdefault("base_rate", "overtime.method")
        return need

    def source_note(self, *parts: str) -> str:
        """`` (amendment adopted 2021-01-29)`` when an amendment set any of ``parts``."""
        notes = sorted({self.sources[p] for p in parts if p in self.sources})
        return f" ({'; '.join(notes)})" if notes else ""


@dataclass(frozen=True)
class Span:
    """The instants a file's shifts cover, and each zone's offsets over them (with room
    for the longest period a calendar looks back or ahead)."""

    lo: int
    hi: int

    def offsets(self, tz: ZoneInfo, days: int = 8) -> _time.Offsets:
        margin = (days + 2) * _time.DAY
        return _time.offsets(tz, self.lo - margin, self.hi + margin)

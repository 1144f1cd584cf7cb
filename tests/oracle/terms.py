"""The oracle: an agreement's terms compiled for evaluation (instants, sets, patterns)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from incentives import _time
from incentives._agreement import Agreement, PayoutComponent, Terms, parse_day_part

from .calendar import DayParts, PayPeriods, Workweeks
from .report import Reason, Rule
from .rows import norm

ROUNDING_STEP: dict[str, Fraction | None] = {
    "exact": None,
    "minute": Fraction(1, 60),
    "tenth_hour": Fraction(1, 10),
    "quarter_hour": Fraction(1, 4),
}


def glob(pattern: str) -> re.Pattern[str]:
    """A case-insensitive glob (``*`` any run, ``?`` one character) as a compiled regex."""
    parts = ("." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in norm(pattern))
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True, slots=True)
class Component:
    """One payout component, with its filters as sets."""

    kind: str
    spec: PayoutComponent
    periods: frozenset[str] | None
    classifications: frozenset[str] | None
    tiers: tuple[tuple[Fraction, Decimal], ...]


class Compiled:
    """What evaluation needs of one agreement as of a date."""

    def __init__(self, agreement: Agreement, terms: Terms) -> None:
        self.agreement = agreement
        self.id = agreement.id
        self.terms = terms
        self.tz = tz = _time.zone(agreement.timezone)
        self.windows: list[tuple[int, int]] = sorted(
            (_time.resolve(w.start, tz), _time.resolve(w.end, tz)) for w in terms.windows
        )
        elig = terms.eligibility
        listed = [norm(c) for c in elig.classifications]
        self.classifications = None if "*" in listed else frozenset(listed)
        self.employers = frozenset(norm(e) for e in elig.employers) or None
        self.employment_statuses = frozenset(elig.employment_statuses) or None
        self.locations = [glob(p) for p in elig.locations] or None
        self.units = [glob(p) for p in elig.units] or None
        self.min_hours = Fraction(elig.min_hours)
        self.extra = terms.extra
        self.counts_as_worked = frozenset(norm(s) for s in terms.extra.counts_as_worked)
        self.forfeit_on = frozenset(norm(s) for s in terms.attendance.forfeit_on)
        self.workweeks = Workweeks(tz, *agreement.workweek)
        pay = agreement.pay_period
        self.pay_periods = PayPeriods(tz, pay.anchor, pay.days) if pay is not None else None
        self.day_parts = (
            DayParts(tz, {name: parse_day_part(text) for name, text in terms.periods.items()})
            if terms.periods
            else None
        )
        self.components = [
            Component(
                kind=c.kind,
                spec=c,
                periods=frozenset(c.periods) if c.periods is not None else None,
                classifications=(
                    frozenset(norm(x) for x in c.classifications)
                    if c.classifications is not None
                    else None
                ),
                tiers=tuple((Fraction(t.min_hours), t.amount) for t in c.tiers or ()),
            )
            for c in terms.payout
        ]
        self.payout_by_classification = any(
            comp.classifications is not None for comp in self.components
        )
        self.payout_by_base_rate = any(
            comp.kind == "base_rate_multiplier" for comp in self.components
        )
        self.rounding = ROUNDING_STEP[terms.hours_rounding]
        self.limits = terms.limits
        self.sources = terms.sources
        self.clauses = _clauses(terms)

    def reason(self, rule: Rule, ok: bool, detail: str) -> Reason:
        """A reason."""
        return Reason(rule=rule, ok=ok, detail=detail, clause=self.clauses.get(rule))

    def describe(self, moment: int) -> str:
        """An instant in this agreement's zone as reasons write it."""
        return _time.describe(moment, self.tz)

    def scope(self, name: str) -> Workweeks | PayPeriods:
        """The calendar of a scope: ``workweek`` or ``pay_period``."""
        if name == "pay_period":
            assert self.pay_periods is not None
            return self.pay_periods
        return self.workweeks

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
        for i, comp in enumerate(self.components):
            if comp.kind == "base_rate_multiplier":
                need.setdefault("base_rate", f"payout[{i}].base_rate_multiplier")
        return need

    def source_note(self, *parts: str) -> str:
        """`` (amendment adopted 2021-01-29)`` when an amendment set any of ``parts``."""
        notes = sorted({self.sources[p] for p in parts if p in self.sources})
        return f" ({'; '.join(notes)})" if notes else ""


def _quoted(parts: list[Any]) -> str | None:
    """Each distinct clause of the parts, in quotation marks, then its source."""
    said: list[str] = []
    for part in parts:
        if part.clause is not None:
            text = "\u201c" + part.clause + "\u201d"
            if part.source is not None:
                text += " (" + part.source + ")"
            if text not in said:
                said.append(text)
    return " ".join(said) if said else None


def _clauses(terms: Any) -> dict[str, str]:
    """The words each rule quotes: the part of the terms that decides it."""
    by_rule: dict[str, str | None] = {
        "window": _quoted(list(terms.windows)),
        "extra": _quoted([terms.extra]),
        "attendance": _quoted([terms.attendance]),
        "payout": _quoted(list(terms.payout)),
        "limit": _quoted([terms.limits]),
    }
    for rule in ("classification", "employer", "employment_status", "location", "unit"):
        by_rule[rule] = _quoted([terms.eligibility])
    by_rule["approval"] = by_rule["min_hours"] = _quoted([terms.eligibility])
    return {rule: text for rule, text in by_rule.items() if text is not None}

"""Limits: each agreement's amount for a shift is cut by its limits, in the order per
shift, shifts per workweek, amount per workweek, per pay period, total, given what that
agreement has already *paid* the employee (SPEC 5.5).

SPEC decides this one shift at a time from what was already paid, so it is a walk over
the shifts that pay, in order of start; each cut is an adjustment naming the limit.
Amounts are ``Decimal`` with two places here, as the report writes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .._money import cents
from .._terms import Compiled

ZERO = Decimal("0.00")
_WORDS = {
    "max_amount_per_shift": "a shift",
    "max_amount_per_workweek": "a workweek",
    "max_amount_per_pay_period": "a pay period",
    "max_amount_total": "in total",
}


CODES = tuple(
    f"limit.{name}"
    for name in (
        "max_amount_per_shift",
        "max_shifts_per_workweek",
        "max_amount_per_workweek",
        "max_amount_per_pay_period",
        "max_amount_total",
    )
)
"""Every code a limit adjustment carries."""


@dataclass(slots=True)
class Adjusted:
    """An amount removed from an outcome by a limit or by stacking (``amount`` <= 0)."""

    rule: str
    limit: str | None
    amount: Decimal
    detail: str
    code: str
    values: dict[str, Any]


@dataclass(slots=True)
class Decision:
    """One agreement's amount for one shift (cents) while limits and stacking act on it."""

    amount: int
    qualifies: bool
    adjustments: list[Adjusted] = field(default_factory=list)


@dataclass(slots=True)
class Paid:
    """What one agreement has paid one employee so far (cents)."""

    week_amount: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    week_shifts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pay_period: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    total: int = 0


def money(cents: int) -> Decimal:
    """Whole cents as a ``Decimal`` with two places."""
    return Decimal(cents).scaleb(-2)


def _already(cents: int) -> str:
    """What was already paid, as 0.1 wrote it: ``0`` before anything, else two places."""
    return "0" if cents == 0 else str(money(cents))


def _removed(cents: int) -> Decimal:
    """The adjustment's amount: minus what was removed (``-0.00`` when nothing was)."""
    return Decimal("-0.00") if cents == 0 else money(-cents)


class Limiter:
    """One agreement's limits, ready to apply shift by shift."""

    def __init__(self, c: Compiled) -> None:
        limits = c.limits
        self.note = c.source_note("limits")
        self.per_shift = limits.max_amount_per_shift
        self.per_shift_cents = None if self.per_shift is None else int(cents(self.per_shift) * 100)
        self.shifts = limits.max_shifts_per_workweek
        self.rooms = [
            (name, int(cents(limit) * 100))
            for name, limit in (
                ("max_amount_per_workweek", limits.max_amount_per_workweek),
                ("max_amount_per_pay_period", limits.max_amount_per_pay_period),
                ("max_amount_total", limits.max_amount_total),
            )
            if limit is not None
        ]

    def apply(self, at: Periods, d: Decision, paid: Paid) -> None:
        """Cuts ``d`` by the agreement's limits, in order, recording an adjustment each."""
        if self.per_shift is not None and d.amount > self.per_shift * 100:
            cap = money(self.per_shift_cents or 0)
            self._cut(
                d,
                "max_amount_per_shift",
                self.per_shift_cents or 0,
                f"at most {cap} a shift",
                {"cap": str(cap)},
            )
        n = self.shifts
        if n is not None and d.amount > 0 and paid.week_shifts[at.week] >= n:
            count = paid.week_shifts[at.week]
            week = f"the workweek starting {at.week_start}"
            self._cut(
                d,
                "max_shifts_per_workweek",
                0,
                f"{count} shifts already paid in {week} (at most {n})",
                {"cap": n, "already": count, "period_start": at.week_start},
            )
        for name, limit in self.rooms:
            if d.amount <= 0:
                continue
            since: str | None
            if name == "max_amount_per_workweek":
                already, since = paid.week_amount[at.week], at.week_start
                where = f"the workweek starting {since}"
            elif name == "max_amount_per_pay_period":
                if at.pay_period is None:
                    continue
                already, since = paid.pay_period[at.pay_period], at.pay_period_start
                where = f"the pay period starting {since}"
            else:
                already, where, since = paid.total, "this agreement", None
            room = max(0, limit - already)
            if d.amount > room:
                values: dict[str, Any] = {"cap": str(money(limit)), "already": _already(already)}
                if since is not None:
                    values["period_start"] = since
                said = f"{_already(already)} already paid in {where}"
                self._cut(d, name, room, f"at most {money(limit)} {_WORDS[name]}, {said}", values)

    def _cut(self, d: Decision, name: str, to: int, why: str, values: dict[str, Any]) -> None:
        removed = d.amount - to
        d.adjustments.append(
            Adjusted(
                rule="limit",
                limit=name,
                amount=_removed(removed),
                detail=f"{name}: {why}; {money(removed)} removed{self.note}",
                code=f"limit.{name}",
                values={"limit": name, "removed": str(money(removed)), **values},
            )
        )
        d.amount = to


@dataclass(frozen=True, slots=True)
class Periods:
    """The workweek and pay period a shift starts in, by key and described start."""

    week: int
    week_start: str
    pay_period: int | None
    pay_period_start: str | None


def needed(c: Compiled) -> bool:
    """Whether the agreement has any limit."""
    limits = c.limits
    return any(
        getattr(limits, name) is not None
        for name in (
            "max_amount_per_shift",
            "max_shifts_per_workweek",
            "max_amount_per_workweek",
            "max_amount_per_pay_period",
            "max_amount_total",
        )
    )


def record(at: Periods, d: Decision, paid: Paid) -> None:
    """Counts what ``d`` finally pays toward the agreement's later limits."""
    if d.amount <= 0:
        return
    paid.week_amount[at.week] += d.amount
    paid.week_shifts[at.week] += 1
    if at.pay_period is not None:
        paid.pay_period[at.pay_period] += d.amount
    paid.total += d.amount

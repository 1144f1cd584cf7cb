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
    """One agreement's amount for one shift while limits and stacking act on it."""

    amount: Decimal
    qualifies: bool
    adjustments: list[Adjusted] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Periods:
    """The workweek and pay period a shift starts in, by key and described start."""

    week: int
    week_start: str
    pay_period: int | None
    pay_period_start: str | None


@dataclass(slots=True)
class Paid:
    """What one agreement has paid one employee so far."""

    week_amount: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    week_shifts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pay_period: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    total: Decimal = Decimal(0)


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


def apply(c: Compiled, at: Periods, d: Decision, paid: Paid) -> None:
    """Cuts ``d`` by the agreement's limits, in order, recording an adjustment each."""
    limits = c.limits
    week_text = f"the workweek starting {at.week_start}"
    note = c.source_note("limits")

    def cut(name: str, to: Decimal, why: str, values: dict[str, Any]) -> None:
        removed = d.amount - to
        d.adjustments.append(
            Adjusted(
                rule="limit",
                limit=name,
                amount=-removed,
                detail=f"{name}: {why}; {removed} removed{note}",
                code=f"limit.{name}",
                values={"limit": name, "removed": str(removed), **values},
            )
        )
        d.amount = to

    if limits.max_amount_per_shift is not None and d.amount > limits.max_amount_per_shift:
        cap = cents(limits.max_amount_per_shift)
        cut("max_amount_per_shift", cap, f"at most {cap} a shift", {"cap": str(cap)})
    n = limits.max_shifts_per_workweek
    if n is not None and d.amount > 0 and paid.week_shifts[at.week] >= n:
        count = paid.week_shifts[at.week]
        cut(
            "max_shifts_per_workweek",
            ZERO,
            f"{count} shifts already paid in {week_text} (at most {n})",
            {"cap": n, "already": count, "period_start": at.week_start},
        )
    rooms: list[tuple[str, Decimal | None, Decimal, str, str | None]] = [
        (
            "max_amount_per_workweek",
            limits.max_amount_per_workweek,
            paid.week_amount[at.week],
            week_text,
            at.week_start,
        ),
    ]
    if at.pay_period is not None and limits.max_amount_per_pay_period is not None:
        rooms.append(
            (
                "max_amount_per_pay_period",
                limits.max_amount_per_pay_period,
                paid.pay_period[at.pay_period],
                f"the pay period starting {at.pay_period_start}",
                at.pay_period_start,
            )
        )
    rooms.append(("max_amount_total", limits.max_amount_total, paid.total, "this agreement", None))
    for name, limit, already, where, since in rooms:
        if limit is None or d.amount <= 0:
            continue
        room = max(ZERO, cents(limit) - already)
        if d.amount > room:
            values: dict[str, Any] = {"cap": str(cents(limit)), "already": str(already)}
            if since is not None:
                values["period_start"] = since
            cut(
                name,
                room,
                f"at most {cents(limit)} {_WORDS[name]}, {already} already paid in {where}",
                values,
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

"""Stacking: among the amounts a shift earns after limits, ``stack`` agreements always
add; of the ``exclusive`` ones only the highest pays (ties: the smallest id), and the
others keep ``qualifies = true``, pay 0 and record an adjustment (SPEC 5.5)."""

from __future__ import annotations

from collections.abc import Sequence

from .limits import Adjusted, Decision, money

CODES = ("stacking.exclusive",)
"""Every code a stacking adjustment carries."""


def stack(ids: Sequence[str], exclusive: Sequence[bool], decisions: Sequence[Decision]) -> None:
    """Pays only the highest of the exclusive amounts of one shift, in place."""
    paying = [(i, d) for i, d in enumerate(decisions) if exclusive[i] and d.amount > 0]
    if len(paying) < 2:
        return
    win_i, win = min(paying, key=lambda pair: (-pair[1].amount, ids[pair[0]]))
    for i, d in paying:
        if i == win_i:
            continue
        d.adjustments.append(
            Adjusted(
                rule="stacking",
                limit=None,
                amount=money(-d.amount),
                detail=f"exclusive agreements do not add: {ids[win_i]} pays {money(win.amount)} "
                f"for this shift instead of {money(d.amount)}",
                code="stacking.exclusive",
                values={
                    "winner": ids[win_i],
                    "winner_amount": str(money(win.amount)),
                    "amount": str(money(d.amount)),
                },
            )
        )
        d.amount = 0

"""Reasons as data: every rule's code, values and sentence, rendered a column at a time.

The engine decides; this module says why, in words, for the rows a report shows. Each
rule's :class:`~incentives.rules.ReasonColumns` are expressions over the columns its
``decide`` added, so a reason is always rendered from the values that decided it.
"""

from __future__ import annotations

import polars as pl

from ._terms import Compiled
from .rules import (
    ORDER,
    Env,
    ReasonColumns,
    ValueType,
    attendance,
    extra,
    filters,
    hours,
    limits,
    payout,
    stacking,
    window,
)

CODES: tuple[str, ...] = (
    *filters.CODES,
    *extra.CODES,
    *window.CODES,
    *attendance.CODES,
    *hours.CODES,
    *payout.CODES,
)
"""Every code a reason carries, rule by rule in the order of SPEC 5."""
ADJUSTMENT_CODES: tuple[str, ...] = (*limits.CODES, *stacking.CODES)
"""Every code an adjustment carries."""


def reason_columns(c: Compiled, env: Env) -> dict[str, ReasonColumns]:
    """Every rule's reason, in the order of SPEC 5 (built once per evaluation)."""
    known = env.memo.get("reasons")
    if known is None:
        known = env.memo["reasons"] = _reason_columns(c, env)
    return known  # type: ignore[return-value]


def _reason_columns(c: Compiled, env: Env) -> dict[str, ReasonColumns]:
    found = filters.reasons(c, env)
    found["extra"] = extra.reason(c, env)
    found["window"] = window.reason(c, env)
    found["attendance"] = attendance.reason(c, env)
    found["min_hours"] = hours.reason(c, env)
    found["payout"] = payout.reason(c, env)
    return {rule: found[rule] for rule in ORDER}


def value_types(c: Compiled, env: Env) -> dict[str, dict[str, ValueType]]:
    """The JSON type of each value of each rule's reason."""
    return {
        rule: {key: value.type for key, value in reason.values.items()}
        for rule, reason in reason_columns(c, env).items()
    }


def render(outcome: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """The reasons of the rows of ``outcome``: ``line`` and, per rule, ``<rule>:ok``,
    ``<rule>:code``, ``<rule>:detail`` and ``<rule>:v:<key>`` for each value."""
    frame = attendance.absences(extra.threshold_columns(outcome, c), c, env)
    columns: list[pl.Expr] = [pl.col("line")]
    for rule, reason in reason_columns(c, env).items():
        columns += [
            reason.ok.alias(f"{rule}:ok"),
            reason.code.alias(f"{rule}:code"),
            reason.detail.alias(f"{rule}:detail"),
        ]
        for key, v in reason.values.items():
            columns.append(v.expr.alias(f"{rule}:v:{key}"))
            if v.items is not None:
                columns += [item.alias(f"{rule}:v:{key}:{n}") for n, item in enumerate(v.items)]
            if v.where is not None:
                columns.append(v.where.alias(f"{rule}:v:{key}:where"))
    return frame.select(columns)

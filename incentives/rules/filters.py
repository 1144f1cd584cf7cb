"""Rules on a row's own names and flags: status, classification, employer, employment
status, location, unit and approval (SPEC 5.1 and 5.2).

Names compare ignoring case and repeated white space; locations and units are glob
patterns. Each distinct name is matched once, in Python's own terms (``str.casefold``),
and the verdicts spread over the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import polars as pl

from .._columns import map_distinct
from .._terms import Compiled, Pattern
from .._text import norm
from . import ORDER, Env, ReasonColumns, Value, constant

NAMES: dict[str, tuple[str, str]] = {
    "classification": ("classification", "classifications"),
    "employer": ("employer", "employers"),
    "employment_status": ("employment status", "employment_statuses"),
}
"""The rules that match a name against a list: (words for it, the eligibility key)."""
GLOBS = ("location", "unit")
RULES = ORDER[: ORDER.index("extra")]
"""The filter rules: every rule before ``extra``."""

CODES: tuple[str, ...] = (
    "status.worked",
    "status.absence",
    *(
        f"{rule}.{verdict}"
        for rule in NAMES
        for verdict in ("any", "missing", "eligible", "not_eligible")
    ),
    *(
        f"{rule}.{verdict}"
        for rule in GLOBS
        for verdict in ("any", "missing", "matches", "matches_none")
    ),
    "approval.not_required",
    "approval.approved",
    "approval.not_approved",
    "approval.missing",
)
"""Every code the seven rules' reasons carry."""


def normed_in(value: str, allowed: frozenset[str]) -> bool:
    """Whether a name, compared as the contract compares names, is in ``allowed``."""
    return norm(value) in allowed


def _allowed(c: Compiled, rule: str) -> frozenset[str] | None:
    return {
        "classification": c.classifications,
        "employer": c.employers,
        "employment_status": c.employment_statuses,
    }[rule]


def _patterns(c: Compiled, rule: str) -> tuple[Pattern, ...] | None:
    return c.locations if rule == "location" else c.units


def _eligible(c: Compiled, rule: str) -> list[str]:
    """The eligibility list as written in the agreement."""
    key = NAMES[rule][1] if rule in NAMES else f"{rule}s"
    return [str(v) for v in getattr(c.terms.eligibility, key)]


def _first_match(patterns: tuple[Pattern, ...]) -> Callable[[str], str | None]:
    def first(value: str) -> str | None:
        key = norm(value)
        return next((p.text for p in patterns if p.regex.fullmatch(key)), None)

    return first


def decide(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """Adds ``ok_<rule>`` for the seven rules, and the pattern a location or unit matched."""
    columns: dict[str, pl.Series | pl.Expr] = {"ok_status": pl.col("status") == "worked"}
    for rule in NAMES:
        allowed = _allowed(c, rule)
        if allowed is None:
            columns[f"ok_{rule}"] = pl.lit(True)
        else:
            inside = map_distinct(frame[rule], partial(normed_in, allowed=allowed), pl.Boolean)
            columns[f"ok_{rule}"] = inside.fill_null(False)
    for rule in GLOBS:
        patterns = _patterns(c, rule)
        if patterns is None:
            columns[f"ok_{rule}"] = pl.lit(True)
            continue
        matched = map_distinct(frame[rule], _first_match(patterns), pl.String)
        columns[f"{rule}.match"] = matched
        columns[f"ok_{rule}"] = matched.is_not_null()
    if c.terms.eligibility.requires_approval:
        columns["ok_approval"] = pl.col("approved").fill_null(False)
    else:
        columns["ok_approval"] = pl.lit(True)
    return frame.with_columns(
        (v.alias(k) if isinstance(v, pl.Expr) else v.rename(k)) for k, v in columns.items()
    )


def reasons(c: Compiled, env: Env) -> dict[str, ReasonColumns]:
    """The reasons of the seven rules, in order."""
    note = c.source_note("eligibility")
    absent = pl.format("an absence ({}) is never paid", pl.col("status"))
    out = {
        "status": ReasonColumns(
            ok=pl.col("ok_status"),
            code=pl.when(pl.col("ok_status"))
            .then(constant("status.worked"))
            .otherwise(constant("status.absence")),
            detail=pl.when(pl.col("ok_status")).then(constant("worked")).otherwise(absent),
            values={"status": Value(pl.col("status"))},
        )
    }
    for rule, (what, _) in NAMES.items():
        out[rule] = _listed(c, rule, what, note)
    for rule in GLOBS:
        out[rule] = _globbed(c, rule, note)
    out["approval"] = _approval(c, note)
    return out


def _with_note(detail: pl.Expr, note: str) -> pl.Expr:
    return pl.concat_str(detail, constant(note)) if note else detail


def _listed(c: Compiled, rule: str, what: str, note: str) -> ReasonColumns:
    ok = pl.col(f"ok_{rule}")
    value = pl.col(rule)
    if _allowed(c, rule) is None:
        return ReasonColumns(ok, constant(f"{rule}.any"), constant(f"any {what}{note}"))
    eligible = _eligible(c, rule)
    shown = ", ".join(eligible)
    code = (
        pl.when(value.is_null())
        .then(constant(f"{rule}.missing"))
        .when(ok)
        .then(constant(f"{rule}.eligible"))
        .otherwise(constant(f"{rule}.not_eligible"))
    )
    detail = (
        pl.when(value.is_null())
        .then(constant(f"no {what} given; eligible: {shown}"))
        .when(ok)
        .then(pl.format(f"{{}} is an eligible {what}", value))
        .otherwise(pl.format(f"{{}} is not an eligible {what} (eligible: {shown})", value))
    )
    values = {
        "value": Value(value),
        "eligible": Value.texts([constant(e) for e in eligible], ~ok),
    }
    return ReasonColumns(ok, code, _with_note(detail, note), values)


def _globbed(c: Compiled, rule: str, note: str) -> ReasonColumns:
    ok = pl.col(f"ok_{rule}")
    patterns = _patterns(c, rule)
    if patterns is None:
        return ReasonColumns(ok, constant(f"{rule}.any"), constant(f"any {rule}{note}"))
    value = pl.col(rule)
    listed = [p.text for p in patterns]
    shown = ", ".join(listed)
    code = (
        pl.when(value.is_null())
        .then(constant(f"{rule}.missing"))
        .when(ok)
        .then(constant(f"{rule}.matches"))
        .otherwise(constant(f"{rule}.matches_none"))
    )
    detail = (
        pl.when(value.is_null())
        .then(constant(f"no {rule} given; eligible: {shown}"))
        .when(ok)
        .then(pl.format("{} matches {}", value, pl.col(f"{rule}.match")))
        .otherwise(pl.format(f"{{}} matches none of {shown}", value))
    )
    values = {
        "value": Value(value),
        "pattern": Value(pl.col(f"{rule}.match")),
        "patterns": Value.texts([constant(p) for p in listed], ~ok),
    }
    return ReasonColumns(ok, code, _with_note(detail, note), values)


def _approval(c: Compiled, note: str) -> ReasonColumns:
    ok = pl.col("ok_approval")
    if not c.terms.eligibility.requires_approval:
        return ReasonColumns(
            ok, constant("approval.not_required"), constant(f"approval not required{note}")
        )
    approved = pl.col("approved")
    code = (
        pl.when(approved)
        .then(constant("approval.approved"))
        .when(approved.is_null())
        .then(constant("approval.missing"))
        .otherwise(constant("approval.not_approved"))
    )
    detail = (
        pl.when(approved)
        .then(constant("approved"))
        .when(approved.is_null())
        .then(constant("approval not recorded; approval is required"))
        .otherwise(constant("not approved; approval is required"))
    )
    return ReasonColumns(ok, code, _with_note(detail, note))

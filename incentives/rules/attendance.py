"""Rule ``attendance``: an absence in ``forfeit_on`` forfeits every shift of the employee
starting in the same scope period, before or after it (SPEC 5.2: decided at period close).

The reason names up to five such absences, in order of start, by status, line and time.
"""

from __future__ import annotations

import polars as pl

from .._terms import Compiled
from . import Env, ReasonColumns, Value, constant

SHOWN = 5
"""How many absences a reason names; it counts the rest."""


CODES = ("attendance.none", "attendance.kept", "attendance.forfeited")
"""Every code the rule's reasons carry."""


def decide(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """Adds ``ok_attendance`` and, with ``forfeit_on``, the period (``attendance.start``,
    ``attendance.end``) and how many other forfeiting absences it holds
    (``attendance.count``). How each of them reads is kept for the reasons
    (:func:`absences`)."""
    if not c.forfeit_on:
        return frame.with_columns(ok_attendance=pl.lit(True))
    frame = c.scope(c.terms.attendance.scope).add(frame, "start", env.table, "attendance")
    forfeits = pl.col("status").is_in(list(c.forfeit_on)).cast(pl.Int64)
    frame = frame.with_columns(forfeits.alias("#forfeit"))
    count = pl.col("#forfeit").sum().over(KEYS) - pl.col("#forfeit")  # the others in the period
    frame = frame.with_columns(count.alias("attendance.count"))
    said = pl.format("{} on line {} ({})", "status", "line", env.describe(pl.col("start")))
    env.memo["attendance"] = (
        frame.filter(pl.col("#forfeit") == 1)
        .select(*KEYS, "line", said.alias("#said"))
        .group_by(KEYS, maintain_order=True)
        .agg(pl.col("line").alias("#lines"), pl.col("#said").alias("#all"))
    )
    return frame.with_columns((pl.col("attendance.count") == 0).alias("ok_attendance")).drop(
        "#forfeit"
    )


KEYS = ["employee_id", "attendance.key"]


def absences(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """The rows with how each other forfeiting absence of their period reads
    (``attendance.absences``, in order of start): what :func:`reason` needs besides the
    decided columns."""
    if not c.forfeit_on:
        return frame
    found = env.memo["attendance"]
    assert isinstance(found, pl.DataFrame)
    named = (
        frame.select("line", *KEYS)
        .join(found, on=KEYS, how="inner", maintain_order="left")
        .explode("#lines", "#all")
        .filter(pl.col("#lines") != pl.col("line"))
        .group_by("line", maintain_order=True)
        .agg(
            pl.col("#all").alias("attendance.absences"), pl.col("#lines").alias("attendance.lines")
        )
    )
    return frame.join(named, on="line", how="left", maintain_order="left")


def reason(c: Compiled, env: Env) -> ReasonColumns:
    ok = pl.col("ok_attendance")
    if not c.forfeit_on:
        return ReasonColumns(ok, constant("attendance.none"), constant("no attendance rule"))
    note = c.source_note("attendance")
    word = "workweek" if c.terms.attendance.scope == "workweek" else "pay period"
    span = pl.format(
        "{} to {}", env.describe(pl.col("attendance.start")), env.describe(pl.col("attendance.end"))
    )
    words = ", ".join(sorted(c.forfeit_on))
    count = pl.col("attendance.count")
    named = pl.col("attendance.absences").list.head(SHOWN).list.join("; ")
    more = (
        pl.when(count > SHOWN)
        .then(pl.format(" and {} more", count - SHOWN))
        .otherwise(constant(""))
    )
    detail = (
        pl.when(ok)
        .then(pl.format(f"no {words} absence in the {word} {{}}{note}", span))
        .otherwise(
            pl.format(
                f"{{}}{{}} in the same {word} ({{}}) forfeits the incentive{note}",
                named,
                more,
                span,
            )
        )
    )
    code = pl.when(ok).then(constant("attendance.kept")).otherwise(constant("attendance.forfeited"))
    values = {
        "scope": Value(constant(word)),
        "period_start": Value(env.iso(pl.col("attendance.start"))),
        "period_end": Value(env.iso(pl.col("attendance.end"))),
        "absences": Value(pl.when(~ok).then(pl.col("attendance.absences")), "texts"),
        "count": Value(pl.when(~ok).then(count), "integer"),
        "lines": Value(pl.when(~ok).then(pl.col("attendance.lines")), "integers"),
    }
    return ReasonColumns(ok, code, detail, values)

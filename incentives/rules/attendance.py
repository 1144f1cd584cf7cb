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
    ``attendance.end``) and the other forfeiting absences in it (``attendance.absences``:
    how each reads, in order of start; ``attendance.count``)."""
    if not c.forfeit_on:
        return frame.with_columns(ok_attendance=pl.lit(True))
    frame = c.scope(c.terms.attendance.scope).add(frame, "start", env.table, "attendance")
    frame = frame.with_columns(pl.col("status").is_in(list(c.forfeit_on)).alias("#forfeit"))
    keys = ["employee_id", "attendance.key"]
    said = pl.format("{} on line {} ({})", "status", "line", env.describe(pl.col("start")))
    found = (
        frame.filter(pl.col("#forfeit"))
        .select(*keys, said.alias("#said"))
        .group_by(keys, maintain_order=True)
        .agg(pl.col("#said").alias("#all"))
    )
    frame = frame.join(found, on=keys, how="left", maintain_order="left")
    own = (pl.col("#forfeit").cast(pl.Int64).cum_sum() - 1).over(keys)
    others = (
        pl.when(pl.col("#forfeit"))
        .then(
            pl.concat_list(
                pl.col("#all").list.slice(0, own), pl.col("#all").list.slice(own + 1, None)
            )
        )
        .otherwise(pl.col("#all"))
    )
    frame = frame.with_columns(others.alias("attendance.absences"))
    count = pl.col("attendance.absences").list.len().fill_null(0)
    return frame.with_columns(
        count.alias("attendance.count"), (count == 0).alias("ok_attendance")
    ).drop("#forfeit", "#all")


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
    }
    return ReasonColumns(ok, code, detail, values)

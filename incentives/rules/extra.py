"""Rule ``extra``: the row's extra flag, and the hours beyond the FTE threshold (SPEC 5.3).

With ``beyond_fte``, net hours of ``worked`` rows (and of ``counts_as_worked`` absences)
accumulate per employee and scope period in order of start (ties by line); the threshold
is ``max(fte × hours_per_fte × days / 7, minimum_hours)`` with the ``fte`` of the shift
being decided. Only the part of a shift after the threshold is reached counts. The
threshold may be a fraction of a second: the hours beyond it are carried as a numerator
(``extra.beyond``) over a denominator (``extra.per``) in seconds.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from .._columns import lookup
from .._money import cents, number_text
from .._terms import Compiled
from . import Env, ReasonColumns, Value, constant

CODES = (
    "extra.none",
    "extra.marked",
    "extra.not_marked",
    "extra.not_recorded",
    "extra.beyond_threshold",
    "extra.below_threshold",
    "extra.absence",
)
"""Every code the rule's reasons carry."""


def _threshold(c: Compiled, fte: str | None) -> tuple[Fraction, str]:
    """The threshold in hours for a shift of ``fte``, and how it is reached in words."""
    extra = c.extra
    days = c.scope_days(extra.scope)
    base = (Fraction(fte) if fte is not None else Fraction(0)) * Fraction(extra.hours_per_fte)
    base = base * days / 7
    minimum = Fraction(extra.minimum_hours)
    scaled = f" × {days}/7" if days != 7 else ""
    written = number_text(Decimal(fte) if fte is not None else Decimal(0))
    how = f"{written} FTE × {number_text(extra.hours_per_fte)}{scaled} = {cents(base)}"
    if minimum:
        how = f"the greater of {how} and the minimum {number_text(extra.minimum_hours)}"
    return max(base, minimum), how


def decide(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """Adds ``ok_extra`` and, with ``beyond_fte``, the hours beyond the threshold
    (``extra.beyond`` / ``extra.per`` seconds), the hours worked before the shift in its
    period (``extra.before``, seconds) and the period's start (``extra.period``)."""
    flag_ok = pl.col("extra").fill_null(False) if c.extra.flag else pl.lit(True)
    if not c.extra.beyond_fte:
        return frame.with_columns(ok_extra=flag_ok)
    worked = pl.col("status") == "worked"
    frame = c.scope(c.extra.scope).add(frame, "start", env.table, "#period")
    counts = worked | pl.col("status").is_in(list(c.counts_as_worked))
    contribution = pl.when(counts).then(pl.col("net")).otherwise(0)
    frame = frame.with_columns(
        pl.col("#period.key").alias("extra.key"),
        pl.col("#period.start").alias("extra.period"),
        contribution.alias("#c"),
    ).drop("#period.key", "#period.start", "#period.end")
    before = (pl.col("#c").cum_sum() - pl.col("#c")).over("employee_id", "extra.key")
    seconds = {f: _threshold(c, f)[0] * 3600 for f in frame["fte"].drop_nulls().unique()}
    fill = _threshold(c, None)[0] * 3600
    frame = frame.with_columns(
        before.alias("extra.before"),
        lookup(
            pl.col("fte"), {f: t.numerator for f, t in seconds.items()}, fill.numerator, pl.Int128
        ).alias("#tn"),
        lookup(
            pl.col("fte"),
            {f: t.denominator for f, t in seconds.items()},
            fill.denominator,
            pl.Int128,
        ).alias("#td"),
    )
    net = pl.col("net").cast(pl.Int128)
    over = (pl.col("extra.before") + net) * pl.col("#td") - pl.col("#tn")
    beyond = pl.min_horizontal(net * pl.col("#td"), over).clip(lower_bound=0)
    frame = frame.with_columns(
        pl.when(worked).then(beyond).otherwise(0).cast(pl.Int128).alias("extra.beyond"),
        pl.col("#td").alias("extra.per"),
        pl.col("fte").alias("extra.fte"),
    )
    ok = flag_ok & worked & (pl.col("extra.beyond") > 0)
    return frame.with_columns(ok_extra=ok).drop("#c", "#tn", "#td")


def reason(c: Compiled, env: Env) -> ReasonColumns:
    note = c.source_note("extra")
    parts: list[tuple[pl.Expr, pl.Expr, pl.Expr]] = []  # (ok, code, words)
    values: dict[str, Value] = {}
    if c.extra.flag:
        extra = pl.col("extra")
        parts.append(
            (
                extra.fill_null(False),
                pl.when(extra.is_null())
                .then(constant("extra.not_recorded"))
                .when(extra)
                .then(constant("extra.marked"))
                .otherwise(constant("extra.not_marked")),
                pl.when(extra.is_null())
                .then(constant("not recorded as extra"))
                .when(extra)
                .then(constant("marked extra"))
                .otherwise(constant("not marked extra")),
            )
        )
        values["extra"] = Value(extra, "boolean")
    if c.extra.beyond_fte:
        parts.append(_threshold_part(c, env))
        scope = "workweek" if c.extra.scope == "workweek" else "pay period"
        worked = pl.col("status") == "worked"
        values.update(
            {
                "beyond_hours": Value(pl.when(worked).then(_hours("extra.beyond"))),
                "net_hours": Value(pl.when(worked).then(_hours("net", 1))),
                "threshold_hours": Value(pl.when(worked).then(pl.col("#threshold"))),
                "hours_before": Value(pl.when(worked).then(_hours("extra.before", 1))),
                "scope": Value(pl.when(worked).then(constant(scope))),
                "period_start": Value(pl.when(worked).then(env.iso(pl.col("extra.period")))),
                "fte": Value(pl.when(worked).then(pl.col("extra.fte"))),
            }
        )
    if not parts:
        return ReasonColumns(
            pl.col("ok_extra"), constant("extra.none"), constant(f"no extra-shift condition{note}")
        )
    detail = pl.concat_str([words for _, _, words in parts], separator="; ")
    code = parts[-1][1]
    for ok, part_code, _ in reversed(parts):
        code = pl.when(~ok).then(part_code).otherwise(code)
    if note:
        detail = pl.concat_str(detail, constant(note))
    return ReasonColumns(pl.col("ok_extra"), code, detail, values)


def _hours(column: str, per: int | None = None) -> pl.Expr:
    """Hours text of a seconds column (over ``extra.per`` unless ``per`` is given)."""
    from .._money import hours_text

    denominator = pl.col("extra.per") if per is None else per
    return hours_text(pl.col(column).cast(pl.Int128), denominator)


def _threshold_part(c: Compiled, env: Env) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    scope = "workweek" if c.extra.scope == "workweek" else "pay period"
    worked = pl.col("status") == "worked"
    beyond = pl.col("extra.beyond") > 0
    words = pl.format(
        f"{{}} of its {{}} hours are beyond the {scope} threshold of {{}} hours ({{}}); "
        f"{{}} hours were worked earlier in the {scope} starting {{}}",
        _hours("extra.beyond"),
        _hours("net", 1),
        pl.col("#threshold"),
        pl.col("#how"),
        _hours("extra.before", 1),
        env.describe(pl.col("extra.period")),
    )
    absent = constant("an absence earns no hours beyond the FTE threshold")
    code = (
        pl.when(~worked)
        .then(constant("extra.absence"))
        .when(beyond)
        .then(constant("extra.beyond_threshold"))
        .otherwise(constant("extra.below_threshold"))
    )
    return worked & beyond, code, pl.when(worked).then(words).otherwise(absent)


def threshold_columns(frame: pl.DataFrame, c: Compiled) -> pl.DataFrame:
    """The threshold's hours and how it is reached, in words (``#threshold``, ``#how``):
    what :func:`reason` needs besides the decided columns."""
    if not c.extra.beyond_fte:
        return frame
    described = {f: _threshold(c, f) for f in frame["fte"].drop_nulls().unique()}
    limit, how = _threshold(c, None)
    return frame.with_columns(
        lookup(
            pl.col("fte"),
            {f: str(cents(t)) for f, (t, _) in described.items()},
            str(cents(limit)),
            pl.String,
        ).alias("#threshold"),
        lookup(pl.col("fte"), {f: h for f, (_, h) in described.items()}, how, pl.String).alias(
            "#how"
        ),
    )

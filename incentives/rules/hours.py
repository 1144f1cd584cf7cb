"""Qualifying hours and rule ``min_hours`` (SPEC 5.3).

Net hours, trimmed by ``prorate`` (only the share inside the windows) and by
``beyond_fte`` (only the part after the threshold is reached, and with ``prorate`` only
that part's share inside the windows), then rounded to ``hours_rounding`` half up. They
are exact: ``hours.q`` seconds over ``hours.per`` (Int128; ``hours.per`` is 1 unless a share
or a fractional threshold counts).
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from .._money import half_up, hours_text, number_text
from .._terms import Compiled
from . import Env, ReasonColumns, Value, constant, window

I128 = pl.Int128


CODES = ("min_hours.none", "min_hours.reached", "min_hours.below")
"""Every code rule ``min_hours``'s reasons carry."""


def _qualifying(c: Compiled) -> tuple[pl.Expr, pl.Expr]:
    net = pl.col("net").cast(I128)
    elapsed = pl.col("window.elapsed").cast(I128)
    prorates = window.kind(c).prorates
    if not c.extra.beyond_fte:
        if not prorates:
            return net, pl.lit(1, dtype=I128)
        return net * pl.col("window.inside").cast(I128), elapsed
    beyond, per = pl.col("extra.beyond"), pl.col("extra.per")
    if not prorates:
        return beyond, per
    # The threshold is reached at an instant inside the shift (net hours spread evenly);
    # only the part after it, and inside the windows, counts. Instants are scaled by D.
    d = per * net
    start = pl.col("end").cast(I128) * d - elapsed * beyond
    inside = pl.sum_horizontal(
        *(
            (
                pl.min_horizontal(pl.col("end"), pl.lit(we)).cast(I128) * d
                - pl.max_horizontal(start, pl.lit(ws, dtype=I128) * d)
            ).clip(lower_bound=0)
            for ws, we in c.windows
        )
    )
    q = pl.when(beyond > 0).then(inside).otherwise(pl.lit(0, dtype=I128))
    return q, per * elapsed


def decide(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """Adds ``hours.q`` / ``hours.per`` (the qualifying seconds) and ``ok_min_hours``."""
    q, per = _qualifying(c)
    if c.rounding is not None:
        step = c.rounding
        q = half_up(q, per * step) * step
        per = pl.lit(1, dtype=I128)
    frame = frame.with_columns(q.cast(I128).alias("hours.q"), per.cast(I128).alias("hours.per"))
    minimum = c.min_hours
    ok = at_least(minimum) if minimum else pl.lit(True)
    return frame.with_columns(ok.alias("ok_min_hours"))


def at_least(hours: Fraction) -> pl.Expr:
    """Whether the qualifying hours reach ``hours``, exactly."""
    return pl.col("hours.q") * hours.denominator >= pl.col("hours.per") * (hours.numerator * 3600)


def text() -> pl.Expr:
    """The qualifying hours with two decimals, half up."""
    return hours_text(pl.col("hours.q"), pl.col("hours.per"))


def reason(c: Compiled, env: Env) -> ReasonColumns:
    ok = pl.col("ok_min_hours")
    minimum = c.min_hours
    values = {"qualifying_hours": Value(text())}
    if not minimum:
        return ReasonColumns(
            ok,
            constant("min_hours.none"),
            pl.format("{} qualifying hours; no minimum", text()),
            values,
        )
    note = c.source_note("eligibility")
    shown = number_text(minimum)
    verdict = pl.when(ok).then(constant("at least")).otherwise(constant("below"))
    detail = pl.format(f"{{}} qualifying hours, {{}} the minimum of {shown}{note}", text(), verdict)
    code = pl.when(ok).then(constant("min_hours.reached")).otherwise(constant("min_hours.below"))
    values["minimum_hours"] = Value(constant(shown))
    return ReasonColumns(ok, code, detail, values)

"""Rule ``window``: whether a shift falls in the agreement's windows (SPEC 5.2).

The kinds are in :data:`KINDS`, one entry each: ``starts_within``, ``entirely_within``,
``majority_within`` and ``prorate``. Every kind reports how much of the shift's elapsed
time lies inside the windows (``window.inside``, seconds) and the share of its net hours
that counts (``window.share`` of ``window.elapsed``): all of them, except for ``prorate``,
which keeps only the part inside. A failing window does not hide hours: the other rules
still see them (SPEC 5.3: only ``prorate`` and ``beyond_fte`` trim hours).

Adding a kind: an entry in :data:`KINDS`, its name in the agreement model's
``WindowRule``, its tests and its words in the docs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from .. import _time
from .._errors import UnknownKindError
from .._money import hours_text
from .._terms import Compiled
from . import Env, ReasonColumns, Value, constant


@dataclass(frozen=True)
class WindowKind:
    """One window rule: its verdict and share as expressions, and its reason."""

    ok: Callable[[Compiled], pl.Expr]
    prorates: bool
    reason: Callable[[Compiled, Env], ReasonColumns]
    codes: tuple[str, ...]


def _span(c: Compiled, i: int) -> str:
    ws, we = c.windows[i]
    return f"{_time.describe(ws, c.tz)} to {_time.describe(we, c.tz)}"


def _containing(c: Compiled, inside: Callable[[int, int], pl.Expr]) -> pl.Expr:
    """The index of the (only) window for which ``inside`` holds, else null."""
    found: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for i, (ws, we) in reversed(list(enumerate(c.windows))):
        found = pl.when(inside(ws, we)).then(pl.lit(i, dtype=pl.Int64)).otherwise(found)
    return found


def _spans(c: Compiled) -> pl.Expr:
    """The described span of the window ``window.at`` names."""
    texts = [_span(c, i) for i in range(len(c.windows))]
    return pl.col("window.at").replace_strict(
        list(range(len(texts))), texts, default=None, return_dtype=pl.String
    )


def _starts_at(c: Compiled) -> pl.Expr:
    s = pl.col("start")
    return _containing(c, lambda ws, we: (s >= ws) & (s < we))


def _lies_in(c: Compiled) -> pl.Expr:
    s, e = pl.col("start"), pl.col("end")
    return _containing(c, lambda ws, we: (s >= ws) & (e <= we))


def _starts_within_reason(c: Compiled, env: Env) -> ReasonColumns:
    note = c.source_note("windows")
    s = pl.col("start")
    start = env.describe(s)
    after = pl.max_horizontal(*(pl.when(we <= s).then(pl.lit(we)) for _, we in c.windows))
    before = pl.min_horizontal(*(pl.when(ws > s).then(pl.lit(ws)) for ws, _ in c.windows))
    ok = pl.col("ok_window")
    code = (
        pl.when(ok)
        .then(constant("window.starts_inside"))
        .when(after.is_not_null() & before.is_not_null())
        .then(constant("window.starts_between"))
        .when(after.is_not_null())
        .then(constant("window.starts_after"))
        .otherwise(constant("window.starts_before"))
    )
    detail = (
        pl.when(ok)
        .then(pl.format("starts {}, inside {}", start, _spans(c)))
        .when(after.is_not_null() & before.is_not_null())
        .then(
            pl.format(
                "starts {}, between windows: at or after the end {} and before the start {}",
                start,
                env.describe(after),
                env.describe(before),
            )
        )
        .when(after.is_not_null())
        .then(pl.format("starts {}, at or after the window's end {}", start, env.describe(after)))
        .otherwise(
            pl.format("starts {}, before the window's start {}", start, env.describe(before))
        )
    )
    values = {
        "start": Value(env.iso(s)),
        **_window_values(c, env),
        "after_end": Value(pl.when(~ok).then(env.iso(after))),
        "before_start": Value(pl.when(~ok).then(env.iso(before))),
    }
    return ReasonColumns(ok, code, pl.concat_str(detail, constant(note)), values)


def _window_values(c: Compiled, env: Env) -> dict[str, Value]:
    """The bounds of the window the shift is in, where it is in one."""
    at = pl.col("window.at")
    starts = [ws for ws, _ in c.windows]
    ends = [we for _, we in c.windows]
    index = list(range(len(c.windows)))
    bound_start = at.replace_strict(index, starts, default=None, return_dtype=pl.Int64)
    bound_end = at.replace_strict(index, ends, default=None, return_dtype=pl.Int64)
    return {
        "window_start": Value(env.iso(bound_start)),
        "window_end": Value(env.iso(bound_end)),
    }


def _entirely_within_reason(c: Compiled, env: Env) -> ReasonColumns:
    note = c.source_note("windows")
    ok = pl.col("ok_window")
    every = ", ".join(_span(c, i) for i in range(len(c.windows)))
    detail = (
        pl.when(ok)
        .then(pl.format("lies entirely inside {}", _spans(c)))
        .otherwise(
            pl.format(
                f"{{}} to {{}} does not lie entirely inside a window ({every})",
                env.describe(pl.col("start")),
                env.describe(pl.col("end")),
            )
        )
    )
    code = (
        pl.when(ok)
        .then(constant("window.entirely_inside"))
        .otherwise(constant("window.not_entirely_inside"))
    )
    values = {
        "start": Value(env.iso(pl.col("start"))),
        "end": Value(env.iso(pl.col("end"))),
        **_window_values(c, env),
    }
    return ReasonColumns(ok, code, pl.concat_str(detail, constant(note)), values)


def _inside_words() -> pl.Expr:
    return pl.format(
        "{} of {} elapsed hours",
        hours_text(pl.col("window.inside")),
        hours_text(pl.col("window.elapsed")),
    )


def _inside_values() -> dict[str, Value]:
    return {
        "inside_hours": Value(hours_text(pl.col("window.inside"))),
        "elapsed_hours": Value(hours_text(pl.col("window.elapsed"))),
    }


def _majority_within_reason(c: Compiled, env: Env) -> ReasonColumns:
    note = c.source_note("windows")
    ok = pl.col("ok_window")
    half = pl.when(ok).then(constant("more than half")).otherwise(constant("not more than half"))
    detail = pl.format("{} inside the windows, {}", _inside_words(), half)
    code = (
        pl.when(ok)
        .then(constant("window.majority_inside"))
        .otherwise(constant("window.not_majority_inside"))
    )
    return ReasonColumns(ok, code, pl.concat_str(detail, constant(note)), _inside_values())


def _prorate_reason(c: Compiled, env: Env) -> ReasonColumns:
    note = c.source_note("windows")
    ok = pl.col("ok_window")
    detail = (
        pl.when(ok)
        .then(
            pl.format(
                "{} inside the windows; that share of the net hours qualifies (prorate)",
                _inside_words(),
            )
        )
        .otherwise(
            pl.format(
                "no part of the shift ({} to {}) is inside the windows",
                env.describe(pl.col("start")),
                env.describe(pl.col("end")),
            )
        )
    )
    code = pl.when(ok).then(constant("window.prorated")).otherwise(constant("window.outside"))
    return ReasonColumns(ok, code, pl.concat_str(detail, constant(note)), _inside_values())


KINDS: dict[str, WindowKind] = {
    "starts_within": WindowKind(
        ok=lambda c: _starts_at(c).is_not_null(),
        prorates=False,
        reason=_starts_within_reason,
        codes=(
            "window.starts_inside",
            "window.starts_between",
            "window.starts_after",
            "window.starts_before",
        ),
    ),
    "entirely_within": WindowKind(
        ok=lambda c: _lies_in(c).is_not_null(),
        prorates=False,
        reason=_entirely_within_reason,
        codes=("window.entirely_inside", "window.not_entirely_inside"),
    ),
    "majority_within": WindowKind(
        ok=lambda c: pl.col("window.inside") * 2 > pl.col("window.elapsed"),
        prorates=False,
        reason=_majority_within_reason,
        codes=("window.majority_inside", "window.not_majority_inside"),
    ),
    "prorate": WindowKind(
        ok=lambda c: pl.col("window.inside") > 0,
        prorates=True,
        reason=_prorate_reason,
        codes=("window.prorated", "window.outside"),
    ),
}
"""Every window rule, by the name an agreement gives it (``eligibility.window_rule``)."""


CODES = tuple(code for k in KINDS.values() for code in k.codes)
"""Every code the rule's reasons carry."""


def kind(c: Compiled) -> WindowKind:
    """The window rule of an agreement's terms."""
    name = c.terms.eligibility.window_rule
    found = KINDS.get(name)
    if found is None:
        raise UnknownKindError("kind.window_rule", id=c.id, kind=name)
    return found


def decide(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """Adds ``ok_window``, ``window.inside``, ``window.elapsed``, ``window.at`` (the window
    the shift starts or lies in) and ``window.share`` (the seconds of ``window.elapsed``
    whose share of the net hours counts)."""
    rule = kind(c)
    s, e = pl.col("start"), pl.col("end")
    inside = pl.sum_horizontal(
        *(
            (pl.min_horizontal(e, pl.lit(we)) - pl.max_horizontal(s, pl.lit(ws))).clip(
                lower_bound=0
            )
            for ws, we in c.windows
        )
    )
    at = _starts_at(c) if c.terms.eligibility.window_rule == "starts_within" else _lies_in(c)
    frame = frame.with_columns(
        inside.alias("window.inside"), (e - s).alias("window.elapsed"), at.alias("window.at")
    )
    share = pl.col("window.inside") if rule.prorates else pl.col("window.elapsed")
    return frame.with_columns(rule.ok(c).alias("ok_window"), share.alias("window.share"))


def reason(c: Compiled, env: Env) -> ReasonColumns:
    return kind(c).reason(c, env)

"""Rule ``payout``: the sum of the components whose filters match (SPEC 5.4).

The kinds are in :data:`KINDS`: ``per_shift``, ``per_hour``, ``tiers`` and
``base_rate_multiplier``. Each gives its part of the amount as an exact integer in units
of ``1 / (10^P × 3600 × hours.per)`` cents, where ``P`` is enough decimal places for every
amount and rate of the terms; the sum is rounded half up to the cent once
(``payout.cents``). The rule fails only when every other rule passed and nothing pays.

Adding a kind: an entry in :data:`KINDS`, its field in the agreement model's
``PayoutComponent`` (and its name in ``PAYOUT_KINDS``), its tests and its words in the docs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import partial

import polars as pl

from .._columns import lookup, map_distinct
from .._errors import UnknownKindError
from .._money import cents, half_up, hundredths_text, number_text, places, scaled
from .._terms import Compiled, Component
from . import ORDER, Env, ReasonColumns, Value, constant, hours
from .filters import normed_in

I128 = pl.Int128
BASE_RATE_PLACES = 6
"""Base rates are read as whole multiples of 10^-6 (a shifts file allows six places)."""
LIMIT = 2**125
"""Parts of an amount stay below this, so that sums and rounding fit 128 bits."""


@dataclass(frozen=True)
class Scale:
    """The unit of the parts: 10^-places of a dollar, per 3600 × ``hours.per`` seconds."""

    places: int

    def dollars(self, value: Decimal) -> int:
        return scaled(value, self.places)

    @property
    def unit(self) -> pl.Expr:
        return pl.lit(10**self.places * 3600, dtype=I128) * pl.col("hours.per")


@dataclass(frozen=True)
class PayoutKind:
    """One payout component kind: its part (see the module's docstring) where it applies
    and the shift has qualifying hours, its words, and the places its numbers need."""

    part: Callable[[Component, Scale], pl.Expr]
    words: Callable[[Component, Scale], pl.Expr]
    places: Callable[[Component], int]


def _flat(amount: Decimal, scale: Scale) -> pl.Expr:
    return pl.lit(scale.dollars(amount) * 100 * 3600, dtype=I128) * pl.col("hours.per")


def _rate(rate: int, scale_places: int, scale: Scale) -> pl.Expr:
    """``rate`` (in 10^-scale_places dollars an hour) times the qualifying seconds."""
    factor = rate * 100 * 10 ** (scale.places - scale_places)
    return pl.lit(factor, dtype=I128) * pl.col("hours.q")


def _part_text(part: pl.Expr, scale: Scale) -> pl.Expr:
    return hundredths_text(half_up(part, scale.unit))


def _per_shift_words(comp: Component, scale: Scale) -> pl.Expr:
    assert comp.spec.per_shift is not None
    return constant(f"per shift {cents(comp.spec.per_shift)}")


def _per_hour_part(comp: Component, scale: Scale) -> pl.Expr:
    rate = comp.spec.per_hour
    assert rate is not None
    return _rate(scale.dollars(rate), scale.places, scale)


def _per_hour_words(comp: Component, scale: Scale) -> pl.Expr:
    assert comp.spec.per_hour is not None
    return pl.format(
        f"{{}} h × {number_text(comp.spec.per_hour)} = {{}}",
        hours.text(),
        _part_text(_per_hour_part(comp, scale), scale),
    )


def _multiplier(comp: Component) -> Decimal:
    assert comp.spec.base_rate_multiplier is not None
    return comp.spec.base_rate_multiplier


def _base_rate_part(comp: Component, scale: Scale) -> pl.Expr:
    times = _multiplier(comp)
    m = places(times)
    rate = pl.col("payout.base_rate")
    return _rate(scaled(times, m), m + BASE_RATE_PLACES, scale) * rate


def _base_rate_words(comp: Component, scale: Scale) -> pl.Expr:
    return pl.format(
        f"{{}} h × {number_text(_multiplier(comp))} × base rate {{}} = {{}}",
        hours.text(),
        pl.col("payout.base_rate_text"),
        _part_text(_base_rate_part(comp, scale), scale),
    )


def _tiers(comp: Component) -> list[tuple[Fraction, Decimal]]:
    return [(Fraction(t.min_hours), t.amount) for t in comp.spec.tiers or ()]


def _tier_index(comp: Component) -> pl.Expr:
    """How many tiers the qualifying hours reach (0: none), found by binary search.

    With the tiers' lower bounds ``n_i / D`` over a common denominator, hours reach tier
    ``i`` exactly when ``floor(q × D / (3600 × per)) >= n_i``; thousands of tiers cost a
    search, not thousands of comparisons.
    """
    lows = [low for low, _ in _tiers(comp)]
    common = math.lcm(*(low.denominator for low in lows))
    bounds = pl.Series([int(low * common) for low in lows], dtype=I128)
    reached = (pl.col("hours.q") * common) // (pl.col("hours.per") * 3600)
    return pl.lit(bounds).search_sorted(reached, side="right").cast(pl.Int64)


def _tier_part(comp: Component, scale: Scale) -> pl.Expr:
    amounts = [0, *(scale.dollars(amount) * 100 * 3600 for _, amount in _tiers(comp))]
    flat = lookup(_tier_index(comp), dict(enumerate(amounts)), 0, I128)
    return flat * pl.col("hours.per")


def _tier_words(comp: Component, scale: Scale) -> pl.Expr:
    tiers = _tiers(comp)
    said = [f" hours are below the lowest tier ({number_text(tiers[0][0])} hours)"]
    said += [f" hours reach the {number_text(low)}-hour tier: {cents(a)}" for low, a in tiers]
    return pl.concat_str(
        hours.text(), lookup(_tier_index(comp), dict(enumerate(said)), "", pl.String)
    )


KINDS: dict[str, PayoutKind] = {
    "per_shift": PayoutKind(
        part=lambda comp, scale: _flat(comp.spec.per_shift or Decimal(0), scale),
        words=_per_shift_words,
        places=lambda comp: places(comp.spec.per_shift or Decimal(0)),
    ),
    "per_hour": PayoutKind(
        part=_per_hour_part,
        words=_per_hour_words,
        places=lambda comp: places(comp.spec.per_hour or Decimal(0)),
    ),
    "tiers": PayoutKind(
        part=_tier_part,
        words=_tier_words,
        places=lambda comp: max(places(a) for _, a in _tiers(comp)),
    ),
    "base_rate_multiplier": PayoutKind(
        part=_base_rate_part,
        words=_base_rate_words,
        places=lambda comp: places(_multiplier(comp)) + BASE_RATE_PLACES,
    ),
}
"""Every payout component kind, by the key an agreement writes it with."""


CODES = (
    "payout.pays",
    "payout.pays_nothing",
    "payout.would_pay",
    "payout.would_pay_nothing",
    "payout.too_large",
)
"""Every code the rule's reasons carry."""


def kind_of(c: Compiled, comp: Component) -> PayoutKind:
    found = KINDS.get(comp.kind)
    if found is None:
        raise UnknownKindError("kind.payout", id=c.id, index=comp.index, kind=comp.kind)
    return found


def scale_of(c: Compiled) -> Scale:
    """Enough decimal places for every amount and rate of the terms."""
    return Scale(max([2, *(kind_of(c, comp).places(comp) for comp in c.components)]))


def _applies(comp: Component) -> pl.Expr:
    """Whether a component's filters match (before looking at the hours)."""
    ok: pl.Expr = pl.lit(True)
    if comp.periods is not None:
        ok = ok & pl.col("day_part").is_in(list(comp.periods)).fill_null(False)
    if comp.classifications is not None:
        ok = ok & pl.col(f"payout.{comp.index}.class")
    return ok


def decide(frame: pl.DataFrame, c: Compiled, env: Env) -> pl.DataFrame:
    """Adds the day-part (``day_part``), each component's part (``payout.<i>``), the amount
    before limits (``payout.cents``), ``ok_payout``, ``qualifies`` and ``amount`` (cents)."""
    scale = scale_of(c)
    if c.day_parts is not None:
        frame = c.day_parts.add(frame, "start", env.table, "day_part")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("day_part"))
    for comp in c.components:
        if comp.classifications is not None:
            allowed = comp.classifications
            inside = map_distinct(
                frame["classification"], partial(normed_in, allowed=allowed), pl.Boolean
            )
            frame = frame.with_columns(inside.fill_null(False).alias(f"payout.{comp.index}.class"))
    if any(comp.kind == "base_rate_multiplier" for comp in c.components):
        frame = frame.with_columns(_base_rate_columns(frame))
    has_hours = pl.col("hours.q") > 0
    parts = []
    for comp in c.components:
        part = kind_of(c, comp).part(comp, scale)
        parts.append(
            pl.when(_applies(comp) & has_hours).then(part).otherwise(pl.lit(0, dtype=I128))
        )
    frame = frame.with_columns(p.alias(f"payout.{i}") for i, p in enumerate(parts))
    total = pl.sum_horizontal(*(pl.col(f"payout.{i}") for i in range(len(parts))))
    decided = pl.all_horizontal(*(pl.col(f"ok_{rule}") for rule in ORDER[:-1]))
    amount = half_up(total, scale.unit).cast(pl.Int64)
    frame = frame.with_columns(
        amount.alias("payout.cents"),
        decided.alias("payout.decided"),
        (total >= LIMIT).alias("payout.too_large"),
    )
    pays = (pl.col("payout.cents") > 0) & ~pl.col("payout.too_large")
    qualifies = pl.col("payout.decided") & pays
    return frame.with_columns(
        (~pl.col("payout.decided") | pays).alias("ok_payout"),
        qualifies.alias("qualifies"),
        pl.when(qualifies).then(pl.col("payout.cents")).otherwise(0).alias("amount"),
    )


def _base_rate_columns(frame: pl.DataFrame) -> list[pl.Expr]:
    """Each row's base rate (0 when not given) in 10^-6 dollars, and as people write it."""
    rates = {
        r: scaled(Decimal(r), BASE_RATE_PLACES) for r in frame["base_rate"].drop_nulls().unique()
    }
    texts = {r: number_text(Decimal(r)) for r in rates}
    return [
        lookup(pl.col("base_rate"), rates, 0, I128).alias("payout.base_rate"),
        lookup(pl.col("base_rate"), texts, "0", pl.String).alias("payout.base_rate_text"),
    ]


def reason(c: Compiled, env: Env) -> ReasonColumns:
    scale = scale_of(c)
    pieces = [_piece(c, comp, scale) for comp in c.components]
    said = pl.concat_str(pieces, separator="; ")
    note = c.source_note("payout", "periods", "hours_rounding")
    amount = hundredths_text(pl.col("payout.cents"))
    pays = pl.col("payout.cents") > 0
    too_large = constant("the amount is too large to compute exactly")
    detail = (
        pl.when(pl.col("payout.too_large"))
        .then(pl.format("pays nothing: {}", too_large))
        .when(~pl.col("payout.decided") & pays)
        .then(pl.format("would pay {} if the failed rules passed: {}", amount, said))
        .when(~pl.col("payout.decided"))
        .then(pl.format("would pay nothing if the failed rules passed: {}", said))
        .when(pays)
        .then(pl.format("pays {}: {}", amount, said))
        .otherwise(pl.format("pays nothing: {}", said))
    )
    code = (
        pl.when(pl.col("payout.too_large"))
        .then(constant("payout.too_large"))
        .when(~pl.col("payout.decided"))
        .then(
            pl.when(pays)
            .then(constant("payout.would_pay"))
            .otherwise(constant("payout.would_pay_nothing"))
        )
        .when(pays)
        .then(constant("payout.pays"))
        .otherwise(constant("payout.pays_nothing"))
    )
    parts = [_part_text(pl.col(f"payout.{i}"), scale) for i in range(len(c.components))]
    values = {
        "amount": Value(amount),
        "qualifying_hours": Value(hours.text()),
        "parts": Value.texts(parts),
    }
    if c.day_parts is not None:
        values["day_part"] = Value(pl.col("day_part"))
    return ReasonColumns(pl.col("ok_payout"), code, pl.concat_str(detail, constant(note)), values)


def _piece(c: Compiled, comp: Component, scale: Scale) -> pl.Expr:
    """What one component pays, or why it does not, in words."""
    label = comp.kind.replace("_", " ")
    words = kind_of(c, comp).words(comp, scale)
    words = (
        pl.when(pl.col("hours.q") > 0)
        .then(words)
        .otherwise(constant(f"{label}: no qualifying hours"))
    )
    if comp.classifications is not None:
        listed = ", ".join(comp.spec.classifications or [])
        words = (
            pl.when(pl.col(f"payout.{comp.index}.class"))
            .then(words)
            .otherwise(constant(f"{label} for {listed} not applicable"))
        )
    if comp.periods is not None:
        names = "/".join(sorted(comp.periods))
        where = (
            pl.when(pl.col("day_part").is_null())
            .then(constant("starts in no day-part"))
            .otherwise(pl.format("starts in {}", pl.col("day_part")))
        )
        inside = pl.col("day_part").is_in(list(comp.periods)).fill_null(False)
        words = (
            pl.when(inside)
            .then(words)
            .otherwise(pl.format(f"{label} for {names} not applicable ({{}})", where))
        )
    return words

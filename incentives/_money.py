"""Exact amounts and hours: rounding half up once, and the texts reports write.

Money is ``Decimal`` at the edges and whole cents inside; hours are seconds, or a
fraction of seconds where a share of a shift counts. Nothing here uses a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl

_CENT = Decimal("0.01")


def cents(value: Fraction | Decimal) -> Decimal:
    """Money (or hours) rounded half-up to two places."""
    if isinstance(value, Decimal):
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)
    n, d = value.numerator, value.denominator
    whole = (200 * n + d) // (2 * d) if n >= 0 else -((-200 * n + d) // (2 * d))
    return Decimal(whole).scaleb(-2)


def number_text(value: Decimal | Fraction) -> str:
    """A number as people write it: 0.9, 40, 36 (no trailing zeros; a fraction is first
    rounded to two places)."""
    dec = value if isinstance(value, Decimal) else cents(value)
    return f"{dec.normalize():f}"


def scaled(value: Decimal, places: int) -> int:
    """``value`` × 10^places, which must be a whole number."""
    number = value.scaleb(places)
    if number != number.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimal places")
    return int(number)


def places(value: Decimal) -> int:
    """How many decimal places ``value`` is written with (at least 0)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def half_up(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """round(numerator / denominator) half up, for numerator >= 0, denominator > 0."""
    return (numerator * 2 + denominator) // (denominator * 2)


def hundredths_text(value: pl.Expr) -> pl.Expr:
    """Whole hundredths (cents) as ``-12.34``."""
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    size = value.abs()
    return pl.concat_str(
        sign,
        (size // 100).cast(pl.String),
        pl.lit("."),
        (size % 100).cast(pl.String).str.zfill(2),
    )


def hours_text(seconds: pl.Expr, denominator: pl.Expr | int = 1) -> pl.Expr:
    """Hours of ``seconds / denominator`` seconds, two places, half up: ``12.50``."""
    return hundredths_text(half_up(seconds * 100, denominator * 3600))

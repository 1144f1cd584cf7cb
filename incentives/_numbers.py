"""How large and how fine a number in an agreement or a shifts file may be.

Every rule computes exactly (integers of seconds, cents and their products), so a number
must stay within sizes that exact arithmetic handles at once: a money amount of 29
digits, or an hour count of ``1E-999999999``, would overflow the engine's integers or make
an exact fraction of a billion digits.
"""

from __future__ import annotations

from decimal import Decimal

MAX_DIGITS = 12
"""Numbers have at most this many whole digits (less than a trillion) ..."""
MAX_PLACES = 6
"""... and at most this many decimal places."""


def out_of_bounds(number: Decimal) -> str | None:
    """The code of why a finite number is too large or too fine (see
    :mod:`incentives._templates`), or ``None`` when it is neither."""
    if number and number.adjusted() >= MAX_DIGITS:
        return "agreement.number.too_large"
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        return "agreement.number.too_precise"
    return None

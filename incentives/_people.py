"""Money, dates and times as people read them: ``$1,234.56``, ``Sun Dec 27, 2020 7:00 AM
PST``. The machine formats (JSON, CSV) keep ISO 8601 and plain decimals; these are for the
documents a person reads (the HTML report).

The words are English and do not follow the machine's locale, so that a document reads
the same wherever it is made.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def money(amount: Decimal) -> str:
    """``$1,234.56``; a negative amount ``-$50.00``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def day(value: date) -> str:
    """``Sun Dec 27, 2020``."""
    return f"{_DAYS[value.weekday()]} {_MONTHS[value.month - 1]} {value.day}, {value.year}"


def clock(value: datetime) -> str:
    """``7:00 AM``, ``12:30 PM``."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def moment(value: datetime) -> str:
    """``Sun Dec 27, 2020 7:00 AM PST``: the day, the time and the zone's abbreviation."""
    zone = value.tzname() or ""
    return f"{day(value.date())} {clock(value)} {zone}".rstrip()


def span(start: datetime, end: datetime) -> str:
    """A shift as people write it: ``Sun Dec 27, 2020 7:00 AM PST to 7:00 PM PST`` (the
    end's day is written only when it is another day)."""
    zone = end.tzname() or ""
    if end.date() == start.date():
        return f"{moment(start)} to {clock(end)} {zone}".rstrip()
    return f"{moment(start)} to {moment(end)}"

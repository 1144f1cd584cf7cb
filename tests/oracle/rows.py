"""The oracle: one record of a shifts file turned into a row, one value at a time.

Every value is checked here: a bad value becomes a :class:`RowProblem` naming the field, so
that the row is reported as an error and every other row is still evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from incentives import _time
from incentives._agreement import EMPLOYMENT_STATUSES, normalize_employment_status
from incentives._errors import TimeError

MAX_SHIFT_SECONDS = 24 * 3600
EARLIEST = -2208988800  # 1900-01-01T00:00Z
LATEST = 7258118400  # 2200-01-01T00:00Z
"""Shift times are instants in [EARLIEST, LATEST): payroll has no use for others, and
calendars around them stay inside what datetime can represent."""
MAX_DIGITS = 12
"""Numbers in a shifts file (fte, base_rate, paid) have at most this many whole digits."""
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_CENT = Decimal("0.01")
_FTE_ONLY = frozenset({"fte"})
_NOTHING: frozenset[str] = frozenset()


def norm(text: str) -> str:
    """Text as matched: case ignored, outer white space dropped, inner runs folded."""
    return " ".join(text.split()).casefold()


class RowProblem(Exception):
    """A row cannot be evaluated: ``field`` (or None for the whole row) and why."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(slots=True)
class Row:
    """One shift, ready for the rules: instants as epoch seconds, hours as fractions."""

    line: int
    employee_id: str
    classification: str
    start: int
    end: int
    net: Fraction
    status: str
    extra: bool | None
    employment_status: str | None
    employer: str | None
    location: str | None
    unit: str | None
    fte: Decimal | None
    approved: bool | None
    break_minutes: int
    base_rate: Decimal | None
    paid: Decimal | None

    @property
    def worked(self) -> bool:
        return self.status == "worked"

    @property
    def elapsed(self) -> int:
        return self.end - self.start


class TimeReader:
    """Reads shift times in one zone under one ambiguity policy."""

    def __init__(self, tz: ZoneInfo | None, ambiguous: _time.Ambiguous) -> None:
        self.tz = tz
        self.ambiguous = ambiguous

    def read(self, name: str, value: Any) -> int:
        if isinstance(value, datetime):
            try:
                moment = _time.instant(value, self.tz, self.ambiguous)
            except TimeError as exc:
                raise RowProblem(name, str(exc)) from None
            if not EARLIEST <= moment < LATEST:
                raise RowProblem(name, f"{value.isoformat()} is outside the years 1900 to 2199")
            return moment
        if not isinstance(value, str):
            raise RowProblem(name, f"{value!r} is not a date and time")
        try:
            moment = _time.instant(_time.parse_iso(value), self.tz, self.ambiguous)
        except TimeError as exc:
            raise RowProblem(name, str(exc)) from None
        if not EARLIEST <= moment < LATEST:
            raise RowProblem(name, f"{value.strip()} is outside the years 1900 to 2199")
        return moment


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(values: dict[str, Any], name: str, required: bool) -> str | None:
    value = values.get(name)
    if _missing(value):
        if required:
            raise RowProblem(name, f"{name} is required and missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise RowProblem(name, f"{name} must be text, not {value!r}")
    return " ".join(str(value).split())


def _bool(values: dict[str, Any], name: str, required: bool) -> bool | None:
    value = values.get(name)
    if _missing(value):
        if required:
            raise RowProblem(name, f"{name} is required and missing")
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise RowProblem(name, f"{name} {value!r} is not a boolean (true/false, yes/no, y/n, 1/0)")


def _decimal(values: dict[str, Any], name: str, required: bool) -> Decimal | None:
    value = values.get(name)
    if _missing(value):
        if required:
            raise RowProblem(name, f"{name} is required and missing")
        return None
    if isinstance(value, (bool, float)):
        raise RowProblem(name, f"{name} {value!r} is not a decimal number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowProblem(name, f"{name} {value!r} is not a decimal number") from None
    if not number.is_finite():
        raise RowProblem(name, f"{name} {value!r} is not a finite number")
    if number and number.adjusted() >= MAX_DIGITS:
        raise RowProblem(name, f"{name} {value!r} is too large (at most {MAX_DIGITS} digits)")
    return number


def _money(values: dict[str, Any], name: str) -> Decimal | None:
    number = _decimal(values, name, False)
    if number is None:
        return None
    whole_cents = number.quantize(_CENT)
    if number != whole_cents:
        raise RowProblem(name, f"{name} {number} has fractions of a cent")
    return whole_cents


def read_row(
    line: int,
    values: dict[str, Any],
    times: TimeReader,
    required: frozenset[str],
    fte_statuses: frozenset[str] = frozenset(),
) -> Row:
    """Check and convert one record. Raises :class:`RowProblem` for the first bad field.

    ``required`` are the columns the agreements need of a worked row. An absence needs
    only employee, classification and times, and ``fte`` when its status is one of
    ``fte_statuses`` (it counts toward a beyond-FTE threshold).
    """
    employee_id = _text(values, "employee_id", True)
    classification = _text(values, "classification", True)
    status_text = _text(values, "status", False)
    status = norm(status_text) if status_text else "worked"
    if " " in status:
        raise RowProblem("status", f"status {status_text!r} is not one word (worked, sick, ...)")
    needs = required if status == "worked" else _FTE_ONLY if status in fte_statuses else _NOTHING
    for name in ("start", "end"):
        if _missing(values.get(name)):
            raise RowProblem(name, f"{name} is required and missing")
    start = times.read("start", values["start"])
    end = times.read("end", values["end"])
    if end <= start:
        raise RowProblem("end", "end must be after start")
    if end - start > MAX_SHIFT_SECONDS:
        hours = Fraction(end - start, 3600)
        raise RowProblem("end", f"shift is {float(hours):g} hours long; at most 24 are allowed")
    brk = values.get("unpaid_break_minutes")
    break_minutes = 0
    if not _missing(brk):
        brk_text = str(brk).strip()
        if isinstance(brk, bool) or not (brk_text.isascii() and brk_text.isdigit()):
            raise RowProblem(
                "unpaid_break_minutes",
                f"unpaid_break_minutes {brk!r} is not a whole number of minutes (0 or more)",
            )
        break_minutes = int(brk_text)
        if break_minutes * 60 >= end - start:
            raise RowProblem(
                "unpaid_break_minutes",
                f"unpaid break of {break_minutes} minutes is not shorter than the shift",
            )
    employment = _text(values, "employment_status", "employment_status" in needs)
    if employment is not None:
        employment = normalize_employment_status(employment)
        if employment not in EMPLOYMENT_STATUSES:
            raise RowProblem(
                "employment_status",
                f"employment_status {values['employment_status']!r} is not one of "
                f"{', '.join(EMPLOYMENT_STATUSES)}",
            )
    fte = _decimal(values, "fte", "fte" in needs)
    if fte is not None and fte < 0:
        raise RowProblem("fte", f"fte {fte} is negative")
    base_rate = _decimal(values, "base_rate", "base_rate" in needs)
    if base_rate is not None and base_rate < 0:
        raise RowProblem("base_rate", f"base_rate {base_rate} is negative")
    assert employee_id is not None
    assert classification is not None
    return Row(
        line=line,
        employee_id=employee_id,
        classification=classification,
        start=start,
        end=end,
        net=Fraction(end - start - break_minutes * 60, 3600),
        status=status,
        extra=_bool(values, "extra", "extra" in needs),
        employment_status=employment,
        employer=_text(values, "employer", "employer" in needs),
        location=_text(values, "location", "location" in needs),
        unit=_text(values, "unit", "unit" in needs),
        fte=fte,
        approved=_bool(values, "approved", "approved" in needs),
        break_minutes=break_minutes,
        base_rate=base_rate,
        paid=_money(values, "paid"),
    )

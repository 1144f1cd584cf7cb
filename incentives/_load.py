"""Reading agreement files (TOML or JSON) into :class:`Agreement` models."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import _time
from ._agreement import (
    WORKWEEK_PATTERN,
    Agreement,
    Amendment,
    Attendance,
    DayPart,
    Extra,
    Limits,
    Overtime,
    PayoutComponent,
    PayPeriod,
    Window,
    consistency_problems,
    overtime_problems,
)
from ._errors import AgreementError, TimeError
from ._problems import Problem, problem, pydantic_family, raised

_LANGUAGE: dict[str, Literal["TOML", "JSON"]] = {".toml": "TOML", ".json": "JSON"}
_DAY_PART: TypeAdapter[str] = TypeAdapter(DayPart)

_VALIDATOR = re.compile(r"[a-z][a-z-]*\[.*\]", re.DOTALL)
"""How pydantic names a validator in an error's location: ``function-after[...]``."""


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _VALIDATOR.fullmatch(part):  # a validator's name, not a key
            continue
        else:
            text += f".{part}" if text else part
    return text


_PATTERNS = {
    "id": "an id is lower-case letters, digits, '.', '_' and '-', starting with a letter "
    "or a digit (like unac-uhcp-2020-07)",
    "day-part": "a day-part is written HH:MM-HH:MM with two-digit hours, like 07:00-19:00 "
    "or 23:00-07:00",
    "workweek_start": "a workweek start is a weekday and a time, like 'sunday 00:00'",
}


def _pattern_message(where: str) -> str | None:
    if where == "id" or where.endswith(".id"):
        return _PATTERNS["id"]
    if ".periods." in f".{where}" and not where.endswith("]"):
        return _PATTERNS["day-part"]
    if where.endswith("workweek_start"):
        return _PATTERNS["workweek_start"]
    return None


def problems_of(error: ValidationError, prefix: str = "agreement") -> list[Problem]:
    """Each problem of a validation with its code (``prefix.family``, or the code a
    validator raised) and key path: ``payout[1].tiers[0].amount: ...``."""
    found: list[Problem] = []
    for item in error.errors(include_url=False):
        where = _path(tuple(item["loc"]))
        context = item.get("ctx") or {}
        if "problems" in context:  # raised by one of our validators, with its code
            found += [_under(where, p) for p in raised(context)]
            continue
        family = pydantic_family(item["type"])
        detail = item["msg"].removeprefix("Value error, ")
        if family == "value.pattern":
            detail = _pattern_message(where) or detail
        values: dict[str, Any] = {"key": where} if where else {}
        if family.startswith("value."):
            values["type"] = item["type"]
            if "input" in item and not isinstance(item["input"], (dict, list)):
                values["input"] = item["input"]
                if item["type"] != "value_error":
                    detail += f" (got {item['input']!r})"
            values["detail"] = detail
        found.append(problem(f"{prefix}.{family}", **values))
    return found


def _under(where: str, found: Problem) -> Problem:
    """A validator's problem under the key path of the value it checked."""
    if not where or found.message.startswith(where):
        return found
    return Problem(found.code, f"{where}: {found.message}", {**found.values, "key": where})


def agreement_from_mapping(data: Mapping[str, Any], source: str | None = None) -> Agreement:
    """Validate a mapping as an agreement, raising :class:`AgreementError` with key paths.

    When some keys are invalid, the checks that span several keys still run on the parts
    that are valid, so one reading lists every problem in the file.
    """
    try:
        return Agreement.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc) + _cross_key_problems(data)
        raise AgreementError(problems, source) from None


def _valid(model: type[BaseModel] | TypeAdapter[Any], value: Any) -> Any:
    """``value`` validated, or ``None`` when it is invalid (its errors are listed already)."""
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(value)
        return model.model_validate(value)
    except (ValidationError, ValueError):
        return None


def _valid_part(model: type[BaseModel], value: Any) -> Any:
    """``value`` validated, leaving out the keys that are themselves invalid (their
    errors are listed already), or ``None`` when even that fails."""
    if not isinstance(value, dict):
        return _valid(model, value)
    value = dict(value)
    for _ in range(len(value) + 1):
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            bad = {e["loc"][0] for e in exc.errors() if e["loc"] and e["loc"][0] in value}
            if not bad:
                return None
            for key in bad:
                del value[key]
        except ValueError:
            return None
    return None


def _valid_list(model: type[BaseModel], value: Any) -> list[Any] | None:
    if not isinstance(value, list):
        return None
    return [_valid_part(model, item) for item in value]


def _valid_periods(value: Any) -> dict[str, str] | None:
    """The day-parts that are valid on their own."""
    if not isinstance(value, dict):
        return None
    valid = {name: _valid(_DAY_PART, text) for name, text in value.items()}
    return {name: text for name, text in valid.items() if text is not None}


def _cross_key_problems(data: Mapping[str, Any]) -> list[Problem]:
    """The cross-key checks, run on whatever parts of an invalid agreement are valid."""
    timezone = data.get("timezone")
    try:
        _time.zone(timezone) if isinstance(timezone, str) else None
    except TimeError:
        timezone = None
    parts: dict[str, Any] = {
        "windows": _valid_list(Window, data.get("windows")),
        "periods": _valid_periods(data.get("periods", {})),
        "payout": _valid_list(PayoutComponent, data.get("payout")),
        "extra": _valid_part(Extra, data.get("extra", {})),
        "attendance": _valid_part(Attendance, data.get("attendance", {})),
        "limits": _valid_part(Limits, data.get("limits", {})),
    }
    raw = data.get("amendments")
    amendments = [
        (i, amendment)
        for i, item in enumerate(raw if isinstance(raw, list) else [])
        if (amendment := _valid_part(Amendment, item)) is not None
    ]
    overtime = _valid_part(Overtime, data.get("overtime")) if "overtime" in data else None
    pay_period = _valid_part(PayPeriod, data.get("pay_period")) if "pay_period" in data else None
    if "pay_period" in data and pay_period is None:
        overtime = None  # what overtime asks of it waits until pay_period is mended
    return consistency_problems(
        timezone if isinstance(timezone, str) else None,
        has_pay_period="pay_period" in data,
        parts=parts,
        amendments=amendments,
    ) + overtime_problems(overtime, pay_period, _workweek_start(data))


def _workweek_start(data: Mapping[str, Any]) -> str:
    """The workweek start as written, when valid; else the default (its problem is listed)."""
    given = data.get("workweek_start", "sunday 00:00")
    valid = isinstance(given, str) and re.match(WORKWEEK_PATTERN, given)
    return given.lower() if valid else "sunday 00:00"


def load_agreement(path: str | Path) -> Agreement:
    """Load an agreement file (``.toml`` or ``.json``); numbers are read as exact decimals.

    Raises :class:`AgreementError` naming the file and the key path of every problem.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise AgreementError([problem("agreement.file.suffix")], str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AgreementError([problem("agreement.file.missing")], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError(
            [problem("agreement.file.unreadable", reason=str(exc))], str(path)
        ) from None
    return agreement_from_text(text, _LANGUAGE[suffix], str(path))


def agreement_from_text(
    text: str, language: Literal["TOML", "JSON"], source: str | None = None
) -> Agreement:
    """The agreement written in ``text``, TOML or JSON; numbers are read as exact decimals.

    ``source`` names it in messages. Raises :class:`AgreementError` as :func:`load_agreement`.
    """
    try:
        if language == "TOML":
            data: Any = tomllib.loads(text, parse_float=Decimal)
        else:
            data = json.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise AgreementError([_syntax("TOML", str(exc))], source) from None
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        found = _syntax("JSON", reason, line=exc.lineno, column_number=exc.colno)
        raise AgreementError([found], source) from None
    except RecursionError:
        raise AgreementError([_syntax(language, "nested too deeply")], source) from None
    except ValueError:  # an integer of more digits than Python converts
        digits = sys.get_int_max_str_digits()
        reason = f"a number of more than {digits} digits"
        raise AgreementError([_syntax(language, reason)], source) from None
    if not isinstance(data, dict):
        raise AgreementError([problem("agreement.file.top_level")], source)
    return agreement_from_mapping(data, source)


def _syntax(language: str, reason: str, **where: int) -> Problem:
    return problem("agreement.file.syntax", language=language, reason=reason, **where)

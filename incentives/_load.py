"""Reading agreement files (TOML or JSON) into :class:`Agreement` models."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._agreement import Agreement
from ._errors import AgreementError

_MESSAGES = {
    "extra_forbidden": "unknown key (is it misspelt?)",
    "missing": "required key is missing",
}


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" in part or "(" in part:  # a validator's name, not a key
            continue
        else:
            text += f".{part}" if text else part
    return text


def problems_of(error: ValidationError) -> list[str]:
    """One line per problem: ``payout[1].tiers[0].amount: ...``."""
    lines: list[str] = []
    for item in error.errors(include_url=False):
        where = _path(tuple(item["loc"]))
        kind = item["type"]
        message = _MESSAGES.get(kind, item["msg"]).removeprefix("Value error, ")
        if kind not in _MESSAGES and kind != "value_error" and "input" in item:
            shown = item["input"]
            if not isinstance(shown, (dict, list)):
                message += f" (got {shown!r})"
        for piece in message.split("\n"):
            if where and not piece.startswith(where):
                lines.append(f"{where}: {piece}")
            else:
                lines.append(piece)
    return lines


def agreement_from_mapping(data: Mapping[str, Any], source: str | None = None) -> Agreement:
    """Validate a mapping as an agreement, raising :class:`AgreementError` with key paths."""
    try:
        return Agreement.model_validate(data)
    except ValidationError as exc:
        raise AgreementError(problems_of(exc), source) from None


def load_agreement(path: str | Path) -> Agreement:
    """Load an agreement file (``.toml`` or ``.json``); numbers are read as exact decimals.

    Raises :class:`AgreementError` naming the file and the key path of every problem.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise AgreementError(["an agreement file must end in .toml or .json"], str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AgreementError(["no such file"], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError([f"cannot be read ({exc})"], str(path)) from None
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text, parse_float=Decimal)
        else:
            data = json.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise AgreementError([f"not valid TOML: {exc}"], str(path)) from None
    except json.JSONDecodeError as exc:
        raise AgreementError(
            [f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"], str(path)
        ) from None
    if not isinstance(data, dict):
        raise AgreementError(["the top level must be a table (a JSON object)"], str(path))
    return agreement_from_mapping(data, str(path))

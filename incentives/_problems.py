"""Problems as data: every error has a stable code and its values, and its sentence is
rendered from the template registered under that code.

A row error, an agreement problem, an unreadable file and a bad argument are all a
:class:`Problem`. Codes are dotted, lower-case and stable (``time.skipped``,
``row.overlap``, ``agreement.window.overlap``); the sentence may be reworded, the code and
the names of its values may not. Every code the library can report is a key of
:data:`TEMPLATES`, which the errors reference lists.

Two values are shared by every template: ``key`` (an agreement problem's key path) is
written before the sentence, as ``key: ...``, and ``column`` (the file's name of a field
a profile renamed) after it, as ``... (column 'Shift Date')``.

Row problems are found a column at a time, so they travel through the engine as text:
:func:`coded` (or :func:`coded_expr`, for a polars expression) packs a problem as JSON,
and :func:`unpacked` turns the distinct packed texts of a batch's errors back into their
code, sentence and values, once each.
"""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from pydantic_core import PydanticCustomError

from ._templates import TEMPLATES

__all__ = ["TEMPLATES", "Problem", "coded", "coded_expr", "problem", "unpacked"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: its ``code``, the ``values`` its sentence is rendered from (JSON
    values: text, numbers, booleans, lists), and the sentence itself."""

    code: str
    message: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def __hash__(self) -> int:
        return hash((self.code, self.message))

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON: ``{"code", "message", "values"}``."""
        return {"code": self.code, "message": self.message, "values": dict(self.values)}


def shown(value: Any) -> str:
    """A value as a message quotes it: its ``repr``, cut short past 60 characters."""
    text = repr(value)
    if len(text) <= 60:
        return text
    return f"{text[:40]}... ({len(str(value)):,} characters)"


@functools.cache
def _compiled(code: str) -> tuple[str, tuple[tuple[str, str, str | None], ...]]:
    """A template as :meth:`str.format_map` takes it, and the values its fields show:
    ``(field, value name, conversion)``; ``!r`` quotes a value as :func:`shown` does,
    ``!l`` lists a list's items, separated by commas."""
    pieces: list[str] = []
    fields: list[tuple[str, str, str | None]] = []
    for literal, name, spec, conversion in string.Formatter().parse(TEMPLATES[code]):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            field_name = f"{name}__{conversion}" if conversion else name
            pieces.append(f"{{{field_name}:{spec}}}" if spec else f"{{{field_name}}}")
            fields.append((field_name, name, conversion))
    return "".join(pieces), tuple(fields)


def _converted(value: Any, conversion: str | None) -> Any:
    if conversion == "r":
        return shown(value)
    if conversion == "l":
        return ", ".join(str(v) for v in value)
    return value


def sentence(code: str, values: Mapping[str, Any]) -> str:
    """The sentence of a problem, with its key before and its column after."""
    form, fields = _compiled(code)
    said = form.format_map({f: _converted(values[name], c) for f, name, c in fields})
    if "key" in values and "{key" not in TEMPLATES[code]:
        said = f"{values['key']}: {said}"
    if values.get("column") is not None and "{column" not in TEMPLATES[code]:
        said = f"{said} (column {values['column']!r})"
    return said


def _json(value: Any) -> Any:
    """A value as JSON holds it: decimals as their digits, dates in ISO 8601."""
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


_COMPACT = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every packed problem (``json.dumps`` with options makes one a call)."""


def problem(code: str, /, **values: Any) -> Problem:
    """The problem ``code`` with its values, its sentence rendered from its template."""
    if code not in TEMPLATES:
        raise KeyError(f"{code!r} is not a registered problem code")
    return Problem(code, sentence(code, values), {k: _json(v) for k, v in values.items()})


def invalid(code: str, /, **values: Any) -> PydanticCustomError:
    """The problem ``code`` as a validator raises it, for pydantic to report under its
    code; the error's context holds the problem (see :func:`raised`)."""
    return several([problem(code, **values)])


def several(problems: list[Problem]) -> PydanticCustomError:
    """Problems found by one validator, each with its own code, values and key path."""
    message = "\n".join(p.message for p in problems)
    packed = json.dumps([p.as_dict() for p in problems], ensure_ascii=False)
    return PydanticCustomError(problems[0].code, message, {"problems": packed})


def raised(context: Mapping[str, Any]) -> list[Problem]:
    """The problems that :func:`invalid` or :func:`several` raised, from the context of
    pydantic's error."""
    return [Problem(d["code"], d["message"], d["values"]) for d in json.loads(context["problems"])]


_FAMILIES = {
    "missing": "key.missing",
    "extra_forbidden": "key.unknown",
    "string_pattern_mismatch": "value.pattern",
    "literal_error": "value.choice",
    "enum": "value.choice",
}
"""The code of each kind of pydantic error not told by its name (see :func:`pydantic_family`)."""
_RANGES = ("greater_than", "less_than", "too_short", "too_long", "multiple_of", "decimal_max")


def pydantic_family(kind: str) -> str:
    """The family of a pydantic error's ``type``: which key or value is wrong, and how."""
    if kind in _FAMILIES:
        return _FAMILIES[kind]
    if kind.startswith(_RANGES) or kind.startswith(("string_too", "decimal_whole")):
        return "value.range"
    if kind.endswith(("_type", "_parsing")) or kind in ("decimal_finite_number", "bool"):
        return "value.type"
    return "value.invalid"


def coded(code: str, /, **values: Any) -> str:
    """A problem packed as text (JSON), to travel in a column of a frame."""
    if code not in TEMPLATES:
        raise KeyError(f"{code!r} is not a registered problem code")
    message = sentence(code, values)
    return _COMPACT.encode(
        {"code": code, "message": message, "values": {k: _json(v) for k, v in values.items()}}
    )


def packed(found: Problem) -> str:
    """A problem packed as text (JSON)."""
    return _COMPACT.encode(found.as_dict())


def coded_expr(code: str, /, **values: pl.Expr) -> pl.Expr:
    """A problem packed as text for each row, its values taken from expressions (each
    rendered as text in the sentence, ``{name}`` placeholders only)."""
    if code not in TEMPLATES:
        raise KeyError(f"{code!r} is not a registered problem code")
    pieces: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(TEMPLATES[code]):
        if literal:
            pieces.append(pl.lit(literal))
        if name is not None:
            pieces.append(values[name].cast(pl.String))
    said = pl.concat_str(pieces)
    if "column" in values:
        column = values["column"]
        said = pl.concat_str(said, pl.lit(" (column '"), column, pl.lit("')"))
    return pl.struct(
        pl.lit(code).alias("code"),
        said.alias("message"),
        pl.struct([v.alias(k) for k, v in values.items()]).alias("values"),
    ).struct.json_encode()


ERROR_SCHEMA = {
    "line": pl.Int64,
    "field": pl.String,
    "code": pl.String,
    "message": pl.String,
    "values": pl.String,
    "employee_id": pl.String,
}
"""A batch's errors: ``values`` is the problem's values as a JSON object."""


def unpacked(errors: pl.DataFrame, written: Mapping[str, str]) -> pl.DataFrame:
    """Errors with a packed ``problem`` as their code, sentence and values (JSON text),
    read once per distinct problem, a column at a time. A field that the file names
    otherwise (through a profile) gets its ``column``, unless the problem names one."""
    packed = pl.col("problem")
    message = packed.str.json_path_match("$.message")
    values = packed.str.json_path_match("$.values")
    if written:
        field = pl.col("field")
        shown = field.replace_strict({f: repr(c) for f, c in written.items()}, default=None)
        quoted = field.replace_strict(
            {f: json.dumps(c, ensure_ascii=False) for f, c in written.items()}, default=None
        )
        add = shown.is_not_null() & packed.str.json_path_match("$.values.column").is_null()
        message = pl.when(add).then(pl.concat_str(message, pl.lit(" (column "), shown, pl.lit(")")))
        message = message.otherwise(packed.str.json_path_match("$.message"))
        opened = (
            pl.when(values == "{}")
            .then(pl.lit("{"))
            .otherwise(pl.concat_str(values.str.strip_suffix("}"), pl.lit(",")))
        )
        added = pl.concat_str(opened, pl.lit('"column":'), quoted, pl.lit("}"))
        values = pl.when(add).then(added).otherwise(values)
    distinct = (
        errors.select("problem", "field")
        .unique()
        .with_columns(
            packed.str.json_path_match("$.code").alias("code"),
            message.alias("message"),
            values.alias("values"),
        )
    )
    joined = errors.join(
        distinct, on=["problem", "field"], how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA)  # type: ignore[arg-type]

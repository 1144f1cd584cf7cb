"""The JSON Schemas of what crosses a boundary: the agreement file, a shifts record, the
report and an input profile (``incentives schema --what ...``).

Each is made from the models that read or write it, so that it says what they accept or
write: the agreement and the profile as the models validate them, the report as
:meth:`incentives.Report.model_dump` writes it (money as decimal strings; the claim and
overtime keys only when they apply), a shifts record as a JSON Lines object or a CSV row
is read (values as text or JSON scalars, other keys ignored).
"""

from __future__ import annotations

from typing import Any, Literal

from ._agreement import DECIMAL_PATTERN, EMPLOYMENT_STATUSES, agreement_json_schema
from ._profile import Profile
from ._report import Report
from ._shifts import ALWAYS_REQUIRED, COLUMNS

What = Literal["agreement", "shifts", "report", "profile"]
WHAT: tuple[What, ...] = ("agreement", "shifts", "report", "profile")

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(what: What) -> dict[str, Any]:
    """The JSON Schema of ``what``, with ``$schema``, ``$id`` and a title."""
    if what == "agreement":
        return agreement_json_schema()
    made = {"shifts": shifts_record_schema, "report": _report, "profile": _profile}[what]()
    return {"$schema": _DRAFT, "$id": f"urn:incentives:schema:{what}", **made}


def _report() -> dict[str, Any]:
    schema = Report.model_json_schema(mode="validation")
    schema["title"] = "incentives report"
    return schema


def _profile() -> dict[str, Any]:
    schema = Profile.model_json_schema(mode="validation")
    schema["title"] = "incentives input profile"
    return schema


_NULL = {"type": "null"}
_TEXT = {"type": ["string", "number", "boolean", "null"]}
_DECIMAL = {
    "anyOf": [
        {"type": "string", "pattern": rf"^\s*(?:{DECIMAL_PATTERN[1:-1]})?\s*$"},
        {"type": "number", "minimum": 0},
        _NULL,
    ]
}
_FLAG = {"type": ["boolean", "string", "integer", "null"]}
_TIME = {"type": ["string", "null"]}
_COLUMN: dict[str, dict[str, Any]] = {
    "start": _TIME | {"description": "When the shift started (ISO 8601)."},
    "end": _TIME | {"description": "When it ended: after start, at most 24 hours later."},
    "extra": _FLAG | {"description": "Whether the shift was outside the regular schedule."},
    "approved": _FLAG | {"description": "Whether the extra shift was approved."},
    "status": {"type": ["string", "null"], "description": "worked, or one word for an absence."},
    "employment_status": {
        "type": ["string", "null"],
        "description": "One of "
        + ", ".join(EMPLOYMENT_STATUSES)
        + " (case, '-' and spaces forgiven).",
    },
    "unpaid_break_minutes": {
        "anyOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "pattern": r"^\s*[0-9]*\s*$"},
            _NULL,
        ],
        "description": "Whole minutes taken off the elapsed time.",
    },
    "fte": _DECIMAL | {"description": "The employee's FTE on this shift."},
    "base_rate": _DECIMAL | {"description": "The straight-time hourly rate, in dollars."},
    "paid": _DECIMAL | {"description": "What was paid for this shift (claims)."},
    "overtime_paid": _DECIMAL | {"description": "The overtime premium paid (overtime claims)."},
}


def shifts_record_schema() -> dict[str, Any]:
    """One shifts record: a JSON Lines object (or a CSV row, all values text)."""
    properties = {
        name: _COLUMN.get(name, _TEXT | {"description": f"The shift's {name.replace('_', ' ')}."})
        for name in COLUMNS
    }
    return {
        "title": "incentives shifts record",
        "description": "One row of a shifts file (docs/reference/shifts.md); other keys are "
        "ignored. Empty text is a missing value.",
        "type": "object",
        "properties": properties,
        "required": list(ALWAYS_REQUIRED),
    }

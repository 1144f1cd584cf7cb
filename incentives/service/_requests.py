"""What a request to the service holds, and how its agreements and shifts are read.

Everything comes inline: agreements as JSON objects (the shape of an agreement ``.json``
file) or TOML text, shifts as a JSON array of objects (each read as a line of a JSON Lines
file) or as CSV or JSON Lines text. Nothing in a request is ever taken for a path.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._agreement import Agreement
from .._errors import AgreementError
from .._load import agreement_from_mapping, agreement_from_text
from .._problems import Problem
from .._profile import Profile, bundled
from .._shifts import ShiftBatch
from .._time import Ambiguous
from ..readers import read_data, read_values
from ._answers import Refused

SHIFTS = "shifts"
"""The name the shifts of a request go by in the report and its messages."""

_AGREEMENTS = Field(
    min_length=1,
    description="Each agreement as a JSON object (the shape of an agreement .json file) or "
    "as the text of an agreement .toml file.",
)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValidateRequest(_Request):
    """Agreements to validate."""

    agreements: list[dict[str, Any] | str] = _AGREEMENTS


class CheckRequest(_Request):
    """Agreements and shifts to decide, with the options of ``incentives check``."""

    agreements: list[dict[str, Any] | str] = _AGREEMENTS
    shifts: list[Any] | str = Field(
        description="A JSON array of shift objects (item N is line N), or the text of a "
        "CSV or JSON Lines shifts file (see shifts_format)."
    )
    shifts_format: Literal["csv", "jsonl"] = Field(
        "csv", description="How shifts given as text are written."
    )
    delimiter: Literal[",", "\t", ";"] | None = Field(
        None, description="Delimiter of CSV text (default: detected from the header)."
    )
    profile: str | None = Field(
        None, description="A bundled input profile, by name (see 'incentives profiles')."
    )
    as_of: date | None = Field(
        None, description="Apply only amendments adopted on or before this date."
    )
    timezone: str | None = Field(
        None, description="IANA zone of shift times written without a UTC offset."
    )
    ambiguous: Ambiguous = Field(
        "raise", description="Times that occur twice: an error, or the earlier or later one."
    )
    format: Literal["json", "csv"] = Field("json", description="The report's format.")


class ExplainRequest(CheckRequest):
    """One row to explain, rule by rule, and the shifts it is decided among."""

    line: int = Field(description="The row's line: its physical line, or its item number.")
    format: Literal["json", "csv"] = Field("json", description="Always json here.")


def agreements_of(items: list[dict[str, Any] | str]) -> list[Agreement]:
    """Every agreement of a request; the problems of all that are invalid, refused at once."""
    agreements: list[Agreement] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        try:
            agreements.append(agreement_of(item, i))
        except AgreementError as exc:
            problems += [_from(exc.source, p) for p in exc.details]
    if problems:
        raise Refused(422, "agreement.invalid", "the agreements are not valid", problems)
    return agreements


def agreement_of(item: dict[str, Any] | str, index: int) -> Agreement:
    """The agreement at ``agreements[index]``: a mapping or TOML text."""
    source = f"agreements[{index}]"
    if isinstance(item, str):
        return agreement_from_text(item, "TOML", source)
    return agreement_from_mapping(item, source)


def batch_of(request: CheckRequest) -> ShiftBatch:
    """The shifts of a request, read as the same file would be."""
    profile = _profile(request.profile)
    if not isinstance(request.shifts, str):
        return read_values(request.shifts, SHIFTS, profile=profile)
    data = request.shifts.encode("utf-8", "surrogatepass")
    return read_data(
        data, request.shifts_format, SHIFTS, delimiter=request.delimiter, profile=profile
    )


def _profile(name: str | None) -> Profile | None:
    if name is None:
        return None
    known = bundled()
    if name not in known:
        said = f"profile {name!r} is not a bundled profile (bundled: {', '.join(known)})"
        raise Refused(422, "request.profile", said)
    return known[name]


def _from(source: str | None, found: Problem) -> Problem:
    """A problem of the agreement at ``source`` (``agreements[0]``), saying so."""
    return Problem(found.code, f"{source}: {found.message}", {**found.values, "source": source})

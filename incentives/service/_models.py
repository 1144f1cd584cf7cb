"""The service's answers other than reports, as models (OpenAPI is generated from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from ._answers import ProblemDetail


class Health(BaseModel):
    """``GET /health``: the service is up."""

    status: Literal["ok"]
    version: str
    tzdata: str
    """The version of the tz database the service resolves local times with."""


class Validated(BaseModel):
    """One agreement of ``POST /validate``."""

    source: str
    """Where it was in the request: ``agreements[0]``."""
    valid: bool
    id: str | None = None
    title: str | None = None
    amendments: int = 0
    problems: list[str]
    details: list[ProblemDetail] = []
    """The same problems with their codes and values."""


class Validation(BaseModel):
    """``POST /validate``: whether every agreement is valid, and each one's problems."""

    valid: bool
    agreements: list[Validated]


class Explained(BaseModel):
    """``POST /explain``: one row, in words and as the JSON report writes it."""

    line: int
    text: str
    """What ``incentives explain`` prints."""
    row: dict[str, Any]
    """The row (or its error) as in the report's ``rows`` (or ``errors``)."""

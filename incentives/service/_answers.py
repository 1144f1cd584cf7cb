"""The service's answers to requests it refuses: a status, a stable code and the problems.

Every refusal has the same body, whatever refused it (the service, the router, a limit)::

    {"error": {"code": "agreement.invalid", "message": "...", "problems": ["..."],
               "details": [{"code": "agreement.window.order", "message": "...",
                            "values": {"key": "windows[0]", ...}}]}}

``code`` is the refusal's (the list is :data:`CODES`); each of ``details`` is one problem
with the library's own code and values (the errors reference lists them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel
from starlette.responses import Response

from .._problems import Problem

CODES = {
    "request.json": "the body is not JSON (or not a JSON object)",
    "request.invalid": "the body is JSON but not a request of this endpoint",
    "request.profile": "the profile is not a bundled one",
    "request.line": "the line to explain is not a data row",
    "request.too_large": "the body is larger than the service accepts",
    "request.rows": "the shifts have more rows than the service accepts in one request",
    "request.unauthorized": "a bearer token is needed and was missing or wrong",
    "request.not_found": "no such endpoint",
    "request.method": "the endpoint does not take this method",
    "agreement.invalid": "an agreement is not valid",
    "shifts.invalid": "the shifts cannot be read at all, or a column an agreement needs is missing",
    "options.invalid": "an option (timezone, as_of, ambiguous) cannot be used",
    "internal": "the service failed; the request may be sent again",
}
"""Every code a refusal carries, and what it means."""


Code = Literal[
    "request.json",
    "request.invalid",
    "request.profile",
    "request.line",
    "request.too_large",
    "request.rows",
    "request.unauthorized",
    "request.not_found",
    "request.method",
    "agreement.invalid",
    "shifts.invalid",
    "options.invalid",
    "internal",
]


class ProblemDetail(BaseModel):
    """One problem, as the library names it."""

    code: str
    """The problem's stable code, like ``agreement.window.order`` or ``file.empty``."""
    message: str
    values: dict[str, Any]
    """What the message is rendered from (``key``: an agreement's key path)."""


class ErrorDetail(BaseModel):
    """Why a request was refused."""

    code: Code
    message: str
    problems: list[str]
    """Every problem, one a line (an agreement's: ``agreements[0]: payout[0].amount: ...``)."""
    details: list[ProblemDetail] = []
    """The same problems with their codes and values, when the library found them."""


def details_of(problems: Sequence[Problem]) -> list[ProblemDetail]:
    """The problems as the answers carry them."""
    return [ProblemDetail(code=p.code, message=p.message, values=dict(p.values)) for p in problems]


class ErrorBody(BaseModel):
    """The body of every refusal."""

    error: ErrorDetail


class Refused(Exception):
    """A request the service does not decide: why, as an HTTP status and a code."""

    def __init__(
        self, status: int, code: Code, message: str, problems: Sequence[Problem] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = [p.message for p in problems] or [message]
        self.details = details_of(problems)

    def response(self) -> Response:
        """The JSON answer to the request."""
        detail = ErrorDetail(
            code=self.code, message=self.message, problems=self.problems, details=self.details
        )
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return Response(
            ErrorBody(error=detail).model_dump_json() + "\n",
            status_code=self.status,
            media_type="application/json",
            headers=headers,
        )

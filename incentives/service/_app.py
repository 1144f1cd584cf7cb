"""The HTTP service: its routes, limits and bearer token around the engine ``check`` uses.

Each request is read whole (up to the size limit), parsed as the library parses files
(numbers as exact decimals), decided in a worker thread with nothing shared between
requests, and answered with the report ``incentives check`` writes for the same input.
"""

from __future__ import annotations

import hmac
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .. import __version__
from .._agreement import Agreement
from .._engine import Plan, decide
from .._errors import AgreementError, ArgumentError, IncentivesError, ShiftFileError
from .._load import problems_of
from .._problems import problem
from .._report import Report
from .._schemas import WHAT, json_schema
from .._shifts import ShiftBatch
from .._time import TZDATA_VERSION
from ..readers.jsonl import loads
from ..writers.csv import write_csv
from ..writers.explain import explain_text
from ..writers.json import write_json
from ._answers import ErrorBody, Refused, details_of
from ._models import Explained, Health, Validated, Validation
from ._requests import (
    SHIFTS,
    CheckRequest,
    ExplainRequest,
    ValidateRequest,
    agreement_of,
    agreements_of,
    batch_of,
)

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class Settings:
    """How the service runs: where it listens, who may ask, and how much one request may hold."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    """When set, every request but ``GET /health`` needs ``Authorization: Bearer <token>``."""
    max_body_bytes: int = 20_000_000
    max_rows: int = 100_000


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service as an ASGI application (serve it with uvicorn, or mount it in another)."""
    chosen = settings or Settings()
    app = FastAPI(
        title="incentives",
        version=__version__,
        summary="Decide which worked shifts qualify for extra-shift incentives, and why.",
        docs_url=None,
        redoc_url=None,
    )
    _answer_refusals(app)
    _routes(app, chosen)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _answer_refusals(app: FastAPI) -> None:
    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return exc.response()

    async def routing(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return Refused(
                405, "request.method", f"{request.method} is not allowed here"
            ).response()
        return Refused(404, "request.not_found", f"no endpoint {request.url.path}").response()

    async def failed(request: Request, exc: Exception) -> Response:
        return Refused(500, "internal", f"internal error ({type(exc).__name__})").response()

    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(HTTPException, routing)
    app.add_exception_handler(Exception, failed)


def _routes(app: FastAPI, settings: Settings) -> None:
    refusals: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorBody} for status in (401, 413, 422)
    }

    @app.get("/health", response_model=Health)
    async def health() -> Health:
        """Whether the service is up, its version and the tz database it uses."""
        return Health(status="ok", version=__version__, tzdata=TZDATA_VERSION)

    @app.get("/schema/{what}", responses={404: {"model": ErrorBody}, 401: {"model": ErrorBody}})
    async def schema(what: str, request: Request) -> dict[str, Any]:
        """The JSON Schema of the agreement file, a shifts record, the report or a profile."""
        _authorize(request, settings)
        if what not in WHAT:
            raise Refused(
                404, "request.not_found", f"no schema {what!r} (one of {', '.join(WHAT)})"
            )
        return json_schema(what)

    @app.post(
        "/validate",
        response_model=Validation,
        responses=refusals,
        openapi_extra=_request_body(ValidateRequest),
    )
    async def validate(request: Request) -> Validation:
        """Validate agreements: every problem of each, and ids given twice."""
        asked = await _asked(request, settings, ValidateRequest)
        return await run_in_threadpool(_validation, asked)

    @app.post(
        "/check", responses=_report_answers(refusals), openapi_extra=_request_body(CheckRequest)
    )
    async def check(request: Request) -> Response:
        """Decide shifts against agreements: the report ``incentives check`` writes."""
        asked = await _asked(request, settings, CheckRequest)
        return await run_in_threadpool(_checked, asked, settings)

    @app.post(
        "/explain",
        response_model=Explained,
        responses=refusals,
        openapi_extra=_request_body(ExplainRequest),
    )
    async def explain(request: Request) -> Explained:
        """Explain one row, rule by rule: the words of ``incentives explain`` and its data."""
        asked = await _asked(request, settings, ExplainRequest)
        return await run_in_threadpool(_explained, asked, settings)


# --------------------------------------------------------------------------- a request


def _authorize(request: Request, settings: Settings) -> None:
    if settings.token is None:
        return
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    expected = settings.token.encode("utf-8")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise Refused(401, "request.unauthorized", "a valid bearer token is needed")


async def _asked(request: Request, settings: Settings, model: type[_Model]) -> _Model:
    """The request's body as ``model``, once the token and the size limit allow it."""
    _authorize(request, settings)
    body = await _body(request, settings.max_body_bytes)
    try:
        data = loads(body)
    except (ValueError, RecursionError) as exc:
        raise Refused(
            422, "request.json", f"the body is not valid JSON ({_why_not_json(exc)})"
        ) from None
    if not isinstance(data, dict):
        raise Refused(422, "request.json", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Refused(
            422, "request.invalid", "the request is not valid", problems_of(exc, "request")
        ) from None


def _why_not_json(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}: line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason})"
    return f"a number of more than {sys.get_int_max_str_digits()} digits"


async def _body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it is known to be larger than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> Refused:
    return Refused(413, "request.too_large", f"the body is larger than {limit:,} bytes")


# --------------------------------------------------------------------------- the answers


def _validation(asked: ValidateRequest) -> Validation:
    answers: list[Validated] = []
    first: dict[str, str] = {}
    for i, item in enumerate(asked.agreements):
        source = f"agreements[{i}]"
        try:
            agreement = agreement_of(item, i)
        except AgreementError as exc:
            answers.append(
                Validated(
                    source=source,
                    valid=False,
                    problems=exc.problems,
                    details=details_of(exc.details),
                )
            )
            continue
        twice = (
            [problem("agreement.id_also", id=agreement.id, other=first[agreement.id])]
            if agreement.id in first
            else []
        )
        first.setdefault(agreement.id, source)
        answers.append(
            Validated(
                source=source,
                valid=not twice,
                id=agreement.id,
                title=agreement.title,
                amendments=len(agreement.amendments),
                problems=[p.message for p in twice],
                details=details_of(twice),
            )
        )
    return Validation(valid=all(a.valid for a in answers), agreements=answers)


def _checked(asked: CheckRequest, settings: Settings) -> Response:
    agreements, batch = _inputs(asked, settings)
    report = _decided(agreements, batch, asked)
    out = io.BytesIO()
    if asked.format == "csv":
        write_csv(report, out)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
    write_json(report, out)
    return Response(out.getvalue(), media_type="application/json")


def _explained(asked: ExplainRequest, settings: Settings) -> Explained:
    agreements, batch = _inputs(asked, settings)
    report = _decided(agreements, batch, asked, lines=[asked.line])
    try:
        row = report.row_data(asked.line)
    except KeyError:
        raise Refused(
            422, "request.line", f"line {asked.line} is not a data row of the shifts"
        ) from None
    return Explained(
        line=asked.line, text=explain_text(report, asked.line, agreements, SHIFTS), row=row
    )


def _inputs(asked: CheckRequest, settings: Settings) -> tuple[list[Agreement], ShiftBatch]:
    agreements = agreements_of(asked.agreements)
    batch = _refusing(lambda: batch_of(asked))
    if len(batch) > settings.max_rows:
        said = f"the shifts have {len(batch):,} rows; at most {settings.max_rows:,} per request"
        raise Refused(413, "request.rows", said)
    return agreements, batch


def _decided(
    agreements: list[Agreement],
    batch: ShiftBatch,
    asked: CheckRequest,
    lines: list[int] | None = None,
) -> Report:
    def decided() -> Report:
        plan = Plan.of(agreements, asked.as_of, asked.timezone, asked.ambiguous)
        return Report.of(decide(plan, batch, lines=lines))

    return _refusing(decided)


_T = TypeVar("_T")


def _refusing(work: Callable[[], _T]) -> _T:
    """What ``work`` gives; the library's refusals of the input as the service's."""
    try:
        return work()
    except AgreementError as exc:
        raise Refused(422, "agreement.invalid", str(exc), exc.details) from None
    except ShiftFileError as exc:
        raise Refused(422, "shifts.invalid", str(exc), [exc.problem]) from None
    except ArgumentError as exc:
        raise Refused(422, "options.invalid", str(exc), [exc.problem]) from None
    except IncentivesError as exc:
        raise Refused(422, "shifts.invalid", str(exc), [exc.problem]) from None


# --------------------------------------------------------------------------- OpenAPI


def _request_body(model: type[BaseModel]) -> dict[str, Any]:
    reference = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": reference}}}
    }


def _report_answers(refusals: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    report = {"$ref": "#/components/schemas/Report"}
    content = {"application/json": {"schema": report}, "text/csv": {"schema": {"type": "string"}}}
    return {200: {"description": "The report", "content": content}, **refusals}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's OpenAPI document, with the request bodies and the report it cannot see."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    template = "#/components/schemas/{model}"
    for model in (ValidateRequest, CheckRequest, ExplainRequest):
        made = model.model_json_schema(ref_template=template)
        schemas.update(made.pop("$defs", {}))
        schemas[model.__name__] = made
    report = Report.model_json_schema(mode="validation", ref_template=template)
    schemas.update(report.pop("$defs", {}))
    schemas["Report"] = report
    app.openapi_schema = document
    return document

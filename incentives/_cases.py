"""Agreement tests: cases that pin what an agreement must pay (``incentives test``).

A test file is TOML, beside the agreement it tests (``agreement.test.toml``): the
agreements, then cases, each with shifts (inline rows or a shifts file), options and what
must come out for some rows and in the totals. :func:`load_cases` reads and checks the
file; :func:`run_case` evaluates one case with the same engine as ``check`` and lists every
difference between what was expected and what came out, with the reasons of the row.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._agreement import Agreement, Money
from ._engine import evaluate
from ._errors import AgreementError, CaseFileError, IncentivesError
from ._load import load_agreement, problems_of
from ._report import Report, RowError, RowResult


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expected(_Model):
    """What must come out for one row: any of its keys, each compared exactly."""

    line: int = Field(
        ge=1,
        description="The row: its physical line in ``shifts_file``, or its "
        "number (from 1) among the inline ``shifts``.",
    )
    agreement: str | None = Field(
        default=None,
        description="The agreement whose outcome ``qualifying_hours`` and "
        "``failed`` describe; needed only when the case has several agreements.",
    )
    qualifies: bool | list[str] | None = Field(
        default=None, description="true / false (for the one agreement), or the ids that qualify."
    )
    amount: Money | None = Field(default=None, description="The row's amount (all agreements).")
    qualifying_hours: Decimal | None = None
    failed: list[str] | None = Field(default=None, description="The rules that fail, in order.")
    error: str | None = Field(
        default=None, description="The row must be an error whose message contains this text."
    )


class ExpectedTotals(_Model):
    """Totals that must come out; each key compared exactly."""

    rows: int | None = None
    evaluated: int | None = None
    errors: int | None = None
    qualifying: int | None = None
    amount: Money | None = None
    paid: Money | None = None
    underpaid: Money | None = None
    overpaid: Money | None = None
    overtime_owed: Money | None = None


class Case(_Model):
    """One case: shifts, options and what must come out."""

    name: str = Field(min_length=1)
    shifts: list[dict[str, Any]] | None = Field(default=None, min_length=1)
    shifts_file: str | None = None
    as_of: date | None = None
    timezone: str | None = None
    ambiguous: Literal["raise", "earlier", "later"] = "raise"
    expect: list[Expected] = []
    totals: ExpectedTotals | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Case:
        if (self.shifts is None) == (self.shifts_file is None):
            raise ValueError("give either shifts (inline rows) or shifts_file, not both")
        if not self.expect and self.totals is None:
            raise ValueError("expects nothing: give expect rows or totals")
        return self


class CaseFile(_Model):
    """A test file: the agreements (paths relative to the file) and the cases."""

    agreements: list[str] = Field(min_length=1)
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class Cases:
    """A loaded test file: its path, its agreements and its cases."""

    path: Path
    agreements: tuple[Agreement, ...]
    cases: tuple[Case, ...]


def load_cases(path: str | Path) -> Cases:
    """Read a test file and the agreements it names; :class:`CaseFileError` if it is bad."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except FileNotFoundError:
        raise CaseFileError("cases.missing", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError("cases.unreadable", source=str(path), reason=str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseFileError("cases.syntax", source=str(path), reason=str(exc)) from None
    try:
        model = CaseFile.model_validate(data)
    except ValidationError as exc:
        found = problems_of(exc, "cases")
        detail = "; ".join(p.message for p in found)
        problems = [p.as_dict() for p in found]
        raise CaseFileError(
            "cases.invalid", source=str(path), detail=detail, problems=problems
        ) from None
    try:
        agreements = tuple(load_agreement(path.parent / a) for a in model.agreements)
    except AgreementError as exc:
        raise CaseFileError("cases.agreement", source=str(path), reason=str(exc)) from None
    return Cases(path, agreements, tuple(model.cases))


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class CaseResult:
    """One case run: its name and every difference found (none when it passed)."""

    name: str
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def run_case(cases: Cases, case: Case) -> CaseResult:
    """Evaluate one case and compare what came out with what it expects."""
    try:
        report = evaluate(
            cases.agreements,
            _shifts(cases.path.parent, case),
            as_of=case.as_of,
            timezone=case.timezone,
            ambiguous=case.ambiguous,
        )
    except IncentivesError as exc:
        return CaseResult(case.name, (f"cannot be evaluated: {exc}",))
    problems = [p for e in case.expect for p in _row_problems(report, e, cases)]
    if case.totals is not None:
        problems += _totals_problems(report, case.totals)
    return CaseResult(case.name, tuple(problems))


def _shifts(folder: Path, case: Case) -> Any:
    if case.shifts_file is not None:
        return folder / case.shifts_file
    assert case.shifts is not None
    rows = [{k: _text(v) for k, v in row.items()} for row in case.shifts]
    names = list(dict.fromkeys(k for row in rows for k in row))
    return pl.DataFrame(
        {n: [row.get(n) for row in rows] for n in names}, schema=dict.fromkeys(names, pl.String)
    )


def _text(value: Any) -> str | None:
    """An inline value as a shifts file writes it (TOML booleans and dates included)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return None if value is None else str(value)


def _row_problems(report: Report, e: Expected, cases: Cases) -> list[str]:
    try:
        item = report.row(e.line)
    except KeyError:
        return [f"line {e.line}: no such row"]
    where = f"line {e.line}"
    if isinstance(item, RowError):
        if e.error is not None:
            if e.error in item.message:
                return []
            return [f"{where}: expected an error containing {e.error!r}, got {item.message!r}"]
        return [f"{where}: expected a result, got the error {item.message!r}"]
    if e.error is not None:
        return [f"{where}: expected an error containing {e.error!r}, the row was evaluated"]
    found = _differences(item, e, cases)
    if found:
        found.append(_reasons(item))
    return [f"{where}: {d}" for d in found]


def _differences(row: RowResult, e: Expected, cases: Cases) -> list[str]:
    """``key: expected X, got Y`` for each key that differs."""
    ids = [a.id for a in cases.agreements]
    outcome = next((o for o in row.outcomes if o.agreement == (e.agreement or ids[0])), None)
    if outcome is None:
        return [f"agreement: no outcome of {e.agreement!r} (agreements: {', '.join(ids)})"]
    got: dict[str, Any] = {
        "qualifies": row.qualifies if isinstance(e.qualifies, list) else outcome.qualifies,
        "amount": row.amount,
        "qualifying_hours": outcome.qualifying_hours,
        "failed": outcome.failed,
    }
    out = []
    for key, actual in got.items():
        wanted = getattr(e, key)
        if wanted is not None and wanted != actual:
            out.append(f"{key}: expected {_shown(wanted)}, got {_shown(actual)}")
    return out


def _reasons(row: RowResult) -> str:
    """The reasons that decided the row: the failed rules, the payout, the adjustments."""
    lines = ["reasons:"]
    for o in row.outcomes:
        for r in o.reasons:
            if not r.ok or r.rule == "payout":
                lines.append(f"    {o.agreement} {'pass' if r.ok else 'FAIL'} {r.rule}: {r.detail}")
        for a in o.adjustments:
            lines.append(f"    {o.agreement} {a.rule}: {a.detail} ({a.amount})")
    return "\n".join(lines)


def _totals_problems(report: Report, expected: ExpectedTotals) -> list[str]:
    out = []
    for key, wanted in expected.model_dump(exclude_none=True).items():
        actual = getattr(report.totals, key)
        if wanted != actual:
            out.append(f"totals.{key}: expected {_shown(wanted)}, got {_shown(actual)}")
    return out


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)

"""The report: every row's outcomes, the rows in error, and totals (SPEC section 8).

``Report.model_dump(mode="json")`` is exactly the JSON report of the command line. Money
and hours are ``Decimal`` with two places; times are aware datetimes in the report's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

RULES: tuple[str, ...] = (
    "status",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "approval",
    "extra",
    "window",
    "attendance",
    "min_hours",
    "payout",
)
"""Every rule, in the order an outcome lists them (SPEC section 5)."""

Rule = Literal[
    "status",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "approval",
    "extra",
    "window",
    "attendance",
    "min_hours",
    "payout",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


_M = TypeVar("_M", bound=BaseModel)


def trusted(cls: type[_M], **values: Any) -> _M:
    """An instance made from values the engine computed, every field given.

    What ``model_construct`` makes, without its per-field look-up of aliases and defaults:
    the report builds two of these per row, and that look-up was a tenth of a run.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


class _Quoting(_Model):
    """A model whose ``clause`` is written only when the agreement gives one."""

    @model_serializer(mode="wrap")
    def _clause_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("clause") is None:
            data.pop("clause", None)
        return data


class Reason(_Quoting):
    """One rule's verdict on one shift, in words a person can quote."""

    rule: Rule
    ok: bool
    detail: str
    clause: str | None = None


class Adjustment(_Quoting):
    """An amount removed from an outcome by a limit or by stacking (``amount`` <= 0)."""

    rule: Literal["limit", "stacking"]
    detail: str
    amount: Decimal
    limit: str | None = None
    """The limit's key (``max_amount_per_workweek``), for rule ``limit``."""
    clause: str | None = None


class Outcome(_Model):
    """What one agreement decides about one row."""

    agreement: str
    qualifies: bool
    qualifying_hours: Decimal
    amount: Decimal
    reasons: list[Reason]
    adjustments: list[Adjustment]
    day_part: str | None = None
    """The day-part (``periods``) in which the shift starts, if the agreement names any."""

    @property
    def failed(self) -> list[str]:
        """The rules that failed, in order."""
        return [r.rule for r in self.reasons if not r.ok]


class RowResult(_Model):
    """One evaluated row: its times, net hours, outcomes and, for claims, what was paid."""

    line: int
    employee_id: str
    classification: str
    status: str
    start: datetime
    end: datetime
    hours: Decimal
    amount: Decimal
    outcomes: list[Outcome]
    paid: Decimal | None = None
    difference: Decimal | None = None

    @property
    def qualifies(self) -> list[str]:
        """Ids of the agreements whose outcome qualifies."""
        return [o.agreement for o in self.outcomes if o.qualifies]


class RowError(_Model):
    """A row that could not be evaluated: where (line, field) and why."""

    line: int
    field: str | None
    message: str
    employee_id: str | None = None


class Totals(_Model):
    """Counts and sums over the report; amounts reconcile with the rows exactly."""

    rows: int
    evaluated: int
    errors: int
    qualifying: int
    amount: Decimal
    by_employee: dict[str, Decimal]
    paid: Decimal | None = None
    underpaid: Decimal | None = None
    overpaid: Decimal | None = None


class AmendmentApplied(_Model):
    """An amendment that was applied to an agreement's terms."""

    adopted: date
    summary: str


class AgreementSummary(_Model):
    """An agreement the report was made against, with the amendments applied."""

    id: str
    title: str
    amendments_applied: list[AmendmentApplied]


class Report(_Model):
    """All outcomes for a shifts file, with the rows in error and the totals."""

    agreements: list[AgreementSummary]
    as_of: date | None
    timezone: str
    tzdata: str
    claims: bool
    rows: list[RowResult]
    errors: list[RowError]
    totals: Totals

    @model_serializer(mode="wrap")
    def _claims_only_with_paid(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not self.claims:
            for row in data.get("rows", []):
                row.pop("paid", None)
                row.pop("difference", None)
            for key in ("paid", "underpaid", "overpaid"):
                data.get("totals", {}).pop(key, None)
        return data

    def row(self, line: int) -> RowResult | RowError:
        """The evaluated row or the error for physical ``line``; KeyError if neither."""
        for row in self.rows:
            if row.line == line:
                return row
        for error in self.errors:
            if error.line == line:
                return error
        raise KeyError(line)

"""The report: every row's outcomes, the rows in error, and totals (SPEC section 8).

``Report.model_dump(mode="json")`` is exactly the JSON report of the command line. Money
and hours are ``Decimal`` with two places; times are aware datetimes in the report's zone.

A report made by :func:`incentives.evaluate` keeps the engine's decided frame and builds
``rows`` and ``errors`` (with every reason in words) the first time they are read;
:meth:`Report.to_polars` gives the same outcomes as one flat frame without building them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import polars as pl
from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)

from . import _time
from .rules import ORDER

if TYPE_CHECKING:
    from ._engine import Decided

RULES = ORDER
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


def _without_none(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data`` without ``key`` when it is None: an optional key is written only when given."""
    if data.get(key) is None:
        data.pop(key, None)
    return data


def _text_of(places: int, signed: bool) -> WithJsonSchema:
    sign = "-?" if signed else ""
    return WithJsonSchema({"type": "string", "pattern": rf"^{sign}[0-9]+\.[0-9]{{{places}}}$"})


Cents = Annotated[Decimal, _text_of(2, signed=False)]
"""Money or hours as the report writes them: a decimal string of two places, 0 or more."""
SignedCents = Annotated[Decimal, _text_of(2, signed=True)]
"""Money that may be negative (a difference, an adjustment): ``-50.00``."""
Rate = Annotated[Decimal, _text_of(6, signed=False)]
"""An hourly rate of the overtime periods: six places."""


_M = TypeVar("_M", bound=BaseModel)


def trusted(cls: type[_M], **values: Any) -> _M:
    """An instance made from values the engine computed, every field given.

    What ``model_construct`` makes, without its per-field look-up of aliases and defaults.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


class Reason(_Model):
    """One rule's verdict on one shift: a stable ``code``, the ``values`` it compared, and
    the sentence (``detail``) rendered from them."""

    rule: Rule
    ok: bool
    detail: str
    code: str = ""
    values: dict[str, Any] = {}
    clause: str | None = None
    """The agreement's words for the part of the terms that decides this rule, quoted (with
    where they are), when the agreement file gives them; written only then."""

    @model_serializer(mode="wrap")
    def _clause_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_none(handler(self), "clause")


class Adjustment(_Model):
    """An amount removed from an outcome by a limit or by stacking (``amount`` <= 0)."""

    rule: Literal["limit", "stacking"]
    detail: str
    amount: SignedCents
    limit: str | None = None
    """The limit's key (``max_amount_per_workweek``), for rule ``limit``."""
    code: str = ""
    values: dict[str, Any] = {}
    clause: str | None = None
    """The agreement's words for its limits, quoted, when the file gives them."""

    @model_serializer(mode="wrap")
    def _clause_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_none(handler(self), "clause")


class Outcome(_Model):
    """What one agreement decides about one row."""

    agreement: str
    qualifies: bool
    qualifying_hours: Cents
    amount: Cents
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
    hours: Cents
    amount: Cents
    outcomes: list[Outcome]
    paid: SignedCents | None = None
    difference: SignedCents | None = None
    note: str | None = None
    """What reading the row changed, in words: an out punch that an input profile put on the
    next day. Written in the JSON report only when there is one."""

    @model_serializer(mode="wrap")
    def _note_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("note") is None:
            data.pop("note", None)
        return data

    @property
    def qualifies(self) -> list[str]:
        """Ids of the agreements whose outcome qualifies."""
        return [o.agreement for o in self.outcomes if o.qualifies]


class RowError(_Model):
    """A row that could not be evaluated: where (line, field) and why, as a stable
    ``code`` with the ``values`` its ``message`` is rendered from (see the errors
    reference for every code)."""

    line: int
    field: str | None
    code: str
    message: str
    values: dict[str, Any] = {}
    employee_id: str | None = None


class OvertimePeriod(_Model):
    """One employee's workweek (or 14-day period) under the agreement's overtime rule: the
    regular rate without and with the incentives earned in it, and what they add to the
    overtime owed (see :mod:`incentives.rules.overtime`)."""

    employee_id: str
    method: str
    start: datetime
    end: datetime
    hours: Cents
    regular_hours: Cents
    overtime_hours: Cents
    double_time_hours: Cents
    straight_time: Cents
    incentives: Cents
    regular_rate: Rate
    """Straight-time earnings / hours worked, to six places (the amounts use the exact rate)."""
    regular_rate_with_incentives: Rate
    premium: Cents
    """The overtime premium owed without the incentives."""
    owed: Cents
    """What the incentives add to the overtime premium: the true-up."""
    lines: list[int]
    code: str
    detail: str
    values: dict[str, Any]
    paid: SignedCents | None = None
    """The overtime premium paid (the ``overtime_paid`` column), when the file says."""
    difference: SignedCents | None = None
    """``premium + owed - paid``: more than zero is underpaid."""

    @model_serializer(mode="wrap")
    def _claim_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("paid") is None:
            data.pop("paid", None)
            data.pop("difference", None)
        return data


class Totals(_Model):
    """Counts and sums over the report; amounts reconcile with the rows exactly."""

    rows: int
    evaluated: int
    errors: int
    qualifying: int
    amount: Cents
    by_employee: dict[str, Cents]
    paid: SignedCents | None = None
    underpaid: Cents | None = None
    overpaid: Cents | None = None
    overtime_premium: Cents | None = None
    """With an overtime rule: the overtime premium owed without incentives, in all."""
    overtime_owed: Cents | None = None
    """With an overtime rule: what the incentives add to the overtime, in all (kept apart
    from ``amount``, the incentives themselves)."""
    overtime_paid: SignedCents | None = None
    overtime_underpaid: Cents | None = None
    overtime_overpaid: Cents | None = None

    @classmethod
    def of_parts(cls, parts: Sequence[Totals]) -> Totals:
        """The totals of a report decided in parts that share no employee (each rule
        looks at one employee's rows): counts and sums add up, ``by_employee`` merges,
        and a sum that no part has (no claims, no overtime rule) stays absent."""
        summed: dict[str, Any] = dict.fromkeys(("rows", "evaluated", "errors", "qualifying"), 0)
        summed["amount"] = Decimal(0)
        employees: dict[str, Decimal] = {}
        for part in parts:
            employees |= part.by_employee
            for name, value in part:
                if name != "by_employee" and value is not None:
                    summed[name] = summed.get(name, 0) + value
        return cls.model_validate(summed | {"by_employee": dict(sorted(employees.items()))})


OVERTIME_TOTALS = (
    "overtime_premium",
    "overtime_owed",
    "overtime_paid",
    "overtime_underpaid",
    "overtime_overpaid",
)
"""Totals that a report has only with an overtime rule (the last three with its claims)."""


class AmendmentApplied(_Model):
    """An amendment that was applied to an agreement's terms."""

    adopted: date
    summary: str


class AgreementSummary(_Model):
    """An agreement the report was made against, with the amendments applied."""

    id: str
    title: str
    amendments_applied: list[AmendmentApplied]


_LAZY = ("rows", "errors", "totals", "overtime")


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
    overtime: list[OvertimePeriod] | None = None
    """With an agreement's overtime rule: every employee's periods, by employee and start."""

    _decided: Decided | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, decided: Decided) -> Report:
        """The report of what the engine decided (``rows``, ``errors`` and ``totals``
        made when first read)."""
        plan = decided.plan
        summaries = [
            AgreementSummary(
                id=c.id,
                title=c.agreement.title,
                amendments_applied=[
                    AmendmentApplied(adopted=m.adopted, summary=m.summary) for m in c.terms.applied
                ],
            )
            for c in plan.compiled
        ]
        fields: dict[str, Any] = {
            "agreements": summaries,
            "as_of": plan.as_of,
            "timezone": plan.report_tz.key,
            "tzdata": _time.TZDATA_VERSION,
            "claims": decided.claims,
        }
        report = cls.model_construct(**fields)
        for name in _LAZY:
            report.__dict__.pop(name, None)
        object.__setattr__(report, "__pydantic_private__", {"_decided": decided})
        return report

    def _materialize(self, names: tuple[str, ...] = _LAZY) -> None:
        missing = [name for name in names if name not in self.__dict__]
        if not missing:
            return
        from ._table import built, errors_of, totals

        decided = self._decided
        assert decided is not None
        values = dict(self.__dict__)
        if "totals" in missing:
            values["totals"] = totals(decided)
        if "errors" in missing:
            values["errors"] = errors_of(decided)
        if "rows" in missing:
            values["rows"] = built(decided)
        if "overtime" in missing:
            from ._overtime import periods_of

            values["overtime"] = periods_of(decided)
        ordered = {name: values[name] for name in type(self).model_fields if name in values}
        self.__dict__.clear()
        self.__dict__.update(ordered)

    def __getattr__(self, name: str) -> Any:
        if name in _LAZY:
            self._materialize((name,))
            return self.__dict__[name]
        return super().__getattr__(name)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        self._materialize()
        other._materialize()
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr_args__(self) -> Any:
        self._materialize()
        return super().__repr_args__()

    def __getstate__(self) -> dict[Any, Any]:
        self._materialize()
        state = super().__getstate__()
        state["__pydantic_private__"] = None
        return state

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Report:
        self._materialize()
        return super().model_copy(update=update, deep=deep)

    @model_serializer(mode="wrap")
    def _claims_only_with_paid(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        self._materialize()
        data: dict[str, Any] = handler(self)
        if not self.claims:
            for row in data.get("rows", []):
                _without_claim(row)
            for key in ("paid", "underpaid", "overpaid"):
                data.get("totals", {}).pop(key, None)
        without_overtime(data)
        return data

    def row_data(self, line: int) -> dict[str, Any]:
        """The row or error of physical ``line`` as the JSON report writes it."""
        data: dict[str, Any] = self.row(line).model_dump(mode="json")
        return data if self.claims else _without_claim(data)

    def row(self, line: int) -> RowResult | RowError:
        """The evaluated row or the error for physical ``line``; KeyError if neither."""
        for row in self.rows:
            if row.line == line:
                return row
        for error in self.errors:
            if error.line == line:
                return error
        raise KeyError(line)

    def to_polars(self) -> pl.DataFrame:
        """One flat row per evaluated shift and agreement and one per row in error, in
        line order (a shift's rows in the order of the agreements).

        Columns: ``line``, ``employee_id``, ``classification``, ``status``, ``start``,
        ``end`` (datetimes in the report's zone), ``hours``, ``agreement``, ``qualifies``,
        ``qualifying_hours``, ``amount`` (the outcome's), ``failed`` (the rules that failed),
        ``day_part``, ``paid`` and ``difference`` (the row's, with claims), ``field`` and
        ``error`` (rows in error). Money and hours are exact decimals (two places).
        """
        from ._table import flat

        decided = self._decided
        if decided is None:
            return _flat_of_models(self)
        return flat(decided)

    def to_pandas(self) -> Any:
        """:meth:`to_polars` as a pandas DataFrame (needs pandas and pyarrow)."""
        return self.to_polars().to_pandas()

    def overtime_to_polars(self) -> pl.DataFrame | None:
        """:attr:`overtime` as one flat frame, one row per employee and period (``None``
        without an overtime rule): the fields of :class:`OvertimePeriod` but ``values``,
        times in the report's zone, money, hours and rates exact decimals."""
        periods = self.overtime
        if periods is None:
            return None
        from ._overtime import flat_periods

        return flat_periods(periods, self.timezone)


def _flat_of_models(report: Report) -> pl.DataFrame:
    """The flat frame of a report that was read back (no decided frame to use)."""
    from ._table import FLAT_SCHEMA, flat_frame

    records: list[dict[str, Any]] = []
    for row in report.rows:
        for o in row.outcomes:
            records.append(
                {
                    "line": row.line,
                    "employee_id": row.employee_id,
                    "classification": row.classification,
                    "status": row.status,
                    "start": row.start,
                    "end": row.end,
                    "hours": str(row.hours),
                    "agreement": o.agreement,
                    "qualifies": o.qualifies,
                    "qualifying_hours": str(o.qualifying_hours),
                    "amount": str(o.amount),
                    "failed": o.failed,
                    "day_part": o.day_part,
                    "paid": None if row.paid is None else str(row.paid),
                    "difference": None if row.difference is None else str(row.difference),
                    "field": None,
                    "error": None,
                }
            )
    for error in report.errors:
        records.append(
            dict.fromkeys(FLAT_SCHEMA)
            | {"line": error.line, "employee_id": error.employee_id}
            | {"field": error.field, "error": error.message, "failed": []}
        )
    return flat_frame(records, report.timezone).sort("line", maintain_order=True)


def without_overtime(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON report without the overtime keys that do not apply (null)."""
    if data.get("overtime") is None:
        data.pop("overtime", None)
    totals = data.get("totals", {})
    for key in OVERTIME_TOTALS:
        if totals.get(key) is None:
            totals.pop(key, None)
    return data


def _without_claim(row: dict[str, Any]) -> dict[str, Any]:
    """A row of a report without claims: no ``paid`` nor ``difference`` key."""
    row.pop("paid", None)
    row.pop("difference", None)
    return row

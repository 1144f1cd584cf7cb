"""The engine: every row against every agreement, a column at a time (SPEC section 5).

:func:`evaluate` plans (each agreement's terms as of a date, the time zones, the columns
the agreements need), reads the rows' values (:mod:`incentives._rows`), sets double
claims aside (:mod:`incentives.rules.claims`), folds the rules over the rows of every
agreement in the order of SPEC 5 (:mod:`incentives.rules`), and then walks the shifts
that pay, per employee in order of start, for limits and stacking. The result is a
:class:`Decided` frame, from which :class:`incentives.Report` is made.

The engine is pure: no file, terminal or process-wide setting is touched. One shift is a
frame of one row, decided by the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from . import _time
from ._agreement import Agreement
from ._errors import AgreementError, ArgumentError, ShiftFileError, TimeError
from ._problems import problem
from ._rows import PACKED_SCHEMA, errors_of, read_rows
from ._shifts import Shift, ShiftBatch
from ._terms import Compiled, Span
from .rules import (
    Env,
    attendance,
    claims,
    extra,
    filters,
    hours,
    limits,
    overtime,
    payout,
    stacking,
    window,
)

if TYPE_CHECKING:
    from ._report import Report

Progress = Callable[[int, int], None]

RULE_MODULES = (filters, extra, window, attendance, hours, payout)
"""The rule modules in the order they decide (each may read the columns of the ones before)."""


@dataclass(frozen=True)
class Plan:
    """Everything decided before a row is read: terms, zones and the columns needed."""

    agreements: tuple[Agreement, ...]
    compiled: tuple[Compiled, ...]
    as_of: date | None
    input_tz: ZoneInfo | None
    report_tz: ZoneInfo
    ambiguous: _time.Ambiguous
    required: dict[str, str]
    overtime: int | None = None
    """The index of the agreement whose ``[overtime]`` rule applies, if any names one."""

    @classmethod
    def of(
        cls,
        agreements: Iterable[Agreement],
        as_of: date | str | None,
        timezone: str | None,
        ambiguous: _time.Ambiguous,
    ) -> Plan:
        listed = list(agreements)
        if not listed:
            raise ArgumentError("argument.no_agreement")
        for a in listed:
            if not isinstance(a, Agreement):
                raise TypeError(f"expected Agreement objects, got {type(a).__name__}")
        ids = [a.id for a in listed]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise AgreementError([problem("agreement.id_twice", id=i) for i in twice])
        if ambiguous not in _time.AMBIGUOUS_CHOICES:
            raise ArgumentError("argument.ambiguous", value=ambiguous)
        day = _as_of(as_of)
        try:
            caller = _time.zone(timezone) if timezone is not None else None
        except TimeError:
            raise ArgumentError("argument.timezone", value=timezone) from None
        zones = {a.timezone for a in listed}
        compiled = tuple(Compiled.of(a, day) for a in listed)
        required: dict[str, str] = {}
        for c in compiled:
            for column, term in c.required_columns().items():
                required.setdefault(column, f"{c.id} {term}")
        return cls(
            agreements=tuple(listed),
            compiled=compiled,
            as_of=day,
            input_tz=caller or (_time.zone(zones.pop()) if len(zones) == 1 else None),
            report_tz=caller or _time.zone(listed[0].timezone),
            ambiguous=ambiguous,
            required=required,
            overtime=overtime.applying(compiled),
        )

    @property
    def fte_statuses(self) -> frozenset[str]:
        """Absence statuses that count toward some agreement's beyond-FTE threshold."""
        return frozenset().union(*(c.counts_as_worked for c in self.compiled if c.extra.beyond_fte))

    def check_columns(self, batch: ShiftBatch) -> None:
        """A CSV file lacking a column an agreement needs is refused whole (SPEC 4)."""
        if batch.format != "csv":
            return
        missing = [col for col in self.required if col not in batch.columns]
        if missing:
            said = "; ".join(f"{col} (needed by {self.required[col]})" for col in missing)
            raise ShiftFileError(
                "file.needed_columns",
                source=batch.source,
                noun="columns" if len(missing) > 1 else "column",
                needed=said,
                columns=missing,
            )


def _as_of(value: date | str | None) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ArgumentError("argument.as_of", value=value) from None
    raise ArgumentError("argument.as_of_type", type=type(value).__name__)


@dataclass(frozen=True)
class Decided:
    """What the engine decided about a batch.

    ``rows`` are the evaluated rows in order of employee, start and line; ``outcomes``
    holds one frame per agreement, row for row the same, with every rule's columns and
    the final ``amount`` (cents); ``adjustments`` the limit and stacking adjustments of
    each agreement by line; ``errors`` the rows in error, in line order.
    """

    plan: Plan
    source: str
    claims: bool
    total: int
    rows: pl.DataFrame
    outcomes: tuple[pl.DataFrame, ...]
    adjustments: tuple[dict[int, list[limits.Adjusted]], ...]
    errors: pl.DataFrame
    envs: tuple[Env, ...] = field(repr=False)
    overtime: pl.DataFrame | None = None
    """The overtime periods of every employee (:mod:`incentives.rules.overtime`), when an
    agreement names an overtime rule."""
    overtime_claims: bool = False
    """Whether the file has an ``overtime_paid`` column."""
    memo: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    """What the report makes of the frame once (its row columns)."""


def as_batch(shifts: Any) -> ShiftBatch:
    """A batch of what :func:`evaluate` was given: a batch, a path, a DataFrame or shifts."""
    from .readers import batch_of_frame, read_shifts

    if isinstance(shifts, ShiftBatch):
        return shifts
    if isinstance(shifts, (str, Path)):
        return read_shifts(shifts)
    if isinstance(shifts, pl.DataFrame | pl.LazyFrame) or type(shifts).__name__ == "DataFrame":
        return batch_of_frame(shifts)
    return ShiftBatch.from_shifts(shifts)


def decide(
    plan: Plan,
    batch: ShiftBatch,
    *,
    lines: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> Decided:
    """Decide a batch. With ``lines``, only the rows of the employees of those lines are
    decided (every rule looks at one employee's rows); every row in error is still
    reported."""
    plan.check_columns(batch)
    total = len(batch)

    def tell(stage: int) -> None:
        if progress is not None:
            progress(total * stage // 4, total)

    tell(0)
    read = read_rows(
        batch.frame,
        needs=frozenset(plan.required),
        fte_statuses=plan.fte_statuses,
        tz=plan.input_tz,
        ambiguous=plan.ambiguous,
    )
    tell(1)
    accepted, doubles = claims.decide(read.rows, plan.report_tz)
    errors = pl.concat([read.errors, doubles.cast(PACKED_SCHEMA)]).sort("line")  # type: ignore[arg-type]
    errors = errors_of(errors, batch.written).rechunk()
    if lines is not None:
        wanted = accepted.filter(pl.col("line").is_in(list(lines)))["employee_id"].unique()
        accepted = accepted.filter(pl.col("employee_id").is_in(wanted.implode()))
    span = _span(accepted)
    envs = tuple(Env.of(c, span) for c in plan.compiled)
    tell(2)
    outcomes = []
    for c, env in zip(plan.compiled, envs, strict=True):
        frame = accepted
        for module in RULE_MODULES:
            frame = module.decide(frame, c, env)
        outcomes.append(frame)
    tell(3)
    settled, adjustments = _settle(plan, envs, accepted, outcomes)
    periods = None
    if plan.overtime is not None:
        amounts = pl.DataFrame([o["amount"].rename(f"a{n}") for n, o in enumerate(settled)])
        cents = amounts.select(pl.sum_horizontal(pl.all()).alias("cents")).to_series()
        i = plan.overtime
        periods = overtime.decide(accepted, cents, plan.compiled[i], envs[i])
    tell(4)
    return Decided(
        plan=plan,
        source=batch.source,
        claims=batch.claims,
        total=total,
        rows=accepted,
        outcomes=tuple(settled),
        adjustments=tuple(adjustments),
        errors=errors,
        envs=envs,
        overtime=periods,
        overtime_claims="overtime_paid" in batch.columns,
    )


def _span(rows: pl.DataFrame) -> Span:
    if rows.height == 0:
        return Span(0, 0)
    lo, hi = rows.select(pl.col("start").min(), pl.col("end").max()).row(0)
    return Span(int(lo), int(hi))


# --------------------------------------------------------------------------- limits, stacking


def _settle(
    plan: Plan, envs: Sequence[Env], rows: pl.DataFrame, outcomes: list[pl.DataFrame]
) -> tuple[list[pl.DataFrame], list[dict[int, list[limits.Adjusted]]]]:
    """Limits and stacking, per employee one shift at a time in order of start."""
    compiled = plan.compiled
    limited = [limits.needed(c) for c in compiled]
    exclusive = [c.agreement.stacking == "exclusive" for c in compiled]
    adjustments: list[dict[int, list[limits.Adjusted]]] = [{} for _ in compiled]
    if not any(limited) and sum(exclusive) < 2:
        return outcomes, adjustments
    amounts_frame = pl.DataFrame([o["amount"].rename(f"a{i}") for i, o in enumerate(outcomes)])
    mask = amounts_frame.select(pl.any_horizontal(pl.all() > 0).alias("p"))["p"]
    walked = rows.filter(mask).select("line", "employee_id")
    chosen = [o.filter(mask) for o in outcomes]
    periods = [
        _periods(c, env, frame) if needs else None
        for c, env, frame, needs in zip(compiled, envs, chosen, limited, strict=True)
    ]
    amounts = [frame["amount"].to_list() for frame in chosen]
    qualifies = [frame["qualifies"].to_list() for frame in chosen]
    ids = [c.id for c in compiled]
    limiters = [
        limits.Limiter(c) if needs else None for c, needs in zip(compiled, limited, strict=True)
    ]
    stacks = sum(exclusive) >= 2
    final: list[dict[int, int]] = [{} for _ in compiled]
    paid: list[limits.Paid] = []
    employee: str | None = None
    agreements = range(len(compiled))
    for n, (line, who) in enumerate(walked.iter_rows()):
        if who != employee:
            employee, paid = who, [limits.Paid() for _ in compiled]
        decisions = [limits.Decision(amounts[i][n], qualifies[i][n]) for i in agreements]
        for i in agreements:
            limiter, at = limiters[i], periods[i]
            if limiter is not None and at is not None and decisions[i].qualifies:
                limiter.apply(at[n], decisions[i], paid[i])
        if stacks:
            stacking.stack(ids, exclusive, decisions)
        for i in agreements:
            d, at = decisions[i], periods[i]
            if at is not None:
                limits.record(at[n], d, paid[i])
            if d.adjustments:
                adjustments[i][line] = d.adjustments
                final[i][line] = d.amount
    settled = []
    for outcome, changed in zip(outcomes, final, strict=True):
        if changed:
            cut = pl.DataFrame(
                {"line": list(changed), "#final": list(changed.values())},
                schema={"line": pl.Int64, "#final": pl.Int64},
            )
            outcome = (
                outcome.join(cut, on="line", how="left", maintain_order="left")
                .with_columns(pl.coalesce("#final", "amount").alias("amount"))
                .drop("#final")
            )
        settled.append(outcome)
    return settled, adjustments


def _periods(c: Compiled, env: Env, frame: pl.DataFrame) -> list[limits.Periods]:
    """The workweek and pay period of each shift, as limits need them."""
    frame = c.workweeks.add(frame.select("start"), "start", env.table, "week")
    columns = [pl.col("week.key").alias("wk"), env.describe(pl.col("week.start")).alias("ws")]
    if c.pay_periods is not None:
        frame = c.pay_periods.add(frame, "start", env.table, "pay")
        columns += [pl.col("pay.key").alias("pk"), env.describe(pl.col("pay.start")).alias("ps")]
    else:
        columns += [
            pl.lit(None, dtype=pl.Int64).alias("pk"),
            pl.lit(None, dtype=pl.String).alias("ps"),
        ]
    table = frame.select(columns)
    return [limits.Periods(*row) for row in table.iter_rows()]


# --------------------------------------------------------------------------- evaluate


def evaluate(
    agreements: Iterable[Agreement],
    shifts: ShiftBatch | str | Path | Iterable[Shift] | Any,
    *,
    as_of: date | str | None = None,
    timezone: str | None = None,
    ambiguous: _time.Ambiguous = "raise",
    progress: Progress | None = None,
) -> Report:
    """Decide every shift against every agreement and return the report (SPEC section 5).

    ``shifts`` is a :class:`ShiftBatch` from :func:`read_shifts`, the path of a shifts
    file, a polars or pandas DataFrame with the columns of a shifts file, or any iterable
    of :class:`Shift`. ``as_of`` applies only the amendments adopted on or before that
    date. Naive shift times are local wall time in ``timezone``, else in the agreements'
    zone. ``ambiguous`` decides naive times that occur twice (fall-back): ``"raise"``
    makes them row errors, ``"earlier"`` / ``"later"`` pick one. ``progress(done, total)``
    is called now and then on long inputs.
    """
    from ._report import Report

    plan = Plan.of(agreements, as_of, timezone, ambiguous)
    return Report.of(decide(plan, as_batch(shifts), progress=progress))

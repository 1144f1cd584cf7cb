"""The decided frame as a report's rows: columns the writers use, totals, and the models.

Everything here reads :class:`~incentives._engine.Decided` and makes what a report
shows: the row columns (line order, times in the report's zone, amounts as text), the
outcome columns of each agreement, the totals, the flat frame of
:meth:`~incentives.Report.to_polars`, and, on demand, the pydantic rows of the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from . import _time
from ._columns import lookup
from ._money import hours_text, hundredths_text
from ._reasons import render, value_types
from ._report import (
    RULES,
    Adjustment,
    Outcome,
    Reason,
    RowError,
    RowResult,
    Totals,
    trusted,
)
from .rules import iso_texts

if TYPE_CHECKING:
    from ._engine import Decided

FLAT_SCHEMA: dict[str, Any] = {
    "line": pl.Int64,
    "employee_id": pl.String,
    "classification": pl.String,
    "status": pl.String,
    "start": pl.String,
    "end": pl.String,
    "hours": pl.String,
    "agreement": pl.String,
    "qualifies": pl.Boolean,
    "qualifying_hours": pl.String,
    "amount": pl.String,
    "failed": pl.List(pl.String),
    "day_part": pl.String,
    "paid": pl.String,
    "difference": pl.String,
    "field": pl.String,
    "error": pl.String,
}
MONEY = pl.Decimal(38, 2)


def _paid_cents(decided: Decided) -> pl.Expr:
    values = decided.rows["paid"].drop_nulls().unique().to_list()
    return lookup(pl.col("paid"), {v: int(Decimal(v) * 100) for v in values}, None, pl.Int64)


def row_columns(decided: Decided) -> pl.DataFrame:
    """The evaluated rows in line order with what the report shows of them.

    ``line``, ``employee_id``, ``classification``, ``status``, ``start``, ``end`` (ISO
    text in the report's zone), ``start_at``, ``end_at`` (instants), ``hours`` (text),
    ``cents`` (the row's amount), ``amount`` (text), ``paid`` and ``difference`` (text, or
    null), ``paid_cents``, ``difference_cents``, ``qualifying`` (whether any outcome
    qualifies), ``qualifies`` and ``failed`` (texts: the agreements that qualify,
    ``agreement:rule`` for every failed rule, separated by ``;``), ``note`` (what the reader
    said of the row, or null). Made once per report.
    """
    known = decided.memo.get("rows")
    if known is None:
        known = decided.memo["rows"] = _row_columns(decided)
    return known


def _row_columns(decided: Decided) -> pl.DataFrame:
    rows = decided.rows
    ids = [c.id for c in decided.plan.compiled]
    # In line order first, with only what the report shows: the texts are made in order.
    frame = rows.select(
        "line", "employee_id", "classification", "status", "start", "end", "net", "paid", "note"
    ).with_columns(
        *(o["amount"].alias(f"#a{i}") for i, o in enumerate(decided.outcomes)),
        *(o["qualifies"].alias(f"#q{i}") for i, o in enumerate(decided.outcomes)),
        *(
            o[f"ok_{rule}"].alias(f"#ok{i}:{rule}")
            for i, o in enumerate(decided.outcomes)
            for rule in RULES
        ),
    )
    frame = frame.sort("line")
    table = decided.plan.report_tz
    span = decided.envs[0].span if decided.envs else None
    offsets = span.offsets(table) if span is not None else _time.offsets(table, 0, 0)
    amount = pl.sum_horizontal(*(pl.col(f"#a{i}") for i in range(len(ids)))) if ids else pl.lit(0)
    qualifies = _joined(pl.when(pl.col(f"#q{i}")).then(pl.lit(i_d)) for i, i_d in enumerate(ids))
    failed = _joined(
        pl.when(~pl.col(f"#ok{i}:{rule}")).then(pl.lit(f"{i_d}:{rule}"))
        for i, i_d in enumerate(ids)
        for rule in RULES
    )
    frame = frame.select(
        "line",
        "employee_id",
        "classification",
        "status",
        iso_texts(frame["start"], offsets).alias("start"),
        iso_texts(frame["end"], offsets).alias("end"),
        pl.col("start").alias("start_at"),
        pl.col("end").alias("end_at"),
        hours_text(pl.col("net")).alias("hours"),
        amount.cast(pl.Int64).alias("cents"),
        _paid_cents(decided).alias("paid_cents"),
        pl.col("paid"),
        pl.any_horizontal(*(pl.col(f"#q{i}") for i in range(len(ids)))).alias("qualifying"),
        qualifies.alias("qualifies"),
        failed.alias("failed"),
        pl.col("note"),
    ).with_columns((pl.col("cents") - pl.col("paid_cents")).alias("difference_cents"))
    return frame.with_columns(
        hundredths_text(pl.col("cents")).alias("amount"),
        hundredths_text(pl.col("difference_cents")).alias("difference"),
    )


def _joined(parts: Iterable[pl.Expr]) -> pl.Expr:
    """The given texts of ``parts`` (null ones left out), separated by ``;``."""
    return pl.concat_str(list(parts), separator=";", ignore_nulls=True)


def _failed(outcome: pl.DataFrame, agreement: str) -> pl.Series:
    """``agreement:rule`` of every failed rule of an outcome, in order, ``;``-separated
    (``rule`` alone without an agreement)."""
    prefix = f"{agreement}:" if agreement else ""
    listed = _joined(
        pl.when(~pl.col(f"ok_{rule}")).then(pl.lit(f"{prefix}{rule}")) for rule in RULES
    )
    return outcome.select(listed.alias("f"))["f"]


def outcome_columns(decided: Decided, i: int, reasons: bool = True) -> pl.DataFrame:
    """One agreement's outcomes in line order: ``line``, ``qualifies``,
    ``qualifying_hours``, ``amount`` (text), ``day_part`` and, with ``reasons``, every
    reason (see :func:`incentives._reasons.render`)."""
    from .rules import hours

    outcome = decided.outcomes[i]
    base = outcome.select(
        "line",
        "qualifies",
        hours.text().alias("qualifying_hours"),
        hundredths_text(pl.col("amount")).alias("amount"),
        "day_part",
    )
    if reasons:
        rendered = render(outcome, decided.plan.compiled[i], decided.envs[i])
        base = pl.concat([base, rendered.drop("line")], how="horizontal")
    return base.sort("line")


def totals(decided: Decided) -> Totals:
    from ._overtime import totals_of

    extra = totals_of(decided)
    rows = row_columns(decided) if decided.rows.height else None
    claims = decided.claims
    zero = Decimal("0.00")
    if rows is None:
        return Totals.model_construct(
            rows=decided.total,
            evaluated=0,
            errors=decided.errors.height,
            qualifying=0,
            amount=zero,
            by_employee={},
            paid=zero if claims else None,
            underpaid=zero if claims else None,
            overpaid=zero if claims else None,
            **extra,
        )
    by = rows.group_by("employee_id").agg(pl.col("cents").sum()).sort("employee_id")
    sums = rows.select(
        pl.col("cents").sum().alias("amount"),
        pl.col("qualifying").sum().alias("qualifying"),
        pl.col("paid_cents").sum().alias("paid"),
        pl.col("difference_cents").clip(lower_bound=0).sum().alias("under"),
        (-pl.col("difference_cents").clip(upper_bound=0)).sum().alias("over"),
    ).row(0, named=True)

    def money(cents: int | None) -> Decimal:
        return Decimal(cents or 0).scaleb(-2)

    return Totals.model_construct(
        rows=decided.total,
        evaluated=rows.height,
        errors=decided.errors.height,
        qualifying=int(sums["qualifying"]),
        amount=money(sums["amount"]),
        by_employee={k: money(v) for k, v in by.iter_rows()},
        paid=money(sums["paid"]) if claims else None,
        underpaid=money(sums["under"]) if claims else None,
        overpaid=money(sums["over"]) if claims else None,
        **extra,
    )


# --------------------------------------------------------------------------- models


def reasons_of(
    row: dict[str, Any],
    types: dict[str, dict[str, Any]],
    clauses: dict[str, str],
    cache: dict[Any, Reason],
) -> list[Reason]:
    """The reasons of one rendered outcome row, as models (equal ones shared)."""
    found: list[Reason] = []
    for rule in RULES:
        values = {
            key: row[f"{rule}:v:{key}"] for key in types[rule] if row[f"{rule}:v:{key}"] is not None
        }
        clause = clauses.get(rule)
        key = (rule, row[f"{rule}:ok"], row[f"{rule}:detail"], row[f"{rule}:code"], repr(values))
        reason = cache.get((*key, clause))
        if reason is None:
            reason = cache[(*key, clause)] = trusted(
                Reason,
                rule=rule,
                ok=row[f"{rule}:ok"],
                detail=row[f"{rule}:detail"],
                code=row[f"{rule}:code"],
                values=values,
                clause=clause,
            )
        found.append(reason)
    return found


def adjustments_of(adjusted: list[Any], clauses: dict[str, str]) -> list[Adjustment]:
    return [
        trusted(
            Adjustment,
            rule=a.rule,
            detail=a.detail,
            amount=a.amount,
            limit=a.limit,
            code=a.code,
            values=a.values,
            clause=clauses.get(a.rule),
        )
        for a in adjusted
    ]


def errors_of(decided: Decided) -> list[RowError]:
    """Every row in error as the report's models, in line order."""
    values_of: dict[str, dict[str, Any]] = {}
    return [
        trusted(
            RowError,
            line=line,
            field=field,
            code=code,
            message=message,
            values=values_of.get(values) or values_of.setdefault(values, json.loads(values)),
            employee_id=employee,
        )
        for line, field, code, message, values, employee in decided.errors.iter_rows()
    ]


def built(decided: Decided) -> list[RowResult]:
    """Every evaluated row as the report's models, in line order."""
    rows = row_columns(decided)
    tz = decided.plan.report_tz
    per: list[list[Outcome]] = [[] for _ in range(rows.height)]
    cache: dict[Any, Reason] = {}
    for i, c in enumerate(decided.plan.compiled):
        types = value_types(c, decided.envs[i])
        adjusted = decided.adjustments[i]
        for n, row in enumerate(outcome_columns(decided, i).iter_rows(named=True)):
            per[n].append(
                trusted(
                    Outcome,
                    agreement=c.id,
                    qualifies=row["qualifies"],
                    qualifying_hours=Decimal(row["qualifying_hours"]),
                    amount=Decimal(row["amount"]),
                    reasons=reasons_of(row, types, c.clauses, cache),
                    adjustments=adjustments_of(adjusted.get(row["line"], []), c.clauses),
                    day_part=row["day_part"],
                )
            )
    results = []
    for n, row in enumerate(rows.iter_rows(named=True)):
        paid = None if row["paid"] is None else Decimal(row["paid"])
        results.append(
            trusted(
                RowResult,
                line=row["line"],
                employee_id=row["employee_id"],
                classification=row["classification"],
                status=row["status"],
                start=datetime.fromtimestamp(row["start_at"], tz),
                end=datetime.fromtimestamp(row["end_at"], tz),
                hours=Decimal(row["hours"]),
                amount=Decimal(row["amount"]),
                outcomes=per[n],
                paid=paid,
                difference=None if paid is None else Decimal(row["difference"]),
                note=row["note"],
            )
        )
    return results


# --------------------------------------------------------------------------- flat


def flat(decided: Decided) -> pl.DataFrame:
    """One row per evaluated shift and agreement and one per row in error, in line order."""
    rows = row_columns(decided)
    frames = []
    for i, c in enumerate(decided.plan.compiled):
        outcome = outcome_columns(decided, i, reasons=False)
        said = _failed(decided.outcomes[i].sort("line"), "")
        failed = pl.select(
            pl.when(said != "")
            .then(said.str.split(";"))
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        ).to_series()
        frames.append(
            rows.select(
                "line",
                "employee_id",
                "classification",
                "status",
                "start",
                "end",
                "hours",
                pl.lit(c.id).alias("agreement"),
                outcome["qualifies"],
                outcome["qualifying_hours"],
                outcome["amount"],
                failed.alias("failed"),
                outcome["day_part"],
                pl.when(pl.col("paid").is_not_null()).then(pl.col("paid")).alias("paid"),
                pl.when(pl.col("paid").is_not_null())
                .then(pl.col("difference"))
                .alias("difference"),
                pl.lit(None, dtype=pl.String).alias("field"),
                pl.lit(None, dtype=pl.String).alias("error"),
            )
        )
    errors = decided.errors.select(
        "line",
        "employee_id",
        *(pl.lit(None, dtype=FLAT_SCHEMA[k]).alias(k) for k in list(FLAT_SCHEMA)[2:8]),
        pl.lit(None, dtype=pl.Boolean).alias("qualifies"),
        *(pl.lit(None, dtype=pl.String).alias(k) for k in ("qualifying_hours", "amount")),
        pl.lit([], dtype=pl.List(pl.String)).alias("failed"),
        *(pl.lit(None, dtype=pl.String).alias(k) for k in ("day_part", "paid", "difference")),
        "field",
        pl.col("message").alias("error"),
    )
    out = pl.concat([*frames, errors], how="vertical_relaxed") if frames else errors
    return _typed(out.sort("line", maintain_order=True), decided.plan.report_tz.key)


def flat_frame(records: list[dict[str, Any]], tz: str) -> pl.DataFrame:
    """The flat frame of records given as Python values (times as datetimes)."""
    frame = pl.DataFrame(
        [
            {
                **r,
                "start": None if r["start"] is None else r["start"].isoformat(),
                "end": None if r["end"] is None else r["end"].isoformat(),
            }
            for r in records
        ],
        schema=FLAT_SCHEMA,
    )
    return _typed(frame, tz)


def _typed(frame: pl.DataFrame, tz: str) -> pl.DataFrame:
    """Times as datetimes in the report's zone, money and hours as exact decimals."""
    when = {
        name: pl.col(name)
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_zone="UTC")
        .dt.convert_time_zone(tz)
        for name in ("start", "end")
    }
    money = {
        name: pl.col(name).cast(MONEY)
        for name in ("hours", "qualifying_hours", "amount", "paid", "difference")
    }
    return frame.with_columns(**when, **money)

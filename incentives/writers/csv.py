"""The CSV report: one record per input row, in line order, error rows included (SPEC 7).

Cells a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) get a leading single quote, unless they are plain numbers. The
records are written a batch of rows at a time, so memory does not grow with the file.
"""

from __future__ import annotations

import io
import re
from typing import BinaryIO

import polars as pl

from .._report import Report, RowError, RowResult
from .._table import row_columns

CSV_COLUMNS = (
    "line",
    "employee_id",
    "start",
    "end",
    "hours",
    "amount",
    "paid",
    "difference",
    "qualifies",
    "failed",
    "error",
)
BATCH = 200_000
"""Rows written at a time."""
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (plain numbers are left alone)."""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


_FREE_TEXT = ("employee_id", "error")


def _given(cell: pl.Expr) -> pl.Expr:
    """An empty cell is written as nothing (null)."""
    return pl.when(cell != "").then(cell).alias(cell.meta.output_name())


def _safe(cell: pl.Expr) -> pl.Expr:
    """:func:`safe_cell` of a column; an empty cell is written as nothing (null)."""
    risky = cell.str.contains(r"^[=+\-@\t\r]") & ~cell.str.contains(r"^[+-]?[0-9]+(\.[0-9]+)?$")
    safe = pl.when(risky).then(pl.concat_str(pl.lit("'"), cell)).otherwise(cell)
    return pl.when(cell != "").then(safe).alias(cell.meta.output_name())


def records(report: Report) -> pl.DataFrame:
    """The CSV report's records (String columns, in line order, cells made safe)."""
    decided = report._decided
    if decided is None:
        return _records_of_models(report)
    rows = row_columns(decided).select(
        "line",
        "employee_id",
        "start",
        "end",
        "hours",
        "amount",
        pl.when(pl.col("paid").is_not_null()).then(pl.col("paid")).alias("paid"),
        pl.when(pl.col("paid").is_not_null()).then(pl.col("difference")).alias("difference"),
        "qualifies",
        "failed",
        pl.lit(None, dtype=pl.String).alias("error"),
    )
    errors = decided.errors.select(
        "line",
        "employee_id",
        *(pl.lit(None, dtype=pl.String).alias(c) for c in CSV_COLUMNS[2:10]),
        pl.when(pl.col("field").is_not_null())
        .then(pl.format("{}: {}", "field", "message"))
        .otherwise(pl.col("message"))
        .alias("error"),
    )
    both = rows.merge_sorted(errors.cast(rows.schema), key="line") if errors.height else rows
    # Times, hours, amounts and agreement ids are the engine's own text: only names and
    # messages may start like a formula.
    return both.select(
        pl.col("line").cast(pl.String),
        *(_safe(pl.col(c)) if c in _FREE_TEXT else _given(pl.col(c)) for c in CSV_COLUMNS[1:]),
    )


def _records_of_models(report: Report) -> pl.DataFrame:
    items: list[RowResult | RowError] = [*report.rows, *report.errors]
    items.sort(key=lambda item: item.line)
    out: list[list[str | None]] = []
    for item in items:
        if isinstance(item, RowResult):
            money = report.claims and item.paid is not None
            out.append(
                [
                    str(item.line),
                    item.employee_id,
                    item.start.isoformat(),
                    item.end.isoformat(),
                    str(item.hours),
                    str(item.amount),
                    str(item.paid) if money else None,
                    str(item.difference) if money else None,
                    ";".join(item.qualifies),
                    ";".join(f"{o.agreement}:{r}" for o in item.outcomes for r in o.failed),
                    None,
                ]
            )
        else:
            field = f"{item.field}: " if item.field else ""
            out.append([str(item.line), item.employee_id, *[None] * 8, f"{field}{item.message}"])
    frame = pl.DataFrame(out, schema=dict.fromkeys(CSV_COLUMNS, pl.String), orient="row")
    return frame.with_columns(_safe(pl.col(c)).alias(c) for c in CSV_COLUMNS[1:])


def write_csv(report: Report, out: BinaryIO) -> None:
    """Writes the CSV report to a binary stream, a batch of rows at a time."""
    frame = records(report)
    out.write((",".join(CSV_COLUMNS) + "\n").encode())
    for start in range(0, frame.height, BATCH):
        chunk = frame.slice(start, BATCH)
        chunk.write_csv(out, include_header=False, quote_style="necessary", line_terminator="\n")


def report_csv(report: Report) -> str:
    """The CSV report as text."""
    buffer = io.BytesIO()
    write_csv(report, buffer)
    return buffer.getvalue().decode("utf-8")

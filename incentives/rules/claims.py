"""Double claims: a worked row of an employee that overlaps an earlier accepted worked row
is an error (field ``start``) naming that row, and takes no further part (SPEC 4).

Rows are checked in order of start (ties by line). Overlaps are found a column at a time;
only the employees who have one are then walked shift by shift, since whether a row is
accepted depends on which earlier rows were.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import polars as pl

from .. import _time
from .._problems import coded

ERRORS = {"line": pl.Int64, "field": pl.String, "problem": pl.String, "employee_id": pl.String}


def order(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows in the order every rule across shifts reads them: each employee's rows
    together (employees in order of first appearance), in order of start, ties by line."""
    code = pl.col("employee_id").cast(pl.Categorical).to_physical()
    return rows.sort(code, "start", "line")


def decide(rows: pl.DataFrame, tz: ZoneInfo) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The accepted rows (in :func:`order`) and the errors of the double claims."""
    rows = order(rows)
    worked = pl.col("status") == "worked"
    latest = pl.col("end").cum_max().shift(1).over("employee_id")
    suspects = (
        rows.filter(worked)
        .filter(pl.col("start") < latest)
        .select("employee_id")
        .unique()["employee_id"]
    )
    if suspects.len() == 0:
        return rows, pl.DataFrame(schema=ERRORS)
    walked = rows.filter(worked & pl.col("employee_id").is_in(suspects.implode()))
    rejected: list[int] = []
    errors: dict[str, list[object]] = {name: [] for name in ERRORS}
    last: tuple[str, int, int, int] | None = None  # employee, line, start, end
    for employee, line, start, end in walked.select(
        "employee_id", "line", "start", "end"
    ).iter_rows():
        if last is not None and last[0] != employee:
            last = None
        if last is not None and start < last[3]:
            rejected.append(line)
            errors["line"].append(line)
            errors["field"].append("start")
            errors["problem"].append(
                coded(
                    "row.overlap",
                    other_line=last[1],
                    employee_id=employee,
                    other_start=_time.describe(last[2], tz),
                    other_end=_time.describe(last[3], tz),
                )
            )
            errors["employee_id"].append(employee)
            continue
        if last is None or end > last[3]:
            last = (employee, line, start, end)
    accepted = rows.filter(~pl.col("line").is_in(rejected))
    return accepted, pl.DataFrame(errors, schema=ERRORS)

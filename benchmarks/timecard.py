"""Write a generated shifts file as a UKG/Kronos-style timecard export (profile
``ukg-timecard``), to measure reading through a profile against reading the same rows in
the project's own format.

Only rows whose times are written without an offset are kept (both files then hold the
same shifts); the other rows are dropped from both outputs.

    .venv/bin/python benchmarks/timecard.py benchmarks/data/shifts-1000000-seed1.csv \\
        --plain benchmarks/data/plain-1000000.csv --export benchmarks/data/ukg-1000000.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shifts", type=Path)
    parser.add_argument("--plain", type=Path, required=True)
    parser.add_argument("--export", type=Path, required=True)
    options = parser.parse_args()
    frame = pl.read_csv(options.shifts, infer_schema=False)
    naive = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
    frame = frame.filter(pl.col("start").str.contains(naive) & pl.col("end").str.contains(naive))
    frame.write_csv(options.plain)
    start = pl.col("start").str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M")
    end = pl.col("end").str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M")
    clock = "%I:%M %p"
    export = frame.select(
        pl.col("employee_id").alias("Person Number"),
        pl.col("classification").alias("Job"),
        pl.col("location").alias("Home Location"),
        pl.col("unit").alias("Department"),
        start.dt.strftime("%m/%d/%Y").alias("Apply Date"),
        start.dt.strftime(clock).str.strip_chars_start("0").alias("In Punch"),
        end.dt.strftime(clock).str.strip_chars_start("0").alias("Out Punch"),
        pl.col("status")
        .replace({"worked": "REG", "sick": "SICK", "vacation": "PTO"})
        .alias("Pay Code"),
        pl.col("extra").replace({"true": "Y", "false": "N"}).alias("Extra Shift"),
        pl.col("fte").alias("FTE"),
        pl.col("unpaid_break_minutes").alias("Unpaid Break"),
        pl.when(pl.col("paid") != "").then(pl.lit("$") + pl.col("paid")).alias("Incentive Paid"),
        pl.col("employment_status"),
    )
    export.write_csv(options.export)
    print(f"wrote {frame.height:,} rows to {options.plain} and {options.export}")


if __name__ == "__main__":
    main()

"""Add a base rate to a generated shifts file, to measure the overtime true-up.

The overtime true-up needs each worked row's straight-time rate (``base_rate``); the
generator's files have none. This writes the same rows with a ``base_rate`` column: a rate
per employee, from the classification and the employee's number, the same on every run::

    .venv/bin/python benchmarks/overtime.py benchmarks/data/shifts-1000000-seed1.csv \\
        -o benchmarks/data/rated-1000000.csv

Then ``check -a benchmarks/agreements/tiers.toml`` and ``check -a
benchmarks/agreements/tiers-overtime.toml`` (the same terms with an ``[overtime]`` table) on
the rated file measure what the true-up costs (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

BASE = {
    "Registered Nurse": 6200,
    "Respiratory Care Practitioner": 5240,
    "Licensed Vocational Nurse": 3450,
    "Clinical Laboratory Scientist": 5600,
    "Nurse Practitioner": 8100,
    "Surgical Technician": 3900,
    "Pharmacist": 8800,
}
"""Cents an hour by classification; each employee adds 0 to 4.99 dollars by number."""


def rated(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with a ``base_rate`` column (dollars, two places) per employee."""
    base = pl.col("classification").replace_strict(BASE, default=4000, return_dtype=pl.Int64)
    number = pl.col("employee_id").str.extract(r"([0-9]+)$").cast(pl.Int64).fill_null(0)
    cents = base + number % 500
    text = pl.format("{}.{}", cents // 100, (cents % 100).cast(pl.String).str.zfill(2))
    return frame.with_columns(text.alias("base_rate"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("shifts", type=Path, help="a generated shifts file (CSV)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    args = parser.parse_args(argv)
    frame = pl.read_csv(args.shifts, infer_schema=False)
    rated(frame).write_csv(args.output)
    print(f"{frame.height:,} rows with a base_rate written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

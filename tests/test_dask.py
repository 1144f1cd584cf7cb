"""Shifts on Dask: a cluster of two worker processes on loopback decides a Dask DataFrame
of shifts, and its report equals the one of the same frame decided on one machine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import polars as pl
import pytest
from distributed import Client, LocalCluster

import incentives
import incentives.dask

ROOT = Path(__file__).resolve().parent.parent
WINTER = {
    "timezone": "America/Los_Angeles",
    "windows": [{"start": "2020-10-11T07:00", "end": "2021-03-28T07:00"}],
    "pay_period": {"anchor": "2020-10-04T00:00", "days": 14},
}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two worker processes, one thread each, on 127.0.0.1; stopped after the module."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def agreements() -> list[incentives.Agreement]:
    """Two agreements that look across shifts: an FTE threshold per pay period with a sick
    call that cancels the week and caps, stacked with per-shift tiers."""
    threshold = WINTER | {
        "id": "beyond",
        "title": "Hours beyond the FTE",
        "stacking": "stack",
        "eligibility": {"classifications": ["*"]},
        "extra": {"flag": False, "beyond_fte": True, "scope": "pay_period"},
        "attendance": {"forfeit_on": ["sick"]},
        "limits": {"max_shifts_per_workweek": 2, "max_amount_per_pay_period": "250.00"},
        "payout": [{"per_hour": "10.00"}],
    }
    tiers = WINTER | {
        "id": "tiers",
        "title": "Per-shift tiers",
        "stacking": "stack",
        "eligibility": {"classifications": ["Registered Nurse", "Respiratory Care Practitioner"]},
        "extra": {"flag": True},
        "limits": {"max_amount_total": "600.00"},
        "payout": [
            {
                "tiers": [
                    {"min_hours": 8, "amount": "150.00"},
                    {"min_hours": 12, "amount": "250.00"},
                ]
            }
        ],
    }
    return [incentives.Agreement.model_validate(a) for a in (threshold, tiers)]


def generated(tmp_path: Path, rows: int) -> pd.DataFrame:
    """A generated shifts file (the benchmark's generator, seeded), rows ordered by start
    so that every employee's rows are spread over the partitions, with some rows broken."""
    path = tmp_path / "shifts.csv"
    script = ROOT / "benchmarks" / "generate.py"
    command = [sys.executable, str(script), "--rows", str(rows), "--seed", "3", "-o", str(path)]
    subprocess.run(command, check=True, capture_output=True)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[::97, "start"] = "not a time"
    frame.loc[5::89, "paid"] = "12.345"
    return frame


def test_the_cluster_gives_the_single_machine_report(client: Client, tmp_path: Path) -> None:
    frame = generated(tmp_path, 3000)
    one = incentives.evaluate(agreements(), frame)
    decided = incentives.dask.evaluate(agreements(), dd.from_pandas(frame, npartitions=5))
    rows, totals = decided.compute()
    assert totals == one.totals
    assert pl.from_pandas(rows).equals(one.to_polars())
    # The frame is rich enough for the comparison to say something.
    assert one.totals.errors > 30
    assert one.totals.qualifying > 100
    assert len(one.totals.by_employee) > 100
    adjusted = {a.rule for r in one.rows for o in r.outcomes for a in o.adjustments}
    failed = {r.rule for row in one.rows for o in row.outcomes for r in o.reasons if not r.ok}
    assert {"attendance", "extra"} <= failed
    assert "limit" in adjusted


def test_an_absence_in_another_partition_still_cancels_the_week(client: Client) -> None:
    # The sick call (Tue) and the shift beyond the FTE (Thu) come in different input
    # partitions; the shuffle puts the employee's rows together, so the shift is
    # forfeited. The other member's 12 hours go 4 beyond 0.1 FTE (8 of the pay period's
    # 80 hours) and pay 4 hours at $10.00; the tiers pay neither (no extra flag).
    frame = pd.DataFrame(
        {
            "employee_id": ["E1", "E2", "E1"],
            "classification": ["Registered Nurse"] * 3,
            "start": ["2021-01-05T07:00", "2021-01-05T07:00", "2021-01-07T07:00"],
            "end": ["2021-01-05T19:00", "2021-01-05T19:00", "2021-01-07T19:00"],
            "status": ["sick", "worked", "worked"],
            "fte": ["0.1", "0.1", "0.1"],
            "extra": ["false"] * 3,
        }
    )
    decided = incentives.dask.evaluate(agreements(), dd.from_pandas(frame, npartitions=3))
    rows, totals = decided.compute()
    assert totals.by_employee == {"E1": Decimal("0.00"), "E2": Decimal("40.00")}
    assert rows["line"].tolist() == [1, 1, 2, 2, 3, 3]
    forfeited = rows[(rows["line"] == 3) & (rows["agreement"] == "beyond")]
    assert forfeited["failed"].tolist() == [["attendance"]]


def test_rows_and_totals_each_on_their_own(client: Client) -> None:
    frame = pd.read_csv(ROOT / "examples" / "usw7600-rcp" / "shifts.csv", dtype=str)
    agreement = incentives.load_agreement(ROOT / "examples" / "usw7600-rcp" / "agreement.toml")
    decided = incentives.dask.evaluate([agreement], dd.from_pandas(frame, npartitions=2))
    # The example's table: 1,950.00 due over 15 shifts, 8 of them qualifying.
    totals = decided.totals.compute()
    assert (totals.rows, totals.qualifying, totals.amount) == (15, 8, Decimal("1950.00"))
    rows = decided.rows.compute()
    assert sorted(rows["line"]) == list(range(1, 16))
    assert sum(rows["amount"]) == Decimal("1950.00")


def test_totals_of_parts_are_the_totals_of_the_whole() -> None:
    # The example split in two by member: counts and sums add up, members merge in order.
    example = ROOT / "examples" / "usw7600-rcp"
    agreement = incentives.load_agreement(example / "agreement.toml")
    frame = pd.read_csv(example / "shifts.csv", dtype=str, keep_default_na=False)
    whole = incentives.evaluate([agreement], frame).totals
    late = frame["employee_id"] > "R105"
    parts = [incentives.evaluate([agreement], frame[side]).totals for side in (late, ~late)]
    assert incentives.Totals.of_parts(parts) == whole
    assert list(incentives.Totals.of_parts(parts).by_employee) == sorted(whole.by_employee)
    unclaimed = incentives.evaluate([agreement], frame.drop(columns="paid")).totals
    assert incentives.Totals.of_parts([unclaimed, unclaimed]).paid is None
    assert incentives.Totals.of_parts([unclaimed, unclaimed]).amount == Decimal("3900.00")


def test_a_missing_column_is_refused_before_anything_runs() -> None:
    frame = pd.DataFrame({"classification": ["RN"], "start": ["2021-01-05T07:00"], "fte": ["1"]})
    with pytest.raises(incentives.ShiftFileError) as alone:
        incentives.evaluate(agreements(), frame)
    with pytest.raises(incentives.ShiftFileError) as caught:
        incentives.dask.evaluate(agreements(), dd.from_pandas(frame, npartitions=1))
    assert (caught.value.code, str(caught.value)) == (alone.value.code, str(alone.value))
    assert str(caught.value) == ("<DataFrame>: missing column extra (needed by tiers extra.flag)")


def test_employee_ids_named_otherwise_or_missing(client: Client) -> None:
    # Ids under a header written otherwise are still the ids; without the column every
    # row is an error, as on one machine.
    frame = pd.DataFrame(
        {
            " Employee_ID": ["E1", "E2"],
            "classification": ["RN", "RN"],
            "start": ["2021-01-05T07:00", "2021-01-06T07:00"],
            "end": ["2021-01-05T19:00", "2021-01-06T19:00"],
            "fte": ["1", "1"],
            "extra": ["true", "true"],
        }
    )
    for shifts in (frame, frame.drop(columns=" Employee_ID")):
        one = incentives.evaluate(agreements(), shifts)
        rows, totals = incentives.dask.evaluate(agreements(), dd.from_pandas(shifts, 2)).compute()
        assert totals == one.totals
        assert pl.from_pandas(rows).equals(one.to_polars())
    assert (one.totals.errors, one.errors[0].message) == (2, "employee_id is required and missing")

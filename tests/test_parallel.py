"""``check --jobs N``: the CSV report computed by forked workers, one share of the employees
each, is the serial report byte for byte (every cross-shift rule is per employee)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from strategies import generated_shifts

import incentives
from incentives._cli import cli
from incentives._output import report_csv
from incentives._parallel import can_fork, check_csv, employee_key, partition

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "benchmarks" / "agreements"

needs_fork = pytest.mark.skipif(not can_fork(), reason="worker processes are forked")

# Rows that are errors or special cases, appended to a generated file: a bad time, a
# skipped time (spring forward), a repeated time (fall back), a double claim, an absence,
# the same employee written with extra spaces, and a row with too many values.
TRICKY = [
    "E900001,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2020-11-02T07:00,2020-11-02T19:00,true,worked,30,300.00",
    "E900001,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2020-11-02T18:00,2020-11-03T02:00,true,worked,0,200.00",
    "E900002,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2021-03-14T02:30,2021-03-14T10:00,true,worked,0,0.00",
    "E900002,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2020-11-01T01:30,2020-11-01T09:00,true,worked,0,0.00",
    "E900003,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "not a time,2020-11-03T19:00,true,worked,0,0.00",
    "E900003,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2020-11-04T07:00,2020-11-04T19:00,,sick,0,",
    " E900003 ,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2020-11-05T07:00,2020-11-05T19:00,true,worked,0,300.00",
    "E900004,Registered Nurse,full_time,Los Angeles Medical Center,ICU,1.0,"
    "2020-11-05T07:00,2020-11-05T19:00,true,worked,0,300.00,extra",
]


@pytest.fixture(scope="module")
def shifts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = generated_shifts(tmp_path_factory.mktemp("parallel") / "shifts.csv", 3000, 7)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(TRICKY) + "\n")
    return path


def test_partition_puts_each_row_in_one_part_and_each_employee_in_one_part(
    shifts: Path,
) -> None:
    batch = incentives.read_shifts(shifts)
    parts = partition(batch, 3)
    lines = sorted(r.line for part in parts for r in part.records)
    assert lines == [r.line for r in batch.records]
    owner: dict[str, int] = {}
    for index, part in enumerate(parts):
        for record in part.records:
            assert owner.setdefault(employee_key(record.values), index) == index
    # " E900003 " and "E900003" are one employee, as the engine reads them.
    assert employee_key({"employee_id": " E900003 "}) == employee_key({"employee_id": "E900003"})
    assert all(len(part) > 0 for part in parts)


@needs_fork
@pytest.mark.parametrize("name", ["tiers", "beyond-fte", "prorate", "hourly"])
def test_workers_give_the_serial_report_and_totals(shifts: Path, name: str) -> None:
    agreement = incentives.load_agreement(AGREEMENTS / f"{name}.toml")
    batch = incentives.read_shifts(shifts)
    serial = incentives.evaluate([agreement], batch)
    checked = check_csv([agreement], batch, workers=3)
    assert checked.csv == report_csv(serial)
    assert checked.totals == serial.totals
    # The tricky rows are errors in both: bad time, skipped time, repeated time, double
    # claim and a row with too many values.
    assert checked.totals.errors == 5
    assert checked.totals.rows == 3008
    assert checked.totals.amount == sum(serial.totals.by_employee.values(), Decimal(0))


@needs_fork
def test_check_with_jobs_writes_the_same_file_and_exit_status(shifts: Path, tmp_path: Path) -> None:
    agreement = str(AGREEMENTS / "beyond-fte.toml")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"report-{jobs}.csv"
        result = CliRunner().invoke(
            cli, ["check", "-a", agreement, str(shifts), "-o", str(out), "--jobs", jobs]
        )
        assert result.exit_code == 1, result.output  # some rows are errors
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"line,employee_id,start,end,hours,amount,paid,difference")


@needs_fork
def test_a_file_level_problem_is_reported_once_with_exit_status_two(tmp_path: Path) -> None:
    shifts = tmp_path / "s.csv"
    # The tiers agreement needs the extra flag; the file has no such column.
    shifts.write_text(
        "employee_id,classification,start,end\n"
        "E1,Registered Nurse,2020-11-02T07:00,2020-11-02T19:00\n"
        "E2,Registered Nurse,2020-11-02T07:00,2020-11-02T19:00\n"
    )
    result = CliRunner().invoke(
        cli,
        ["check", "-a", str(AGREEMENTS / "tiers.toml"), str(shifts), "--format", "csv", "-j", "2"],
    )
    assert result.exit_code == 2
    assert result.stderr.count("missing column extra") == 1
    assert result.stdout == ""


def test_jobs_must_be_positive(shifts: Path) -> None:
    result = CliRunner().invoke(
        cli, ["check", "-a", str(AGREEMENTS / "tiers.toml"), str(shifts), "-j", "0"]
    )
    assert result.exit_code == 2
    assert "--jobs must be at least 1" in result.stderr

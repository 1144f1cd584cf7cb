"""The Python API at the engine's speed: ``evaluate`` takes a path, a polars or a pandas
DataFrame as well as a batch or shifts; ``Report.to_polars()`` / ``to_pandas()`` give one
flat row per shift and agreement; ``Report.rows`` is built when first read, and equals the
report's JSON either way.

The example is the USW Local 7600 agreement (examples/usw7600-rcp): line 2 is a 12-hour
extra shift of a Respiratory Care Practitioner inside the window, which pays $300.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import incentives
from incentives.writers.json import report_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "usw7600-rcp"


@pytest.fixture(scope="module")
def agreement() -> incentives.Agreement:
    return incentives.load_agreement(EXAMPLE / "agreement.toml")


@pytest.fixture(scope="module")
def from_file(agreement: incentives.Agreement) -> incentives.Report:
    return incentives.evaluate([agreement], incentives.read_shifts(EXAMPLE / "shifts.csv"))


class TestInputs:
    def test_a_path_is_read_as_read_shifts_reads_it(
        self, agreement: incentives.Agreement, from_file: incentives.Report
    ) -> None:
        for path in (EXAMPLE / "shifts.csv", str(EXAMPLE / "shifts.csv")):
            report = incentives.evaluate([agreement], path)
            assert report.model_dump(mode="json") == from_file.model_dump(mode="json")

    def test_a_polars_frame_of_text_is_a_csv_file(
        self, agreement: incentives.Agreement, from_file: incentives.Report
    ) -> None:
        frame = pl.read_csv(EXAMPLE / "shifts.csv", infer_schema=False)
        report = incentives.evaluate([agreement], frame)
        # Lines are positions in a frame (1, 2, ...), one less than the file's lines.
        got = [(r.line + 1, r.amount, r.qualifies) for r in report.rows]
        want = [(r.line, r.amount, r.qualifies) for r in from_file.rows]
        assert got == want
        assert report.totals == from_file.totals

    def test_a_pandas_frame_with_typed_columns(
        self, agreement: incentives.Agreement, from_file: incentives.Report
    ) -> None:
        text = pd.read_csv(EXAMPLE / "shifts.csv", dtype=str, keep_default_na=False)
        typed = text.assign(
            start=pd.to_datetime(text["start"]).dt.tz_localize("America/Los_Angeles"),
            end=pd.to_datetime(text["end"]).dt.tz_localize("America/Los_Angeles"),
            extra=text["extra"].str.lower().map({"true": True, "yes": True, "false": False}),
        )
        report = incentives.evaluate([agreement], typed)
        assert report.totals.amount == from_file.totals.amount
        assert [r.amount for r in report.rows] == [r.amount for r in from_file.rows]

    def test_polars_datetimes_with_a_zone_are_exact_instants(
        self, agreement: incentives.Agreement
    ) -> None:
        frame = pl.DataFrame(
            {
                "employee_id": ["R1"],
                "classification": ["Respiratory Care Practitioner"],
                "location": ["Riverside Medical Center"],
                # 15:00Z is 07:00 PST on 2020-12-27; 12 hours later is 19:00 PST.
                "start": pl.Series(["2020-12-27T15:00:00"]).str.to_datetime(time_zone="UTC"),
                "end": pl.Series(["2020-12-28T03:00:00"]).str.to_datetime(time_zone="UTC"),
                "extra": [True],
            }
        )
        (row,) = incentives.evaluate([agreement], frame).rows
        assert row.start.isoformat() == "2020-12-27T07:00:00-08:00"
        assert (row.hours, row.amount) == (Decimal("12.00"), Decimal("300.00"))

    def test_fractions_of_a_second_in_a_frame_are_a_row_error(
        self, agreement: incentives.Agreement
    ) -> None:
        frame = pl.DataFrame(
            {
                "employee_id": ["R1"],
                "classification": ["Respiratory Care Practitioner"],
                "location": ["Riverside Medical Center"],
                "start": pl.Series(["2020-12-27T07:00:00.5"]).str.to_datetime(),
                "end": pl.Series(["2020-12-27T19:00:00"]).str.to_datetime(),
                "extra": [True],
            }
        )
        (error,) = incentives.evaluate([agreement], frame).errors
        assert error.field == "start"
        assert "fractions of a second" in error.message


class TestFlatFrame:
    def test_one_row_per_shift_and_agreement_then_the_errors(
        self, from_file: incentives.Report
    ) -> None:
        flat = from_file.to_polars()
        assert flat.height == len(from_file.rows) + len(from_file.errors)
        first = flat.row(0, named=True)
        assert first["line"] == 2
        assert first["agreement"] == "usw7600-rcp"
        assert first["qualifies"] is True
        assert first["amount"] == Decimal("300.00")
        assert first["qualifying_hours"] == Decimal("12.00")
        assert first["failed"] == []
        assert str(first["start"]) == "2020-12-27 07:00:00-08:00"

    def test_amounts_reconcile_with_the_totals(self, from_file: incentives.Report) -> None:
        flat = from_file.to_polars()
        assert flat["amount"].sum() == from_file.totals.amount
        assert flat.filter(pl.col("qualifies"))["line"].n_unique() == from_file.totals.qualifying

    def test_failed_rules_are_the_outcomes(self, from_file: incentives.Report) -> None:
        flat = from_file.to_polars()
        for row in from_file.rows:
            (failed,) = flat.filter(pl.col("line") == row.line)["failed"].to_list()
            assert failed == row.outcomes[0].failed

    def test_a_report_read_back_gives_the_same_frame(self, from_file: incentives.Report) -> None:
        again = incentives.Report.model_validate(from_file.model_dump(mode="json"))
        assert again.to_polars().equals(from_file.to_polars())

    def test_pandas(self, from_file: incentives.Report) -> None:
        frame = from_file.to_pandas()
        assert list(frame.columns) == from_file.to_polars().columns
        assert len(frame) == from_file.to_polars().height


class TestLazyRows:
    def test_rows_built_on_demand_are_the_json_report(
        self, agreement: incentives.Agreement
    ) -> None:
        report = incentives.evaluate([agreement], EXAMPLE / "shifts.csv")
        assert "rows" not in report.__dict__
        text = report_json(report)
        assert json.loads(text) == report.model_dump(mode="json")
        assert report.rows[0].line == 2
        assert report.rows[0].outcomes[0].reasons[0].code == "status.worked"

    def test_equal_reports_compare_equal(self, agreement: incentives.Agreement) -> None:
        a = incentives.evaluate([agreement], EXAMPLE / "shifts.csv")
        b = incentives.evaluate([agreement], EXAMPLE / "shifts.csv")
        assert a == b

    def test_every_reason_has_a_code_and_the_values_it_compared(
        self, from_file: incentives.Report
    ) -> None:
        window = next(r for r in from_file.rows[0].outcomes[0].reasons if r.rule == "window")
        assert window.code == "window.starts_inside"
        assert window.values == {
            "start": "2020-12-27T07:00:00-08:00",
            "window_start": "2020-12-27T07:00:00-08:00",
            "window_end": "2021-01-04T07:00:00-08:00",
        }
        assert window.detail.startswith("starts 2020-12-27 07:00 PST, inside 2020-12-27 07:00 PST")

    def test_stdin_bytes(self, agreement: incentives.Agreement) -> None:
        text = (EXAMPLE / "shifts.csv").read_text(encoding="utf-8")
        batch = incentives.read_shifts(io.StringIO(text))
        assert incentives.evaluate([agreement], batch).totals.rows == len(text.splitlines()) - 1

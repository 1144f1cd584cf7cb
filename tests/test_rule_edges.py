"""Edges of the rules where a wrong answer changes pay and an ordinary case would not show
it: a component added after another, a cap met exactly, shifts that pay nothing under a
shift-count limit, the machine's own time zone, zones at UTC+0, compact ISO times.
Values worked by hand; the agreement is the tests' usual one (America/Los_Angeles, one
window from 2020-12-27 07:00 to 2021-01-04 07:00, 100.00 a shift) unless a test says.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from strategies import esi_agreement

import incentives
from incentives import Agreement, Report, Shift
from incentives.writers.csv import report_csv


def shift(start: str, end: str, **fields: Any) -> Shift:
    values: dict[str, Any] = {"employee_id": "E1", "classification": "RCP", "extra": True}
    values.update(fields)
    return Shift(start=datetime.fromisoformat(start), end=datetime.fromisoformat(end), **values)


def evaluate(agreement: Agreement, *shifts: Shift) -> Report:
    return incentives.evaluate([agreement], list(shifts))


def amounts(report: Report) -> list[Decimal]:
    return [row.amount for row in report.rows]


class TestComponentsAdd:
    def test_a_base_rate_component_after_a_flat_one_adds_to_it(self) -> None:
        # 100.00 + 0.5 × 60.00 × 12 h (360.00) = 460.00.
        agreement = esi_agreement(payout=[{"per_shift": "100.00"}, {"base_rate_multiplier": "0.5"}])
        report = evaluate(
            agreement, shift("2020-12-28T07:00", "2020-12-28T19:00", base_rate=Decimal("60.00"))
        )
        assert amounts(report) == [Decimal("460.00")]

    def test_a_flat_component_after_a_base_rate_one_adds_to_it(self) -> None:
        # 0.5 × 60.00 × 12 h (360.00) + 5.00 × 12 h (60.00) + 100.00 = 520.00.
        agreement = esi_agreement(
            payout=[
                {"base_rate_multiplier": "0.5"},
                {"per_hour": "5.00"},
                {"per_shift": "100.00"},
            ]
        )
        report = evaluate(
            agreement, shift("2020-12-28T07:00", "2020-12-28T19:00", base_rate=Decimal("60.00"))
        )
        assert amounts(report) == [Decimal("520.00")]

    def test_base_rate_multipliers_of_different_decimal_places_add(self) -> None:
        # 0.5 × 40.00 × 12 h = 240.00 and 0.25 × 40.00 × 12 h = 120.00: 360.00.
        agreement = esi_agreement(
            payout=[{"base_rate_multiplier": "0.5"}, {"base_rate_multiplier": "0.25"}]
        )
        report = evaluate(
            agreement, shift("2020-12-28T07:00", "2020-12-28T19:00", base_rate=Decimal("40.00"))
        )
        assert amounts(report) == [Decimal("360.00")]


class TestCaps:
    def test_an_amount_exactly_at_the_per_shift_cap_is_not_cut(self) -> None:
        agreement = esi_agreement(
            payout=[{"per_shift": "300.00"}], limits={"max_amount_per_shift": "300.00"}
        )
        (row,) = evaluate(agreement, shift("2020-12-28T07:00", "2020-12-28T19:00")).rows
        assert row.amount == Decimal("300.00")
        assert row.outcomes[0].adjustments == []

    def test_one_cent_over_the_per_shift_cap_is_cut_by_that_cent(self) -> None:
        agreement = esi_agreement(
            payout=[{"per_shift": "300.01"}], limits={"max_amount_per_shift": "300.00"}
        )
        (row,) = evaluate(agreement, shift("2020-12-28T07:00", "2020-12-28T19:00")).rows
        assert row.amount == Decimal("300.00")
        assert [a.amount for a in row.outcomes[0].adjustments] == [Decimal("-0.01")]

    def test_a_week_exactly_at_its_cap_is_not_cut(self) -> None:
        # 100.00 + 100.00 = 200.00, the cap: nothing removed.
        agreement = esi_agreement(limits={"max_amount_per_workweek": "200.00"})
        report = evaluate(
            agreement,
            shift("2020-12-28T07:00", "2020-12-28T19:00"),
            shift("2020-12-29T07:00", "2020-12-29T19:00"),
        )
        assert amounts(report) == [Decimal("100.00"), Decimal("100.00")]
        assert all(row.outcomes[0].adjustments == [] for row in report.rows)


class TestShiftCount:
    def test_a_shift_that_fails_is_not_a_paid_shift_of_the_week(self) -> None:
        # At most one paid shift a week. Monday is not marked extra (fails, pays 0.00),
        # so Tuesday is the week's first paid shift and pays 100.00.
        agreement = esi_agreement(limits={"max_shifts_per_workweek": 1})
        report = evaluate(
            agreement,
            shift("2020-12-28T07:00", "2020-12-28T19:00", extra=False),
            shift("2020-12-29T07:00", "2020-12-29T19:00"),
        )
        assert amounts(report) == [Decimal("0.00"), Decimal("100.00")]

    def test_a_qualifying_shift_that_earns_nothing_is_not_a_paid_shift(self) -> None:
        # 0.5 × base rate 0.00 = 0.00 on Monday; Tuesday (base 40.00, 12 h) earns
        # 0.5 × 40.00 × 12 = 240.00 and is the week's one paid shift.
        agreement = esi_agreement(
            payout=[{"base_rate_multiplier": "0.5"}], limits={"max_shifts_per_workweek": 1}
        )
        report = evaluate(
            agreement,
            shift("2020-12-28T07:00", "2020-12-28T19:00", base_rate=Decimal("0.00")),
            shift("2020-12-29T07:00", "2020-12-29T19:00", base_rate=Decimal("40.00")),
        )
        assert amounts(report) == [Decimal("0.00"), Decimal("240.00")]


NIGHT = {
    "periods": {"night": "23:00-07:00"},
    "payout": [{"per_shift": "100.00"}, {"per_shift": "50.00", "periods": ["night"]}],
}


@pytest.fixture(params=["Asia/Tokyo", "Asia/Kolkata", "UTC", "America/New_York"])
def machine_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """This process's local time zone set to another one for the test, then restored."""
    zone: str = request.param
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield zone
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


class TestMachineZone:
    def test_day_parts_and_workweeks_are_the_agreement_s_whatever_the_machine_s_zone(
        self, machine_zone: str
    ) -> None:
        # Los Angeles: 23:00-07:00 is a night shift (150.00), 07:00-19:00 is not (100.00),
        # whatever zone the machine is in. Sunday 2021-01-03 07:00 is in a new workweek,
        # so the cap of 150.00 a week cuts only Tuesday (Monday's 150.00 fills the week).
        agreement = esi_agreement(**NIGHT, limits={"max_amount_per_workweek": "150.00"})
        report = evaluate(
            agreement,
            shift("2020-12-28T23:00", "2020-12-29T07:00"),
            shift("2020-12-29T07:00", "2020-12-29T19:00"),
            shift("2021-01-03T07:00", "2021-01-03T19:00"),
        )
        assert amounts(report) == [Decimal("150.00"), Decimal("0.00"), Decimal("100.00")]
        assert [r.start.isoformat() for r in report.rows] == [
            "2020-12-28T23:00:00-08:00",
            "2020-12-29T07:00:00-08:00",
            "2021-01-03T07:00:00-08:00",
        ]

    def test_the_command_line_in_a_zone_east_of_utc(self, tmp_path: Path) -> None:
        agreement = tmp_path / "night.toml"
        agreement.write_text(
            'id = "night"\ntitle = "Night"\ntimezone = "America/Los_Angeles"\n'
            '[[windows]]\nstart = "2020-12-27T07:00"\nend = "2021-01-04T07:00"\n'
            '[eligibility]\nclassifications = ["*"]\n'
            '[periods]\nnight = "23:00-07:00"\n'
            '[[payout]]\nper_shift = "100.00"\n'
            '[[payout]]\nper_shift = "50.00"\nperiods = ["night"]\n',
            encoding="utf-8",
        )
        shifts = tmp_path / "shifts.csv"
        shifts.write_text(
            "employee_id,classification,start,end,extra\n"
            "E1,RCP,2020-12-28T23:00,2020-12-29T07:00,true\n"
            "E1,RCP,2020-12-29T12:00,2020-12-29T20:00,true\n",
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "incentives", "check", "-a", str(agreement)]
        done = subprocess.run(
            [*command, str(shifts), "--format", "csv"],
            capture_output=True,
            text=True,
            env={**os.environ, "TZ": "Asia/Kolkata"},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[1].split(",")[2:6] == [
            "2020-12-28T23:00:00-08:00",
            "2020-12-29T07:00:00-08:00",
            "8.00",
            "150.00",
        ]
        assert lines[2].split(",")[5] == "100.00"


class TestUtcZones:
    def test_a_zone_at_utc_writes_plus_zero_offsets(self) -> None:
        # London in winter is UTC+0: written +00:00 in the CSV report and Z in the JSON,
        # as pydantic writes UTC; never -00:00.
        agreement = esi_agreement(timezone="Europe/London")
        report = evaluate(agreement, shift("2020-12-28T07:00", "2020-12-28T19:00"))
        row = report_csv(report).splitlines()[1].split(",")
        assert row[2:4] == ["2020-12-28T07:00:00+00:00", "2020-12-28T19:00:00+00:00"]
        data = json.loads(report.model_dump_json())
        assert data["rows"][0]["start"] == "2020-12-28T07:00:00Z"
        assert amounts(report) == [Decimal("100.00")]

    def test_a_reason_in_a_zone_at_utc_names_its_abbreviation(self) -> None:
        agreement = esi_agreement(timezone="Europe/London")
        report = evaluate(agreement, shift("2021-01-05T07:00", "2021-01-05T19:00"))
        (window,) = [r for r in report.rows[0].outcomes[0].reasons if r.rule == "window"]
        assert window.detail == (
            "starts 2021-01-05 07:00 GMT, at or after the window's end 2021-01-04 07:00 GMT"
        )


class TestCompactTimes:
    def test_a_compact_iso_time_reads_as_the_extended_one(self) -> None:
        text = (
            "employee_id,classification,start,end,extra\n"
            "E1,RCP,20201228T0700,20201228T1930,true\n"
            "E1,RCP,2020-12-29T07:00,2020-12-29T19:30,true\n"
            "E1,RCP,20201230T070000-0800,20201230T193000-0800,true\n"
        )
        report = incentives.evaluate([esi_agreement()], incentives.read_shifts(io.StringIO(text)))
        assert report.errors == []
        assert [(r.start.isoformat(), r.hours) for r in report.rows] == [
            ("2020-12-28T07:00:00-08:00", Decimal("12.50")),
            ("2020-12-29T07:00:00-08:00", Decimal("12.50")),
            ("2020-12-30T07:00:00-08:00", Decimal("12.50")),
        ]

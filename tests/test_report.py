"""The JSON report (SPEC section 8) as ``report.model_dump(mode="json")`` gives it.

Money and hours are strings with two decimals, times carry the offset in force, rows and
errors come in line order, totals reconcile, and the claim fields appear only when the
shifts file has a ``paid`` column. Expected values are worked out by hand in each test.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from strategies import AMENDED_TEXT, RULES_IN_ORDER, agreement_text

import incentives

LA = "America/Los_Angeles"
NY = "America/New_York"
TWO_PLACES = re.compile(r"^-?\d+\.\d{2}$")

Json = dict[str, Any]


# --------------------------------------------------------------------------- helpers


DST_WINDOWS = (("2020-10-25T00:00", "2020-11-08T00:00"), ("2021-03-07T00:00", "2021-03-21T00:00"))
NIGHTS = agreement_text(id="night-hourly", windows=DST_WINDOWS, payout='per_hour = "10.00"')


def report_for(
    tmp_path: Path,
    shifts: str,
    *agreements: str,
    name: str = "shifts.csv",
    **options: Any,
) -> Json:
    """The JSON report of a shifts file's text against agreement texts."""
    loaded = []
    for i, text in enumerate(agreements or (agreement_text(),)):
        path = tmp_path / f"agreement-{i}.toml"
        path.write_text(text, encoding="utf-8")
        loaded.append(incentives.load_agreement(path))
    shifts_path = tmp_path / name
    shifts_path.write_text(shifts, encoding="utf-8")
    report = incentives.evaluate(loaded, incentives.read_shifts(shifts_path), **options)
    dumped: Json = report.model_dump(mode="json")
    return dumped


def by_line(report: Json) -> dict[int, Json]:
    return {r["line"]: r for r in report["rows"]}


def errors_by_line(report: Json) -> dict[int, Json]:
    return {e["line"]: e for e in report["errors"]}


HEADER = "employee_id,classification,start,end,extra\n"


def shift(employee: str = "E1", day: int = 28, extra: str = "true", hours: int = 12) -> str:
    """A day shift from 7:00 local on 2020-12-DAY, inside the default window."""
    return f"{employee},RCP,2020-12-{day:02d}T07:00,2020-12-{day:02d}T{7 + hours:02d}:00,{extra}\n"


def money_fields(report: Json) -> list[tuple[str, Any]]:
    """Every money or hours value of a report, with where it is."""
    found: list[tuple[str, Any]] = []
    for r in report["rows"]:
        where = f"rows[line {r['line']}]"
        for key in ("hours", "amount", "paid", "difference"):
            if key in r and r[key] is not None:
                found.append((f"{where}.{key}", r[key]))
        for o in r["outcomes"]:
            found.append((f"{where}.{o['agreement']}.qualifying_hours", o["qualifying_hours"]))
            found.append((f"{where}.{o['agreement']}.amount", o["amount"]))
            found += [(f"{where}.adjustment", a["amount"]) for a in o["adjustments"]]
    totals = report["totals"]
    for key in ("amount", "paid", "underpaid", "overpaid"):
        if key in totals:
            found.append((f"totals.{key}", totals[key]))
    found += [(f"totals.by_employee.{k}", v) for k, v in totals["by_employee"].items()]
    return found


def assert_reconciles(report: Json) -> None:
    """SPEC 2.3: totals.amount == sum of row amounts == sum of outcome amounts."""
    rows_sum = sum((Decimal(r["amount"]) for r in report["rows"]), Decimal(0))
    outcomes_sum = sum(
        (Decimal(o["amount"]) for r in report["rows"] for o in r["outcomes"]), Decimal(0)
    )
    assert Decimal(report["totals"]["amount"]) == rows_sum == outcomes_sum
    for r in report["rows"]:
        assert Decimal(r["amount"]) == sum(
            (Decimal(o["amount"]) for o in r["outcomes"]), Decimal(0)
        )
    per_employee: dict[str, Decimal] = {}
    for r in report["rows"]:
        per_employee[r["employee_id"]] = per_employee.get(r["employee_id"], Decimal(0)) + Decimal(
            r["amount"]
        )
    assert {k: Decimal(v) for k, v in report["totals"]["by_employee"].items()} == per_employee


# --------------------------------------------------------------------------- shape


class TestShape:
    def test_the_report_has_the_keys_of_section_8(self, tmp_path: Path) -> None:
        report = report_for(tmp_path, HEADER + shift())
        assert {"agreements", "as_of", "rows", "errors", "totals"} <= set(report)
        assert report["agreements"] == [
            {"id": "flat-100", "title": "Test agreement flat-100", "amendments_applied": []}
        ]
        assert report["as_of"] is None
        assert report["errors"] == []
        assert {"rows", "evaluated", "errors", "qualifying", "amount", "by_employee"} <= set(
            report["totals"]
        )

    def test_a_row_has_its_times_hours_amount_and_outcomes(self, tmp_path: Path) -> None:
        report = report_for(tmp_path, HEADER + shift())
        (row,) = report["rows"]
        assert row["line"] == 2
        assert row["employee_id"] == "E1"
        assert row["start"] == "2020-12-28T07:00:00-08:00"
        assert row["end"] == "2020-12-28T19:00:00-08:00"
        assert row["hours"] == "12.00"
        assert row["amount"] == "100.00"
        (outcome,) = row["outcomes"]
        assert outcome["agreement"] == "flat-100"
        assert outcome["qualifies"] is True
        assert outcome["qualifying_hours"] == "12.00"
        assert outcome["amount"] == "100.00"
        assert outcome["adjustments"] == []
        assert [r["rule"] for r in outcome["reasons"]] == RULES_IN_ORDER
        for reason in outcome["reasons"]:
            assert reason["ok"] is True
            assert isinstance(reason["detail"], str)
            assert reason["detail"]

    def test_every_rule_is_listed_even_after_one_failed(self, tmp_path: Path) -> None:
        agreement = agreement_text(eligibility='classifications = ["Registered Nurse"]')
        agreement = agreement.replace('classifications = ["*"]\n', "")
        # wrong classification, not extra, and outside the window
        text = HEADER + "E1,RCP,2021-01-05T07:00,2021-01-05T19:00,false\n"
        (row,) = report_for(tmp_path, text, agreement)["rows"]
        (outcome,) = row["outcomes"]
        assert [r["rule"] for r in outcome["reasons"]] == RULES_IN_ORDER
        failed = {r["rule"] for r in outcome["reasons"] if not r["ok"]}
        assert {"classification", "extra", "window"} <= failed
        assert outcome["qualifies"] is False
        assert outcome["amount"] == "0.00"
        assert row["amount"] == "0.00"

    def test_an_error_names_its_line_and_field(self, tmp_path: Path) -> None:
        text = HEADER + shift() + shift("E2", 29, "maybe")
        report = report_for(tmp_path, text)
        (error,) = report["errors"]
        assert error["line"] == 3
        assert error["field"] == "extra"
        assert "maybe" in error["message"]

    def test_money_and_hours_are_strings_with_exactly_two_decimals(self, tmp_path: Path) -> None:
        limited = agreement_text(
            id="tiers",
            payout="tiers = [{ min_hours = 8, amount = 150 }, "
            '{ min_hours = 12, amount = "250.5" }]',
            rest="[limits]\nmax_amount_per_shift = 200",
        )
        text = (
            "employee_id,classification,start,end,extra,paid,unpaid_break_minutes\n"
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,200,0\n"
            "E2,RCP,2020-12-28T07:00,2020-12-28T17:20,true,,20\n"
            "E3,RCP,2020-12-28T07:00,2020-12-28T08:00,false,0.5,0\n"
        )
        report = report_for(tmp_path, text, limited)
        fields = money_fields(report)
        assert len(fields) >= 20
        for where, value in fields:
            assert isinstance(value, str), where
            assert TWO_PLACES.match(value), f"{where} = {value!r}"
        rows = by_line(report)
        assert rows[2]["amount"] == "200.00"  # 250.5 cut to 200
        assert rows[2]["outcomes"][0]["adjustments"][0]["amount"] == "-50.50"
        assert rows[3]["hours"] == "10.00"  # 10h20 less a 20 minute break
        assert rows[3]["amount"] == "150.00"
        assert rows[4]["amount"] == "0.00"
        assert rows[4]["paid"] == "0.50"
        assert rows[4]["difference"] == "-0.50"

    def test_whole_number_terms_are_still_written_with_two_decimals(self, tmp_path: Path) -> None:
        agreement = agreement_text(payout="per_shift = 100")
        report = report_for(tmp_path, HEADER + shift(), agreement)
        assert report["rows"][0]["amount"] == "100.00"
        assert report["rows"][0]["outcomes"][0]["amount"] == "100.00"
        assert report["totals"]["amount"] == "100.00"
        assert report["totals"]["by_employee"] == {"E1": "100.00"}

    def test_hours_and_money_are_rounded_half_up(self, tmp_path: Path) -> None:
        # 18 seconds = 0.005 h -> "0.01"; 37.5 minutes = 0.625 h -> "0.63" and at 1.00 an
        # hour pays 0.625 -> "0.63" (half up, not half even).
        agreement = agreement_text(payout='per_hour = "1.00"')
        text = HEADER + (
            "E1,RCP,2020-12-28T07:00:00,2020-12-28T07:00:18,true\n"
            "E2,RCP,2020-12-28T07:00:00,2020-12-28T07:37:30,true\n"
        )
        rows = by_line(report_for(tmp_path, text, agreement))
        assert rows[2]["hours"] == "0.01"
        assert rows[2]["amount"] == "0.01"  # 0.005 hours x 1.00
        assert rows[3]["hours"] == "0.63"
        assert rows[3]["outcomes"][0]["qualifying_hours"] == "0.63"
        assert rows[3]["amount"] == "0.63"


# --------------------------------------------------------------------------- times


class TestTimes:
    def test_a_fall_back_night_shows_both_offsets_and_13_hours(self, tmp_path: Path) -> None:
        text = HEADER + "N1,RN,2020-10-31T19:00,2020-11-01T07:00,true\n"
        (row,) = report_for(tmp_path, text, NIGHTS)["rows"]
        assert row["start"] == "2020-10-31T19:00:00-07:00"
        assert row["end"] == "2020-11-01T07:00:00-08:00"
        assert row["hours"] == "13.00"
        assert row["amount"] == "130.00"

    def test_a_spring_forward_night_shows_both_offsets_and_11_hours(self, tmp_path: Path) -> None:
        text = HEADER + "N1,RN,2021-03-13T19:00,2021-03-14T07:00,true\n"
        (row,) = report_for(tmp_path, text, NIGHTS)["rows"]
        assert row["start"] == "2021-03-13T19:00:00-08:00"
        assert row["end"] == "2021-03-14T07:00:00-07:00"
        assert row["hours"] == "11.00"
        assert row["amount"] == "110.00"

    def test_utc_and_offset_input_is_written_in_the_agreements_zone(self, tmp_path: Path) -> None:
        text = HEADER + (
            "N1,RN,2020-11-01T08:00Z,2020-11-01T16:00Z,true\n"  # 01:00 PDT to 08:00 PST
            "N2,RN,2020-11-03T10:00-05:00,2020-11-03T19:00-05:00,true\n"  # 07:00 to 16:00 PST
        )
        rows = by_line(report_for(tmp_path, text, NIGHTS))
        assert rows[2]["start"] == "2020-11-01T01:00:00-07:00"
        assert rows[2]["end"] == "2020-11-01T08:00:00-08:00"
        assert rows[2]["hours"] == "8.00"
        assert rows[3]["start"] == "2020-11-03T07:00:00-08:00"
        assert rows[3]["end"] == "2020-11-03T16:00:00-08:00"
        assert rows[3]["hours"] == "9.00"

    def test_the_report_uses_the_first_agreements_zone(self, tmp_path: Path) -> None:
        la = agreement_text(id="la-flat")
        ny = agreement_text(id="ny-flat", timezone=NY)
        text = HEADER + "E1,RCP,2020-12-28T15:00Z,2020-12-29T03:00Z,true\n"
        (row,) = report_for(tmp_path, text, ny, la)["rows"]
        assert row["start"] == "2020-12-28T10:00:00-05:00"
        assert row["end"] == "2020-12-28T22:00:00-05:00"
        (row,) = report_for(tmp_path, text, la, ny)["rows"]
        assert row["start"] == "2020-12-28T07:00:00-08:00"
        assert row["end"] == "2020-12-28T19:00:00-08:00"

    def test_a_caller_timezone_reads_naive_times_and_writes_the_report(
        self, tmp_path: Path
    ) -> None:
        text = HEADER + (
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"
            "E2,RCP,2020-12-28T15:00Z,2020-12-29T03:00Z,true\n"
        )
        rows = by_line(report_for(tmp_path, text, timezone="America/Chicago"))
        assert rows[2]["start"] == "2020-12-28T07:00:00-06:00"
        assert rows[2]["end"] == "2020-12-28T19:00:00-06:00"
        assert rows[3]["start"] == "2020-12-28T09:00:00-06:00"
        assert rows[3]["end"] == "2020-12-28T21:00:00-06:00"

    def test_a_caller_timezone_decides_which_instant_a_naive_time_is(self, tmp_path: Path) -> None:
        # The window opens at 07:00 PST = 09:00 CST. 08:00 in Chicago is 06:00 PST,
        # before the window; 08:00 in Los Angeles is inside it.
        text = HEADER + "E1,RCP,2020-12-27T08:00,2020-12-27T20:00,true\n"
        (in_chicago,) = report_for(tmp_path, text, timezone="America/Chicago")["rows"]
        assert in_chicago["amount"] == "0.00"
        failed = [r["rule"] for r in in_chicago["outcomes"][0]["reasons"] if not r["ok"]]
        assert "window" in failed
        (in_la,) = report_for(tmp_path, text)["rows"]
        assert in_la["amount"] == "100.00"
        assert in_la["start"] == "2020-12-27T08:00:00-08:00"

    def test_naive_times_need_a_timezone_when_agreements_differ(self, tmp_path: Path) -> None:
        la = agreement_text(id="la-flat")
        ny = agreement_text(id="ny-flat", timezone=NY)
        text = HEADER + (
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"
            "E2,RCP,2020-12-28T15:00Z,2020-12-29T03:00Z,true\n"
            "E3,RCP,2020-12-29T07:00,2020-12-29T19:00,true\n"
        )
        report = report_for(tmp_path, text, la, ny)
        assert [r["line"] for r in report["rows"]] == [3]
        errors = errors_by_line(report)
        assert sorted(errors) == [2, 4]
        for error in errors.values():
            message = error["message"].replace(" ", "").lower()
            assert "timezone" in message, error["message"]
        # With a time zone given, every row is evaluated, in that zone.
        report = report_for(tmp_path, text, la, ny, timezone=LA)
        assert report["errors"] == []
        assert by_line(report)[2]["start"] == "2020-12-28T07:00:00-08:00"
        assert by_line(report)[4]["start"] == "2020-12-29T07:00:00-08:00"

    def test_the_report_does_not_depend_on_how_instants_are_written(self, tmp_path: Path) -> None:
        limited = agreement_text(
            id="night-hourly",
            windows=DST_WINDOWS,
            payout='per_hour = "10.00"',
            rest='[limits]\nmax_amount_per_workweek = "200.00"',
        )
        naive = HEADER + (
            "N1,RN,2020-10-31T19:00,2020-11-01T07:00,true\n"
            "N1,RN,2020-11-03T07:00,2020-11-03T19:00,true\n"
            "N1,RN,2020-11-04T07:00,2020-11-04T19:00,true\n"
            "N2,RN,2020-11-09T07:00,2020-11-09T19:00,true\n"
        )
        utc = HEADER + (
            "N1,RN,2020-11-01T02:00Z,2020-11-01T15:00Z,true\n"
            "N1,RN,2020-11-03T15:00Z,2020-11-04T03:00Z,true\n"
            "N1,RN,2020-11-04T15:00Z,2020-11-05T03:00Z,true\n"
            "N2,RN,2020-11-09T15:00Z,2020-11-10T03:00Z,true\n"
        )
        plus_two = HEADER + (
            "N1,RN,2020-11-01T04:00+02:00,2020-11-01T17:00+02:00,true\n"
            "N1,RN,2020-11-03T17:00+02:00,2020-11-04T05:00+02:00,true\n"
            "N1,RN,2020-11-04T17:00+02:00,2020-11-05T05:00+02:00,true\n"
            "N2,RN,2020-11-09T17:00+02:00,2020-11-10T05:00+02:00,true\n"
        )
        first = report_for(tmp_path, naive, limited)
        assert [r["amount"] for r in first["rows"]] == ["130.00", "120.00", "80.00", "0.00"]
        for other in (utc, plus_two):
            again = report_for(tmp_path, other, limited)
            assert again["rows"] == first["rows"]
            assert again["totals"] == first["totals"]
            assert again["errors"] == first["errors"] == []


# --------------------------------------------------------------------------- order


class TestOrder:
    def test_rows_and_errors_come_in_line_order(self, tmp_path: Path) -> None:
        text = HEADER + (
            "E2,RCP,2020-12-30T07:00,2020-12-30T19:00,true\n"  # 2
            "E1,RCP,2020-12-29T07:00,2020-12-29T19:00,true\n"  # 3
            "E3,RCP,2020-12-29T07:00,2020-12-29T19:00,maybe\n"  # 4 error
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"  # 5
            "E2,RCP,sometime,2020-12-28T19:00,true\n"  # 6 error
            "E1,RCP,2020-12-28T10:00,2020-12-28T18:00,true\n"  # 7 overlaps line 5
            "E0,RCP,2020-12-27T07:00,2020-12-27T19:00,true\n"  # 8
            "E9,RCP,2020-12-31T07:00\n"  # 9 too few values
        )
        report = report_for(tmp_path, text)
        assert [r["line"] for r in report["rows"]] == [2, 3, 5, 8]
        assert [e["line"] for e in report["errors"]] == [4, 6, 7, 9]
        overlap = errors_by_line(report)[7]
        assert overlap["field"] == "start"
        assert "5" in overlap["message"]


# --------------------------------------------------------------------------- totals


class TestTotals:
    def test_counts_amount_and_by_employee(self, tmp_path: Path) -> None:
        text = "employee_id,classification,start,end,extra,status\n" + (
            "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"  # 2: 100
            "E10,RCP,2020-12-28T07:00,2020-12-28T19:00,false,\n"  # 3: 0, not extra
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"  # 4: 100
            "E1,RCP,2020-12-29T07:00,2020-12-29T19:00,yes,\n"  # 5: 100
            "E3,RCP,2020-12-29T07:00,2020-12-29T19:00,maybe,\n"  # 6: error
            "E5,RCP,2020-12-29T07:00,2020-12-29T19:00,,sick\n"  # 7: absence, 0
            "E1,RCP,2021-01-05T07:00,2021-01-05T19:00,true,\n"  # 8: after the window, 0
        )
        report = report_for(tmp_path, text)
        totals = report["totals"]
        assert totals["rows"] == 7
        assert totals["evaluated"] == 6
        assert totals["errors"] == 1
        assert totals["qualifying"] == 3
        assert totals["amount"] == "300.00"
        assert totals["by_employee"] == {
            "E1": "200.00",
            "E10": "0.00",
            "E2": "100.00",
            "E5": "0.00",
        }
        assert list(totals["by_employee"]) == ["E1", "E10", "E2", "E5"]  # sorted by id
        assert_reconciles(report)

    def test_qualifying_counts_rows_not_outcomes(self, tmp_path: Path) -> None:
        a = agreement_text(id="a-flat", top='stacking = "stack"')
        b = agreement_text(id="b-rn", top='stacking = "stack"', payout='per_shift = "50.00"')
        b = b.replace('classifications = ["*"]', 'classifications = ["RN"]')
        text = HEADER + (
            "E1,RN,2020-12-28T07:00,2020-12-28T19:00,true\n"  # both qualify: 150
            "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"  # only a-flat: 100
            "E3,RCP,2020-12-28T07:00,2020-12-28T19:00,false\n"  # neither
        )
        report = report_for(tmp_path, text, a, b)
        assert report["totals"]["qualifying"] == 2
        assert [r["amount"] for r in report["rows"]] == ["150.00", "100.00", "0.00"]
        assert report["totals"]["amount"] == "250.00"
        assert_reconciles(report)

    def test_amounts_reconcile_with_limits_and_stacking(self, tmp_path: Path) -> None:
        exclusive_a = agreement_text(id="a-flat", payout='per_shift = "100.00"')
        exclusive_b = agreement_text(id="b-hourly", payout='per_hour = "9.99"')
        stacked = agreement_text(
            id="c-tiers",
            top='stacking = "stack"',
            payout='tiers = [{ min_hours = 4, amount = "33.33" }, { min_hours = 12, amount = 70 }]',
            rest='[limits]\nmax_amount_per_workweek = "120.00"',
        )
        text = HEADER + "".join(
            shift(f"E{i % 3}", 28 + i % 4, "true" if i % 5 else "false", 4 + i % 9)
            for i in range(12)
        )
        report = report_for(tmp_path, text, exclusive_a, exclusive_b, stacked)
        assert report["errors"] == []
        assert_reconciles(report)
        assert Decimal(report["totals"]["amount"]) > 0

    def test_a_stacking_loser_still_qualifies_and_pays_nothing(self, tmp_path: Path) -> None:
        a = agreement_text(id="a-flat", payout='per_shift = "100.00"')
        b = agreement_text(id="b-flat", payout='per_shift = "150.00"')
        report = report_for(tmp_path, HEADER + shift(), a, b)
        (row,) = report["rows"]
        outcomes = {o["agreement"]: o for o in row["outcomes"]}
        assert row["amount"] == "150.00"
        assert outcomes["b-flat"]["amount"] == "150.00"
        assert outcomes["a-flat"]["qualifies"] is True
        assert outcomes["a-flat"]["amount"] == "0.00"
        (adjustment,) = outcomes["a-flat"]["adjustments"]
        assert adjustment["rule"] == "stacking"
        assert adjustment["amount"] == "-100.00"
        assert "b-flat" in adjustment["detail"]
        assert report["totals"]["qualifying"] == 1
        assert report["totals"]["amount"] == "150.00"

    def test_a_limit_records_an_adjustment(self, tmp_path: Path) -> None:
        agreement = agreement_text(
            payout='tiers = [{ min_hours = 8, amount = "150.00" }, { min_hours = 12, amount = '
            '"250.00" }]',
            rest='[limits]\nmax_amount_per_shift = "200.00"',
        )
        report = report_for(tmp_path, HEADER + shift(), agreement)
        (outcome,) = report["rows"][0]["outcomes"]
        assert outcome["amount"] == "200.00"
        (adjustment,) = outcome["adjustments"]
        assert {"rule", "detail", "amount"} <= set(adjustment)
        assert adjustment["rule"] == "limit"
        assert adjustment["amount"] == "-50.00"
        assert isinstance(adjustment["detail"], str)

    def test_an_empty_file_has_zero_totals(self, tmp_path: Path) -> None:
        report = report_for(tmp_path, HEADER)
        assert report["rows"] == []
        assert report["errors"] == []
        totals = report["totals"]
        assert (totals["rows"], totals["evaluated"], totals["errors"]) == (0, 0, 0)
        assert totals["qualifying"] == 0
        assert totals["amount"] == "0.00"
        assert totals["by_employee"] == {}


# --------------------------------------------------------------------------- claims


CLAIMS = "employee_id,classification,start,end,extra,paid\n" + (
    "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,60.00\n"  # 2: 100 - 60 = 40.00
    "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,100\n"  # 3: 0.00
    "E3,RCP,2020-12-28T07:00,2020-12-28T19:00,false,25.50\n"  # 4: 0 - 25.50 = -25.50
    "E4,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"  # 5: no paid
    "E5,RCP,2020-12-28T07:00,2020-12-28T19:00,true,130.00\n"  # 6: 100 - 130 = -30.00
    "E6,RCP,2020-12-28T07:00,2020-12-28T19:00,maybe,999.00\n"  # 7: error
)


class TestClaims:
    def test_without_a_paid_column_there_are_no_claim_fields(self, tmp_path: Path) -> None:
        report = report_for(tmp_path, HEADER + shift() + shift("E2", 29, "no"))
        for row in report["rows"]:
            assert "paid" not in row
            assert "difference" not in row
        for key in ("paid", "underpaid", "overpaid"):
            assert key not in report["totals"]

    def test_with_a_paid_column_rows_have_paid_and_difference(self, tmp_path: Path) -> None:
        rows = by_line(report_for(tmp_path, CLAIMS))
        assert (rows[2]["paid"], rows[2]["difference"]) == ("60.00", "40.00")
        assert (rows[3]["paid"], rows[3]["difference"]) == ("100.00", "0.00")
        assert (rows[4]["paid"], rows[4]["difference"]) == ("25.50", "-25.50")
        assert (rows[6]["paid"], rows[6]["difference"]) == ("130.00", "-30.00")

    def test_an_empty_paid_cell_gives_null_paid_and_difference(self, tmp_path: Path) -> None:
        row = by_line(report_for(tmp_path, CLAIMS))[5]
        assert "paid" in row
        assert "difference" in row
        assert row["paid"] is None
        assert row["difference"] is None
        assert row["amount"] == "100.00"

    def test_claim_totals(self, tmp_path: Path) -> None:
        report = report_for(tmp_path, CLAIMS)
        totals = report["totals"]
        # paid over evaluated rows only (line 7 is an error): 60 + 100 + 25.50 + 130
        assert totals["paid"] == "315.50"
        assert totals["underpaid"] == "40.00"
        assert totals["overpaid"] == "55.50"  # 25.50 + 30.00
        assert totals["amount"] == "400.00"
        assert totals["errors"] == 1
        assert_reconciles(report)

    def test_a_paid_column_with_every_cell_empty_still_gives_claim_fields(
        self, tmp_path: Path
    ) -> None:
        text = "employee_id,classification,start,end,extra,paid\n"
        text += "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"
        report = report_for(tmp_path, text)
        assert report["rows"][0]["paid"] is None
        assert report["rows"][0]["difference"] is None
        assert report["totals"]["paid"] == "0.00"
        assert report["totals"]["underpaid"] == "0.00"
        assert report["totals"]["overpaid"] == "0.00"


# --------------------------------------------------------------------------- as_of


AMENDED = AMENDED_TEXT


class TestAsOf:
    @pytest.mark.parametrize(
        ("as_of", "shown", "applied", "amount"),
        [
            (None, None, 1, "100.00"),
            ("2021-01-28", "2021-01-28", 0, "0.00"),
            ("2021-01-29", "2021-01-29", 1, "100.00"),
        ],
    )
    def test_as_of_and_the_amendments_applied(
        self, tmp_path: Path, as_of: str | None, shown: str | None, applied: int, amount: str
    ) -> None:
        text = HEADER + "E1,RCP,2021-01-10T07:00,2021-01-10T19:00,true\n"
        day = None if as_of is None else date.fromisoformat(as_of)
        report = report_for(tmp_path, text, AMENDED, as_of=day)
        assert report["as_of"] == shown
        (summary,) = report["agreements"]
        assert summary["id"] == "amended"
        expected = [
            {"adopted": "2021-01-29", "summary": "Extended until 7:00 a.m. February 15, 2021"}
        ]
        assert summary["amendments_applied"] == expected[:applied]
        assert report["rows"][0]["amount"] == amount


def test_trusted_models_are_what_model_construct_makes() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from incentives._report import Outcome, Reason, RowResult, trusted

    reason = Reason(rule="window", ok=True, detail="inside")
    values: dict[str, Any] = {
        "agreement": "a",
        "qualifies": True,
        "qualifying_hours": Decimal("12.00"),
        "amount": Decimal("300.00"),
        "reasons": [reason],
        "adjustments": [],
        "day_part": None,
    }
    fast = trusted(Outcome, **values)
    slow = Outcome.model_construct(**values)
    assert fast == slow
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.failed == []
    row: dict[str, Any] = {
        "line": 2,
        "employee_id": "E1",
        "classification": "RN",
        "status": "worked",
        "start": datetime(2020, 12, 27, 15, tzinfo=UTC),
        "end": datetime(2020, 12, 28, 3, tzinfo=UTC),
        "hours": Decimal("12.00"),
        "amount": Decimal("300.00"),
        "outcomes": [fast],
        "paid": None,
        "difference": None,
    }
    assert (
        trusted(RowResult, **row).model_dump_json()
        == RowResult.model_construct(**row).model_dump_json()
    )


@pytest.mark.parametrize("folder", ["usw7600-rcp", "unac-uhcp-2020-07"])
def test_a_report_read_back_from_its_json_writes_the_same_csv(folder: str) -> None:
    # A report validated from JSON has no engine frames behind it: its CSV is made from
    # its models, and must be the engine's, byte for byte (claims, errors, rows in order).
    from incentives.writers.csv import report_csv
    from incentives.writers.json import report_json

    root = Path(__file__).resolve().parent.parent / "examples" / folder
    agreements = [incentives.load_agreement(p) for p in sorted(root.glob("agreement*.toml"))]
    report = incentives.evaluate(agreements, incentives.read_shifts(root / "shifts.csv"))
    again = incentives.Report.model_validate_json(report_json(report))
    assert again._decided is None
    assert report_csv(again) == report_csv(report)

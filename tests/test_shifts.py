"""Reading shifts files (SPEC section 4): CSV and JSON Lines, row errors, file errors.

Every expectation here comes from the contract (SPEC sections 1, 2 and 4) or is worked out
by hand from the shifts written in the test.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from strategies import RULES_IN_ORDER, agreement_text

import incentives
from incentives import Agreement, Report, RowError, RowResult, ShiftFileError

LA = "America/Los_Angeles"


# --------------------------------------------------------------------------- helpers


def load(tmp_path: Path, text: str | None = None, name: str = "agreement.toml") -> Agreement:
    path = tmp_path / name
    path.write_text(agreement_text() if text is None else text, encoding="utf-8")
    return incentives.load_agreement(path)


def write(tmp_path: Path, text: str, name: str = "shifts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def check(
    tmp_path: Path, shifts: str, agreement: str | None = None, name: str = "shifts.csv"
) -> Report:
    """Evaluate a shifts file's text against one agreement."""
    batch = incentives.read_shifts(write(tmp_path, shifts, name))
    return incentives.evaluate([load(tmp_path, agreement)], batch)


def row(report: Report, line: int) -> RowResult:
    found = [r for r in report.rows if r.line == line]
    assert len(found) == 1, f"line {line} is not an evaluated row: {report.errors}"
    return found[0]


def error(report: Report, line: int) -> RowError:
    found = [e for e in report.errors if e.line == line]
    assert len(found) == 1, f"line {line} is not an error: rows {[r.line for r in report.rows]}"
    return found[0]


def lines_of(report: Report) -> list[int]:
    """Every line in the report, rows and errors together, sorted."""
    return sorted([r.line for r in report.rows] + [e.line for e in report.errors])


def failed(result: RowResult, agreement: str = "flat-100") -> list[str]:
    outcome = next(o for o in result.outcomes if o.agreement == agreement)
    return [r.rule for r in outcome.reasons if not r.ok]


def assert_each_line_once(report: Report, expected: list[int]) -> None:
    """SPEC 4: every data row appears in the report exactly once, in rows or in errors."""
    everything = [r.line for r in report.rows] + [e.line for e in report.errors]
    assert sorted(everything) == expected
    assert len(set(everything)) == len(everything)
    assert report.totals.rows == len(expected)
    assert report.totals.evaluated == len(report.rows)
    assert report.totals.errors == len(report.errors)


HEADER = "employee_id,classification,start,end,extra\n"


def shift(employee: str = "E1", day: int = 28, extra: str = "true") -> str:
    """A 12-hour day shift, 7:00 to 19:00 local, inside the window."""
    return f"{employee},RCP,2020-12-{day:02d}T07:00,2020-12-{day:02d}T19:00,{extra}\n"


# --------------------------------------------------------------------------- CSV layout


class TestCsvLayout:
    def test_a_byte_order_mark_before_the_header_is_tolerated(self, tmp_path: Path) -> None:
        path = tmp_path / "shifts.csv"
        path.write_bytes(b"\xef\xbb\xbf" + (HEADER + shift()).encode("utf-8"))
        report = incentives.evaluate([load(tmp_path)], incentives.read_shifts(path))
        assert report.errors == []
        assert row(report, 2).employee_id == "E1"
        assert row(report, 2).amount == Decimal("100.00")

    def test_a_byte_order_mark_in_an_open_stream_is_tolerated(self, tmp_path: Path) -> None:
        batch = incentives.read_shifts(io.StringIO("\ufeff" + HEADER + shift()))
        report = incentives.evaluate([load(tmp_path)], batch)
        assert report.errors == []
        assert row(report, 2).amount == Decimal("100.00")

    def test_quoted_fields_keep_their_commas(self, tmp_path: Path) -> None:
        text = HEADER + '"E1","RCP, Senior","2020-12-28T07:00","2020-12-28T19:00","TRUE"\n'
        report = check(tmp_path, text, agreement_text(eligibility=""))
        assert row(report, 2).employee_id == "E1"
        assert row(report, 2).amount == Decimal("100.00")

    def test_a_quoted_comma_is_part_of_the_classification_matched(self, tmp_path: Path) -> None:
        agreement = agreement_text().replace('["*"]', '["RCP, Senior"]')
        text = (
            HEADER
            + '"E1","RCP, Senior",2020-12-28T07:00,2020-12-28T19:00,true\n'
            + "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,true\n"
        )
        report = check(tmp_path, text, agreement)
        assert row(report, 2).amount == Decimal("100.00")
        assert failed(row(report, 3)) == ["classification"]

    def test_a_record_with_a_quoted_newline_is_numbered_by_its_first_line(
        self, tmp_path: Path
    ) -> None:
        text = (
            "employee_id,classification,start,end,extra,notes\n"  # line 1
            + 'E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,"first\nsecond"\n'  # lines 2-3
            + "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,true,plain\n"  # line 4
            + 'E3,RCP,2020-12-30T07:00,2020-12-30T19:00,maybe,"a\nb\nc"\n'  # lines 5-7
            + "E4,RCP,2020-12-31T07:00,2020-12-31T19:00,true,\n"  # line 8
        )
        report = check(tmp_path, text)
        assert [r.line for r in report.rows] == [2, 4, 8]
        assert row(report, 2).employee_id == "E1"
        assert row(report, 4).employee_id == "E2"
        assert row(report, 8).employee_id == "E4"
        assert error(report, 5).field == "extra"
        assert_each_line_once(report, [2, 4, 5, 8])

    def test_columns_may_come_in_any_order(self, tmp_path: Path) -> None:
        text = "extra,end,employee_id,start,classification\n"
        text += "yes,2020-12-28T19:00,E1,2020-12-28T07:00,RCP\n"
        report = check(tmp_path, text)
        result = row(report, 2)
        assert result.employee_id == "E1"
        assert result.hours == Decimal("12.00")
        assert result.amount == Decimal("100.00")

    def test_unknown_columns_are_ignored_and_kept_out_of_the_report(self, tmp_path: Path) -> None:
        text = "employee_id,manager_note,classification,start,end,extra,cost_centre\n"
        text += "E1,SECRET-NOTE-123,RCP,2020-12-28T07:00,2020-12-28T19:00,true,CC-987654\n"
        report = check(tmp_path, text)
        assert row(report, 2).amount == Decimal("100.00")
        dumped = report.model_dump_json()
        assert "SECRET-NOTE-123" not in dumped
        assert "manager_note" not in dumped
        assert "CC-987654" not in dumped
        assert "cost_centre" not in dumped

    def test_header_names_ignore_case_and_surrounding_spaces(self, tmp_path: Path) -> None:
        text = " Employee_ID ,CLASSIFICATION, Start,End , Extra\n" + shift()
        report = check(tmp_path, text)
        assert report.errors == []
        assert row(report, 2).employee_id == "E1"
        assert row(report, 2).amount == Decimal("100.00")

    def test_blank_lines_are_skipped_but_still_counted(self, tmp_path: Path) -> None:
        text = HEADER + "\n" + shift("E1", 28) + "\n\n" + shift("E2", 29) + "\n"
        report = check(tmp_path, text)
        # line 1 header, 2 blank, 3 E1, 4 and 5 blank, 6 E2, 7 blank
        assert [r.line for r in report.rows] == [3, 6]
        assert row(report, 3).employee_id == "E1"
        assert row(report, 6).employee_id == "E2"
        assert_each_line_once(report, [3, 6])

    def test_windows_line_endings_give_the_same_line_numbers(self, tmp_path: Path) -> None:
        text = (HEADER + shift("E1", 28) + shift("E2", 29)).replace("\n", "\r\n")
        report = check(tmp_path, text)
        assert [r.line for r in report.rows] == [2, 3]
        assert row(report, 3).employee_id == "E2"

    def test_windows_line_endings_inside_a_quoted_field_count_as_one_line(
        self, tmp_path: Path
    ) -> None:
        text = (
            "employee_id,classification,start,end,extra,notes\r\n"  # 1
            + 'E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,"a\r\nb"\r\n'  # 2-3
            + "\r\n"  # 4
            + "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,true,x\r\n"  # 5
        )
        report = check(tmp_path, text)
        assert [r.line for r in report.rows] == [2, 5]

    def test_a_file_that_is_not_utf8_is_a_file_error(self, tmp_path: Path) -> None:
        path = tmp_path / "shifts.csv"
        path.write_bytes((HEADER + shift("Jos\xe9")).encode("latin-1"))
        with pytest.raises(ShiftFileError, match="UTF-8"):
            incentives.read_shifts(path)

    def test_a_row_with_too_few_values_is_an_error_of_that_row(self, tmp_path: Path) -> None:
        text = HEADER + shift("E1", 28) + "E2,RCP,2020-12-29T07:00\n" + shift("E3", 30)
        report = check(tmp_path, text)
        error(report, 3)
        assert row(report, 2).amount == Decimal("100.00")
        assert row(report, 4).amount == Decimal("100.00")
        assert_each_line_once(report, [2, 3, 4])

    def test_a_row_with_too_many_values_is_an_error_of_that_row(self, tmp_path: Path) -> None:
        text = (
            HEADER
            + shift("E1", 28)
            + "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,true,surplus\n"
            + shift("E3", 30)
        )
        report = check(tmp_path, text)
        error(report, 3)
        assert [r.line for r in report.rows] == [2, 4]
        assert_each_line_once(report, [2, 3, 4])

    def test_every_data_row_appears_exactly_once(self, tmp_path: Path) -> None:
        text = (
            HEADER  # 1
            + shift("E1", 28)  # 2 ok
            + ",RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"  # 3 no employee
            + "\n"  # 4 blank
            + "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,perhaps\n"  # 5 bad boolean
            + "E3,RCP,2020-12-28T07:00\n"  # 6 too few values
            + shift("E4", 29, "false")  # 7 ok, not extra
            + "E5,RCP,yesterday,2020-12-28T19:00,true\n"  # 8 bad time
            + shift("E6", 30)  # 9 ok
        )
        report = check(tmp_path, text)
        assert [r.line for r in report.rows] == [2, 7, 9]
        assert [e.line for e in report.errors] == [3, 5, 6, 8]
        assert_each_line_once(report, [2, 3, 5, 6, 7, 8, 9])


# --------------------------------------------------------------------------- empty cells


class TestEmptyCells:
    def test_empty_optional_cells_take_their_defaults(self, tmp_path: Path) -> None:
        text = (
            "employee_id,classification,start,end,extra,status,unpaid_break_minutes,"
            "employer,location,unit,fte,approved,base_rate,employment_status\n"
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,,,,,,,,,\n"
        )
        report = check(tmp_path, text)
        result = row(report, 2)
        assert result.hours == Decimal("12.00")  # no unpaid break
        assert result.amount == Decimal("100.00")  # status worked
        assert failed(result) == []

    @pytest.mark.parametrize(
        ("text", "field"),
        [
            (",RCP,2020-12-28T07:00,2020-12-28T19:00,true\n", "employee_id"),
            ("E1,,2020-12-28T07:00,2020-12-28T19:00,true\n", "classification"),
            ("E1,RCP,,2020-12-28T19:00,true\n", "start"),
            ("E1,RCP,2020-12-28T07:00,,true\n", "end"),
            ("E1,RCP,2020-12-28T07:00,2020-12-28T19:00,\n", "extra"),
            ("  ,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n", "employee_id"),
        ],
    )
    def test_an_empty_required_cell_is_an_error_naming_the_field(
        self, tmp_path: Path, text: str, field: str
    ) -> None:
        report = check(tmp_path, HEADER + text + shift("E9", 29))
        assert error(report, 2).field == field
        assert row(report, 3).amount == Decimal("100.00")
        assert_each_line_once(report, [2, 3])

    def test_a_column_required_only_by_a_filter_is_required_when_empty(
        self, tmp_path: Path
    ) -> None:
        agreement = agreement_text(eligibility='employers = ["SCPMG"]')
        text = (
            "employee_id,classification,employer,start,end,extra\n"
            "E1,RCP,,2020-12-28T07:00,2020-12-28T19:00,true\n"
            "E2,RCP,scpmg,2020-12-28T07:00,2020-12-28T19:00,true\n"
        )
        report = check(tmp_path, text, agreement)
        assert error(report, 2).field == "employer"
        assert row(report, 3).amount == Decimal("100.00")


# --------------------------------------------------------------------------- booleans


class TestBooleans:
    @pytest.mark.parametrize(
        "word", ["true", "TRUE", "True", "yes", "YES", "Yes", "y", "Y", "1", " true "]
    )
    def test_true_words(self, tmp_path: Path, word: str) -> None:
        report = check(tmp_path, HEADER + shift(extra=word))
        assert failed(row(report, 2)) == []
        assert row(report, 2).amount == Decimal("100.00")

    @pytest.mark.parametrize("word", ["false", "FALSE", "False", "no", "NO", "No", "n", "N", "0"])
    def test_false_words(self, tmp_path: Path, word: str) -> None:
        report = check(tmp_path, HEADER + shift(extra=word))
        assert failed(row(report, 2)) == ["extra"]
        assert row(report, 2).amount == Decimal("0.00")

    @pytest.mark.parametrize("word", ["maybe", "2", "t", "ja", "yes please", "1.0"])
    def test_other_words_are_an_error_of_field_extra(self, tmp_path: Path, word: str) -> None:
        report = check(tmp_path, HEADER + shift("E1", 28, word) + shift("E2", 29))
        assert error(report, 2).field == "extra"
        assert row(report, 3).amount == Decimal("100.00")

    def test_approved_reads_the_same_words(self, tmp_path: Path) -> None:
        agreement = agreement_text(eligibility="requires_approval = true")
        text = (
            "employee_id,classification,start,end,extra,approved\n"
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,Y\n"
            "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,no\n"
            "E3,RCP,2020-12-28T07:00,2020-12-28T19:00,true,maybe\n"
        )
        report = check(tmp_path, text, agreement)
        assert row(report, 2).amount == Decimal("100.00")
        assert failed(row(report, 3)) == ["approval"]
        assert error(report, 4).field == "approved"


# --------------------------------------------------------------------------- numbers


BEYOND_FTE = agreement_text(
    id="beyond",
    extra="flag = false\nbeyond_fte = true\nhours_per_fte = 40",
    payout='per_hour = "10.00"',
)
FTE_HEADER = "employee_id,classification,start,end,fte\n"


class TestDecimals:
    def test_fte_is_read_as_an_exact_decimal(self, tmp_path: Path) -> None:
        # 0.9 FTE x 40 = 36 hours; 20 + 20 hours in the workweek: 4 hours beyond.
        text = (
            FTE_HEADER
            + "F1,RCP,2020-12-28T00:00,2020-12-28T20:00,0.9\n"
            + "F1,RCP,2020-12-29T00:00,2020-12-29T20:00,0.9\n"
        )
        report = check(tmp_path, text, BEYOND_FTE)
        assert report.errors == []
        assert "extra" in failed(row(report, 2), "beyond")  # 20 hours, none beyond 36
        second = row(report, 3).outcomes[0]
        assert second.qualifies
        assert second.qualifying_hours == Decimal("4.00")
        assert second.amount == Decimal("40.00")

    @pytest.mark.parametrize("value", ["abc", "0,9", "nine tenths", "1..0"])
    def test_an_fte_that_is_not_a_number_is_an_error_of_field_fte(
        self, tmp_path: Path, value: str
    ) -> None:
        text = FTE_HEADER + f'F1,RCP,2020-12-28T07:00,2020-12-28T19:00,"{value}"\n'
        text += "F2,RCP,2020-12-28T07:00,2020-12-28T19:00,0.1\n"
        report = check(tmp_path, text, BEYOND_FTE)
        assert error(report, 2).field == "fte"
        # 0.1 FTE x 40 = 4 hours: 8 of the 12 hours are beyond.
        assert row(report, 3).outcomes[0].qualifying_hours == Decimal("8.00")
        assert row(report, 3).amount == Decimal("80.00")

    def test_an_empty_fte_is_an_error_when_beyond_fte_needs_it(self, tmp_path: Path) -> None:
        text = FTE_HEADER + "F1,RCP,2020-12-28T07:00,2020-12-28T19:00,\n"
        report = check(tmp_path, text, BEYOND_FTE)
        assert error(report, 2).field == "fte"


BREAK_HEADER = "employee_id,classification,start,end,extra,unpaid_break_minutes\n"


class TestUnpaidBreak:
    def test_a_break_in_whole_minutes_is_taken_off_the_hours(self, tmp_path: Path) -> None:
        text = BREAK_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,30\n"
        report = check(tmp_path, text)
        assert row(report, 2).hours == Decimal("11.50")

    @pytest.mark.parametrize("value", ["-5", "1.5", "thirty", "30m", "²", "３０"])
    def test_a_break_that_is_not_a_whole_number_of_minutes_is_an_error(
        self, tmp_path: Path, value: str
    ) -> None:
        text = BREAK_HEADER + f"E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,{value}\n"
        text += "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,0\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == "unpaid_break_minutes"
        assert row(report, 3).hours == Decimal("12.00")

    @pytest.mark.parametrize("minutes", ["720", "721", "1000"])
    def test_a_break_not_shorter_than_the_shift_is_an_error(
        self, tmp_path: Path, minutes: str
    ) -> None:
        text = BREAK_HEADER + f"E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,{minutes}\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == "unpaid_break_minutes"

    def test_a_break_one_minute_shorter_than_the_shift_leaves_one_minute(
        self, tmp_path: Path
    ) -> None:
        text = BREAK_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,719\n"
        report = check(tmp_path, text)
        assert row(report, 2).hours == Decimal("0.02")  # 1/60 hour, two places half up


PAID_HEADER = "employee_id,classification,start,end,extra,paid\n"


class TestLimitsOfRange:
    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            ("1899-12-31T07:00", "1899-12-31T19:00", "start"),
            ("0001-01-01T07:00", "0001-01-01T19:00", "start"),
            ("2199-12-31T19:00Z", "2200-01-01T07:00Z", "end"),
        ],
    )
    def test_a_time_outside_the_years_1900_to_2199_is_an_error(
        self, tmp_path: Path, start: str, end: str, field: str
    ) -> None:
        text = BREAK_HEADER + f"E1,RCP,{start},{end},true,0\n"
        text += "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,0\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == field
        assert "outside the years 1900 to 2199" in error(report, 2).message
        assert row(report, 3).hours == Decimal("12.00")

    @pytest.mark.parametrize("value", ["1e30", "1000000000000", "-92233720368547758.07"])
    def test_a_paid_amount_of_thirteen_digits_or_more_is_an_error(
        self, tmp_path: Path, value: str
    ) -> None:
        text = PAID_HEADER + f"E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,{value}\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == "paid"
        assert "too large (at most 12 digits)" in error(report, 2).message

    def test_a_paid_amount_of_twelve_digits_is_read(self, tmp_path: Path) -> None:
        text = PAID_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,999999999999.99\n"
        report = check(tmp_path, text)
        assert row(report, 2).paid == Decimal("999999999999.99")


class TestPaid:
    def test_paid_in_fractions_of_a_cent_is_an_error(self, tmp_path: Path) -> None:
        text = PAID_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,10.005\n"
        text += "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,true,10.5\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == "paid"
        assert row(report, 3).paid == Decimal("10.50")
        assert row(report, 3).difference == Decimal("89.50")

    def test_paid_that_is_not_a_number_is_an_error(self, tmp_path: Path) -> None:
        text = PAID_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,ten dollars\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == "paid"


STATUS_HEADER = "employee_id,classification,start,end,extra,status\n"


class TestStatus:
    def test_an_empty_status_is_worked(self, tmp_path: Path) -> None:
        text = STATUS_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"
        report = check(tmp_path, text)
        assert row(report, 2).amount == Decimal("100.00")

    def test_worked_is_recognised_in_any_case(self, tmp_path: Path) -> None:
        text = STATUS_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true, WORKED \n"
        report = check(tmp_path, text)
        assert failed(row(report, 2)) == []
        assert row(report, 2).amount == Decimal("100.00")

    def test_a_capitalised_absence_is_normalised(self, tmp_path: Path) -> None:
        agreement = agreement_text(attendance='forfeit_on = ["sick"]')
        text = (
            STATUS_HEADER
            + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,worked\n"
            + "E1,RCP,2020-12-29T07:00,2020-12-29T19:00,,Sick\n"
            + "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,worked\n"
        )
        report = check(tmp_path, text, agreement)
        absence = row(report, 3)
        assert "status" in failed(absence)
        assert absence.amount == Decimal("0.00")
        # "Sick" is the status "sick" listed in forfeit_on: E1's worked shift in the same
        # workweek is forfeited, and the reason names line 3.
        worked = row(report, 2)
        assert failed(worked) == ["attendance"]
        attendance = next(r for r in worked.outcomes[0].reasons if r.rule == "attendance")
        assert "3" in attendance.detail
        assert row(report, 4).amount == Decimal("100.00")

    def test_an_absence_row_needs_only_the_four_basic_columns(self, tmp_path: Path) -> None:
        agreement = agreement_text(
            eligibility='employers = ["SCPMG"]\nrequires_approval = true\nunits = ["ICU"]'
        )
        text = (
            "employee_id,classification,start,end,extra,status,employer,approved,unit\n"
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,,vacation,,,\n"
            "E1,RCP,2020-12-29T07:00,2020-12-29T19:00,,,,,\n"
            "E1,RCP,2020-12-30T07:00,2020-12-30T19:00,true,,SCPMG,yes,icu\n"
        )
        report = check(tmp_path, text, agreement)
        absence = row(report, 2)
        assert absence.amount == Decimal("0.00")
        assert "status" in failed(absence)
        error(report, 3)  # a worked row must give what the agreement needs
        assert row(report, 4).amount == Decimal("100.00")
        assert_each_line_once(report, [2, 3, 4])

    def test_an_absence_that_counts_toward_the_threshold_needs_fte(self, tmp_path: Path) -> None:
        agreement = agreement_text(
            id="beyond",
            extra='flag = false\nbeyond_fte = true\ncounts_as_worked = ["vacation"]',
            payout='per_hour = "10.00"',
        )
        text = (
            "employee_id,classification,start,end,fte,status\n"
            "F1,RCP,2020-12-28T07:00,2020-12-28T19:00,,vacation\n"  # counts: needs fte
            "F1,RCP,2020-12-29T07:00,2020-12-29T19:00,,sick\n"  # does not count
            "F2,RCP,2020-12-28T07:00,2020-12-28T19:00,0.5,vacation\n"  # 12 hours toward 20
            "F2,RCP,2020-12-29T07:00,2020-12-29T19:00,0.5,\n"  # 24 hours: 4 beyond 20
        )
        report = check(tmp_path, text, agreement)
        assert error(report, 2).field == "fte"
        assert "status" in failed(row(report, 3), "beyond")
        assert row(report, 5).outcomes[0].qualifying_hours == Decimal("4.00")
        assert row(report, 5).amount == Decimal("40.00")


EMPLOYMENT_HEADER = "employee_id,classification,start,end,extra,employment_status\n"


class TestEmploymentStatus:
    @pytest.mark.parametrize(
        "value", ["Full-time", "full_time", "FULL TIME", "part time", "Part-Time", "part_time"]
    )
    def test_case_dash_and_space_are_forgiven(self, tmp_path: Path, value: str) -> None:
        agreement = agreement_text(eligibility='employment_statuses = ["full_time", "part_time"]')
        text = EMPLOYMENT_HEADER + f"E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,{value}\n"
        report = check(tmp_path, text, agreement)
        assert failed(row(report, 2)) == []
        assert row(report, 2).amount == Decimal("100.00")

    def test_a_known_status_that_is_not_listed_fails_the_rule(self, tmp_path: Path) -> None:
        agreement = agreement_text(eligibility='employment_statuses = ["full_time"]')
        text = EMPLOYMENT_HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,Per Diem\n"
        report = check(tmp_path, text, agreement)
        assert failed(row(report, 2)) == ["employment_status"]

    @pytest.mark.parametrize("value", ["casual", "full", "fulltime!", "contractor"])
    def test_an_unknown_status_is_an_error_of_that_field(self, tmp_path: Path, value: str) -> None:
        text = EMPLOYMENT_HEADER + f"E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,{value}\n"
        text += "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,on_call\n"
        report = check(tmp_path, text)
        assert error(report, 2).field == "employment_status"
        assert row(report, 3).amount == Decimal("100.00")


# --------------------------------------------------------------------------- times


class TestTimes:
    def test_a_shift_of_exactly_24_hours_is_allowed(self, tmp_path: Path) -> None:
        text = HEADER + "E1,RCP,2020-12-28T07:00,2020-12-29T07:00,true\n"
        report = check(tmp_path, text)
        assert row(report, 2).hours == Decimal("24.00")

    @pytest.mark.parametrize(
        "end", ["2020-12-29T07:01", "2020-12-29T07:00:01", "2020-12-30T07:00", "2020-12-29T15:00"]
    )
    def test_a_shift_longer_than_24_hours_is_an_error(self, tmp_path: Path, end: str) -> None:
        text = HEADER + f"E1,RCP,2020-12-28T07:00,{end},true\n" + shift("E2", 30)
        report = check(tmp_path, text)
        error(report, 2)
        assert row(report, 3).amount == Decimal("100.00")

    def test_24_wall_clock_hours_over_fall_back_are_25_real_hours(self, tmp_path: Path) -> None:
        agreement = agreement_text().replace("2020-12-27T07:00", "2020-10-25T00:00")
        text = HEADER + "E1,RCP,2020-10-31T07:00,2020-11-01T07:00,true\n"
        report = check(tmp_path, text, agreement)
        error(report, 2)

    def test_24_wall_clock_hours_over_spring_forward_are_23_real_hours(
        self, tmp_path: Path
    ) -> None:
        agreement = agreement_text().replace("2021-01-04T07:00", "2021-03-21T00:00")
        text = HEADER + "E1,RCP,2021-03-13T07:00,2021-03-14T07:00,true\n"
        report = check(tmp_path, text, agreement)
        assert row(report, 2).hours == Decimal("23.00")

    @pytest.mark.parametrize(
        "end", ["2020-12-28T06:00", "2020-12-28T07:00", "2020-12-27T19:00", "2020-12-28T14:00Z"]
    )
    def test_an_end_not_after_the_start_is_an_error(self, tmp_path: Path, end: str) -> None:
        # 2020-12-28T14:00Z is 06:00 PST, before the 07:00 PST start.
        text = HEADER + f"E1,RCP,2020-12-28T07:00,{end},true\n" + shift("E2", 30)
        report = check(tmp_path, text)
        error(report, 2)
        assert row(report, 3).amount == Decimal("100.00")

    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            ("now", "2020-12-28T19:00", "start"),
            ("2020-12-28T07:00", "now", "end"),
            ("today", "2020-12-28T19:00", "start"),
            ("2020-12-28", "2020-12-28T19:00", "start"),
            ("28/12/2020 07:00", "2020-12-28T19:00", "start"),
            ("2020-12-28T07:00", "2020-12-28T25:00", "end"),
        ],
    )
    def test_a_time_that_is_not_iso_8601_is_an_error_of_its_field(
        self, tmp_path: Path, start: str, end: str, field: str
    ) -> None:
        text = HEADER + f'E1,RCP,"{start}","{end}",true\n' + shift("E2", 30)
        report = check(tmp_path, text)
        assert error(report, 2).field == field
        assert row(report, 3).amount == Decimal("100.00")

    def test_a_naive_time_in_the_spring_forward_gap_is_an_error(self, tmp_path: Path) -> None:
        agreement = agreement_text().replace("2021-01-04T07:00", "2021-03-21T00:00")
        text = HEADER + "E1,RCP,2021-03-14T02:30,2021-03-14T10:00,true\n"
        report = check(tmp_path, text, agreement)
        assert error(report, 2).field == "start"
        assert "does not exist" in error(report, 2).message

    def test_a_naive_time_in_the_fall_back_fold_is_an_error_asking_for_the_offset(
        self, tmp_path: Path
    ) -> None:
        agreement = agreement_text().replace("2020-12-27T07:00", "2020-10-25T00:00")
        text = HEADER + "E1,RCP,2020-11-01T01:30,2020-11-01T09:00,true\n"
        text += "E2,RCP,2020-11-01T01:30-08:00,2020-11-01T09:00,true\n"
        report = check(tmp_path, text, agreement)
        assert error(report, 2).field == "start"
        assert "offset" in error(report, 2).message
        assert row(report, 3).hours == Decimal("7.50")  # 01:30 PST to 09:00 PST

    def test_a_utc_offset_makes_an_exact_instant(self, tmp_path: Path) -> None:
        # 15:00Z is 07:00 PST; 03:00Z the next day is 19:00 PST.
        text = HEADER + "E1,RCP,2020-12-28T15:00Z,2020-12-29T03:00:00+00:00,true\n"
        report = check(tmp_path, text)
        result = row(report, 2)
        assert result.hours == Decimal("12.00")
        assert result.start.isoformat() == "2020-12-28T07:00:00-08:00"
        assert result.end.isoformat() == "2020-12-28T19:00:00-08:00"


# --------------------------------------------------------------------------- file errors


class TestMissingColumns:
    @pytest.mark.parametrize("column", ["employee_id", "classification", "start", "end"])
    def test_a_missing_required_column_is_a_file_error_naming_it(
        self, tmp_path: Path, column: str
    ) -> None:
        names = ["employee_id", "classification", "start", "end", "extra"]
        values = ["E1", "RCP", "2020-12-28T07:00", "2020-12-28T19:00", "true"]
        keep = [i for i, name in enumerate(names) if name != column]
        text = ",".join(names[i] for i in keep) + "\n" + ",".join(values[i] for i in keep) + "\n"
        path = write(tmp_path, text)
        with pytest.raises(ShiftFileError, match=column):
            incentives.read_shifts(path)

    def test_a_shift_file_error_is_a_value_error_and_an_incentives_error(
        self, tmp_path: Path
    ) -> None:
        path = write(tmp_path, "employee_id,classification,start\nE1,RCP,2020-12-28T07:00\n")
        with pytest.raises(ValueError, match="end") as caught:
            incentives.read_shifts(path)
        assert isinstance(caught.value, incentives.IncentivesError)
        assert isinstance(caught.value, ShiftFileError)

    @pytest.mark.parametrize(
        ("agreement", "column"),
        [
            (agreement_text(), "extra"),
            (BEYOND_FTE, "fte"),
            (agreement_text(eligibility='employers = ["SCPMG"]'), "employer"),
            (
                agreement_text(eligibility='employment_statuses = ["full_time"]'),
                "employment_status",
            ),
            (agreement_text(eligibility='locations = ["*Medical Center"]'), "location"),
            (agreement_text(eligibility='units = ["ICU"]'), "unit"),
            (agreement_text(eligibility="requires_approval = true"), "approved"),
            (agreement_text(payout='base_rate_multiplier = "0.5"'), "base_rate"),
        ],
    )
    def test_a_column_an_agreement_needs_is_a_file_error_from_evaluate(
        self, tmp_path: Path, agreement: str, column: str
    ) -> None:
        names = [
            "employee_id",
            "classification",
            "start",
            "end",
            "extra",
            "fte",
            "employer",
            "employment_status",
            "location",
            "unit",
            "approved",
            "base_rate",
        ]
        values = ["E1", "RCP", "2020-12-28T07:00", "2020-12-28T19:00", "true", "0.1"]
        values += ["SCPMG", "full_time", "Riverside Medical Center", "ICU", "yes", "50.00"]
        keep = [i for i, name in enumerate(names) if name != column]
        text = ",".join(names[i] for i in keep) + "\n" + ",".join(values[i] for i in keep) + "\n"
        batch = incentives.read_shifts(write(tmp_path, text))  # reading alone is fine
        loaded = load(tmp_path, agreement)
        with pytest.raises(ShiftFileError, match=column):
            incentives.evaluate([loaded], batch)
        # With the column present the same row is evaluated.
        full = ",".join(names) + "\n" + ",".join(values) + "\n"
        report = incentives.evaluate([loaded], incentives.read_shifts(write(tmp_path, full)))
        assert report.errors == []
        assert [r.line for r in report.rows] == [2]

    def test_a_column_nobody_needs_may_be_missing(self, tmp_path: Path) -> None:
        agreement = agreement_text(extra="flag = false")
        text = "employee_id,classification,start,end\nE1,RCP,2020-12-28T07:00,2020-12-28T19:00\n"
        report = check(tmp_path, text, agreement)
        assert row(report, 2).amount == Decimal("100.00")

    def test_an_empty_file_is_a_file_error(self, tmp_path: Path) -> None:
        with pytest.raises(ShiftFileError):
            incentives.read_shifts(write(tmp_path, ""))

    def test_a_missing_file_is_a_file_error_naming_it(self, tmp_path: Path) -> None:
        with pytest.raises(ShiftFileError, match=re.escape("nowhere.csv")):
            incentives.read_shifts(tmp_path / "nowhere.csv")


# --------------------------------------------------------------------------- JSON Lines


def jsonl_shift(employee: str, day: int, more: str = ', "extra": true') -> str:
    return (
        f'{{"employee_id": "{employee}", "classification": "RCP", '
        f'"start": "2020-12-{day:02d}T07:00", "end": "2020-12-{day:02d}T19:00"{more}}}\n'
    )


class TestJsonLines:
    def test_objects_use_the_csv_field_names_and_physical_lines(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28) + "\n" + "   \n" + jsonl_shift("J2", 29)
        report = check(tmp_path, text, name="shifts.jsonl")
        assert [r.line for r in report.rows] == [1, 4]
        assert row(report, 1).employee_id == "J1"
        assert row(report, 4).amount == Decimal("100.00")
        assert_each_line_once(report, [1, 4])

    def test_the_ndjson_suffix_is_json_lines(self, tmp_path: Path) -> None:
        report = check(tmp_path, jsonl_shift("J1", 28), name="shifts.ndjson")
        assert row(report, 1).amount == Decimal("100.00")

    def test_a_key_missing_from_one_object_is_an_error_for_that_row_only(
        self, tmp_path: Path
    ) -> None:
        text = jsonl_shift("J1", 28) + jsonl_shift("J2", 29, more="") + jsonl_shift("J3", 30)
        text += '{"employee_id": "J4", "start": "2020-12-30T07:00", "end": "2020-12-30T19:00"'
        text += ', "extra": true}\n'
        report = check(tmp_path, text, name="shifts.jsonl")
        assert error(report, 2).field == "extra"
        assert error(report, 4).field == "classification"
        assert row(report, 1).amount == Decimal("100.00")
        assert row(report, 3).amount == Decimal("100.00")
        assert_each_line_once(report, [1, 2, 3, 4])

    def test_a_null_value_is_a_missing_value(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28, more=', "extra": null') + jsonl_shift(
            "J2", 29, more=', "extra": true, "status": null, "unpaid_break_minutes": null'
        )
        report = check(tmp_path, text, name="shifts.jsonl")
        assert error(report, 1).field == "extra"
        assert row(report, 2).hours == Decimal("12.00")
        assert row(report, 2).amount == Decimal("100.00")

    @pytest.mark.parametrize("bad", ["{not json", '{"employee_id": "J9",', "[1, 2, 3]", '"text"'])
    def test_a_line_that_is_not_a_json_object_is_a_row_error(
        self, tmp_path: Path, bad: str
    ) -> None:
        text = jsonl_shift("J1", 28) + bad + "\n" + jsonl_shift("J3", 30)
        report = check(tmp_path, text, name="shifts.jsonl")
        error(report, 2)
        assert [r.line for r in report.rows] == [1, 3]
        assert_each_line_once(report, [1, 2, 3])

    def test_json_values_of_other_types_are_read_like_csv_text(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28, more=', "extra": "Yes", "unpaid_break_minutes": 30')
        text += jsonl_shift("J2", 29, more=', "extra": false')
        text += jsonl_shift("J3", 30, more=', "extra": "maybe"')
        report = check(tmp_path, text, name="shifts.jsonl")
        assert row(report, 1).hours == Decimal("11.50")
        assert row(report, 1).amount == Decimal("100.00")
        assert failed(row(report, 2)) == ["extra"]
        assert error(report, 3).field == "extra"

    def test_numbers_are_read_exactly(self, tmp_path: Path) -> None:
        # paid 100.10 and fte 0.1 as JSON numbers: a float would give 100.09999... and
        # 0.1000000000000000055...; the difference must be exactly -0.10 and the
        # threshold exactly 4 hours (8 of 12 hours beyond).
        agreement = agreement_text(
            extra="flag = true\nbeyond_fte = true\nhours_per_fte = 40", payout='per_hour = "10"'
        )
        text = jsonl_shift("J1", 28, more=', "extra": true, "fte": 0.1, "paid": 80.10')
        report = check(tmp_path, text, agreement, name="shifts.jsonl")
        result = row(report, 1)
        assert result.outcomes[0].qualifying_hours == Decimal("8.00")
        assert result.amount == Decimal("80.00")
        assert result.paid == Decimal("80.10")
        assert result.difference == Decimal("-0.10")
        assert report.totals.overpaid == Decimal("0.10")

    def test_claim_checking_is_on_when_any_object_has_paid(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28) + jsonl_shift("J2", 29, more=', "extra": true, "paid": 75')
        report = check(tmp_path, text, name="shifts.jsonl")
        dumped = report.model_dump(mode="json")
        assert dumped["rows"][0]["paid"] is None
        assert dumped["rows"][0]["difference"] is None
        assert dumped["rows"][1]["paid"] == "75.00"
        assert dumped["rows"][1]["difference"] == "25.00"
        assert dumped["totals"]["paid"] == "75.00"
        assert dumped["totals"]["underpaid"] == "25.00"
        assert dumped["totals"]["overpaid"] == "0.00"

    def test_a_null_paid_key_still_turns_on_claim_checking(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28, more=', "extra": true, "paid": null')
        dumped = check(tmp_path, text, name="shifts.jsonl").model_dump(mode="json")
        assert dumped["rows"][0]["paid"] is None
        assert dumped["totals"]["paid"] == "0.00"

    def test_claim_checking_is_off_when_no_object_has_paid(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28) + jsonl_shift("J2", 29)
        dumped = check(tmp_path, text, name="shifts.jsonl").model_dump(mode="json")
        assert all("paid" not in r and "difference" not in r for r in dumped["rows"])
        assert "paid" not in dumped["totals"]

    def test_jsonl_with_a_byte_order_mark(self, tmp_path: Path) -> None:
        path = tmp_path / "shifts.jsonl"
        path.write_bytes(b"\xef\xbb\xbf" + jsonl_shift("J1", 28).encode("utf-8"))
        report = incentives.evaluate([load(tmp_path)], incentives.read_shifts(path))
        assert row(report, 1).amount == Decimal("100.00")


# --------------------------------------------------------------------------- sources


class TestSources:
    def test_an_open_text_stream_is_csv_by_default(self, tmp_path: Path) -> None:
        batch = incentives.read_shifts(io.StringIO(HEADER + shift("E1", 28) + shift("E2", 29)))
        assert len(batch) == 2
        report = incentives.evaluate([load(tmp_path)], batch)
        assert [r.line for r in report.rows] == [2, 3]
        assert report.totals.amount == Decimal("200.00")

    def test_an_open_text_stream_of_json_lines(self, tmp_path: Path) -> None:
        stream = io.StringIO(jsonl_shift("J1", 28) + jsonl_shift("J2", 29))
        batch = incentives.read_shifts(stream, input_format="jsonl")
        report = incentives.evaluate([load(tmp_path)], batch)
        assert [r.line for r in report.rows] == [1, 2]
        assert report.totals.amount == Decimal("200.00")

    @pytest.mark.parametrize("name", ["shifts.xml", "shifts.xlsx", "shifts"])
    def test_an_unknown_suffix_is_a_file_error(self, tmp_path: Path, name: str) -> None:
        path = write(tmp_path, HEADER + shift(), name)
        with pytest.raises(ShiftFileError, match="shifts"):
            incentives.read_shifts(path)

    def test_an_unknown_suffix_is_read_when_the_format_is_given(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + shift(), "shifts.dat")
        batch = incentives.read_shifts(path, input_format="csv")
        report = incentives.evaluate([load(tmp_path)], batch)
        assert row(report, 2).amount == Decimal("100.00")

    @pytest.mark.parametrize("name", ["shifts.tsv", "shifts.txt"])
    def test_tsv_and_txt_files_are_read_as_csv(self, tmp_path: Path, name: str) -> None:
        report = check(tmp_path, HEADER + shift(), name=name)
        assert row(report, 2).amount == Decimal("100.00")

    def test_the_suffix_is_matched_ignoring_case(self, tmp_path: Path) -> None:
        report = check(tmp_path, HEADER + shift(), name="SHIFTS.CSV")
        assert row(report, 2).amount == Decimal("100.00")

    def test_a_string_path_works_like_a_path(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + shift())
        batch = incentives.read_shifts(str(path))
        assert len(batch) == 1


def test_reasons_cover_every_rule_in_order(tmp_path: Path) -> None:
    """A smoke check that a row read from a file is decided rule by rule (SPEC 5, 8)."""
    report = check(tmp_path, HEADER + shift())
    assert [r.rule for r in row(report, 2).outcomes[0].reasons] == list(RULES_IN_ORDER)


def test_the_white_space_the_columns_strip_is_python_s() -> None:
    import sys

    from incentives._text import WHITESPACE

    every = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert every == WHITESPACE


# --------------------------------------------------------------------------- numbers at their edges


@pytest.mark.parametrize(
    ("fte", "paid", "field", "message"),
    [
        ("NaN", "", "fte", "fte 'NaN' is not a finite number"),
        ("Infinity", "", "fte", "fte 'Infinity' is not a finite number"),
        ("", "-inf", "paid", "paid '-inf' is not a finite number"),
        ("0.1234567", "", "fte", "fte '0.1234567' has more than 6 decimal places"),
    ],
)
def test_a_number_that_is_not_finite_or_too_fine_is_an_error_of_its_field(
    tmp_path: Path, fte: str, paid: str, field: str, message: str
) -> None:
    text = (
        "employee_id,classification,start,end,extra,fte,paid\n"
        f"E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,{fte},{paid}\n"
        "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,true,0.123456,\n"
    )
    report = check(tmp_path, text)
    found = error(report, 2)
    assert (found.field, found.message, found.employee_id) == (field, message, "E1")
    assert row(report, 3).amount == Decimal("100.00")  # six places are allowed
    assert_each_line_once(report, [2, 3])


def test_a_bad_value_in_a_file_of_thousands_of_rows_spoils_only_its_own_row(
    tmp_path: Path,
) -> None:
    # 5,000 shifts, one a day per employee over the window's first four days; line 2,501
    # is not a boolean where extra belongs.
    rows = [shift(f"E{i}", 28 + i % 4, "maybe" if i == 2_499 else "true") for i in range(5_000)]
    report = check(tmp_path, HEADER + "".join(rows))
    bad = error(report, 2_501)
    assert (bad.field, bad.employee_id) == ("extra", "E2499")
    assert bad.message == "extra 'maybe' is not a boolean (true/false, yes/no, y/n, 1/0)"
    assert len(report.rows) == 4_999
    assert report.totals.amount == Decimal("499900.00")
    assert_each_line_once(report, list(range(2, 5_002)))

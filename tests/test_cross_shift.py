"""Rules that look across shifts (SPEC sections 4 and 5): beyond-FTE thresholds,
attendance, double claims, limits, stacking and amendments. Values worked by hand.

Unless a test says otherwise the agreement is in America/Los_Angeles, workweeks start on
Sunday 00:00, the one window runs from Sunday 2020-12-27 07:00 to Monday 2021-01-04 07:00,
every classification is eligible, the extra flag is required and one component pays 100.00
a shift. Shifts are written as a CSV file whose header is line 1, so the n-th record given
to ``shifts_file`` is on line n + 1.

Calendar: 2020-12-27 is a Sunday, 2020-12-30 a Wednesday, 2021-01-03 the next Sunday;
2020-10-25 is the Sunday of the week that ends with the fall-back night (Saturday
2020-10-31 19:00 PDT to Sunday 2020-11-01 07:00 PST, 13 hours).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from strategies import esi_agreement

import incentives
from incentives import (
    Adjustment,
    Agreement,
    AmendmentApplied,
    Outcome,
    Report,
    RowError,
    RowResult,
    ShiftBatch,
)

COLUMNS = (
    "employee_id",
    "classification",
    "start",
    "end",
    "extra",
    "status",
    "fte",
    "employer",
    "unpaid_break_minutes",
)


# --------------------------------------------------------------------------- helpers


make_agreement = esi_agreement


def rec(
    start: str,
    end: str,
    *,
    employee: str = "E1",
    extra: bool | None = True,
    status: str = "",
    fte: str = "",
    classification: str = "RCP",
    employer: str = "",
    break_minutes: int = 0,
) -> dict[str, str]:
    """One CSV record (naive local times)."""
    return {
        "employee_id": employee,
        "classification": classification,
        "start": start,
        "end": end,
        "extra": "" if extra is None else str(extra).lower(),
        "status": status,
        "fte": fte,
        "employer": employer,
        "unpaid_break_minutes": str(break_minutes) if break_minutes else "",
    }


def sick(start: str, end: str, **fields: Any) -> dict[str, str]:
    return rec(start, end, extra=None, status="sick", **fields)


def shifts_file(*records: dict[str, str]) -> ShiftBatch:
    """A CSV shifts file: header on line 1, ``records[i]`` on line ``i + 2``."""
    lines = [",".join(COLUMNS)]
    lines += [",".join(r[c] for c in COLUMNS) for r in records]
    return incentives.read_shifts(io.StringIO("\n".join(lines) + "\n"))


def check(
    agreements: Agreement | list[Agreement],
    *records: dict[str, str],
    as_of: date | str | None = None,
) -> Report:
    chosen = agreements if isinstance(agreements, list) else [agreements]
    return incentives.evaluate(chosen, shifts_file(*records), as_of=as_of)


def row_at(report: Report, line: int) -> RowResult:
    found = report.row(line)
    assert isinstance(found, RowResult), found
    return found


def error_at(report: Report, line: int) -> RowError:
    found = report.row(line)
    assert isinstance(found, RowError), found
    return found


def outcome_at(report: Report, line: int, agreement: str = "esi") -> Outcome:
    (found,) = [o for o in row_at(report, line).outcomes if o.agreement == agreement]
    return found


def amounts(report: Report) -> dict[int, Decimal]:
    """Every evaluated row's amount by line."""
    return {row.line: row.amount for row in report.rows}


def detail(result: Outcome, rule: str) -> str:
    (found,) = [r for r in result.reasons if r.rule == rule]
    return found.detail


def ok(result: Outcome, rule: str) -> bool:
    (found,) = [r for r in result.reasons if r.rule == rule]
    return found.ok


def cuts(result: Outcome) -> list[tuple[str, str | None, Decimal]]:
    return [(a.rule, a.limit, a.amount) for a in result.adjustments]


def d(text: str) -> Decimal:
    return Decimal(text)


# --------------------------------------------------------------------------- beyond FTE


def beyond_fte(**extra: Any) -> Agreement:
    """Pays 10.00 an hour beyond the FTE threshold (40 hours per 1.0 FTE)."""
    parts: dict[str, Any] = {"payout": [{"per_hour": "10.00"}]}
    for key in ("windows", "pay_period", "eligibility"):
        if key in extra:
            parts[key] = extra.pop(key)
    return make_agreement(extra={"flag": True, "beyond_fte": True, **extra}, **parts)


class TestBeyondFte:
    def test_a_09_fte_nurse_is_paid_for_the_hours_beyond_36(self) -> None:
        # Threshold 0.9 × 40 = 36. Sun, Mon, Tue scheduled 12 h each = 36; the extra
        # Wednesday shift has 36 before it, so all 12 of its hours are beyond: 12 × 10.00.
        report = check(
            beyond_fte(),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", fte="0.9"),
        )
        extra = outcome_at(report, 5)
        assert extra.qualifies is True
        assert extra.qualifying_hours == d("12.00")
        assert extra.amount == d("120.00")
        assert amounts(report) == {2: d("0.00"), 3: d("0.00"), 4: d("0.00"), 5: d("120.00")}
        assert "36.00" in detail(extra, "extra")

    def test_scheduled_shifts_below_the_threshold_have_no_qualifying_hours(self) -> None:
        # Before the third shift 24 hours were worked; 24 + 12 = 36 is not beyond 36.
        report = check(
            beyond_fte(),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
        )
        for line in (2, 3, 4):
            assert outcome_at(report, line).qualifying_hours == d("0.00")

    def test_hours_count_in_order_of_start_so_an_extra_shift_first_in_the_week_is_not_beyond(
        self,
    ) -> None:
        # The extra Sunday shift has 0 hours before it: 0 + 12 ≤ 36, nothing beyond.
        report = check(
            beyond_fte(),
            rec("2020-12-27T07:00", "2020-12-27T19:00", fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", extra=False, fte="0.9"),
        )
        first = outcome_at(report, 2)
        assert first.qualifies is False
        assert ok(first, "extra") is False
        assert first.qualifying_hours == d("0.00")
        assert report.totals.amount == d("0.00")

    @pytest.mark.parametrize(
        ("minimum", "hours", "amount"),
        [
            # Threshold max(0.5 × 40 = 20, minimum). 20 hours come before the extra shift
            # (12 Sun + 8 Mon); the extra shift has 12 net hours.
            ("0", "12.00", "120.00"),  # threshold 20: 20 + 12 - 20 = 12 beyond
            ("24", "8.00", "80.00"),  # threshold 24: reached 4 h into it, 8 beyond
            ("30", "2.00", "20.00"),  # threshold 30: 32 - 30 = 2 beyond
        ],
    )
    def test_a_part_timer_reaching_the_minimum_mid_shift_is_paid_for_the_part_after(
        self, minimum: str, hours: str, amount: str
    ) -> None:
        report = check(
            beyond_fte(minimum_hours=minimum),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.5"),
            rec("2020-12-28T07:00", "2020-12-28T15:00", extra=False, fte="0.5"),
            rec("2020-12-29T07:00", "2020-12-29T19:30", fte="0.5", break_minutes=30),
        )
        extra = outcome_at(report, 4)
        assert extra.qualifying_hours == d(hours)
        assert extra.amount == d(amount)

    def test_with_prorate_only_the_part_after_the_threshold_and_inside_the_window_counts(
        self,
    ) -> None:
        # Threshold max(0.5 × 40, 24) = 24; 20 hours before the extra night shift
        # Tue 19:00 - Wed 07:00 (12 h elapsed, 60 min break, 11 net). The threshold is
        # reached after 4 of its 11 net hours, i.e. 12 × 4/11 = 48/11 elapsed hours in.
        # The window closes at Wed 01:00, 6 h in. Inside and after the threshold:
        # 6 - 48/11 = 18/11 elapsed hours, worth 11 × (18/11) / 12 = 1.5 net hours → 15.00.
        agreement = beyond_fte(
            minimum_hours="24",
            windows=[{"start": "2020-12-27T07:00", "end": "2020-12-30T01:00"}],
            eligibility={"window_rule": "prorate"},
        )
        report = check(
            agreement,
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.5"),
            rec("2020-12-28T07:00", "2020-12-28T15:00", extra=False, fte="0.5"),
            rec("2020-12-29T19:00", "2020-12-30T07:00", fte="0.5", break_minutes=60),
        )
        extra = outcome_at(report, 4)
        assert extra.qualifying_hours == d("1.50")
        assert extra.amount == d("15.00")

    @pytest.mark.parametrize(
        ("scope", "amount"),
        [
            # 14-day pay period: threshold 0.9 × 40 × 14/7 = 72. 48 h in week 1 and 24 h in
            # week 2 come before the extra shift: 72 before, all 12 of its hours beyond.
            ("pay_period", "120.00"),
            # Workweek: only week 2's 24 h count; 24 + 12 = 36 is not beyond 36.
            ("workweek", "0.00"),
        ],
    )
    def test_a_pay_period_scope_scales_the_threshold_by_its_days(
        self, scope: str, amount: str
    ) -> None:
        agreement = beyond_fte(
            scope=scope,
            pay_period={"anchor": "2020-12-27T00:00", "days": 14},
            windows=[{"start": "2020-12-27T00:00", "end": "2021-01-10T00:00"}],
        )
        report = check(
            agreement,
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", extra=False, fte="0.9"),
            rec("2021-01-03T07:00", "2021-01-03T19:00", extra=False, fte="0.9"),
            rec("2021-01-04T07:00", "2021-01-04T19:00", extra=False, fte="0.9"),
            rec("2021-01-05T07:00", "2021-01-05T19:00", fte="0.9"),
        )
        assert row_at(report, 8).amount == d(amount)

    def test_the_pay_period_threshold_reason_gives_the_scaled_threshold(self) -> None:
        agreement = beyond_fte(
            scope="pay_period",
            pay_period={"anchor": "2020-12-27T00:00", "days": 14},
        )
        report = check(agreement, rec("2020-12-28T07:00", "2020-12-28T19:00", fte="0.9"))
        # 0.9 × 40 × 14/7 = 72.
        assert "72.00" in detail(outcome_at(report, 2), "extra")

    @pytest.mark.parametrize(
        ("counts_as_worked", "amount"),
        [
            # Worked 12 + vacation 12 + worked 12 = 36 before the extra shift: 12 beyond.
            (["vacation"], "120.00"),
            # Without it only 24 count: 24 + 12 = 36, nothing beyond.
            ([], "0.00"),
        ],
    )
    def test_an_absence_listed_in_counts_as_worked_counts_toward_the_threshold(
        self, counts_as_worked: list[str], amount: str
    ) -> None:
        report = check(
            beyond_fte(counts_as_worked=counts_as_worked),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=None, status="vacation", fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", fte="0.9"),
        )
        assert row_at(report, 5).amount == d(amount)
        assert row_at(report, 3).amount == d("0.00")  # the vacation itself never pays

    def test_an_absence_beyond_the_threshold_still_fails_extra(self) -> None:
        # Worked 12 + 12 + 12 = 36 (the threshold, 0.9 x 40), then a 12-hour vacation that
        # counts as worked: its hours are beyond the threshold, but an absence earns none.
        report = check(
            beyond_fte(counts_as_worked=["vacation"]),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", extra=None, status="vacation", fte="0.9"),
        )
        outcome = outcome_at(report, 5)
        assert outcome.failed == ["status", "extra"]
        assert not ok(outcome, "extra")
        said = detail(outcome, "extra")
        assert said.endswith("; an absence earns no hours beyond the FTE threshold")

    def test_counts_as_worked_is_compared_ignoring_case(self) -> None:
        report = check(
            beyond_fte(counts_as_worked=["Vacation"]),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=None, status="VACATION", fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", fte="0.9"),
        )
        assert row_at(report, 5).amount == d("120.00")

    def test_rows_that_are_not_eligible_still_count_toward_the_threshold(self) -> None:
        # Only RCP shifts for SCPMG are eligible; a Registered Nurse shift and a KFH
        # shift still count: 12 + 12 + 12 = 36 before the extra shift, 12 beyond.
        agreement = beyond_fte(eligibility={"classifications": ["RCP"], "employers": ["SCPMG"]})
        report = check(
            agreement,
            rec(
                "2020-12-27T07:00",
                "2020-12-27T19:00",
                classification="Registered Nurse",
                employer="SCPMG",
                fte="0.9",
            ),
            rec("2020-12-28T07:00", "2020-12-28T19:00", employer="KFH", fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, employer="SCPMG", fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", employer="SCPMG", fte="0.9"),
        )
        assert ok(outcome_at(report, 2), "classification") is False
        assert ok(outcome_at(report, 3), "employer") is False
        assert row_at(report, 5).amount == d("120.00")

    def test_rows_outside_the_windows_still_count_toward_the_threshold(self) -> None:
        # The window opens Wednesday 00:00; Sun-Tue (36 h) lie outside but count.
        agreement = beyond_fte(windows=[{"start": "2020-12-30T00:00", "end": "2021-01-04T07:00"}])
        report = check(
            agreement,
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", fte="0.9"),
        )
        assert row_at(report, 5).amount == d("120.00")

    def test_the_threshold_uses_the_fte_on_the_shift_being_decided(self) -> None:
        # 24 h before at FTE 1.0; the extra shift says FTE 0.5: threshold 20, so all
        # 12 hours are beyond (with 1.0 the threshold would be 40 and nothing beyond).
        report = check(
            beyond_fte(),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="1.0"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="1.0"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", fte="0.5"),
        )
        assert row_at(report, 4).amount == d("120.00")

    @pytest.mark.parametrize(
        ("vacation_first", "amount"),
        [
            # Vacation (line 4) before the extra shift (line 5) at the same start: 36 h
            # before the extra shift, all 12 beyond.
            (True, "120.00"),
            # Extra shift first by line: only 24 h before it; 24 + 12 is not beyond 36.
            (False, "0.00"),
        ],
    )
    def test_rows_with_the_same_start_accumulate_in_line_order(
        self, vacation_first: bool, amount: str
    ) -> None:
        vacation = rec(
            "2020-12-29T07:00", "2020-12-29T19:00", extra=None, status="vacation", fte="0.9"
        )
        extra = rec("2020-12-29T07:00", "2020-12-29T19:00", fte="0.9")
        pair = [vacation, extra] if vacation_first else [extra, vacation]
        report = check(
            beyond_fte(counts_as_worked=["vacation"]),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            *pair,
        )
        extra_line = 5 if vacation_first else 4
        assert row_at(report, extra_line).amount == d(amount)

    def test_the_threshold_restarts_each_workweek(self) -> None:
        # 36 h in the week of Dec 27; the next Sunday's extra shift has 0 h before it.
        report = check(
            beyond_fte(windows=[{"start": "2020-12-27T00:00", "end": "2021-01-10T00:00"}]),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2021-01-03T07:00", "2021-01-03T19:00", fte="0.9"),
        )
        assert row_at(report, 5).amount == d("0.00")

    def test_the_result_does_not_depend_on_the_order_of_the_file(self) -> None:
        records = [
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.9"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", extra=False, fte="0.9"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False, fte="0.9"),
            rec("2020-12-30T07:00", "2020-12-30T19:00", fte="0.9"),
        ]
        expected = {
            "2020-12-27T07:00:00-08:00": d("0.00"),
            "2020-12-28T07:00:00-08:00": d("0.00"),
            "2020-12-29T07:00:00-08:00": d("0.00"),
            "2020-12-30T07:00:00-08:00": d("120.00"),  # 12 h beyond 36
        }
        for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
            report = check(beyond_fte(), *(records[i] for i in order))
            assert {r.start.isoformat(): r.amount for r in report.rows} == expected

    def test_the_fall_back_night_counts_as_thirteen_hours_toward_the_threshold(self) -> None:
        # Sun Oct 25 and Mon Oct 26, 12 h each: 24 before. The extra Saturday night
        # 2020-10-31 19:00 PDT - 2020-11-01 07:00 PST is 13 h and starts in the same week:
        # 24 + 13 - 36 = 1 hour beyond → 10.00 (it would be nothing if counted as 12).
        agreement = beyond_fte(windows=[{"start": "2020-10-25T00:00", "end": "2020-11-08T00:00"}])
        report = check(
            agreement,
            rec("2020-10-25T07:00", "2020-10-25T19:00", extra=False, fte="0.9"),
            rec("2020-10-26T07:00", "2020-10-26T19:00", extra=False, fte="0.9"),
            rec("2020-10-31T19:00", "2020-11-01T07:00", fte="0.9"),
        )
        night = outcome_at(report, 4)
        assert row_at(report, 4).hours == d("13.00")
        assert night.qualifying_hours == d("1.00")
        assert night.amount == d("10.00")

    def test_the_fall_back_night_after_36_hours_is_thirteen_hours_beyond(self) -> None:
        # 36 h before; the 13-hour night is all beyond: 13 × 10.00 = 130.00.
        agreement = beyond_fte(windows=[{"start": "2020-10-25T00:00", "end": "2020-11-08T00:00"}])
        report = check(
            agreement,
            rec("2020-10-25T07:00", "2020-10-25T19:00", extra=False, fte="0.9"),
            rec("2020-10-26T07:00", "2020-10-26T19:00", extra=False, fte="0.9"),
            rec("2020-10-27T07:00", "2020-10-27T19:00", extra=False, fte="0.9"),
            rec("2020-10-31T19:00", "2020-11-01T07:00", fte="0.9"),
        )
        assert row_at(report, 5).amount == d("130.00")


# --------------------------------------------------------------------------- attendance


def forfeiting(**attendance: Any) -> Agreement:
    parts: dict[str, Any] = {}
    for key in ("pay_period", "workweek_start"):
        if key in attendance:
            parts[key] = attendance.pop(key)
    return make_agreement(attendance={"forfeit_on": ["sick"], **attendance}, **parts)


class TestAttendance:
    def test_a_sick_call_after_the_extra_shift_in_the_same_week_forfeits_it(self) -> None:
        report = check(
            forfeiting(),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),  # Tuesday, line 2
            sick("2020-12-31T07:00", "2020-12-31T19:00"),  # Thursday, line 3
        )
        extra = outcome_at(report, 2)
        assert extra.qualifies is False
        assert [r.rule for r in extra.reasons if not r.ok] == ["attendance"]
        assert extra.amount == d("0.00")
        assert "line 3" in detail(extra, "attendance")

    def test_a_sick_call_before_the_extra_shift_in_the_same_week_forfeits_it(self) -> None:
        report = check(
            forfeiting(),
            sick("2020-12-28T07:00", "2020-12-28T19:00"),  # Monday, line 2
            rec("2020-12-29T07:00", "2020-12-29T19:00"),  # Tuesday, line 3
        )
        extra = outcome_at(report, 3)
        assert ok(extra, "attendance") is False
        assert "line 2" in detail(extra, "attendance")

    def test_an_absence_not_listed_in_forfeit_on_does_not_forfeit(self) -> None:
        report = check(
            forfeiting(),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-31T07:00", "2020-12-31T19:00", extra=None, status="protected_sick"),
        )
        assert ok(outcome_at(report, 2), "attendance") is True
        assert row_at(report, 2).amount == d("100.00")

    def test_a_sick_call_in_the_previous_week_does_not_forfeit(self) -> None:
        report = check(
            forfeiting(),
            sick("2020-12-26T07:00", "2020-12-26T19:00"),  # Saturday before
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
        )
        assert row_at(report, 3).amount == d("100.00")

    @pytest.mark.parametrize(
        ("sick_start", "sick_end", "amount"),
        [
            # Saturday 2021-01-02 23:00 is still in the week of Sunday 2020-12-27.
            ("2021-01-02T23:00", "2021-01-03T07:00", "0.00"),
            # Sunday 2021-01-03 00:00 starts the next week (half-open weeks).
            ("2021-01-03T00:00", "2021-01-03T08:00", "100.00"),
        ],
    )
    def test_a_sick_call_belongs_to_the_week_in_which_it_starts(
        self, sick_start: str, sick_end: str, amount: str
    ) -> None:
        report = check(
            forfeiting(),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            sick(sick_start, sick_end),
        )
        assert row_at(report, 2).amount == d(amount)

    def test_the_workweek_start_decides_what_the_same_week_is(self) -> None:
        # Weeks start Saturday 07:00: Tue Dec 29 is in the week Dec 26 07:00 - Jan 2 07:00;
        # a sick call at Sat Jan 2 08:00 is in the next week, one at 06:00 in the same.
        agreement = forfeiting(workweek_start="saturday 07:00")
        later = check(
            agreement,
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            sick("2021-01-02T08:00", "2021-01-02T16:00"),
        )
        inside = check(
            agreement,
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            sick("2021-01-02T06:00", "2021-01-02T14:00"),
        )
        assert row_at(later, 2).amount == d("100.00")
        assert row_at(inside, 2).amount == d("0.00")

    @pytest.mark.parametrize(("scope", "amount"), [("pay_period", "0.00"), ("workweek", "100.00")])
    def test_a_pay_period_scope_reaches_into_the_next_week(self, scope: str, amount: str) -> None:
        # Pay period 2020-12-27 00:00 + 14 days: Tue Dec 29 and Tue Jan 5 share it, but
        # not a workweek.
        agreement = forfeiting(scope=scope, pay_period={"anchor": "2020-12-27T00:00", "days": 14})
        report = check(
            agreement,
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            sick("2021-01-05T07:00", "2021-01-05T19:00"),
        )
        assert row_at(report, 2).amount == d(amount)

    def test_another_employees_sick_call_does_not_forfeit(self) -> None:
        report = check(
            forfeiting(),
            rec("2020-12-29T07:00", "2020-12-29T19:00", employee="E1"),
            sick("2020-12-31T07:00", "2020-12-31T19:00", employee="E2"),
        )
        assert row_at(report, 2).amount == d("100.00")

    def test_forfeit_on_statuses_are_compared_ignoring_case(self) -> None:
        agreement = make_agreement(attendance={"forfeit_on": ["Sick"]})
        report = check(
            agreement,
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-31T07:00", "2020-12-31T19:00", extra=None, status="SICK"),
        )
        assert row_at(report, 2).amount == d("0.00")

    def test_every_shift_of_the_week_is_forfeited(self) -> None:
        report = check(
            forfeiting(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            sick("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2021-01-03T07:00", "2021-01-03T19:00"),  # next week: paid
        )
        assert amounts(report) == {2: d("0.00"), 3: d("0.00"), 4: d("0.00"), 5: d("100.00")}


# --------------------------------------------------------------------------- double claims


class TestDoubleClaims:
    def test_an_overlapping_later_row_is_an_error_naming_the_earlier_line(self) -> None:
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-28T15:00", "2020-12-28T23:00"),
        )
        error = error_at(report, 3)
        assert error.field == "start"
        assert "line 2" in error.message
        assert amounts(report) == {2: d("100.00")}
        assert (report.totals.rows, report.totals.evaluated, report.totals.errors) == (2, 1, 1)

    def test_the_row_that_starts_later_is_the_error_whatever_its_line(self) -> None:
        # Line 2 starts at 15:00, line 3 at 07:00: line 2 is the later by start.
        report = check(
            make_agreement(),
            rec("2020-12-28T15:00", "2020-12-28T23:00"),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
        )
        error = error_at(report, 2)
        assert error.field == "start"
        assert "line 3" in error.message
        assert amounts(report) == {3: d("100.00")}

    def test_rows_with_the_same_start_are_ordered_by_line(self) -> None:
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-28T07:00", "2020-12-28T15:00"),
        )
        assert "line 2" in error_at(report, 3).message
        assert amounts(report) == {2: d("100.00")}

    def test_touching_shifts_are_not_a_double_claim(self) -> None:
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-28T19:00", "2020-12-29T07:00"),
        )
        assert report.errors == []
        assert amounts(report) == {2: d("100.00"), 3: d("100.00")}

    def test_an_absence_overlapping_a_worked_row_is_not_a_double_claim(self) -> None:
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            sick("2020-12-28T07:00", "2020-12-28T19:00"),
        )
        assert report.errors == []
        assert amounts(report) == {2: d("100.00"), 3: d("0.00")}

    def test_overlapping_rows_of_different_employees_are_fine(self) -> None:
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00", employee="E1"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", employee="E2"),
        )
        assert report.errors == []
        assert report.totals.by_employee == {"E1": d("100.00"), "E2": d("100.00")}

    def test_every_row_inside_an_accepted_row_is_an_error_naming_it(self) -> None:
        # Line 2 covers 07:00-19:00; lines 3 (08:00-10:00) and 4 (11:00-13:00) both
        # overlap it, though not each other.
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-28T08:00", "2020-12-28T10:00"),
            rec("2020-12-28T11:00", "2020-12-28T13:00"),
        )
        assert "line 2" in error_at(report, 3).message
        assert "line 2" in error_at(report, 4).message

    def test_a_row_overlapping_only_a_rejected_row_is_accepted(self) -> None:
        # Line 3 (18:00-06:00) overlaps line 2 and is rejected. Line 4 (19:00-07:00)
        # overlaps only line 3 and touches line 2: accepted.
        report = check(
            make_agreement(),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-28T18:00", "2020-12-29T06:00"),
            rec("2020-12-28T19:00", "2020-12-29T07:00"),
        )
        assert [e.line for e in report.errors] == [3]
        assert amounts(report) == {2: d("100.00"), 4: d("100.00")}

    def test_a_rejected_row_takes_no_part_in_the_threshold(self) -> None:
        # 0.5 FTE: threshold 20. Line 3 repeats line 2 and is rejected, so only 12 h come
        # before the extra Monday shift: 12 + 12 - 20 = 4 h beyond → 40.00 (it would be
        # 12 h → 120.00 if the duplicate counted).
        report = check(
            beyond_fte(),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.5"),
            rec("2020-12-27T07:00", "2020-12-27T19:00", extra=False, fte="0.5"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", fte="0.5"),
        )
        assert [e.line for e in report.errors] == [3]
        assert outcome_at(report, 4).qualifying_hours == d("4.00")
        assert row_at(report, 4).amount == d("40.00")

    def test_a_rejected_row_takes_no_part_in_limits(self) -> None:
        # At most 1 paid shift a week. The duplicate (line 3) is rejected, so it cannot
        # use up the week; line 2 pays.
        agreement = make_agreement(limits={"max_shifts_per_workweek": 1})
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
        )
        assert amounts(report) == {2: d("100.00")}


# --------------------------------------------------------------------------- limits


class TestLimits:
    def test_max_amount_per_shift_cuts_a_shift_to_the_cap(self) -> None:
        agreement = make_agreement(
            payout=[{"per_shift": "400.00"}], limits={"max_amount_per_shift": "300.00"}
        )
        report = check(agreement, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        result = outcome_at(report, 2)
        assert result.qualifies is True
        assert result.amount == d("300.00")
        # 400.00 - 300.00 = 100.00 removed.
        assert cuts(result) == [("limit", "max_amount_per_shift", d("-100.00"))]

    def test_max_shifts_per_workweek_stops_paying_in_the_middle_of_a_week(self) -> None:
        # At most 2 paid shifts a week: Mon and Tue pay, Wed is cut, next Sunday pays.
        agreement = make_agreement(
            limits={"max_shifts_per_workweek": 2},
            windows=[{"start": "2020-12-27T00:00", "end": "2021-01-10T00:00"}],
        )
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2021-01-03T07:00", "2021-01-03T19:00"),
        )
        assert amounts(report) == {2: d("100.00"), 3: d("100.00"), 4: d("0.00"), 5: d("100.00")}
        wednesday = outcome_at(report, 4)
        assert wednesday.qualifies is True
        assert cuts(wednesday) == [("limit", "max_shifts_per_workweek", d("-100.00"))]

    def test_a_shift_cut_to_zero_does_not_count_toward_max_shifts_per_workweek(self) -> None:
        # Pay periods start Wednesdays (2020-12-30 00:00), at most 100.00 each, and at most
        # 2 paid shifts a week. Mon pays 100 (period to Dec 30). Tue is cut to zero by the
        # pay period limit and so is not a paid shift. Wed (new period) is the 2nd paid
        # shift: 100. Thu is the 3rd: cut by max_shifts_per_workweek.
        agreement = make_agreement(
            pay_period={"anchor": "2020-12-30T00:00", "days": 14},
            limits={"max_shifts_per_workweek": 2, "max_amount_per_pay_period": "100.00"},
        )
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2020-12-31T07:00", "2020-12-31T19:00"),
        )
        assert amounts(report) == {2: d("100.00"), 3: d("0.00"), 4: d("100.00"), 5: d("0.00")}
        assert cuts(outcome_at(report, 3)) == [("limit", "max_amount_per_pay_period", d("-100.00"))]
        assert cuts(outcome_at(report, 5)) == [("limit", "max_shifts_per_workweek", d("-100.00"))]

    def test_max_shifts_per_workweek_of_zero_pays_no_shift(self) -> None:
        agreement = make_agreement(limits={"max_shifts_per_workweek": 0})
        report = check(agreement, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        result = outcome_at(report, 2)
        assert result.amount == d("0.00")
        assert cuts(result) == [("limit", "max_shifts_per_workweek", d("-100.00"))]

    def test_max_amount_per_workweek_cuts_a_shift_partly(self) -> None:
        # At most 250.00 a week: 100 + 100 + 50 (50.00 removed) + 0 (100.00 removed);
        # the next week starts again.
        agreement = make_agreement(
            limits={"max_amount_per_workweek": "250.00"},
            windows=[{"start": "2020-12-27T00:00", "end": "2021-01-10T00:00"}],
        )
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2020-12-31T07:00", "2020-12-31T19:00"),
            rec("2021-01-03T07:00", "2021-01-03T19:00"),
        )
        assert amounts(report) == {
            2: d("100.00"),
            3: d("100.00"),
            4: d("50.00"),
            5: d("0.00"),
            6: d("100.00"),
        }
        assert cuts(outcome_at(report, 4)) == [("limit", "max_amount_per_workweek", d("-50.00"))]
        assert cuts(outcome_at(report, 5)) == [("limit", "max_amount_per_workweek", d("-100.00"))]
        assert "250.00" in outcome_at(report, 4).adjustments[0].detail

    def test_max_amount_per_pay_period_cuts_across_workweeks(self) -> None:
        # 14-day pay periods from 2020-12-27; at most 300.00 each; 120.00 a 12-hour shift.
        # Dec 28: 120, Dec 29: 120, Dec 30: 60 (60 removed), Jan 3: 0 (120 removed),
        # Jan 10 (next pay period): 120.
        agreement = make_agreement(
            payout=[{"per_hour": "10.00"}],
            pay_period={"anchor": "2020-12-27T00:00", "days": 14},
            limits={"max_amount_per_pay_period": "300.00"},
            windows=[{"start": "2020-12-27T00:00", "end": "2021-01-17T00:00"}],
        )
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2021-01-03T07:00", "2021-01-03T19:00"),
            rec("2021-01-10T07:00", "2021-01-10T19:00"),
        )
        assert amounts(report) == {
            2: d("120.00"),
            3: d("120.00"),
            4: d("60.00"),
            5: d("0.00"),
            6: d("120.00"),
        }
        assert cuts(outcome_at(report, 4)) == [("limit", "max_amount_per_pay_period", d("-60.00"))]
        assert cuts(outcome_at(report, 5)) == [("limit", "max_amount_per_pay_period", d("-120.00"))]

    def test_max_amount_total_caps_the_whole_agreement(self) -> None:
        # At most 500.00 in total at 200.00 a shift: 200, 200, 100 (100 removed), 0.
        agreement = make_agreement(
            payout=[{"per_shift": "200.00"}],
            limits={"max_amount_total": "500.00"},
            windows=[{"start": "2020-12-27T00:00", "end": "2021-01-17T00:00"}],
        )
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2021-01-05T07:00", "2021-01-05T19:00"),
            rec("2021-01-12T07:00", "2021-01-12T19:00"),
            rec("2021-01-13T07:00", "2021-01-13T19:00"),
        )
        assert amounts(report) == {2: d("200.00"), 3: d("200.00"), 4: d("100.00"), 5: d("0.00")}
        assert cuts(outcome_at(report, 4)) == [("limit", "max_amount_total", d("-100.00"))]
        assert cuts(outcome_at(report, 5)) == [("limit", "max_amount_total", d("-200.00"))]
        assert report.totals.amount == d("500.00")

    def test_limits_apply_in_order_per_shift_then_per_workweek(self) -> None:
        # 250.00 a shift, at most 150.00 a shift and 200.00 a week.
        # Mon: 250 → 150 (100 removed). Tue: 250 → 150 (100 removed) → 50, the room left
        # in the week (another 100 removed).
        agreement = make_agreement(
            payout=[{"per_shift": "250.00"}],
            limits={"max_amount_per_shift": "150.00", "max_amount_per_workweek": "200.00"},
        )
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
        )
        assert amounts(report) == {2: d("150.00"), 3: d("50.00")}
        assert cuts(outcome_at(report, 3)) == [
            ("limit", "max_amount_per_shift", d("-100.00")),
            ("limit", "max_amount_per_workweek", d("-100.00")),
        ]

    def test_limits_are_per_employee(self) -> None:
        agreement = make_agreement(limits={"max_shifts_per_workweek": 1})
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00", employee="E1"),
            rec("2020-12-28T07:00", "2020-12-28T19:00", employee="E2"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", employee="E1"),
        )
        assert amounts(report) == {2: d("100.00"), 3: d("100.00"), 4: d("0.00")}
        assert report.totals.by_employee == {"E1": d("100.00"), "E2": d("100.00")}

    def test_limits_count_shifts_in_order_of_start_not_of_the_file(self) -> None:
        # Wed, Tue, Mon in the file; Mon and Tue are the first two by start.
        agreement = make_agreement(limits={"max_shifts_per_workweek": 2})
        report = check(
            agreement,
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
        )
        assert amounts(report) == {2: d("0.00"), 3: d("100.00"), 4: d("100.00")}

    def test_a_non_qualifying_shift_uses_no_limit(self) -> None:
        # Tue is not extra; it must not count as one of the 2 paid shifts.
        agreement = make_agreement(limits={"max_shifts_per_workweek": 2})
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00", extra=False),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
        )
        assert amounts(report) == {2: d("100.00"), 3: d("0.00"), 4: d("100.00")}
        assert outcome_at(report, 3).adjustments == []

    def test_totals_reconcile_with_the_rows_after_limits(self) -> None:
        agreement = make_agreement(limits={"max_amount_per_workweek": "250.00"})
        report = check(
            agreement,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
        )
        # 100 + 100 + 50 = 250.
        assert report.totals.amount == d("250.00")
        assert report.totals.by_employee == {"E1": d("250.00")}
        assert report.totals.qualifying == 3


# --------------------------------------------------------------------------- stacking


def program(ident: str, per_shift: str, **parts: Any) -> Agreement:
    return make_agreement(id=ident, payout=[{"per_shift": per_shift}], **parts)


class TestStacking:
    def test_among_exclusive_agreements_only_the_highest_pays(self) -> None:
        report = check(
            [program("low", "100.00"), program("high", "150.00")],
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
        )
        low, high = outcome_at(report, 2, "low"), outcome_at(report, 2, "high")
        assert row_at(report, 2).amount == d("150.00")
        assert high.amount == d("150.00")
        assert high.adjustments == []
        assert low.qualifies is True
        assert low.amount == d("0.00")
        assert cuts(low) == [("stacking", None, d("-100.00"))]
        assert "high" in low.adjustments[0].detail

    def test_a_three_way_tie_goes_to_the_smallest_id(self) -> None:
        agreements = [
            program("gamma", "100.00"),
            program("alpha", "100.00"),
            program("beta", "100.00"),
        ]
        report = check(agreements, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert row_at(report, 2).amount == d("100.00")
        assert outcome_at(report, 2, "alpha").amount == d("100.00")
        for loser in ("beta", "gamma"):
            result = outcome_at(report, 2, loser)
            assert result.qualifies is True
            assert result.amount == d("0.00")
            (adjustment,) = result.adjustments
            assert (adjustment.rule, adjustment.amount) == ("stacking", d("-100.00"))
            assert "alpha" in adjustment.detail
        assert row_at(report, 2).qualifies == ["gamma", "alpha", "beta"]

    def test_stack_agreements_add_to_the_exclusive_winner(self) -> None:
        # Exclusive 100 and 150: 150 pays; stack 30 and 20 add: 150 + 30 + 20 = 200.
        agreements = [
            program("low", "100.00"),
            program("high", "150.00"),
            program("night-bonus", "30.00", stacking="stack"),
            program("unit-bonus", "20.00", stacking="stack"),
        ]
        report = check(agreements, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert row_at(report, 2).amount == d("200.00")
        assert outcome_at(report, 2, "night-bonus").adjustments == []
        assert outcome_at(report, 2, "unit-bonus").amount == d("20.00")

    def test_stack_agreements_alone_all_pay(self) -> None:
        agreements = [
            program("one", "30.00", stacking="stack"),
            program("two", "50.00", stacking="stack"),
        ]
        report = check(agreements, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert row_at(report, 2).amount == d("80.00")

    def test_an_exclusive_agreement_that_does_not_qualify_takes_no_part(self) -> None:
        agreements = [
            program("low", "100.00"),
            program("high", "150.00", eligibility={"classifications": ["Registered Nurse"]}),
        ]
        report = check(agreements, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert row_at(report, 2).amount == d("100.00")
        assert outcome_at(report, 2, "low").adjustments == []

    def test_limits_act_before_stacking(self) -> None:
        # "big" pays 200.00 but at most 120.00 a shift; "mid" pays 150.00, now the highest.
        agreements = [
            program("big", "200.00", limits={"max_amount_per_shift": "120.00"}),
            program("mid", "150.00"),
        ]
        report = check(agreements, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert row_at(report, 2).amount == d("150.00")
        big = outcome_at(report, 2, "big")
        assert big.amount == d("0.00")
        # 200 → 120 (80 removed by the limit), then 120 removed by stacking.
        assert cuts(big) == [
            ("limit", "max_amount_per_shift", d("-80.00")),
            ("stacking", None, d("-120.00")),
        ]
        assert "mid" in big.adjustments[1].detail

    def test_only_what_is_paid_counts_toward_later_limits(self) -> None:
        # "base" pays 100.00 a shift, at most 150.00 a week. "monday" pays 120.00 for
        # shifts starting on Monday Dec 28 only. Mon: monday wins, base pays 0. Tue: base
        # has paid nothing yet: 100. Wed: 50 left in the week: 50 (50 removed).
        agreements = [
            program("base", "100.00", limits={"max_amount_per_workweek": "150.00"}),
            program(
                "monday",
                "120.00",
                windows=[{"start": "2020-12-28T00:00", "end": "2020-12-29T00:00"}],
            ),
        ]
        report = check(
            agreements,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
        )
        assert amounts(report) == {2: d("120.00"), 3: d("100.00"), 4: d("50.00")}
        assert cuts(outcome_at(report, 4, "base")) == [
            ("limit", "max_amount_per_workweek", d("-50.00"))
        ]

    def test_a_shift_lost_to_stacking_does_not_count_toward_max_shifts(self) -> None:
        # "base": at most 2 paid shifts a week. Mon goes to "monday"; Tue and Wed are
        # base's two paid shifts; Thu is cut.
        agreements = [
            program("base", "100.00", limits={"max_shifts_per_workweek": 2}),
            program(
                "monday",
                "120.00",
                windows=[{"start": "2020-12-28T00:00", "end": "2020-12-29T00:00"}],
            ),
        ]
        report = check(
            agreements,
            rec("2020-12-28T07:00", "2020-12-28T19:00"),
            rec("2020-12-29T07:00", "2020-12-29T19:00"),
            rec("2020-12-30T07:00", "2020-12-30T19:00"),
            rec("2020-12-31T07:00", "2020-12-31T19:00"),
        )
        assert amounts(report) == {2: d("120.00"), 3: d("100.00"), 4: d("100.00"), 5: d("0.00")}

    def test_each_adjustment_is_a_negative_amount_and_outcomes_sum_to_the_row(self) -> None:
        agreements = [program("a", "100.00"), program("b", "150.00"), program("c", "90.00")]
        report = check(agreements, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        row = row_at(report, 2)
        assert sum((o.amount for o in row.outcomes), d("0")) == row.amount == d("150.00")
        adjustments: list[Adjustment] = [a for o in row.outcomes for a in o.adjustments]
        assert sorted(a.amount for a in adjustments) == [d("-100.00"), d("-90.00")]


# --------------------------------------------------------------------------- amendments


EXTENSION = {
    "adopted": "2021-01-29",
    "summary": "Extended until 7:00 a.m. February 15, 2021",
    "windows": [{"start": "2020-12-27T07:00", "end": "2021-02-15T07:00"}],
}


class TestAmendments:
    @pytest.mark.parametrize(
        ("as_of", "amount"),
        [
            ("2021-01-28", "0.00"),  # adopted the next day: not applied
            ("2021-01-29", "100.00"),  # adopted that day: applied
            (None, "100.00"),  # no as_of: every amendment applies
        ],
    )
    def test_a_shift_after_the_original_end_qualifies_only_with_the_extension(
        self, as_of: str | None, amount: str
    ) -> None:
        agreement = make_agreement(amendments=[EXTENSION])
        report = check(agreement, rec("2021-01-10T07:00", "2021-01-10T19:00"), as_of=as_of)
        assert row_at(report, 2).amount == d(amount)

    @pytest.mark.parametrize("as_of", ["2021-01-28", "2021-01-29"])
    def test_a_shift_inside_the_original_window_qualifies_either_way(self, as_of: str) -> None:
        agreement = make_agreement(amendments=[EXTENSION])
        report = check(agreement, rec("2020-12-28T07:00", "2020-12-28T19:00"), as_of=as_of)
        assert row_at(report, 2).amount == d("100.00")

    def test_the_extended_end_is_still_half_open(self) -> None:
        agreement = make_agreement(amendments=[EXTENSION])
        report = check(agreement, rec("2021-02-15T07:00", "2021-02-15T19:00"))
        assert row_at(report, 2).amount == d("0.00")

    def test_the_report_names_the_amendments_applied(self) -> None:
        agreement = make_agreement(amendments=[EXTENSION])
        before = check(agreement, rec("2021-01-10T07:00", "2021-01-10T19:00"), as_of="2021-01-28")
        after = check(
            agreement, rec("2021-01-10T07:00", "2021-01-10T19:00"), as_of=date(2021, 1, 29)
        )
        assert before.agreements[0].amendments_applied == []
        assert after.agreements[0].amendments_applied == [
            AmendmentApplied(
                adopted=date(2021, 1, 29), summary="Extended until 7:00 a.m. February 15, 2021"
            )
        ]
        assert after.as_of == date(2021, 1, 29)
        data = after.model_dump(mode="json")
        assert data["as_of"] == "2021-01-29"
        assert data["agreements"][0]["amendments_applied"] == [
            {"adopted": "2021-01-29", "summary": "Extended until 7:00 a.m. February 15, 2021"}
        ]

    def test_the_window_reason_mentions_the_amendment(self) -> None:
        agreement = make_agreement(amendments=[EXTENSION])
        report = check(agreement, rec("2021-01-10T07:00", "2021-01-10T19:00"))
        text = detail(outcome_at(report, 2), "window")
        assert "amendment adopted 2021-01-29" in text
        assert "2021-02-15 07:00" in text

    def test_amendments_apply_in_adopted_order_not_file_order(self) -> None:
        agreement = make_agreement(
            amendments=[
                {
                    "adopted": "2021-02-05",
                    "summary": "Raised to 300",
                    "payout": [{"per_shift": "300.00"}],
                },
                {
                    "adopted": "2021-01-29",
                    "summary": "Raised to 200",
                    "payout": [{"per_shift": "200.00"}],
                },
            ]
        )
        shift = rec("2020-12-28T07:00", "2020-12-28T19:00")
        assert row_at(check(agreement, shift), 2).amount == d("300.00")
        assert row_at(check(agreement, shift, as_of="2021-02-01"), 2).amount == d("200.00")
        assert row_at(check(agreement, shift, as_of="2021-01-28"), 2).amount == d("100.00")
        applied = check(agreement, shift).agreements[0].amendments_applied
        assert [a.adopted for a in applied] == [date(2021, 1, 29), date(2021, 2, 5)]

    def test_amendments_adopted_the_same_day_apply_in_file_order(self) -> None:
        agreement = make_agreement(
            amendments=[
                {"adopted": "2021-01-29", "summary": "First", "payout": [{"per_shift": "200.00"}]},
                {"adopted": "2021-01-29", "summary": "Second", "payout": [{"per_shift": "300.00"}]},
            ]
        )
        report = check(agreement, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert row_at(report, 2).amount == d("300.00")
        assert [a.summary for a in report.agreements[0].amendments_applied] == ["First", "Second"]

    def test_an_amended_payout_reason_mentions_the_amendment(self) -> None:
        agreement = make_agreement(
            amendments=[
                {"adopted": "2021-02-05", "summary": "Raised", "payout": [{"per_shift": "300.00"}]}
            ]
        )
        report = check(agreement, rec("2020-12-28T07:00", "2020-12-28T19:00"))
        assert "amendment adopted 2021-02-05" in detail(outcome_at(report, 2), "payout")

    def test_an_amended_part_replaces_the_original_part_whole(self) -> None:
        # The original eligibility has min_hours 8; the amendment gives eligibility
        # without it, so a 6-hour shift now passes min_hours.
        agreement = make_agreement(
            eligibility={"min_hours": 8},
            amendments=[
                {
                    "adopted": "2021-01-29",
                    "summary": "Any length",
                    "eligibility": {"classifications": ["*"]},
                }
            ],
        )
        shift = rec("2020-12-28T07:00", "2020-12-28T13:00")
        assert row_at(check(agreement, shift, as_of="2021-01-28"), 2).amount == d("0.00")
        assert row_at(check(agreement, shift), 2).amount == d("100.00")

    def test_an_amendment_that_adds_the_extra_flag_says_so_in_the_extra_reason(self) -> None:
        # Before 2021-01-29 any shift counts; the amendment requires the extra flag.
        agreement = make_agreement(
            extra={"flag": False},
            amendments=[
                {
                    "adopted": "2021-01-29",
                    "summary": "Only shifts marked extra",
                    "extra": {"flag": True},
                }
            ],
        )
        marked = rec("2020-12-28T07:00", "2020-12-28T19:00")
        unmarked = rec("2020-12-29T07:00", "2020-12-29T19:00", employee="E2", extra=False)
        before = check(agreement, marked, unmarked, as_of="2021-01-28")
        assert amounts(before) == {2: d("100.00"), 3: d("100.00")}
        assert detail(outcome_at(before, 3), "extra") == "no extra-shift condition"
        after = check(agreement, marked, unmarked)
        assert amounts(after) == {2: d("100.00"), 3: d("0.00")}
        assert (
            detail(outcome_at(after, 2), "extra") == "marked extra (amendment adopted 2021-01-29)"
        )
        assert detail(outcome_at(after, 3), "extra") == (
            "not marked extra (amendment adopted 2021-01-29)"
        )
        assert not ok(outcome_at(after, 3), "extra")

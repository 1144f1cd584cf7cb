"""Per-shift rules (SPEC sections 1, 2, 5 and 8), one class per rule, values worked by hand.

Unless a test says otherwise the agreement is in America/Los_Angeles, its one window runs
from Sunday 2020-12-27 07:00 to Monday 2021-01-04 07:00 (PST, UTC-8), every
classification is eligible, the extra flag is required and one component pays 100.00 a
shift. Shifts are naive local times, so they are wall time in that zone.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

import pytest
from strategies import RULES_IN_ORDER as RULES
from strategies import esi_agreement

import incentives
from incentives import Agreement, Outcome, Reason, Report, RowError, RowResult, Shift

WINDOW = {"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}
Ambiguous = Literal["raise", "earlier", "later"]


# --------------------------------------------------------------------------- helpers


make_agreement = esi_agreement


def make_shift(start: str, end: str, **fields: Any) -> Shift:
    """A worked extra shift of E1, a Respiratory Care Practitioner; naive local times."""
    values: dict[str, Any] = {
        "employee_id": "E1",
        "classification": "Respiratory Care Practitioner",
        "extra": True,
    }
    values.update(fields)
    return Shift(
        start=datetime.fromisoformat(start),
        end=datetime.fromisoformat(end),
        **values,
    )


def run(
    agreement: Agreement,
    *shifts: Shift,
    ambiguous: Ambiguous = "raise",
) -> Report:
    return incentives.evaluate([agreement], list(shifts), ambiguous=ambiguous)


def only_row(report: Report) -> RowResult:
    assert report.errors == []
    (row,) = report.rows
    return row


def outcome(agreement: Agreement, shift: Shift, ambiguous: Ambiguous = "raise") -> Outcome:
    """The one outcome of one shift against one agreement (no row errors allowed)."""
    (result,) = only_row(run(agreement, shift, ambiguous=ambiguous)).outcomes
    return result


def only_error(report: Report) -> RowError:
    assert report.rows == []
    (error,) = report.errors
    return error


def reason(result: Outcome, rule: str) -> Reason:
    (found,) = [r for r in result.reasons if r.rule == rule]
    return found


def failed(result: Outcome) -> list[str]:
    return [r.rule for r in result.reasons if not r.ok]


def blocked_by(result: Outcome) -> list[str]:
    """The failed rules other than ``payout``.

    SPEC 5.4 says when ``payout`` must fail (every other rule passed but nothing pays);
    it does not say whether ``payout`` also fails when an earlier rule already left no
    qualifying hours, so tests of those cases leave it out.
    """
    return [rule for rule in failed(result) if rule != "payout"]


def pays(per_hour: str, **parts: Any) -> Agreement:
    """An agreement paying ``per_hour`` a qualifying hour, so the amount shows the hours."""
    return make_agreement(payout=[{"per_hour": per_hour}], **parts)


# --------------------------------------------------------------------------- rule order


class TestReasonOrder:
    def test_a_qualifying_outcome_lists_the_twelve_rules_in_spec_order(self) -> None:
        result = outcome(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert [r.rule for r in result.reasons] == RULES
        assert all(r.ok for r in result.reasons)
        assert result.qualifies is True

    def test_an_absence_lists_the_twelve_rules_in_spec_order(self) -> None:
        sick = make_shift("2020-12-28T07:00", "2020-12-28T19:00", status="sick")
        result = outcome(make_agreement(), sick)
        assert [r.rule for r in result.reasons] == RULES

    def test_every_rule_is_evaluated_after_one_has_failed(self) -> None:
        agreement = make_agreement(eligibility={"classifications": ["Registered Nurse"]})
        # Wrong classification, not marked extra, and starting after the window's end:
        # three failures, all listed, and the other nine rules still listed as passed.
        late = make_shift("2021-01-05T07:00", "2021-01-05T19:00", extra=False)
        result = outcome(agreement, late)
        assert [r.rule for r in result.reasons] == RULES
        assert blocked_by(result) == ["classification", "extra", "window"]
        assert result.qualifies is False
        assert result.amount == Decimal("0.00")

    def test_every_outcome_of_every_row_lists_the_rules_in_order(self) -> None:
        agreements = [make_agreement(id="a"), make_agreement(id="b", stacking="stack")]
        shifts = [
            make_shift("2020-12-28T07:00", "2020-12-28T19:00"),
            make_shift("2020-12-29T07:00", "2020-12-29T19:00", status="vacation"),
            make_shift("2021-02-01T07:00", "2021-02-01T19:00"),
        ]
        report = incentives.evaluate(agreements, shifts)
        assert len(report.rows) == 3
        for row in report.rows:
            assert [o.agreement for o in row.outcomes] == ["a", "b"]
            for result in row.outcomes:
                assert [r.rule for r in result.reasons] == RULES


# --------------------------------------------------------------------------- status


class TestStatus:
    def test_a_worked_shift_passes_the_status_rule(self) -> None:
        result = outcome(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert reason(result, "status").ok is True

    def test_status_is_compared_ignoring_case_and_white_space(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", status="  Worked ")
        result = outcome(make_agreement(), shift)
        assert reason(result, "status").ok is True
        assert result.amount == Decimal("100.00")

    @pytest.mark.parametrize("status", ["sick", "protected_sick", "vacation", "low_census"])
    def test_an_absence_never_pays_even_when_everything_else_passes(self, status: str) -> None:
        # Inside the window, marked extra, any classification: only the status fails.
        absence = make_shift("2020-12-28T07:00", "2020-12-28T19:00", status=status)
        result = outcome(make_agreement(), absence)
        assert failed(result) == ["status"]
        assert result.qualifies is False
        assert result.amount == Decimal("0.00")
        assert status in reason(result, "status").detail

    def test_an_absence_needs_none_of_the_columns_required_for_paying(self) -> None:
        agreement = make_agreement(
            eligibility={"employers": ["SCPMG"], "requires_approval": True},
        )
        # No extra, employer or approved value: not a row error for an absence.
        absence = make_shift("2020-12-28T07:00", "2020-12-28T19:00", status="sick", extra=None)
        report = run(agreement, absence)
        assert report.errors == []
        (result,) = only_row(report).outcomes
        assert result.amount == Decimal("0.00")
        assert reason(result, "status").ok is False


# --------------------------------------------------------------------------- classification


class TestClassification:
    RCP: ClassVar[dict[str, Any]] = {"classifications": ["Respiratory Care Practitioner"]}

    @pytest.mark.parametrize(
        "written",
        [
            "Respiratory Care Practitioner",
            "respiratory care practitioner",
            "  RESPIRATORY   Care\tPractitioner ",
        ],
    )
    def test_classification_matches_ignoring_case_and_white_space(self, written: str) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", classification=written)
        result = outcome(make_agreement(eligibility=self.RCP), shift)
        assert reason(result, "classification").ok is True
        assert result.amount == Decimal("100.00")

    def test_the_agreements_own_spelling_is_normalised_too(self) -> None:
        agreement = make_agreement(
            eligibility={"classifications": ["  respiratory  CARE practitioner "]}
        )
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert reason(result, "classification").ok is True

    def test_another_classification_fails_and_the_reason_names_both(self) -> None:
        shift = make_shift(
            "2020-12-28T07:00", "2020-12-28T19:00", classification="Registered Nurse"
        )
        result = outcome(make_agreement(eligibility=self.RCP), shift)
        assert failed(result) == ["classification"]
        assert result.amount == Decimal("0.00")
        detail = reason(result, "classification").detail
        assert "Registered Nurse" in detail
        assert "Respiratory Care Practitioner" in detail

    def test_a_star_admits_any_classification(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", classification="Phlebotomist")
        result = outcome(make_agreement(eligibility={"classifications": ["*"]}), shift)
        assert reason(result, "classification").ok is True
        assert result.qualifies is True


# --------------------------------------------------------------------------- employer


class TestEmployer:
    AGREEMENT: ClassVar[dict[str, Any]] = {"employers": ["SCPMG", "KFH"]}

    @pytest.mark.parametrize("employer", ["SCPMG", "scpmg", " Kfh  "])
    def test_a_listed_employer_matches_ignoring_case_and_white_space(self, employer: str) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employer=employer)
        result = outcome(make_agreement(eligibility=self.AGREEMENT), shift)
        assert reason(result, "employer").ok is True
        assert result.qualifies is True

    def test_an_unlisted_employer_fails_and_the_reason_names_it(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employer="TPMG")
        result = outcome(make_agreement(eligibility=self.AGREEMENT), shift)
        assert failed(result) == ["employer"]
        detail = reason(result, "employer").detail
        assert "TPMG" in detail
        assert "SCPMG" in detail

    def test_an_empty_employer_filter_passes_as_any_employer(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employer="Anyone")
        result = outcome(make_agreement(), shift)
        assert reason(result, "employer").ok is True
        assert "any employer" in reason(result, "employer").detail

    def test_a_worked_row_without_an_employer_is_a_row_error(self) -> None:
        agreement = make_agreement(eligibility=self.AGREEMENT)
        error = only_error(run(agreement, make_shift("2020-12-28T07:00", "2020-12-28T19:00")))
        assert error.field == "employer"


# --------------------------------------------------------------------------- employment status


class TestEmploymentStatus:
    @pytest.mark.parametrize("written", ["full_time", "Full-time", "FULL TIME", " full-Time "])
    def test_full_time_is_recognised_however_it_is_written(self, written: str) -> None:
        agreement = make_agreement(eligibility={"employment_statuses": ["Full-time"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employment_status=written)
        result = outcome(agreement, shift)
        assert reason(result, "employment_status").ok is True
        assert result.qualifies is True

    def test_part_time_written_with_a_space_matches_part_time(self) -> None:
        agreement = make_agreement(eligibility={"employment_statuses": ["part time"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employment_status="Part-Time")
        assert reason(outcome(agreement, shift), "employment_status").ok is True

    def test_an_unlisted_employment_status_fails_and_the_reason_names_both(self) -> None:
        agreement = make_agreement(eligibility={"employment_statuses": ["Full-time"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employment_status="per diem")
        result = outcome(agreement, shift)
        assert failed(result) == ["employment_status"]
        detail = reason(result, "employment_status").detail
        assert "per_diem" in detail
        assert "full_time" in detail

    def test_an_employment_status_outside_the_five_is_a_row_error(self) -> None:
        agreement = make_agreement(eligibility={"employment_statuses": ["full_time"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", employment_status="contractor")
        error = only_error(run(agreement, shift))
        assert error.field == "employment_status"


# --------------------------------------------------------------------------- location and unit


class TestLocationGlob:
    AGREEMENT: ClassVar[dict[str, Any]] = {"locations": ["*Medical Center"]}

    @pytest.mark.parametrize(
        "location",
        [
            "Riverside Medical Center",
            "riverside MEDICAL center",
            "  Riverside   Medical  Center ",
            "Medical Center",  # "*" also matches nothing
        ],
    )
    def test_a_star_pattern_matches_ignoring_case_and_white_space(self, location: str) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", location=location)
        result = outcome(make_agreement(eligibility=self.AGREEMENT), shift)
        assert reason(result, "location").ok is True
        assert result.qualifies is True

    @pytest.mark.parametrize(
        "location", ["Riverside Medical Offices", "Medical Center Annex", "Medical Centre"]
    )
    def test_the_pattern_must_match_the_whole_location(self, location: str) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", location=location)
        result = outcome(make_agreement(eligibility=self.AGREEMENT), shift)
        assert failed(result) == ["location"]
        detail = reason(result, "location").detail
        assert location in detail
        assert "*Medical Center" in detail

    def test_a_matching_location_reason_names_the_value_and_the_pattern(self) -> None:
        shift = make_shift(
            "2020-12-28T07:00", "2020-12-28T19:00", location="Fontana Medical Center"
        )
        detail = reason(outcome(make_agreement(eligibility=self.AGREEMENT), shift), "location")
        assert "Fontana Medical Center" in detail.detail
        assert "*Medical Center" in detail.detail

    def test_an_empty_location_filter_passes(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", location="Anywhere")
        assert reason(outcome(make_agreement(), shift), "location").ok is True


class TestUnitGlob:
    @pytest.mark.parametrize("unit", ["Med-Surg", "med-surg 4 West", "MED-SURG/Tele"])
    def test_a_trailing_star_matches_any_ending(self, unit: str) -> None:
        agreement = make_agreement(eligibility={"units": ["Med-Surg*"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit=unit)
        assert reason(outcome(agreement, shift), "unit").ok is True

    def test_a_trailing_star_does_not_match_a_different_beginning(self) -> None:
        agreement = make_agreement(eligibility={"units": ["Med-Surg*"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit="Tele/Med-Surg")
        result = outcome(agreement, shift)
        assert failed(result) == ["unit"]
        assert "Tele/Med-Surg" in reason(result, "unit").detail

    @pytest.mark.parametrize(("unit", "ok"), [("NICU", True), ("picu", True), ("ICU", False)])
    def test_a_question_mark_matches_exactly_one_character(self, unit: str, ok: bool) -> None:
        agreement = make_agreement(eligibility={"units": ["?ICU"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit=unit)
        assert reason(outcome(agreement, shift), "unit").ok is ok

    def test_a_question_mark_does_not_match_two_characters(self) -> None:
        agreement = make_agreement(eligibility={"units": ["?ICU"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit="CVICU")
        assert reason(outcome(agreement, shift), "unit").ok is False

    def test_a_pattern_without_wildcards_matches_only_the_whole_name(self) -> None:
        agreement = make_agreement(eligibility={"units": ["ICU"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit="PICU")
        assert reason(outcome(agreement, shift), "unit").ok is False

    def test_characters_other_than_star_and_question_mark_are_literal(self) -> None:
        agreement = make_agreement(eligibility={"units": ["4.West (A)"]})
        literal = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit="4.west (a)")
        other = make_shift("2020-12-29T07:00", "2020-12-29T19:00", unit="4xWest (A)")
        assert reason(outcome(agreement, literal), "unit").ok is True
        assert reason(outcome(agreement, other), "unit").ok is False

    def test_any_of_several_patterns_is_enough(self) -> None:
        agreement = make_agreement(eligibility={"units": ["ICU", "ED"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unit="ed")
        assert reason(outcome(agreement, shift), "unit").ok is True


# --------------------------------------------------------------------------- approval


class TestApproval:
    def test_an_approved_shift_passes_when_approval_is_required(self) -> None:
        agreement = make_agreement(eligibility={"requires_approval": True})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", approved=True)
        result = outcome(agreement, shift)
        assert reason(result, "approval").ok is True
        assert result.amount == Decimal("100.00")

    def test_an_unapproved_shift_fails_when_approval_is_required(self) -> None:
        agreement = make_agreement(eligibility={"requires_approval": True})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", approved=False)
        result = outcome(agreement, shift)
        assert failed(result) == ["approval"]
        assert result.amount == Decimal("0.00")

    def test_an_unapproved_shift_passes_when_approval_is_not_required(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", approved=False)
        result = outcome(make_agreement(), shift)
        assert reason(result, "approval").ok is True
        assert result.qualifies is True

    def test_the_approval_reason_says_what_was_recorded(self) -> None:
        agreement = make_agreement(eligibility={"requires_approval": True})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", approved=False)
        assert "not approved" in reason(outcome(agreement, shift), "approval").detail

    def test_a_worked_row_without_approval_is_a_row_error_when_it_is_required(self) -> None:
        agreement = make_agreement(eligibility={"requires_approval": True})
        error = only_error(run(agreement, make_shift("2020-12-28T07:00", "2020-12-28T19:00")))
        assert error.field == "approved"


# --------------------------------------------------------------------------- extra flag


class TestExtraFlag:
    def test_a_shift_marked_extra_passes(self) -> None:
        result = outcome(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert reason(result, "extra").ok is True

    def test_a_shift_not_marked_extra_fails_when_the_flag_is_required(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", extra=False)
        result = outcome(make_agreement(), shift)
        assert failed(result) == ["extra"]
        assert result.amount == Decimal("0.00")

    def test_the_extra_reason_says_the_shift_is_not_marked_extra(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", extra=False)
        assert "not marked extra" in reason(outcome(make_agreement(), shift), "extra").detail

    def test_a_shift_not_marked_extra_passes_when_the_flag_is_not_required(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", extra=False)
        result = outcome(make_agreement(extra={"flag": False}), shift)
        assert reason(result, "extra").ok is True
        assert result.amount == Decimal("100.00")

    def test_extra_is_read_from_the_usual_boolean_words_in_a_shifts_file(self) -> None:
        text = (
            "employee_id,classification,start,end,extra\n"
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,Yes\n"
            "E1,RCP,2020-12-29T07:00,2020-12-29T19:00,n\n"
            "E1,RCP,2020-12-30T07:00,2020-12-30T19:00,1\n"
            "E1,RCP,2020-12-31T07:00,2020-12-31T19:00,FALSE\n"
        )
        report = incentives.evaluate([make_agreement()], incentives.read_shifts(io.StringIO(text)))
        # Lines 2 and 4 are extra (Yes, 1); lines 3 and 5 are not (n, FALSE).
        assert [(r.line, r.outcomes[0].qualifies) for r in report.rows] == [
            (2, True),
            (3, False),
            (4, True),
            (5, False),
        ]


# --------------------------------------------------------------------------- window


class TestStartsWithin:
    def test_a_shift_starting_at_the_window_start_qualifies(self) -> None:
        result = outcome(make_agreement(), make_shift("2020-12-27T07:00", "2020-12-27T19:00"))
        assert reason(result, "window").ok is True
        detail = reason(result, "window").detail
        assert "2020-12-27 07:00 PST" in detail
        assert "2021-01-04 07:00" in detail

    def test_a_shift_starting_exactly_at_the_window_end_does_not_qualify(self) -> None:
        # Half-open [start, end): 2021-01-04 07:00 is outside.
        result = outcome(make_agreement(), make_shift("2021-01-04T07:00", "2021-01-04T19:00"))
        assert blocked_by(result) == ["window"]
        assert result.amount == Decimal("0.00")
        detail = reason(result, "window").detail
        assert "at or after the window's end" in detail
        assert "2021-01-04 07:00 PST" in detail

    def test_a_shift_starting_one_minute_before_the_window_does_not_qualify(self) -> None:
        # 06:59-18:59: 11 h 59 min of it lie inside, but it starts outside.
        result = outcome(make_agreement(), make_shift("2020-12-27T06:59", "2020-12-27T18:59"))
        assert blocked_by(result) == ["window"]
        detail = reason(result, "window").detail
        assert "2020-12-27 06:59 PST" in detail
        assert "2020-12-27 07:00" in detail

    def test_a_shift_starting_inside_counts_all_its_net_hours_past_the_window_end(self) -> None:
        # 2021-01-03 19:00 to 2021-01-04 07:30 is 12.5 h elapsed, 30 min break: 12 net hours,
        # all qualifying though 30 min of it lie after the window: 12 × 10.00 = 120.00.
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:30", unpaid_break_minutes=30)
        result = outcome(pays("10.00"), shift)
        assert result.qualifying_hours == Decimal("12.00")
        assert result.amount == Decimal("120.00")

    def test_a_shift_starting_in_a_second_window_qualifies(self) -> None:
        windows = [
            {"start": "2020-12-27T07:00", "end": "2020-12-28T07:00"},
            {"start": "2020-12-30T07:00", "end": "2020-12-31T07:00"},
        ]
        inside = make_shift("2020-12-30T07:00", "2020-12-30T19:00")
        between = make_shift("2020-12-29T07:00", "2020-12-29T19:00")
        assert outcome(make_agreement(windows=windows), inside).qualifies is True
        result = outcome(make_agreement(windows=windows), between)
        assert blocked_by(result) == ["window"]
        detail = reason(result, "window").detail
        assert "2020-12-28 07:00" in detail
        assert "2020-12-30 07:00" in detail


class TestEntirelyWithin:
    RULE: ClassVar[dict[str, Any]] = {"window_rule": "entirely_within"}

    def test_a_shift_ending_exactly_at_the_window_end_qualifies(self) -> None:
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:00")
        result = outcome(make_agreement(eligibility=self.RULE), shift)
        assert reason(result, "window").ok is True
        assert result.amount == Decimal("100.00")

    def test_a_shift_ending_one_minute_after_the_window_end_does_not_qualify(self) -> None:
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:01")
        result = outcome(make_agreement(eligibility=self.RULE), shift)
        assert blocked_by(result) == ["window"]
        detail = reason(result, "window").detail
        assert "2021-01-04 07:01" in detail
        assert "2021-01-04 07:00" in detail

    def test_a_shift_starting_exactly_at_the_window_start_qualifies(self) -> None:
        shift = make_shift("2020-12-27T07:00", "2020-12-27T19:00")
        assert outcome(make_agreement(eligibility=self.RULE), shift).qualifies is True

    def test_a_shift_starting_before_the_window_does_not_qualify(self) -> None:
        shift = make_shift("2020-12-27T06:00", "2020-12-27T18:00")
        result = outcome(make_agreement(eligibility=self.RULE), shift)
        assert blocked_by(result) == ["window"]

    def test_all_net_hours_of_a_shift_entirely_inside_qualify(self) -> None:
        # 07:00-19:30 with a 30 min break: 12 net hours × 10.00 = 120.00.
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:30", unpaid_break_minutes=30)
        result = outcome(pays("10.00", eligibility=self.RULE), shift)
        assert result.qualifying_hours == Decimal("12.00")
        assert result.amount == Decimal("120.00")


class TestMajorityWithin:
    RULE: ClassVar[dict[str, Any]] = {"window_rule": "majority_within"}
    # The window ends at 01:00 on 2021-01-04 so night shifts straddle it.
    WINDOWS: ClassVar[list[dict[str, Any]]] = [
        {"start": "2020-12-27T07:00", "end": "2021-01-04T01:00"}
    ]

    def agreement(self) -> Agreement:
        return pays("10.00", eligibility=self.RULE, windows=self.WINDOWS)

    def test_exactly_half_inside_is_not_enough(self) -> None:
        # 19:00-07:00: 6 of 12 elapsed hours inside, exactly half.
        result = outcome(self.agreement(), make_shift("2021-01-03T19:00", "2021-01-04T07:00"))
        assert blocked_by(result) == ["window"]
        assert result.amount == Decimal("0.00")
        detail = reason(result, "window").detail
        assert "6.00" in detail
        assert "12.00" in detail

    def test_more_than_half_inside_qualifies_with_all_net_hours(self) -> None:
        # 18:00-06:00 with a 60 min break: 7 of 12 elapsed hours inside, more than half;
        # all 11 net hours qualify: 11 × 10.00 = 110.00.
        shift = make_shift("2021-01-03T18:00", "2021-01-04T06:00", unpaid_break_minutes=60)
        result = outcome(self.agreement(), shift)
        assert reason(result, "window").ok is True
        assert result.qualifying_hours == Decimal("11.00")
        assert result.amount == Decimal("110.00")
        detail = reason(result, "window").detail
        assert "7.00" in detail
        assert "12.00" in detail

    def test_one_minute_more_than_half_is_enough(self) -> None:
        # 18:59-06:59: 6 h 01 min of 12 h inside; 12 net hours × 10.00 = 120.00.
        result = outcome(self.agreement(), make_shift("2021-01-03T18:59", "2021-01-04T06:59"))
        assert result.qualifies is True
        assert result.amount == Decimal("120.00")


class TestProrate:
    RULE: ClassVar[dict[str, Any]] = {"window_rule": "prorate"}
    WINDOWS: ClassVar[list[dict[str, Any]]] = [
        {"start": "2020-12-27T07:00", "end": "2021-01-04T01:00"}
    ]

    def agreement(self, **parts: Any) -> Agreement:
        return pays("10.00", eligibility=self.RULE, windows=self.WINDOWS, **parts)

    def test_only_the_share_inside_the_window_qualifies_with_the_break_spread_evenly(
        self,
    ) -> None:
        # 19:00-07:00 with a 30 min break: 12 elapsed hours, 11.5 net; 6 of the 12 elapsed
        # hours lie before 01:00: 11.5 × 6/12 = 5.75 hours; 5.75 × 10.00 = 57.50.
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:00", unpaid_break_minutes=30)
        result = outcome(self.agreement(), shift)
        assert reason(result, "window").ok is True
        assert result.qualifying_hours == Decimal("5.75")
        assert result.amount == Decimal("57.50")

    def test_the_row_hours_are_the_full_net_hours(self) -> None:
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:00", unpaid_break_minutes=30)
        row = only_row(run(self.agreement(), shift))
        assert row.hours == Decimal("11.50")  # 12 - 0.5

    def test_a_shift_starting_before_the_window_counts_the_part_inside(self) -> None:
        # 03:00-15:00 on 2020-12-27; the window opens at 07:00: 8 of 12 hours inside;
        # 12 × 8/12 = 8 hours; 8 × 10.00 = 80.00.
        result = outcome(self.agreement(), make_shift("2020-12-27T03:00", "2020-12-27T15:00"))
        assert result.qualifying_hours == Decimal("8.00")
        assert result.amount == Decimal("80.00")

    def test_the_parts_inside_two_windows_add_up(self) -> None:
        # Windows end 2021-01-03 23:00 and restart 2021-01-04 03:00. The night 19:00-07:00
        # has 4 h in the first and 4 h in the second: 12 × 8/12 = 8 hours → 80.00.
        windows = [
            {"start": "2020-12-27T07:00", "end": "2021-01-03T23:00"},
            {"start": "2021-01-04T03:00", "end": "2021-01-10T07:00"},
        ]
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:00")
        result = outcome(pays("10.00", eligibility=self.RULE, windows=windows), shift)
        assert result.qualifying_hours == Decimal("8.00")
        assert result.amount == Decimal("80.00")

    def test_a_shift_wholly_outside_fails_the_window_rule(self) -> None:
        result = outcome(self.agreement(), make_shift("2021-01-04T01:00", "2021-01-04T13:00"))
        assert "window" in failed(result)
        assert result.qualifying_hours == Decimal("0.00")
        assert result.amount == Decimal("0.00")

    def test_the_window_reason_gives_the_hours_inside_and_elapsed(self) -> None:
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:00", unpaid_break_minutes=30)
        detail = reason(outcome(self.agreement(), shift), "window").detail
        assert "6.00" in detail
        assert "12.00" in detail


# --------------------------------------------------------------------------- min_hours


class TestMinHours:
    def test_exactly_the_minimum_passes(self) -> None:
        agreement = make_agreement(eligibility={"min_hours": 8})
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T15:00"))
        assert reason(result, "min_hours").ok is True
        assert result.amount == Decimal("100.00")

    def test_one_minute_short_of_the_minimum_fails(self) -> None:
        agreement = make_agreement(eligibility={"min_hours": 8})
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T14:59"))
        assert failed(result) == ["min_hours"]
        assert result.amount == Decimal("0.00")

    def test_the_minimum_compares_net_hours_after_the_break(self) -> None:
        # 07:00-15:00 with a 30 min break: 7.5 net hours < 8.
        agreement = make_agreement(eligibility={"min_hours": "8"})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T15:00", unpaid_break_minutes=30)
        result = outcome(agreement, shift)
        assert failed(result) == ["min_hours"]
        detail = reason(result, "min_hours").detail
        assert "7.50" in detail
        assert "8" in detail

    def test_the_minimum_compares_the_prorated_qualifying_hours(self) -> None:
        # Prorate, window ends 01:00: 12 net hours × 6/12 = 6 qualifying hours < 8.
        agreement = make_agreement(
            eligibility={"min_hours": 8, "window_rule": "prorate"},
            windows=[{"start": "2020-12-27T07:00", "end": "2021-01-04T01:00"}],
        )
        result = outcome(agreement, make_shift("2021-01-03T19:00", "2021-01-04T07:00"))
        assert failed(result) == ["min_hours"]
        assert result.qualifying_hours == Decimal("6.00")
        assert "6.00" in reason(result, "min_hours").detail

    def test_the_minimum_compares_the_rounded_qualifying_hours(self) -> None:
        # 7 h 53 min rounds to 8.00 on the quarter hour (53 ≥ 52.5), which meets 8.
        agreement = make_agreement(eligibility={"min_hours": 8}, hours_rounding="quarter_hour")
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T14:53"))
        assert reason(result, "min_hours").ok is True
        assert result.qualifying_hours == Decimal("8.00")


# --------------------------------------------------------------------------- qualifying hours


class TestQualifyingHoursOnFailingOutcomes:
    """SPEC 5.3: qualifying hours are net hours, trimmed by prorate and by beyond_fte,
    then rounded; they are reported on every outcome, qualifying or not."""

    def test_a_shift_failing_an_eligibility_rule_still_reports_its_net_hours(self) -> None:
        # 07:00-19:30 with a 30 min break: 12 net hours; nothing trims them.
        agreement = make_agreement(eligibility={"classifications": ["Registered Nurse"]})
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:30", unpaid_break_minutes=30)
        result = outcome(agreement, shift)
        assert result.qualifies is False
        assert result.qualifying_hours == Decimal("12.00")

    @pytest.mark.parametrize(
        ("rule", "start", "end"),
        [
            # Starts exactly at the window end (2021-01-04 07:00): 12 h.
            ("starts_within", "2021-01-04T07:00", "2021-01-04T19:00"),
            # Ends one minute after the window end: 12 h.
            ("entirely_within", "2021-01-03T19:01", "2021-01-04T07:01"),
            # Exactly half (6 of 12 h) inside: 12 h.
            ("majority_within", "2021-01-04T01:00", "2021-01-04T13:00"),
        ],
    )
    def test_a_failed_window_rule_other_than_prorate_does_not_trim_the_net_hours(
        self, rule: str, start: str, end: str
    ) -> None:
        # Only prorate and beyond_fte trim (SPEC 5.3); the outcome fails but its
        # qualifying_hours are the 12 net hours.
        result = outcome(make_agreement(eligibility={"window_rule": rule}), make_shift(start, end))
        assert result.qualifies is False
        assert result.amount == Decimal("0.00")
        assert result.qualifying_hours == Decimal("12.00")

    def test_a_prorated_shift_wholly_outside_has_no_qualifying_hours(self) -> None:
        agreement = make_agreement(eligibility={"window_rule": "prorate"})
        result = outcome(agreement, make_shift("2021-01-04T07:00", "2021-01-04T19:00"))
        assert result.qualifying_hours == Decimal("0.00")


# --------------------------------------------------------------------------- hours rounding


class TestHoursRounding:
    def test_exact_hours_are_not_rounded(self) -> None:
        # 7 h 20 min = 22/3 h; 22/3 × 60.00 = 440.00 (exact, not 7.33 × 60 = 439.80).
        result = outcome(pays("60.00"), make_shift("2020-12-28T07:00", "2020-12-28T14:20"))
        assert result.qualifying_hours == Decimal("7.33")
        assert result.amount == Decimal("440.00")

    @pytest.mark.parametrize(
        ("end", "amount"),
        [
            ("2020-12-28T14:00:29", "420.00"),  # 29 s: rounds down to 7 h 00 min
            ("2020-12-28T14:00:30", "421.00"),  # 30 s is half a minute: up to 7 h 01 min
        ],
    )
    def test_minute_rounding_rounds_half_a_minute_up(self, end: str, amount: str) -> None:
        # 60.00 an hour = 1.00 a minute.
        agreement = pays("60.00", hours_rounding="minute")
        result = outcome(agreement, make_shift("2020-12-28T07:00", end))
        assert result.amount == Decimal(amount)

    @pytest.mark.parametrize(
        ("end", "hours", "amount"),
        [
            ("2020-12-28T14:02", "7.00", "70.00"),  # 2 min < 3: down
            ("2020-12-28T14:02:59", "7.00", "70.00"),  # just under half of 6 min: down
            ("2020-12-28T14:03", "7.10", "71.00"),  # 3 min is exactly half of 6: up
            ("2020-12-28T14:08", "7.10", "71.00"),  # 8 min = 6 + 2: down to 7.1
            ("2020-12-28T14:09", "7.20", "72.00"),  # 9 min = 6 + 3: up to 7.2
        ],
    )
    def test_tenth_hour_rounding_rounds_three_minutes_up(
        self, end: str, hours: str, amount: str
    ) -> None:
        agreement = pays("10.00", hours_rounding="tenth_hour")
        result = outcome(agreement, make_shift("2020-12-28T07:00", end))
        assert result.qualifying_hours == Decimal(hours)
        assert result.amount == Decimal(amount)

    @pytest.mark.parametrize(
        ("end", "hours", "amount"),
        [
            ("2020-12-28T14:07", "7.00", "28.00"),  # 7 min: down
            ("2020-12-28T14:07:30", "7.25", "29.00"),  # 7.5 min is exactly half: up
            ("2020-12-28T14:08", "7.25", "29.00"),  # 8 min: up
            ("2020-12-28T14:22", "7.25", "29.00"),  # 22 min = 15 + 7: down to 7.25
            ("2020-12-28T14:23", "7.50", "30.00"),  # 23 min = 15 + 8: up to 7.5
        ],
    )
    def test_quarter_hour_rounding_rounds_seven_minutes_down_and_eight_up(
        self, end: str, hours: str, amount: str
    ) -> None:
        agreement = pays("4.00", hours_rounding="quarter_hour")
        result = outcome(agreement, make_shift("2020-12-28T07:00", end))
        assert result.qualifying_hours == Decimal(hours)
        assert result.amount == Decimal(amount)

    def test_rounding_applies_to_the_hours_not_to_the_punches(self) -> None:
        # Punches 07:08-15:07 = 7 h 59 min → 8.00 on the quarter hour. Rounding the punches
        # (07:08 → 07:15, 15:07 → 15:00) would give 7.75 instead. 8 × 4.00 = 32.00.
        agreement = pays("4.00", hours_rounding="quarter_hour")
        shift = make_shift("2020-12-28T07:08", "2020-12-28T15:07")
        row = only_row(run(agreement, shift))
        assert row.outcomes[0].qualifying_hours == Decimal("8.00")
        assert row.outcomes[0].amount == Decimal("32.00")
        assert row.hours == Decimal("7.98")  # the row's net hours are not rounded: 7.9833

    def test_rounding_applies_after_proration(self) -> None:
        # Prorated 11.5 × 6/12 = 5.75 → 5.8 on the tenth hour (57.5 tenths, half up).
        # 5.8 × 10.00 = 58.00.
        agreement = pays(
            "10.00",
            hours_rounding="tenth_hour",
            eligibility={"window_rule": "prorate"},
            windows=[{"start": "2020-12-27T07:00", "end": "2021-01-04T01:00"}],
        )
        shift = make_shift("2021-01-03T19:00", "2021-01-04T07:00", unpaid_break_minutes=30)
        result = outcome(agreement, shift)
        assert result.qualifying_hours == Decimal("5.80")
        assert result.amount == Decimal("58.00")

    def test_rounding_feeds_the_tiers(self) -> None:
        # 7 h 53 min → 8.00 on the quarter hour, which reaches the 8-hour tier.
        agreement = make_agreement(
            hours_rounding="quarter_hour",
            payout=[{"tiers": [{"min_hours": 8, "amount": "150.00"}]}],
        )
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T14:53"))
        assert result.amount == Decimal("150.00")


# --------------------------------------------------------------------------- day-parts


class TestDayParts:
    PERIODS: ClassVar[dict[str, Any]] = {
        "day": "07:00-15:00",
        "evening": "15:00-23:00",
        "night": "23:00-07:00",
    }
    PAYOUT: ClassVar[list[dict[str, Any]]] = [
        {"per_shift": "100.00"},
        {"per_shift": "50.00", "periods": ["night"]},
    ]

    def agreement(self) -> Agreement:
        return make_agreement(periods=self.PERIODS, payout=self.PAYOUT)

    @pytest.mark.parametrize(
        ("start", "end", "amount"),
        [
            ("2020-12-28T23:00", "2020-12-29T07:00", "150.00"),  # night from its first minute
            ("2020-12-29T02:00", "2020-12-29T10:00", "150.00"),  # night after midnight
            ("2020-12-29T06:59", "2020-12-29T14:59", "150.00"),  # last minute of the night
            ("2020-12-29T07:00", "2020-12-29T15:00", "100.00"),  # day
            ("2020-12-29T22:59", "2020-12-30T06:59", "100.00"),  # evening, mostly at night
        ],
    )
    def test_a_night_component_pays_only_shifts_starting_at_night(
        self, start: str, end: str, amount: str
    ) -> None:
        result = outcome(self.agreement(), make_shift(start, end))
        assert result.qualifies is True
        assert result.amount == Decimal(amount)

    def test_a_shift_starting_in_no_day_part_matches_no_filtered_component(self) -> None:
        agreement = make_agreement(
            periods={"night": "23:00-07:00"},
            payout=[{"per_shift": "50.00", "periods": ["night"]}],
        )
        result = outcome(agreement, make_shift("2020-12-28T12:00", "2020-12-28T20:00"))
        assert failed(result) == ["payout"]
        assert result.qualifies is False
        assert result.amount == Decimal("0.00")

    def test_an_unfiltered_component_still_pays_a_shift_in_no_day_part(self) -> None:
        agreement = make_agreement(
            periods={"night": "23:00-07:00"},
            payout=[{"per_shift": "100.00"}, {"per_shift": "50.00", "periods": ["night"]}],
        )
        result = outcome(agreement, make_shift("2020-12-28T12:00", "2020-12-28T20:00"))
        assert result.amount == Decimal("100.00")

    def test_a_component_may_name_several_day_parts(self) -> None:
        agreement = make_agreement(
            periods=self.PERIODS,
            payout=[{"per_hour": "2.00", "periods": ["evening", "night"]}],
        )
        # Evening 15:00-23:00: 8 × 2.00 = 16.00. Day 07:00-15:00: no component pays.
        evening = outcome(agreement, make_shift("2020-12-28T15:00", "2020-12-28T23:00"))
        day = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T15:00"))
        assert evening.amount == Decimal("16.00")
        assert failed(day) == ["payout"]

    def test_the_fall_back_night_starting_in_the_repeated_hour_is_a_night_shift(self) -> None:
        agreement = make_agreement(
            periods=self.PERIODS,
            payout=self.PAYOUT,
            windows=[{"start": "2020-10-25T00:00", "end": "2020-11-08T00:00"}],
        )
        # 01:30 PST (the second 01:30) is inside 23:00-07:00.
        shift = Shift(
            employee_id="E1",
            classification="RCP",
            start=datetime.fromisoformat("2020-11-01T01:30-08:00"),
            end=datetime.fromisoformat("2020-11-01T09:30-08:00"),
            extra=True,
        )
        assert outcome(agreement, shift).amount == Decimal("150.00")


# --------------------------------------------------------------------------- payout kinds


class TestPerShift:
    @pytest.mark.parametrize("end", ["2020-12-28T09:00", "2020-12-28T19:00"])
    def test_per_shift_pays_the_same_whatever_the_hours(self, end: str) -> None:
        result = outcome(make_agreement(), make_shift("2020-12-28T07:00", end))
        assert result.amount == Decimal("100.00")

    def test_the_payout_reason_gives_the_amount(self) -> None:
        result = outcome(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert "100.00" in reason(result, "payout").detail


class TestPerHour:
    def test_per_hour_pays_the_rate_times_the_qualifying_hours(self) -> None:
        # 07:00-19:30 with 30 min break = 12 h × 5.00 = 60.00.
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:30", unpaid_break_minutes=30)
        assert outcome(pays("5.00"), shift).amount == Decimal("60.00")

    def test_the_amount_is_rounded_half_up_to_the_cent(self) -> None:
        # 5.00 × 7 h 20 min = 5 × 22/3 = 36.666… → 36.67.
        result = outcome(pays("5.00"), make_shift("2020-12-28T07:00", "2020-12-28T14:20"))
        assert result.amount == Decimal("36.67")
        assert "36.67" in reason(result, "payout").detail

    def test_half_a_cent_rounds_up(self) -> None:
        # 0.125 × 1 h = 0.125 → 0.13.
        result = outcome(pays("0.125"), make_shift("2020-12-28T07:00", "2020-12-28T08:00"))
        assert result.amount == Decimal("0.13")

    def test_the_outcome_is_rounded_once_not_per_component(self) -> None:
        # 0.125 + 0.125 = 0.25; rounding each first would give 0.13 + 0.13 = 0.26.
        agreement = make_agreement(payout=[{"per_hour": "0.125"}, {"per_hour": "0.125"}])
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T08:00"))
        assert result.amount == Decimal("0.25")

    def test_a_zero_rate_pays_nothing_and_fails_the_payout_rule(self) -> None:
        result = outcome(pays("0.00"), make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert failed(result) == ["payout"]
        assert result.amount == Decimal("0.00")


class TestTiers:
    TIERS: ClassVar[list[dict[str, Any]]] = [
        {"min_hours": 8, "amount": "150.00"},
        {"min_hours": 10, "amount": "200.00"},
        {"min_hours": 12, "amount": "250.00"},
    ]

    def agreement(self) -> Agreement:
        return make_agreement(payout=[{"tiers": self.TIERS}])

    @pytest.mark.parametrize(
        ("end", "amount"),
        [
            ("2020-12-28T15:00", "150.00"),  # 8 h: exactly the lowest tier
            ("2020-12-28T16:00", "150.00"),  # 9 h: between 8 and 10, the lower pays
            ("2020-12-28T17:00", "200.00"),  # 10 h
            ("2020-12-28T18:00", "200.00"),  # 11 h: between 10 and 12
            ("2020-12-28T19:00", "250.00"),  # 12 h
            ("2020-12-29T07:00", "250.00"),  # 24 h: above the highest tier
        ],
    )
    def test_the_highest_tier_reached_pays(self, end: str, amount: str) -> None:
        result = outcome(self.agreement(), make_shift("2020-12-28T07:00", end))
        assert result.qualifies is True
        assert result.amount == Decimal(amount)

    def test_below_the_lowest_tier_the_payout_rule_fails(self) -> None:
        # 07:00-13:00: 6 hours, below the 8-hour tier.
        result = outcome(self.agreement(), make_shift("2020-12-28T07:00", "2020-12-28T13:00"))
        assert failed(result) == ["payout"]
        assert result.qualifies is False
        assert result.amount == Decimal("0.00")
        detail = reason(result, "payout").detail
        assert "6.00" in detail
        assert "8" in detail

    def test_one_minute_below_a_tier_pays_the_tier_below(self) -> None:
        # 11 h 59 min: below 12, at least 10 → 200.00.
        result = outcome(self.agreement(), make_shift("2020-12-28T07:00", "2020-12-28T18:59"))
        assert result.amount == Decimal("200.00")

    def test_the_tiers_compare_net_hours(self) -> None:
        # 07:00-19:00 with a 30 min break: 11.5 net hours → the 10-hour tier, 200.00.
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", unpaid_break_minutes=30)
        assert outcome(self.agreement(), shift).amount == Decimal("200.00")

    def test_the_highest_tier_reached_pays_even_when_its_amount_is_smaller(self) -> None:
        agreement = make_agreement(
            payout=[
                {
                    "tiers": [
                        {"min_hours": 8, "amount": "200.00"},
                        {"min_hours": 12, "amount": "150.00"},
                    ]
                }
            ]
        )
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert result.amount == Decimal("150.00")


class TestBaseRateMultiplier:
    def test_pays_multiplier_times_base_rate_times_hours(self) -> None:
        # 0.5 × 60.00 × 12 h = 360.00.
        agreement = make_agreement(payout=[{"base_rate_multiplier": "0.5"}])
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", base_rate=Decimal("60.00"))
        assert outcome(agreement, shift).amount == Decimal("360.00")

    def test_the_product_is_rounded_half_up_to_the_cent(self) -> None:
        # 07:00-15:00 with a 30 min break: 7.5 h; 0.5 × 45.37 × 7.5 = 170.1375 → 170.14.
        agreement = make_agreement(payout=[{"base_rate_multiplier": "0.5"}])
        shift = make_shift(
            "2020-12-28T07:00",
            "2020-12-28T15:00",
            unpaid_break_minutes=30,
            base_rate=Decimal("45.37"),
        )
        result = outcome(agreement, shift)
        assert result.amount == Decimal("170.14")
        assert "45.37" in reason(result, "payout").detail

    def test_a_worked_row_without_a_base_rate_is_a_row_error(self) -> None:
        agreement = make_agreement(payout=[{"base_rate_multiplier": "0.5"}])
        error = only_error(run(agreement, make_shift("2020-12-28T07:00", "2020-12-28T19:00")))
        assert error.field == "base_rate"


class TestComponents:
    def test_an_outcome_pays_the_sum_of_its_components(self) -> None:
        # 100.00 + 5.00 × 12 h = 160.00.
        agreement = make_agreement(payout=[{"per_shift": "100.00"}, {"per_hour": "5.00"}])
        result = outcome(agreement, make_shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert result.amount == Decimal("160.00")

    @pytest.mark.parametrize(
        ("classification", "amount"),
        [
            ("Registered Nurse", "150.00"),  # 100.00 + 50.00
            ("  registered   NURSE ", "150.00"),  # compared ignoring case and white space
            ("Licensed Vocational Nurse", "100.00"),  # only the unfiltered component
        ],
    )
    def test_a_classification_filter_limits_a_component(
        self, classification: str, amount: str
    ) -> None:
        agreement = make_agreement(
            payout=[
                {"per_shift": "100.00"},
                {"per_shift": "50.00", "classifications": ["Registered Nurse"]},
            ]
        )
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", classification=classification)
        assert outcome(agreement, shift).amount == Decimal(amount)

    def test_no_matching_component_fails_the_payout_rule(self) -> None:
        agreement = make_agreement(
            payout=[{"per_shift": "50.00", "classifications": ["Registered Nurse"]}]
        )
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", classification="LVN")
        result = outcome(agreement, shift)
        assert failed(result) == ["payout"]
        assert result.amount == Decimal("0.00")

    def test_period_and_classification_filters_must_both_match(self) -> None:
        agreement = make_agreement(
            periods={"night": "23:00-07:00"},
            payout=[
                {"per_shift": "100.00"},
                {"per_shift": "40.00", "periods": ["night"], "classifications": ["RN"]},
            ],
        )
        night_rn = make_shift("2020-12-28T23:00", "2020-12-29T07:00", classification="RN")
        night_lvn = make_shift("2020-12-28T23:00", "2020-12-29T07:00", classification="LVN")
        day_rn = make_shift("2020-12-28T07:00", "2020-12-28T15:00", classification="RN")
        assert outcome(agreement, night_rn).amount == Decimal("140.00")
        assert outcome(agreement, night_lvn).amount == Decimal("100.00")
        assert outcome(agreement, day_rn).amount == Decimal("100.00")

    def test_a_failing_outcome_pays_nothing(self) -> None:
        shift = make_shift("2020-12-28T07:00", "2020-12-28T19:00", extra=False)
        row = only_row(run(make_agreement(), shift))
        assert row.amount == Decimal("0.00")
        assert row.outcomes[0].amount == Decimal("0.00")

    def test_money_is_written_with_two_decimals_in_the_json_report(self) -> None:
        # 5.00 × 7.5 h = 37.5 → "37.50"; hours 7.5 → "7.50".
        shift = make_shift("2020-12-28T07:00", "2020-12-28T14:30")
        data = run(pays("5.00"), shift).model_dump(mode="json")
        row = data["rows"][0]
        assert row["hours"] == "7.50"
        assert row["amount"] == "37.50"
        assert row["outcomes"][0]["qualifying_hours"] == "7.50"
        assert row["outcomes"][0]["amount"] == "37.50"


# --------------------------------------------------------------------------- time and DST


class TestDaylightSaving:
    # A window over both changes of 2020-21 in Los Angeles.
    WINDOWS: ClassVar[list[dict[str, Any]]] = [
        {"start": "2020-10-01T00:00", "end": "2021-04-01T00:00"}
    ]

    def agreement(self) -> Agreement:
        return pays("10.00", windows=self.WINDOWS)

    def test_the_fall_back_night_is_thirteen_hours(self) -> None:
        # 2020-10-31 19:00 PDT (02:00Z) to 2020-11-01 07:00 PST (15:00Z) = 13 h → 130.00.
        shift = make_shift("2020-10-31T19:00", "2020-11-01T07:00")
        row = only_row(run(self.agreement(), shift))
        assert row.hours == Decimal("13.00")
        assert row.outcomes[0].qualifying_hours == Decimal("13.00")
        assert row.amount == Decimal("130.00")

    def test_the_spring_forward_night_is_eleven_hours(self) -> None:
        # 2021-03-13 19:00 PST (03:00Z) to 2021-03-14 07:00 PDT (14:00Z) = 11 h → 110.00.
        shift = make_shift("2021-03-13T19:00", "2021-03-14T07:00")
        row = only_row(run(self.agreement(), shift))
        assert row.hours == Decimal("11.00")
        assert row.amount == Decimal("110.00")

    def test_the_report_writes_each_time_with_the_offset_in_force(self) -> None:
        shift = make_shift("2020-10-31T19:00", "2020-11-01T07:00")
        data = run(self.agreement(), shift).model_dump(mode="json")
        assert data["rows"][0]["start"] == "2020-10-31T19:00:00-07:00"
        assert data["rows"][0]["end"] == "2020-11-01T07:00:00-08:00"

    def test_the_fall_back_night_pays_on_the_thirteen_hour_tier(self) -> None:
        agreement = make_agreement(
            windows=self.WINDOWS,
            payout=[
                {
                    "tiers": [
                        {"min_hours": 12, "amount": "250.00"},
                        {"min_hours": 13, "amount": "300.00"},
                    ]
                }
            ],
        )
        shift = make_shift("2020-10-31T19:00", "2020-11-01T07:00")
        assert outcome(agreement, shift).amount == Decimal("300.00")

    @pytest.mark.parametrize("ambiguous", ["raise", "earlier", "later"])
    def test_a_naive_time_in_the_spring_forward_gap_is_always_a_row_error(
        self, ambiguous: Ambiguous
    ) -> None:
        shift = make_shift("2021-03-14T02:30", "2021-03-14T10:00")
        error = only_error(run(self.agreement(), shift, ambiguous=ambiguous))
        assert error.field == "start"
        assert "2021-03-14T02:30" in error.message
        assert "does not exist" in error.message

    def test_a_naive_time_in_the_fall_back_fold_is_a_row_error_asking_for_the_offset(
        self,
    ) -> None:
        shift = make_shift("2020-11-01T01:30", "2020-11-01T07:00")
        error = only_error(run(self.agreement(), shift))
        assert error.field == "start"
        assert "2020-11-01T01:30" in error.message
        assert "offset" in error.message.lower()

    def test_a_naive_end_in_the_gap_is_a_row_error_on_the_end(self) -> None:
        shift = make_shift("2021-03-13T19:00", "2021-03-14T02:30")
        error = only_error(run(self.agreement(), shift, ambiguous="later"))
        assert error.field == "end"
        assert "does not exist" in error.message

    def test_a_naive_end_in_the_fold_is_a_row_error_on_the_end(self) -> None:
        shift = make_shift("2020-10-31T19:00", "2020-11-01T01:30")
        error = only_error(run(self.agreement(), shift))
        assert error.field == "end"

    @pytest.mark.parametrize(
        ("ambiguous", "hours", "amount"),
        [
            # 01:30 PDT = 08:30Z; 07:00 PST = 15:00Z: 6.5 h → 65.00.
            ("earlier", "6.50", "65.00"),
            # 01:30 PST = 09:30Z; 07:00 PST = 15:00Z: 5.5 h → 55.00.
            ("later", "5.50", "55.00"),
        ],
    )
    def test_a_fold_time_is_read_as_the_chosen_occurrence(
        self, ambiguous: Ambiguous, hours: str, amount: str
    ) -> None:
        shift = make_shift("2020-11-01T01:30", "2020-11-01T07:00")
        row = only_row(run(self.agreement(), shift, ambiguous=ambiguous))
        assert row.hours == Decimal(hours)
        assert row.amount == Decimal(amount)

    def test_a_fold_time_with_its_offset_needs_no_choice(self) -> None:
        # 01:30-08:00 = 09:30Z to 07:00 PST = 15:00Z: 5.5 h.
        shift = make_shift("2020-11-01T01:30-08:00", "2020-11-01T07:00")
        assert only_row(run(self.agreement(), shift)).hours == Decimal("5.50")

    def test_the_same_shift_in_utc_with_an_offset_or_naive_gives_the_same_result(self) -> None:
        # 2020-12-28 07:00 PST = 15:00Z = 10:00-05:00; 19:00 PST = 03:00Z next day.
        agreement = make_agreement(payout=[{"per_hour": "10.00"}])
        for start, end in [
            ("2020-12-28T07:00", "2020-12-28T19:00"),
            ("2020-12-28T15:00+00:00", "2020-12-29T03:00+00:00"),
            ("2020-12-28T10:00-05:00", "2020-12-28T22:00-05:00"),
        ]:
            row = only_row(run(agreement, make_shift(start, end)))
            assert row.start.isoformat() == "2020-12-28T07:00:00-08:00"
            assert row.hours == Decimal("12.00")
            assert row.amount == Decimal("120.00")

    def test_a_gap_time_in_a_shifts_file_is_an_error_for_its_line_only(self) -> None:
        text = (
            "employee_id,classification,start,end,extra\n"
            "E1,RCP,2021-03-13T19:00,2021-03-14T07:00,true\n"
            "E2,RCP,2021-03-14T02:30,2021-03-14T10:00,true\n"
        )
        report = incentives.evaluate([self.agreement()], incentives.read_shifts(io.StringIO(text)))
        assert [r.line for r in report.rows] == [2]
        assert report.rows[0].amount == Decimal("110.00")
        (error,) = report.errors
        assert (error.line, error.field) == (3, "start")
        assert "does not exist" in error.message


class TestShiftTimes:
    def test_an_end_not_after_the_start_is_a_row_error(self) -> None:
        error = only_error(
            run(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-28T07:00"))
        )
        assert error.field == "end"

    def test_a_shift_longer_than_24_hours_is_a_row_error(self) -> None:
        error = only_error(
            run(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-29T07:01"))
        )
        assert error.field == "end"

    def test_a_shift_of_exactly_24_hours_is_accepted(self) -> None:
        row = only_row(run(make_agreement(), make_shift("2020-12-28T07:00", "2020-12-29T07:00")))
        assert row.hours == Decimal("24.00")

"""Reasons in full: the code, the values and the sentence of each window rule, of the
beyond-FTE threshold and of the limits, worked by hand. Other tests check that a sentence
names a number; these hold the whole of it, since it is what a grievance quotes.

The agreement is the tests' usual one (America/Los_Angeles, PST is UTC-8 in these weeks,
one window from Sunday 2020-12-27 07:00 to Monday 2021-01-04 07:00, 100.00 a shift,
workweeks from Sunday 00:00) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from strategies import esi_agreement

import incentives
from incentives import Adjustment, Agreement, Outcome, Reason, Shift

WINDOW_TEXT = "2020-12-27 07:00 PST to 2021-01-04 07:00 PST"


def shift(start: str, end: str, **fields: Any) -> Shift:
    values: dict[str, Any] = {"employee_id": "E1", "classification": "RCP", "extra": True}
    values.update(fields)
    return Shift(start=datetime.fromisoformat(start), end=datetime.fromisoformat(end), **values)


def outcomes(agreement: Agreement, *shifts: Shift) -> list[Outcome]:
    report = incentives.evaluate([agreement], list(shifts))
    assert report.errors == []
    return [row.outcomes[0] for row in report.rows]


def reason(result: Outcome, rule: str) -> Reason:
    (found,) = [r for r in result.reasons if r.rule == rule]
    return found


def said(result: Outcome, rule: str) -> tuple[bool, str | None, dict[str, Any], str]:
    found = reason(result, rule)
    return found.ok, found.code, dict(found.values), found.detail


def rule_of(window_rule: str) -> Agreement:
    return esi_agreement(eligibility={"classifications": ["*"], "window_rule": window_rule})


INSIDE = shift("2020-12-28T07:00", "2020-12-28T19:00")
ACROSS_THE_END = shift("2021-01-04T01:00", "2021-01-04T13:00", employee_id="E2")
AFTER = shift("2021-01-05T03:00", "2021-01-05T13:00", employee_id="E3")
MON_TUE_WED = tuple(shift(f"2020-12-{d}T07:00", f"2020-12-{d}T19:00") for d in (28, 29, 30))
"""Three 12-hour day shifts of E1 in the workweek of Sunday 2020-12-27."""


class TestWindowRules:
    def test_entirely_within(self) -> None:
        inside, across, _ = outcomes(rule_of("entirely_within"), INSIDE, ACROSS_THE_END, AFTER)
        assert said(inside, "window") == (
            True,
            "window.entirely_inside",
            {
                "start": "2020-12-28T07:00:00-08:00",
                "end": "2020-12-28T19:00:00-08:00",
                "window_start": "2020-12-27T07:00:00-08:00",
                "window_end": "2021-01-04T07:00:00-08:00",
            },
            f"lies entirely inside {WINDOW_TEXT}",
        )
        assert said(across, "window") == (
            False,
            "window.not_entirely_inside",
            {"start": "2021-01-04T01:00:00-08:00", "end": "2021-01-04T13:00:00-08:00"},
            "2021-01-04 01:00 PST to 2021-01-04 13:00 PST does not lie entirely inside a "
            f"window ({WINDOW_TEXT})",
        )

    def test_majority_within(self) -> None:
        # Across the end: 01:00 to 07:00 inside, 6 of 12 hours: not more than half.
        inside, across, after = outcomes(rule_of("majority_within"), INSIDE, ACROSS_THE_END, AFTER)
        assert said(inside, "window") == (
            True,
            "window.majority_inside",
            {"inside_hours": "12.00", "elapsed_hours": "12.00"},
            "12.00 of 12.00 elapsed hours inside the windows, more than half",
        )
        assert said(across, "window") == (
            False,
            "window.not_majority_inside",
            {"inside_hours": "6.00", "elapsed_hours": "12.00"},
            "6.00 of 12.00 elapsed hours inside the windows, not more than half",
        )
        assert said(after, "window")[3] == (
            "0.00 of 10.00 elapsed hours inside the windows, not more than half"
        )

    def test_prorate(self) -> None:
        # Across the end: 6 of 12 elapsed hours inside, so 6 of the 12 net hours qualify.
        _, across, after = outcomes(rule_of("prorate"), INSIDE, ACROSS_THE_END, AFTER)
        assert across.qualifying_hours == Decimal("6.00")
        assert said(across, "window") == (
            True,
            "window.prorated",
            {"inside_hours": "6.00", "elapsed_hours": "12.00"},
            "6.00 of 12.00 elapsed hours inside the windows; that share of the net hours "
            "qualifies (prorate)",
        )
        assert said(after, "window") == (
            False,
            "window.outside",
            {"inside_hours": "0.00", "elapsed_hours": "10.00"},
            "no part of the shift (2021-01-05 03:00 PST to 2021-01-05 13:00 PST) is inside "
            "the windows",
        )


def beyond_fte(**extra: Any) -> dict[str, Any]:
    return {
        "extra": {"flag": True, "beyond_fte": True, **extra},
        "payout": [{"per_hour": "10.00"}],
    }


class TestExtraFlag:
    def test_the_flag_alone_says_marked_or_not(self) -> None:
        marked, unmarked = (
            outcomes(esi_agreement(), shift("2020-12-28T07:00", "2020-12-28T19:00", extra=flag))
            for flag in (True, False)
        )
        assert said(marked[0], "extra") == (True, "extra.marked", {"extra": True}, "marked extra")
        assert said(unmarked[0], "extra") == (
            False,
            "extra.not_marked",
            {"extra": False},
            "not marked extra",
        )


class TestBeyondFteReason:
    def test_hours_beyond_a_workweek_threshold(self) -> None:
        # 0.25 FTE × 40 = 10 hours. Sunday (not extra) 12 h: 2 beyond. Monday 07:00-19:30
        # with a 30-minute break, 12 net hours, 12 before it: all 12 beyond, 120.00.
        agreement = esi_agreement(**beyond_fte())
        sunday, monday = outcomes(
            agreement,
            shift("2020-12-27T07:00", "2020-12-27T19:00", fte=Decimal("0.25"), extra=False),
            shift(
                "2020-12-28T07:00", "2020-12-28T19:30", fte=Decimal("0.25"), unpaid_break_minutes=30
            ),
        )
        values = {
            "extra": True,
            "beyond_hours": "12.00",
            "net_hours": "12.00",
            "threshold_hours": "10.00",
            "hours_before": "12.00",
            "scope": "workweek",
            "period_start": "2020-12-27T00:00:00-08:00",
            "fte": "0.25",
        }
        assert said(monday, "extra") == (
            True,
            "extra.beyond_threshold",
            values,
            "marked extra; 12.00 of its 12.00 hours are beyond the workweek threshold of "
            "10.00 hours (0.25 FTE × 40 = 10.00); 12.00 hours were worked earlier in the "
            "workweek starting 2020-12-27 00:00 PST",
        )
        assert monday.amount == Decimal("120.00")
        ok, code, _, detail = said(sunday, "extra")
        assert (ok, code) == (False, "extra.not_marked")
        assert detail.startswith("not marked extra; 2.00 of its 12.00 hours are beyond")

    def test_a_pay_period_threshold_with_a_minimum(self) -> None:
        # 0.5 FTE × 40 × 14/7 = 40 hours, less than the minimum of 80: the threshold is 80.
        agreement = esi_agreement(
            **beyond_fte(scope="pay_period", minimum_hours="80"),
            pay_period={"anchor": "2020-12-27T00:00", "days": 14},
        )
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", "2020-12-28T19:00", fte="0.5"))
        ok, code, values, detail = said(result, "extra")
        assert (ok, code, values["threshold_hours"], values["scope"]) == (
            False,
            "extra.below_threshold",
            "80.00",
            "pay period",
        )
        assert detail == (
            "marked extra; 0.00 of its 12.00 hours are beyond the pay period threshold of "
            "80.00 hours (the greater of 0.5 FTE × 40 × 14/7 = 40.00 and the minimum 80); "
            "0.00 hours were worked earlier in the pay period starting 2020-12-27 00:00 PST"
        )

    @pytest.mark.parametrize(
        ("flag", "code", "detail"),
        [
            (
                True,
                "extra.not_recorded",
                "not recorded as extra; an absence earns no hours beyond the FTE threshold",
            ),
            (False, "extra.absence", "an absence earns no hours beyond the FTE threshold"),
        ],
    )
    def test_an_absence_earns_no_hours_beyond(self, flag: bool, code: str, detail: str) -> None:
        agreement = esi_agreement(**beyond_fte(flag=flag))
        (result,) = outcomes(
            agreement, shift("2020-12-29T07:00", "2020-12-29T19:00", status="vacation", extra=None)
        )
        assert said(result, "extra") == (False, code, {}, detail)


TIERS = [
    {"min_hours": "4", "amount": "100.00"},
    {"min_hours": "7.5", "amount": "150.00"},
    {"min_hours": "12", "amount": "300.00"},
]


class TestTierBounds:
    @pytest.mark.parametrize(
        ("end", "hours", "amount", "tier"),
        [
            ("2020-12-28T14:30", "7.50", "150.00", "7.5"),  # exactly at a fractional bound
            ("2020-12-28T14:29", "7.48", "100.00", "4"),  # a minute under it
            ("2020-12-28T19:00", "12.00", "300.00", "12"),
        ],
    )
    def test_a_fractional_tier_bound(self, end: str, hours: str, amount: str, tier: str) -> None:
        agreement = esi_agreement(payout=[{"tiers": TIERS}])
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", end))
        assert result.amount == Decimal(amount)
        assert reason(result, "payout").detail == (
            f"pays {amount}: {hours} hours reach the {tier}-hour tier: {amount}"
        )

    def test_a_prorated_share_is_paid_by_its_tier(self) -> None:
        # 2021-01-04 01:00-17:00, 16 elapsed hours, 6 inside the window: 16 × 6/16 = 6
        # qualifying hours, the 4-hour tier: 100.00.
        agreement = esi_agreement(
            payout=[{"tiers": TIERS}],
            eligibility={"classifications": ["*"], "window_rule": "prorate"},
        )
        (result,) = outcomes(agreement, shift("2021-01-04T01:00", "2021-01-04T17:00"))
        assert (result.qualifying_hours, result.amount) == (Decimal("6.00"), Decimal("100.00"))

    def test_hours_below_the_lowest_tier(self) -> None:
        agreement = esi_agreement(payout=[{"tiers": TIERS}])
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", "2020-12-28T10:00"))
        assert said(result, "payout") == (
            False,
            "payout.pays_nothing",
            {"amount": "0.00", "qualifying_hours": "3.00", "parts": ["0.00"]},
            "pays nothing: 3.00 hours are below the lowest tier (4 hours)",
        )


def limit_cut(name: str, removed: str, detail: str, **values: Any) -> Adjustment:
    """The adjustment a limit makes: ``removed`` taken off, with its sentence and values."""
    return Adjustment(
        rule="limit",
        limit=name,
        amount=-Decimal(removed),
        detail=detail,
        code=f"limit.{name}",
        values={"limit": name, "removed": removed, **values},
    )


class TestLimitAdjustments:
    def test_each_cut_names_its_limit_its_cap_and_what_was_paid_before(self) -> None:
        # At most 150.00 and 2 paid shifts a week: Mon 100.00; Tue 100.00 cut by 50.00;
        # Wed: 2 shifts already paid, all 100.00 removed.
        agreement = esi_agreement(
            limits={"max_amount_per_workweek": "150.00", "max_shifts_per_workweek": 2}
        )
        monday, tuesday, wednesday = outcomes(agreement, *MON_TUE_WED)
        assert [o.amount for o in (monday, tuesday, wednesday)] == [
            Decimal("100.00"),
            Decimal("50.00"),
            Decimal("0.00"),
        ]
        week = "the workweek starting 2020-12-27 00:00 PST"
        assert tuesday.adjustments == [
            limit_cut(
                "max_amount_per_workweek",
                "50.00",
                f"max_amount_per_workweek: at most 150.00 a workweek, 100.00 already paid in "
                f"{week}; 50.00 removed",
                cap="150.00",
                already="100.00",
                period_start="2020-12-27 00:00 PST",
            )
        ]
        assert wednesday.adjustments == [
            limit_cut(
                "max_shifts_per_workweek",
                "100.00",
                f"max_shifts_per_workweek: 2 shifts already paid in {week} (at most 2); "
                "100.00 removed",
                cap=2,
                already=2,
                period_start="2020-12-27 00:00 PST",
            )
        ]

    @pytest.mark.parametrize(
        ("limits", "detail", "since"),
        [
            (
                {"max_amount_total": "150.00"},
                "max_amount_total: at most 150.00 in total, 100.00 already paid in this "
                "agreement; 50.00 removed",
                None,
            ),
            (
                {"max_amount_per_pay_period": "150.00"},
                "max_amount_per_pay_period: at most 150.00 a pay period, 100.00 already paid "
                "in the pay period starting 2020-12-27 00:00 PST; 50.00 removed",
                "2020-12-27 00:00 PST",
            ),
        ],
    )
    def test_a_total_and_a_pay_period_cap(
        self, limits: dict[str, str], detail: str, since: str | None
    ) -> None:
        # 100.00 on Monday, then 50.00 of Tuesday's 100.00 fits under the cap of 150.00.
        agreement = esi_agreement(
            limits=limits, pay_period={"anchor": "2020-12-27T00:00", "days": 14}
        )
        _, tuesday = outcomes(
            agreement,
            shift("2020-12-28T07:00", "2020-12-28T19:00"),
            shift("2020-12-29T07:00", "2020-12-29T19:00"),
        )
        (name,) = limits
        values = {"cap": "150.00", "already": "100.00"}
        if since is not None:
            values["period_start"] = since
        assert tuesday.adjustments == [limit_cut(name, "50.00", detail, **values)]

    def test_a_per_shift_cap(self) -> None:
        agreement = esi_agreement(limits={"max_amount_per_shift": "80.00"})
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", "2020-12-28T19:00"))
        assert result.amount == Decimal("80.00")
        said = "max_amount_per_shift: at most 80.00 a shift; 20.00 removed"
        assert result.adjustments == [limit_cut("max_amount_per_shift", "20.00", said, cap="80.00")]


class TestStackingAdjustment:
    def test_the_exclusive_loser_names_the_winner_and_both_amounts(self) -> None:
        low = esi_agreement(id="low", payout=[{"per_shift": "100.00"}])
        high = esi_agreement(id="high", payout=[{"per_shift": "150.00"}])
        report = incentives.evaluate([low, high], [shift("2020-12-28T07:00", "2020-12-28T19:00")])
        lost, won = report.rows[0].outcomes
        assert won.adjustments == []
        assert lost.adjustments == [
            Adjustment(
                rule="stacking",
                limit=None,
                amount=Decimal("-100.00"),
                detail="exclusive agreements do not add: high pays 150.00 for this shift "
                "instead of 100.00",
                code="stacking.exclusive",
                values={"winner": "high", "winner_amount": "150.00", "amount": "100.00"},
            )
        ]

    def test_an_exclusive_agreement_that_pays_nothing_is_not_adjusted(self) -> None:
        # "none" fails (its only component pays night shifts, this is a day shift): 0.00,
        # with no stacking adjustment; "some" pays its 100.00.
        none = esi_agreement(
            id="none",
            periods={"night": "23:00-07:00"},
            payout=[{"per_shift": "50.00", "periods": ["night"]}],
        )
        some = esi_agreement(id="some", payout=[{"per_shift": "100.00"}])
        report = incentives.evaluate([none, some], [shift("2020-12-28T07:00", "2020-12-28T19:00")])
        unpaid, paid = report.rows[0].outcomes
        assert (unpaid.amount, unpaid.adjustments) == (Decimal("0.00"), [])
        assert (paid.amount, paid.adjustments) == (Decimal("100.00"), [])
        assert report.rows[0].amount == Decimal("100.00")


AMENDED = " (amendment adopted 2020-12-30)"


@pytest.mark.parametrize(
    "window_rule", ["starts_within", "entirely_within", "majority_within", "prorate"]
)
def test_a_reason_of_amended_terms_says_which_amendment_set_them(window_rule: str) -> None:
    # The amendment of 2020-12-30 extends the window to 2021-01-11 07:00, adds RN and
    # raises the per-shift cap from 80.00 to 90.00: a shift on 2021-01-05 pays 90.00.
    eligibility = {"classifications": ["RCP", "RN"], "window_rule": window_rule}
    agreement = esi_agreement(
        eligibility={"classifications": ["RCP"], "window_rule": window_rule},
        limits={"max_amount_per_shift": "80.00"},
        amendments=[
            {
                "adopted": "2020-12-30",
                "summary": "Extended",
                "windows": [{"start": "2020-12-27T07:00", "end": "2021-01-11T07:00"}],
                "limits": {"max_amount_per_shift": "90.00"},
                "eligibility": eligibility,
            }
        ],
    )
    (result,) = outcomes(agreement, shift("2021-01-05T07:00", "2021-01-05T19:00"))
    assert result.amount == Decimal("90.00")
    assert reason(result, "classification").detail == (
        f"RCP is an eligible classification{AMENDED}"
    )
    assert reason(result, "window").detail.endswith(AMENDED)
    (cut,) = result.adjustments
    assert cut.detail == f"max_amount_per_shift: at most 90.00 a shift; 10.00 removed{AMENDED}"


class TestAmountsAtTheirEdges:
    def test_rates_of_different_decimal_places_add(self) -> None:
        # 8 h × 1.5 = 12.00 and 8 h × 0.125 = 1.00: 13.00.
        agreement = esi_agreement(payout=[{"per_hour": "1.5"}, {"per_hour": "0.125"}])
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", "2020-12-28T15:00"))
        assert said(result, "payout") == (
            True,
            "payout.pays",
            {"amount": "13.00", "qualifying_hours": "8.00", "parts": ["12.00", "1.00"]},
            "pays 13.00: 8.00 h × 1.5 = 12.00; 8.00 h × 0.125 = 1.00",
        )

    def test_a_flat_amount_is_paid_whole_on_a_prorated_share(self) -> None:
        # 6 of 12 hours inside the window: 6 qualifying hours, and the per-shift 100.00.
        (result,) = outcomes(rule_of("prorate"), ACROSS_THE_END)
        assert (result.qualifying_hours, result.amount) == (Decimal("6.00"), Decimal("100.00"))

    @pytest.mark.parametrize(
        ("end", "ok", "detail"),
        [
            ("2020-12-28T14:30", True, "7.50 qualifying hours, at least the minimum of 7.5"),
            ("2020-12-28T14:29", False, "7.48 qualifying hours, below the minimum of 7.5"),
        ],
    )
    def test_a_fractional_minimum_of_hours(self, end: str, ok: bool, detail: str) -> None:
        agreement = esi_agreement(eligibility={"classifications": ["*"], "min_hours": "7.5"})
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", end))
        assert (reason(result, "min_hours").ok, reason(result, "min_hours").detail) == (ok, detail)
        assert result.amount == Decimal("100.00" if ok else "0.00")

    def test_one_cent_shifts_count_toward_the_shift_limit(self) -> None:
        # 0.01 a shift, one paid shift a week: Monday's 0.01 is that shift, so Tuesday and
        # Wednesday are cut by the shift limit.
        agreement = esi_agreement(
            payout=[{"per_shift": "0.01"}], limits={"max_shifts_per_workweek": 1}
        )
        monday, tuesday, wednesday = outcomes(agreement, *MON_TUE_WED)
        assert [o.amount for o in (monday, tuesday, wednesday)] == [
            Decimal("0.01"),
            Decimal("0.00"),
            Decimal("0.00"),
        ]
        assert [a.limit for a in tuesday.adjustments] == ["max_shifts_per_workweek"]
        assert [a.limit for a in wednesday.adjustments] == ["max_shifts_per_workweek"]

    def test_a_one_cent_weekly_cap(self) -> None:
        agreement = esi_agreement(
            payout=[{"per_shift": "0.01"}], limits={"max_amount_per_workweek": "0.01"}
        )
        first, second = outcomes(
            agreement,
            shift("2020-12-28T07:00", "2020-12-28T19:00"),
            shift("2020-12-29T07:00", "2020-12-29T19:00"),
        )
        assert (first.amount, second.amount) == (Decimal("0.01"), Decimal("0.00"))
        assert [a.amount for a in second.adjustments] == [Decimal("-0.01")]

    def test_a_shift_that_earns_nothing_is_not_cut_by_the_shift_limit(self) -> None:
        # Monday 0.5 × 40.00 × 12 = 240.00 fills the one paid shift; Tuesday earns 0.00
        # (base rate 0.00) and so has nothing to cut.
        agreement = esi_agreement(
            payout=[{"base_rate_multiplier": "0.5"}], limits={"max_shifts_per_workweek": 1}
        )
        monday, tuesday = outcomes(
            agreement,
            shift("2020-12-28T07:00", "2020-12-28T19:00", base_rate=Decimal("40.00")),
            shift("2020-12-29T07:00", "2020-12-29T19:00", base_rate=Decimal("0.00")),
        )
        assert (monday.amount, tuesday.amount) == (Decimal("240.00"), Decimal("0.00"))
        assert tuesday.adjustments == []

    def test_one_cent_exclusive_amounts_stack_to_the_higher(self) -> None:
        low = esi_agreement(id="low", payout=[{"per_shift": "0.01"}])
        high = esi_agreement(id="high", payout=[{"per_shift": "0.02"}])
        report = incentives.evaluate([low, high], [shift("2020-12-28T07:00", "2020-12-28T19:00")])
        assert report.rows[0].amount == Decimal("0.02")
        assert [a.amount for a in report.rows[0].outcomes[0].adjustments] == [Decimal("-0.01")]


class TestThresholdEdges:
    def test_an_absence_counted_as_worked_after_the_threshold_still_earns_nothing(self) -> None:
        # 0.25 FTE: 10 hours. Sunday worked 12, then a vacation day counted as worked:
        # its hours are past the threshold, but an absence earns nothing.
        agreement = esi_agreement(**beyond_fte(flag=False, counts_as_worked=["vacation"]))
        _, vacation = outcomes(
            agreement,
            shift("2020-12-27T07:00", "2020-12-27T19:00", fte=Decimal("0.25")),
            shift(
                "2020-12-28T07:00",
                "2020-12-28T19:00",
                fte=Decimal("0.25"),
                status="vacation",
                extra=None,
            ),
        )
        assert (reason(vacation, "extra").ok, vacation.amount) == (False, Decimal("0.00"))

    def test_a_threshold_of_a_fraction_of_an_hour(self) -> None:
        # 0.333 FTE × 40 = 13.32 hours. 24 hours come before Tuesday's 12: all beyond.
        agreement = esi_agreement(**beyond_fte(flag=False))
        *_, tuesday = outcomes(
            agreement,
            shift("2020-12-27T07:00", "2020-12-27T19:00", fte=Decimal("0.333")),
            shift("2020-12-28T07:00", "2020-12-28T19:00", fte=Decimal("0.333")),
            shift("2020-12-29T07:00", "2020-12-29T19:00", fte=Decimal("0.333")),
        )
        assert tuesday.amount == Decimal("120.00")
        assert reason(tuesday, "extra").detail == (
            "12.00 of its 12.00 hours are beyond the workweek threshold of 13.32 hours "
            "(0.333 FTE × 40 = 13.32); 24.00 hours were worked earlier in the workweek "
            "starting 2020-12-27 00:00 PST"
        )

    def test_one_second_beyond_the_threshold_is_beyond(self) -> None:
        # 0.25 FTE: 10 hours; 07:00:00 to 17:00:01 is one second beyond (worth 0.00).
        agreement = esi_agreement(**beyond_fte(flag=False))
        (result,) = outcomes(
            agreement, shift("2020-12-30T07:00:00", "2020-12-30T17:00:01", fte=Decimal("0.25"))
        )
        assert said(result, "extra")[:2] == (True, "extra.beyond_threshold")
        assert result.amount == Decimal("0.00")


TWO_WINDOWS = [
    {"start": "2020-12-27T07:00", "end": "2020-12-31T07:00"},
    {"start": "2021-01-02T07:00", "end": "2021-01-04T07:00"},
]


@pytest.mark.parametrize(
    ("start", "ok", "code", "values", "detail"),
    [
        (
            "2020-12-28T07:00",
            True,
            "window.starts_inside",
            {
                "window_start": "2020-12-27T07:00:00-08:00",
                "window_end": "2020-12-31T07:00:00-08:00",
            },
            "starts 2020-12-28 07:00 PST, inside 2020-12-27 07:00 PST to 2020-12-31 07:00 PST",
        ),
        (
            "2021-01-01T07:00",
            False,
            "window.starts_between",
            {"after_end": "2020-12-31T07:00:00-08:00", "before_start": "2021-01-02T07:00:00-08:00"},
            "starts 2021-01-01 07:00 PST, between windows: at or after the end 2020-12-31 07:00 "
            "PST and before the start 2021-01-02 07:00 PST",
        ),
        (
            "2021-01-05T07:00",
            False,
            "window.starts_after",
            {"after_end": "2021-01-04T07:00:00-08:00"},
            "starts 2021-01-05 07:00 PST, at or after the window's end 2021-01-04 07:00 PST",
        ),
        (
            "2020-12-26T07:00",
            False,
            "window.starts_before",
            {"before_start": "2020-12-27T07:00:00-08:00"},
            "starts 2020-12-26 07:00 PST, before the window's start 2020-12-27 07:00 PST",
        ),
    ],
)
def test_starts_within_two_windows(
    start: str, ok: bool, code: str, values: dict[str, str], detail: str
) -> None:
    # Windows Dec 27 07:00 to Dec 31 07:00 and Jan 2 07:00 to Jan 4 07:00 (PST, UTC-8).
    end = start[:11] + "19:00"
    (result,) = outcomes(esi_agreement(windows=TWO_WINDOWS), shift(start, end))
    assert said(result, "window") == (ok, code, {"start": f"{start}:00-08:00", **values}, detail)
    assert result.amount == Decimal("100.00" if ok else "0.00")


class TestAttendance:
    """A worked shift on Monday 2020-12-28 (line 1) and absences in its workweek."""

    WORKED = shift("2020-12-28T07:00", "2020-12-28T19:00")

    @staticmethod
    def absent(day: str, status: str) -> Shift:
        return shift(f"{day}T07:00", f"{day}T09:00", status=status, extra=None)

    def test_no_rule(self) -> None:
        (result,) = outcomes(esi_agreement(), self.WORKED)
        assert said(result, "attendance") == (True, "attendance.none", {}, "no attendance rule")

    def test_kept(self) -> None:
        agreement = esi_agreement(attendance={"forfeit_on": ["sick", "education"]})
        (result,) = outcomes(agreement, self.WORKED)
        assert said(result, "attendance") == (
            True,
            "attendance.kept",
            {
                "scope": "workweek",
                "period_start": "2020-12-27T00:00:00-08:00",
                "period_end": "2021-01-03T00:00:00-08:00",
            },
            "no education, sick absence in the workweek 2020-12-27 00:00 PST to "
            "2021-01-03 00:00 PST",
        )

    def test_forfeited_names_five_absences_and_counts_the_rest(self) -> None:
        # Six absences in the week (lines 2 to 7), listed in order of start: the first five
        # are named, "and 1 more"; a vacation is not in forfeit_on.
        agreement = esi_agreement(attendance={"forfeit_on": ["sick", "education"]})
        days = ["2020-12-29", "2020-12-30", "2020-12-31", "2021-01-01", "2021-01-02"]
        absences = [self.absent(d, "education" if i == 1 else "sick") for i, d in enumerate(days)]
        early = shift("2020-12-27T10:00", "2020-12-27T11:00", status="sick", extra=None)
        holiday = self.absent("2020-12-26", "sick")  # the week before
        vacation = shift("2021-01-02T10:00", "2021-01-02T11:00", status="vacation", extra=None)
        results = outcomes(agreement, self.WORKED, *absences, early, holiday, vacation)
        named = [
            "sick on line 7 (2020-12-27 10:00 PST)",
            "sick on line 2 (2020-12-29 07:00 PST)",
            "education on line 3 (2020-12-30 07:00 PST)",
            "sick on line 4 (2020-12-31 07:00 PST)",
            "sick on line 5 (2021-01-01 07:00 PST)",
            "sick on line 6 (2021-01-02 07:00 PST)",
        ]
        assert said(results[0], "attendance") == (
            False,
            "attendance.forfeited",
            {
                "scope": "workweek",
                "period_start": "2020-12-27T00:00:00-08:00",
                "period_end": "2021-01-03T00:00:00-08:00",
                "absences": named,
                "count": 6,
                "lines": [7, 2, 3, 4, 5, 6],
            },
            "; ".join(named[:5]) + " and 1 more in the same workweek (2020-12-27 00:00 PST to "
            "2021-01-03 00:00 PST) forfeits the incentive",
        )

    def test_exactly_five_absences_are_all_named(self) -> None:
        agreement = esi_agreement(attendance={"forfeit_on": ["sick"]})
        days = ["2020-12-29", "2020-12-30", "2020-12-31", "2021-01-01", "2021-01-02"]
        results = outcomes(agreement, self.WORKED, *(self.absent(d, "sick") for d in days))
        named = [f"sick on line {n} ({d} 07:00 PST)" for n, d in enumerate(days, start=2)]
        ok, code, values, detail = said(results[0], "attendance")
        assert (ok, code, values["count"], values["absences"]) == (
            False,
            "attendance.forfeited",
            5,
            named,
        )
        assert detail == (
            "; ".join(named) + " in the same workweek (2020-12-27 00:00 PST to "
            "2021-01-03 00:00 PST) forfeits the incentive"
        )

    def test_pay_period_scope_says_so(self) -> None:
        agreement = esi_agreement(
            pay_period={"anchor": "2020-12-20T00:00", "days": 14},
            attendance={"forfeit_on": ["sick"], "scope": "pay_period"},
        )
        worked, _ = outcomes(agreement, self.WORKED, self.absent("2020-12-21", "sick"))
        assert said(worked, "attendance") == (
            False,
            "attendance.forfeited",
            {
                "scope": "pay period",
                "period_start": "2020-12-20T00:00:00-08:00",
                "period_end": "2021-01-03T00:00:00-08:00",
                "absences": ["sick on line 2 (2020-12-21 07:00 PST)"],
                "count": 1,
                "lines": [2],
            },
            "sick on line 2 (2020-12-21 07:00 PST) in the same pay period (2020-12-20 00:00 "
            "PST to 2021-01-03 00:00 PST) forfeits the incentive",
        )

    def test_an_amended_rule_says_which_amendment_set_it(self) -> None:
        agreement = esi_agreement(
            amendments=[
                {
                    "adopted": "2020-12-20",
                    "summary": "Sick calls forfeit the week",
                    "attendance": {"forfeit_on": ["sick"]},
                }
            ]
        )
        (result,) = outcomes(agreement, self.WORKED)
        assert reason(result, "attendance").detail == (
            "no sick absence in the workweek 2020-12-27 00:00 PST to 2021-01-03 00:00 PST"
            " (amendment adopted 2020-12-20)"
        )


class TestFilters:
    """Status and the name and pattern filters, in full, on an agreement for RCPs and
    Registered Nurses of SCPMG at a Medical Center, in ICU units."""

    AGREEMENT = esi_agreement(
        eligibility={
            "classifications": ["RCP", "Registered Nurse"],
            "employers": ["SCPMG"],
            "locations": ["*Medical Center"],
            "units": ["ICU*"],
        }
    )
    RULES = ("status", "classification", "employer", "location", "unit")

    def saids(self, *shifts: Shift) -> list[list[tuple[bool, str | None, dict[str, Any], str]]]:
        return [[said(o, rule) for rule in self.RULES] for o in outcomes(self.AGREEMENT, *shifts)]

    def test_eligible_and_matching(self) -> None:
        fields = {"employer": "SCPMG", "location": "Fontana Medical Center", "unit": "ICU 2"}
        [row] = self.saids(shift("2020-12-28T07:00", "2020-12-28T19:00", **fields))
        assert row == [
            (True, "status.worked", {"status": "worked"}, "worked"),
            (
                True,
                "classification.eligible",
                {"value": "RCP"},
                "RCP is an eligible classification",
            ),
            (True, "employer.eligible", {"value": "SCPMG"}, "SCPMG is an eligible employer"),
            (
                True,
                "location.matches",
                {"value": "Fontana Medical Center", "pattern": "*Medical Center"},
                "Fontana Medical Center matches *Medical Center",
            ),
            (True, "unit.matches", {"value": "ICU 2", "pattern": "ICU*"}, "ICU 2 matches ICU*"),
        ]

    def test_not_eligible_and_matching_none(self) -> None:
        fields = {"employer": "KFH", "location": "Corona Offices", "unit": "Lab"}
        [row] = self.saids(
            shift("2020-12-29T07:00", "2020-12-29T19:00", classification="LVN", **fields)
        )
        assert row[1:] == [
            (
                False,
                "classification.not_eligible",
                {"value": "LVN", "eligible": ["RCP", "Registered Nurse"]},
                "LVN is not an eligible classification (eligible: RCP, Registered Nurse)",
            ),
            (
                False,
                "employer.not_eligible",
                {"value": "KFH", "eligible": ["SCPMG"]},
                "KFH is not an eligible employer (eligible: SCPMG)",
            ),
            (
                False,
                "location.matches_none",
                {"value": "Corona Offices", "patterns": ["*Medical Center"]},
                "Corona Offices matches none of *Medical Center",
            ),
            (
                False,
                "unit.matches_none",
                {"value": "Lab", "patterns": ["ICU*"]},
                "Lab matches none of ICU*",
            ),
        ]

    def test_an_absence_without_the_columns(self) -> None:
        # An absence need not give the columns a worked shift must: they are missing.
        [row] = self.saids(shift("2020-12-29T07:00", "2020-12-29T19:00", status="sick", extra=None))
        assert row[0] == (
            False,
            "status.absence",
            {"status": "sick"},
            "an absence (sick) is never paid",
        )
        assert row[2] == (
            False,
            "employer.missing",
            {"eligible": ["SCPMG"]},
            "no employer given; eligible: SCPMG",
        )
        assert row[3] == (
            False,
            "location.missing",
            {"patterns": ["*Medical Center"]},
            "no location given; eligible: *Medical Center",
        )

    def test_amended_eligibility_says_which_amendment_set_it(self) -> None:
        agreement = esi_agreement(
            eligibility={"classifications": ["RCP"], "locations": ["*Medical Center"]},
            amendments=[
                {
                    "adopted": "2020-12-20",
                    "summary": "Hospitals only, and approval",
                    "eligibility": {
                        "classifications": ["RCP"],
                        "locations": ["*Medical Center"],
                        "requires_approval": True,
                    },
                }
            ],
        )
        fields = {"location": "Fontana Medical Center", "approved": True}
        (result,) = outcomes(agreement, shift("2020-12-28T07:00", "2020-12-28T19:00", **fields))
        note = " (amendment adopted 2020-12-20)"
        assert (
            reason(result, "location").detail
            == "Fontana Medical Center matches *Medical Center" + note
        )
        assert reason(result, "classification").detail == "RCP is an eligible classification" + note
        assert reason(result, "approval").detail.endswith(note)

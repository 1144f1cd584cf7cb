"""The overtime true-up: incentives in the regular rate (29 CFR 778; Labor Code 510).

The oracle cases are the published examples with their numbers; the worked example and
the hand cases are computed by hand in the comments.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import agreement_text

import incentives
from incentives import AgreementError, OvertimePeriod, Report, UnknownKindError
from incentives.rules import overtime

D = Decimal
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ZONE = "America/Los_Angeles"


def agreement(
    method: str = "flsa_weekly",
    *,
    per_shift: str = "250.00",
    extra: str = "",
    pay_period: str = "",
    id: str = "ot",
    stacking: str = "exclusive",
) -> incentives.Agreement:
    """An agreement paying ``per_shift`` for extra RN shifts in 2020-2021, with overtime."""
    text = agreement_text(
        id=id,
        timezone=ZONE,
        top=f'stacking = "{stacking}"\n{pay_period}',
        windows=(("2020-10-01T00:00", "2021-03-01T00:00"),),
        classifications='["RN"]',
        payout=f'per_shift = "{per_shift}"',
        rest=f'[overtime]\nmethod = "{method}"\n{extra}',
    )
    return incentives.Agreement.model_validate(tomllib.loads(text))


def shifts(*rows: tuple[str, float, str, bool], paid: dict[int, str] | None = None) -> pl.DataFrame:
    """Shifts of employee e1: (local start, hours on the clock, base rate, extra)."""
    records = []
    for n, (start, hours, rate, extra) in enumerate(rows):
        begin = datetime.fromisoformat(start)
        end = begin + timedelta(hours=hours)
        record = {
            "employee_id": "e1",
            "classification": "RN",
            "start": begin.isoformat(timespec="minutes"),
            "end": end.isoformat(timespec="minutes"),
            "extra": "true" if extra else "false",
            "base_rate": rate,
        }
        if paid is not None:
            record["overtime_paid"] = paid.get(n, "")
        records.append(record)
    return pl.DataFrame(records)


def week(hours: list[float], rate: str = "12", extra_on: int | None = None) -> pl.DataFrame:
    """One shift a day from Sunday 2021-01-03 at 07:00, of the given hours."""
    first = datetime(2021, 1, 3, 7)
    return shifts(
        *(
            ((first + timedelta(days=d)).isoformat(), h, rate, d == extra_on)
            for d, h in enumerate(hours)
        )
    )


def only(report: Report) -> OvertimePeriod:
    assert report.overtime is not None
    [period] = report.overtime
    return period


def total(p: OvertimePeriod) -> Decimal:
    """What the week pays in all: straight time, incentives, premium and the true-up."""
    return p.straight_time + p.incentives + p.premium + p.owed


# --------------------------------------------------------------------------- FLSA oracles


def test_778_110_a_hourly_rate_only() -> None:
    # 29 CFR 778.110(a): $12 an hour, 46 hours: $552 straight time + 6 x $6 = $588.
    p = only(incentives.evaluate([agreement()], week([8, 8, 8, 8, 8, 6])))
    assert (p.hours, p.overtime_hours, p.straight_time) == (Decimal("46.00"), D(6), D(552))
    assert (p.regular_rate, p.premium, p.owed) == (Decimal("12.000000"), D(36), D(0))
    assert total(p) == Decimal("588.00")
    assert p.code == "overtime.nothing_added"


def test_778_110_b_production_bonus() -> None:
    # 29 CFR 778.110(b): $12 an hour, 46 hours, a $46 bonus: regular rate (552 + 46) / 46
    # = $13; half-time $6.50 on 6 hours = $39: $598 + $39 = $637.
    report = incentives.evaluate(
        [agreement(per_shift="46.00")], week([8, 8, 8, 8, 8, 6], extra_on=2)
    )
    p = only(report)
    assert p.regular_rate_with_incentives == Decimal("13.000000")
    assert (p.incentives, p.premium, p.owed) == (D(46), D(36), D(3))
    assert total(p) == Decimal("637.00")
    assert report.totals.overtime_owed == Decimal("3.00")
    assert report.totals.amount == Decimal("46.00")  # the incentive itself, kept apart


def test_fact_sheet_54_two_rates() -> None:
    # DOL Fact Sheet #54 (778.115): 24 hours at $8 and 24 at $9: straight time $408,
    # regular rate $8.50, half-time $4.25; the 8 overtime hours earn 8 x 1.5 x $8.50 = $102.
    rows = week([8, 8, 8, 8, 8, 8])
    rows = rows.with_columns(base_rate=pl.Series(["8", "8", "8", "9", "9", "9"]))
    p = only(incentives.evaluate([agreement()], rows))
    assert (p.straight_time, p.regular_rate) == (D(408), Decimal("8.500000"))
    assert p.premium == D(8) * Decimal("4.25")
    assert p.overtime_hours * p.regular_rate + p.premium == D(102)


def test_add_on_incentive() -> None:
    # $10 an hour, 50 hours, a $100 incentive: regular rate 600 / 50 = $12; 10 overtime hours
    # at half of $12: $60: $600 + $60 = $660 (of which $10 is what the incentive adds).
    report = incentives.evaluate(
        [agreement(per_shift="100.00")], week([10, 10, 10, 10, 10], "10", extra_on=0)
    )
    p = only(report)
    assert (p.regular_rate, p.regular_rate_with_incentives) == (D(10), D(12))
    assert (p.premium, p.owed, total(p)) == (D(50), D(10), D(660))


def test_worked_example_flsa() -> None:
    # $40 an hour, 48 hours, one 12-hour extra shift paid $250: regular rate 2170 / 48 =
    # $45.2083...; 8 overtime hours: premium 8 x 20 = $160 without the incentive; the
    # incentive adds 8 x 1/2 x 250 / 48 = $20.8333 -> $20.83; in all 1920 + 250 + 160 + 20.83.
    p = only(incentives.evaluate([agreement()], week([12, 12, 12, 12], "40", extra_on=0)))
    assert p.regular_rate_with_incentives == Decimal("45.208333")
    assert (p.premium, p.owed) == (D(160), Decimal("20.83"))
    assert total(p) == Decimal("2350.83")
    assert p.code == "overtime.owed"
    assert p.values["owed"] == "20.83"
    assert "$45.208333 with $250.00 of incentives" in p.detail


# --------------------------------------------------------------------------- California


def test_worked_example_california_weekly_only() -> None:
    # The same week under California's method with weekly overtime only: $250 / 40
    # regular hours = $6.25; 8 overtime hours x 1.5 x $6.25 = $75; in all 1920 + 250 + 160
    # + 75 = $2,405.
    a = agreement("california", extra="daily = false")
    p = only(incentives.evaluate([a], week([12, 12, 12, 12], "40", extra_on=0)))
    assert (p.regular_hours, p.overtime_hours, p.double_time_hours) == (D(40), D(8), D(0))
    assert (p.premium, p.owed, total(p)) == (D(160), D(75), Decimal("2405.00"))
    assert p.regular_rate_with_incentives == Decimal("46.250000")


def test_california_daily_and_double_time() -> None:
    # One 14-hour day at $20 with a $100 incentive: 8 regular, 4 overtime, 2 double time.
    # Premium: (4 x 1/2 + 2 x 1) x $20 = $80; the incentive: 100 / 8 = $12.50 a regular
    # hour, x (1.5 x 4 + 2 x 2) = $125.
    a = agreement("california", per_shift="100.00")
    p = only(incentives.evaluate([a], week([14], "20", extra_on=0)))
    assert (p.regular_hours, p.overtime_hours, p.double_time_hours) == (D(8), D(4), D(2))
    assert (p.premium, p.owed) == (D(80), D(125))
    assert "2.00 at double time" in p.detail


def test_california_weekly_after_daily() -> None:
    # Six days of 9 hours: 6 daily overtime hours; 48 regular... no: 6 x 8 = 48 regular,
    # of which 8 are over 40: 14 overtime hours and 40 regular.
    a = agreement("california", per_shift="0.00")
    p = only(incentives.evaluate([a], week([9] * 6, "20")))
    assert (p.hours, p.regular_hours, p.overtime_hours) == (D(54), D(40), D(14))
    assert p.premium == D(14) * D(10)


def _periods(
    hours: int, regular: int, over: int, double: int, straight: int, cents: int
) -> pl.DataFrame:
    h = 3600
    return pl.DataFrame(
        {
            "hours": [hours * h],
            "regular": [regular * h],
            "over": [over * h],
            "double": [double * h],
            "straight": [straight],
            "inc_num": [cents],
            "inc_den": [1],
        },
        schema={
            "hours": pl.Int64,
            "regular": pl.Int64,
            "over": pl.Int64,
            "double": pl.Int64,
            "straight": pl.Int128,
            "inc_num": pl.Int128,
            "inc_den": pl.Int128,
        },
    )


def test_flat_sum_vendor_example() -> None:
    # A $300 flat sum over 16 non-overtime hours: $18.75 an hour; 10 overtime hours owe
    # 10 x 1.5 x 18.75 = $281.25 and 10 double-time hours 10 x 2 x 18.75 = $375.00.
    method = overtime.METHODS["california"]
    over = overtime.amounts(_periods(26, 16, 10, 0, 0, 30000), method)["owed"].item()
    double = overtime.amounts(_periods(26, 16, 0, 10, 0, 30000), method)["owed"].item()
    assert (over, double) == (28125, 37500)


def test_flat_sum_dlse_example() -> None:
    # DLSE manual: a $500 bonus over 2,000 non-overtime hours: $0.25 an hour, $0.375 per
    # overtime hour, $0.50 per double-time hour; 100 overtime hours: $37.50.
    method = overtime.METHODS["california"]
    assert overtime.amounts(_periods(2100, 2000, 100, 0, 0, 50000), method)["owed"].item() == 3750
    assert overtime.amounts(_periods(2001, 2000, 0, 1, 0, 50000), method)["owed"].item() == 50
    assert overtime.amounts(_periods(2002, 2000, 2, 0, 0, 50000), method)["owed"].item() == 75


# --------------------------------------------------------------------------- 8 and 80

PAY_14 = '[pay_period]\nanchor = "2021-01-03T00:00"\ndays = 14'


def test_hospital_8_80_daily_overtime() -> None:
    # Eight 10-hour days in the 14 days at $30: 80 hours, 2 over 8 each day = 16 overtime
    # hours (more than the 0 over 80); premium 16 x $15 = $240; a $200 incentive adds
    # 16 x 1/2 x 200 / 80 = $20.
    first = datetime(2021, 1, 3, 7)
    days = [0, 1, 2, 3, 7, 8, 9, 10]
    rows = shifts(*(((first + timedelta(days=d)).isoformat(), 10, "30", d == 0) for d in days))
    p = only(
        incentives.evaluate(
            [agreement("hospital_8_80", per_shift="200.00", pay_period=PAY_14)], rows
        )
    )
    assert (p.hours, p.overtime_hours) == (D(80), D(16))
    assert p.end - p.start == timedelta(days=14)
    assert (p.premium, p.owed) == (D(240), D(20))


def test_hospital_8_80_period_overtime_not_counted_twice() -> None:
    # Nine days of 9 hours: 9 daily overtime hours, 81 - 80 = 1 over the period: the greater,
    # 9, not 10.
    first = datetime(2021, 1, 3, 7)
    rows = shifts(*(((first + timedelta(days=d)).isoformat(), 9, "30", False) for d in range(9)))
    p = only(incentives.evaluate([agreement("hospital_8_80", pay_period=PAY_14)], rows))
    assert (p.hours, p.overtime_hours) == (D(81), D(9))


# --------------------------------------------------------------------------- allocation

PAY_WEEKS = '[pay_period]\nanchor = "2021-01-03T00:00"\ndays = 14'


@pytest.mark.parametrize(
    ("allocation", "owed"),
    [
        ("shift", Decimal("0.00")),  # the $300 is in week 2, which has no overtime
        ("equal", Decimal("15.00")),  # 150 in week 1: 10 x 1/2 x 150 / 50
        ("hours", Decimal("18.75")),  # 300 x 50/80 = 187.50 in week 1: 10 x 1/2 x 187.5 / 50
    ],
)
def test_pay_period_incentive_allocated(allocation: str, owed: Decimal) -> None:
    first = datetime(2021, 1, 3, 7)
    rows = shifts(
        *(((first + timedelta(days=d)).isoformat(), 10, "20", False) for d in range(5)),
        *(((first + timedelta(days=7 + d)).isoformat(), 10, "20", d == 0) for d in range(3)),
    )
    a = agreement(per_shift="300.00", pay_period=PAY_WEEKS, extra=f'allocation = "{allocation}"')
    report = incentives.evaluate([a], rows)
    assert report.overtime is not None
    first_week, second_week = report.overtime
    assert (first_week.hours, second_week.hours) == (D(50), D(30))
    assert first_week.owed == owed
    assert second_week.owed == D(0)
    assert sum(p.incentives for p in report.overtime) == D(300)


# --------------------------------------------------------------------------- DST, claims


def test_fall_back_night_counts_elapsed_hours() -> None:
    # Sunday 2020-11-01 00:00 to 12:00 on the wall clock is 13 hours (clocks fall back at
    # 02:00); with three more 12-hour shifts, 49 hours: 9 overtime; a $250 incentive adds
    # 9 x 1/2 x 250 / 49 = 22.959... -> $22.96.
    first = datetime(2020, 11, 1, 0)
    rows = shifts(
        (first.isoformat(), 12, "40", True),
        *(((first + timedelta(days=d, hours=7)).isoformat(), 12, "40", False) for d in (1, 2, 3)),
    )
    p = only(incentives.evaluate([agreement()], rows))
    assert (p.hours, p.overtime_hours, p.owed) == (D(49), D(9), Decimal("22.96"))


def test_overtime_claims() -> None:
    # The worked example, the overtime paid as $160.00 (the premium without the incentive):
    # $20.83 is still owed.
    first = datetime(2021, 1, 3, 7)
    rows = shifts(
        *(((first + timedelta(days=d)).isoformat(), 12, "40", d == 0) for d in range(4)),
        paid={3: "160.00"},
    )
    report = incentives.evaluate([agreement()], rows)
    p = only(report)
    assert (p.paid, p.difference) == (D(160), Decimal("20.83"))
    t = report.totals
    assert (t.overtime_paid, t.overtime_underpaid, t.overtime_overpaid) == (
        D(160),
        Decimal("20.83"),
        D(0),
    )
    data = report.model_dump(mode="json")
    assert data["overtime"][0]["difference"] == "20.83"


def test_no_overtime_keys_without_a_rule() -> None:
    a = agreement().model_copy(update={"overtime": None})
    report = incentives.evaluate([a], week([12, 12, 12, 12], "40", extra_on=0))
    data = report.model_dump(mode="json")
    assert "overtime" not in data
    assert not any(key.startswith("overtime") for key in data["totals"])


def test_split_between_agreements_is_the_same() -> None:
    # $250 from one agreement, or $100 + $150 from two that stack: the same true-up.
    one = incentives.evaluate([agreement()], week([12, 12, 12, 12], "40", extra_on=0))
    two = incentives.evaluate(
        [
            agreement(per_shift="100.00", id="a", stacking="stack"),
            agreement(per_shift="150.00", id="b", stacking="stack"),
        ],
        week([12, 12, 12, 12], "40", extra_on=0),
    )
    assert only(one).owed == only(two).owed == Decimal("20.83")


# --------------------------------------------------------------------------- the agreement


@pytest.mark.parametrize(
    ("extra", "pay_period", "problem"),
    [
        ("", "", "overtime.method: hospital_8_80 needs a pay_period of 14 days"),
        ('allocation = "equal"', PAY_14, "overtime.allocation: hospital_8_80 counts each"),
    ],
)
def test_hospital_needs_fourteen_days(extra: str, pay_period: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        agreement("hospital_8_80", extra=extra, pay_period=pay_period)


def test_allocation_needs_whole_workweeks() -> None:
    with pytest.raises(ValueError, match=re.escape("overtime.allocation: hours needs pay_period")):
        agreement(extra='allocation = "hours"')
    monday = '[pay_period]\nanchor = "2021-01-04T00:00"\ndays = 14'
    with pytest.raises(ValueError, match="the anchor is a monday 00:00"):
        agreement(extra='allocation = "equal"', pay_period=monday)


def test_daily_choice_only_for_california() -> None:
    with pytest.raises(ValueError, match=re.escape("overtime.daily: only the california method")):
        agreement(extra="daily = false")


def test_agreements_must_agree_on_overtime() -> None:
    with pytest.raises(AgreementError, match="names an overtime rule"):
        incentives.evaluate([agreement(), agreement("california", id="ca")], week([8], "40"))


def test_file_problems_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    text = Path("examples/usw7600-rcp/agreement.toml").read_text()
    path.write_text(text + '\n[overtime]\nmethod = "hospital_8_80"\nallocation = "weekly"\n')
    with pytest.raises(AgreementError) as caught:
        incentives.load_agreement(path)
    said = str(caught.value)
    assert "overtime.allocation" in said
    assert "overtime.method: hospital_8_80 needs a pay_period of 14 days" in said


def test_methods_registry_matches_the_model() -> None:
    from typing import get_args

    from incentives._agreement import OvertimeMethod

    assert set(get_args(OvertimeMethod)) == set(overtime.METHODS)


def test_base_rate_is_required() -> None:
    rows = week([12, 12, 12, 12], "40").with_columns(base_rate=pl.Series(["40", "", "40", "40"]))
    report = incentives.evaluate([agreement()], rows)
    # A DataFrame's rows are numbered from 1: the second row is line 2.
    assert [(e.line, e.field) for e in report.errors] == [(2, "base_rate")]
    assert only(report).hours == D(36)  # the other three shifts


# --------------------------------------------------------------------------- explain


def test_explain_shows_the_arithmetic(tmp_path: Path) -> None:
    from incentives.writers.explain import explain_text

    a = agreement()
    report = incentives.evaluate([a], week([12, 12, 12, 12], "40", extra_on=0))
    text = explain_text(report, 3, [a], "shifts.csv")
    assert (
        "regular rate with incentives: ($1920.00 + $250.00) / 48 h = $45.20833333... (= 1085/24)"
        in text
    )
    added = "added by the incentives: 1/2 x 8 h x $250.00 / 48 h = $20.83333333... (= 125/6)"
    assert f"{added} -> $20.83 owed" in text


def test_exact_is_exact() -> None:
    from incentives._overtime import _exact

    assert _exact(Fraction(125, 6)) == "20.83333333... (= 125/6)"
    assert _exact(Fraction(75, 4)) == "18.75"
    assert _exact(Fraction(40)) == "40"


# --------------------------------------------------------------------------- properties

WEEKS = [
    datetime(2021, 1, 3),  # an ordinary week
    datetime(2020, 11, 1),  # clocks fall back on its Sunday at 02:00
    datetime(2021, 3, 14),  # clocks spring forward on its Sunday at 02:00
]
RATES = ["12", "40", "45.50", "8.123456"]
AMOUNTS = ["0.00", "33.33", "100.00", "250.00"]


@st.composite
def weeks(draw: st.DrawFn) -> tuple[datetime, list[tuple[datetime, int, str, bool]]]:
    """A week of shifts, at most one a day, none in or ending in a repeated or skipped hour."""
    first = draw(st.sampled_from(WEEKS))
    days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
    rows = []
    for day in sorted(days):
        start = first + timedelta(days=day, hours=draw(st.sampled_from([0, 4, 5, 6, 7])))
        hours = draw(st.integers(4, 16))
        rows.append((start, hours, draw(st.sampled_from(RATES)), draw(st.booleans())))
    return first, rows


def _frame(rows: list[tuple[datetime, int, str, bool]]) -> pl.DataFrame:
    return shifts(*((s.isoformat(), h, r, x) for s, h, r, x in rows))


def _elapsed(start: datetime, hours: int) -> int:
    """Seconds between two wall-clock times in the zone (what DST makes 1 hour off).

    Aware datetimes of one zone subtract as wall-clock times: take both to UTC first."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ZONE)
    end = start + timedelta(hours=hours)
    begin_utc = start.replace(tzinfo=zone).astimezone(UTC)
    end_utc = end.replace(tzinfo=zone).astimezone(UTC)
    return int((end_utc - begin_utc).total_seconds())


def _half_up(value: Fraction) -> Decimal:
    return Decimal((value * 200 + 1) // 2).scaleb(-2)


def _oracle(rows: list[tuple[datetime, int, str, bool]], cents: int, method: str) -> Decimal:
    """What the incentives add, by the regulations' arithmetic, from the rows alone."""
    hours = [Fraction(_elapsed(s, h), 3600) for s, h, _, _ in rows]
    total = sum(hours, Fraction(0))
    incentives = Fraction(cents, 100)
    if method == "flsa_weekly":
        over = max(Fraction(0), total - 40)
        return _half_up(over * incentives / (2 * total))
    regular = sum((min(h, Fraction(8)) for h in hours), Fraction(0))
    over = sum((min(max(h - 8, Fraction(0)), Fraction(4)) for h in hours), Fraction(0))
    double = sum((max(h - 12, Fraction(0)) for h in hours), Fraction(0))
    weekly = max(Fraction(0), regular - 40)
    regular, over = regular - weekly, over + weekly
    return _half_up(incentives / regular * (Fraction(3, 2) * over + 2 * double))


@FAST
@given(
    week=weeks(),
    amount=st.sampled_from(AMOUNTS),
    method=st.sampled_from(["flsa_weekly", "california"]),
)
def test_owed_matches_the_regulations(
    week: tuple[datetime, list[tuple[datetime, int, str, bool]]], amount: str, method: str
) -> None:
    _, rows = week
    report = incentives.evaluate([agreement(method, per_shift=amount)], _frame(rows))
    assert not report.errors
    p = only(report)
    cents = int(report.totals.amount * 100)
    assert p.owed == _oracle(rows, cents, method)
    assert p.owed >= 0
    assert p.hours == _half_up(Fraction(sum(_elapsed(s, h) for s, h, _, _ in rows), 3600))
    if p.overtime_hours + p.double_time_hours == 0 or cents == 0:
        assert p.owed == 0
    assert p.premium >= 0


@FAST
@given(week=weeks(), method=st.sampled_from(["flsa_weekly", "california", "hospital_8_80"]))
def test_owed_is_linear_in_the_incentive(
    week: tuple[datetime, list[tuple[datetime, int, str, bool]]], method: str
) -> None:
    _, rows = week
    pay = PAY_14 if method == "hospital_8_80" else ""
    one = only(
        incentives.evaluate([agreement(method, per_shift="100.00", pay_period=pay)], _frame(rows))
    )
    three = only(
        incentives.evaluate([agreement(method, per_shift="300.00", pay_period=pay)], _frame(rows))
    )
    # Each is rounded once from its exact value: three times one, within the two roundings.
    assert abs(three.owed - 3 * one.owed) <= Decimal("0.02")
    assert three.premium == one.premium


@FAST
@given(
    week=weeks(),
    split=st.sampled_from([("100.00", "150.00"), ("0.00", "250.00"), ("33.33", "216.67")]),
)
def test_splitting_between_agreements_changes_nothing(
    week: tuple[datetime, list[tuple[datetime, int, str, bool]]], split: tuple[str, str]
) -> None:
    _, rows = week
    one = incentives.evaluate([agreement(per_shift="250.00")], _frame(rows))
    two = incentives.evaluate(
        [
            agreement(per_shift=split[0], id="a", stacking="stack"),
            agreement(per_shift=split[1], id="b", stacking="stack"),
        ],
        _frame(rows),
    )
    assert one.totals.amount == two.totals.amount
    assert only(one).owed == only(two).owed


def test_report_reference_lists_the_overtime_codes() -> None:
    text = Path("docs/reference/report.md").read_text(encoding="utf-8")
    [row] = [line for line in text.splitlines() if line.startswith("| `overtime[].code`")]
    assert set(re.findall(r"`(overtime\.[a-z_]+)`", row)) == set(overtime.CODES)


def test_explain_california_steps() -> None:
    from incentives.writers.explain import explain_text

    a = agreement("california", extra="daily = false")
    report = incentives.evaluate([a], week([12, 12, 12, 12], "40", extra_on=0))
    text = explain_text(report, 2, [a], "shifts.csv")
    assert "(california: over 40 in the workweek; no daily overtime)" in text
    assert "incentives per regular hour: $250.00 / 40 h = $6.25" in text
    assert "added by the incentives: $6.25 x (1.5 x 8 h + 2 x 0 h) = $75.00 -> $75.00 owed" in text


def test_overtime_as_a_frame() -> None:
    report = incentives.evaluate([agreement()], week([12, 12, 12, 12], "40", extra_on=0))
    frame = report.overtime_to_polars()
    assert frame is not None
    assert frame.height == 1
    assert frame["owed"].item() == Decimal("20.83")
    assert frame["regular_rate_with_incentives"].item() == Decimal("45.208333")
    assert frame["lines"].item().to_list() == [1, 2, 3, 4]
    assert str(frame["start"].dtype) == "Datetime(time_unit='us', time_zone='America/Los_Angeles')"
    without = incentives.evaluate(
        [agreement().model_copy(update={"overtime": None})], week([8], "40")
    )
    assert without.overtime_to_polars() is None


@pytest.mark.parametrize("timezone", [None, "America/New_York"])
@pytest.mark.parametrize("claims", [False, True])
def test_streamed_json_is_the_models_json(timezone: str | None, claims: bool) -> None:
    import io

    from incentives.writers.json import report_json, write_json

    # Two employees (one with a quote in the id), a fall-back week, claims or not.
    first = datetime(2020, 11, 1, 0)
    rows = shifts(
        (first.isoformat(), 12, "40", True),
        *(((first + timedelta(days=d, hours=7)).isoformat(), 12, "40", False) for d in (1, 2, 3)),
        paid={3: "180.00"} if claims else None,
    )
    other = rows.with_columns(employee_id=pl.lit('e"2'))
    report = incentives.evaluate([agreement()], pl.concat([rows, other]), timezone=timezone)
    out = io.BytesIO()
    write_json(report, out)
    assert out.getvalue().decode("utf-8") == report_json(report)
    # Each period says it twice (the field and its value). In New York's time the first
    # shift starts on Saturday evening in Los Angeles: a workweek earlier, no overtime.
    assert report_json(report).count('"owed": "22.96"') == (4 if timezone is None else 0)


# --------------------------------------------------------------------------- edges


def test_the_sentences_and_values_in_full() -> None:
    # The worked example (see test_worked_example_flsa): every number of the sentence and
    # every value is the hand computation's.
    p = only(incentives.evaluate([agreement()], week([12, 12, 12, 12], "40", extra_on=0)))
    assert p.detail == (
        "48.00 hours, 8.00 of overtime (over 40 in the workweek): regular rate $40.00 an "
        "hour ($1920.00 straight time / 48.00 hours), $45.208333 with $250.00 of "
        "incentives; overtime premium $160.00 without incentives, $20.83 more owed"
    )
    assert p.values == {
        "method": "flsa_weekly",
        "hours": "48.00",
        "regular_hours": "40.00",
        "overtime_hours": "8.00",
        "double_time_hours": "0.00",
        "regular_rate": "40.000000",
        "regular_rate_with_incentives": "45.208333",
        "straight_time": "1920.00",
        "incentives": "250.00",
        "premium": "160.00",
        "owed": "20.83",
    }
    # A 14-hour California day at $20 with $100 (test_california_daily_and_double_time):
    # 280 / 14 = $20.00; 20 + 100 / 8 regular hours = $32.50.
    a = agreement("california", per_shift="100.00")
    p = only(incentives.evaluate([a], week([14], "20", extra_on=0)))
    assert p.detail == (
        "14.00 hours, 4.00 of overtime, 2.00 at double time (over 8 in a day (double over "
        "12) or 40 in the workweek): regular rate $20.00 an hour ($280.00 straight time / "
        "14.00 hours), $32.50 with $100.00 of incentives over 8.00 regular hours; overtime "
        "premium $80.00 without incentives, $125.00 more owed"
    )


def test_a_week_under_forty_hours_has_no_overtime() -> None:
    p = only(incentives.evaluate([agreement()], week([10, 10, 10], "40", extra_on=0)))
    assert (p.code, p.overtime_hours, p.premium, p.owed) == ("overtime.none", D(0), D(0), D(0))
    assert p.detail == "30.00 hours, no overtime (over 40 in the workweek): nothing owed"
    # Under 8/80: no day over 8 and 64 hours in the 14 days.
    first = datetime(2021, 1, 3, 7)
    rows = shifts(*(((first + timedelta(days=d)).isoformat(), 8, "30", False) for d in range(8)))
    p = only(incentives.evaluate([agreement("hospital_8_80", pay_period=PAY_14)], rows))
    assert (p.code, p.hours, p.overtime_hours) == ("overtime.none", D(64), D(0))


def test_as_much_double_time_as_overtime_is_overtime() -> None:
    # One 16-hour California day at $20: 8 regular, 4 overtime, 4 double time; premium
    # (4 x 1/2 + 4 x 1) x $20 = $120; no incentive: nothing added.
    a = agreement("california", per_shift="0.00")
    p = only(incentives.evaluate([a], week([16], "20")))
    assert (p.overtime_hours, p.double_time_hours, p.premium) == (D(4), D(4), D(120))
    assert p.code == "overtime.nothing_added"


def test_hospital_8_80_short_days_do_not_cancel_long_ones() -> None:
    # A 10-hour day and a 6-hour day: 2 daily overtime hours (the short day gives back
    # none); two shifts of 5 hours on one day are a 10-hour day: 2 more. $30 an hour:
    # premium 4 x $15 = $60.
    rows = shifts(
        ("2021-01-04T07:00", 10, "30", False),
        ("2021-01-05T07:00", 6, "30", False),
        ("2021-01-06T06:00", 5, "30", False),
        ("2021-01-06T12:00", 5, "30", False),
    )
    p = only(incentives.evaluate([agreement("hospital_8_80", pay_period=PAY_14)], rows))
    assert (p.hours, p.overtime_hours, p.premium) == (D(26), D(4), D(60))


def test_hospital_8_80_period_overtime_beyond_eighty() -> None:
    # Eleven 8-hour days in the 14: no day over 8, 88 - 80 = 8 overtime hours; $30 an
    # hour: premium 8 x $15 = $120; a $200 incentive adds 8 x 1/2 x 200 / 88 = $9.09.
    first = datetime(2021, 1, 3, 7)
    rows = shifts(*(((first + timedelta(days=d)).isoformat(), 8, "30", d == 0) for d in range(11)))
    a = agreement("hospital_8_80", per_shift="200.00", pay_period=PAY_14)
    p = only(incentives.evaluate([a], rows))
    assert (p.hours, p.overtime_hours, p.premium, p.owed) == (D(88), D(8), D(120), D("9.09"))
    assert p.regular_hours == D(80)


def test_california_flat_sum_shared_equally_between_weeks() -> None:
    # $100 in the pay period, shared equally: $50 a week. Each week one 10-hour day at $20:
    # 8 regular, 2 overtime hours; the flat sum adds 50 / 8 x 1.5 x 2 = $18.75 a week.
    rows = shifts(
        ("2021-01-04T07:00", 10, "20", True),
        ("2021-01-11T07:00", 10, "20", False),
    )
    a = agreement(
        "california", per_shift="100.00", pay_period=PAY_WEEKS, extra='allocation = "equal"'
    )
    report = incentives.evaluate([a], rows)
    assert report.overtime is not None
    assert [(p.incentives, p.owed) for p in report.overtime] == [(D(50), D("18.75"))] * 2


@pytest.mark.parametrize(("allocation", "owed"), [("equal", D("15.00")), ("hours", D("18.75"))])
def test_pay_period_shares_are_each_employees_own(allocation: str, owed: Decimal) -> None:
    # test_pay_period_incentive_allocated's e1, beside e2, who works 40 hours in each week
    # of the same pay period and earns no incentive: e1's share is what it was alone.
    first = datetime(2021, 1, 3, 7)
    alone = shifts(
        *(((first + timedelta(days=d)).isoformat(), 10, "20", False) for d in range(5)),
        *(((first + timedelta(days=7 + d)).isoformat(), 10, "20", d == 0) for d in range(3)),
    )
    other = shifts(
        *(((first + timedelta(days=d)).isoformat(), 10, "20", False) for d in (1, 2, 3, 4)),
        *(((first + timedelta(days=d)).isoformat(), 10, "20", False) for d in (8, 9, 10, 11)),
    ).with_columns(employee_id=pl.lit("e2"))
    # And e1's next pay period, 40 hours in its first week and no incentive, is its own.
    later = shifts(
        *(((first + timedelta(days=14 + d)).isoformat(), 10, "20", False) for d in range(4))
    )
    a = agreement(per_shift="300.00", pay_period=PAY_WEEKS, extra=f'allocation = "{allocation}"')
    report = incentives.evaluate([a], pl.concat([alone, later, other]))
    assert report.overtime is not None
    by = {(p.employee_id, p.start.day): p for p in report.overtime}
    assert (by["e1", 3].owed, by["e1", 10].owed, by["e1", 17].owed) == (owed, D(0), D(0))
    assert by["e1", 17].incentives == D(0)
    assert sum(p.incentives for p in report.overtime if p.employee_id == "e1") == D(300)
    assert [(p.incentives, p.owed) for p in report.overtime if p.employee_id == "e2"] == [
        (D(0), D(0)),
        (D(0), D(0)),
    ]


def test_an_employee_who_only_called_in_sick_has_no_overtime_period() -> None:
    rows = week([10, 10, 10, 10, 10], "20").vstack(
        shifts(("2021-01-04T07:00", 10, "20", False)).with_columns(employee_id=pl.lit("e2"))
    )
    rows = rows.with_columns(
        status=pl.Series(["worked"] * 5 + ["sick"]),
    )
    report = incentives.evaluate([agreement()], rows)
    assert report.overtime is not None
    assert [(p.employee_id, p.hours) for p in report.overtime] == [("e1", D(50))]


def test_the_overtime_rule_is_named_once() -> None:
    text = agreement_text(
        id="plain",
        timezone=ZONE,
        windows=(("2020-10-01T00:00", "2021-03-01T00:00"),),
        classifications='["RN"]',
        payout='per_shift = "10.00"',
    )
    plain = incentives.Agreement.model_validate(tomllib.loads(text))
    with pytest.raises(AgreementError) as caught:
        incentives.evaluate(
            [plain, agreement(), agreement(id="same"), agreement("california", id="ca")],
            week([8], "40"),
        )
    assert str(caught.value) == (
        "agreement 'ca' names an overtime rule (with its time zone, workweek and pay period) "
        "other than 'ot''s; overtime is owed once"
    )
    assert [(p.code, p.values) for p in caught.value.details] == [
        ("agreement.overtime.twice", {"id": "ca", "first": "ot"})
    ]
    # The same rule named twice is one rule: the week is decided once, by it.
    report = incentives.evaluate([plain, agreement(), agreement(id="same")], week([12] * 4, "40"))
    assert report.overtime is not None
    assert [p.overtime_hours for p in report.overtime] == [D(8)]


def test_an_unknown_method_is_an_error_not_another_method() -> None:
    rule = agreement().overtime
    assert rule is not None
    odd = rule.model_construct(**{**rule.__dict__, "method": "fortnightly"})
    with pytest.raises(UnknownKindError) as caught:
        overtime.method_of(odd)
    assert (caught.value.code, caught.value.values) == ("kind.overtime", {"kind": "fortnightly"})
    assert str(caught.value) == "unknown overtime method 'fortnightly'"

"""Unit tests of incentives._calendar: workweeks, pay periods and day-parts.

Boundaries are wall-clock times resolved with the recurring-boundary rule (SPEC 1.3): a
boundary in a spring-forward gap moves to the end of the gap; one in a fall-back fold takes
its first occurrence. A shift belongs to the period in which it starts (SPEC 1.7).

America/Los_Angeles: PDT is UTC-7, PST is UTC-8. On 2020-11-01 clocks fall back at 09:00Z
(02:00 PDT -> 01:00 PST); on 2021-03-14 they spring forward at 10:00Z (02:00 PST -> 03:00
PDT). All expected instants below are UTC calendar times worked out by hand from those
offsets and turned into epoch seconds with ``calendar.timegm`` (``utc``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import calendar as oracle_calendar
from strategies import DAY, HOUR, day_parts, instants, make_agreement, shift, utc, zone_keys

import incentives
from incentives import _time
from incentives._calendar import DayParts, PayPeriods, Workweeks

LA = _time.zone("America/Los_Angeles")
SUNDAY = 6  # Monday is 0


def minutes(text: str) -> tuple[int, int]:
    """``"23:00-07:00"`` -> minutes after midnight, written independently of the library."""
    a, b = text.split("-")
    return (int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:]))


# --------------------------------------------------------------------------- workweeks


class TestWorkweeksSundayMidnight:
    weeks = Workweeks(LA, SUNDAY, 0, 0)

    def test_ordinary_week(self) -> None:
        # 2020-12-27 (a Sunday) 00:00 PST = 08:00Z to 2021-01-03 00:00 PST = 08:00Z.
        week = self.weeks.of(utc(2020, 12, 29, 20))
        assert week.start == utc(2020, 12, 27, 8)
        assert week.end == utc(2021, 1, 3, 8)
        assert week.end - week.start == 168 * HOUR
        assert week.key == date(2020, 12, 27).toordinal()

    def test_fall_back_week_is_169_hours(self) -> None:
        # Sunday 2020-11-01 00:00 PDT = 07:00Z to Sunday 2020-11-08 00:00 PST = 08:00Z.
        week = self.weeks.of(utc(2020, 11, 1, 9, 30))  # 01:30 PST, the second 01:30
        assert week.start == utc(2020, 11, 1, 7)
        assert week.end == utc(2020, 11, 8, 8)
        assert week.end - week.start == 169 * HOUR

    def test_spring_forward_week_is_167_hours(self) -> None:
        # Sunday 2021-03-14 00:00 PST = 08:00Z to Sunday 2021-03-21 00:00 PDT = 07:00Z.
        week = self.weeks.of(utc(2021, 3, 14, 10))  # 03:00 PDT
        assert week.start == utc(2021, 3, 14, 8)
        assert week.end == utc(2021, 3, 21, 7)
        assert week.end - week.start == 167 * HOUR

    def test_week_starts_at_its_start(self) -> None:
        """Half-open: 00:00 belongs to the new week, 23:59:59 the night before to the old."""
        start = utc(2020, 12, 27, 8)
        assert self.weeks.of(start).start == start
        assert self.weeks.of(start - 1).start == utc(2020, 12, 20, 8)
        assert self.weeks.of(start - 1).end == start

    def test_every_day_of_the_week(self) -> None:
        # Saturday 2021-01-02 23:59 PST = 2021-01-03 07:59Z is still in the week of 12-27.
        assert self.weeks.of(utc(2021, 1, 3, 7, 59)).start == utc(2020, 12, 27, 8)
        assert self.weeks.of(utc(2021, 1, 3, 8)).start == utc(2021, 1, 3, 8)

    def test_consecutive_weeks_touch(self) -> None:
        week = self.weeks.of(utc(2020, 11, 1, 9, 30))
        after = self.weeks.of(week.end)
        before = self.weeks.of(week.start - 1)
        assert after.start == week.end
        assert before.end == week.start
        # The week before the fall-back week is all PDT: 168 hours.
        assert before.end - before.start == 168 * HOUR

    def test_both_occurrences_of_the_fold_are_one_week(self) -> None:
        first = self.weeks.of(utc(2020, 11, 1, 8, 30))  # 01:30 PDT
        second = self.weeks.of(utc(2020, 11, 1, 9, 30))  # 01:30 PST
        assert first.key == second.key == date(2020, 11, 1).toordinal()


class TestWorkweeksBoundaryInGap:
    """A workweek starting "sunday 02:30": on 2021-03-14 02:30 does not exist."""

    weeks = Workweeks(LA, SUNDAY, 2, 30)

    def test_ordinary_time(self) -> None:
        # 2020-12-27 02:30 PST = 10:30Z.
        week = self.weeks.of(utc(2020, 12, 28, 12))
        assert week.start == utc(2020, 12, 27, 10, 30)
        assert week.end == utc(2021, 1, 3, 10, 30)

    def test_skipped_time_moves_to_gap_end(self) -> None:
        # The boundary moves to 03:00 PDT = 10:00Z; the next one is 03-21 02:30 PDT = 09:30Z.
        week = self.weeks.of(utc(2021, 3, 14, 10))
        assert week.start == utc(2021, 3, 14, 10)
        assert week.end == utc(2021, 3, 21, 9, 30)
        assert week.end - week.start == 167 * HOUR + 30 * 60

    def test_week_before_the_gap(self) -> None:
        # 2021-03-07 02:30 PST = 10:30Z to the moved boundary 2021-03-14T10:00Z.
        week = self.weeks.of(utc(2021, 3, 14, 9, 59, 59))  # 01:59:59 PST
        assert week.start == utc(2021, 3, 7, 10, 30)
        assert week.end == utc(2021, 3, 14, 10)
        assert week.end - week.start == 167 * HOUR + 30 * 60


class TestWorkweeksBoundaryInFold:
    """A workweek starting "sunday 01:30": on 2020-11-01 01:30 happens twice."""

    weeks = Workweeks(LA, SUNDAY, 1, 30)

    def test_ordinary_time(self) -> None:
        # 2020-12-27 01:30 PST = 09:30Z.
        assert self.weeks.of(utc(2020, 12, 27, 9, 30)).start == utc(2020, 12, 27, 9, 30)

    def test_repeated_time_takes_first_occurrence(self) -> None:
        # The boundary is 01:30 PDT = 08:30Z; the next is 11-08 01:30 PST = 09:30Z.
        week = self.weeks.of(utc(2020, 11, 1, 8, 30))
        assert week.start == utc(2020, 11, 1, 8, 30)
        assert week.end == utc(2020, 11, 8, 9, 30)
        assert week.end - week.start == 169 * HOUR

    def test_fold_sides(self) -> None:
        new = utc(2020, 11, 1, 8, 30)
        # 01:15 PDT (08:15Z) is before the boundary: the previous week.
        assert self.weeks.of(utc(2020, 11, 1, 8, 15)).end == new
        # 01:15 PST (09:15Z) reads as 01:15 but comes after 01:30 PDT: the new week.
        assert self.weeks.of(utc(2020, 11, 1, 9, 15)).start == new
        # 01:45 PST (09:45Z): the new week.
        assert self.weeks.of(utc(2020, 11, 1, 9, 45)).start == new


class TestWorkweeksOtherDay:
    def test_monday_0700(self) -> None:
        weeks = Workweeks(LA, 0, 7, 0)
        # Monday 2020-10-26 07:00 PDT = 14:00Z to Monday 2020-11-02 07:00 PST = 15:00Z.
        week = weeks.of(utc(2020, 11, 1, 9, 30))
        assert week.start == utc(2020, 10, 26, 14)
        assert week.end == utc(2020, 11, 2, 15)
        assert week.end - week.start == 169 * HOUR
        # Monday 2020-11-02 06:59 PST belongs to the old week.
        assert weeks.of(utc(2020, 11, 2, 14, 59)).start == utc(2020, 10, 26, 14)


# --------------------------------------------------------------------------- pay periods


class TestPayPeriods:
    periods = PayPeriods(LA, datetime(2020, 6, 28, 0, 0), 14)

    def test_anchor_period(self) -> None:
        # 2020-06-28 00:00 PDT = 07:00Z to 2020-07-12 00:00 PDT = 07:00Z.
        period = self.periods.of(utc(2020, 6, 28, 7))
        assert period.start == utc(2020, 6, 28, 7)
        assert period.end == utc(2020, 7, 12, 7)
        assert period.key == 0

    def test_before_the_anchor(self) -> None:
        # 2020-06-27 23:59 PDT = 06-28T06:59Z is in the period 06-14 to 06-28.
        period = self.periods.of(utc(2020, 6, 28, 6, 59))
        assert period.start == utc(2020, 6, 14, 7)
        assert period.end == utc(2020, 6, 28, 7)
        assert period.key == -1

    def test_long_before_the_anchor(self) -> None:
        # 2020-01-01 is 179 days before 2020-06-28 (31 + 29 + 31 + 30 + 31 + 27), so it is in
        # period -13, which starts 13 × 14 = 182 days before: 2019-12-29 00:00 PST = 08:00Z.
        period = self.periods.of(utc(2020, 1, 1, 20))
        assert period.key == -13
        assert period.start == utc(2019, 12, 29, 8)
        assert period.end == utc(2020, 1, 12, 8)

    def test_ordinary_time(self) -> None:
        # 2020-12-27 is 182 days = 13 periods after 06-28: period 13 starts 12-27 00:00 PST.
        period = self.periods.of(utc(2020, 12, 27, 15))
        assert period.key == 13
        assert period.start == utc(2020, 12, 27, 8)
        assert period.end == utc(2021, 1, 10, 8)

    def test_fall_back_period_is_337_hours(self) -> None:
        # 2020-11-01 is 126 days = 9 periods after 06-28: 00:00 PDT = 07:00Z to
        # 2020-11-15 00:00 PST = 08:00Z.
        period = self.periods.of(utc(2020, 11, 1, 9, 30))
        assert period.key == 9
        assert period.start == utc(2020, 11, 1, 7)
        assert period.end == utc(2020, 11, 15, 8)
        assert period.end - period.start == 337 * HOUR

    def test_spring_forward_period_is_335_hours(self) -> None:
        # 2021-03-14 is 259 days after 06-28: period 18 starts 2021-03-07 00:00 PST = 08:00Z
        # and ends 2021-03-21 00:00 PDT = 07:00Z.
        period = self.periods.of(utc(2021, 3, 14, 10))
        assert period.key == 18
        assert period.start == utc(2021, 3, 7, 8)
        assert period.end == utc(2021, 3, 21, 7)
        assert period.end - period.start == 335 * HOUR

    def test_periods_touch(self) -> None:
        period = self.periods.of(utc(2020, 11, 1, 9, 30))
        assert self.periods.of(period.end).start == period.end
        assert self.periods.of(period.end - 1).key == period.key
        assert self.periods.of(period.start - 1).end == period.start


class TestPayPeriodsBoundaryInGapAndFold:
    def test_skipped_time(self) -> None:
        # Anchor 2021-03-14T02:30 (a recurring start): it moves to 03:00 PDT = 10:00Z.
        periods = PayPeriods(LA, datetime(2021, 3, 14, 2, 30), 7)
        period = periods.of(utc(2021, 3, 14, 12))
        assert period.start == utc(2021, 3, 14, 10)
        assert period.end == utc(2021, 3, 21, 9, 30)  # 02:30 PDT
        before = periods.of(utc(2021, 3, 14, 9, 59))  # 01:59 PST
        assert before.start == utc(2021, 3, 7, 10, 30)  # 02:30 PST
        assert before.end == utc(2021, 3, 14, 10)

    def test_repeated_time(self) -> None:
        # Anchor 2020-11-01T01:30 with 1-day periods: the first occurrence, 01:30 PDT.
        periods = PayPeriods(LA, datetime(2020, 11, 1, 1, 30), 1)
        period = periods.of(utc(2020, 11, 1, 9, 15))  # 01:15 PST
        assert period.start == utc(2020, 11, 1, 8, 30)
        assert period.end == utc(2020, 11, 2, 9, 30)  # 01:30 PST the next day
        assert period.end - period.start == 25 * HOUR
        assert periods.of(utc(2020, 11, 1, 8, 15)).end == utc(2020, 11, 1, 8, 30)

    def test_ordinary_time(self) -> None:
        periods = PayPeriods(LA, datetime(2020, 12, 27, 7, 0), 14)
        period = periods.of(utc(2020, 12, 27, 15))
        assert period.start == utc(2020, 12, 27, 15)
        assert period.end == utc(2021, 1, 10, 15)


# --------------------------------------------------------------------------- day-parts

STANDARD = {"day": "07:00-15:00", "evening": "15:00-23:00", "night": "23:00-07:00"}


class TestDayParts:
    parts = DayParts(LA, {name: minutes(text) for name, text in STANDARD.items()})

    @pytest.mark.parametrize(
        ("moment", "expected"),
        [
            (utc(2020, 12, 27, 14, 59), "night"),  # 06:59 PST
            (utc(2020, 12, 27, 15), "day"),  # 07:00 PST
            (utc(2020, 12, 27, 22, 59), "day"),  # 14:59
            (utc(2020, 12, 27, 23), "evening"),  # 15:00
            (utc(2020, 12, 28, 6, 59), "evening"),  # 22:59
            (utc(2020, 12, 28, 7), "night"),  # 23:00
            (utc(2020, 12, 28, 8), "night"),  # 00:00 the next day
            (utc(2020, 12, 28, 14, 59, 59), "night"),  # 06:59:59
            (utc(2020, 12, 28, 15), "day"),  # 07:00
        ],
    )
    def test_ordinary_times(self, moment: int, expected: str) -> None:
        assert self.parts.of(moment) == expected

    def test_summer_offsets(self) -> None:
        # 06:59 PDT = 13:59Z is night; 07:00 PDT = 14:00Z is day.
        assert self.parts.of(utc(2020, 7, 9, 13, 59)) == "night"
        assert self.parts.of(utc(2020, 7, 9, 14)) == "day"

    def test_repeated_times_are_night(self) -> None:
        assert self.parts.of(utc(2020, 11, 1, 8, 30)) == "night"  # 01:30 PDT
        assert self.parts.of(utc(2020, 11, 1, 9, 30)) == "night"  # 01:30 PST

    def test_night_across_the_fold_ends_at_0700_pst(self) -> None:
        # 06:59 PST = 14:59Z is night, 07:00 PST = 15:00Z is day.
        assert self.parts.of(utc(2020, 11, 1, 14, 59)) == "night"
        assert self.parts.of(utc(2020, 11, 1, 15)) == "day"
        # The night started 2020-10-31 23:00 PDT = 11-01T06:00Z.
        assert self.parts.of(utc(2020, 11, 1, 5, 59)) == "evening"
        assert self.parts.of(utc(2020, 11, 1, 6)) == "night"

    def test_night_across_the_gap_ends_at_0700_pdt(self) -> None:
        # 01:59 PST (09:59Z) and 03:00 PDT (10:00Z) are night; 07:00 PDT = 14:00Z is day.
        assert self.parts.of(utc(2021, 3, 14, 9, 59)) == "night"
        assert self.parts.of(utc(2021, 3, 14, 10)) == "night"
        assert self.parts.of(utc(2021, 3, 14, 13, 59)) == "night"
        assert self.parts.of(utc(2021, 3, 14, 14)) == "day"


class TestDayPartEdgesInGapAndFold:
    parts = DayParts(LA, {"small": minutes("00:00-02:30"), "early": minutes("02:30-07:00")})

    def test_ordinary_time(self) -> None:
        # 2020-12-27 02:29 PST = 10:29Z; 02:30 PST = 10:30Z.
        assert self.parts.of(utc(2020, 12, 27, 10, 29)) == "small"
        assert self.parts.of(utc(2020, 12, 27, 10, 30)) == "early"

    def test_skipped_edge_moves_to_gap_end(self) -> None:
        # 02:30 does not happen on 2021-03-14: the edge is 03:00 PDT = 10:00Z.
        assert self.parts.of(utc(2021, 3, 14, 9, 59)) == "small"  # 01:59 PST
        assert self.parts.of(utc(2021, 3, 14, 10)) == "early"  # 03:00 PDT
        assert self.parts.of(utc(2021, 3, 14, 13, 59)) == "early"  # 06:59 PDT
        assert self.parts.of(utc(2021, 3, 14, 14)) is None  # 07:00 PDT

    def test_repeated_edge_takes_first_occurrence(self) -> None:
        fold = DayParts(LA, {"a": minutes("00:00-01:30"), "b": minutes("01:30-07:00")})
        assert fold.of(utc(2020, 11, 1, 8, 15)) == "a"  # 01:15 PDT
        assert fold.of(utc(2020, 11, 1, 8, 30)) == "b"  # 01:30 PDT, the first occurrence
        # 01:15 PST (09:15Z) reads 01:15 but comes after the edge: it is in b.
        assert fold.of(utc(2020, 11, 1, 9, 15)) == "b"
        # The next day the edge is 01:30 PST = 09:30Z.
        assert fold.of(utc(2020, 11, 2, 9, 29)) == "a"
        assert fold.of(utc(2020, 11, 2, 9, 30)) == "b"

    def test_no_day_part(self) -> None:
        assert self.parts.of(utc(2020, 12, 27, 20)) is None  # 12:00 PST


class TestDayPartShiftStarts:
    """A shift's day-part is the one in which it starts (SPEC 1.7), as seen by evaluate."""

    def test_0659_is_night_and_0700_is_day(self) -> None:

        agreement = make_agreement(
            periods=STANDARD,
            payout=[{"per_shift": "100.00", "periods": ["night"]}, {"per_shift": "1.00"}],
        )
        shifts = [
            shift(utc(2020, 12, 27, 14, 59), utc(2020, 12, 27, 19), "A"),  # 06:59 PST
            shift(utc(2020, 12, 27, 15), utc(2020, 12, 27, 19), "B"),  # 07:00 PST
        ]
        report = incentives.evaluate([agreement], shifts)
        night, day = report.rows
        assert night.outcomes[0].day_part == "night"
        assert day.outcomes[0].day_part == "day"
        assert str(night.amount) == "101.00"
        assert str(day.amount) == "1.00"


# --------------------------------------------------------------------------- columns


def _periods(calendar: Any, moments: list[int], days: int) -> list[tuple[int, int, int]]:
    table = _time.offsets(calendar.tz, min(moments) - days * DAY, max(moments) + days * DAY)
    frame = pl.DataFrame({"t": moments}, schema={"t": pl.Int64})
    out = calendar.add(frame, "t", table, "p")
    return list(out.select("p.key", "p.start", "p.end").iter_rows())


moment_lists = st.builds(
    lambda base, spread: [base + d for d in spread],
    st.one_of(instants(step=1), st.integers(utc(1900, 1, 8), utc(2199, 10, 1))),
    st.lists(st.integers(-40 * DAY, 40 * DAY), min_size=1, max_size=8),
)
"""A few instants within 80 days of each other: near DST changes, or in any year."""


class TestColumnsAgreeWithTheOracle:
    """A column of instants is decided as the oracle's calendars decide one instant at a
    time (tests/oracle/calendar.py: the boundaries resolved by the scalar kernel)."""

    @settings(max_examples=150, deadline=None)
    @given(
        moments=moment_lists,
        key=zone_keys,
        weekday=st.integers(0, 6),
        hour=st.sampled_from([0, 1, 2, 3, 7, 23]),
        minute=st.sampled_from([0, 30]),
    )
    def test_workweeks(
        self, moments: list[int], key: str, weekday: int, hour: int, minute: int
    ) -> None:
        tz = _time.zone(key)
        reference = oracle_calendar.Workweeks(tz, weekday, hour, minute)
        expected = [(p.key, p.start, p.end) for p in map(reference.of, moments)]
        assert _periods(Workweeks(tz, weekday, hour, minute), moments, 8) == expected

    @settings(max_examples=150, deadline=None)
    @given(
        moments=moment_lists,
        key=zone_keys,
        anchor=st.datetimes(datetime(2019, 1, 1), datetime(2022, 1, 1)).map(
            lambda d: d.replace(second=0, microsecond=0)
        ),
        days=st.integers(1, 31),
    )
    def test_pay_periods(self, moments: list[int], key: str, anchor: datetime, days: int) -> None:
        tz = _time.zone(key)
        reference = oracle_calendar.PayPeriods(tz, anchor, days)
        expected = [(p.key, p.start, p.end) for p in map(reference.of, moments)]
        assert _periods(PayPeriods(tz, anchor, days), moments, days + 2) == expected

    @settings(max_examples=150, deadline=None)
    @given(moments=moment_lists, key=zone_keys, parts=day_parts())
    def test_day_parts(self, moments: list[int], key: str, parts: dict[str, str]) -> None:
        tz = _time.zone(key)
        spans = {name: minutes(text) for name, text in parts.items()}
        table = _time.offsets(tz, min(moments) - 2 * DAY, max(moments) + 2 * DAY)
        frame = pl.DataFrame({"t": moments}, schema={"t": pl.Int64})
        got = DayParts(tz, spans).add(frame, "t", table, "part")["part"].to_list()
        assert got == [oracle_calendar.DayParts(tz, spans).of(m) for m in moments]

"""Unit tests of incentives._time: every function that takes a wall-clock time gets the trio.

The trio (America/Los_Angeles, TIME.md rule 7):

* ordinary: 2020-12-27T07:00 PST (-08:00) = 2020-12-27T15:00Z = 1609081200
* repeated: 2020-11-01T01:30 happens at 01:30 PDT (-07:00) = 08:30Z = 1604219400 and at
  01:30 PST (-08:00) = 09:30Z = 1604223000
* skipped: 2021-03-14T02:30 never happens; clocks jump from 02:00 PST to 03:00 PDT at
  2021-03-14T10:00Z = 1615716000

Epoch values worked out by hand: 2021-01-01T00:00Z is 1609459200 (18628 days × 86400);
2020-12-27 is 5 days earlier (1609027200) and 15:00 adds 54000. 2020-11-01T00:00Z is 61 days
(Nov + Dec) before 2021-01-01 = 1604188800; 08:30 adds 30600. 2021-03-14T00:00Z is 72 days
(31 + 28 + 13) after 2021-01-01 = 1615680000; 10:00 adds 36000.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast
from zoneinfo import ZoneInfo

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import instants, utc, zone_keys

import incentives
from incentives import RepeatedTimeError, SkippedTimeError, TimeError, _time
from incentives._time import Ambiguous

LA = _time.zone("America/Los_Angeles")

ORDINARY = datetime(2020, 12, 27, 7, 0)
REPEATED = datetime(2020, 11, 1, 1, 30)
SKIPPED = datetime(2021, 3, 14, 2, 30)

ORDINARY_AT = 1609081200  # 2020-12-27T15:00Z
REPEATED_EARLIER = 1604219400  # 2020-11-01T08:30Z (01:30 PDT)
REPEATED_LATER = 1604223000  # 2020-11-01T09:30Z (01:30 PST)
GAP_END = 1615716000  # 2021-03-14T10:00Z (03:00 PDT, the instant clocks jump)

SKIPPED_MESSAGE = (
    "2021-03-14T02:30 does not exist in America/Los_Angeles: clocks jump from 02:00 to 03:00"
)
REPEATED_MESSAGE = (
    "2020-11-01T01:30 occurs twice in America/Los_Angeles (at -07:00 and at -08:00): "
    "write it with its UTC offset (2020-11-01T01:30-07:00 or 2020-11-01T01:30-08:00), "
    "or choose ambiguous 'earlier' or 'later'"
)
POLICIES: tuple[Ambiguous, ...] = ("raise", "earlier", "later")


def test_hand_computed_constants_agree_with_calendar() -> None:
    """The literals above are the UTC calendar times they claim to be."""
    assert utc(2020, 12, 27, 15) == ORDINARY_AT
    assert utc(2020, 11, 1, 8, 30) == REPEATED_EARLIER
    assert utc(2020, 11, 1, 9, 30) == REPEATED_LATER
    assert utc(2021, 3, 14, 10) == GAP_END
    assert REPEATED_LATER - REPEATED_EARLIER == 3600


class TestZone:
    def test_known_zone(self) -> None:
        tz = _time.zone("America/Los_Angeles")
        assert tz.key == "America/Los_Angeles"

    def test_one_object_per_key(self) -> None:
        assert _time.zone("America/Los_Angeles") is _time.zone("America/Los_Angeles")

    def test_rules_match_stdlib(self) -> None:
        tz = _time.zone("America/Los_Angeles")
        assert datetime(2020, 12, 27, 7, tzinfo=tz).utcoffset() == timedelta(hours=-8)
        assert datetime(2020, 7, 9, 7, tzinfo=tz).utcoffset() == timedelta(hours=-7)

    @pytest.mark.parametrize("key", ["Mars/Olympus_Mons", "../etc/passwd", "", "America/"])
    def test_unknown_zone(self, key: str) -> None:
        with pytest.raises(TimeError, match="is not an IANA time zone"):
            _time.zone(key)

    def test_time_error_is_value_error(self) -> None:
        with pytest.raises(ValueError, match="is not an IANA time zone"):
            _time.zone("Nowhere/Town")

    def test_tzdata_version_is_named(self) -> None:
        assert _time.TZDATA_VERSION
        assert _time.TZDATA_VERSION[:2] == "20"


class TestResolve:
    @pytest.mark.parametrize("policy", POLICIES)
    def test_ordinary_time(self, policy: Ambiguous) -> None:
        assert _time.resolve(ORDINARY, LA, policy) == ORDINARY_AT

    def test_ordinary_summer_time(self) -> None:
        # 2020-07-09T07:00 PDT = 14:00Z.
        assert _time.resolve(datetime(2020, 7, 9, 7), LA) == utc(2020, 7, 9, 14)

    def test_default_policy_is_raise(self) -> None:
        with pytest.raises(RepeatedTimeError):
            _time.resolve(REPEATED, LA)

    def test_repeated_time_raises(self) -> None:
        with pytest.raises(RepeatedTimeError) as info:
            _time.resolve(REPEATED, LA, "raise")
        assert str(info.value) == REPEATED_MESSAGE

    def test_repeated_time_message_words(self) -> None:
        with pytest.raises(RepeatedTimeError, match="occurs twice"):
            _time.resolve(REPEATED, LA, "raise")
        with pytest.raises(TimeError, match="UTC offset"):
            _time.resolve(REPEATED, LA, "raise")

    def test_repeated_time_earlier(self) -> None:
        assert _time.resolve(REPEATED, LA, "earlier") == REPEATED_EARLIER

    def test_repeated_time_later(self) -> None:
        assert _time.resolve(REPEATED, LA, "later") == REPEATED_LATER

    @pytest.mark.parametrize("policy", POLICIES)
    def test_skipped_time(self, policy: Ambiguous) -> None:
        with pytest.raises(SkippedTimeError) as info:
            _time.resolve(SKIPPED, LA, policy)
        assert str(info.value) == SKIPPED_MESSAGE

    def test_skipped_time_message_words(self) -> None:
        with pytest.raises(SkippedTimeError, match="does not exist"):
            _time.resolve(SKIPPED, LA)
        with pytest.raises(SkippedTimeError, match="clocks jump from 02:00 to 03:00"):
            _time.resolve(SKIPPED, LA, "later")

    def test_skipped_time_with_seconds(self) -> None:
        with pytest.raises(SkippedTimeError, match=r"^2021-03-14T02:30:15 does not exist"):
            _time.resolve(datetime(2021, 3, 14, 2, 30, 15), LA, "earlier")

    @pytest.mark.parametrize(
        ("local", "expected"),
        [
            # Just before and at the end of the gap (the gap is [02:00, 03:00) local).
            (datetime(2021, 3, 14, 1, 59), utc(2021, 3, 14, 9, 59)),
            (datetime(2021, 3, 14, 3, 0), utc(2021, 3, 14, 10, 0)),
            # Just before the fold and at its end (the fold is [01:00, 02:00) local).
            (datetime(2020, 11, 1, 0, 59), utc(2020, 11, 1, 7, 59)),
            (datetime(2020, 11, 1, 2, 0), utc(2020, 11, 1, 10, 0)),
        ],
    )
    def test_edges_are_unique(self, local: datetime, expected: int) -> None:
        assert _time.resolve(local, LA, "raise") == expected

    def test_gap_start_is_skipped(self) -> None:
        with pytest.raises(SkippedTimeError, match="2021-03-14T02:00 does not exist"):
            _time.resolve(datetime(2021, 3, 14, 2, 0), LA)

    def test_fold_start_is_repeated(self) -> None:
        with pytest.raises(RepeatedTimeError, match="2020-11-01T01:00 occurs twice"):
            _time.resolve(datetime(2020, 11, 1, 1, 0), LA)
        # 01:00 PDT = 08:00Z and 01:00 PST = 09:00Z.
        assert _time.resolve(datetime(2020, 11, 1, 1, 0), LA, "earlier") == utc(2020, 11, 1, 8)
        assert _time.resolve(datetime(2020, 11, 1, 1, 0), LA, "later") == utc(2020, 11, 1, 9)

    def test_half_hour_dst_zone(self) -> None:
        # Lord Howe Island: +10:30 standard, +11:00 summer; on 2020-10-04 02:00 becomes 02:30.
        lh = _time.zone("Australia/Lord_Howe")
        with pytest.raises(SkippedTimeError, match="clocks jump from 02:00 to 02:30"):
            _time.resolve(datetime(2020, 10, 4, 2, 15), lh)
        # On 2021-04-04 02:00 (+11:00) becomes 01:30 (+10:30): 01:45 happens twice.
        with pytest.raises(RepeatedTimeError, match=r"at \+11:00 and at \+10:30"):
            _time.resolve(datetime(2021, 4, 4, 1, 45), lh)
        # 01:45+11:00 = 2021-04-03T14:45Z; 01:45+10:30 = 15:15Z.
        assert _time.resolve(datetime(2021, 4, 4, 1, 45), lh, "earlier") == utc(2021, 4, 3, 14, 45)
        assert _time.resolve(datetime(2021, 4, 4, 1, 45), lh, "later") == utc(2021, 4, 3, 15, 15)

    def test_london(self) -> None:
        london = _time.zone("Europe/London")
        with pytest.raises(SkippedTimeError, match="clocks jump from 01:00 to 02:00"):
            _time.resolve(datetime(2021, 3, 28, 1, 30), london)
        # 2020-10-25 01:30 BST = 00:30Z, 01:30 GMT = 01:30Z.
        assert _time.resolve(datetime(2020, 10, 25, 1, 30), london, "earlier") == utc(
            2020, 10, 25, 0, 30
        )
        assert _time.resolve(datetime(2020, 10, 25, 1, 30), london, "later") == utc(
            2020, 10, 25, 1, 30
        )


class TestResolveBoundary:
    def test_ordinary_time(self) -> None:
        assert _time.resolve_boundary(ORDINARY, LA) == ORDINARY_AT

    def test_repeated_time(self) -> None:
        """A boundary in the fold takes its first occurrence: 01:30 PDT."""
        assert _time.resolve_boundary(REPEATED, LA) == REPEATED_EARLIER

    def test_skipped_time(self) -> None:
        """A boundary in the gap moves to the end of the gap: 03:00 PDT = 10:00Z."""
        assert _time.resolve_boundary(SKIPPED, LA) == GAP_END

    def test_gap_start_moves_to_gap_end(self) -> None:
        assert _time.resolve_boundary(datetime(2021, 3, 14, 2, 0), LA) == GAP_END
        assert _time.resolve_boundary(datetime(2021, 3, 14, 2, 59, 59), LA) == GAP_END

    def test_fold_start_takes_first_occurrence(self) -> None:
        assert _time.resolve_boundary(datetime(2020, 11, 1, 1, 0), LA) == utc(2020, 11, 1, 8)

    def test_half_hour_gap(self) -> None:
        lh = _time.zone("Australia/Lord_Howe")
        # 2020-10-04 02:00+10:30 = 2020-10-03T15:30Z: the instant clocks jump to 02:30+11:00.
        assert _time.resolve_boundary(datetime(2020, 10, 4, 2, 15), lh) == utc(2020, 10, 3, 15, 30)


class TestCheckWallTime:
    def test_ordinary_time(self) -> None:
        assert _time.check_wall_time(ORDINARY, LA) is None

    def test_repeated_time(self) -> None:
        # An agreement's bound has no offset to add, so the advice differs from a shift's.
        found = _time.check_wall_time(REPEATED, LA)
        assert found is not None
        assert (found.code, found.message) == (
            "agreement.window.repeated",
            "2020-11-01T01:30 occurs twice in America/Los_Angeles (at -07:00 and at -08:00); "
            "a bound must happen once: use a time outside the hour the clocks repeat",
        )

    def test_skipped_time(self) -> None:
        found = _time.check_wall_time(SKIPPED, LA)
        assert found is not None
        assert (found.code, found.message) == ("time.skipped", SKIPPED_MESSAGE)


class TestInstantNaive:
    @pytest.mark.parametrize("policy", POLICIES)
    def test_ordinary_time(self, policy: Ambiguous) -> None:
        assert _time.instant(ORDINARY, LA, policy) == ORDINARY_AT

    def test_repeated_time_raises(self) -> None:
        with pytest.raises(RepeatedTimeError) as info:
            _time.instant(REPEATED, LA)
        assert str(info.value) == REPEATED_MESSAGE

    def test_repeated_time_earlier(self) -> None:
        assert _time.instant(REPEATED, LA, "earlier") == REPEATED_EARLIER

    def test_repeated_time_later(self) -> None:
        assert _time.instant(REPEATED, LA, "later") == REPEATED_LATER

    @pytest.mark.parametrize("policy", POLICIES)
    def test_skipped_time(self, policy: Ambiguous) -> None:
        with pytest.raises(SkippedTimeError) as info:
            _time.instant(SKIPPED, LA, policy)
        assert str(info.value) == SKIPPED_MESSAGE

    def test_fold_attribute_of_naive_value_is_not_a_choice(self) -> None:
        """A naive fold=1 is not an offset: the policy still decides (no silent pick)."""
        with pytest.raises(RepeatedTimeError, match="occurs twice"):
            _time.instant(REPEATED.replace(fold=1), LA, "raise")
        assert _time.instant(REPEATED.replace(fold=1), LA, "earlier") == REPEATED_EARLIER

    def test_no_zone(self) -> None:
        with pytest.raises(TimeError, match="has no UTC offset") as info:
            _time.instant(ORDINARY, None)
        assert "give a time zone" in str(info.value)
        assert str(info.value).startswith("2020-12-27T07:00 ")

    def test_fractions_of_a_second(self) -> None:
        with pytest.raises(TimeError, match="fractions of a second"):
            _time.instant(datetime(2020, 12, 27, 7, 0, 0, 500000), LA)

    def test_seconds(self) -> None:
        assert _time.instant(datetime(2020, 12, 27, 7, 0, 59), LA) == ORDINARY_AT + 59


class TestInstantAwareStdlib:
    ZI = ZoneInfo("America/Los_Angeles")

    @pytest.mark.parametrize("policy", POLICIES)
    def test_ordinary_time(self, policy: Ambiguous) -> None:
        value = datetime(2020, 12, 27, 7, tzinfo=self.ZI)
        assert _time.instant(value, None, policy) == ORDINARY_AT
        assert _time.instant(value, LA, policy) == ORDINARY_AT

    @pytest.mark.parametrize("policy", POLICIES)
    def test_repeated_time(self, policy: Ambiguous) -> None:
        """An aware value is exact: its fold chooses, whatever the ambiguity policy."""
        first = datetime(2020, 11, 1, 1, 30, tzinfo=self.ZI, fold=0)
        second = datetime(2020, 11, 1, 1, 30, tzinfo=self.ZI, fold=1)
        assert _time.instant(first, LA, policy) == REPEATED_EARLIER
        assert _time.instant(second, LA, policy) == REPEATED_LATER

    @pytest.mark.parametrize("fold", [0, 1])
    def test_skipped_time(self, fold: int) -> None:
        """An aware datetime built inside the gap names no instant."""
        value = datetime(2021, 3, 14, 2, 30, tzinfo=self.ZI, fold=fold)
        with pytest.raises(SkippedTimeError, match="2021-03-14T02:30 does not exist") as info:
            _time.instant(value, LA)
        assert "America/Los_Angeles" in str(info.value)

    def test_library_zone_object(self) -> None:
        value = datetime(2021, 3, 14, 2, 30, tzinfo=LA)
        with pytest.raises(SkippedTimeError, match="does not exist"):
            _time.instant(value, None)
        assert _time.instant(datetime(2020, 11, 1, 1, 30, tzinfo=LA, fold=1), None) == (
            REPEATED_LATER
        )

    def test_utc(self) -> None:
        assert _time.instant(datetime(2020, 12, 27, 15, tzinfo=UTC), None) == ORDINARY_AT
        assert _time.instant(datetime(2020, 11, 1, 8, 30, tzinfo=UTC), LA) == REPEATED_EARLIER
        # 10:30Z is 03:30 PDT: a real instant even though 02:30 local never happened.
        assert _time.instant(datetime(2021, 3, 14, 10, 30, tzinfo=UTC), LA) == GAP_END + 1800

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (datetime(2020, 12, 27, 7, tzinfo=timezone(timedelta(hours=-8))), ORDINARY_AT),
            (
                datetime(2020, 12, 27, 20, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
                ORDINARY_AT,
            ),
            (datetime(2020, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-7))), REPEATED_EARLIER),
            (datetime(2020, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-8))), REPEATED_LATER),
            # 02:30-08:00 is written with an offset, so it is the exact instant 10:30Z.
            (datetime(2021, 3, 14, 2, 30, tzinfo=timezone(timedelta(hours=-8))), GAP_END + 1800),
        ],
    )
    def test_fixed_offsets(self, value: datetime, expected: int) -> None:
        assert _time.instant(value, LA) == expected
        assert _time.instant(value, None) == expected

    def test_fractions_of_a_second(self) -> None:
        with pytest.raises(TimeError, match="fractions of a second"):
            _time.instant(datetime(2020, 12, 27, 15, 0, 0, 1, tzinfo=UTC), None)


class TestInstantPendulum:
    def test_ordinary_time(self) -> None:
        value = pendulum.datetime(2020, 12, 27, 7, tz="America/Los_Angeles")
        assert _time.instant(value, None) == ORDINARY_AT
        assert _time.instant(value, LA) == ORDINARY_AT

    def test_repeated_time(self) -> None:
        # pendulum.datetime picks the later offset by default (TIME.md); fold=0 the earlier.
        later = pendulum.datetime(2020, 11, 1, 1, 30, tz="America/Los_Angeles")
        earlier = pendulum.datetime(2020, 11, 1, 1, 30, tz="America/Los_Angeles", fold=0)
        assert _time.instant(later, LA) == REPEATED_LATER
        assert _time.instant(earlier, LA) == REPEATED_EARLIER

    def test_skipped_time_from_constructor(self) -> None:
        """``pendulum.DateTime(...)`` keeps the impossible 02:30: it must be refused."""
        value = pendulum.DateTime(
            2021, 3, 14, 2, 30, tzinfo=pendulum.timezone("America/Los_Angeles")
        )
        with pytest.raises(SkippedTimeError, match="2021-03-14T02:30 does not exist"):
            _time.instant(value, LA)

    def test_skipped_time_moved_by_pendulum(self) -> None:
        """``pendulum.datetime`` already moved 02:30 to 03:30 PDT: that is an exact instant."""
        value = pendulum.datetime(2021, 3, 14, 2, 30, tz="America/Los_Angeles")
        assert (value.hour, value.minute) == (3, 30)
        assert _time.instant(value, LA) == GAP_END + 1800

    def test_utc_and_fixed_offset(self) -> None:
        assert _time.instant(pendulum.datetime(2020, 12, 27, 15), None) == ORDINARY_AT
        value = pendulum.datetime(2020, 11, 1, 1, 30, tz=pendulum.FixedTimezone(-7 * 3600))
        assert _time.instant(value, None) == REPEATED_EARLIER

    def test_naive_ordinary_time(self) -> None:
        assert _time.instant(pendulum.naive(2020, 12, 27, 7), LA) == ORDINARY_AT

    def test_naive_repeated_time(self) -> None:
        value = pendulum.naive(2020, 11, 1, 1, 30)
        with pytest.raises(RepeatedTimeError, match="occurs twice"):
            _time.instant(value, LA)
        assert _time.instant(value, LA, "earlier") == REPEATED_EARLIER
        assert _time.instant(value, LA, "later") == REPEATED_LATER

    def test_naive_skipped_time(self) -> None:
        with pytest.raises(SkippedTimeError) as info:
            _time.instant(pendulum.naive(2021, 3, 14, 2, 30), LA, "later")
        assert str(info.value) == SKIPPED_MESSAGE

    def test_naive_without_zone(self) -> None:
        with pytest.raises(TimeError, match="has no UTC offset"):
            _time.instant(pendulum.naive(2020, 12, 27, 7), None)


class TestParseIso:
    def test_ordinary_time(self) -> None:
        value = _time.parse_iso("2020-12-27T07:00")
        assert value == datetime(2020, 12, 27, 7)
        assert value.tzinfo is None
        assert _time.instant(value, LA) == ORDINARY_AT

    def test_repeated_time(self) -> None:
        value = _time.parse_iso("2020-11-01T01:30")
        assert value.tzinfo is None
        with pytest.raises(RepeatedTimeError, match="occurs twice"):
            _time.instant(value, LA)
        assert _time.instant(value, LA, "earlier") == REPEATED_EARLIER
        assert _time.instant(value, LA, "later") == REPEATED_LATER

    def test_repeated_time_with_offsets(self) -> None:
        assert _time.instant(_time.parse_iso("2020-11-01T01:30-07:00"), LA) == REPEATED_EARLIER
        assert _time.instant(_time.parse_iso("2020-11-01T01:30-08:00"), LA) == REPEATED_LATER
        assert _time.instant(_time.parse_iso("2020-11-01T09:30Z"), None) == REPEATED_LATER

    def test_skipped_time(self) -> None:
        value = _time.parse_iso("2021-03-14T02:30")
        with pytest.raises(SkippedTimeError) as info:
            _time.instant(value, LA, "earlier")
        assert str(info.value) == SKIPPED_MESSAGE

    def test_skipped_wall_time_with_offset_is_exact(self) -> None:
        # 02:30-08:00 = 10:30Z = 03:30 PDT; 02:30-07:00 = 09:30Z = 01:30 PST.
        assert _time.instant(_time.parse_iso("2021-03-14T02:30-08:00"), LA) == GAP_END + 1800
        assert _time.instant(_time.parse_iso("2021-03-14T02:30-07:00"), LA) == GAP_END - 1800

    @pytest.mark.parametrize(
        "text", ["2020-12-27T15:00Z", "2020-12-27T15:00:00Z", "2020-12-27T15:00:00+00:00"]
    )
    def test_utc(self, text: str) -> None:
        value = _time.parse_iso(text)
        assert value.utcoffset() == timedelta(0)
        assert _time.instant(value, None) == ORDINARY_AT

    @pytest.mark.parametrize(
        "text",
        ["2020-12-27T07:00-08:00", "2020-12-27T07:00:00-08:00", "2020-12-27T20:30+05:30"],
    )
    def test_offsets(self, text: str) -> None:
        assert _time.instant(_time.parse_iso(text), LA) == ORDINARY_AT

    def test_seconds(self) -> None:
        assert _time.parse_iso("2020-12-27T07:00:30") == datetime(2020, 12, 27, 7, 0, 30)

    def test_surrounding_space(self) -> None:
        assert _time.parse_iso("  2020-12-27T07:00\t") == datetime(2020, 12, 27, 7)

    @pytest.mark.parametrize("text", ["now", "NOW", "today", "tomorrow", "", "   ", "07:00"])
    def test_words_are_refused(self, text: str) -> None:
        with pytest.raises(TimeError, match="is not an ISO 8601 date and time"):
            _time.parse_iso(text)

    @pytest.mark.parametrize("text", ["2020-12-27", "2021-03-14", "20201227"])
    def test_bare_dates_are_refused(self, text: str) -> None:
        with pytest.raises(TimeError, match="is not an ISO 8601 date and time"):
            _time.parse_iso(text)

    @pytest.mark.parametrize(
        "text",
        [
            "2020-12-27T07:00:00.5",
            "2020-12-27T07:00:00.000001",
            "2020-12-27T07:00:00.250-08:00",
            "2020-11-01T01:30:00.5Z",
        ],
    )
    def test_fractions_of_a_second_are_refused(self, text: str) -> None:
        with pytest.raises(TimeError, match="has fractions of a second; give whole seconds"):
            _time.parse_iso(text)

    @pytest.mark.parametrize("text", ["2020-13-01T07:00", "2020-12-27T25:00", "27/12/2020 07:00"])
    def test_impossible_dates_are_refused(self, text: str) -> None:
        with pytest.raises(TimeError, match="is not an ISO 8601 date and time"):
            _time.parse_iso(text)


class TestShowingInstants:
    """Instants back to local time: for showing them and reading local dates (rule 5)."""

    def test_describe_trio(self) -> None:
        assert _time.describe(ORDINARY_AT, LA) == "2020-12-27 07:00 PST"
        assert _time.describe(REPEATED_EARLIER, LA) == "2020-11-01 01:30 PDT"
        assert _time.describe(REPEATED_LATER, LA) == "2020-11-01 01:30 PST"
        assert _time.describe(GAP_END, LA) == "2021-03-14 03:00 PDT"
        assert _time.describe(GAP_END - 1, LA) == "2021-03-14 01:59:59 PST"

    def test_to_local(self) -> None:
        earlier = _time.to_local(REPEATED_EARLIER, LA)
        later = _time.to_local(REPEATED_LATER, LA)
        assert earlier.utcoffset() == timedelta(hours=-7)
        assert later.utcoffset() == timedelta(hours=-8)
        assert earlier.replace(tzinfo=None) == later.replace(tzinfo=None) == REPEATED

    def test_offset_at(self) -> None:
        assert _time.offset_at(ORDINARY_AT, LA) == -8 * 3600
        assert _time.offset_at(utc(2020, 11, 1, 8, 59, 59), LA) == -7 * 3600
        assert _time.offset_at(utc(2020, 11, 1, 9), LA) == -8 * 3600
        assert _time.offset_at(GAP_END - 1, LA) == -8 * 3600
        assert _time.offset_at(GAP_END, LA) == -7 * 3600

    def test_local_date(self) -> None:
        # 2020-12-27T07:59:59Z is 2020-12-26 23:59:59 PST.
        assert _time.local_date(utc(2020, 12, 27, 7, 59, 59), LA) == date(2020, 12, 26)
        assert _time.local_date(utc(2020, 12, 27, 8), LA) == date(2020, 12, 27)
        assert _time.local_date(REPEATED_LATER, LA) == date(2020, 11, 1)

    def test_wall_text(self) -> None:
        assert _time.wall_text(ORDINARY) == "2020-12-27T07:00"
        assert _time.wall_text(datetime(2020, 12, 27, 7, 0, 5)) == "2020-12-27T07:00:05"


# --------------------------------------------------------------------------- through the API


def _agreement(**overrides: object) -> incentives.Agreement:
    data: dict[str, object] = {
        "id": "t",
        "title": "Test",
        "timezone": "America/Los_Angeles",
        "windows": [{"start": "2020-10-18T07:00", "end": "2021-04-04T07:00"}],
        "eligibility": {"classifications": ["RCP"]},
        "payout": [{"per_hour": "10.00"}],
    }
    data.update(overrides)
    return incentives.Agreement.model_validate(data)


class TestAgreementWindowBounds:
    """SPEC 1.3: a window bound that does not exist or is ambiguous makes the agreement
    invalid."""

    def test_ordinary_time(self) -> None:
        agreement = _agreement(windows=[{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}])
        assert agreement.windows[0].start == ORDINARY

    def test_repeated_time(self) -> None:
        with pytest.raises(ValueError, match="occurs twice") as info:
            _agreement(windows=[{"start": "2020-11-01T01:30", "end": "2020-12-01T07:00"}])
        assert "windows[0].start" in str(info.value)

    def test_skipped_time(self) -> None:
        with pytest.raises(ValueError, match="clocks jump from 02:00 to 03:00") as info:
            _agreement(windows=[{"start": "2021-03-01T07:00", "end": "2021-03-14T02:30"}])
        assert "windows[0].end: 2021-03-14T02:30 does not exist" in str(info.value)

    def test_amendment_windows_too(self) -> None:
        with pytest.raises(ValueError, match="does not exist"):
            _agreement(
                amendments=[
                    {
                        "adopted": "2021-01-01",
                        "summary": "moved",
                        "windows": [{"start": "2021-03-14T02:30", "end": "2021-04-01T07:00"}],
                    }
                ]
            )

    def test_recurring_boundaries_in_gap_and_fold_are_valid(self) -> None:
        """Workweek start, pay-period anchor and day-parts follow the boundary rule."""
        _agreement(
            workweek_start="sunday 02:30",
            pay_period={"anchor": "2021-03-14T02:30", "days": 14},
            periods={"early": "01:30-02:30"},
        )
        _agreement(pay_period={"anchor": "2020-11-01T01:30", "days": 7})


class TestEvaluateShiftTimes:
    """SPEC 1.2 / 1.3 through incentives.evaluate: naive shift times are local wall time."""

    @staticmethod
    def _run(
        start: str, end: str, ambiguous: Ambiguous = "raise", timezone: str | None = None
    ) -> incentives.Report:
        text = f"employee_id,classification,start,end,extra\nE1,RCP,{start},{end},true\n"
        batch = incentives.read_shifts(io.StringIO(text))
        return incentives.evaluate([_agreement()], batch, ambiguous=ambiguous, timezone=timezone)

    def test_ordinary_time(self) -> None:
        report = self._run("2020-12-27T07:00", "2020-12-27T19:00")
        (row,) = report.rows
        assert int(row.start.timestamp()) == ORDINARY_AT
        assert row.start.utcoffset() == timedelta(hours=-8)
        assert str(row.hours) == "12.00"
        assert str(row.amount) == "120.00"

    def test_repeated_time_is_a_row_error(self) -> None:
        report = self._run("2020-10-31T19:00", "2020-11-01T01:30")
        assert report.rows == []
        (error,) = report.errors
        assert (error.line, error.field) == (2, "end")
        assert error.message == REPEATED_MESSAGE

    @pytest.mark.parametrize(
        ("ambiguous", "hours"),
        # 19:00 PDT = 02:00Z; 01:30 PDT = 08:30Z (6.5 h); 01:30 PST = 09:30Z (7.5 h).
        [("earlier", "6.50"), ("later", "7.50")],
    )
    def test_repeated_time_with_policy(self, ambiguous: Ambiguous, hours: str) -> None:
        report = self._run("2020-10-31T19:00", "2020-11-01T01:30", ambiguous)
        (row,) = report.rows
        assert str(row.hours) == hours

    @pytest.mark.parametrize("ambiguous", POLICIES)
    def test_skipped_time_is_a_row_error(self, ambiguous: Ambiguous) -> None:
        report = self._run("2021-03-14T02:30", "2021-03-14T12:00", ambiguous)
        (error,) = report.errors
        assert (error.line, error.field) == (2, "start")
        assert error.message == SKIPPED_MESSAGE

    def test_night_shifts_measure_elapsed_time(self) -> None:
        assert str(self._run("2020-10-31T19:00", "2020-11-01T07:00").rows[0].hours) == "13.00"
        assert str(self._run("2021-03-13T19:00", "2021-03-14T07:00").rows[0].hours) == "11.00"

    def test_caller_timezone(self) -> None:
        # 07:00 in New York (EST, -05:00) = 12:00Z; the report is written in New York time.
        report = self._run("2020-12-27T07:00", "2020-12-27T08:00", timezone="America/New_York")
        (row,) = report.rows
        assert int(row.start.timestamp()) == utc(2020, 12, 27, 12)
        assert row.start.utcoffset() == timedelta(hours=-5)

    def test_naive_time_with_agreements_in_different_zones(self) -> None:
        text = (
            "employee_id,classification,start,end,extra\n"
            "E1,RCP,2020-12-27T07:00,2020-12-27T08:00,true\n"
        )
        batch = incentives.read_shifts(io.StringIO(text))
        other = _agreement(id="ny", timezone="America/New_York")
        report = incentives.evaluate([_agreement(), other], batch)
        (error,) = report.errors
        assert "give a time zone" in error.message
        # With offsets it is fine: an exact instant needs no zone.
        text = text.replace("07:00,", "07:00-08:00,").replace("08:00,true", "08:00-08:00,true")
        report = incentives.evaluate(
            [_agreement(), other], incentives.read_shifts(io.StringIO(text))
        )
        assert [int(r.start.timestamp()) for r in report.rows] == [ORDINARY_AT]

    def test_now_is_refused(self) -> None:
        report = self._run("now", "2020-12-27T08:00")
        (error,) = report.errors
        assert error.field == "start"
        assert "is not an ISO 8601 date and time" in error.message


# --------------------------------------------------------------------------- columns


def resolved(locals_: list[datetime], tz: ZoneInfo, policy: _time.Policy) -> list[tuple[Any, int]]:
    """``resolve_frame`` on naive local times: (instant or None, kind) for each."""
    seconds = [_time.local_seconds(d) for d in locals_]
    table = _time.offsets(tz, min(seconds) - 86400, max(seconds) + 86400)
    frame = pl.DataFrame({"local": seconds}, schema={"local": pl.Int64})
    out = _time.resolve_frame(frame, "local", table, policy, "i", "k").select("i", "k")
    return list(out.iter_rows())


class TestResolveColumn:
    """The column form of the two policies gives what :func:`_time.resolve` and
    :func:`_time.resolve_boundary` give, value by value."""

    @pytest.mark.parametrize("policy", POLICIES)
    def test_ordinary_time(self, policy: Ambiguous) -> None:
        assert resolved([ORDINARY], LA, policy) == [(ORDINARY_AT, _time.UNIQUE)]

    def test_repeated_time(self) -> None:
        assert resolved([REPEATED], LA, "raise") == [(None, _time.REPEATED)]
        assert resolved([REPEATED], LA, "earlier") == [(REPEATED_EARLIER, _time.REPEATED)]
        assert resolved([REPEATED], LA, "later") == [(REPEATED_LATER, _time.REPEATED)]
        assert resolved([REPEATED], LA, "boundary") == [(REPEATED_EARLIER, _time.REPEATED)]

    @pytest.mark.parametrize("policy", POLICIES)
    def test_skipped_time(self, policy: Ambiguous) -> None:
        assert resolved([SKIPPED], LA, policy) == [(None, _time.SKIPPED)]

    def test_skipped_boundary_moves_to_the_end_of_the_gap(self) -> None:
        assert resolved([SKIPPED], LA, "boundary") == [(GAP_END, _time.SKIPPED)]

    def test_the_edges_of_a_gap_and_a_fold(self) -> None:
        times = [
            datetime(2021, 3, 14, 1, 59, 59),  # unique, PST
            datetime(2021, 3, 14, 2, 0),  # skipped
            datetime(2021, 3, 14, 3, 0),  # unique, PDT: the gap's end
            datetime(2020, 11, 1, 0, 59, 59),  # unique, PDT
            datetime(2020, 11, 1, 1, 0),  # repeated
            datetime(2020, 11, 1, 1, 59, 59),  # repeated
            datetime(2020, 11, 1, 2, 0),  # unique, PST
        ]
        kinds = [k for _, k in resolved(times, LA, "raise")]
        assert kinds == [0, 1, 0, 0, 2, 2, 0]
        assert resolved(times[2:3], LA, "raise") == [(GAP_END, 0)]
        assert resolved(times[6:7], LA, "raise") == [(utc(2020, 11, 1, 10), 0)]

    @settings(max_examples=300, deadline=None)
    @given(
        moment=st.one_of(instants(), st.integers(utc(1900, 1, 1), utc(2199, 12, 31))),
        key=zone_keys,
        policy=st.sampled_from(["raise", "earlier", "later", "boundary"]),
    )
    def test_agrees_with_the_scalar_policies(self, moment: int, key: str, policy: str) -> None:
        tz = _time.zone(key)
        local = datetime.fromtimestamp(moment, tz).replace(tzinfo=None)
        local += timedelta(minutes=moment % 7 * 10)  # now and then into a gap or a fold
        expected_kind = {"unique": 0, "skipped": 1, "repeated": 2}[_time._classify(local, tz)[0]]
        expected: int | None
        if policy == "boundary":
            expected = _time.resolve_boundary(local, tz)
        else:
            try:
                expected = _time.resolve(local, tz, cast(Ambiguous, policy))
            except TimeError:
                expected = None
        got = resolved([local], tz, cast(_time.Policy, policy))
        assert got == [(expected, expected_kind)]


class TestLocalColumn:
    @settings(max_examples=300, deadline=None)
    @given(
        moment=st.one_of(instants(step=1), st.integers(utc(1900, 1, 1), utc(2199, 12, 31))),
        key=zone_keys,
    )
    def test_local_clock_and_name_are_the_zones(self, moment: int, key: str) -> None:
        tz = _time.zone(key)
        table = _time.offsets(tz, moment, moment)
        frame = pl.DataFrame({"t": [moment]}, schema={"t": pl.Int64})
        local, name = frame.select(
            _time.local_column(pl.col("t"), table), _time.name_column(pl.col("t"), table)
        ).row(0)
        aware = datetime.fromtimestamp(moment, tz)
        assert local == _time.local_seconds(aware.replace(tzinfo=None))
        assert name == aware.tzname()

    def test_the_trio(self) -> None:
        moments = [ORDINARY_AT, REPEATED_EARLIER, REPEATED_LATER, GAP_END - 1, GAP_END]
        table = _time.offsets(LA, min(moments), max(moments))
        frame = pl.DataFrame({"t": moments}, schema={"t": pl.Int64})
        out = frame.select(
            (_time.local_column(pl.col("t"), table) - pl.col("t")).alias("offset"),
            _time.name_column(pl.col("t"), table).alias("name"),
        )
        hours = [o // 3600 for o in out["offset"]]
        assert hours == [-8, -7, -8, -8, -7]
        assert out["name"].to_list() == ["PST", "PDT", "PST", "PST", "PDT"]

    def test_nulls_stay_null(self) -> None:
        table = _time.offsets(LA, ORDINARY_AT, ORDINARY_AT)
        frame = pl.DataFrame({"t": [None]}, schema={"t": pl.Int64})
        assert frame.select(_time.local_column(pl.col("t"), table)).item() is None

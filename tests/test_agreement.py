"""The agreement model: every validation rule of SPEC section 3, defaults, and amendments.

Invalid agreements are written to a JSON file and read with ``load_agreement`` so that the
messages are the ones users see: the file name, then the key path of every problem.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

import incentives
from incentives import Agreement, AgreementError, Window

# --------------------------------------------------------------------------- helpers


def minimal() -> dict[str, Any]:
    """The smallest valid agreement (only the required keys)."""
    return {
        "id": "flat-100",
        "title": "Flat $100 per extra shift",
        "timezone": "America/Los_Angeles",
        "windows": [{"start": "2020-12-01T00:00", "end": "2021-01-01T00:00"}],
        "eligibility": {"classifications": ["*"]},
        "payout": [{"per_shift": "100.00"}],
    }


def agreement(**changes: Any) -> dict[str, Any]:
    """:func:`minimal` with top-level keys replaced (or removed when given as ``None``)."""
    data = minimal()
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = copy.deepcopy(value)
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "agreement.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def load(tmp_path: Path, data: dict[str, Any]) -> Agreement:
    return incentives.load_agreement(write(tmp_path, data))


def all_of(*fragments: str) -> str:
    """A regex that matches text containing every fragment (literally), in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(fragment)})" for fragment in fragments)


def rejects(tmp_path: Path, data: dict[str, Any], *fragments: str) -> str:
    """Load ``data``; it must fail with a message naming the file and every fragment."""
    path = write(tmp_path, data)
    with pytest.raises(AgreementError, match=all_of(str(path), *fragments)) as info:
        incentives.load_agreement(path)
    return str(info.value)


WINDOW = {"start": "2020-12-01T00:00", "end": "2021-01-01T00:00"}


# --------------------------------------------------------------------------- valid files


def test_minimal_agreement_loads(tmp_path: Path) -> None:
    loaded = load(tmp_path, minimal())
    assert loaded == Agreement.model_validate(minimal())
    assert loaded.id == "flat-100"
    assert loaded.title == "Flat $100 per extra shift"
    assert loaded.timezone == "America/Los_Angeles"
    assert loaded.windows == [
        Window(start=datetime(2020, 12, 1, 0, 0), end=datetime(2021, 1, 1, 0, 0))
    ]
    assert loaded.eligibility.classifications == ["*"]
    assert loaded.payout[0].per_shift == Decimal("100.00")


def test_defaults() -> None:
    a = Agreement.model_validate(minimal())
    assert a.workweek_start == "sunday 00:00"
    assert a.pay_period is None
    assert a.hours_rounding == "exact"
    assert a.stacking == "exclusive"
    assert a.union is None
    assert a.employer is None
    assert a.source is None
    # [eligibility]
    assert a.eligibility.employers == []
    assert a.eligibility.employment_statuses == []
    assert a.eligibility.locations == []
    assert a.eligibility.units == []
    assert a.eligibility.requires_approval is False
    assert a.eligibility.window_rule == "starts_within"
    assert a.eligibility.min_hours == Decimal(0)
    # [extra]
    assert a.extra.flag is True
    assert a.extra.beyond_fte is False
    assert a.extra.hours_per_fte == Decimal(40)
    assert a.extra.minimum_hours == Decimal(0)
    assert a.extra.scope == "workweek"
    assert a.extra.counts_as_worked == []
    # [attendance]
    assert a.attendance.forfeit_on == []
    assert a.attendance.scope == "workweek"
    # the rest
    assert a.periods == {}
    assert a.limits.max_amount_per_shift is None
    assert a.limits.max_shifts_per_workweek is None
    assert a.limits.max_amount_per_workweek is None
    assert a.limits.max_amount_per_pay_period is None
    assert a.limits.max_amount_total is None
    assert a.amendments == []
    # with no amendment the terms are the agreement's own
    terms = a.terms()
    assert terms.windows == a.windows
    assert terms.payout == a.payout
    assert terms.hours_rounding == "exact"
    assert terms.applied == []
    assert terms.sources == {}


def test_extra_flag_defaults_to_true_when_extra_section_given_without_it() -> None:
    a = Agreement.model_validate(agreement(extra={"beyond_fte": True}))
    assert a.extra.flag is True
    assert a.extra.beyond_fte is True
    assert a.extra.hours_per_fte == Decimal(40)


@pytest.mark.parametrize(
    "agreement_id", ["unac-uhcp-2020-07", "a", "0", "usw7600.rcp_2020-12", "x-"]
)
def test_good_ids(agreement_id: str) -> None:
    assert Agreement.model_validate(agreement(id=agreement_id)).id == agreement_id


def test_touching_windows_are_allowed() -> None:
    windows = [
        {"start": "2020-11-03T00:00", "end": "2020-11-04T00:00"},
        {"start": "2020-11-01T00:00", "end": "2020-11-03T00:00"},
    ]
    a = Agreement.model_validate(agreement(windows=windows))
    assert [w.start for w in a.windows] == [datetime(2020, 11, 3), datetime(2020, 11, 1)]


def test_window_bounds_next_to_dst_changes_are_fine() -> None:
    # 01:59 exists before the 2021 gap and 03:00 after it; 02:00 and 00:59 are unique on
    # the night clocks fall back (the fold is 01:00-02:00).
    windows = [
        {"start": "2021-03-14T01:59", "end": "2021-03-14T03:00"},
        {"start": "2020-11-01T00:59", "end": "2020-11-01T02:00"},
    ]
    a = Agreement.model_validate(agreement(windows=windows))
    assert a.windows[0].end == datetime(2021, 3, 14, 3, 0)


def test_day_parts_that_touch_are_allowed() -> None:
    periods = {"day": "07:00-15:00", "evening": "15:00-23:00", "night": "23:00-07:00"}
    payout = [{"per_shift": "100.00", "periods": ["night", "day"]}]
    a = Agreement.model_validate(agreement(periods=periods, payout=payout))
    assert a.periods == periods
    assert a.payout[0].periods == ["night", "day"]


def test_tier_amounts_need_not_increase() -> None:
    tiers = [{"min_hours": 8, "amount": "200.00"}, {"min_hours": 10, "amount": "150.00"}]
    a = Agreement.model_validate(agreement(payout=[{"tiers": tiers}]))
    tiers_read = a.payout[0].tiers
    assert tiers_read is not None
    assert [(t.min_hours, t.amount) for t in tiers_read] == [
        (Decimal(8), Decimal("200.00")),
        (Decimal(10), Decimal("150.00")),
    ]


@pytest.mark.parametrize(
    "component",
    [
        {"per_shift": "0"},
        {"per_hour": "5.00"},
        {"tiers": [{"min_hours": 0, "amount": "0"}]},
        {"base_rate_multiplier": "0.5"},
    ],
)
def test_each_payout_kind_alone_is_valid(component: dict[str, Any]) -> None:
    a = Agreement.model_validate(agreement(payout=[component]))
    assert a.payout[0].kind == next(iter(component))


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("Full-time", "full_time"),
        ("full_time", "full_time"),
        ("part time", "part_time"),
        ("ON-CALL", "on_call"),
        ("  Per  Diem ", "per_diem"),
        ("Temporary", "temporary"),
    ],
)
def test_employment_statuses_are_normalised(written: str, normal: str) -> None:
    eligibility = {"classifications": ["*"], "employment_statuses": [written]}
    a = Agreement.model_validate(agreement(eligibility=eligibility))
    assert a.eligibility.employment_statuses == [normal]


@pytest.mark.parametrize("workweek_start", ["sunday 00:00", "monday 07:00", "saturday 23:59"])
def test_good_workweek_start(workweek_start: str) -> None:
    a = Agreement.model_validate(agreement(workweek_start=workweek_start))
    assert a.workweek_start == workweek_start


def test_pay_period_satisfies_every_pay_period_need() -> None:
    a = Agreement.model_validate(
        agreement(
            pay_period={"anchor": "2020-06-28T00:00", "days": 14},
            extra={"beyond_fte": True, "scope": "pay_period"},
            attendance={"forfeit_on": ["sick"], "scope": "pay_period"},
            limits={"max_amount_per_pay_period": "1000.00"},
        )
    )
    assert a.pay_period is not None
    assert a.pay_period.anchor == datetime(2020, 6, 28, 0, 0)
    assert a.pay_period.days == 14
    assert a.limits.max_amount_per_pay_period == Decimal("1000.00")


def test_model_validate_raises_a_pydantic_validation_error() -> None:
    # SPEC 6: Agreement is a pydantic v2 model.
    with pytest.raises(pydantic.ValidationError, match="id"):
        Agreement.model_validate(agreement(id="Not An Id"))


# --------------------------------------------------------------------------- id, timezone


@pytest.mark.parametrize("bad_id", ["Bad", "-lead", ".dot", "has space", "", "über", "a/b"])
def test_bad_id(tmp_path: Path, bad_id: str) -> None:
    rejects(tmp_path, agreement(id=bad_id), "id: ")


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "America/Nowhere", "Pacific Time", "", "../../etc/passwd"]
)
def test_unknown_timezone(tmp_path: Path, zone: str) -> None:
    rejects(tmp_path, agreement(timezone=zone), "timezone: ", repr(zone))


# --------------------------------------------------------------------------- unknown keys


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"colour": "blue"}, "colour"),
        ({"eligibility": {"classifications": ["*"], "unit": ["ICU"]}}, "eligibility.unit"),
        ({"extra": {"flags": True}}, "extra.flags"),
        ({"attendance": {"forfeit": ["sick"]}}, "attendance.forfeit"),
        ({"limits": {"max_amount": "1.00"}}, "limits.max_amount"),
        (
            {"pay_period": {"anchor": "2020-06-28T00:00", "days": 14, "length": 14}},
            "pay_period.length",
        ),
        (
            {"windows": [{"start": "2020-12-01T00:00", "end": "2021-01-01T00:00", "tz": "x"}]},
            "windows[0].tz",
        ),
        (
            {"payout": [{"per_shift": "1.00"}, {"tiers": [{"min_hours": 8, "amout": "2"}]}]},
            "payout[1].tiers[0].amout",
        ),
        ({"payout": [{"per_shift": "1.00", "period": ["night"]}]}, "payout[0].period"),
        (
            {"amendments": [{"adopted": "2021-01-29", "summary": "s", "note": "x"}]},
            "amendments[0].note",
        ),
        (
            {
                "amendments": [
                    {
                        "adopted": "2021-01-29",
                        "summary": "s",
                        "windows": [{"begin": "2021-01-04T07:00", "end": "2021-02-15T07:00"}],
                    }
                ]
            },
            "amendments[0].windows[0].begin",
        ),
    ],
)
def test_unknown_key_is_an_error_with_its_path(
    tmp_path: Path, changes: dict[str, Any], path: str
) -> None:
    rejects(tmp_path, agreement(**changes), f"{path}: unknown key")


def test_misspelt_tier_key_also_reports_the_missing_one(tmp_path: Path) -> None:
    payout = [{"per_shift": "1.00"}, {"tiers": [{"min_hours": 8, "amout": "200.00"}]}]
    rejects(
        tmp_path,
        agreement(payout=payout),
        "payout[1].tiers[0].amout: unknown key",
        "payout[1].tiers[0].amount: required key is missing",
    )


# --------------------------------------------------------------------------- missing keys


@pytest.mark.parametrize("key", ["id", "title", "timezone", "windows", "eligibility", "payout"])
def test_missing_required_top_level_key(tmp_path: Path, key: str) -> None:
    rejects(tmp_path, agreement(**{key: None}), f"{key}: required key is missing")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"eligibility": {"employers": ["SCPMG"]}}, "eligibility.classifications"),
        ({"windows": [{"start": "2020-12-01T00:00"}]}, "windows[0].end"),
        ({"payout": [{"tiers": [{"amount": "1.00"}]}]}, "payout[0].tiers[0].min_hours"),
        ({"pay_period": {"days": 14}}, "pay_period.anchor"),
        ({"amendments": [{"summary": "no date"}]}, "amendments[0].adopted"),
        ({"amendments": [{"adopted": "2021-01-29"}]}, "amendments[0].summary"),
    ],
)
def test_missing_required_nested_key(tmp_path: Path, changes: dict[str, Any], path: str) -> None:
    rejects(tmp_path, agreement(**changes), f"{path}: required key is missing")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"windows": []}, "windows"),
        ({"payout": []}, "payout"),
        ({"eligibility": {"classifications": []}}, "eligibility.classifications"),
        ({"title": ""}, "title"),
    ],
)
def test_required_key_may_not_be_empty(tmp_path: Path, changes: dict[str, Any], path: str) -> None:
    rejects(tmp_path, agreement(**changes), f"{path}: ")


# --------------------------------------------------------------------------- windows


@pytest.mark.parametrize(
    "window",
    [
        {"start": "2020-12-02T00:00", "end": "2020-12-01T00:00"},
        {"start": "2020-12-01T07:00", "end": "2020-12-01T07:00"},
    ],
)
def test_window_end_not_after_start(tmp_path: Path, window: dict[str, str]) -> None:
    rejects(
        tmp_path,
        agreement(windows=[window]),
        "windows[0]: ",
        f"end {window['end']} must be after start {window['start']}",
    )


@pytest.mark.parametrize(
    "windows",
    [
        # partly overlapping, in order
        [
            {"start": "2020-11-01T00:00", "end": "2020-11-03T00:00"},
            {"start": "2020-11-02T00:00", "end": "2020-11-04T00:00"},
        ],
        # out of order: the later-written window comes first in time
        [
            {"start": "2020-11-02T00:00", "end": "2020-11-04T00:00"},
            {"start": "2020-11-01T00:00", "end": "2020-11-03T00:00"},
        ],
        # one inside the other
        [
            {"start": "2020-11-01T00:00", "end": "2020-11-30T00:00"},
            {"start": "2020-11-10T00:00", "end": "2020-11-11T00:00"},
        ],
        # overlapping by one minute
        [
            {"start": "2020-11-01T00:00", "end": "2020-11-03T00:01"},
            {"start": "2020-11-03T00:00", "end": "2020-11-04T00:00"},
        ],
    ],
)
def test_overlapping_windows(tmp_path: Path, windows: list[dict[str, str]]) -> None:
    rejects(tmp_path, agreement(windows=windows), "windows[1]", "overlaps windows[0]")


@pytest.mark.parametrize(
    ("window", "path", "words"),
    [
        (
            {"start": "2021-03-14T02:30", "end": "2021-03-15T00:00"},
            "windows[0].start",
            "2021-03-14T02:30 does not exist in America/Los_Angeles",
        ),
        (
            {"start": "2021-03-13T00:00", "end": "2021-03-14T02:00"},
            "windows[0].end",
            "2021-03-14T02:00 does not exist in America/Los_Angeles",
        ),
        (
            {"start": "2020-11-01T01:30", "end": "2020-11-02T00:00"},
            "windows[0].start",
            "2020-11-01T01:30 occurs twice",
        ),
        (
            {"start": "2020-10-31T00:00", "end": "2020-11-01T01:00"},
            "windows[0].end",
            "2020-11-01T01:00 occurs twice",
        ),
    ],
)
def test_window_bound_in_dst_gap_or_fold(
    tmp_path: Path, window: dict[str, str], path: str, words: str
) -> None:
    rejects(tmp_path, agreement(windows=[window]), f"{path}: {words}")


def test_window_bound_in_fold_gives_both_offsets(tmp_path: Path) -> None:
    window = {"start": "2020-11-01T01:30", "end": "2020-11-02T00:00"}
    rejects(tmp_path, agreement(windows=[window]), "occurs twice", "-07:00", "-08:00")


def test_window_bound_in_gap_says_when_clocks_jump(tmp_path: Path) -> None:
    window = {"start": "2021-03-14T02:30", "end": "2021-03-15T00:00"}
    rejects(tmp_path, agreement(windows=[window]), "does not exist", "02:00", "03:00")


@pytest.mark.parametrize("bound", ["2020-12-01T00:00-08:00", "2020-12-01", "December 1", "x"])
def test_window_bound_must_be_a_local_date_and_time(tmp_path: Path, bound: str) -> None:
    window = {"start": bound, "end": "2021-01-01T00:00"}
    rejects(tmp_path, agreement(windows=[window]), "windows[0].start: ")


# --------------------------------------------------------------------------- payout


@pytest.mark.parametrize(
    ("tiers", "index"),
    [
        ([{"min_hours": 8, "amount": "150.00"}, {"min_hours": 8, "amount": "200.00"}], 1),
        ([{"min_hours": 10, "amount": "200.00"}, {"min_hours": 8, "amount": "150.00"}], 1),
        (
            [
                {"min_hours": 4, "amount": "100.00"},
                {"min_hours": 8, "amount": "200.00"},
                {"min_hours": 7.5, "amount": "250.00"},
            ],
            2,
        ),
    ],
)
def test_tiers_must_strictly_increase(
    tmp_path: Path, tiers: list[dict[str, Any]], index: int
) -> None:
    rejects(
        tmp_path,
        agreement(payout=[{"per_shift": "1.00"}, {"tiers": tiers}]),
        "payout[1]",
        f"tiers[{index}].min_hours",
        f"tiers[{index - 1}].min_hours",
    )


@pytest.mark.parametrize(
    ("component", "given"),
    [
        ({}, "none"),
        ({"periods": ["night"]}, "none"),
        ({"per_shift": "100.00", "per_hour": "5.00"}, "per_shift, per_hour"),
        (
            {"tiers": [{"min_hours": 8, "amount": "1.00"}], "base_rate_multiplier": "0.5"},
            "tiers, base_rate_multiplier",
        ),
    ],
)
def test_payout_component_needs_exactly_one_kind(
    tmp_path: Path, component: dict[str, Any], given: str
) -> None:
    periods = {"night": "23:00-07:00"}
    rejects(
        tmp_path,
        agreement(periods=periods, payout=[{"per_shift": "1.00"}, component]),
        "payout[1]: ",
        "exactly one of per_shift, per_hour, tiers, base_rate_multiplier",
        f"(given: {given})",
    )


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"payout": [{"per_shift": "-100.00"}]}, "payout[0].per_shift"),
        ({"payout": [{"per_hour": -5}]}, "payout[0].per_hour"),
        ({"payout": [{"base_rate_multiplier": "-0.5"}]}, "payout[0].base_rate_multiplier"),
        (
            {"payout": [{"tiers": [{"min_hours": 8, "amount": "-150.00"}]}]},
            "payout[0].tiers[0].amount",
        ),
        ({"limits": {"max_amount_per_shift": "-1"}}, "limits.max_amount_per_shift"),
        ({"limits": {"max_amount_per_workweek": "-1"}}, "limits.max_amount_per_workweek"),
        ({"limits": {"max_amount_total": "-0.01"}}, "limits.max_amount_total"),
        ({"limits": {"max_shifts_per_workweek": -1}}, "limits.max_shifts_per_workweek"),
    ],
)
def test_negative_amounts(tmp_path: Path, changes: dict[str, Any], path: str) -> None:
    rejects(tmp_path, agreement(**changes), f"{path}: ")


@pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", ""])
def test_amount_must_be_a_number(tmp_path: Path, amount: str) -> None:
    rejects(tmp_path, agreement(payout=[{"per_shift": amount}]), "payout[0].per_shift: ")


# --------------------------------------------------------------------------- day-parts


def test_day_part_referenced_but_not_defined(tmp_path: Path) -> None:
    payout = [{"per_shift": "1.00"}, {"per_shift": "100.00", "periods": ["night"]}]
    rejects(tmp_path, agreement(payout=payout), "payout[1].periods", "'night'")


def test_day_part_referenced_but_not_defined_among_others(tmp_path: Path) -> None:
    periods = {"day": "07:00-19:00", "night": "19:00-07:00"}
    payout = [{"per_hour": "5.00", "periods": ["day", "evening"]}]
    rejects(tmp_path, agreement(periods=periods, payout=payout), "payout[0].periods", "'evening'")


@pytest.mark.parametrize(
    ("periods", "first", "second"),
    [
        ({"day": "07:00-15:00", "evening": "14:00-23:00"}, "day", "evening"),
        # wrapping midnight: night covers 22:00-24:00 and 00:00-06:00
        ({"night": "22:00-06:00", "early": "05:00-09:00"}, "night", "early"),
        ({"night": "22:00-06:00", "late": "23:00-01:00"}, "night", "late"),
        ({"night": "22:00-06:00", "evening": "18:00-22:30"}, "night", "evening"),
        ({"all": "00:00-23:59", "lunch": "12:00-13:00"}, "all", "lunch"),
    ],
)
def test_overlapping_day_parts(
    tmp_path: Path, periods: dict[str, str], first: str, second: str
) -> None:
    rejects(tmp_path, agreement(periods=periods), "periods.", "overlaps periods.", first, second)


@pytest.mark.parametrize("text", ["07:00-07:00", "00:00-00:00"])
def test_day_part_start_equals_end(tmp_path: Path, text: str) -> None:
    rejects(tmp_path, agreement(periods={"day": text}), "periods.day: ")


@pytest.mark.parametrize("text", ["7:00-15:00", "07:00-24:00", "07:00", "07:00 - 15:00", ""])
def test_day_part_format(tmp_path: Path, text: str) -> None:
    rejects(tmp_path, agreement(periods={"day": text}), "periods.day: ")


OTHER_DIGITS = "\u0660\u0667"  # Arabic-Indic 0 and 7: digits, but not 0 to 9


def test_a_day_part_in_other_digits_is_refused(tmp_path: Path) -> None:
    text = f"{OTHER_DIGITS}:00-19:00"
    rejects(tmp_path, agreement(periods={"day": text}), "periods.day: ", text)


def test_a_day_part_named_with_parentheses_is_named_in_the_problem(tmp_path: Path) -> None:
    periods = {"night (late)": "25:00-07:00"}
    rejects(tmp_path, agreement(periods=periods), "periods.night (late): a day-part")


def test_a_workweek_start_in_other_digits_is_refused(tmp_path: Path) -> None:
    text = f"sunday {OTHER_DIGITS}:00"
    rejects(tmp_path, agreement(workweek_start=text), "workweek_start: ", text)


def test_a_window_bound_in_other_digits_is_refused(tmp_path: Path) -> None:
    start = f"2020-12-27T{OTHER_DIGITS}:00"
    windows = [{"start": start, "end": "2021-01-04T07:00"}]
    rejects(tmp_path, agreement(windows=windows), "windows[0].start")


# --------------------------------------------------------------------------- pay_period


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"extra": {"beyond_fte": True, "scope": "pay_period"}}, "extra.scope"),
        ({"attendance": {"forfeit_on": ["sick"], "scope": "pay_period"}}, "attendance.scope"),
        ({"limits": {"max_amount_per_pay_period": "1000.00"}}, "limits.max_amount_per_pay_period"),
    ],
)
def test_pay_period_required(tmp_path: Path, changes: dict[str, Any], path: str) -> None:
    rejects(tmp_path, agreement(**changes), path, "pay_period")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"extra": {"scope": "pay_period"}}, "extra.scope"),
        ({"attendance": {"scope": "pay_period"}}, "attendance.scope"),
    ],
)
def test_pay_period_required_by_any_pay_period_scope(
    tmp_path: Path, changes: dict[str, Any], path: str
) -> None:
    # SPEC 3: "`pay_period` is required when any `scope` is "pay_period"", whether or not
    # beyond_fte / forfeit_on make that scope matter.
    rejects(tmp_path, agreement(**changes), path, "pay_period")


@pytest.mark.parametrize(
    "pay_period",
    [
        {"anchor": "2020-06-28T00:00", "days": 0},
        {"anchor": "2020-06-28T00:00", "days": "fourteen"},
        {"anchor": "June 28", "days": 14},
    ],
)
def test_bad_pay_period(tmp_path: Path, pay_period: dict[str, Any]) -> None:
    rejects(tmp_path, agreement(pay_period=pay_period), "pay_period.")


# --------------------------------------------------------------------------- eligibility


@pytest.mark.parametrize(
    ("statuses", "index"),
    [(["casual"], 0), (["full_time", "full-time-ish"], 1), (["part_time", ""], 1)],
)
def test_invalid_employment_status(tmp_path: Path, statuses: list[str], index: int) -> None:
    eligibility = {"classifications": ["*"], "employment_statuses": statuses}
    rejects(
        tmp_path,
        agreement(eligibility=eligibility),
        f"eligibility.employment_statuses[{index}]: ",
    )


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"hours_rounding": "nearest"}, "hours_rounding"),
        ({"stacking": "highest"}, "stacking"),
        ({"eligibility": {"classifications": ["*"], "window_rule": "inside"}}, "window_rule"),
        ({"extra": {"scope": "month"}}, "extra.scope"),
        ({"extra": {"hours_per_fte": 0}}, "extra.hours_per_fte"),
    ],
)
def test_bad_choice(tmp_path: Path, changes: dict[str, Any], path: str) -> None:
    rejects(tmp_path, agreement(**changes), f"{path}: ")


# --------------------------------------------------------------------------- workweek_start


@pytest.mark.parametrize(
    "text",
    [
        "sunday 0:00",
        "sun 00:00",
        "sunday 24:00",
        "sunday 07:60",
        "sunday",
        "00:00",
        "sunday 00:00:00",
        "sunday00:00",
        "someday 00:00",
    ],
)
def test_bad_workweek_start(tmp_path: Path, text: str) -> None:
    rejects(tmp_path, agreement(workweek_start=text), "workweek_start: ", repr(text))


# --------------------------------------------------------------------------- amendments


def amendment(adopted: str, summary: str, **parts: Any) -> dict[str, Any]:
    return {"adopted": adopted, "summary": summary, **parts}


def test_amendment_window_in_dst_gap(tmp_path: Path) -> None:
    window = {"start": "2021-03-14T02:30", "end": "2021-03-21T00:00"}
    amendments = [
        amendment("2021-01-01", "ok", hours_rounding="minute"),
        amendment("2021-02-01", "into spring", windows=[window]),
    ]
    rejects(
        tmp_path,
        agreement(amendments=amendments),
        "amendments[1].windows[0].start: 2021-03-14T02:30 does not exist",
    )


def test_amendment_window_in_fold(tmp_path: Path) -> None:
    window = {"start": "2020-10-25T00:00", "end": "2020-11-01T01:30"}
    amendments = [amendment("2020-10-01", "into fall", windows=[window])]
    rejects(
        tmp_path,
        agreement(amendments=amendments),
        "amendments[0].windows[0].end: 2020-11-01T01:30 occurs twice",
    )


def test_amendment_windows_may_not_overlap(tmp_path: Path) -> None:
    windows = [
        {"start": "2021-01-04T07:00", "end": "2021-02-15T07:00"},
        {"start": "2021-02-01T07:00", "end": "2021-03-01T07:00"},
    ]
    amendments = [amendment("2021-01-29", "extended", windows=windows)]
    rejects(tmp_path, agreement(amendments=amendments), "amendments[0].windows[1]", "windows[0]")


def test_amendment_window_end_before_start(tmp_path: Path) -> None:
    windows = [{"start": "2021-02-15T07:00", "end": "2021-01-04T07:00"}]
    amendments = [amendment("2021-01-29", "backwards", windows=windows)]
    rejects(tmp_path, agreement(amendments=amendments), "amendments[0].windows[0]", "after")


def test_amendment_windows_may_differ_from_the_original() -> None:
    # An amendment's windows replace the original ones whole, so they may cover them.
    windows = [{"start": "2020-12-15T00:00", "end": "2021-02-01T00:00"}]
    a = Agreement.model_validate(
        agreement(amendments=[amendment("2020-12-20", "x", windows=windows)])
    )
    assert a.terms().windows == [Window(start=datetime(2020, 12, 15), end=datetime(2021, 2, 1))]


def test_amendment_payout_references_undefined_day_part(tmp_path: Path) -> None:
    payout = [{"per_shift": "100.00", "periods": ["night"]}]
    amendments = [amendment("2021-01-29", "nights only", payout=payout)]
    rejects(
        tmp_path,
        agreement(amendments=amendments),
        "amendments[0].payout[0].periods",
        "'night'",
    )


def test_amendment_periods_drop_a_day_part_the_payout_uses(tmp_path: Path) -> None:
    periods = {"day": "07:00-19:00", "night": "19:00-07:00"}
    payout = [{"per_shift": "100.00", "periods": ["night"]}]
    amendments = [amendment("2021-01-29", "days only", periods={"day": "07:00-19:00"})]
    rejects(
        tmp_path,
        agreement(periods=periods, payout=payout, amendments=amendments),
        "amendments[0]",
        "payout[0].periods",
        "'night'",
    )


def test_amendment_periods_overlap(tmp_path: Path) -> None:
    periods = {"night": "22:00-06:00", "early": "05:00-09:00"}
    amendments = [amendment("2021-01-29", "new day-parts", periods=periods)]
    rejects(
        tmp_path,
        agreement(amendments=amendments),
        "amendments[0].periods.",
        "overlaps",
        "night",
        "early",
    )


def test_amendment_needs_pay_period(tmp_path: Path) -> None:
    limits = {"max_amount_per_pay_period": "500.00"}
    amendments = [amendment("2021-01-29", "cap", limits=limits)]
    rejects(
        tmp_path,
        agreement(amendments=amendments),
        "amendments[0].limits.max_amount_per_pay_period",
        "pay_period",
    )


def test_amendment_payout_may_use_day_parts_defined_before_or_with_it() -> None:
    night_payout = [{"per_shift": "100.00", "periods": ["night"]}]
    amendments = [
        amendment("2021-01-10", "nights", payout=night_payout),
        amendment(
            "2021-01-20",
            "evenings",
            periods={"evening": "15:00-23:00"},
            payout=[{"per_hour": "5.00", "periods": ["evening"]}],
        ),
    ]
    a = Agreement.model_validate(agreement(periods={"night": "23:00-07:00"}, amendments=amendments))
    assert a.terms().periods == {"evening": "15:00-23:00"}
    assert a.terms(date(2021, 1, 15)).periods == {"night": "23:00-07:00"}


@pytest.mark.parametrize("adopted", ["2021-13-01", "yesterday", "2021-01-29T07:00:00Z"])
def test_amendment_adopted_must_be_a_date(tmp_path: Path, adopted: str) -> None:
    rejects(tmp_path, agreement(amendments=[amendment(adopted, "x")]), "amendments[0].adopted: ")


def test_amendment_with_empty_windows(tmp_path: Path) -> None:
    amendments = [amendment("2021-01-29", "no windows", windows=[])]
    rejects(tmp_path, agreement(amendments=amendments), "amendments[0].windows: ")


# --------------------------------------------------------------------------- many problems


def test_independent_problems_are_all_listed(tmp_path: Path) -> None:
    data = agreement(
        id="Bad Id",
        timezone="Mars/Olympus_Mons",
        colour="blue",
        eligibility={"employers": ["SCPMG"], "employment_statuses": ["casual"]},
        payout=[{"per_shift": "-1.00"}, {"tiers": [{"min_hours": 8, "amout": "2.00"}]}],
        workweek_start="sun 00:00",
    )
    message = rejects(
        tmp_path,
        data,
        "id: ",
        "timezone: 'Mars/Olympus_Mons'",
        "colour: unknown key",
        "eligibility.classifications: required key is missing",
        "eligibility.employment_statuses[0]: ",
        "payout[0].per_shift: ",
        "payout[1].tiers[0].amout: unknown key",
        "workweek_start: ",
    )
    assert str(tmp_path / "agreement.json") in message.splitlines()[0]


def test_consistency_problems_are_all_listed(tmp_path: Path) -> None:
    data = agreement(
        windows=[
            {"start": "2020-11-10T00:00", "end": "2020-11-12T00:00"},
            {"start": "2020-11-11T00:00", "end": "2020-11-13T00:00"},
            {"start": "2021-03-14T02:30", "end": "2021-03-15T00:00"},
            {"start": "2020-10-25T00:00", "end": "2020-11-01T01:30"},
        ],
        periods={"night": "22:00-06:00", "early": "05:00-09:00", "never": "09:00-09:00"},
        payout=[{"per_shift": "100.00", "periods": ["evening"]}],
        limits={"max_amount_per_pay_period": "1000.00"},
        amendments=[
            amendment(
                "2021-01-29",
                "spring",
                windows=[{"start": "2021-03-14T02:00", "end": "2021-03-21T00:00"}],
            )
        ],
    )
    rejects(
        tmp_path,
        data,
        "windows[1]: overlaps windows[0]",
        "windows[2].start: 2021-03-14T02:30 does not exist",
        "windows[3].end: 2020-11-01T01:30 occurs twice",
        "overlaps periods.",
        "periods.never: ",
        "payout[0].periods",
        "'evening'",
        "limits.max_amount_per_pay_period",
        "amendments[0].windows[0].start: 2021-03-14T02:00 does not exist",
    )


def test_field_and_consistency_problems_are_listed_together(tmp_path: Path) -> None:
    # A bad id and an end-before-start window say nothing about the other windows or the
    # day-parts, so their problems must be listed too (SPEC 7: "with every problem listed").
    data = agreement(
        id="Bad Id",
        windows=[
            {"start": "2020-12-02T00:00", "end": "2020-12-01T00:00"},
            {"start": "2021-03-14T02:30", "end": "2021-03-15T00:00"},
        ],
        periods={"night": "22:00-06:00", "early": "05:00-09:00"},
        payout=[{"per_shift": "100.00", "periods": ["evening"]}],
    )
    rejects(
        tmp_path,
        data,
        "id: ",
        "windows[0]: end 2020-12-01T00:00 must be after start 2020-12-02T00:00",
        "windows[1].start: 2021-03-14T02:30 does not exist",
        "overlaps periods.",
        "payout[0].periods",
        "'evening'",
    )


# --------------------------------------------------------------------------- terms(as_of)


def amended() -> dict[str, Any]:
    """An agreement with three amendments, written out of adopted order."""
    return agreement(
        eligibility={"classifications": ["Registered Nurse"], "employers": ["SCPMG"]},
        amendments=[
            amendment(
                "2021-01-29",
                "Extended until February 15",
                windows=[{"start": "2021-01-04T07:00", "end": "2021-02-15T07:00"}],
            ),
            amendment(
                "2021-01-15",
                "Raised to $150 and rounded to the quarter hour",
                payout=[{"per_shift": "150.00"}],
                hours_rounding="quarter_hour",
            ),
            amendment(
                "2021-01-29",
                "Extended again, until March 1",
                windows=[{"start": "2021-01-04T07:00", "end": "2021-03-01T07:00"}],
                eligibility={"classifications": ["Registered Nurse", "Nurse Practitioner"]},
            ),
        ],
    )


def test_terms_without_as_of_apply_every_amendment_in_adopted_then_file_order() -> None:
    a = Agreement.model_validate(amended())
    terms = a.terms()
    assert [m.summary for m in terms.applied] == [
        "Raised to $150 and rounded to the quarter hour",
        "Extended until February 15",
        "Extended again, until March 1",
    ]
    # the two amendments of 2021-01-29 apply in file order: the later-written one wins
    assert terms.windows == [Window(start=datetime(2021, 1, 4, 7), end=datetime(2021, 3, 1, 7))]
    assert [c.per_shift for c in terms.payout] == [Decimal("150.00")]
    assert terms.hours_rounding == "quarter_hour"
    # each given part replaces that part whole: employers falls back to its default
    assert terms.eligibility.classifications == ["Registered Nurse", "Nurse Practitioner"]
    assert terms.eligibility.employers == []
    # parts no amendment gives stay as signed
    assert terms.extra == a.extra
    assert terms.limits == a.limits
    assert terms.sources == {
        "windows": "amendment adopted 2021-01-29",
        "eligibility": "amendment adopted 2021-01-29",
        "payout": "amendment adopted 2021-01-15",
        "hours_rounding": "amendment adopted 2021-01-15",
    }


def test_terms_same_date_amendments_follow_file_order() -> None:
    data = amended()
    first, second, third = data["amendments"]
    data["amendments"] = [third, second, first]
    terms = Agreement.model_validate(data).terms()
    assert [m.summary for m in terms.applied] == [
        "Raised to $150 and rounded to the quarter hour",
        "Extended again, until March 1",
        "Extended until February 15",
    ]
    assert terms.windows == [Window(start=datetime(2021, 1, 4, 7), end=datetime(2021, 2, 15, 7))]
    # the eligibility came from the amendment that is now applied first; nothing replaced it
    assert terms.eligibility.classifications == ["Registered Nurse", "Nurse Practitioner"]


@pytest.mark.parametrize("as_of", [date(2021, 1, 15), date(2021, 1, 28)])
def test_terms_as_of_applies_only_amendments_adopted_on_or_before(as_of: date) -> None:
    a = Agreement.model_validate(amended())
    terms = a.terms(as_of)
    assert [m.adopted for m in terms.applied] == [date(2021, 1, 15)]
    assert [c.per_shift for c in terms.payout] == [Decimal("150.00")]
    assert terms.hours_rounding == "quarter_hour"
    assert terms.windows == a.windows
    assert terms.eligibility == a.eligibility
    assert terms.sources == {
        "payout": "amendment adopted 2021-01-15",
        "hours_rounding": "amendment adopted 2021-01-15",
    }


def test_terms_as_of_the_day_of_two_amendments_applies_both() -> None:
    a = Agreement.model_validate(amended())
    assert a.terms(date(2021, 1, 29)) == a.terms()
    assert a.terms(date(2030, 1, 1)) == a.terms()


@pytest.mark.parametrize("as_of", [date(2021, 1, 14), date(2000, 1, 1)])
def test_terms_as_of_before_any_amendment_are_the_original(as_of: date) -> None:
    a = Agreement.model_validate(amended())
    terms = a.terms(as_of)
    assert terms.applied == []
    assert terms.sources == {}
    assert terms.windows == [Window(start=datetime(2020, 12, 1), end=datetime(2021, 1, 1))]
    assert [c.per_shift for c in terms.payout] == [Decimal("100.00")]
    assert terms.hours_rounding == "exact"
    assert terms.eligibility.classifications == ["Registered Nurse"]
    assert terms.eligibility.employers == ["SCPMG"]


def test_terms_do_not_change_the_agreement() -> None:
    a = Agreement.model_validate(amended())
    a.terms()
    assert a.windows == [Window(start=datetime(2020, 12, 1), end=datetime(2021, 1, 1))]
    assert a.payout[0].per_shift == Decimal("100.00")
    assert a.hours_rounding == "exact"
    assert [m.adopted for m in a.amendments] == [
        date(2021, 1, 29),
        date(2021, 1, 15),
        date(2021, 1, 29),
    ]


def test_a_bad_key_inside_a_section_does_not_hide_that_sections_other_problems(
    tmp_path: Path,
) -> None:
    # A misspelt key in [limits], a badly written day-part and a bad amount in an amendment
    # are field problems; the cross-key problems next to them must be listed as well.
    data = agreement(
        periods={"day": "7:00-15:00", "eve": "15:00-15:00"},
        payout=[{"per_shift": "100.00", "periods": ["night"]}],
        limits={"max_amount_per_pay_period": "500.00", "max_shift_per_workweek": 2},
        amendments=[
            amendment(
                "2021-01-05",
                "later",
                payout=[{"per_shift": "x"}],
                limits={"max_amount_per_pay_period": "9.00"},
            )
        ],
    )
    message = rejects(
        tmp_path,
        data,
        "periods.day: a day-part is written HH:MM-HH:MM with two-digit hours",
        "limits.max_shift_per_workweek: unknown key",
        "amendments[0].payout[0].per_shift",
        "periods.eve: starts and ends at the same time",
        "payout[0].periods: day-part 'night' is not defined in periods",
        "limits.max_amount_per_pay_period: needs pay_period",
        "amendments[0].limits.max_amount_per_pay_period: needs pay_period",
    )
    assert "7 problems" in message


def test_a_repeated_window_bound_says_to_move_it_out_of_the_repeated_hour(
    tmp_path: Path,
) -> None:
    data = agreement(windows=[{"start": "2020-11-01T01:30", "end": "2020-11-02T07:00"}])
    message = rejects(tmp_path, data, "windows[0].start: 2020-11-01T01:30 occurs twice")
    assert "use a time outside the hour the clocks repeat" in message
    assert "UTC offset" not in message

"""Reading agreement files (SPEC 2.1, 3, 6) and the agreement file's JSON Schema."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import incentives
from incentives import Agreement, AgreementError, IncentivesError

SCENARIOS = Path("/work/shared/scenarios")
SCENARIO_AGREEMENTS = sorted(SCENARIOS.glob("*/agreement.toml"))

# The example of SPEC section 3, every optional key written out.
SPEC_TOML = """\
id = "unac-uhcp-2020-07"
title = "Extra Shift Incentive, SoCal RNs, NPs and PAs"
union = "UNAC/UHCP"
employer = "Kaiser Permanente"
source = "https://example.org/unac-uhcp-2020-07.pdf"
timezone = "America/Los_Angeles"
workweek_start = "sunday 00:00"
pay_period = { anchor = "2020-06-28T00:00", days = 14 }
hours_rounding = "exact"
stacking = "exclusive"

[[windows]]
start = "2020-07-03T07:00"
end = "2020-07-31T07:00"

[eligibility]
classifications = ["Registered Nurse", "Nurse Practitioner", "Physician Assistant"]
employers = ["SCPMG"]
employment_statuses = ["full_time", "Part-time"]
locations = ["*Medical Center"]
units = ["ICU", "Med-Surg*"]
requires_approval = false
window_rule = "starts_within"
min_hours = 0

[extra]
flag = true
beyond_fte = false
hours_per_fte = 40
minimum_hours = 0
scope = "workweek"
counts_as_worked = []

[attendance]
forfeit_on = ["sick", "education"]
scope = "workweek"

[periods]
day = "07:00-15:00"
evening = "15:00-23:00"
night = "23:00-07:00"

[[payout]]
tiers = [
  { min_hours = 8, amount = "150.00" },
  { min_hours = 10, amount = "200.00" },
  { min_hours = 12, amount = "250.00" },
]

[[payout]]
per_shift = "100.00"
periods = ["night"]
classifications = ["Registered Nurse"]

[[payout]]
per_hour = 12.35

[[payout]]
base_rate_multiplier = 0.1

[limits]
max_amount_per_shift = "300.00"
max_shifts_per_workweek = 2
max_amount_per_workweek = 600.00
max_amount_per_pay_period = "1000.00"
max_amount_total = 1234567.89

[[amendments]]
adopted = 2021-01-29
summary = "Extended until 7:00 a.m. February 15, 2021"
[[amendments.windows]]
start = "2021-01-04T07:00"
end = "2021-02-15T07:00"
"""

# The same agreement written by hand as JSON.
SPEC_JSON = """\
{
  "id": "unac-uhcp-2020-07",
  "title": "Extra Shift Incentive, SoCal RNs, NPs and PAs",
  "union": "UNAC/UHCP",
  "employer": "Kaiser Permanente",
  "source": "https://example.org/unac-uhcp-2020-07.pdf",
  "timezone": "America/Los_Angeles",
  "workweek_start": "sunday 00:00",
  "pay_period": {"anchor": "2020-06-28T00:00", "days": 14},
  "hours_rounding": "exact",
  "stacking": "exclusive",
  "windows": [{"start": "2020-07-03T07:00", "end": "2020-07-31T07:00"}],
  "eligibility": {
    "classifications": ["Registered Nurse", "Nurse Practitioner", "Physician Assistant"],
    "employers": ["SCPMG"],
    "employment_statuses": ["full_time", "Part-time"],
    "locations": ["*Medical Center"],
    "units": ["ICU", "Med-Surg*"],
    "requires_approval": false,
    "window_rule": "starts_within",
    "min_hours": 0
  },
  "extra": {
    "flag": true,
    "beyond_fte": false,
    "hours_per_fte": 40,
    "minimum_hours": 0,
    "scope": "workweek",
    "counts_as_worked": []
  },
  "attendance": {"forfeit_on": ["sick", "education"], "scope": "workweek"},
  "periods": {"day": "07:00-15:00", "evening": "15:00-23:00", "night": "23:00-07:00"},
  "payout": [
    {"tiers": [
      {"min_hours": 8, "amount": "150.00"},
      {"min_hours": 10, "amount": "200.00"},
      {"min_hours": 12, "amount": "250.00"}
    ]},
    {"per_shift": "100.00", "periods": ["night"], "classifications": ["Registered Nurse"]},
    {"per_hour": 12.35},
    {"base_rate_multiplier": 0.1}
  ],
  "limits": {
    "max_amount_per_shift": "300.00",
    "max_shifts_per_workweek": 2,
    "max_amount_per_workweek": 600.00,
    "max_amount_per_pay_period": "1000.00",
    "max_amount_total": 1234567.89
  },
  "amendments": [
    {
      "adopted": "2021-01-29",
      "summary": "Extended until 7:00 a.m. February 15, 2021",
      "windows": [{"start": "2021-01-04T07:00", "end": "2021-02-15T07:00"}]
    }
  ]
}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def same_decimal(value: Decimal | None, text: str) -> bool:
    """``value`` is exactly ``Decimal(text)``: same digits and exponent, not merely equal."""
    return isinstance(value, Decimal) and value.as_tuple() == Decimal(text).as_tuple()


def floats_in(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats_in(item)]
    if isinstance(value, (list, tuple)):
        return [f for item in value for f in floats_in(item)]
    return []


# --------------------------------------------------------------------------- TOML and JSON


@pytest.mark.parametrize(("name", "text"), [("a.toml", SPEC_TOML), ("a.json", SPEC_JSON)])
def test_spec_example_loads(tmp_path: Path, name: str, text: str) -> None:
    a = incentives.load_agreement(write(tmp_path, name, text))
    assert isinstance(a, Agreement)
    assert a.id == "unac-uhcp-2020-07"
    assert a.union == "UNAC/UHCP"
    assert a.pay_period is not None
    assert a.pay_period.anchor == datetime(2020, 6, 28, 0, 0)
    assert a.pay_period.days == 14
    assert a.windows[0].start == datetime(2020, 7, 3, 7, 0)
    assert a.windows[0].end == datetime(2020, 7, 31, 7, 0)
    assert a.eligibility.employment_statuses == ["full_time", "part_time"]
    assert a.periods == {"day": "07:00-15:00", "evening": "15:00-23:00", "night": "23:00-07:00"}
    tiers = a.payout[0].tiers
    assert tiers is not None
    assert [(t.min_hours, t.amount) for t in tiers] == [
        (Decimal(8), Decimal("150.00")),
        (Decimal(10), Decimal("200.00")),
        (Decimal(12), Decimal("250.00")),
    ]
    assert a.payout[1].per_shift == Decimal("100.00")
    assert a.payout[1].periods == ["night"]
    assert a.limits.max_shifts_per_workweek == 2
    assert a.amendments[0].adopted == date(2021, 1, 29)
    assert a.terms().windows[0].end == datetime(2021, 2, 15, 7, 0)


@pytest.mark.parametrize(("name", "text"), [("a.toml", SPEC_TOML), ("a.json", SPEC_JSON)])
def test_numbers_are_read_as_exact_decimals(tmp_path: Path, name: str, text: str) -> None:
    a = incentives.load_agreement(write(tmp_path, name, text))
    assert same_decimal(a.payout[2].per_hour, "12.35")
    assert same_decimal(a.payout[3].base_rate_multiplier, "0.1")
    assert a.payout[3].base_rate_multiplier != Decimal.from_float(0.1)  # not the binary float
    assert same_decimal(a.limits.max_amount_total, "1234567.89")
    assert same_decimal(a.limits.max_amount_per_workweek, "600.00")
    # strings are decimals too, digits kept
    assert same_decimal(a.payout[1].per_shift, "100.00")
    assert same_decimal(a.limits.max_amount_per_pay_period, "1000.00")
    assert floats_in(a.model_dump()) == []


def test_small_toml_numbers_stay_exact(tmp_path: Path) -> None:
    text = (
        'id = "x"\ntitle = "x"\ntimezone = "America/Los_Angeles"\n'
        '[[windows]]\nstart = "2020-12-01T00:00"\nend = "2021-01-01T00:00"\n'
        '[eligibility]\nclassifications = ["*"]\nmin_hours = 0.1\n'
        "[extra]\nhours_per_fte = 37.5\nminimum_hours = 0.3\n"
        "[[payout]]\nper_hour = 0.1\n"
        "[[payout]]\ntiers = [{ min_hours = 0.1, amount = 0.2 },"
        " { min_hours = 0.3, amount = 0.3 }]\n"
    )
    a = incentives.load_agreement(write(tmp_path, "small.toml", text))
    assert same_decimal(a.eligibility.min_hours, "0.1")
    assert same_decimal(a.extra.hours_per_fte, "37.5")
    assert same_decimal(a.extra.minimum_hours, "0.3")
    assert same_decimal(a.payout[0].per_hour, "0.1")
    tiers = a.payout[1].tiers
    assert tiers is not None
    assert same_decimal(tiers[0].min_hours, "0.1")
    assert same_decimal(tiers[0].amount, "0.2")
    assert tiers[0].amount + Decimal("0.1") == tiers[1].amount  # 0.1 + 0.2 == 0.3 exactly


def test_toml_and_json_give_equal_agreements(tmp_path: Path) -> None:
    from_toml = incentives.load_agreement(write(tmp_path, "a.toml", SPEC_TOML))
    from_json = incentives.load_agreement(write(tmp_path, "a.json", SPEC_JSON))
    assert from_toml == from_json
    assert from_toml.model_dump(mode="json") == from_json.model_dump(mode="json")


def test_load_accepts_str_and_path_and_upper_case_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", SPEC_TOML)
    upper = write(tmp_path, "B.JSON", SPEC_JSON)
    assert incentives.load_agreement(str(path)) == incentives.load_agreement(path)
    assert incentives.load_agreement(upper) == incentives.load_agreement(path)


# --------------------------------------------------------------------------- bad files


def raises_agreement_error(path: Path, *fragments: str) -> AgreementError:
    """``load_agreement(path)`` raises an AgreementError naming the file and the fragments."""
    pattern = "(?s)" + "".join(f"(?=.*{re.escape(f)})" for f in (str(path), *fragments))
    with pytest.raises(AgreementError, match=pattern) as info:
        incentives.load_agreement(path)
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, IncentivesError)
    return error


def test_invalid_toml_syntax(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", 'id = "x"\ntitle = \n')
    raises_agreement_error(path, "TOML", "line 2")


def test_invalid_json_syntax(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "id": "x",\n}\n')
    raises_agreement_error(path, "JSON", "line 3")


def test_toml_offset_date_time_as_window_bound_is_refused(tmp_path: Path) -> None:
    # Window bounds are local wall-clock times (SPEC 1.1): an unquoted TOML date-time with
    # a UTC offset is not one.
    text = SPEC_TOML.replace('start = "2020-07-03T07:00"', "start = 2020-07-03T07:00:00-07:00")
    path = write(tmp_path, "offset.toml", text)
    raises_agreement_error(path, "windows[0].start")


@pytest.mark.parametrize("name", ["agreement.yaml", "agreement.txt", "agreement", "a.toml.bak"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, SPEC_TOML)
    raises_agreement_error(path, ".toml", ".json")


def test_missing_file(tmp_path: Path) -> None:
    raises_agreement_error(tmp_path / "nowhere.toml", "no such file")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    path = tmp_path / "folder.json"
    path.mkdir()
    raises_agreement_error(path)


@pytest.mark.parametrize("text", ["[1, 2]", '"agreement"', "null", "42"])
def test_json_top_level_must_be_an_object(tmp_path: Path, text: str) -> None:
    raises_agreement_error(write(tmp_path, "top.json", text))


def test_toml_error_names_file_and_key_path(tmp_path: Path) -> None:
    text = SPEC_TOML.replace(
        '{ min_hours = 10, amount = "200.00" }', '{ min_hours = 10, amout = "200.00" }'
    )
    path = write(tmp_path, "typo.toml", text)
    raises_agreement_error(path, "payout[0].tiers[1].amout: unknown key")


def test_json_error_names_file_and_key_path(tmp_path: Path) -> None:
    data = json.loads(SPEC_JSON)
    data["payout"][1]["tiers"] = [{"min_hours": 8, "amout": "200.00"}]
    del data["payout"][1]["per_shift"]
    path = write(tmp_path, "typo.json", json.dumps(data))
    raises_agreement_error(path, "payout[1].tiers[0].amout: unknown key")


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    text = (
        SPEC_TOML.replace('id = "unac-uhcp-2020-07"', 'id = "UNAC UHCP"')
        .replace('timezone = "America/Los_Angeles"', 'timezone = "America/Nowhere"')
        .replace('per_shift = "100.00"', 'per_shift = "-100.00"')
        .replace('stacking = "exclusive"', 'stacking = "exclusive"\ncolour = "blue"')
    )
    path = write(tmp_path, "many.toml", text)
    error = raises_agreement_error(
        path, "id: ", "timezone: ", "payout[1].per_shift: ", "colour: unknown key"
    )
    assert str(error).count(str(path)) == 1


def test_amendment_error_in_toml_names_the_amendment(tmp_path: Path) -> None:
    text = SPEC_TOML.replace('start = "2021-01-04T07:00"', 'start = "2021-03-14T02:30"').replace(
        'end = "2021-02-15T07:00"', 'end = "2021-03-21T07:00"'
    )
    path = write(tmp_path, "gap.toml", text)
    raises_agreement_error(path, "amendments[0].windows[0].start: 2021-03-14T02:30 does not exist")


# --------------------------------------------------------------------------- JSON Schema

TOP_LEVEL_KEYS = {
    "overtime",
    "id",
    "title",
    "union",
    "employer",
    "source",
    "timezone",
    "workweek_start",
    "pay_period",
    "hours_rounding",
    "stacking",
    "windows",
    "eligibility",
    "extra",
    "attendance",
    "periods",
    "payout",
    "limits",
    "amendments",
}


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> list[str]:
    """Every problem the JSON Schema finds in ``value``, as ``.key.path: message``."""
    assert schema is root
    jsonschema.Draft202012Validator.check_schema(schema)
    found = jsonschema.Draft202012Validator(schema).iter_errors(value)
    return sorted(f"{_where(e.absolute_path)}: {e.message}" for e in found)


def _where(path: Any) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def toml_as_json_text(path: Path) -> str:
    """A TOML agreement converted to JSON text: dates as ISO strings, numbers as numbers."""

    def default(value: Any) -> Any:
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)  # written back in its shortest form: 12.35 stays 12.35
        raise TypeError(repr(value))

    with path.open("rb") as handle:
        data = tomllib.load(handle, parse_float=Decimal)
    return json.dumps(data, default=default, indent=2)


def toml_as_json(path: Path) -> Any:
    """:func:`toml_as_json_text` read back as JSON, numbers as decimals."""
    return json.loads(toml_as_json_text(path), parse_float=Decimal)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return incentives.agreement_json_schema()


def test_schema_is_json(schema: dict[str, Any]) -> None:
    assert json.loads(json.dumps(schema)) == schema


def test_schema_has_every_top_level_key(schema: dict[str, Any]) -> None:
    assert schema["type"] == "object"
    assert set(schema["properties"]) == TOP_LEVEL_KEYS
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "id",
        "title",
        "timezone",
        "windows",
        "eligibility",
        "payout",
    }


def test_schema_forbids_unknown_keys_in_every_table(schema: dict[str, Any]) -> None:
    tables = [schema, *schema["$defs"].values()]
    objects = [s for s in tables if "properties" in s]
    assert {s["title"] for s in objects} >= {
        "Window",
        "PayPeriod",
        "Eligibility",
        "Extra",
        "Attendance",
        "Tier",
        "PayoutComponent",
        "Limits",
        "Amendment",
    }
    assert all(s["additionalProperties"] is False for s in objects)


def test_scenarios_exist() -> None:
    assert len(SCENARIO_AGREEMENTS) >= 5


@pytest.mark.parametrize("path", SCENARIO_AGREEMENTS, ids=lambda p: p.parent.name)
def test_schema_validates_scenario_agreements(
    schema: dict[str, Any], path: Path, tmp_path: Path
) -> None:
    data = toml_as_json(path)
    assert schema_errors(data, schema, schema) == []
    # the converted JSON file is the same agreement as the TOML one
    converted = tmp_path / "agreement.json"
    converted.write_text(toml_as_json_text(path), encoding="utf-8")
    assert incentives.load_agreement(converted) == incentives.load_agreement(path)


@pytest.mark.parametrize(("name", "text"), [("a.toml", SPEC_TOML), ("a.json", SPEC_JSON)])
def test_schema_validates_spec_example(
    schema: dict[str, Any], tmp_path: Path, name: str, text: str
) -> None:
    # The schema lists employment statuses in their canonical spelling only; the loader
    # also forgives case and "-" (tested in test_agreement.py).
    path = write(tmp_path, name, text.replace('"Part-time"', '"part_time"'))
    data = (
        toml_as_json(path)
        if name.endswith(".toml")
        else json.loads(path.read_text(), parse_float=Decimal)
    )
    assert schema_errors(data, schema, schema) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(colour="blue"), ": Additional properties are not allowed ('colour'"),
        (lambda d: d.pop("id"), ": 'id' is a required property"),
        (lambda d: d.update(stacking="highest"), ".stacking: 'highest' is not one of"),
        (lambda d: d["payout"].append({"tiers": [{"min_hours": 8, "amout": "1"}]}), "'amout'"),
        (lambda d: d["eligibility"].update(unit=["ICU"]), ".eligibility: Additional properties"),
        (lambda d: d.update(windows=[]), ".windows: [] should be non-empty"),
        (lambda d: d.update(id="Bad Id"), ".id: 'Bad Id' does not match"),
    ],
)
def test_schema_rejects_bad_agreements(schema: dict[str, Any], change: Any, where: str) -> None:
    data = toml_as_json(SCENARIO_AGREEMENTS[0])
    assert schema_errors(data, schema, schema) == []
    change(data)
    errors = schema_errors(data, schema, schema)
    assert any(where in e for e in errors), errors


# --------------------------------------------------------------------------- wrong types

# The smallest agreement (docs/reference/agreement.md) as a JSON mapping.
SMALLEST: dict[str, Any] = {
    "id": "flat-100",
    "title": "Flat $100 per extra shift",
    "timezone": "America/Los_Angeles",
    "windows": [{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}],
    "eligibility": {"classifications": ["*"]},
    "payout": [{"per_shift": "100.00"}],
}


def problems_of_json(tmp_path: Path, **parts: Any) -> list[str]:
    """The problems ``load_agreement`` lists for the smallest agreement with ``parts``."""
    path = write(tmp_path, "agreement.json", json.dumps({**SMALLEST, **parts}))
    error = raises_agreement_error(path)
    return error.problems


def test_a_table_given_as_a_value_is_one_problem_at_its_key(tmp_path: Path) -> None:
    assert problems_of_json(tmp_path, extra=5, attendance="sick") == [
        "extra: Input should be a valid dictionary or instance of Extra (got 5)",
        "attendance: Input should be a valid dictionary or instance of Attendance (got 'sick')",
    ]


def test_periods_that_are_not_a_table_are_not_also_a_missing_day_part(tmp_path: Path) -> None:
    # The payout names the day-part "night": with periods unreadable, that is not reported
    # as a second problem ("not defined in periods").
    payout = [{"per_shift": "100.00", "periods": ["night"]}]
    assert problems_of_json(tmp_path, periods="night", payout=payout) == [
        "periods: Input should be a valid dictionary (got 'night')"
    ]


def test_a_day_part_name_is_one_word(tmp_path: Path) -> None:
    periods = {"night shift": "23:00-07:00", "day": "07:00-23:00"}
    assert problems_of_json(tmp_path, periods=periods) == [
        "periods.night shift: a day-part name is one word"
    ]


@pytest.mark.parametrize("bound", [7, None, ["2020-12-27T07:00"]])
def test_a_window_bound_that_is_not_text_is_refused(tmp_path: Path, bound: Any) -> None:
    windows = [{"start": bound, "end": "2021-01-04T07:00"}]
    assert problems_of_json(tmp_path, windows=windows) == [
        "windows[0].start: must be a local date and time like 2020-07-03T07:00"
    ]

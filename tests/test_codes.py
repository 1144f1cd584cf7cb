"""Stable error codes: the errors reference lists exactly the registered codes, every
registered code is raised by the library, and each row code comes out of a real input
with its values."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import incentives
from incentives import _templates
from incentives._problems import TEMPLATES, pydantic_family, shown

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "incentives"
ERRORS_MD = ROOT / "docs" / "reference" / "errors.md"

FLAT = """
id = "flat-100"
title = "Flat $100 per extra shift"
timezone = "America/Los_Angeles"

[[windows]]
start = "2020-12-01T00:00"
end = "2021-04-01T00:00"

[eligibility]
classifications = ["*"]

[[payout]]
per_shift = "100.00"
"""
HEADER = "employee_id,classification,start,end,extra,status,employment_status,fte,"
HEADER += "unpaid_break_minutes,paid"


# --------------------------------------------------------------------------- the list


def documented() -> dict[str, str]:
    """The codes of the errors reference's tables, with their sentences."""
    text = ERRORS_MD.read_text(encoding="utf-8")
    section = text.split("## Codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| `(.*)` \|$", section, flags=re.MULTILINE)
    return {code: template.replace("\\|", "|") for code, template in rows}


def test_the_reference_lists_every_code_with_its_sentence() -> None:
    assert documented() == TEMPLATES


def test_codes_are_dotted_lower_case_words() -> None:
    for code in TEMPLATES:
        assert re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+)+", code), code


def _literals() -> set[str]:
    """Every text constant in the package's code, outside the templates themselves."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_templates.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


_RAISERS = {"problem", "coded", "coded_expr", "invalid", "Bad", "Problem"}


def _first_arguments() -> list[tuple[str, int, str]]:
    """The code given to each call that makes a problem, where the code is written out."""
    calls: list[tuple[str, int, str]] = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            raises = name in _RAISERS or (name.endswith("Error") and hasattr(incentives, name))
            if raises and isinstance(first, ast.Constant) and isinstance(first.value, str):
                calls.append((path.name, node.lineno, first.value))
    return calls


def test_every_code_the_library_writes_out_is_registered() -> None:
    calls = _first_arguments()
    assert len(calls) > 80
    assert [c for c in calls if c[2] not in TEMPLATES] == []


def test_every_registered_code_is_raised_somewhere() -> None:
    families = set(_templates.KEYS)
    generated = {
        f"{prefix}.{family}"
        for prefix in ("agreement", "profile_file", "cases", "request")
        for family in families
    }
    assert set(TEMPLATES) - _literals() - generated == set()
    kinds = ["missing", "extra_forbidden", "string_pattern_mismatch", "literal_error",
             "greater_than_equal", "decimal_parsing", "value_error"]  # fmt: skip
    assert {pydantic_family(k) for k in kinds} == families


def test_an_unregistered_code_cannot_be_raised() -> None:
    with pytest.raises(KeyError, match="not a registered problem code"):
        incentives.ShiftFileError("file.nothing", source="x")


# --------------------------------------------------------------------------- exceptions


def _exception_classes() -> list[type[BaseException]]:
    found = []
    for module in _modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found.append(value)
    return found


def _modules() -> list[Any]:
    import importlib

    names = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py":  # it runs the command line
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(p for p in parts if p != "__init__"))
    return [importlib.import_module(n) for n in sorted(names)]


INTERNAL = {
    "Bad": "a value's problem inside incentives._rows, made a row error there",
    "CannotWrite": "caught by the command line, exit status 3",
    "PipeClosed": "caught by the command line, which stops quietly",
    "Refused": "caught by the service, which answers with its status and body",
}


def test_no_private_exception_class_leaves_the_library() -> None:
    public = set(incentives.__all__)
    classes = _exception_classes()
    assert {c.__name__ for c in classes} >= {"AgreementError", "Bad"}
    for cls in classes:
        if cls.__name__ in INTERNAL:
            continue
        assert cls.__name__ in public, cls
        assert issubclass(cls, incentives.IncentivesError), cls


def test_every_library_error_has_a_code_and_values() -> None:
    with pytest.raises(incentives.ArgumentError) as caught:
        incentives.evaluate([], [])
    assert (caught.value.code, dict(caught.value.values)) == ("argument.no_agreement", {})
    agreement = incentives.Agreement.model_validate(_flat())
    with pytest.raises(incentives.ArgumentError) as caught:
        incentives.evaluate([agreement], [], timezone="Mars/Base")
    assert caught.value.code == "argument.timezone"
    assert caught.value.values == {"value": "Mars/Base"}
    assert str(caught.value) == (
        "timezone: 'Mars/Base' is not an IANA time zone (for example 'America/Los_Angeles')"
    )


def test_a_shifts_file_error_has_its_code(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("employee_id,start,end\nE1,2021-01-01T07:00,2021-01-01T19:00\n")
    with pytest.raises(incentives.ShiftFileError) as caught:
        incentives.read_shifts(path)
    assert caught.value.code == "file.missing_columns"
    assert caught.value.values == {
        "source": str(path),
        "noun": "column",
        "columns": ["classification"],
        "header": ["employee_id", "start", "end"],
    }
    assert str(caught.value) == (
        f"{path}: missing required column classification (the header has: employee_id, start, end)"
    )


def test_an_agreement_error_lists_each_problem_with_its_code_and_key(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    bad = FLAT.replace('end = "2021-04-01T00:00"', 'end = "2020-11-01T00:00"')
    path.write_text(bad.replace("[eligibility]", "[eligibility]\nunit = 'ICU'"))
    with pytest.raises(incentives.AgreementError) as caught:
        incentives.load_agreement(path)
    details = [(p.code, dict(p.values)) for p in caught.value.details]
    assert details == [
        (
            "agreement.window.order",
            {"key": "windows[0]", "end": "2020-11-01T00:00", "start": "2020-12-01T00:00"},
        ),
        ("agreement.key.unknown", {"key": "eligibility.unit"}),
    ]
    assert caught.value.problems == [
        "windows[0]: end 2020-11-01T00:00 must be after start 2020-12-01T00:00",
        "eligibility.unit: unknown key (is it misspelt?)",
    ]
    assert caught.value.code == "agreement.invalid"


def test_a_window_bound_in_a_gap_has_the_gap_as_values() -> None:
    data = _flat()
    data["windows"] = [{"start": "2021-03-14T02:30", "end": "2021-04-01T00:00"}]
    with pytest.raises(incentives.AgreementError) as caught:
        incentives._load.agreement_from_mapping(data)
    [found] = caught.value.details
    assert found.code == "agreement.window.skipped"
    assert dict(found.values) == {
        "key": "windows[0].start",
        "time": "2021-03-14T02:30",
        "zone": "America/Los_Angeles",
        "gap_start": "02:00",
        "gap_end": "03:00",
    }


def _flat() -> dict[str, Any]:
    import tomllib

    return tomllib.loads(FLAT)


# --------------------------------------------------------------------------- row codes


def _errors(tmp_path: Path, text: str, suffix: str = ".csv", **options: Any) -> list[Any]:
    path = tmp_path / f"shifts{suffix}"
    path.write_text(text, encoding="utf-8")
    agreement = incentives.Agreement.model_validate(_flat())
    profile = options.pop("profile", None)
    batch = incentives.read_shifts(path, profile=profile)
    return incentives.evaluate([agreement], batch, **options).errors


def _row(cells: str) -> str:
    return f"{HEADER}\n{cells}\n"


T = "E1,RN,2020-12-10T07:00,2020-12-10T19:00"
CSV_CASES = {
    "value.missing": (
        ",RN,2020-12-10T07:00,2020-12-10T19:00,true,,,,,",
        "employee_id",
        {"field": "employee_id"},
    ),
    "value.not_decimal": (f"{T},true,,,0.9x,,", "fte", {"field": "fte", "value": "0.9x"}),
    "value.not_finite": (f"{T},true,,,NaN,,", "fte", {"field": "fte", "value": "NaN"}),
    "value.too_large": (
        f"{T},true,,,1e20,,",
        "fte",
        {"field": "fte", "value": "1e20", "digits": 12},
    ),
    "value.too_precise": (
        f"{T},true,,,0.1234567,,",
        "fte",
        {"field": "fte", "value": "0.1234567", "places": 6},
    ),
    "value.fraction_of_cent": (
        f"{T},true,,,,,12.345",
        "paid",
        {"field": "paid", "value": "12.345"},
    ),
    "value.negative": (f"{T},true,,,-1,,", "fte", {"field": "fte", "value": "-1"}),
    "value.not_boolean": (f"{T},maybe,,,,,", "extra", {"field": "extra", "value": "maybe"}),
    "value.not_minutes": (
        f"{T},true,,,,half,",
        "unpaid_break_minutes",
        {"field": "unpaid_break_minutes", "value": "half"},
    ),
    "value.not_choice": (
        f"{T},true,,casual,,,",
        "employment_status",
        {
            "field": "employment_status",
            "value": "casual",
            "choices": ["full_time", "part_time", "on_call", "per_diem", "temporary"],
        },
    ),
    "value.not_one_word": (
        f"{T},true,jury duty,,,,",
        "status",
        {"field": "status", "value": "jury duty"},
    ),
    "time.not_iso": (
        "E1,RN,2020-12-12,2020-12-12T19:00,true,,,,,",
        "start",
        {"value": "2020-12-12"},
    ),
    "time.fraction": (
        "E1,RN,2020-12-12T07:00:00.5,2020-12-12T19:00,true,,,,,",
        "start",
        {"value": "2020-12-12T07:00:00.5"},
    ),
    "time.out_of_range": (
        "E1,RN,1899-12-31T07:00,1899-12-31T19:00,true,,,,,",
        "start",
        {"value": "1899-12-31T07:00"},
    ),
    "time.skipped": (
        "E1,RN,2021-03-14T02:30,2021-03-14T09:00,true,,,,,",
        "start",
        {
            "time": "2021-03-14T02:30",
            "zone": "America/Los_Angeles",
            "gap_start": "02:00",
            "gap_end": "03:00",
        },
    ),
    "time.repeated": (
        "E1,RN,2020-11-01T01:30,2020-11-01T09:00,true,,,,,",
        "start",
        {
            "time": "2020-11-01T01:30",
            "zone": "America/Los_Angeles",
            "earlier": "-07:00",
            "later": "-08:00",
        },
    ),
    "row.end_not_after_start": ("E1,RN,2020-12-10T19:00,2020-12-10T07:00,true,,,,,", "end", {}),
    "row.too_long": (
        "E1,RN,2020-12-11T07:00,2020-12-12T13:00,true,,,,,",
        "end",
        {"hours": "30", "seconds": 108000},
    ),
    "row.break_too_long": (
        "E1,RN,2020-12-13T07:00,2020-12-13T08:00,true,,,,60,",
        "unpaid_break_minutes",
        {"minutes": "60"},
    ),
    "row.width": ("E1,RN,2020-12-14T07:00", "end", {"count": 3, "columns": 10}),
}


@pytest.mark.parametrize("code", list(CSV_CASES))
def test_each_row_code_comes_out_of_a_csv_row_with_its_values(tmp_path: Path, code: str) -> None:
    cells, field, values = CSV_CASES[code]
    [error] = _errors(tmp_path, _row(cells))
    assert (error.line, error.field, error.code, error.values) == (2, field, code, values)
    template_words = re.sub(r"\{[^}]*\}", "", TEMPLATES[code]).split()[:2]
    assert all(word in error.message for word in template_words)


def test_a_double_claim_names_the_earlier_row(tmp_path: Path) -> None:
    text = _row(f"{T},true,,,,,") + "E1,RN,2020-12-10T18:00,2020-12-11T02:00,true,,,,,\n"
    [error] = _errors(tmp_path, text)
    assert (error.line, error.field, error.code) == (3, "start", "row.overlap")
    assert error.values == {
        "other_line": 2,
        "employee_id": "E1",
        "other_start": "2020-12-10 07:00 PST",
        "other_end": "2020-12-10 19:00 PST",
    }
    assert error.message == (
        "overlaps line 2 of employee E1 (2020-12-10 07:00 PST to 2020-12-10 19:00 PST): a "
        "likely double claim"
    )


START, END = '"start": "2020-12-10T07:00"', '"end": "2020-12-10T19:00"'
JSON_CASES = {
    "json.invalid": ("{", None, {"reason": "Expecting property name enclosed in double quotes"}),
    "json.not_object": ("[1]", None, {}),
    "json.key_twice": (
        f'{{"employee_id": "E1", "Employee_ID": "E2", "classification": "RN", {START}, {END}}}',
        "employee_id",
        {"key_name": "employee_id"},
    ),
    "json.surrogate": (
        f'{{"employee_id": "E\\ud800", "classification": "RN", {START}, {END}}}',
        "employee_id",
        {},
    ),
    "value.not_text": (
        f'{{"employee_id": "E1", "classification": true, {START}, {END}}}',
        "classification",
        {"field": "classification", "value": True},
    ),
    "value.not_time": (
        f'{{"employee_id": "E1", "classification": "RN", "start": 7, {END}}}',
        "start",
        {"value": 7},
    ),
}


@pytest.mark.parametrize("code", list(JSON_CASES))
def test_each_json_lines_code_comes_out_of_a_line(tmp_path: Path, code: str) -> None:
    line, field, values = JSON_CASES[code]
    [error] = _errors(tmp_path, line + "\n", ".jsonl")
    assert (error.line, error.field, error.code, error.values) == (1, field, code, values)


def test_a_naive_time_with_agreements_in_two_zones_is_time_no_zone() -> None:
    east = _flat() | {"id": "east", "timezone": "America/New_York"}
    agreements = [incentives.Agreement.model_validate(d) for d in (_flat(), east)]
    shift = incentives.Shift(
        employee_id="E1",
        classification="RN",
        start=dt.datetime(2020, 12, 10, 7),
        end=dt.datetime(2020, 12, 10, 19, tzinfo=dt.UTC),
        extra=True,
    )
    [error] = incentives.evaluate(agreements, [shift]).errors
    assert (error.field, error.code, error.values) == (
        "start",
        "time.no_zone",
        {"time": "2020-12-10T07:00"},
    )


def test_an_aware_time_its_zone_skips_is_time_not_in_zone() -> None:
    agreement = incentives.Agreement.model_validate(_flat())
    gap = dt.datetime(2021, 3, 14, 2, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    shift = incentives.Shift(
        employee_id="E1", classification="RN", start=gap, end=gap + dt.timedelta(hours=8)
    )
    [error] = incentives.evaluate([agreement], [shift]).errors
    assert (error.field, error.code, error.values) == (
        "start",
        "time.not_in_zone",
        {"time": "2021-03-14T02:30", "zone": "America/Los_Angeles"},
    )


PROFILE = """
name = "dated"
date_format = "%m/%d/%Y"
time_format = "%H:%M"
[columns]
"Shift Date" = "date"
"Emp" = "employee_id"
"Job" = "classification"
"In" = "start"
"Out" = "end"
"""


def test_a_profile_format_code_names_the_file_column(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(PROFILE, encoding="utf-8")
    text = "Emp,Job,Shift Date,In,Out,extra\nE1,RN,13/45/2020,07:00,19:00,true\n"
    text += "E2,RN,12/10/2020,7h,19:00,true\n"
    first, second = _errors(tmp_path, text, profile=tmp_path / "p.toml")
    assert (first.field, first.code, first.values) == (
        "start",
        "profile.date",
        {"value": "13/45/2020", "format": "%m/%d/%Y", "column": "Shift Date"},
    )
    assert first.message == "date '13/45/2020' does not match %m/%d/%Y (column 'Shift Date')"
    assert (second.field, second.code, second.values) == (
        "start",
        "profile.time",
        {"value": "7h", "format": "%H:%M", "column": "In"},
    )
    assert second.message == "time '7h' does not match %H:%M (column 'In')"


def test_a_stamp_that_does_not_match_is_profile_datetime(tmp_path: Path) -> None:
    profile = 'name = "stamps"\ndatetime_format = "%m/%d/%Y %H:%M"\n'
    (tmp_path / "p.toml").write_text(profile, encoding="utf-8")
    text = "employee_id,classification,start,end,extra\nE1,RN,12/10/2020 07:00,noon,true\n"
    [error] = _errors(tmp_path, text, profile=tmp_path / "p.toml")
    assert (error.field, error.code, error.values) == (
        "end",
        "profile.datetime",
        {"value": "noon", "format": "%m/%d/%Y %H:%M"},
    )


def test_every_row_code_is_exercised_above() -> None:
    exercised = {*CSV_CASES, *JSON_CASES, "row.overlap", "time.no_zone", "time.not_in_zone"}
    exercised |= {"profile.date", "profile.time", "profile.datetime"}
    assert exercised == set(_templates.ROW)


def test_the_json_report_writes_code_and_values(tmp_path: Path) -> None:
    [error] = _errors(tmp_path, _row("E1,RN,2021-03-14T02:30,2021-03-14T09:00,true,,,,,"))
    dumped = error.model_dump(mode="json")
    assert list(dumped) == ["line", "field", "code", "message", "values", "employee_id"]
    assert json.loads(json.dumps(dumped))["values"]["gap_end"] == "03:00"


def test_a_long_value_is_shown_cut_short_but_kept_whole_in_values(tmp_path: Path) -> None:
    value = "x" * 100
    [error] = _errors(tmp_path, _row(f"{T},{value},,,,,"))
    assert error.values == {"field": "extra", "value": value}
    assert shown(value) in error.message
    assert len(error.message) < 120

"""The JSON Schemas validate what the library reads and writes: every bundled agreement,
every example's report and the reports the engine makes, generated shifts records; and
they refuse what the models refuse (negative money, unknown keys)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import incentives
from incentives._schemas import WHAT, json_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/agreement.toml"))
BENCHMARK_AGREEMENTS = sorted((ROOT / "benchmarks" / "agreements").glob("*.toml"))


def validator(what: str) -> jsonschema.protocols.Validator:
    schema = json_schema(what)  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_json(value: Any) -> Any:
    """A TOML value as JSON writes it: dates and times as text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def problems(what: str, data: Any) -> list[str]:
    return sorted(e.message for e in validator(what).iter_errors(data))


@pytest.mark.parametrize("what", WHAT)
def test_every_schema_is_a_valid_draft_2020_12_schema_with_an_id(what: str) -> None:
    schema = json_schema(what)  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:incentives:schema:{what}"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    "path", [*EXAMPLES, *BENCHMARK_AGREEMENTS], ids=lambda p: p.parent.name + "/" + p.name
)
def test_bundled_agreements_are_valid(path: Path) -> None:
    data = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    assert problems("agreement", data) == []


def test_the_agreement_schema_refuses_what_the_model_refuses() -> None:
    data = as_json(tomllib.loads(EXAMPLES[0].read_text(encoding="utf-8")))
    data["payout"] = [{"per_shift": "-100"}]
    assert problems("agreement", data) == ["'-100' is not valid under any of the given schemas"]
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        incentives.Agreement.model_validate(data)
    data["payout"] = [{"per_shift": "100.00", "per_shfit": "1"}]
    assert any("per_shfit" in p for p in problems("agreement", data))


def test_every_agreement_key_has_a_description() -> None:
    schema = json_schema("agreement")
    defs = schema["$defs"]

    def described(field: dict[str, Any]) -> bool:
        # A required table is a bare reference: its definition carries the description.
        ref = field.get("$ref", "").removeprefix("#/$defs/")
        return bool(field.get("description") or (ref and defs[ref].get("description")))

    missing = [
        f"{name}.{key}"
        for name, part in [("", schema), *defs.items()]
        for key, field in part.get("properties", {}).items()
        if not described(field)
    ]
    assert missing == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "examples").glob("*/expected.json")), ids=lambda p: p.parent.name
)
def test_example_reports_are_valid(path: Path) -> None:
    assert problems("report", json.loads(path.read_text(encoding="utf-8"))) == []


def test_reports_with_errors_claims_and_overtime_are_valid(tmp_path: Path) -> None:
    folder = ROOT / "examples" / "usw7600-rcp-overtime"
    shifts = tmp_path / "shifts.csv"
    text = (folder / "shifts.csv").read_text(encoding="utf-8")
    shifts.write_text(text + "R9,Respiratory Care Practitioner,X,2020-12-28T07:00,nope,true,,,,\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "incentives",
            "check",
            "-a",
            str(folder / "agreement.toml"),
            str(shifts),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["errors"]
    assert report["overtime"]
    assert report["claims"]
    assert problems("report", report) == []
    report["totals"]["amount"] = -1
    assert problems("report", report) != []


def test_generated_shifts_records_are_valid(tmp_path: Path) -> None:
    out = tmp_path / "shifts.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--rows", "300", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    check = validator("shifts")
    assert [r for r in records if not check.is_valid(r)] == []
    assert not check.is_valid({"employee_id": "E1", "classification": "RN", "start": "x"})
    assert not check.is_valid({**records[0], "paid": "-1.00"})


def test_schema_command_prints_each(tmp_path: Path) -> None:
    for what in WHAT:
        done = subprocess.run(
            [sys.executable, "-m", "incentives", "schema", "--what", what],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(done.stdout) == json.loads(json.dumps(json_schema(what)))


def test_money_in_a_report_is_text_of_two_places() -> None:
    report = json.loads((ROOT / "examples" / "usw7600-rcp" / "expected.json").read_text())
    for amount, valid in (("300.00", True), ("300", False), (300, False), ("-1.00", False)):
        report["totals"]["amount"] = amount
        assert (problems("report", report) == []) is valid, amount
    report["totals"]["amount"] = "1950.00"
    report["rows"][0]["difference"] = "-300.00"
    assert problems("report", report) == []
    assert Decimal(report["rows"][0]["difference"]) < 0

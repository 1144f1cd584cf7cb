"""Every example folder is checked: its report is exactly its ``expected.json``.

An example folder in ``examples/`` holds ``agreement*.toml`` (passed in name order),
``shifts.csv`` and ``expected.json``, the JSON report of ``incentives check -a AGREEMENT...
shifts.csv --format json``. If the folder has an ``args.txt``, its whitespace-separated words
are extra arguments (for example ``--as-of 2021-01-15``). The command line is run for real,
from the folder, and its report must equal ``expected.json`` exactly, so the examples and
the code cannot disagree; only ``tzdata`` (the version of the installed zone rules) is taken
from the run. The ``code`` and ``values`` of each reason and adjustment came after the
examples were written: the report adds them, and a test of their own checks them.
A folder without ``expected.json`` fails: its hand-worked outcome has not been
pinned down yet.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


ADDED = ("code", "values")
"""Keys of a reason and an adjustment that the report gained after the examples were written."""


def check_args(folder: Path) -> list[str]:
    """The arguments of ``incentives check`` for an example folder."""
    agreements = sorted(folder.glob("agreement*.toml"))
    args = ["check"]
    for agreement in agreements:
        args += ["-a", agreement.name]
    args += ["shifts.csv", "--format", "json"]
    extra = folder / "args.txt"
    if extra.is_file():
        args += extra.read_text(encoding="utf-8").split()
    return args


def run_check(folder: Path) -> tuple[int, Any, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "incentives", *check_args(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    report = json.loads(proc.stdout) if proc.returncode in (0, 1) else None
    return proc.returncode, report, proc.stderr


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, as ``path: expected ... got ...`` lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}" if path else key
            if key not in actual:
                found.append(f"{where}: missing from the report")
            elif key not in expected:
                if key not in ADDED or not re.search(r"\.(reasons|adjustments)\[\d+\]$", path):
                    found.append(f"{where}: in the report but not in expected.json")
            else:
                found += differences(expected[key], actual[key], where)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items expected, {len(actual)} in the report"]
        found = []
        for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found += differences(want, got, f"{path}[{i}]")
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def test_there_are_examples() -> None:
    assert FOLDERS, "no example folders in examples/"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_example_report_is_exactly_expected_json(folder: Path) -> None:
    name = f"examples/{folder.name}"
    if not sorted(folder.glob("agreement*.toml")):
        pytest.fail(f"{name} has no agreement*.toml")
    if not (folder / "shifts.csv").is_file():
        pytest.fail(f"{name} has no shifts.csv")
    expected_file = folder / "expected.json"
    if not expected_file.is_file():
        pytest.fail(
            f"{name} has no expected.json: write the report the example's page works out by "
            f"hand, check it, and save it (incentives {' '.join(check_args(folder))} "
            f"> expected.json, run in {name})"
        )
    status, report, stderr = run_check(folder)
    assert status in (0, 1), f"{name}: incentives exited {status}: {stderr}"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    if isinstance(expected, dict) and isinstance(report, dict) and "tzdata" in expected:
        # The zone rules' version is the installed tzdata's, not the example's.
        expected["tzdata"] = report.get("tzdata")
    found = differences(expected, report)
    assert not found, f"{name}: the report differs from expected.json:\n" + "\n".join(found[:40])


def test_differences_name_the_path() -> None:
    assert differences({"a": [1, {"b": "2.00"}]}, {"a": [1, {"b": "2.50"}]}) == [
        "a[1].b: expected '2.00', got '2.50'"
    ]
    assert differences({"a": 1}, {"a": 1, "c": 2}) == ["c: in the report but not in expected.json"]
    assert differences([1], [1, 2]) == [": 1 items expected, 2 in the report"]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_reason_of_an_example_has_a_code_and_values(folder: Path) -> None:
    status, report, _ = run_check(folder)
    assert status in (0, 1)
    reasons = [r for row in report["rows"] for o in row["outcomes"] for r in o["reasons"]]
    assert reasons
    for reason in reasons:
        assert reason["code"].split(".")[0] == reason["rule"], reason
        assert isinstance(reason["values"], dict)
    for row in report["rows"]:
        for outcome in row["outcomes"]:
            for adjustment in outcome["adjustments"]:
                assert adjustment["code"].split(".")[0] == adjustment["rule"]


def test_added_keys_are_allowed_only_in_reasons_and_adjustments() -> None:
    reason = {"rule": "window", "ok": True, "detail": "x"}
    report = {"rows": [{"reasons": [reason | {"code": "window.a", "values": {}}]}]}
    assert differences({"rows": [{"reasons": [reason]}]}, report) == []
    assert differences({"rows": [{}]}, {"rows": [{"code": "x"}]}) == [
        "rows[0].code: in the report but not in expected.json"
    ]

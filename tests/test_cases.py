"""Agreement tests (``incentives test``): the examples' test files pass, a failure shows
what differs and why, and a bad test file names the key."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from incentives import CaseFileError
from incentives._cases import load_cases, run_case

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/tests.toml"))
RCP = ROOT / "examples" / "usw7600-rcp" / "agreement.toml"
ROW = (
    '{ employee_id = "R1", classification = "Respiratory Care Practitioner", '
    'location = "Riverside Medical Center", start = "START", end = "END", extra = true, '
    "unpaid_break_minutes = 30 }"
)


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incentives", "test", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def case_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cases.toml"
    path.write_text(f'agreements = ["{RCP.as_posix()}"]\n\n{body}', encoding="utf-8")
    return path


def row(start: str, end: str) -> str:
    return ROW.replace("START", start).replace("END", end)


def test_every_example_has_a_test_file() -> None:
    folders = {p.parent for p in (ROOT / "examples").glob("*/agreement.toml")}
    assert {p.parent for p in EXAMPLES} == folders


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_cases_pass(path: Path) -> None:
    done = run(path.name, cwd=path.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    cases = load_cases(path)
    assert done.stdout.splitlines()[-1] == f"{len(cases.cases)} passed, 0 failed"
    assert all(line.startswith("ok ") for line in done.stdout.splitlines()[:-1])


def test_a_failure_shows_expected_actual_and_reasons(tmp_path: Path) -> None:
    # Ends exactly at the window's start: fails window, pays 0.00, not the 300.00 expected.
    path = case_file(
        tmp_path,
        '[[cases]]\nname = "ends at the window start"\n'
        f"shifts = [{row('2020-12-26T18:30', '2020-12-27T07:00')}]\n"
        'expect = [{ line = 1, amount = "300.00", qualifies = true }]\n'
        "totals = { qualifying = 1 }\n",
    )
    done = run(str(path))
    assert done.returncode == 1
    out = done.stdout
    assert f"FAIL     {path}: ends at the window start" in out
    assert "line 1: qualifies: expected true, got false" in out
    assert "line 1: amount: expected 300.00, got 0.00" in out
    assert "usw7600-rcp FAIL window: starts 2020-12-26 18:30 PST, before the window's start" in out
    assert "totals.qualifying: expected 1, got 0" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_errors_are_expected_by_their_message(tmp_path: Path) -> None:
    path = case_file(
        tmp_path,
        '[[cases]]\nname = "backwards"\n'
        f"shifts = [{row('2020-12-28T19:00', '2020-12-28T07:00')}]\n"
        'expect = [{ line = 1, error = "after start" }]\n'
        '[[cases]]\nname = "wrong error"\n'
        f"shifts = [{row('2020-12-28T19:00', '2020-12-28T07:00')}]\n"
        'expect = [{ line = 1, error = "overlaps" }]\n'
        '[[cases]]\nname = "not an error"\n'
        f"shifts = [{row('2020-12-28T07:00', '2020-12-28T19:30')}]\n"
        'expect = [{ line = 1, error = "overlaps" }, { line = 2, amount = "0.00" }]\n',
    )
    cases = load_cases(path)
    results = [run_case(cases, c) for c in cases.cases]
    assert [r.passed for r in results] == [True, False, False]
    assert results[1].problems == (
        "line 1: expected an error containing 'overlaps', got 'end must be after start'",
    )
    assert results[2].problems == (
        "line 1: expected an error containing 'overlaps', the row was evaluated",
        "line 2: no such row",
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('[[cases]]\nname = "x"\nexpect = [{ line = 1 }]\n', "give either shifts"),
        (
            f'[[cases]]\nname = "x"\nshifts = [{row("2020-12-28T07:00", "2020-12-28T19:30")}]\n',
            "expects nothing",
        ),
        (
            f'[[cases]]\nname = "x"\nshifts = [{row("2020-12-28T07:00", "2020-12-28T19:30")}]\n'
            'expect = [{ line = 1, amonut = "1.00" }]\n',
            "cases[0].expect[0].amonut",
        ),
        ('[[cases]]\nname = "x"\nshifts_file = "s.csv"\ntotals = { amount = "-1" }\n', "amount"),
    ],
)
def test_a_bad_file_names_the_key(tmp_path: Path, body: str, said: str) -> None:
    path = case_file(tmp_path, body)
    with pytest.raises(CaseFileError, match=re.escape(said)):
        load_cases(path)
    done = run(str(path))
    assert done.returncode == 2
    assert said in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_agreement_and_bad_toml(tmp_path: Path) -> None:
    gone = tmp_path / "gone.toml"
    gone.write_text('agreements = ["nowhere.toml"]\n[[cases]]\nname = "x"\n', encoding="utf-8")
    done = run(str(gone), str(tmp_path / "absent.toml"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert done.stdout.splitlines()[-1] == "0 passed, 0 failed, 2 invalid file(s)"


def test_several_agreements_name_the_outcome(tmp_path: Path) -> None:
    winter = ROOT / "examples" / "unac-uhcp-winter-2020" / "agreement.toml"
    path = tmp_path / "two.toml"
    path.write_text(
        f'agreements = ["{RCP.as_posix()}", "{winter.as_posix()}"]\n'
        '[[cases]]\nname = "an RCP shift"\n'
        f'shifts = [{row("2020-12-27T07:00", "2020-12-27T19:30")[:-2]}, unit = "Lab" }}]\n'
        '[[cases.expect]]\nline = 1\nqualifies = ["usw7600-rcp"]\namount = "300.00"\n'
        '[[cases.expect]]\nline = 1\nagreement = "unac-uhcp-winter-2020"\n'
        'failed = ["classification", "unit"]\n',
        encoding="utf-8",
    )
    cases = load_cases(path)
    assert run_case(cases, cases.cases[0]).problems == ()

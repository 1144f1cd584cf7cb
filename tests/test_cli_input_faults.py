"""Faults in what the command line reads: standard input or a shifts path whose reading
fails in the operating system, profiles and constants that cannot be used, agreements that
share an id, and a closed standard error.

Each is bad input (exit status 2) with its reason on standard error and no traceback, or,
for standard error, no reason to stop at all (docs/reference/cli.md, exit statuses).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from strategies import agreement_text, flat_agreement_file, put

from incentives._cli import BAD_INPUT, OK, cli

HEADER = "employee_id,classification,start,end,extra\n"
GOOD = HEADER + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"
EIO = os.strerror(errno.EIO)  # "Input/output error"
MEMORY = Path("/proc/self/mem")
"""Reading this file at offset 0 fails with EIO (nothing is mapped at address 0)."""


@pytest.fixture
def agreement(tmp_path: Path) -> str:
    return flat_agreement_file(tmp_path)


def invoke(args: list[str]) -> Result:
    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


# --------------------------------------------------------------------------- reading fails


def test_standard_input_whose_read_fails_is_bad_input_with_the_reason(agreement: str) -> None:
    # The OSError is raised while the shifts are read, not while the file is opened: the
    # command line turns it into its one-line message and status 2.
    with MEMORY.open("rb") as unreadable:
        result = subprocess.run(
            [sys.executable, "-m", "incentives", "check", "-a", agreement, "-"],
            stdin=unreadable,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == BAD_INPUT
    assert result.stderr == f"incentives: error: <stdin>: cannot be read ({EIO})\n"
    assert result.stdout == ""


def test_a_shifts_path_whose_read_fails_is_bad_input_naming_the_file(
    tmp_path: Path, agreement: str
) -> None:
    shifts = tmp_path / "shifts.csv"
    shifts.symlink_to(MEMORY)
    result = invoke(["check", "-a", agreement, str(shifts)])
    assert result.exit_code == BAD_INPUT
    assert result.stderr == f"incentives: error: {shifts}: cannot be read ({EIO})\n"
    assert result.stdout == ""


def test_a_shifts_path_that_is_a_folder_is_bad_input(tmp_path: Path, agreement: str) -> None:
    folder = tmp_path / "shifts.csv"
    folder.mkdir()
    result = invoke(["check", "-a", agreement, str(folder), "--format", "json"])
    assert result.exit_code == BAD_INPUT
    assert result.stderr == f"incentives: error: {folder}: is a directory, not a shifts file\n"
    assert result.stdout == ""


# --------------------------------------------------------------------------- profiles


def test_a_profile_file_that_is_not_toml_is_bad_input(tmp_path: Path, agreement: str) -> None:
    profile = put(tmp_path, "mine.toml", 'name = "mine"\ncolumns = [unclosed\n')
    shifts = put(tmp_path, "s.csv", GOOD)
    for command in (["check", "-a", agreement, shifts], ["inspect", shifts]):
        result = invoke([*command, "--profile", profile])
        assert result.exit_code == BAD_INPUT
        assert result.stderr.startswith(f"incentives: error: {profile}: not valid TOML: ")
        assert "line 2" in result.stderr
        assert result.stdout == ""


def test_a_constant_for_a_column_no_shifts_file_has_is_bad_input(
    tmp_path: Path, agreement: str
) -> None:
    shifts = put(tmp_path, "s.csv", GOOD)
    result = invoke(["check", "-a", agreement, shifts, "--constant", "shoe_size=9"])
    assert result.exit_code == BAD_INPUT
    assert result.stderr == (
        "incentives: error: the command line: constants: 'shoe_size' is not a shifts column\n"
    )


# --------------------------------------------------------------------------- agreements


def test_validate_refuses_a_second_file_with_the_same_id(tmp_path: Path) -> None:
    first = put(tmp_path, "first.toml", agreement_text(id="flat-100"))
    again = put(tmp_path, "again.toml", agreement_text(id="flat-100"))
    other = put(tmp_path, "other.toml", agreement_text(id="other"))
    result = invoke(["validate", first, again, other])
    assert result.exit_code == BAD_INPUT
    assert result.stdout == (
        f"ok       {first}: flat-100 (Test agreement flat-100)\n"
        f"ok       {other}: other (Test agreement other)\n"
    )
    assert result.stderr == f"invalid  {again}: id 'flat-100' is also the id of {first}\n"


# --------------------------------------------------------------------------- standard error


def test_a_closed_standard_error_does_not_stop_the_report(tmp_path: Path, agreement: str) -> None:
    # Standard error is only for problems and progress: closed, it is no terminal, and the
    # report still goes to standard output.
    shifts = put(tmp_path, "s.csv", GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "incentives", "check", "-a", agreement, shifts],
        stdout=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(2),
    )
    assert result.returncode == OK
    report = json.loads(result.stdout)  # not a terminal: json is the default
    assert [(r["line"], r["amount"]) for r in report["rows"]] == [(2, "100.00")]
    assert report["totals"]["amount"] == "100.00"


@pytest.mark.parametrize("command", [["validate"], ["schema"], ["check", "-a"]])
def test_a_closed_standard_output_cannot_be_written(
    command: list[str], tmp_path: Path, agreement: str
) -> None:
    # Started with descriptor 1 closed (`>&-`): nothing can be written, status 3.
    shifts = put(tmp_path, "shifts.csv", GOOD)
    args = {"validate": [agreement], "schema": [], "check": [agreement, shifts]}[command[0]]
    result = subprocess.run(
        [sys.executable, "-m", "incentives", *command, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 3
    assert result.stderr == "incentives: cannot write standard output: Bad file descriptor\n"

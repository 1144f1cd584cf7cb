"""``incentives inspect`` at its edges (docs/reference/cli.md): a JSON Lines file, a file
with only the basic columns, an empty file, and a file no profile reads and whose columns
are like none of the shifts file's.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from incentives._cli import BAD_INPUT, OK, cli

NO_TIMEZONE = (
    "  - no --timezone: times are shown as wall-clock times (a time with a UTC offset in UTC); "
    "give --timezone to see them as instants, and whether each exists"
)
GENERIC = (
    "  - map the file's columns to employee_id, classification, start, end with --map, or in "
    "a profile of your own (see the input profiles reference) given with --profile FILE"
)


def inspect(path: Path, *options: str) -> Result:
    result = CliRunner().invoke(cli, ["inspect", str(path), *options])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_json_lines_file_has_no_header_to_map(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shifts.jsonl",
        '{"employee_id": "E1", "classification": "RCP", "start": "2020-12-28T07:00", '
        '"end": "2020-12-28T19:00", "extra": true}\n',
    )
    result = inspect(path)
    assert result.exit_code == OK
    lines = result.stdout.splitlines()
    assert lines[0] == str(path)
    assert "Columns:" not in lines
    assert (
        "  line 1, employee_id E1, start 2020-12-28T07:00, end 2020-12-28T19:00, "
        "classification RCP, extra true"
    ) in lines
    assert lines[-1] == NO_TIMEZONE


def test_the_first_rows_show_only_the_columns_the_file_has(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "basic.csv",
        "employee_id,classification,start,end\n"
        "E1,RCP,2020-12-28T07:00,2020-12-28T19:00\n"
        "E2,RCP,2020-12-29T19:00,2020-12-30T07:00\n",
    )
    result = inspect(path, "--timezone", "America/Los_Angeles")
    assert result.exit_code == OK
    assert result.stdout.splitlines() == [
        str(path),
        "",
        "Columns:",
        "  employee_id     -> employee_id",
        "  classification  -> classification",
        "  start           -> start",
        "  end             -> end",
        "",
        "First rows, as read (2 rows read, 0 in error):",
        "  line 2, employee_id E1, start 2020-12-28T07:00-08:00, end 2020-12-28T19:00-08:00, "
        "classification RCP",
        "  line 3, employee_id E2, start 2020-12-29T19:00-08:00, end 2020-12-30T07:00-08:00, "
        "classification RCP",
    ]


def test_an_empty_file_is_a_problem_with_no_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.csv", "")
    result = inspect(path)
    assert result.exit_code == BAD_INPUT
    assert result.stdout.splitlines() == [
        str(path),
        "",
        "Problems:",
        f"  - {path}: empty file: a header row is needed",
    ]


def test_a_file_no_profile_reads_gets_only_the_general_suggestion(tmp_path: Path) -> None:
    # "who" is not like employee_id, and the chosen profile is not offered again.
    path = write(
        tmp_path,
        "who.csv",
        "who,classification,start,end,extra\nE1,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n",
    )
    result = inspect(path, "--profile", "incentives")
    assert result.exit_code == BAD_INPUT
    assert result.stdout.splitlines() == [
        f"{path} (profile incentives)",
        "",
        "Problems:",
        f"  - {path}: missing required column employee_id "
        "(the header has: who, classification, start, end, extra)",
        "",
        "Suggestions:",
        GENERIC,
    ]

"""The command line's options as the people who check claims use them: several rows to
``explain``, ``-o -``, an output suffix that does not say a format, the line said after
``-o``, and a table that never cuts a word."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from incentives._cli import cli

ROOT = Path(__file__).resolve().parent.parent
RCP = ROOT / "examples" / "usw7600-rcp"
AGREEMENT, SHIFTS = str(RCP / "agreement.toml"), str(RCP / "shifts.csv")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "incentives", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def explained(text: str) -> list[str]:
    return [line.split(":")[0] for line in text.splitlines() if line.startswith("Line ")]


def test_explain_takes_several_lines_in_the_order_given() -> None:
    done = run("explain", "-a", AGREEMENT, SHIFTS, "--line", "14", "--line", "4", "--line", "14")
    assert done.returncode == 0
    assert explained(done.stdout) == [f"Line 14 of {SHIFTS}", f"Line 4 of {SHIFTS}"]
    # Line 14: R110's 9.50 hours pay the 8-hour tier, $200.00; line 4: R103's night, $300.00.
    assert "Amount for this shift: 200.00; paid 250.00" in done.stdout
    assert "Amount for this shift: 300.00; paid 250.00; difference 50.00" in done.stdout


def test_explain_an_employee_gives_each_of_their_rows() -> None:
    # R106 worked lines 7 and 8 (10 and 8 hours: $250 and $200).
    done = run("explain", "-a", AGREEMENT, SHIFTS, "--employee", "R106")
    assert done.returncode == 0
    assert explained(done.stdout) == [f"Line 7 of {SHIFTS}", f"Line 8 of {SHIFTS}"]
    as_json = run("explain", "-a", AGREEMENT, SHIFTS, "--employee", "R106", "--format", "json")
    rows = json.loads(as_json.stdout)
    assert [(r["line"], r["amount"]) for r in rows] == [(7, "250.00"), (8, "200.00")]
    # One --line alone is one object, as before.
    one = json.loads(
        run("explain", "-a", AGREEMENT, SHIFTS, "--line", "7", "--format", "json").stdout
    )
    assert (one["line"], one["amount"]) == (7, "250.00")


def test_explain_refuses_an_unknown_employee_or_no_row() -> None:
    unknown = run("explain", "-a", AGREEMENT, SHIFTS, "--employee", "R999")
    assert unknown.returncode == 2
    assert "no row of employee 'R999' (employees: R101, R102," in unknown.stderr
    nothing = run("explain", "-a", AGREEMENT, SHIFTS)
    assert nothing.returncode == 2
    assert "give the row to explain: --line N or --employee ID" in nothing.stderr


def test_dash_output_is_standard_output(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "incentives", "check", "-a", AGREEMENT, SHIFTS, "-o", "-"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["totals"]["amount"] == "1950.00"
    assert list(tmp_path.iterdir()) == []
    csv = run("check", "-a", AGREEMENT, SHIFTS, "-o", "-", "--format", "csv")
    assert csv.stdout.startswith("line,employee_id,start,end,")


@pytest.mark.parametrize("name", ["report.xlsx", "report", "report.jsonl"])
def test_an_output_suffix_that_says_no_format_is_refused(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    done = run("check", "-a", AGREEMENT, SHIFTS, "-o", str(out))
    assert done.returncode == 2
    assert f"cannot tell the report's format from '{out}'" in done.stderr
    assert not out.exists()
    # With --format, any name will do.
    assert run("check", "-a", AGREEMENT, SHIFTS, "-o", str(out), "--format", "csv").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("line,")


@pytest.mark.parametrize(
    ("suffix", "start"), [(".json", "{"), (".csv", "line,"), (".txt", "Shifts")]
)
def test_a_line_sums_up_what_was_written(tmp_path: Path, suffix: str, start: str) -> None:
    out = tmp_path / f"report{suffix}"
    done = run("check", "-a", AGREEMENT, SHIFTS, "-o", str(out))
    # The example's hand-worked totals: 15 rows, 8 qualifying, $1,950.00 due, $2,550.00
    # paid, $50.00 underpaid (line 4), $650.00 overpaid (lines 3, 6 and 14).
    assert done.stderr == (
        f"wrote {out}: 15 row(s), 8 qualify, amount 1950.00; paid 2550.00, underpaid 50.00, "
        "overpaid 650.00\n"
    )
    assert out.read_text(encoding="utf-8").startswith(start)


def _table(width: int, *agreements: str) -> str:
    args = ["check", *(x for a in agreements for x in ("-a", a)), SHIFTS, "--format", "table"]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_keeps_every_word_whole() -> None:
    # Line 12 fails on classification (a medical assistant). At 100 columns the table
    # has room for the word; at 80 (its numbers and times take 67) it has not, and each
    # row is a block instead.
    wide = _table(100, AGREEMENT)
    row = next(line for line in wide.splitlines() if line.lstrip().startswith("12 R109"))
    assert row.split()[-1] == "classification"
    # A night ends the next day: "+1", so the column stays narrow.
    assert "2020-12-26 18:30–07:00+1" in wide
    narrow = _table(80, AGREEMENT).splitlines()
    assert max(len(line) for line in narrow) <= 80
    at = narrow.index("Line 12   R109   2020-12-28 07:00–15:30   8.00 hours")
    assert narrow[at + 1 : at + 3] == [
        "  amount 0.00   paid 0.00   owed 0.00",
        "  failed: classification",
    ]


def test_agreements_that_do_not_fit_are_written_a_block_a_row(tmp_path: Path) -> None:
    second = tmp_path / "second.toml"
    second.write_text(
        (RCP / "agreement.toml")
        .read_text(encoding="utf-8")
        .replace('id = "usw7600-rcp"', 'id = "usw7600-rcp-second-agreement"'),
        encoding="utf-8",
    )
    text = _table(80, AGREEMENT, str(second))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    at = lines.index("Line 3   R102   2020-12-26 18:30–07:00+1   12.00 hours")
    assert lines[at + 1] == "  amount 0.00   paid 300.00   owed -300.00"
    # Both agreements' window rules failed; the names are whole, wrapped between them.
    said = " ".join(lines[at + 2 : at + 4]).split()
    assert said[:3] == ["failed:", "usw7600-rcp:window,", "usw7600-rcp-second-agreement:window"]
    # Wide enough, the same report is a table.
    assert "Line Employee Shift" in _table(140, AGREEMENT, str(second))

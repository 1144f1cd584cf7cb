"""Where and how the command line writes (docs/reference/cli.md): a report into a named
pipe, the table into a ``.txt`` file, the table's rows in error and the failed rules of
several agreements, and the progress bar on a terminal from 20,000 rows.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from strategies import agreement_text, flat_agreement_file, put

from incentives._cli import OK, ROW_ERRORS, cli

HEADER = "employee_id,classification,start,end,extra\n"
CSV_HEADER = "line,employee_id,start,end,hours,amount,paid,difference,qualifies,failed,error"


def shift(employee: str, day: int, extra: str = "true") -> str:
    """A 12-hour day shift, 7:00 to 19:00 local, inside the default window."""
    return f"{employee},RCP,2020-12-{day:02d}T07:00,2020-12-{day:02d}T19:00,{extra}\n"


GOOD = HEADER + shift("E1", 28)


@pytest.fixture
def agreement(tmp_path: Path) -> str:
    return flat_agreement_file(tmp_path)


def invoke(args: list[str], width: int = 200) -> Result:
    result = CliRunner().invoke(cli, args, env={"COLUMNS": str(width)})
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


# --------------------------------------------------------------------------- -o


def test_a_report_to_a_named_pipe_is_written_into_the_pipe(tmp_path: Path, agreement: str) -> None:
    # A named pipe is not a file to replace: the report goes into it, read by another
    # program, and the pipe stays a pipe.
    fifo = tmp_path / "report.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with fifo.open("rb") as pipe:
            received.append(pipe.read())

    thread = threading.Thread(target=reader)
    thread.start()
    result = invoke(["check", "-a", agreement, put(tmp_path, "s.csv", GOOD), "-o", str(fifo)])
    thread.join(timeout=60)
    assert result.exit_code == OK
    assert result.stdout == ""
    assert received == [
        (
            f"{CSV_HEADER}\n"
            "2,E1,2020-12-28T07:00:00-08:00,2020-12-28T19:00:00-08:00,12.00,100.00,,,flat-100,,\n"
        ).encode()
    ]
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flat.toml", "report.csv", "s.csv"]


def test_an_output_file_ending_in_txt_holds_the_plain_table(tmp_path: Path, agreement: str) -> None:
    out = tmp_path / "report.txt"
    shifts = put(tmp_path, "s.csv", GOOD + shift("E2", 29, "no"))
    result = invoke(["check", "-a", agreement, shifts, "-o", str(out)])
    assert result.exit_code == OK
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "\x1b[" not in text  # no colours in a file
    lines = [line.rstrip() for line in text.splitlines()]
    assert "   2 E1       2020-12-28 07:00–19:00 12.00 100.00 qualifies" in lines
    assert "   3 E2       2020-12-29 07:00–19:00 12.00   0.00 extra" in lines
    assert "Rows 2: 2 evaluated, 0 in error, 1 qualifying." in lines
    assert "Total incentive: 100.00" in lines


# --------------------------------------------------------------------------- the table


def test_the_table_lists_rows_in_error_and_each_failed_rule_of_several_agreements(
    tmp_path: Path,
) -> None:
    flat = put(tmp_path, "flat.toml", agreement_text(top='stacking = "stack"'))
    nurses = put(
        tmp_path,
        "rn.toml",
        agreement_text(
            id="rn-only",
            top='stacking = "stack"',
            classifications='["RN"]',
            payout='per_shift = "50.00"',
        ),
    )
    shifts = put(
        tmp_path,
        "s.csv",
        HEADER + shift("E1", 28) + shift("E2", 29, "maybe") + shift("E3", 30, "no"),
    )
    result = invoke(["check", "-a", flat, "-a", nurses, shifts, "--format", "table"])
    assert result.exit_code == ROW_ERRORS
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    # Line 2 qualifies for flat-100 only (an RCP is not an RN); line 4 is not extra, and
    # fails both agreements' extra rule and rn-only's classification.
    row_2 = next(line for line in lines if line.lstrip().startswith("2 E1"))
    assert row_2.endswith("12.00 100.00 flat-100")
    row_4 = next(line for line in lines if line.lstrip().startswith("4 E3"))
    assert row_4.endswith("12.00   0.00 flat-100:extra, rn-only:classification, rn-only:extra")
    assert "Rows not evaluated" in lines
    error = next(line for line in lines if line.startswith("│    3 "))
    cells = [cell.strip() for cell in error.strip("│").split("│")]
    assert cells == ["3", "extra", "extra 'maybe' is not a boolean (true/false, yes/no, y/n, 1/0)"]
    assert "Rows 3: 2 evaluated, 1 in error, 1 qualifying." in lines
    assert "Total incentive: 100.00" in lines


# --------------------------------------------------------------------------- progress


def on_a_terminal(command: list[str]) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """Run ``command`` with standard error on a terminal (a pseudo-terminal) and standard
    output in a pipe; what the terminal showed, without its control sequences."""
    controller, terminal = pty.openpty()
    shown: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:  # the terminal closed
                return
            if not data:
                return
            shown.append(data)

    thread = threading.Thread(target=drain)
    thread.start()
    try:
        result = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=terminal, timeout=120, check=False
        )
    finally:
        os.close(terminal)
        thread.join(timeout=60)
        os.close(controller)
    text = b"".join(shown).decode("utf-8", "replace")
    return result, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def many_shifts(tmp_path: Path, count: int) -> str:
    rows = [shift(f"E{i}", 28 + i % 4) for i in range(count)]
    return put(tmp_path, "big.csv", HEADER + "".join(rows))


@pytest.mark.parametrize(("count", "progress"), [(20_000, True), (19_999, False)])
def test_a_long_run_on_a_terminal_shows_its_progress_on_standard_error(
    tmp_path: Path, agreement: str, count: int, progress: bool
) -> None:
    shifts = many_shifts(tmp_path, count)
    command = [sys.executable, "-m", "incentives", "check", "-a", agreement, shifts]
    result, shown = on_a_terminal([*command, "--format", "csv"])
    assert result.returncode == OK
    records = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"))))
    assert len(records) == count + 1  # the header and one record per row
    assert records[1][:6] == ["2", "E0", *records[1][2:4], "12.00", "100.00"]
    if progress:
        assert "evaluating" in shown
        assert f"{count}/{count}" in shown  # the bar ends full
    else:
        assert shown == ""

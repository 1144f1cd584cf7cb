"""Hostile inputs and faults: never a traceback, never a hang, never a half-written file.

Each test reproduces one failure found by trying the command line as a hostile user would
(deep nesting, numbers of thousands of digits, surrogates, full disks, closed streams,
interrupted writes) and runs the real ``python -m incentives`` in a subprocess.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from strategies import agreement_text, flat_agreement_file, put

import incentives
from incentives._cli import BAD_INPUT, CANNOT_WRITE, INTERRUPTED, OK, ROW_ERRORS

HEADER = "employee_id,classification,start,end,extra,unpaid_break_minutes,paid\n"
ROW = "Test,2020-12-28T07:00,2020-12-28T19:00,true"
JSON_ROW = (
    '"classification":"Test","start":"2020-12-28T07:00","end":"2020-12-28T19:00","extra":true'
)


def run(
    *args: str, stdin: int | None = None, stdout: int | None = subprocess.PIPE, timeout: int = 60
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "incentives", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def agreement(tmp_path: Path) -> str:
    return flat_agreement_file(tmp_path)


def csv_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stdout.splitlines()[1:]


# --------------------------------------------------------------------------- JSON Lines


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"employee_id":' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"employee_id":"E1",' + JSON_ROW + ',"unpaid_break_minutes":' + "1" * 4400 + "}",
         "a number of more than 4300 digits"),
        ('{"employee_id":"E\\ud800",' + JSON_ROW + "}", "employee_id: the text holds half"),
        ('{"employee_id":"E\\udc80",' + JSON_ROW + "}", "employee_id: the text holds half"),
        ('{"employee_id":"E1",' + JSON_ROW + ',"paid":"100.00","PAID":"300.00"}',
         "paid: the key 'paid' is given twice"),
        ('{"employee_id":"E1",' + JSON_ROW + ',"paid":"1.00","paid":"3.00"}',
         "paid: the key 'paid' is given twice"),
    ],
    ids=["deep", "huge-integer", "high-surrogate", "low-surrogate", "key-twice", "same-key"],
)  # fmt: skip
def test_a_bad_json_line_is_that_row_s_error_and_the_next_row_is_evaluated(
    tmp_path: Path, agreement: str, line: str, message: str
) -> None:
    good = '{"employee_id":"E2",' + JSON_ROW + "}"
    shifts = put(tmp_path, "shifts.jsonl", f"{line}\n{good}\n")
    result = run("check", "-a", agreement, shifts, "--format", "csv")
    assert result.returncode == ROW_ERRORS
    first, second = csv_lines(result)
    assert first.startswith("1,")
    assert message in first
    assert second.split(",")[:6] == ["2", "E2", *second.split(",")[2:4], "12.00", "100.00"]
    result.stdout.encode("utf-8")  # the report is UTF-8 text


# --------------------------------------------------------------------------- numbers in a file


@pytest.mark.parametrize(
    ("paid", "message"),
    [
        ("1_00.00", "paid '1_00.00' is not a decimal number"),
        ("١٠٠.٠٠", "paid '١٠٠.٠٠' is not a decimal number"),
    ],
)
def test_money_in_other_digits_or_with_underscores_is_refused(
    tmp_path: Path, agreement: str, paid: str, message: str
) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},0,{paid}\n")
    result = run("check", "-a", agreement, shifts, "--format", "csv")
    assert result.returncode == ROW_ERRORS
    assert message in result.stdout


def test_a_break_of_thousands_of_digits_is_a_short_row_error(
    tmp_path: Path, agreement: str
) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},{'1' * 4301},\nE2,{ROW},0,\n")
    result = run("check", "-a", agreement, shifts, "--format", "csv")
    assert result.returncode == ROW_ERRORS
    first, second = csv_lines(result)
    assert "unpaid break of 111111111111111... (4,301 digits) minutes" in first
    assert len(first) < 200
    assert ",12.00,100.00," in second


def test_a_long_bad_value_is_quoted_short(tmp_path: Path, agreement: str) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},0,{'9x' * 3000}\n")
    result = run("check", "-a", agreement, shifts, "--format", "csv")
    (line,) = csv_lines(result)
    quoted = "'" + ("9x" * 20)[:39]  # the first 40 characters of its repr
    assert f"paid {quoted}... (6,000 characters) is not a decimal number" in line


# --------------------------------------------------------------------------- agreements


def agreement_with(tmp_path: Path, old: str, new: str) -> str:
    text = agreement_text()
    assert old in text
    return put(tmp_path, "agreement.toml", text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"2021-01-04T07:00"', '"9999-12-31T23:59"',
         "windows[0].end: 9999-12-31T23:59 is outside the years 1900 to 2199"),
        ('"2020-12-27T07:00"', '"0001-01-01T00:00"',
         "windows[0].start: 0001-01-01T00:00 is outside the years 1900 to 2199"),
        ('per_shift = "100.00"', 'per_shift = "3000000000000000000000000000000.00"',
         "payout[0].per_shift: 3000000000000000000000000000000.00 is too large"),
        ('per_shift = "100.00"', "per_shift = 1E-999999999",
         "payout[0].per_shift: 1E-999999999 has more than 6 decimal places"),
        ('per_shift = "100.00"', 'per_shift = "100.00"\nx = ' + "[" * 100_000 + "]" * 100_000,
         "not valid TOML: nested too deeply"),
        ('per_shift = "100.00"', 'per_shift = "100.00"\nx = ' + "{a=" * 3000 + "1" + "}" * 3000,
         "not valid TOML: nested too deeply"),
        ('per_shift = "100.00"', "per_shift = " + "1" * 4301,
         "not valid TOML: a number of more than 4300 digits"),
    ],
    ids=["year-9999", "year-1", "money-31-digits", "tiny", "deep", "inline-tables", "4301-digits"],
)  # fmt: skip
def test_validate_refuses_what_check_could_not_evaluate(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = agreement_with(tmp_path, old, new)
    result = run("validate", path, timeout=20)
    assert result.returncode == BAD_INPUT
    assert message in result.stderr
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},0,\n")
    result = run("check", "-a", path, shifts, timeout=20)
    assert result.returncode == BAD_INPUT
    assert message in result.stderr


@pytest.mark.parametrize("key", ["min_hours", "hours_per_fte", "minimum_hours"])
def test_tiny_hours_in_an_agreement_are_refused_with_their_key(tmp_path: Path, key: str) -> None:
    extra = f"beyond_fte = true\nflag = false\n{key} = 1E-999999999"
    if key == "min_hours":
        extra = "flag = true"
    text = agreement_text(
        extra=extra, eligibility="min_hours = 1E-999999999" if key == "min_hours" else ""
    )
    result = run("validate", put(tmp_path, "a.toml", text), timeout=20)
    assert result.returncode == BAD_INPUT
    where = "eligibility" if key == "min_hours" else "extra"
    assert f"{where}.{key}: 1E-999999999 has more than 6 decimal places" in result.stderr


def test_the_largest_and_finest_numbers_within_the_bounds_are_kept(tmp_path: Path) -> None:
    text = agreement_text(payout='per_shift = "999999999999.999999"')
    agreement = incentives.load_agreement(put(tmp_path, "a.toml", text))
    assert str(agreement.payout[0].per_shift) == "999999999999.999999"


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{agreement}"],
        ["schema"],
        ["check", "-a", "{agreement}", "{shifts}"],
        ["check", "-a", "{agreement}", "{shifts}", "--format", "csv"],
        ["explain", "-a", "{agreement}", "{shifts}", "--line", "2"],
        ["demo"],
    ],
    ids=["validate", "schema", "check", "check-csv", "explain", "demo"],
)
def test_a_full_disk_on_standard_output_is_said_with_status_3(
    tmp_path: Path, agreement: str, args: list[str]
) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},0,\n")
    filled = [a.format(agreement=agreement, shifts=shifts) for a in args]
    with open("/dev/full", "w") as full:
        result = run(*filled, stdout=full.fileno())
    assert result.returncode == CANNOT_WRITE
    assert result.stderr == "incentives: cannot write standard output: No space left on device\n"


def test_a_full_disk_under_o_names_the_file_and_leaves_nothing(
    tmp_path: Path, agreement: str
) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},0,\n")
    result = run("check", "-a", agreement, shifts, "--format", "csv", "-o", "/dev/full")
    assert result.returncode == CANNOT_WRITE
    assert result.stderr == "incentives: cannot write /dev/full: No space left on device\n"
    assert Path("/dev/full").is_char_device()


def test_closed_standard_input_is_bad_input(agreement: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "incentives", "check", "-a", agreement, "-"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(0),
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == BAD_INPUT
    assert result.stderr == "incentives: error: <stdin>: standard input is closed\n"


def test_a_named_pipe_with_no_writer_does_not_hang(tmp_path: Path, agreement: str) -> None:
    fifo = tmp_path / "shifts.csv"
    os.mkfifo(fifo)
    result = run("check", "-a", agreement, str(fifo), timeout=20)
    assert result.returncode == BAD_INPUT
    assert "empty file" in result.stderr


def test_a_closed_pipe_stops_quietly(tmp_path: Path, agreement: str) -> None:
    rows = "".join(f"E{n},{ROW},0,\n" for n in range(20_000))
    shifts = put(tmp_path, "shifts.csv", HEADER + rows)
    command = [sys.executable, "-m", "incentives", "check", "-a", agreement, shifts]
    with subprocess.Popen(
        [*command, "--format", "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read().decode()
        assert process.wait(timeout=60) == 141
    assert errors == ""


def test_legacy_encoding_on_standard_output_escapes_what_it_cannot_show(
    tmp_path: Path, agreement: str
) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E\u4e00,{ROW},0,\n")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    for fmt, shown in (("table", b"E\\u4e00"), ("json", "E\u4e00".encode())):
        result = subprocess.run(
            [sys.executable, "-m", "incentives", "check", "-a", agreement, shifts, "--format", fmt],
            capture_output=True,
            env=env,
            check=False,
        )
        assert result.returncode == OK, result.stderr
        assert shown in result.stdout


def test_ctrl_c_while_writing_keeps_the_previous_report(tmp_path: Path, agreement: str) -> None:
    rows = "".join(f"E{n},{ROW},0,\n" for n in range(300_000))
    shifts = put(tmp_path, "shifts.csv", HEADER + rows)
    report = tmp_path / "report.json"
    report.write_text("the previous report\n", encoding="utf-8")
    command = [sys.executable, "-m", "incentives", "check", "-a", agreement, shifts]
    with subprocess.Popen(
        [*command, "-o", str(report)], stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".report.json.*.part")) and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        errors = process.stderr.read()
        status = process.wait(timeout=60)
    assert "Traceback" not in errors
    if status == OK:  # it finished before the signal came: the new report is whole
        assert report.read_text(encoding="utf-8").startswith("{")
        pytest.fail("the report was written before the interrupt; use a larger file")
    assert status == INTERRUPTED
    assert errors.strip() == "incentives: interrupted (nothing was half-written)"
    assert report.read_text(encoding="utf-8") == "the previous report\n"
    assert not list(tmp_path.glob(".report.json.*"))


def test_an_internal_error_is_one_line_with_the_version(tmp_path: Path) -> None:
    shifts = put(tmp_path, "shifts.csv", f"{HEADER}E1,{ROW},0,\n")
    code = (
        "import sys, incentives._cli as c\n"
        "def broken(*a, **k): raise ZeroDivisionError('boom')\n"
        "c._report = broken\n"
        "sys.argv = ['incentives', *sys.argv[1:]]\n"
        "c.main()\n"
    )
    args = ["check", "-a", "a.toml", shifts]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 70
    assert result.stderr == (
        f"incentives {incentives.__version__}: internal error (a fault of incentives, not of "
        "your input): please report it with the command and its files; --debug shows where\n"
    )
    debug = subprocess.run(
        [sys.executable, "-c", code, "--debug", *args], capture_output=True, text=True, check=False
    )
    assert "ZeroDivisionError: boom" in debug.stderr
    # A panic inside polars is a BaseException, not an Exception: the same one line.
    panic = code.replace(
        "raise ZeroDivisionError('boom')", "raise type('PanicException', (BaseException,), {})()"
    )
    result = subprocess.run(
        [sys.executable, "-c", panic, *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 70
    assert result.stderr.startswith(f"incentives {incentives.__version__}: internal error")


def test_usage_errors_and_help_keep_their_statuses() -> None:
    assert run("check").returncode == BAD_INPUT
    assert run("--help").returncode == OK
    assert "130 interrupted" in run("check", "--help").stdout
    assert run("--version").stdout == f"incentives, version {incentives.__version__}\n"


def test_explain_json_leaves_out_paid_and_difference_without_claims(
    tmp_path: Path, agreement: str
) -> None:
    shifts = put(tmp_path, "shifts.csv", "employee_id,classification,start,end,extra\n"
                 f"E1,{ROW}\n")  # fmt: skip
    result = run("explain", "-a", agreement, shifts, "--line", "2", "--format", "json")
    assert result.returncode == OK
    assert '"paid"' not in result.stdout
    assert '"difference"' not in result.stdout


def test_thousands_of_tiers_pay_the_tier_reached(tmp_path: Path) -> None:
    # Tier k is k/250 hours and pays $k: 12 hours reach tier 3000, 4 h 30 min tier 1125.
    tiers = ", ".join(f'{{ min_hours = {k / 250:.3f}, amount = "{k}.00" }}' for k in range(1, 3001))
    text = agreement_text(payout=f"tiers = [{tiers}]")
    path = put(tmp_path, "a.toml", text)
    shifts = put(
        tmp_path,
        "shifts.csv",
        f"{HEADER}E1,{ROW},0,\nE2,Test,2020-12-29T07:00,2020-12-29T11:30,true,0,\n"
        "E3,Test,2020-12-29T07:00,2020-12-29T07:00:14,true,0,\n",
    )
    result = run("check", "-a", path, shifts, "--format", "csv", timeout=60)
    assert result.returncode == OK
    amounts = [line.split(",")[5] for line in csv_lines(result)]
    assert amounts == ["3000.00", "1125.00", "0.00"]


def test_a_bad_value_and_a_double_claim_in_one_file(tmp_path: Path, agreement: str) -> None:
    # The errors of reading and of double claims, put together, once made polars panic
    # when the CSV report wrote their messages.
    common = '"classification": "RN", "extra": false, "unpaid_break_minutes": 0'
    lines = [
        '{"employee_id": "E0", "start": "2020-11-01T00:30", "end": "2020-11-01T08:15", '
        f'"fte": "-1", {common}}}',
        '{"employee_id": "E2", "start": "2020-11-01T07:00", "end": "2020-11-01T08:59", '
        f"{common}}}",
        '{"employee_id": "E2", "start": "2020-11-01T08:00Z", "end": "2020-11-01T16:15", '
        f"{common}}}",
    ]
    shifts = put(tmp_path, "shifts.jsonl", "\n".join(lines) + "\n")
    result = run("check", "-a", agreement, shifts, "--format", "csv")
    assert result.returncode == ROW_ERRORS
    assert csv_lines(result) == [
        "1,E0,,,,,,,,,fte: fte -1 is negative",
        "2,E2,,,,,,,,,start: overlaps line 3 of employee E2 (2020-11-01 01:00 PDT to "
        "2020-11-01 16:15 PST): a likely double claim",
        "3,E2,2020-11-01T01:00:00-07:00,2020-11-01T16:15:00-08:00,16.25,0.00,,,,"
        "flat-100:extra;flat-100:window,",
    ]

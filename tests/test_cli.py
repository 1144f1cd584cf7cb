"""The command line (SPEC section 7): check, explain, validate, schema, demo, --version.

Most tests run the click command in-process with ``CliRunner``; a few run
``python -m incentives`` for real, as do the shared acceptance scenarios at the end.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner, Result
from strategies import AMENDED_TEXT, RULES_IN_ORDER, agreement_text

import incentives
from incentives._cli import cli

LA = "America/Los_Angeles"
CSV_COLUMNS = [
    "line",
    "employee_id",
    "start",
    "end",
    "hours",
    "amount",
    "paid",
    "difference",
    "qualifies",
    "failed",
    "error",
]


# --------------------------------------------------------------------------- helpers


def put(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def agreement(tmp_path: Path, text: str | None = None, name: str = "agreement.toml") -> str:
    return put(tmp_path, name, agreement_text() if text is None else text)


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def invoke(args: list[str], input: str | None = None) -> Result:
    """Run the command in-process; it must never end in a traceback."""
    result = CliRunner().invoke(cli, args, input=input)
    assert_no_traceback(result)
    return result


def as_json(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def csv_records(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == CSV_COLUMNS
    return [dict(zip(header, cells, strict=True)) for cells in reader]


def is_plain_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except InvalidOperation:
        return False
    return True


HEADER = "employee_id,classification,start,end,extra\n"


def shift(employee: str = "E1", day: int = 28, extra: str = "true") -> str:
    """A 12-hour day shift, 7:00 to 19:00 local, inside the default window."""
    return f"{employee},RCP,2020-12-{day:02d}T07:00,2020-12-{day:02d}T19:00,{extra}\n"


GOOD = HEADER + shift("E1", 28) + shift("E2", 29, "no")
WITH_ERROR = HEADER + shift("E1", 28) + shift("E2", 29, "maybe") + shift("E3", 30)


def run_module(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m incentives ARGS`` for real, in a pipe."""
    return subprocess.run(
        [sys.executable, "-m", "incentives", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


# --------------------------------------------------------------------------- check: formats


class TestCheckFormats:
    def test_json_is_the_default_outside_a_terminal(self, tmp_path: Path) -> None:
        result = invoke(["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)])
        assert result.exit_code == 0
        report = as_json(result)
        assert [r["line"] for r in report["rows"]] == [2, 3]
        assert report["totals"]["amount"] == "100.00"

    def test_format_json(self, tmp_path: Path) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke([*args, "--format", "json"])
        assert result.exit_code == 0
        report = as_json(result)
        assert [r["amount"] for r in report["rows"]] == ["100.00", "0.00"]
        assert report["totals"]["by_employee"] == {"E1": "100.00", "E2": "0.00"}

    def test_format_csv(self, tmp_path: Path) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke([*args, "--format", "csv"])
        assert result.exit_code == 0
        records = csv_records(result.stdout)
        assert [r["line"] for r in records] == ["2", "3"]
        assert records[0]["amount"] == "100.00"
        assert records[0]["hours"] == "12.00"
        assert records[0]["start"] == "2020-12-28T07:00:00-08:00"
        assert records[0]["end"] == "2020-12-28T19:00:00-08:00"

    def test_format_table_has_totals(self, tmp_path: Path) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke([*args, "--format", "table"])
        assert result.exit_code == 0
        assert "Total incentive" in result.stdout
        assert "100.00" in result.stdout

    @pytest.mark.parametrize("name", ["report.csv", "REPORT.CSV"])
    def test_output_file_with_csv_suffix_is_csv(self, tmp_path: Path, name: str) -> None:
        out = tmp_path / name
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD), "-o", str(out)]
        result = invoke(args)
        assert result.exit_code == 0
        assert "line,employee_id" not in result.stdout
        records = csv_records(out.read_text(encoding="utf-8"))
        assert [(r["line"], r["amount"]) for r in records] == [("2", "100.00"), ("3", "0.00")]

    def test_output_file_with_json_suffix_is_json(self, tmp_path: Path) -> None:
        out = tmp_path / "report.json"
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke([*args, "--output", str(out)])
        assert result.exit_code == 0
        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["totals"]["amount"] == "100.00"
        assert report["totals"]["rows"] == 2

    def test_output_file_is_written_also_when_rows_are_errors(self, tmp_path: Path) -> None:
        out = tmp_path / "report.json"
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", WITH_ERROR)]
        result = invoke([*args, "-o", str(out)])
        assert result.exit_code == 1
        report = json.loads(out.read_text(encoding="utf-8"))
        assert [e["line"] for e in report["errors"]] == [3]


# --------------------------------------------------------------------------- check: exit status


class TestCheckExitStatus:
    def test_zero_when_every_row_is_evaluated(self, tmp_path: Path) -> None:
        result = invoke(["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)])
        assert result.exit_code == 0
        assert result.stderr == ""

    def test_one_when_some_rows_are_errors_and_the_report_is_still_written(
        self, tmp_path: Path
    ) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", WITH_ERROR)]
        result = invoke([*args, "--format", "json"])
        assert result.exit_code == 1
        report = as_json(result)
        assert [r["line"] for r in report["rows"]] == [2, 4]
        assert [(e["line"], e["field"]) for e in report["errors"]] == [(3, "extra")]
        assert report["totals"]["amount"] == "200.00"

    @pytest.mark.parametrize(
        ("agreement_file", "mentions"),
        [
            (agreement_text(rest="windoows = 1"), "windoows"),
            (agreement_text(rest='[limits]\nmax_amount_per_shift = "lots"'), "limits"),
            (agreement_text(timezone="Mars/Olympus_Mons"), "timezone"),
            ('id = "x"\ntitle = [unclosed\n', "TOML"),
        ],
    )
    def test_two_for_an_invalid_or_unreadable_agreement(
        self, tmp_path: Path, agreement_file: str, mentions: str
    ) -> None:
        args = ["check", "-a", put(tmp_path, "bad.toml", agreement_file)]
        result = invoke([*args, put(tmp_path, "s.csv", GOOD), "--format", "json"])
        assert result.exit_code == 2
        assert mentions in result.stderr
        assert "bad.toml" in result.stderr

    def test_two_for_a_missing_agreement_file(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "nowhere.toml")
        result = invoke(["check", "-a", missing, put(tmp_path, "s.csv", GOOD)])
        assert result.exit_code == 2
        assert "nowhere.toml" in result.stderr

    def test_two_for_a_missing_shifts_file(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "no-shifts.csv")
        result = invoke(["check", "-a", agreement(tmp_path), missing])
        assert result.exit_code == 2
        assert "no-shifts.csv" in result.stderr

    @pytest.mark.parametrize("column", ["employee_id", "classification", "start", "end", "extra"])
    def test_two_for_a_missing_column_naming_it(self, tmp_path: Path, column: str) -> None:
        names = HEADER.strip().split(",")
        values = shift().strip().split(",")
        keep = [i for i, name in enumerate(names) if name != column]
        text = ",".join(names[i] for i in keep) + "\n" + ",".join(values[i] for i in keep) + "\n"
        result = invoke(["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", text)])
        assert result.exit_code == 2
        assert column in result.stderr

    def test_two_for_a_bad_timezone(self, tmp_path: Path) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke([*args, "--timezone", "Moon/Tranquility"])
        assert result.exit_code == 2
        assert "Moon/Tranquility" in result.stderr

    def test_two_for_a_shifts_file_that_is_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "latin.csv"
        path.write_bytes((HEADER + shift("Jos\xe9")).encode("latin-1"))
        result = invoke(["check", "-a", agreement(tmp_path), str(path)])
        assert result.exit_code == 2
        assert "latin.csv" in result.stderr

    def test_two_for_an_unknown_shifts_suffix(self, tmp_path: Path) -> None:
        result = invoke(["check", "-a", agreement(tmp_path), put(tmp_path, "s.xlsx", GOOD)])
        assert result.exit_code == 2
        assert "s.xlsx" in result.stderr

    @pytest.mark.parametrize(
        "option", [["--as-of", "29/01/2021"], ["--ambiguous", "sometimes"], ["--format", "xml"]]
    )
    def test_two_for_bad_arguments(self, tmp_path: Path, option: list[str]) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD), *option]
        result = invoke(args)
        assert result.exit_code == 2
        assert option[0] in result.stderr

    def test_end_to_end_an_invalid_agreement_exits_two_without_a_traceback(
        self, tmp_path: Path
    ) -> None:
        bad = put(tmp_path, "bad.toml", agreement_text(rest="surplus_key = true"))
        proc = run_module(["check", "-a", bad, put(tmp_path, "s.csv", GOOD)])
        assert proc.returncode == 2
        assert "surplus_key" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert "Traceback" not in proc.stdout

    def test_end_to_end_a_missing_column_exits_two_without_a_traceback(
        self, tmp_path: Path
    ) -> None:
        text = "employee_id,classification,start,end\nE1,RCP,2020-12-28T07:00,2020-12-28T19:00\n"
        proc = run_module(["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", text)])
        assert proc.returncode == 2
        assert "extra" in proc.stderr
        assert "Traceback" not in proc.stderr

    def test_end_to_end_rows_in_error_exit_one_with_a_json_report(self, tmp_path: Path) -> None:
        proc = run_module(["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", WITH_ERROR)])
        assert proc.returncode == 1
        report = json.loads(proc.stdout)  # a pipe: json is the default
        assert report["totals"]["errors"] == 1
        assert proc.stderr == ""  # no progress bar in a pipe

    def test_end_to_end_a_long_run_in_a_pipe_shows_no_progress(self, tmp_path: Path) -> None:
        # 20,001 rows: long enough for a progress bar on a terminal, never in a pipe.
        lines = [HEADER] + [shift(f"E{i}", 28 + i % 4) for i in range(20_001)]
        shifts = put(tmp_path, "big.csv", "".join(lines))
        proc = run_module(["check", "-a", agreement(tmp_path), shifts, "--format", "csv"])
        assert proc.returncode == 0
        assert proc.stderr == ""
        assert proc.stdout.count("\n") == 20_002  # the header and one record per row


# --------------------------------------------------------------------------- check: input


def jsonl_shift(employee: str, day: int, extra: str = "true") -> str:
    return (
        f'{{"employee_id": "{employee}", "classification": "RCP", '
        f'"start": "2020-12-{day:02d}T07:00", "end": "2020-12-{day:02d}T19:00", '
        f'"extra": {extra}}}\n'
    )


class TestCheckInput:
    def test_standard_input_is_csv(self, tmp_path: Path) -> None:
        result = invoke(["check", "-a", agreement(tmp_path), "-", "--format", "json"], input=GOOD)
        assert result.exit_code == 0
        report = as_json(result)
        assert [(r["line"], r["amount"]) for r in report["rows"]] == [(2, "100.00"), (3, "0.00")]

    def test_standard_input_as_json_lines(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28) + "\n" + jsonl_shift("J2", 29, "false")
        args = ["check", "-a", agreement(tmp_path), "-", "--input-format", "jsonl"]
        result = invoke([*args, "--format", "json"], input=text)
        assert result.exit_code == 0
        report = as_json(result)
        assert [(r["line"], r["amount"]) for r in report["rows"]] == [(1, "100.00"), (3, "0.00")]

    def test_standard_input_with_a_bad_row_exits_one(self, tmp_path: Path) -> None:
        args = ["check", "-a", agreement(tmp_path), "-", "--format", "csv"]
        result = invoke(args, input=WITH_ERROR)
        assert result.exit_code == 1
        assert [r["line"] for r in csv_records(result.stdout)] == ["2", "3", "4"]

    def test_end_to_end_standard_input_from_a_pipe(self, tmp_path: Path) -> None:
        text = jsonl_shift("J1", 28) + jsonl_shift("J2", 29)
        args = ["check", "-a", agreement(tmp_path), "-", "--input-format", "jsonl"]
        proc = run_module([*args, "--format", "csv"], stdin=text)
        assert proc.returncode == 0, proc.stderr
        records = csv_records(proc.stdout)
        assert [(r["line"], r["employee_id"], r["amount"]) for r in records] == [
            ("1", "J1", "100.00"),
            ("2", "J2", "100.00"),
        ]

    def test_a_jsonl_file_by_its_suffix(self, tmp_path: Path) -> None:
        shifts = put(tmp_path, "s.jsonl", jsonl_shift("J1", 28))
        result = invoke(["check", "-a", agreement(tmp_path), shifts, "--format", "json"])
        assert result.exit_code == 0
        assert as_json(result)["rows"][0]["amount"] == "100.00"


# --------------------------------------------------------------------------- check: options


AMENDED = AMENDED_TEXT
NIGHTS = agreement_text(
    id="night-hourly",
    windows=(("2020-10-25T00:00", "2020-11-08T00:00"),),
    payout='per_hour = "10.00"',
)


class TestCheckOptions:
    @pytest.mark.parametrize(
        ("as_of", "amount", "applied"),
        [("2021-01-28", "0.00", 0), ("2021-01-29", "100.00", 1), (None, "100.00", 1)],
    )
    def test_as_of_applies_only_amendments_adopted_by_then(
        self, tmp_path: Path, as_of: str | None, amount: str, applied: int
    ) -> None:
        text = HEADER + "E1,RCP,2021-01-10T07:00,2021-01-10T19:00,true\n"
        args = ["check", "-a", agreement(tmp_path, AMENDED), put(tmp_path, "s.csv", text)]
        args += ["--format", "json"] + (["--as-of", as_of] if as_of else [])
        result = invoke(args)
        assert result.exit_code == 0
        report = as_json(result)
        assert report["as_of"] == as_of
        assert len(report["agreements"][0]["amendments_applied"]) == applied
        assert report["rows"][0]["amount"] == amount

    @pytest.mark.parametrize(
        ("choice", "start", "hours", "amount"),
        [
            ("earlier", "2020-11-01T01:30:00-07:00", "8.50", "85.00"),
            ("later", "2020-11-01T01:30:00-08:00", "7.50", "75.00"),
        ],
    )
    def test_ambiguous_turns_a_fold_time_into_a_row(
        self, tmp_path: Path, choice: str, start: str, hours: str, amount: str
    ) -> None:
        text = HEADER + "N1,RN,2020-11-01T01:30,2020-11-01T09:00,true\n"
        args = ["check", "-a", agreement(tmp_path, NIGHTS), put(tmp_path, "s.csv", text)]
        result = invoke([*args, "--format", "json", "--ambiguous", choice])
        assert result.exit_code == 0
        (row,) = as_json(result)["rows"]
        assert row["start"] == start
        assert row["end"] == "2020-11-01T09:00:00-08:00"
        assert row["hours"] == hours
        assert row["amount"] == amount

    @pytest.mark.parametrize("option", [[], ["--ambiguous", "raise"]])
    def test_a_fold_time_is_a_row_error_by_default(self, tmp_path: Path, option: list[str]) -> None:
        text = HEADER + "N1,RN,2020-11-01T01:30,2020-11-01T09:00,true\n"
        args = ["check", "-a", agreement(tmp_path, NIGHTS), put(tmp_path, "s.csv", text)]
        result = invoke([*args, "--format", "json", *option])
        assert result.exit_code == 1
        (error,) = as_json(result)["errors"]
        assert error["line"] == 2
        assert error["field"] == "start"

    def test_timezone_reads_naive_times_and_writes_the_report(self, tmp_path: Path) -> None:
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke([*args, "--format", "json", "--timezone", "America/Denver"])
        assert result.exit_code == 0
        row = as_json(result)["rows"][0]
        assert row["start"] == "2020-12-28T07:00:00-07:00"
        assert row["end"] == "2020-12-28T19:00:00-07:00"

    def test_naive_times_with_agreements_in_two_zones_need_timezone(self, tmp_path: Path) -> None:
        la = agreement(tmp_path, agreement_text(id="la-flat"), "la.toml")
        ny = agreement(
            tmp_path, agreement_text(id="ny-flat", timezone="America/New_York"), "ny.toml"
        )
        shifts = put(tmp_path, "s.csv", GOOD)
        result = invoke(["check", "-a", la, "-a", ny, shifts, "--format", "json"])
        assert result.exit_code == 1
        report = as_json(result)
        assert [e["line"] for e in report["errors"]] == [2, 3]
        assert all("timezone" in e["message"].replace(" ", "").lower() for e in report["errors"])
        fixed = invoke(["check", "-a", la, "-a", ny, shifts, "--format", "json", "--timezone", LA])
        assert fixed.exit_code == 0
        assert [r["line"] for r in as_json(fixed)["rows"]] == [2, 3]


# --------------------------------------------------------------------------- check: CSV report


class TestCsvReport:
    def test_one_record_per_input_row_in_line_order_errors_included(self, tmp_path: Path) -> None:
        text = (
            "employee_id,classification,start,end,extra,notes\n"  # 1
            + "E3,RCP,2020-12-30T07:00,2020-12-30T19:00,true,\n"  # 2
            + 'E1,RCP,2020-12-28T07:00,2020-12-28T19:00,maybe,"two\nlines"\n'  # 3-4 error
            + "\n"  # 5
            + "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,false,\n"  # 6
            + "E4,RCP,2020-12-31T07:00\n"  # 7 error
            + "E1,RCP,2020-12-27T07:00,2020-12-27T19:00,true,\n"  # 8
        )
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", text)]
        result = invoke([*args, "--format", "csv"])
        assert result.exit_code == 1
        records = csv_records(result.stdout)
        assert [r["line"] for r in records] == ["2", "3", "6", "7", "8"]
        by_line = {r["line"]: r for r in records}
        assert by_line["2"]["amount"] == "100.00"
        assert by_line["2"]["error"] == ""
        assert by_line["3"]["employee_id"] == "E1"
        assert "maybe" in by_line["3"]["error"]
        assert by_line["3"]["amount"] == ""
        assert by_line["6"]["amount"] == "0.00"
        assert by_line["6"]["failed"] == "flat-100:extra"
        assert by_line["6"]["qualifies"] == ""
        assert by_line["7"]["error"] != ""
        assert by_line["8"]["qualifies"] == "flat-100"
        assert by_line["8"]["failed"] == ""
        # no paid column in the input: the claim cells are empty
        assert all(r["paid"] == "" and r["difference"] == "" for r in records)

    def test_qualifies_and_failed_list_agreements_separated_by_semicolons(
        self, tmp_path: Path
    ) -> None:
        a = agreement(tmp_path, agreement_text(id="a-flat", top='stacking = "stack"'), "a.toml")
        b_text = agreement_text(
            id="b-rn",
            top='stacking = "stack"',
            classifications='["RN"]',
            payout='per_shift = "50.00"',
        )
        b = agreement(tmp_path, b_text, "b.toml")
        text = HEADER + (
            "E1,RN,2020-12-28T07:00,2020-12-28T19:00,true\n"
            "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,false\n"
            "E3,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"
        )
        result = invoke(
            ["check", "-a", a, "-a", b, put(tmp_path, "s.csv", text), "--format", "csv"]
        )
        assert result.exit_code == 0
        rows = {r["line"]: r for r in csv_records(result.stdout)}
        assert set(rows["2"]["qualifies"].split(";")) == {"a-flat", "b-rn"}
        assert rows["2"]["failed"] == ""
        assert rows["2"]["amount"] == "150.00"
        assert rows["3"]["qualifies"] == ""
        assert set(rows["3"]["failed"].split(";")) == {
            "a-flat:extra",
            "b-rn:classification",
            "b-rn:extra",
        }
        assert rows["4"]["qualifies"] == "a-flat"
        assert rows["4"]["failed"] == "b-rn:classification"

    def test_claim_columns(self, tmp_path: Path) -> None:
        text = "employee_id,classification,start,end,extra,paid\n" + (
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,60.00\n"
            "E2,RCP,2020-12-28T07:00,2020-12-28T19:00,false,40\n"
            "E3,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"
        )
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", text)]
        records = csv_records(invoke([*args, "--format", "csv"]).stdout)
        assert [(r["paid"], r["difference"]) for r in records] == [
            ("60.00", "40.00"),
            ("40.00", "-40.00"),  # a plain negative number is left alone
            ("", ""),
        ]

    def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
        self, tmp_path: Path
    ) -> None:
        hyperlink = '=HYPERLINK("http://evil.example/","click")'
        text = "employee_id,classification,start,end,extra,paid\n" + (
            '"=HYPERLINK(""http://evil.example/"",""click"")",RCP,2020-12-28T07:00,'
            "2020-12-28T19:00,true,100.00\n"  # 2
            "@SUM(A1),RCP,2020-12-28T07:00,2020-12-28T19:00,true,100.00\n"  # 3
            "+1-2,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"  # 4
            "-40.00,RCP,2020-12-28T07:00,2020-12-28T19:00,false,40.00\n"  # 5
            "=1+1,RCP,2020-12-28T07:00,2020-12-28T19:00,maybe,\n"  # 6 error row
            "-2+3,RCP,2020-12-29T07:00,2020-12-29T19:00,true,\n"  # 7
        )
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", text)]
        result = invoke([*args, "--format", "csv"])
        assert result.exit_code == 1
        rows = {r["line"]: r for r in csv_records(result.stdout)}
        assert rows["2"]["employee_id"] == "'" + hyperlink
        assert rows["3"]["employee_id"] == "'@SUM(A1)"
        assert rows["4"]["employee_id"] == "'+1-2"
        assert rows["5"]["employee_id"] == "-40.00"
        assert rows["5"]["difference"] == "-40.00"
        assert rows["6"]["employee_id"] == "'=1+1"
        assert rows["7"]["employee_id"] == "'-2+3"
        for record in rows.values():
            for column, cell in record.items():
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert is_plain_number(cell), f"line {record['line']} {column}: {cell!r}"

    def test_formula_cells_are_neutralised_in_an_output_file_too(self, tmp_path: Path) -> None:
        text = HEADER + "@cmd,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n"
        out = tmp_path / "report.csv"
        args = ["check", "-a", agreement(tmp_path), put(tmp_path, "s.csv", text), "-o", str(out)]
        assert invoke(args).exit_code == 0
        (record,) = csv_records(out.read_text(encoding="utf-8"))
        assert record["employee_id"] == "'@cmd"


# --------------------------------------------------------------------------- explain


class TestExplain:
    def test_explain_prints_every_rule_with_its_detail_and_the_amount(self, tmp_path: Path) -> None:
        files = ["-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke(["explain", *files, "--line", "2"])
        assert result.exit_code == 0
        out = result.stdout
        report = as_json(invoke(["check", *files, "--format", "json"]))
        (outcome,) = report["rows"][0]["outcomes"]
        assert [r["rule"] for r in outcome["reasons"]] == RULES_IN_ORDER
        for reason in outcome["reasons"]:
            assert reason["rule"] in out
            assert reason["detail"] in out
        assert "100.00" in out
        assert "flat-100" in out

    def test_explain_a_row_that_does_not_qualify_says_which_rule_failed(
        self, tmp_path: Path
    ) -> None:
        files = ["-a", agreement(tmp_path), put(tmp_path, "s.csv", GOOD)]
        result = invoke(["explain", *files, "--line", "3"])
        assert result.exit_code == 0
        report = as_json(invoke(["check", *files, "--format", "json"]))
        reasons = report["rows"][1]["outcomes"][0]["reasons"]
        (extra,) = [r for r in reasons if not r["ok"]]
        assert extra["rule"] == "extra"
        assert extra["detail"] in result.stdout
        assert "0.00" in result.stdout

    def test_explain_an_error_line_exits_one_with_the_message(self, tmp_path: Path) -> None:
        files = ["-a", agreement(tmp_path), put(tmp_path, "s.csv", WITH_ERROR)]
        result = invoke(["explain", *files, "--line", "3"])
        assert result.exit_code == 1
        report = as_json(invoke(["check", *files, "--format", "json"]))
        (error,) = report["errors"]
        assert error["message"] in result.stdout + result.stderr

    @pytest.mark.parametrize("line", ["1", "3", "6", "0", "-1"])
    def test_explain_a_line_that_is_not_a_data_row_exits_two(
        self, tmp_path: Path, line: str
    ) -> None:
        text = HEADER + shift("E1", 28) + "\n" + shift("E2", 29) + "\n"  # data on lines 2, 4
        files = ["-a", agreement(tmp_path), put(tmp_path, "s.csv", text)]
        result = invoke(["explain", *files, "--line", line])
        assert result.exit_code == 2
        assert result.stderr.strip() != ""
        assert result.stdout == ""

    def test_explain_a_row_from_standard_input(self, tmp_path: Path) -> None:
        args = ["explain", "-a", agreement(tmp_path), "-", "--line", "2"]
        result = invoke(args, input=GOOD)
        assert result.exit_code == 0
        assert "100.00" in result.stdout

    def test_explain_a_double_claim_exits_one(self, tmp_path: Path) -> None:
        text = HEADER + shift("E1", 28) + "E1,RCP,2020-12-28T18:00,2020-12-29T02:00,true\n"
        files = ["-a", agreement(tmp_path), put(tmp_path, "s.csv", text)]
        # SPEC 7: 1 when the report was written but some rows are errors, even when the
        # row asked about is fine; standard error says which lines are errors.
        first = invoke(["explain", *files, "--line", "2"])
        assert first.exit_code == 1
        assert "100.00" in first.stdout
        assert "1 other row(s)" in first.stderr
        assert "lines 3" in first.stderr
        result = invoke(["explain", *files, "--line", "3"])
        assert result.exit_code == 1
        assert "2" in result.stdout

    def test_explain_with_an_invalid_agreement_exits_two(self, tmp_path: Path) -> None:
        bad = put(tmp_path, "bad.toml", agreement_text(rest="unknown_key = 1"))
        result = invoke(["explain", "-a", bad, put(tmp_path, "s.csv", GOOD), "--line", "2"])
        assert result.exit_code == 2
        assert "unknown_key" in result.stderr


# --------------------------------------------------------------------------- validate


class TestValidate:
    def test_valid_files_exit_zero(self, tmp_path: Path) -> None:
        a = agreement(tmp_path, agreement_text(id="a-flat"), "a.toml")
        b = agreement(tmp_path, AMENDED, "b.toml")
        result = invoke(["validate", a, b])
        assert result.exit_code == 0
        assert "a.toml" in result.output
        assert "b.toml" in result.output

    def test_a_valid_json_agreement(self, tmp_path: Path) -> None:
        data = {
            "id": "json-flat",
            "title": "JSON agreement",
            "timezone": LA,
            "windows": [{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}],
            "eligibility": {"classifications": ["*"]},
            "payout": [{"per_shift": "100.00"}],
        }
        path = put(tmp_path, "agreement.json", json.dumps(data))
        assert invoke(["validate", path]).exit_code == 0

    def test_invalid_files_exit_two_listing_every_problem(self, tmp_path: Path) -> None:
        good = agreement(tmp_path, agreement_text(id="good"), "good.toml")
        first = put(
            tmp_path,
            "first.toml",
            agreement_text(
                id="first",
                timezone="Mars/Olympus_Mons",
                payout='tiers = [{ min_hours = 8, amount = "abc" }]',
                rest="windoows = 1",
            ),
        )
        second = put(tmp_path, "second.toml", 'id = "second"\n')
        third = put(tmp_path, "third.toml", "this is not [toml")
        result = invoke(["validate", good, first, second, third])
        assert result.exit_code == 2
        said = result.stdout + result.stderr
        for expected in (
            "first.toml",
            "Mars/Olympus_Mons",
            "payout[0].tiers[0].amount",
            "windoows",
            "second.toml",
            "title",
            "timezone",
            "windows",
            "eligibility",
            "payout",
            "third.toml",
        ):
            assert expected in said, expected

    def test_a_missing_file_is_invalid(self, tmp_path: Path) -> None:
        result = invoke(["validate", str(tmp_path / "nowhere.toml")])
        assert result.exit_code == 2
        assert "nowhere.toml" in result.stdout + result.stderr


# --------------------------------------------------------------------------- other commands


def test_schema_prints_the_json_schema_of_the_agreement_file() -> None:
    result = invoke(["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "windows" in schema["properties"]
    assert "payout" in schema["properties"]
    assert "timezone" in schema["properties"]


def test_demo_prints_a_table_with_totals() -> None:
    result = invoke(["demo"])
    assert result.exit_code == 0
    # The bundled file: six of twelve shifts qualify, 1450.00 in all, 50.00 underpaid on
    # line 4 (a 12-hour night paid at the 10-hour tier).
    assert "Rows 12: 12 evaluated, 0 in error, 6 qualifying." in result.stdout
    assert "Total incentive: 1450.00" in result.stdout
    assert "underpaid (owed to members): 50.00" in result.stdout
    line_4 = next(t for t in result.stdout.splitlines() if t.lstrip().startswith("4 D03"))
    assert line_4.split()[-5:] == ["12.00", "300.00", "250.00", "50.00", "qualifies"]


def test_demo_table_fits_an_80_column_terminal_without_cutting_numbers() -> None:
    result = CliRunner().invoke(cli, ["demo"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert max(len(t) for t in result.stdout.splitlines()) <= 80
    assert "…" not in result.stdout
    assert "2020-12-26 19:00–07:00+1" in result.stdout


def test_demo_line_explains_one_bundled_row() -> None:
    result = invoke(["demo", "--line", "3"])
    assert result.exit_code == 0
    assert "Line 3 of the demo shifts: employee D02" in result.stdout
    assert "[FAIL] window" in result.stdout
    assert "before the window's start 2020-12-27 07:00 PST" in result.stdout
    assert "does not qualify (failed: window); pays 0.00" in result.stdout


def test_demo_line_that_is_not_a_row_exits_two() -> None:
    result = invoke(["demo", "--line", "30"])
    assert result.exit_code == 2
    assert "lines 2 to 13" in result.stderr


def test_version() -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert incentives.__version__ in result.stdout


def test_version_end_to_end() -> None:
    proc = run_module(["--version"])
    assert proc.returncode == 0
    assert incentives.__version__ in proc.stdout


# --------------------------------------------------------------------------- scenarios


def _scenarios_folder() -> Path | None:
    here = Path(__file__).resolve()
    candidates = [here.parents[2] / "shared" / "scenarios", Path("/work/shared/scenarios")]
    if os.environ.get("INCENTIVES_SCENARIOS"):
        candidates.insert(0, Path(os.environ["INCENTIVES_SCENARIOS"]))
    for folder in candidates:
        if (folder / "check_scenarios.py").is_file():
            return folder
    return None


def _load_runner(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_scenarios", folder / "check_scenarios.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scenario_params() -> list[Any]:
    folder = _scenarios_folder()
    if folder is None:
        return [pytest.param(None, id="shared-scenarios-missing")]
    found = sorted(p.parent for p in folder.glob("*/scenario.json"))
    if not found:
        return [pytest.param(None, id="no-scenarios-found")]
    return [pytest.param(p, id=p.name) for p in found]


@pytest.mark.parametrize("scenario", _scenario_params())
def test_acceptance_scenario(scenario: Path | None) -> None:
    folder = _scenarios_folder()
    if scenario is None or folder is None:
        pytest.fail(
            "the shared acceptance scenarios were not found: expected "
            "../shared/scenarios/check_scenarios.py beside the project (/work/shared/scenarios)"
            " with one folder per scenario, or INCENTIVES_SCENARIOS pointing to it"
        )
    runner = _load_runner(folder)
    problems: list[str] = runner.run_scenario(scenario, [sys.executable, "-m", "incentives"])
    assert problems == [], "\n".join(problems)


def test_a_carriage_return_in_an_error_row_is_quoted(
    tmp_path: Path,
) -> None:
    # The employee of a row in error is shown trimmed, not folded: the CR stays inside.
    (tmp_path / "a.toml").write_text(agreement_text(), encoding="utf-8")
    shifts = tmp_path / "s.csv"
    shifts.write_bytes(
        b'employee_id,classification,start,end,extra\n"E1\rX",RCP,soon,2020-12-27T19:00,true\n'
    )
    result = CliRunner().invoke(
        cli, ["check", "-a", str(tmp_path / "a.toml"), str(shifts), "--format", "csv"]
    )
    assert result.exit_code == 1
    assert result.stdout.split("\n")[1].startswith('2,"E1\rX",,,,,,,,,start: ')
    (record,) = csv_records(result.stdout)
    assert record["employee_id"] == "E1\rX"

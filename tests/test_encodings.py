"""Encodings and delimiters of a shifts file: what Excel and timekeeping exports write."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from strategies import agreement_text

import incentives
from incentives import ShiftFileError
from incentives._cli import cli

ROWS = [
    ["employee_id", "classification", "start", "end", "extra"],
    ["E1", "Respiratory Care Practitioner", "2020-12-28T07:00", "2020-12-28T19:00", "true"],
    ["José", "Respiratory Care Practitioner", "2020-12-29T07:00", "2020-12-29T15:00", "true"],
]


def written(rows: list[list[str]], delimiter: str, encoding: str, ending: str = "\r\n") -> bytes:
    return ending.join(delimiter.join(r) for r in rows).encode(encoding) + ending.encode()


def report_of(data: bytes, tmp_path: Path, name: str = "shifts.csv", **options: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    batch = incentives.read_shifts(path, **options)  # type: ignore[arg-type]
    agreement = incentives.load_agreement(_agreement(tmp_path))
    report = incentives.evaluate([agreement], batch)
    return [f"{r.line} {r.employee_id} {r.hours} {r.amount}" for r in report.rows]


def _agreement(tmp_path: Path) -> Path:
    path = tmp_path / "a.toml"
    path.write_text(agreement_text(), encoding="utf-8")
    return path


EXPECTED = ["2 E1 12.00 100.00", "3 José 8.00 100.00"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_the_delimiter_is_found_from_the_header(tmp_path: Path, delimiter: str) -> None:
    assert report_of(written(ROWS, delimiter, "utf-8"), tmp_path) == EXPECTED


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_a_quoted_value_holding_another_delimiter_stays_whole(
    tmp_path: Path, delimiter: str
) -> None:
    rows = [list(r) for r in ROWS]
    other = ";" if delimiter != ";" else ","
    rows[1][0] = f'"E{other}1"'
    lines = report_of(written(rows, delimiter, "utf-8"), tmp_path)
    assert lines == [f"2 E{other}1 12.00 100.00", "3 José 8.00 100.00"]


def test_a_semicolon_file_with_commas_in_its_values(tmp_path: Path) -> None:
    # A European export: semicolons between fields, a decimal comma nowhere needed.
    rows = [[*r, "note"] if i == 0 else [*r, "late, approved"] for i, r in enumerate(ROWS)]
    assert report_of(written(rows, ";", "utf-8"), tmp_path) == EXPECTED


def test_windows_1252_on_request(tmp_path: Path) -> None:
    data = written(ROWS, "\t", "cp1252")
    assert b"Jos\xe9" in data
    assert report_of(data, tmp_path, name="roster.tsv", encoding="cp1252") == EXPECTED


def test_not_utf_8_names_the_line_and_byte_and_suggests_the_option(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(written(ROWS, ",", "cp1252"))
    with pytest.raises(ShiftFileError) as caught:
        incentives.read_shifts(path)
    assert str(caught.value) == (
        f"{path}: line 3, byte 4: not UTF-8 text (byte 0xe9): "
        "if a Windows program saved it, try --encoding cp1252"
    )


def test_a_byte_order_mark_is_read_past_in_every_utf_8_spelling(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + written(ROWS, ";", "utf-8")
    assert report_of(data, tmp_path) == EXPECTED
    assert report_of(data, tmp_path, encoding="utf-8-sig") == EXPECTED


def test_a_given_delimiter_wins_over_the_detected_one(tmp_path: Path) -> None:
    # Split by commas, the header has no known column: each line is one field.
    with pytest.raises(ShiftFileError, match="missing required columns"):
        report_of(written(ROWS, ";", "utf-8"), tmp_path, delimiter=",")


def test_an_unknown_delimiter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ShiftFileError, match="a comma, a tab or a semicolon"):
        report_of(written(ROWS, "|", "utf-8"), tmp_path, delimiter="|")


def test_a_text_stream_is_already_decoded(tmp_path: Path) -> None:
    text = written(ROWS, "\t", "utf-8").decode()
    batch = incentives.read_shifts(io.StringIO(text), encoding="cp1252")
    agreement = incentives.load_agreement(_agreement(tmp_path))
    report = incentives.evaluate([agreement], batch)
    assert [r.employee_id for r in report.rows] == ["E1", "José"]


def test_jsonl_in_windows_1252(tmp_path: Path) -> None:
    line = (
        '{"employee_id": "José", "classification": "RCP", "start": "2020-12-28T07:00", '
        '"end": "2020-12-28T19:00", "extra": true}\n'
    )
    path = tmp_path / "shifts.jsonl"
    path.write_bytes(line.encode("cp1252"))
    batch = incentives.read_shifts(path, encoding="cp1252")
    report = incentives.evaluate([incentives.load_agreement(_agreement(tmp_path))], batch)
    assert [(r.employee_id, str(r.amount)) for r in report.rows] == [("José", "100.00")]


def test_the_command_line_options(tmp_path: Path) -> None:
    path = tmp_path / "roster.tsv"
    path.write_bytes(written(ROWS, ";", "cp1252"))
    args = ["check", "-a", str(_agreement(tmp_path)), str(path), "--format", "csv"]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2
    assert "try --encoding cp1252" in refused.stderr
    result = CliRunner().invoke(cli, [*args, "--encoding", "cp1252", "--delimiter", "semicolon"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2].startswith("3,José,2020-12-29T07:00:00-08:00,")
    unknown = CliRunner().invoke(cli, [*args, "--encoding", "klingon"])
    assert unknown.exit_code == 2
    assert "'klingon' is not an encoding Python knows" in unknown.stderr

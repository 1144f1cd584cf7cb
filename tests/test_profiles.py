"""Input profiles: other systems' exports read as the project's own shifts file."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import pytest
from click.testing import CliRunner
from strategies import agreement_text

import incentives
from incentives import ProfileError, ShiftFileError
from incentives._cli import cli
from incentives._profile import Profile, bundled, load_profile
from incentives.writers.csv import report_csv

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "usw7600-rcp"
EXPORTS = EXAMPLE / "exports"


def csv_report(shifts: Path, **options: object) -> str:
    agreement = incentives.load_agreement(EXAMPLE / "agreement.toml")
    batch = incentives.read_shifts(shifts, **options)  # type: ignore[arg-type]
    return report_csv(incentives.evaluate([agreement], batch))


CANONICAL = csv_report(EXAMPLE / "shifts.csv")

SAMPLES = [
    ("timecard-ukg.csv", {"profile": "ukg-timecard"}),
    ("roster.xlsx", {"profile": "date-in-out"}),
    ("roster.xlsx", {"profile": "date-in-out", "sheet": "Roster"}),
    ("roster-cp1252.tsv", {"profile": "date-in-out", "encoding": "cp1252"}),
    ("../shifts.csv", {"profile": "incentives"}),
]


@pytest.mark.parametrize(("name", "options"), SAMPLES, ids=lambda v: str(v))
def test_each_sample_export_gives_the_report_of_the_project_s_own_file(
    name: str, options: dict[str, object]
) -> None:
    assert csv_report(EXPORTS / name, **options) == CANONICAL


def test_the_samples_are_what_their_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_exports", EXPORTS / "make_exports.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("timecard-ukg.csv", "roster-cp1252.tsv"):
        assert (tmp_path / name).read_bytes() == (EXPORTS / name).read_bytes()
    assert csv_report(tmp_path / "roster.xlsx", profile="date-in-out") == CANONICAL


def test_the_command_line_reads_a_sample_with_its_profile() -> None:
    args = ["check", "-a", str(EXAMPLE / "agreement.toml"), "--format", "csv"]
    result = CliRunner().invoke(
        cli, [*args, str(EXPORTS / "timecard-ukg.csv"), "--profile", "ukg-timecard"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == CANONICAL
    plain = CliRunner().invoke(cli, [*args, str(EXPORTS / "timecard-ukg.csv")])
    assert plain.exit_code == 2
    assert "missing required columns employee_id, classification, start, end" in plain.stderr
    assert "(the header has: Person Number, Job, Home Location" in plain.stderr


def test_profiles_lists_the_bundled_ones() -> None:
    result = CliRunner().invoke(cli, ["profiles"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["date-in-out", "incentives", "ukg-timecard"]
    assert set(bundled()) == set(names)


def test_the_profile_schema_is_printed() -> None:
    result = CliRunner().invoke(cli, ["schema", "--what", "profile"])
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert {"columns", "constants", "date_format", "time_format", "money"} <= set(
        schema["properties"]
    )


# --------------------------------------------------------------------------- one feature each


def check(tmp_path: Path, text: str, profile: Profile, agreement: str | None = None) -> list[str]:
    shifts = tmp_path / "export.csv"
    shifts.write_text(text, encoding="utf-8")
    path = tmp_path / "a.toml"
    path.write_text(agreement or agreement_text(), encoding="utf-8")
    report = incentives.evaluate(
        [incentives.load_agreement(path)], incentives.read_shifts(shifts, profile=profile)
    )
    lines = [f"{r.line} {r.employee_id} {r.start:%m-%d %H:%M} {r.end:%m-%d %H:%M} {r.amount}"
             for r in report.rows]  # fmt: skip
    return lines + [f"{e.line} error {e.field}: {e.message}" for e in report.errors]


US = Profile(
    name="us",
    columns={
        "Who": "employee_id",
        "Job": "classification",
        "Day": "date",
        "In": "start",
        "Out": "end",
        "X": "extra",
        "Paid": "paid",
        "Code": "status",
    },
    date_format="%m/%d/%Y",
    time_format="%I:%M %p",
    money="us",
    true=["Y", "X"],
    false=["N"],
    status_codes={"SICK": "sick", "REG": "worked"},
)


def test_us_dates_and_twelve_hour_clocks(tmp_path: Path) -> None:
    text = "Who,Job,Day,In,Out,X\n007,RCP,12/28/2020,7:00 AM,7:30 PM,Y\n"
    assert check(tmp_path, text, US) == ["2 007 12-28 07:00 12-28 19:30 100.00"]


def test_an_out_punch_at_or_before_the_in_punch_is_the_next_day(tmp_path: Path) -> None:
    text = (
        "Who,Job,Day,In,Out,X\n"
        "E1,RCP,12/31/2020,7:00 PM,7:30 AM,Y\n"
        "E2,RCP,12/29/2020,7:00 AM,7:00 AM,X\n"
    )
    assert check(tmp_path, text, US) == [
        "2 E1 12-31 19:00 01-01 07:30 100.00",
        "3 E2 12-29 07:00 12-30 07:00 100.00",
    ]
    same_day = US.model_copy(update={"overnight": False})
    assert (
        check(tmp_path, text, same_day)[0] == "2 error end: end must be after start (column 'Out')"
    )


def test_a_date_is_never_guessed(tmp_path: Path) -> None:
    text = (
        "Who,Job,Day,In,Out,X\n"
        "E1,RCP,01/03/2021,7:00 AM,9:00 AM,Y\n"
        "E2,RCP,13/01/2020,7:00 AM,9:00 AM,Y\n"
    )
    assert check(tmp_path, text, US) == [
        "2 E1 01-03 07:00 01-03 09:00 100.00",
        "3 error start: date '13/01/2020' does not match %m/%d/%Y (column 'Day')",
    ]
    european = US.model_copy(update={"date_format": "%d/%m/%Y"})
    assert check(tmp_path, text, european) == [
        "2 E1 03-01 07:00 03-01 09:00 0.00",  # March 1: outside the window
        "3 E2 01-13 07:00 01-13 09:00 0.00",
    ]


def test_a_time_that_does_not_match_is_that_row_s_error(tmp_path: Path) -> None:
    text = "Who,Job,Day,In,Out,X\nE1,RCP,12/28/2020,7:00 XM,9:00 AM,Y\n"
    assert check(tmp_path, text, US) == [
        "2 error start: time '7:00 XM' does not match %I:%M %p (column 'In')"
    ]


def test_a_row_s_first_problem_is_the_one_reported(tmp_path: Path) -> None:
    text = (
        "Who,Job,Day,In,Out,X\n"
        "E1,RCP,12/40/2020,7:00 XM,9:00 QM,Y\n"
        "E2,RCP,12/28/2020,7:00 AM,9:00 QM,Y\n"
        "E3,RCP,12/28/2020,7:00 XM\n"
        "E4,RCP,12/28/2020,7:00 AM,9:00 AM,Y\n"
    )
    assert check(tmp_path, text, US) == [
        "5 E4 12-28 07:00 12-28 09:00 100.00",
        "2 error start: date '12/40/2020' does not match %m/%d/%Y (column 'Day')",
        "3 error end: time '9:00 QM' does not match %I:%M %p (column 'Out')",
        "4 error end: row has 4 values, the header has 6 columns (column 'Out')",
    ]


def test_money_with_a_dollar_sign_and_thousands_separators(tmp_path: Path) -> None:
    text = (
        "Who,Job,Day,In,Out,X,Paid\n"
        'E1,RCP,12/28/2020,7:00 AM,9:00 AM,Y,"$1,250.00"\n'
        "E2,RCP,12/28/2020,7:00 AM,9:00 AM,Y,$100\n"
        'E3,RCP,12/28/2020,7:00 AM,9:00 AM,Y,"$1,25.00"\n'
    )
    shifts = tmp_path / "export.csv"
    shifts.write_text(text, encoding="utf-8")
    path = tmp_path / "a.toml"
    path.write_text(agreement_text(), encoding="utf-8")
    report = incentives.evaluate(
        [incentives.load_agreement(path)], incentives.read_shifts(shifts, profile=US)
    )
    assert [r.paid for r in report.rows] == [Decimal("1250.00"), Decimal("100.00")]
    (error,) = report.errors
    assert (error.line, error.field) == (4, "paid")
    assert error.message == "paid '$1,25.00' is not a decimal number (column 'Paid')"


def test_flags_and_pay_codes(tmp_path: Path) -> None:
    text = (
        "Who,Job,Day,In,Out,X,Code\n"
        "E1,RCP,12/28/2020,7:00 AM,9:00 AM,X,REG\n"
        "E1,RCP,12/29/2020,7:00 AM,9:00 AM,N,sick\n"
        "E2,RCP,12/28/2020,7:00 AM,9:00 AM,Y,\n"
    )
    sick_cancels = agreement_text(attendance='forfeit_on = ["sick"]')
    assert check(tmp_path, text, US, sick_cancels) == [
        "2 E1 12-28 07:00 12-28 09:00 0.00",  # the sick call forfeits the week
        "3 E1 12-29 07:00 12-29 09:00 0.00",
        "4 E2 12-28 07:00 12-28 09:00 100.00",
    ]


def test_constants_fill_columns_the_file_lacks(tmp_path: Path) -> None:
    claim = Profile(
        name="one-member",
        columns={"Day": "date", "In": "start", "Out": "end"},
        constants={"employee_id": "R101", "classification": "RCP", "extra": "true"},
        date_format="%m/%d/%Y",
        time_format="%H:%M",
    )
    text = "Day,In,Out\n12/28/2020,19:00,07:30\n"
    assert check(tmp_path, text, claim) == ["2 R101 12-28 19:00 12-29 07:30 100.00"]


def test_a_full_date_and_time_format(tmp_path: Path) -> None:
    profile = Profile(
        name="stamps",
        columns={"Who": "employee_id", "Job": "classification", "In": "start", "Out": "end"},
        constants={"extra": "yes"},
        datetime_format="%m/%d/%Y %I:%M %p",
    )
    text = (
        "Who,Job,In,Out\n"
        "E1,RCP,12/27/2020 7:00 AM,12/27/2020 7:00 PM\n"
        "E2,RCP,soon,12/27/2020 7:00 PM\n"
    )
    assert check(tmp_path, text, profile) == [
        "2 E1 12-27 07:00 12-27 19:00 100.00",
        "3 error start: 'soon' does not match %m/%d/%Y %I:%M %p (column 'In')",
    ]


def test_leading_zeros_in_ids_are_kept(tmp_path: Path) -> None:
    text = "Who,Job,Day,In,Out,X\n00101,RCP,12/28/2020,7:00 AM,9:00 AM,Y\n"
    assert check(tmp_path, text, US)[0].split()[1] == "00101"


def test_a_profile_file_is_validated_with_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('name = "x"\nmoney = "euro"\n[columns]\n"A" = "employe_id"\n', encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.problems == [
        "columns: 'A' maps to 'employe_id', not a shifts column or 'date'",
        "money: Input should be 'plain' or 'us'",
    ]
    with pytest.raises(ProfileError, match="no such profile file or bundled profile"):
        load_profile(tmp_path / "nothere.toml")


def opendocument(path: Path, rows: list[list[str | None]]) -> None:
    """A one-sheet OpenDocument spreadsheet (what LibreOffice saves), every cell text."""
    ns = "urn:oasis:names:tc:opendocument:xmlns"
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    body = "".join(
        "<table:table-row>"
        + "".join(cell.format(escape(v)) if v else "<table:table-cell/>" for v in row)
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="{ns}:office:1.0" xmlns:table="{ns}:table:1.0" '
        f'xmlns:text="{ns}:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Roster">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    media = "application/vnd.oasis.opendocument.spreadsheet"
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        f'xmlns:manifest="{ns}:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{media}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), media)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)


def test_an_opendocument_spreadsheet_reads_as_the_workbook(tmp_path: Path) -> None:
    sheet = pl.read_excel(EXPORTS / "roster.xlsx", engine="calamine", infer_schema_length=0)
    rows: list[list[str | None]] = [list(sheet.columns), *(list(r) for r in sheet.rows())]
    opendocument(tmp_path / "roster.ods", rows)
    assert csv_report(tmp_path / "roster.ods", profile="date-in-out") == CANONICAL


def test_a_sheet_s_row_numbers_are_the_lines(tmp_path: Path) -> None:
    where: list[str | None] = ["Respiratory Care Practitioner", "Fontana Medical Center"]
    rows: list[list[str | None]] = [
        ["Employee", "Classification", "Location", "Date", "In", "Out", "Extra"],
        ["E1", *where, "12/28/2020", "07:00", "19:30", "Y"],
        [None] * 7,
        ["E2", *where, "12/28/2020", "7:00 QM", "19:30", "Y"],
    ]
    opendocument(tmp_path / "claim.ods", rows)
    batch = incentives.read_shifts(tmp_path / "claim.ods", profile="date-in-out")
    report = incentives.evaluate([incentives.load_agreement(EXAMPLE / "agreement.toml")], batch)
    assert [(r.line, r.amount) for r in report.rows] == [(2, Decimal("300.00"))]
    assert [(e.line, e.message) for e in report.errors] == [
        (4, "time '7:00 QM' does not match %H:%M (column 'In')")
    ]


def test_a_missing_sheet_is_a_file_error() -> None:
    with pytest.raises(ShiftFileError, match="cannot read the workbook"):
        incentives.read_shifts(EXPORTS / "roster.xlsx", sheet="Timecard")


# --------------------------------------------------------------------------- inspect


def test_inspect_suggests_the_bundled_profile_that_reads_a_file() -> None:
    result = CliRunner().invoke(
        cli, ["inspect", str(EXPORTS / "roster-cp1252.tsv"), "--encoding", "cp1252"]
    )
    assert result.exit_code == 2
    assert "missing required columns employee_id, start, end" in result.stdout
    assert "the bundled profile 'date-in-out' reads this file: --profile date-in-out" in (
        result.stdout
    )


def test_inspect_shows_the_mapping_and_the_first_rows_as_instants() -> None:
    args = ["inspect", str(EXPORTS / "roster.xlsx"), "--profile", "date-in-out", "--rows", "2"]
    result = CliRunner().invoke(cli, [*args, "--timezone", "America/Los_Angeles"])
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert "  Date            -> date" in lines
    assert "  Location        -> location" in lines
    assert "First rows, as read (15 rows read, 0 in error):" in lines
    assert lines[-2].startswith(
        "  line 2, employee_id R101, start 2020-12-27T07:00-08:00, end 2020-12-27T19:30-08:00"
    )
    assert lines[-1].startswith(
        "  line 3, employee_id R102, start 2020-12-26T18:30-08:00, end 2020-12-27T07:00-08:00"
    )


def test_inspect_lists_row_problems_and_the_encoding_hint(tmp_path: Path) -> None:
    bad = tmp_path / "roster.csv"
    bad.write_bytes(
        "Employee,Classification,Date,In,Out\nJosé,RCP,12/28/2020,07:00,x\n".encode("cp1252")
    )
    refused = CliRunner().invoke(cli, ["inspect", str(bad), "--profile", "date-in-out"])
    assert refused.exit_code == 2
    assert "--encoding cp1252 for a file a Windows program saved" in refused.stdout
    read = CliRunner().invoke(
        cli, ["inspect", str(bad), "--profile", "date-in-out", "--encoding", "cp1252"]
    )
    assert read.exit_code == 1
    assert (
        "  - line 2 (end): time 'x' does not match %H:%M (column 'Out')" in read.stdout.splitlines()
    )


def test_a_profile_renames_the_keys_of_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(
        '{"Who": "007", "Job": "RCP", "Day": "12/28/2020", "In": "7:00 PM", "Out": "7:30 AM",'
        ' "X": "Y", "Paid": "$1,100.00"}\n',
        encoding="utf-8",
    )
    agreement = tmp_path / "a.toml"
    agreement.write_text(agreement_text(), encoding="utf-8")
    report = incentives.evaluate(
        [incentives.load_agreement(agreement)], incentives.read_shifts(path, profile=US)
    )
    (row,) = report.rows
    assert (row.employee_id, f"{row.start:%m-%d %H:%M}", f"{row.end:%m-%d %H:%M}") == (
        "007",
        "12-28 19:00",
        "12-29 07:30",
    )
    assert (row.amount, row.paid) == (Decimal("100.00"), Decimal("1100.00"))


def test_a_profile_reads_alike_record_by_record(tmp_path: Path) -> None:
    # Old Mac line endings send the file to Python's csv module, one record at a time.
    path = tmp_path / "timecard.csv"
    path.write_bytes((EXPORTS / "timecard-ukg.csv").read_bytes().replace(b"\r\n", b"\r"))
    assert csv_report(path, profile="ukg-timecard") == CANONICAL


def test_an_overnight_end_is_noted_in_the_report_and_in_explain() -> None:
    agreement = incentives.load_agreement(EXAMPLE / "agreement.toml")
    batch = incentives.read_shifts(EXPORTS / "timecard-ukg.csv", profile="ukg-timecard")
    report = incentives.evaluate([agreement], batch)
    notes = {r.line: r.note for r in report.rows if r.note}
    assert (
        notes[3]
        == "end 7:00 AM is taken on the next day (2020-12-27): it is not after start 6:30 PM"
    )
    assert sorted(notes) == [3, 4, 5, 15, 16]  # the five night shifts of the example
    data = report.model_dump(mode="json")
    assert "note" not in data["rows"][0]
    assert data["rows"][1]["note"] == notes[3]
    args = ["explain", "-a", str(EXAMPLE / "agreement.toml"), str(EXPORTS / "timecard-ukg.csv")]
    result = CliRunner().invoke(cli, [*args, "--profile", "ukg-timecard", "--line", "3"])
    assert f"  note: {notes[3]}" in result.stdout.splitlines()


def test_the_samples_need_their_options() -> None:
    with pytest.raises(ShiftFileError) as caught:
        incentives.read_shifts(EXPORTS / "roster-cp1252.tsv", profile="date-in-out")
    assert "line 3, byte 98: not UTF-8 text (byte 0xe8): if a Windows program saved it" in str(
        caught.value
    )


def test_columns_constants_and_formats_on_the_command_line(tmp_path: Path) -> None:
    claim = tmp_path / "claim.csv"
    claim.write_text("Day,In,Out,Paid\n12/28/2020,19:00,07:30,300.00\n", encoding="utf-8")
    args = ["check", "-a", str(EXAMPLE / "agreement.toml"), str(claim), "--format", "csv"]
    options = ["--map", "Day=date", "--map", "In=start", "--map", "Out=end",
               "--constant", "employee_id=R101",
               "--constant", "classification=Respiratory Care Practitioner",
               "--constant", "extra=true", "--constant", "location=Riverside Medical Center",
               "--date-format", "%m/%d/%Y", "--time-format", "%H:%M"]  # fmt: skip
    result = CliRunner().invoke(cli, [*args, *options])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "2,R101,2020-12-28T19:00:00-08:00,2020-12-29T07:30:00-08:00,12.50,300.00,300.00,0.00,"
        "usw7600-rcp,,"
    )
    bad = CliRunner().invoke(cli, [*args, "--map", "Day=dte"])
    assert bad.exit_code == 2
    assert "the command line: columns: 'Day' maps to 'dte', not a shifts column" in bad.stderr
    malformed = CliRunner().invoke(cli, [*args, "--map", "Day"])
    assert malformed.exit_code == 2
    assert "'Day' is not NAME=VALUE" in malformed.stderr


def test_a_map_on_the_command_line_adds_to_a_profile(tmp_path: Path) -> None:
    export = tmp_path / "timecard.csv"
    text = (EXPORTS / "timecard-ukg.csv").read_text(encoding="utf-8")
    export.write_text(text.replace("Person Number", "Badge", 1), encoding="utf-8")
    args = ["check", "-a", str(EXAMPLE / "agreement.toml"), str(export), "--format", "csv"]
    result = CliRunner().invoke(
        cli, [*args, "--profile", "ukg-timecard", "--map", "Badge=employee_id"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == CANONICAL


def test_inspect_suggests_maps_for_columns_under_other_names(tmp_path: Path) -> None:
    near = tmp_path / "near.csv"
    near.write_text(
        "Employee ID,Classification,Shift Start,Shift End,Extra\n"
        "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["inspect", str(near)])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert "  - read column 'Employee ID' as employee_id: --map 'Employee ID=employee_id'" in lines
    assert "  - read column 'Shift Start' as start: --map 'Shift Start=start'" in lines
    assert "  - read column 'Shift End' as end: --map 'Shift End=end'" in lines


def test_a_date_column_without_its_formats_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('name = "x"\n[columns]\n"Day" = "date"\n', encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.problems == [
        "a 'date' column needs date_format and time_format (nothing is guessed: "
        "03/04/2021 is March 4 only under %m/%d/%Y)"
    ]

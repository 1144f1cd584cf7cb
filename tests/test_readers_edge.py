"""Reading shifts files at their edges (SPEC section 4, docs/reference/shifts.md).

CSV files that Python's ``csv`` module must read record by record (old Mac line endings,
quotes inside a value, blank rows before the header, values past the field limit, an
unclosed quote), JSON Lines whose values are of the wrong JSON type, open files and
streams, and a batch's records as Python values. Every expected value is worked out from
the text written in the test.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from strategies import agreement_text

import incentives
from incentives import Profile, Record, Report, ShiftFileError

HEADER = "employee_id,classification,start,end,extra\n"


def shift(employee: str, day: int, classification: str = "RCP") -> str:
    """A 12-hour extra day shift, 7:00 to 19:00 local, inside the default window."""
    return f"{employee},{classification},2020-12-{day:02d}T07:00,2020-12-{day:02d}T19:00,true\n"


def write(tmp_path: Path, data: bytes | str, name: str = "shifts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def evaluate(tmp_path: Path, path: Path, **options: object) -> Report:
    agreement = tmp_path / "flat.toml"
    agreement.write_text(agreement_text(), encoding="utf-8")
    batch = incentives.read_shifts(path, **options)  # type: ignore[arg-type]
    return incentives.evaluate([incentives.load_agreement(agreement)], batch)


def paid(report: Report) -> list[tuple[int, str, str]]:
    """(line, employee, amount) of every evaluated row."""
    return [(r.line, r.employee_id, str(r.amount)) for r in report.rows]


def problems(report: Report) -> list[tuple[int, str | None, str]]:
    return [(e.line, e.field, e.message) for e in report.errors]


# --------------------------------------------------------------------------- CSV


class TestCsvReadRecordByRecord:
    def test_an_unknown_encoding_is_a_file_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + shift("E1", 28))
        with pytest.raises(ShiftFileError) as caught:
            incentives.read_shifts(path, encoding="klingon")
        assert str(caught.value) == f"{path}: unknown encoding 'klingon'"

    def test_blank_lines_before_the_header_are_skipped_and_counted(self, tmp_path: Path) -> None:
        path = write(tmp_path, "\n  \n" + HEADER + shift("E1", 28))  # header on line 3
        assert paid(evaluate(tmp_path, path)) == [(4, "E1", "100.00")]

    def test_a_row_of_empty_cells_before_the_header_is_skipped(self, tmp_path: Path) -> None:
        path = write(tmp_path, ",,,,\n" + HEADER + shift("E1", 28))
        assert paid(evaluate(tmp_path, path)) == [(3, "E1", "100.00")]

    def test_quotes_inside_an_unquoted_value_are_kept_as_written(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + shift("E1", 28, 'R"C"P') + shift("E2", 29))
        (first, second) = incentives.read_shifts(path)
        assert first.values["classification"] == 'R"C"P'
        assert second.values["classification"] == "RCP"
        assert paid(evaluate(tmp_path, path)) == [(2, "E1", "100.00"), (3, "E2", "100.00")]

    def test_old_mac_line_endings_skip_blank_lines_and_keep_their_numbers(
        self, tmp_path: Path
    ) -> None:
        text = HEADER + shift("E1", 28) + "\n" + "  \n" + shift("E2", 29)  # lines 1, 2, 5
        path = write(tmp_path, text.replace("\n", "\r"))
        assert paid(evaluate(tmp_path, path)) == [(2, "E1", "100.00"), (5, "E2", "100.00")]

    def test_a_file_of_old_mac_line_breaks_only_is_empty(self, tmp_path: Path) -> None:
        path = write(tmp_path, "\r\r  \r")
        with pytest.raises(ShiftFileError) as caught:
            incentives.read_shifts(path)
        assert str(caught.value) == f"{path}: empty file: a header row is needed"

    def test_a_value_past_the_csv_field_limit_is_a_file_error_naming_its_line(
        self, tmp_path: Path
    ) -> None:
        limit = csv.field_size_limit()
        path = write(tmp_path, HEADER + shift("E1", 28) + shift("E2", 29, "x" * (limit + 1)))
        with pytest.raises(ShiftFileError) as caught:
            incentives.read_shifts(path)
        assert str(caught.value) == (
            f"{path}: line 3: malformed CSV (field larger than field limit ({limit}))"
        )

    def test_a_quote_that_is_never_closed_is_a_file_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + shift("E1", 28) + shift("E2", 29, '"RCP'))
        with pytest.raises(ShiftFileError) as caught:
            incentives.read_shifts(path)
        assert str(caught.value) == f"{path}: line 3: malformed CSV (unexpected end of data)"


# --------------------------------------------------------------------------- JSON Lines


def jsonl(employee: str = '"E1"', start: str = '"2020-12-28T07:00"', more: str = "") -> str:
    """An object with JSON values as written; every key is one of the shifts file's."""
    return (
        f'{{"employee_id": {employee}, "classification": "RCP", "start": {start}, '
        f'"end": "2020-12-28T19:00", "extra": true{more}}}\n'
    )


class TestJsonLines:
    def test_a_file_of_blank_lines_has_no_rows(self, tmp_path: Path) -> None:
        path = write(tmp_path, "\n  \n\t\n", "shifts.jsonl")
        report = evaluate(tmp_path, path)
        assert (report.rows, report.errors) == ([], [])
        assert report.totals.rows == 0

    def test_times_of_another_json_type_are_errors_of_their_rows(self, tmp_path: Path) -> None:
        # Each line here is read by json.loads (a number where a time belongs, an object
        # as a value): the third line is a good row, with a list in a column nobody reads.
        text = (
            jsonl(start="7")
            + jsonl(start='{"at": "2020-12-28T07:00"}')
            + jsonl('"E3"', more=', "tags": ["night"]')
        )
        report = evaluate(tmp_path, write(tmp_path, text, "shifts.jsonl"))
        assert problems(report) == [
            (1, "start", "7 is not a date and time"),
            (2, "start", "{'at': '2020-12-28T07:00'} is not a date and time"),
        ]
        assert paid(report) == [(3, "E3", "100.00")]

    @pytest.mark.parametrize(
        ("value", "shown"), [('["E1"]', "['E1']"), ("true", "True"), ('{"id": 1}', "{'id': 1}")]
    )
    def test_an_employee_that_is_not_text_is_an_error_of_that_row(
        self, tmp_path: Path, value: str, shown: str
    ) -> None:
        report = evaluate(tmp_path, write(tmp_path, jsonl(value), "shifts.jsonl"))
        assert problems(report) == [(1, "employee_id", f"employee_id must be text, not {shown}")]
        assert report.rows == []

    @pytest.mark.parametrize("twice", [', "note": "a", "note": "b"', ', "tags": [1], "tags": [2]'])
    def test_an_unknown_key_given_twice_is_ignored(self, tmp_path: Path, twice: str) -> None:
        # A known key twice is the row's error; an unknown one is kept out of the report.
        report = evaluate(tmp_path, write(tmp_path, jsonl(more=twice), "shifts.jsonl"))
        assert (paid(report), report.errors) == ([(1, "E1", "100.00")], [])

    def test_blank_lines_read_through_a_profile_keep_their_numbers(self, tmp_path: Path) -> None:
        renamed = jsonl().replace('"employee_id"', '"Badge"')
        path = write(tmp_path, renamed + "\n" + renamed.replace('"E1"', '"E2"'), "export.jsonl")
        profile = Profile(name="badges", columns={"Badge": "employee_id"})
        assert paid(evaluate(tmp_path, path, profile=profile)) == [
            (1, "E1", "100.00"),
            (3, "E2", "100.00"),
        ]


# --------------------------------------------------------------------------- streams


class TestStreams:
    def test_an_open_text_file_reads_as_its_path_and_is_named_by_it(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER + shift("José", 28))
        with path.open(encoding="utf-8") as handle:
            batch = incentives.read_shifts(handle)
        assert batch.source == str(path)
        (record,) = batch
        assert [record] == list(incentives.read_shifts(path))
        assert record.values["employee_id"] == "José"

    def test_a_stream_whose_text_cannot_be_decoded_is_a_file_error(self) -> None:
        data = (HEADER + shift("E1", 28)).encode("utf-8") + b"\xff\n"
        stream = codecs.getreader("utf-8")(io.BytesIO(data))
        with pytest.raises(ShiftFileError) as caught:
            incentives.read_shifts(stream)  # type: ignore[arg-type]
        assert str(caught.value) == "<stream>: not UTF-8 text (invalid start byte)"


# --------------------------------------------------------------------------- records


class TestRecords:
    def test_a_csv_batch_iterates_its_rows_with_their_text_and_problems(
        self, tmp_path: Path
    ) -> None:
        text = (
            "employee_id,classification,start,end,extra,paid\n"
            "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"
            "\n"
            "E2,RCP,2020-12-29T07:00\n"
        )
        batch = incentives.read_shifts(write(tmp_path, text))
        assert len(batch) == 2
        assert list(batch) == [
            Record(
                line=2,
                values={
                    "employee_id": "E1",
                    "classification": "RCP",
                    "start": "2020-12-28T07:00",
                    "end": "2020-12-28T19:00",
                    "extra": "true",
                },  # the empty paid cell is a missing value
            ),
            Record(
                line=4,
                values={"employee_id": "E2", "classification": "RCP", "start": "2020-12-29T07:00"},
                problem=("end", "row has 3 values, the header has 6 columns"),
            ),
        ]

    def test_a_batch_of_shifts_lists_them_by_position_with_their_python_values(self) -> None:
        given = {
            "employee_id": "E1",
            "classification": "RCP",
            "start": dt.datetime(2020, 12, 28, 7),
            "end": dt.datetime(2020, 12, 28, 19),
        }
        first = incentives.Shift(**given, extra=True)
        second = incentives.Shift(
            **given, extra=False, fte=Decimal("0.9"), unpaid_break_minutes=30, paid=Decimal("1.50")
        )
        (one, two) = incentives.ShiftBatch.from_shifts([first, second])
        assert (one.line, one.problem, two.line, two.problem) == (1, None, 2, None)
        times = {"start": "2020-12-28T07:00:00", "end": "2020-12-28T19:00:00"}
        assert one.values == {
            "employee_id": "E1",
            "classification": "RCP",
            **times,
            "extra": True,
            "status": "worked",  # the defaults of a Shift
            "unpaid_break_minutes": 0,
        }
        assert two.values == {
            "employee_id": "E1",
            "classification": "RCP",
            **times,
            "extra": False,
            "status": "worked",
            "fte": Decimal("0.9"),
            "unpaid_break_minutes": 30,
            "paid": Decimal("1.50"),
        }
        assert type(two.values["unpaid_break_minutes"]) is int


def jsonl_line(employee: str, day: int, **more: str) -> str:
    keys = {
        "employee_id": f'"{employee}"',
        "classification": '"RCP"',
        "start": f'"2020-12-{day:02d}T07:00"',
        "end": f'"2020-12-{day:02d}T19:00"',
        "extra": "true",
        **more,
    }
    return "{" + ", ".join(f'"{k}": {v}' for k, v in keys.items()) + "}\n"


class TestJsonLinesOfBothReadings:
    """Lines polars reads at once (flat text and true/false) mixed with lines that need
    Python's ``json`` (a list, a number): each line means what it says, whichever."""

    def test_a_line_marked_not_extra_is_not_paid_beside_a_line_with_a_list(
        self, tmp_path: Path
    ) -> None:
        text = (
            jsonl_line("E1", 28, x="[1]")
            + jsonl_line("E2", 29)
            + jsonl_line("E3", 30, extra="false")
        )
        report = evaluate(tmp_path, write(tmp_path, text, "shifts.jsonl"))
        assert [(r.line, r.employee_id, r.amount) for r in report.rows] == [
            (1, "E1", Decimal("100.00")),
            (2, "E2", Decimal("100.00")),
            (3, "E3", Decimal("0.00")),
        ]

    def test_each_line_keeps_its_own_employee(self, tmp_path: Path) -> None:
        text = (
            jsonl_line("E1", 28, employee_id='["E1"]') + jsonl_line("E2", 29) + jsonl_line("E3", 30)
        )
        report = evaluate(tmp_path, write(tmp_path, text, "shifts.jsonl"))
        assert [(r.line, r.employee_id) for r in report.rows] == [(2, "E2"), (3, "E3")]
        assert [(e.line, e.field) for e in report.errors] == [(1, "employee_id")]

    def test_a_number_for_a_time_is_that_line_s_error_only(self, tmp_path: Path) -> None:
        text = jsonl_line("E1", 28, start="7") + jsonl_line("E2", 29)
        report = evaluate(tmp_path, write(tmp_path, text, "shifts.jsonl"))
        assert [(r.line, r.amount) for r in report.rows] == [(2, Decimal("100.00"))]
        assert [(e.line, e.field) for e in report.errors] == [(1, "start")]

"""The report writers at their edges (SPEC sections 7 and 8, docs/reference/report.md).

The command line streams the JSON report from the engine's frames; it must be the JSON of
``report.model_dump(mode="json")``, byte for byte, also for rows with a ``note`` and for
terms whose text needs escaping. A report read back from its JSON (no engine frames
behind it) must write the same CSV and JSON as the report it came from, rows in error and
claims included.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from strategies import esi_agreement

import incentives
from incentives import Report
from incentives.writers.csv import report_csv
from incentives.writers.json import report_json, write_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "usw7600-rcp"
HEADER = "employee_id,classification,start,end,extra,paid\n"


def streamed(report: Report) -> str:
    """The JSON report as the command line writes it."""
    out = io.BytesIO()
    write_json(report, out)
    return out.getvalue().decode("utf-8")


def test_rows_with_a_note_stream_as_their_model_dumps() -> None:
    agreement = incentives.load_agreement(EXAMPLE / "agreement.toml")
    shifts = EXAMPLE / "exports" / "timecard-ukg.csv"
    report = incentives.evaluate(
        [agreement], incentives.read_shifts(shifts, profile="ukg-timecard")
    )
    text = streamed(report)
    assert text == report_json(report)
    rows = json.loads(text)["rows"]
    # The five night shifts of the example end on the next day, which the profile notes.
    assert [r["line"] for r in rows if "note" in r] == [3, 4, 5, 15, 16]
    assert rows[1]["note"] == (
        "end 7:00 AM is taken on the next day (2020-12-27): it is not after start 6:30 PM"
    )


def test_terms_with_quotes_and_backslashes_stream_as_their_model_dumps() -> None:
    # The rows hold no character to escape; the agreement's eligible classifications do,
    # and the classification reason quotes them.
    agreement = esi_agreement(
        eligibility={"classifications": ['RCP "senior"', "RCP\\night", "RCP"]}
    )
    text = (
        HEADER
        + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n"
        + "E2,RN,2020-12-28T07:00,2020-12-28T19:00,true,\n"
    )
    report = incentives.evaluate([agreement], incentives.read_shifts(io.StringIO(text)))
    written = streamed(report)
    assert written == report_json(report)
    (_, refused) = json.loads(written)["rows"]
    reason = next(r for r in refused["outcomes"][0]["reasons"] if r["rule"] == "classification")
    assert reason["detail"] == (
        'RN is not an eligible classification (eligible: RCP "senior", RCP\\night, RCP)'
    )
    assert '"RN is not an eligible classification (eligible: RCP \\"senior\\", RCP\\\\night' in (
        written
    )


def test_rows_whose_text_needs_escaping_stream_as_their_model_dumps() -> None:
    text = (
        HEADER
        + '"E ""one"" \\ 1",RCP,2020-12-28T07:00,2020-12-28T19:00,true,\n'
        + '"E2\tnight",RCP,2020-12-29T07:00,2020-12-29T19:00,maybe,\n'
    )
    report = incentives.evaluate([esi_agreement()], incentives.read_shifts(io.StringIO(text)))
    written = streamed(report)
    assert written == report_json(report)
    data = json.loads(written)
    assert [r["employee_id"] for r in data["rows"]] == ['E "one" \\ 1']
    assert [e["employee_id"] for e in data["errors"]] == ["E2\tnight"]
    assert '"employee_id": "E \\"one\\" \\\\ 1"' in written


def test_more_rows_than_one_batch_stream_as_their_model_dumps() -> None:
    # The JSON report is written 10,000 rows at a time: 10,001 rows cross a batch's end.
    rows = [
        f"E{i},RCP,2020-12-{28 + i % 4:02d}T07:00,2020-12-{28 + i % 4:02d}T19:00,true,\n"
        for i in range(10_001)
    ]
    report = incentives.evaluate(
        [esi_agreement()], incentives.read_shifts(io.StringIO(HEADER + "".join(rows)))
    )
    written = streamed(report)
    assert written == report_json(report)
    data = json.loads(written)
    assert [r["line"] for r in data["rows"]] == list(range(2, 10_003))
    assert data["totals"]["amount"] == "1000100.00"


@pytest.fixture
def with_errors() -> Report:
    text = (
        HEADER
        + "E1,RCP,2020-12-28T07:00,2020-12-28T19:00,true,60.00\n"
        + "E2,RCP,2020-12-29T07:00,2020-12-29T19:00,maybe,100.00\n"
        + "E3,RCP,2020-12-30T07:00,2020-12-30T19:00,no,\n"
        + "=cmd(),RCP,soon,2020-12-31T19:00,true,\n"
    )
    return incentives.evaluate([esi_agreement()], incentives.read_shifts(io.StringIO(text)))


def test_a_report_read_back_writes_the_same_csv_rows_in_error_included(
    with_errors: Report,
) -> None:
    again = Report.model_validate_json(report_json(with_errors))
    assert again._decided is None
    written = report_csv(again)
    assert written == report_csv(with_errors)
    assert written.splitlines()[1:] == [
        "2,E1,2020-12-28T07:00:00-08:00,2020-12-28T19:00:00-08:00,12.00,100.00,60.00,40.00,esi,,",
        "3,E2,,,,,,,,,\"extra: extra 'maybe' is not a boolean (true/false, yes/no, y/n, 1/0)\"",
        "4,E3,2020-12-30T07:00:00-08:00,2020-12-30T19:00:00-08:00,12.00,0.00,,,,esi:extra,",
        "5,'=cmd(),,,,,,,,,start: 'soon' is not an ISO 8601 date and time "
        "(for example 2020-12-27T07:00 or 2020-12-27T07:00-08:00)",
    ]


def test_a_report_read_back_writes_the_same_json(with_errors: Report) -> None:
    again = Report.model_validate_json(report_json(with_errors))
    assert streamed(again) == streamed(with_errors)
    data = json.loads(streamed(again))
    assert [e["line"] for e in data["errors"]] == [3, 5]
    assert data["totals"]["underpaid"] == "40.00"

"""The Python API at its edges (SPEC section 6, docs/reference/api.md): what ``evaluate``
refuses, its progress callback, a report compared, shown and copied, a report read back
with rows in error, and shifts given as ``Shift`` objects or DataFrames whose values
cannot be used.

The agreement is the test default: $100 per extra shift from 7:00 a.m. Dec 27, 2020 to
7:00 a.m. Jan 4, 2021 (America/Los_Angeles), any classification.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import pickle
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from strategies import esi_agreement

import incentives
from incentives import (
    Agreement,
    AgreementError,
    IncentivesError,
    Report,
    Shift,
    ShiftBatch,
    ShiftFileError,
)

LA = ZoneInfo("America/Los_Angeles")
HEADER = "employee_id,classification,start,end,extra\n"


def shift(employee: str, day: int, extra: str = "true") -> str:
    return f"{employee},RCP,2020-12-{day:02d}T07:00,2020-12-{day:02d}T19:00,{extra}\n"


def batch(text: str) -> ShiftBatch:
    return incentives.read_shifts(io.StringIO(text))


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return esi_agreement()


def outcome(report: Report) -> tuple[list[tuple[int, str, str]], list[tuple[int, str | None, str]]]:
    """(line, employee, amount) of the rows and (line, field, message) of the errors."""
    return (
        [(r.line, r.employee_id, str(r.amount)) for r in report.rows],
        [(e.line, e.field, e.message) for e in report.errors],
    )


# --------------------------------------------------------------------------- evaluate


class TestEvaluateRefuses:
    def test_the_same_agreement_twice(self, agreement: Agreement) -> None:
        with pytest.raises(AgreementError) as caught:
            incentives.evaluate([agreement, agreement], batch(HEADER + shift("E1", 28)))
        assert caught.value.problems == ["agreement id 'esi' is given more than once"]

    def test_something_that_is_not_an_agreement(self) -> None:
        with pytest.raises(TypeError, match=r"^expected Agreement objects, got str$"):
            incentives.evaluate(["agreement.toml"], batch(HEADER))  # type: ignore[list-item]

    def test_an_unknown_ambiguous_choice(self, agreement: Agreement) -> None:
        with pytest.raises(IncentivesError) as caught:
            incentives.evaluate([agreement], batch(HEADER), ambiguous="sometimes")  # type: ignore[arg-type]
        assert isinstance(caught.value, ValueError)
        assert (
            str(caught.value) == "ambiguous must be one of raise, earlier, later; not 'sometimes'"
        )

    @pytest.mark.parametrize(
        ("as_of", "message"),
        [
            ("29/01/2021", "as_of '29/01/2021' is not a date like 2021-01-29"),
            (dt.datetime(2021, 1, 29, 12), "as_of must be a date, not datetime"),
            (20210129, "as_of must be a date, not int"),
        ],
    )
    def test_an_as_of_that_is_not_a_date(
        self, agreement: Agreement, as_of: object, message: str
    ) -> None:
        with pytest.raises(IncentivesError) as caught:
            incentives.evaluate([agreement], batch(HEADER), as_of=as_of)  # type: ignore[arg-type]
        assert isinstance(caught.value, ValueError)
        assert str(caught.value) == message

    def test_an_as_of_written_as_text_with_spaces_is_a_date(self, agreement: Agreement) -> None:
        report = incentives.evaluate([agreement], batch(HEADER), as_of=" 2021-01-29 ")
        assert report.as_of == dt.date(2021, 1, 29)


def test_progress_is_told_from_nothing_done_to_every_row(agreement: Agreement) -> None:
    text = HEADER + "".join(shift(f"E{i}", 28 + i % 4) for i in range(8))
    told: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        told.append((done, total))

    report = incentives.evaluate([agreement], batch(text), progress=progress)
    assert report.totals.rows == 8
    assert told[0] == (0, 8)
    assert told[-1] == (8, 8)
    assert {total for _, total in told} == {8}
    done = [d for d, _ in told]
    assert done == sorted(done)


# --------------------------------------------------------------------------- the report


class TestReportObject:
    def test_a_report_is_not_equal_to_its_own_json(self, agreement: Agreement) -> None:
        report = incentives.evaluate([agreement], batch(HEADER + shift("E1", 28)))
        assert report != report.model_dump(mode="json")
        assert report != "report"

    def test_the_repr_of_a_fresh_report_shows_its_rows(self, agreement: Agreement) -> None:
        report = incentives.evaluate([agreement], batch(HEADER + shift("E1", 28)))
        shown = repr(report)
        assert shown.startswith("Report(agreements=[AgreementSummary(id='esi'")
        assert "rows=[RowResult(line=2, employee_id='E1'" in shown
        assert "amount=Decimal('100.00')" in shown

    def test_a_copy_equals_the_report_and_takes_its_updates(self, agreement: Agreement) -> None:
        text = HEADER + shift("E1", 28) + shift("E2", 29, "maybe")
        report = incentives.evaluate([agreement], batch(text))
        copied = report.model_copy()
        assert copied == incentives.evaluate([agreement], batch(text))
        assert [e.line for e in copied.errors] == [3]
        changed = report.model_copy(update={"as_of": dt.date(2021, 1, 1)})
        assert changed.as_of == dt.date(2021, 1, 1)
        assert report.as_of is None
        assert changed.rows == report.rows

    def test_a_report_pickles_and_copies_deeply_with_its_times(self, agreement: Agreement) -> None:
        # A payroll script hands reports to worker processes (pickle) and keeps copies.
        text = HEADER + shift("E1", 28) + shift("E2", 29, "maybe")
        report = incentives.evaluate([agreement], batch(text))
        for again in (
            pickle.loads(pickle.dumps(report)),
            copy.deepcopy(report),
            report.model_copy(deep=True),
        ):
            assert again == report
            assert again.rows[0].start == dt.datetime(
                2020, 12, 28, 7, tzinfo=ZoneInfo("America/Los_Angeles")
            )
            assert again.rows[0].start.utcoffset() == dt.timedelta(hours=-8)
            assert [e.line for e in again.errors] == [3]

    def test_a_report_read_back_with_rows_in_error_gives_the_same_flat_frame(
        self, agreement: Agreement
    ) -> None:
        text = HEADER + shift("E1", 28) + shift("E2", 29, "maybe") + shift("E3", 30, "no")
        report = incentives.evaluate([agreement], batch(text))
        again = Report.model_validate(report.model_dump(mode="json"))
        flat = again.to_polars()
        assert flat["line"].to_list() == [2, 3, 4]  # in line order, the row in error too
        assert flat.equals(report.to_polars())
        error = flat.row(1, named=True)
        assert (error["employee_id"], error["field"], error["agreement"]) == ("E2", "extra", None)
        assert error["error"] == "extra 'maybe' is not a boolean (true/false, yes/no, y/n, 1/0)"
        assert error["failed"] == []


# --------------------------------------------------------------------------- Shift objects


def worked(start: dt.datetime, end: dt.datetime, employee: str = "E1") -> Shift:
    return Shift(employee_id=employee, classification="RCP", start=start, end=end, extra=True)


class TestShiftObjects:
    def test_a_naive_time_with_fractions_of_a_second_is_an_error_of_its_row(
        self, agreement: Agreement
    ) -> None:
        shifts = [
            worked(dt.datetime(2020, 12, 28, 7), dt.datetime(2020, 12, 28, 19)),
            worked(dt.datetime(2020, 12, 29, 7), dt.datetime(2020, 12, 29, 19, 0, 0, 500_000)),
        ]
        assert outcome(incentives.evaluate([agreement], shifts)) == (
            [(1, "E1", "100.00")],
            [
                (
                    2,
                    "end",
                    "'2020-12-29T19:00:00.500000' has fractions of a second; give whole seconds",
                )
            ],
        )

    def test_an_aware_time_its_zone_skips_is_an_error_of_its_row(
        self, agreement: Agreement
    ) -> None:
        # 02:30 on 2021-03-14 never happened in Los Angeles: clocks went from 02:00 to 03:00.
        gap = worked(
            dt.datetime(2021, 3, 14, 2, 30, tzinfo=LA), dt.datetime(2021, 3, 14, 9, tzinfo=LA)
        )
        (error,) = incentives.evaluate([agreement], [gap]).errors
        assert (error.line, error.field) == (1, "start")
        assert error.message.startswith("2021-03-14T02:30 does not exist in America/Los_Angeles")

    def test_an_aware_time_outside_the_years_1900_to_2199_is_an_error(
        self, agreement: Agreement
    ) -> None:
        old = worked(
            dt.datetime(1850, 1, 1, 7, tzinfo=dt.UTC), dt.datetime(1850, 1, 1, 9, tzinfo=dt.UTC)
        )
        assert outcome(incentives.evaluate([agreement], [old])) == (
            [],
            [(1, "start", "1850-01-01T07:00:00+00:00 is outside the years 1900 to 2199")],
        )

    def test_an_item_that_is_not_a_shift_is_refused(self, agreement: Agreement) -> None:
        good = worked(dt.datetime(2020, 12, 28, 7), dt.datetime(2020, 12, 28, 19))
        with pytest.raises(TypeError, match=r"^item 2 is a dict, not a Shift$"):
            incentives.evaluate([agreement], [good, {"employee_id": "E2"}])


# --------------------------------------------------------------------------- DataFrames


def frame(**columns: object) -> dict[str, object]:
    """The columns of one 12-hour extra shift on 2020-12-28, with ``columns`` replaced."""
    base: dict[str, object] = {
        "employee_id": ["E1"],
        "classification": ["RCP"],
        "start": ["2020-12-28T07:00"],
        "end": ["2020-12-28T19:00"],
        "extra": [True],
    }
    return {**base, **columns}


class TestDataFrames:
    def test_a_lazy_frame_is_collected(self, agreement: Agreement) -> None:
        lazy = pl.LazyFrame(frame())
        assert outcome(incentives.evaluate([agreement], lazy)) == ([(1, "E1", "100.00")], [])

    def test_numbers_are_read_as_the_values_they_are(self, agreement: Agreement) -> None:
        data = frame(
            employee_id=[101],  # an integer id is its digits
            fte=pl.Series([Decimal("0.90")], dtype=pl.Decimal(4, 2)),
            unpaid_break_minutes=[30],
            paid=[75.5],  # a float is read by its shortest decimal form
        )
        (row,) = incentives.evaluate([agreement], pl.DataFrame(data)).rows
        assert (row.employee_id, row.hours, row.amount) == (
            "101",
            Decimal("11.50"),
            Decimal("100.00"),
        )
        assert (row.paid, row.difference) == (Decimal("75.50"), Decimal("24.50"))

    def test_a_float_that_is_not_a_number_is_an_error_of_its_row(
        self, agreement: Agreement
    ) -> None:
        data = frame(
            employee_id=["E1", "E2"],
            classification=["RCP", "RCP"],
            start=["2020-12-28T07:00", "2020-12-29T07:00"],
            end=["2020-12-28T19:00", "2020-12-29T19:00"],
            extra=[True, True],
            paid=[float("inf"), None],
        )
        rows, errors = outcome(incentives.evaluate([agreement], pl.DataFrame(data)))
        assert rows == [(2, "E2", "100.00")]
        ((line, field, message),) = errors
        assert (line, field) == (1, "paid")
        assert message.endswith("is not a finite number")

    def test_values_of_other_types_are_errors_of_their_rows(self, agreement: Agreement) -> None:
        listed = pl.DataFrame(frame(unit=[["ICU", "PACU"]]))
        assert outcome(incentives.evaluate([agreement], listed)) == (
            [],
            [(1, "unit", "unit must be text, not ['ICU', 'PACU']")],
        )
        dated = pl.DataFrame(frame(start=[dt.date(2020, 12, 28)]))
        assert outcome(incentives.evaluate([agreement], dated)) == (
            [],
            [(1, "start", "'2020-12-28' is not a date and time")],
        )

    def test_a_data_frame_of_another_library_is_refused(self, agreement: Agreement) -> None:
        class DataFrame:
            """Neither polars nor pandas."""

        with pytest.raises(ShiftFileError, match=r"^cannot read a DataFrame as shifts "):
            incentives.evaluate([agreement], DataFrame())

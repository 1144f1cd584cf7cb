"""The columnar engine against the scalar engine: the same CSV report, byte for byte.

The scalar engine is the reference. Hypothesis generates agreements (every window rule,
thresholds, attendance, day-parts, each payout kind, limits, hours rounding) and shift files
around both daylight-saving changes of America/Los_Angeles and an ordinary week, with bad
values, absences, overlapping shifts and quoted cells among them; both engines must give
the same report (amount, qualifies and failed rules of every row, error rows), the same
totals, and the same qualifying hours on every row the columnar engine decides.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import generated_shifts

import incentives
from incentives._cli import cli
from incentives._columnar import check_csv_columnar
from incentives._output import report_csv

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "benchmarks" / "agreements"

pytest.importorskip("polars", reason="the columnar engine needs the fast extra")

# --------------------------------------------------------------------------- agreements

WINDOWS = [
    # Both DST changes and an ordinary week, as local wall times that exist.
    [{"start": "2020-10-31T07:00", "end": "2020-11-02T07:00"}],
    [{"start": "2021-03-13T19:00", "end": "2021-03-15T07:00"}],
    [{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}],
    [
        {"start": "2020-10-30T19:00", "end": "2020-11-01T00:45"},
        {"start": "2020-11-01T03:00", "end": "2020-11-03T00:00"},
    ],
    [{"start": "2020-10-18T07:00", "end": "2021-04-04T07:00"}],
]
CLASSES = ["Registered Nurse", "Respiratory Care Practitioner", "Medical Assistant"]


@st.composite
def agreements(draw: st.DrawFn) -> dict[str, Any]:
    rule = draw(st.sampled_from(["starts_within", "entirely_within", "majority_within", "prorate"]))
    pay_period = draw(
        st.sampled_from(
            [
                None,
                {"anchor": "2020-10-18T00:00", "days": 14},
                {"anchor": "2020-10-25T07:00", "days": 7},
            ]
        )
    )
    scopes = ["workweek", "pay_period"] if pay_period else ["workweek"]
    beyond = rule != "prorate" and draw(st.booleans())
    periods = draw(st.sampled_from([{}, {"day": "07:00-19:00", "night": "19:00-07:00"}]))
    component = st.sampled_from(
        [
            {"per_shift": "100.00"},
            {"per_hour": "5.00"},
            {"per_hour": "7.125"},
            {
                "tiers": [
                    {"min_hours": 4, "amount": "100.00"},
                    {"min_hours": 8, "amount": "200.00"},
                    {"min_hours": 12, "amount": "300.00"},
                ]
            },
            {"tiers": [{"min_hours": "7.5", "amount": "150.00"}]},
            {"base_rate_multiplier": "0.5"},
            {"per_shift": "50.00", "classifications": ["Registered Nurse"]},
        ]
        + (
            [
                {"per_shift": "100.00", "periods": ["night"]},
                {"per_hour": "2.50", "periods": ["day"]},
            ]
            if periods
            else []
        )
    )
    limits = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "max_amount_per_shift": st.just("250.00"),
                "max_shifts_per_workweek": st.sampled_from([1, 2]),
                "max_amount_per_workweek": st.just("400.00"),
                "max_amount_total": st.just("700.00"),
                **({"max_amount_per_pay_period": st.just("500.00")} if pay_period else {}),
            },
        )
    )
    data: dict[str, Any] = {
        "id": "gen",
        "title": "Generated",
        "timezone": "America/Los_Angeles",
        "workweek_start": draw(st.sampled_from(["sunday 00:00", "monday 07:00", "sunday 01:30"])),
        "windows": draw(st.sampled_from([*WINDOWS, WINDOWS[-1], WINDOWS[-1], WINDOWS[-1]])),
        "eligibility": {
            "classifications": draw(st.sampled_from([["*"], CLASSES[:2], ["Registered Nurse"]])),
            "employers": draw(st.sampled_from([[], [], ["SCPMG"]])),
            "employment_statuses": draw(st.sampled_from([[], [], ["full_time", "part_time"]])),
            "locations": draw(st.sampled_from([[], [], ["*Medical Center"]])),
            "units": draw(st.sampled_from([[], [], ["ICU", "E?"]])),
            "requires_approval": draw(st.sampled_from([False, False, True])),
            "window_rule": rule,
            "min_hours": draw(st.sampled_from(["0", "4", "7.5"])),
        },
        "extra": {
            "flag": draw(st.booleans()),
            "beyond_fte": beyond,
            "hours_per_fte": draw(st.sampled_from(["40", "36"])),
            "minimum_hours": draw(st.sampled_from(["0", "24"])),
            "scope": draw(st.sampled_from(scopes)),
            "counts_as_worked": draw(st.sampled_from([[], ["vacation"]])),
        },
        "attendance": {
            "forfeit_on": draw(st.sampled_from([[], ["sick"]])),
            "scope": draw(st.sampled_from(scopes)),
        },
        "periods": periods,
        "payout": draw(st.lists(component, min_size=1, max_size=2)),
        "limits": limits,
        "hours_rounding": draw(st.sampled_from(["exact", "minute", "tenth_hour", "quarter_hour"])),
    }
    if pay_period:
        data["pay_period"] = pay_period
    if draw(st.booleans()):
        data["amendments"] = [
            {
                "adopted": "2020-12-01",
                "summary": "raised and extended",
                "payout": [{"per_shift": "75.00"}],
                "windows": [{"start": "2020-10-18T07:00", "end": "2021-04-04T07:00"}],
            }
        ]
    return data


# --------------------------------------------------------------------------- shifts

STARTS = [
    "2020-10-31T19:00",
    "2020-11-01T00:30",
    "2020-11-01T01:30",  # happens twice: an error unless written with an offset
    "2020-11-01T01:30-08:00",
    "2020-11-01T07:00",
    "2021-03-13T23:00",
    "2021-03-14T02:30",  # never happens: always an error
    "2021-03-14T01:00",
    "2021-03-14T19:00",
    "2020-12-27T07:00",
    "2020-12-28T06:55",
    "2021-01-03T19:00",
    "2021-01-04T07:00",
    "2020-11-02T06:59:30",
]


GOOD: dict[str, list[str]] = {
    "classification": [*CLASSES, "registered  nurse"],
    "employer": ["SCPMG", "KFH"],
    "employment_status": ["full_time", "Part-time", "per diem", "on_call"],
    "location": ["Fontana Medical Center", "Corona Offices", "Ontario, CA"],
    "unit": ["ICU", "ED", "er"],
    "unpaid_break_minutes": ["", "0", "30"],
    "status": ["worked", "worked", "worked", "", "sick", "vacation", "SICK"],
    "extra": ["true", "true", "false", "Y"],
    "approved": ["true", "no", "true"],
    "fte": ["1.0", "0.9", "0.5", "0.333"],
    "base_rate": ["80.50", "61.2345"],
    "paid": ["", "0.00", "250.00", "300.00"],
}
BAD: list[tuple[str, str]] = [
    ("classification", ""),
    ("end", "soon"),
    ("end", "2020-11-01T01:45"),  # repeated: an error unless --ambiguous chooses
    ("start", "2021-03-14T02:30"),  # skipped: always an error
    ("fte", "-1"),
    ("fte", ""),
    ("base_rate", "61.23456"),  # more decimals than the columnar engine reads
    ("paid", "12.345"),
    ("extra", "maybe"),
    ("extra", ""),
    ("unpaid_break_minutes", "x"),
    ("employment_status", "temp"),
    ("employer", ""),
    ("unit", ""),
    ("approved", ""),
]


@st.composite
def shift_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """Mostly good rows (so that most employees are decided by the columnar engine), with
    now and then a bad value, an absence or overlapping shifts."""
    from datetime import datetime, timedelta

    rows: list[dict[str, str]] = []
    for number in range(draw(st.integers(1, 6))):
        who = draw(st.sampled_from([f"E{number}", f"E{number}", f" E{number} ", f"=E{number}"]))
        starts = draw(st.lists(st.sampled_from(STARTS), min_size=1, max_size=5, unique=True))
        for start in starts:
            minutes = draw(st.sampled_from([0, 15, 45, 59])) + 60 * draw(st.integers(1, 13))
            end = (datetime.fromisoformat(start) + timedelta(minutes=minutes)).isoformat(
                timespec="minutes"
            )
            row = {"employee_id": who, "start": start, "end": end}
            row.update({name: draw(st.sampled_from(values)) for name, values in GOOD.items()})
            if draw(st.integers(0, 9)) == 0:
                name, value = draw(st.sampled_from(BAD))
                row[name] = value
            rows.append({name: row[name] for name in COLUMN_ORDER})
    return rows


COLUMN_ORDER = [
    "employee_id",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "start",
    "end",
    "unpaid_break_minutes",
    "status",
    "extra",
    "approved",
    "fte",
    "base_rate",
    "paid",
]


def write_csv(path: Path, rows: list[dict[str, str]], drop: list[str]) -> None:
    columns = [c for c in rows[0] if c not in drop]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    path.write_text(out.getvalue(), encoding="utf-8")


def same_reports(agreement: incentives.Agreement, path: Path, **options: Any) -> None:
    """Both engines on one file: same CSV text, totals and qualifying hours."""
    columnar = check_csv_columnar([agreement], path, with_hours=True, **options)
    assert columnar is not None
    try:
        scalar = incentives.evaluate([agreement], incentives.read_shifts(path), **options)
    except incentives.IncentivesError:
        pytest.fail("the scalar engine refused a file the columnar engine accepted")
    assert columnar.csv == report_csv(scalar)
    assert columnar.totals == scalar.totals
    assert columnar.qualifying_hours is not None
    by_line = {row.line: row for row in scalar.rows}
    for line, hours in columnar.qualifying_hours.items():
        assert by_line[line].outcomes[0].qualifying_hours == Decimal(hours), line


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=agreements(),
    rows=shift_rows(),
    drop=st.sampled_from([[], ["paid"], ["approved", "unit"]]),
    ambiguous=st.sampled_from(["raise", "earlier", "later"]),
    timezone=st.sampled_from([None, None, "America/New_York", "UTC"]),
    as_of=st.sampled_from([None, "2020-11-15", "2021-01-01"]),
)
def test_the_columnar_engine_writes_the_scalar_report(
    data: dict[str, Any],
    rows: list[dict[str, str]],
    drop: list[str],
    ambiguous: str,
    timezone: str | None,
    as_of: str | None,
) -> None:
    agreement = incentives.Agreement.model_validate(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shifts.csv"
        write_csv(path, rows, drop)
        try:
            incentives.evaluate([agreement], incentives.read_shifts(path))
        except incentives.ShiftFileError:
            # A column the agreement needs was dropped: both engines refuse the file.
            with pytest.raises(incentives.ShiftFileError):
                check_csv_columnar([agreement], path)
            return
        day = None if as_of is None else date.fromisoformat(as_of)
        same_reports(agreement, path, ambiguous=ambiguous, timezone=timezone, as_of=day)


# --------------------------------------------------------------------------- files


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = generated_shifts(tmp_path_factory.mktemp("columnar") / "shifts.csv", 4000, 3)
    return path


@pytest.mark.parametrize("name", ["tiers", "hourly", "prorate", "beyond-fte"])
def test_benchmark_agreements_on_a_generated_pay_period(generated: Path, name: str) -> None:
    same_reports(incentives.load_agreement(AGREEMENTS / f"{name}.toml"), generated)


def hourly() -> incentives.Agreement:
    """$5.00 an hour for extra shifts from Dec 27, 2020 to Jan 4, 2021, any classification."""
    return incentives.Agreement.model_validate(
        {
            "id": "hourly",
            "title": "Hourly",
            "timezone": "America/Los_Angeles",
            "windows": [{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}],
            "eligibility": {"classifications": ["*"]},
            "payout": [{"per_hour": "5.00"}],
        }
    )


def test_short_long_and_blank_rows_are_the_scalar_engines_errors(tmp_path: Path) -> None:
    agreement = hourly()
    text = (
        "employee_id,classification,start,end,extra,status\n"
        "E1,Registered Nurse,2020-12-27T07:00,2020-12-27T19:00,true,worked\n"
        "E2,Registered Nurse,2020-12-27T07:00,2020-12-27T19:00,true\n"  # short
        "\n"  # blank: skipped, but counted as a line
        "E3,Registered Nurse,2020-12-27T07:00,2020-12-27T19:00,true,worked,x\n"  # long
        "E4,Registered Nurse,2020-12-27T07:00,2020-12-27T19:00,,\n"  # empty values
        "   \n"
        "E1,Registered Nurse,2020-12-28T07:00,2020-12-28T19:00,true,worked"  # no newline
    )
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    same_reports(agreement, path)
    checked = check_csv_columnar([agreement], path)
    assert checked is not None
    assert checked.csv is not None
    lines = checked.csv.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "3", "5", "6", "8"]
    assert "row has 5 values, the header has 6 columns" in lines[2]
    assert "row has 7 values, the header has 6 columns" in lines[3]
    assert lines[4].endswith("extra: extra is required and missing")  # the flag is needed
    assert checked.totals.errors == 3
    # E1's two 12-hour shifts inside the window: 2 × 12 h × $5.00.
    assert checked.totals.amount == Decimal("120.00")


def test_quoted_cells_and_a_byte_order_mark(tmp_path: Path) -> None:
    agreement = hourly()
    text = (
        "\ufeffemployee_id,classification,location,start,end,extra\n"
        '"E1","Registered Nurse","Ontario, CA",2020-12-27T07:00,2020-12-27T19:00,true\n'
        '"E2","Registered\nNurse",x,2020-12-27T07:00,2020-12-27T19:00,true\n'
        "E3,Registered Nurse,y,2020-12-27T07:00,2020-12-27T19:00,true\n"
    )
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    same_reports(agreement, path)


def test_what_it_does_not_cover_is_left_to_the_scalar_engine(tmp_path: Path) -> None:
    tiers = incentives.load_agreement(AGREEMENTS / "tiers.toml")
    hourly = incentives.load_agreement(AGREEMENTS / "hourly.toml")
    path = tmp_path / "s.csv"
    path.write_text(
        "employee_id,classification,start,end,extra,fte,unit\n"
        "E1,Registered Nurse,2020-12-27T07:00,2020-12-27T19:00,true,1.0,ICU\n",
        encoding="utf-8",
    )
    assert check_csv_columnar([tiers, hourly], path) is None
    both = tiers.model_copy(
        update={
            "extra": tiers.extra.model_copy(update={"beyond_fte": True}),
            "eligibility": tiers.eligibility.model_copy(update={"window_rule": "prorate"}),
        }
    )
    assert check_csv_columnar([both], path) is None
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "-a",
            str(AGREEMENTS / "tiers.toml"),
            "-a",
            str(AGREEMENTS / "hourly.toml"),
            str(path),
            "--format",
            "csv",
            "--engine",
            "columnar",
        ],
    )
    assert result.exit_code == 0
    assert "the scalar engine made the report" in result.stderr
    assert result.stdout.startswith("line,employee_id,start,end,hours,amount")


def test_check_engines_write_the_same_file(generated: Path, tmp_path: Path) -> None:
    agreement = str(AGREEMENTS / "beyond-fte.toml")
    files = []
    for engine in ("scalar", "columnar", "auto"):
        out = tmp_path / f"{engine}.csv"
        result = CliRunner().invoke(
            cli, ["check", "-a", agreement, str(generated), "-o", str(out), "--engine", engine]
        )
        assert result.exit_code == 0, result.output
        files.append(out.read_bytes())
    assert files[0] == files[1] == files[2]


RCP = "Respiratory Care Practitioner"
RCP_ROWS = [
    f"R1,{RCP},Riverside Medical Center,2020-12-27T07:00,2020-12-27T19:00,true",
    f"R2,{RCP},Fontana Medical Center,2020-12-28T07:00,2020-12-28T17:00,true",
    f"R3,{RCP},Ontario Medical Center,2020-12-29T07:00,2020-12-29T13:00,true",
]
RCP_HEADER = "employee_id,classification,location,start,end,extra"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("paid", "-0"),  # written back as -0.00, sign kept
        ("paid", "-92233720368547758.07"),  # too large: a row error
        ("paid", "1e30"),
        ("unpaid_break_minutes", "307445734561825861"),  # never shorter than a shift
        ("unpaid_break_minutes", "²"),  # a digit, but not a number of minutes
        ("base_rate", "922337203685478"),
        ("fte", "100000000000000"),
    ],
)
def test_extreme_values_give_the_scalar_report(tmp_path: Path, column: str, value: str) -> None:
    agreement = incentives.load_agreement(ROOT / "examples" / "usw7600-rcp" / "agreement.toml")
    rows = [f"{RCP_ROWS[0]},{value}", f"{RCP_ROWS[1]},0", f"{RCP_ROWS[2]},0"]
    path = tmp_path / "s.csv"
    path.write_text("\n".join([f"{RCP_HEADER},{column}", *rows]) + "\n", encoding="utf-8")
    same_reports(agreement, path)


@pytest.mark.parametrize(
    "text",
    [
        "\r".join([RCP_HEADER, *RCP_ROWS]) + "\r",  # old Mac line endings
        "\n".join([RCP_HEADER, RCP_ROWS[0].replace("2020-12-27", "0001-01-01"), *RCP_ROWS[1:]]),
        "\n".join([RCP_HEADER, RCP_ROWS[0].replace("2020-12-27", "9999-12-31"), *RCP_ROWS[1:]]),
    ],
)
def test_odd_files_give_the_scalar_report(tmp_path: Path, text: str) -> None:
    agreement = incentives.load_agreement(ROOT / "examples" / "usw7600-rcp" / "agreement.toml")
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8", newline="")
    same_reports(agreement, path)


@pytest.mark.parametrize(
    ("payout", "covered"),
    [
        ([{"per_shift": "100.005"}], True),  # half a cent: rounded half up once, as always
        ([{"tiers": [{"min_hours": 4, "amount": "150.005"}]}], True),
        ([{"per_shift": "100.00"}, {"per_hour": "5337.5995"}], False),  # near 64-bit limits
        ([{"tiers": [{"min_hours": "7.999999999999999", "amount": "150.00"}]}], False),
    ],
)
def test_awkward_amounts_give_the_scalar_report(
    tmp_path: Path, payout: list[dict[str, Any]], covered: bool
) -> None:
    agreement = incentives.Agreement.model_validate(
        {
            "id": "awkward",
            "title": "Awkward amounts",
            "timezone": "America/Los_Angeles",
            "windows": [{"start": "2020-12-27T07:00", "end": "2021-01-04T07:00"}],
            "eligibility": {"classifications": ["*"]},
            "extra": {"flag": False},
            "payout": payout,
            "limits": {"max_amount_per_workweek": "400.005"},
        }
    )
    path = tmp_path / "s.csv"
    path.write_text(
        "employee_id,classification,start,end\n"
        "E1,Registered Nurse,2020-12-28T00:00,2020-12-29T00:00\n"
        "E1,Registered Nurse,2020-12-29T07:00,2020-12-29T17:00\n"
        "E2,Registered Nurse,2020-12-30T07:00,2020-12-30T11:00\n",
        encoding="utf-8",
    )
    if covered:
        same_reports(agreement, path)
    else:
        # Too many digits for exact 64-bit integers: left to the scalar engine whole.
        assert check_csv_columnar([agreement], path) is None

"""The member's report (HTML): what a person sees in it, read from its structure, with
values worked by hand from the examples' tables and the contract."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import incentives
from incentives import _people
from incentives._terms import Compiled
from incentives.writers.html import members, report_html

ROOT = Path(__file__).resolve().parent.parent
RCP = ROOT / "examples" / "usw7600-rcp"
LA = ZoneInfo("America/Los_Angeles")


class Page(HTMLParser):
    """The elements of a document, with their attributes and text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, css: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and css in (a.get("class") or "").split()]

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def rcp_page(**options: object) -> Page:
    agreement = incentives.load_agreement(RCP / "agreement.toml")
    report = incentives.evaluate([agreement], incentives.read_shifts(RCP / "shifts.csv"))
    return Page(report_html(report, [agreement], **options))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- for people


@pytest.mark.parametrize(
    ("amount", "said"),
    [("0", "$0.00"), ("1234.5", "$1,234.50"), ("-50", "-$50.00"), ("1000000.01", "$1,000,000.01")],
)
def test_money_is_written_as_people_write_it(amount: str, said: str) -> None:
    assert _people.money(Decimal(amount)) == said


def test_times_carry_the_abbreviation_in_force() -> None:
    before = datetime(2021, 3, 14, 1, 30, tzinfo=LA)
    after = datetime(2021, 3, 14, 9, 0, tzinfo=LA)
    assert _people.moment(before) == "Sun Mar 14, 2021 1:30 AM PST"
    assert _people.span(before, after) == "Sun Mar 14, 2021 1:30 AM PST to 9:00 AM PDT"
    night = datetime(2020, 12, 31, 19, 0, tzinfo=LA), datetime(2021, 1, 1, 7, 30, tzinfo=LA)
    assert _people.span(*night) == "Thu Dec 31, 2020 7:00 PM PST to Fri Jan 1, 2021 7:30 AM PST"
    assert _people.clock(datetime(2021, 1, 1, 0, 5)) == "12:05 AM"
    assert _people.clock(datetime(2021, 1, 1, 12, 0)) == "12:00 PM"


# --------------------------------------------------------------------------- the document


def test_each_member_has_a_section_in_order_of_id() -> None:
    page = rcp_page()
    sections = page.all("section", "member")
    ids = [s["data-employee"] for s in sections]
    shifts = (RCP / "shifts.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert ids == sorted({line.split(",")[0] for line in shifts})
    assert "Member R101" in page.words


def test_every_shift_is_a_bar_and_a_table_row() -> None:
    page = rcp_page()
    lines = [a["data-line"] or "" for a in page.all("rect", "shift")]
    rows = [a["data-line"] or "" for a in page.all("tr", "shift")]
    data = len((RCP / "shifts.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert sorted(lines, key=int) == sorted(rows, key=int)
    assert len(rows) == data


def test_an_overpaid_member_is_said_so() -> None:
    # R102 starts at 18:30 on Dec 26, before the window opens at 7:00 on Dec 27: the
    # example's table says 0.00 due, 300.00 paid.
    page = rcp_page(employees=["R102"])
    assert [s["data-employee"] for s in page.all("section", "member")] == ["R102"]
    assert "$0.00" in page.words
    assert "overpaid $300.00" in page.words
    assert "usw7600-rcp: window" in page.words


def test_only_underpaid_shows_the_shifts_that_are_owed_money() -> None:
    agreement = incentives.load_agreement(RCP / "agreement.toml")
    report = incentives.evaluate([agreement], incentives.read_shifts(RCP / "shifts.csv"))
    owed = sorted(str(r.line) for r in report.rows if r.difference and r.difference > 0)
    page = Page(report_html(report, [agreement], only="underpaid"))
    assert sorted(a["data-line"] or "" for a in page.all("tr", "shift")) == owed
    assert owed


def test_the_window_is_shaded_and_a_clock_change_is_marked(tmp_path: Path) -> None:
    agreement = incentives.Agreement.model_validate(
        {
            "id": "spring",
            "title": "Spring",
            "timezone": "America/Los_Angeles",
            "windows": [{"start": "2021-03-13T07:00", "end": "2021-03-16T07:00"}],
            "eligibility": {"classifications": ["*"]},
            "payout": [{"per_shift": "100.00"}],
        }
    )
    shifts = tmp_path / "s.csv"
    shifts.write_text(
        "employee_id,classification,start,end,extra\n"
        "E1,RN,2021-03-13T19:00,2021-03-14T07:00,true\n"
        "E1,RN,2021-03-18T07:00,2021-03-18T19:00,true\n",
        encoding="utf-8",
    )
    report = incentives.evaluate([agreement], incentives.read_shifts(shifts))
    page = Page(report_html(report, [agreement]))
    windows = page.all("rect", "window")
    clocks = page.all("line", "clocks")
    bars = page.all("rect", "shift")
    # Two workweeks, each with its shift and its part of the window; the clocks change in
    # the second, which is 167 hours long.
    assert (len(windows), len(clocks), len(bars)) == (2, 1, 2)
    assert [s.get("aria-label") for t, s in page.elements if t == "svg"] == [
        "Workweek from Sun Mar 7, 2021 12:00 AM PST",
        "Workweek from Sun Mar 14, 2021 12:00 AM PST",
    ]
    # The first week runs from Sun Mar 7 00:00 PST to Sun Mar 14 00:00 PST, 168 hours: the
    # night of the 13th starts at 19:00, 163 hours in.
    [night, later] = sorted(bars, key=lambda b: int(b["data-line"] or 0))
    assert float(night["x"] or 0) == pytest.approx(700 * (163 / 168), abs=0.01)
    assert float(night["width"] or 0) == pytest.approx(700 * (5 / 168), abs=0.01)
    # In the second, 167 hours long, the clocks change at 03:00 PDT, 2 hours in.
    assert float(clocks[0]["x1"] or 0) == pytest.approx(700 * (2 / 167), abs=0.01)
    assert "clocks change: PDT from 3:00 AM" in page.words
    assert {night["class"], later["class"]} == {"shift kind-qualifies", "shift kind-fails"}


def test_names_from_a_file_are_escaped(tmp_path: Path) -> None:
    agreement = incentives.load_agreement(RCP / "agreement.toml")
    shifts = tmp_path / "s.csv"
    shifts.write_text(
        "employee_id,classification,location,start,end,extra\n"
        '"<script>alert(1)</script>",Respiratory Care Practitioner,Riverside Medical Center,'
        "2020-12-28T07:00,2020-12-28T19:00,true\n",
        encoding="utf-8",
    )
    report = incentives.evaluate([agreement], incentives.read_shifts(shifts))
    text = report_html(report, [agreement])
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_document_fetches_nothing() -> None:
    agreement = incentives.load_agreement(RCP / "agreement.toml")
    report = incentives.evaluate([agreement], incentives.read_shifts(RCP / "shifts.csv"))
    text = report_html(report, [agreement])
    assert re.findall(r"""(?:src|href)\s*=\s*["'][a-z]+://""", text) == []
    assert "@import" not in text
    assert "<link" not in text


def test_the_command_writes_the_document_whole(tmp_path: Path) -> None:
    out = tmp_path / "r101.html"
    command = [sys.executable, "-m", "incentives", "report", "-a", str(RCP / "agreement.toml")]
    command += [str(RCP / "shifts.csv"), "--employee", "R101", "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, f"wrote {out}: 1 member(s), 1 shift(s)\n")
    page = Page(out.read_text(encoding="utf-8"))
    assert [s["data-employee"] for s in page.all("section", "member")] == ["R101"]
    assert not list(tmp_path.glob(".*.part"))


# --------------------------------------------------------------------------- the picture


def _agreement(**terms: object) -> incentives.Agreement:
    base: dict[str, object] = {
        "id": "winter",
        "title": "Winter",
        "timezone": "America/Los_Angeles",
        "windows": [{"start": "2021-01-01T00:00", "end": "2021-02-01T00:00"}],
        "eligibility": {"classifications": ["*"]},
        "payout": [{"per_shift": "100.00"}],
    }
    return incentives.Agreement.model_validate(base | terms)


def _page(tmp_path: Path, agreement: incentives.Agreement, csv: str) -> Page:
    shifts = tmp_path / "s.csv"
    shifts.write_text(csv, encoding="utf-8")
    report = incentives.evaluate([agreement], incentives.read_shifts(shifts))
    return Page(report_html(report, [agreement]))


def test_the_fte_threshold_is_marked_where_it_is_reached(tmp_path: Path) -> None:
    agreement = _agreement(extra={"flag": False, "beyond_fte": True})
    page = _page(
        tmp_path,
        agreement,
        "employee_id,classification,start,end,fte\n"
        + "".join(f"E1,RN,2021-01-0{d}T07:00,2021-01-0{d}T19:00,1.0\n" for d in (4, 5, 6, 7)),
    )
    # 36 hours Mon to Wed; Thursday's 12 hours go 8 beyond the 40-hour threshold, reached
    # 4 hours in. The week starts Sun Jan 3 00:00 PST and lasts 168 hours: Thursday runs
    # from hour 103 to 115, and qualifies from hour 107.
    [thursday] = page.all("rect", "below")
    assert thursday["data-line"] == "5"
    assert float(thursday["x"] or 0) == pytest.approx(700 * 103 / 168, abs=0.01)
    [qualifying] = page.all("rect", "qualifying")
    assert float(qualifying["x"] or 0) == pytest.approx(700 * 107 / 168, abs=0.01)
    assert float(qualifying["width"] or 0) == pytest.approx(700 * 8 / 168, abs=0.02)
    [mark] = page.all("line", "threshold")
    assert mark["x1"] == qualifying["x"]
    # The first three do not reach it: grey bars, no mark.
    assert [b["class"] for b in page.all("rect", "shift")][:3] == ["shift kind-fails"] * 3


def test_a_forfeiting_absence_is_marked_and_linked(tmp_path: Path) -> None:
    agreement = _agreement(attendance={"forfeit_on": ["sick"]})
    page = _page(
        tmp_path,
        agreement,
        "employee_id,classification,start,end,extra,status\n"
        "E1,RN,2021-01-04T07:00,2021-01-04T19:00,true,\n"
        "E1,RN,2021-01-05T07:00,2021-01-05T19:00,,sick\n"
        "E1,RN,2021-01-12T07:00,2021-01-12T19:00,true,\n",
    )
    [absence] = page.all("rect", "forfeits")
    assert absence["data-line"] == "3"
    assert "sick: forfeits line 2" in page.words
    # The forfeited shift's reason links to the absence's row of the table.
    assert ("a", {"href": "#line-3"}) in page.elements
    assert [a["id"] for a in page.all("tr", "shift")] == ["line-2", "line-3", "line-4"]
    assert [b["class"] for b in page.all("rect", "shift")] == [
        "shift kind-fails",
        "shift kind-absence forfeits",
        "shift kind-qualifies",
    ]


def test_day_parts_are_bands_of_each_day(tmp_path: Path) -> None:
    agreement = _agreement(periods={"night": "19:00-07:00"})
    page = _page(
        tmp_path,
        agreement,
        "employee_id,classification,start,end,extra\nE1,RN,2021-01-04T19:00,2021-01-05T07:00,true\n",
    )
    bands = page.all("rect", "part")
    # Sat 19:00 to Sun 07:00 shows its last 7 hours, then a night from each day of the week,
    # the last one cut at the week's end (5 of its 12 hours).
    assert len(bands) == 8
    assert (float(bands[0]["x"] or 0), float(bands[0]["width"] or 0)) == pytest.approx(
        (0, 700 * 7 / 168), abs=0.01
    )
    assert float(bands[1]["x"] or 0) == pytest.approx(700 * 19 / 168, abs=0.01)
    assert float(bands[-1]["width"] or 0) == pytest.approx(700 * 5 / 168, abs=0.01)


def test_a_rule_counted_per_pay_period_draws_the_pay_period(tmp_path: Path) -> None:
    agreement = _agreement(
        pay_period={"anchor": "2021-01-03T00:00", "days": 14},
        attendance={"forfeit_on": ["sick"], "scope": "pay_period"},
    )
    page = _page(
        tmp_path,
        agreement,
        "employee_id,classification,start,end,extra\n"
        "E1,RN,2021-01-04T07:00,2021-01-04T19:00,true\n"
        "E1,RN,2021-01-12T07:00,2021-01-12T19:00,true\n",
    )
    # Both shifts are in the pay period of Jan 3 to Jan 17 (336 hours): one picture, a
    # label for each of its 14 days; Jan 12 07:00 is 9 days and 7 hours in.
    assert [s.get("aria-label") for t, s in page.elements if t == "svg"] == [
        "Pay period from Sun Jan 3, 2021 12:00 AM PST"
    ]
    assert len(page.all("line", "day")) == 14
    assert "Tue 12" in page.words
    later = page.all("rect", "shift")[1]
    assert float(later["x"] or 0) == pytest.approx(700 * (9 * 24 + 7) / 336, abs=0.01)


def test_a_shift_in_the_repeated_hour_is_in_the_week_the_engine_gives_it(tmp_path: Path) -> None:
    # The workweek starts Sunday 01:30. On Nov 1, 2020 01:30 happens twice; the week starts
    # at the first, 01:30 PDT (08:30 UTC). A shift from the second 01:15 (PST, 09:15 UTC)
    # starts 45 minutes into that week, though its wall clock reads earlier than 01:30; the
    # week ends Nov 8 01:30 PST, 169 hours on.
    agreement = _agreement(
        workweek_start="sunday 01:30",
        windows=[{"start": "2020-10-01T00:00", "end": "2020-12-01T00:00"}],
    )
    page = _page(
        tmp_path,
        agreement,
        "employee_id,classification,start,end,extra\n"
        "E1,RN,2020-11-01T01:15-08:00,2020-11-01T09:15-08:00,true\n",
    )
    assert [s.get("aria-label") for t, s in page.elements if t == "svg"] == [
        "Workweek from Sun Nov 1, 2020 1:30 AM PDT"
    ]
    [bar] = page.all("rect", "shift")
    assert float(bar["x"] or 0) == pytest.approx(700 * 0.75 / 169, abs=0.01)


@pytest.mark.parametrize(
    "terms",
    [
        {"workweek_start": "sunday 01:30"},
        {"workweek_start": "sunday 02:30"},
        {
            "pay_period": {"anchor": "2021-03-07T02:30", "days": 14},
            "attendance": {"forfeit_on": ["sick"], "scope": "pay_period"},
        },
    ],
)
def test_the_pictured_periods_are_the_engines(tmp_path: Path, terms: dict[str, object]) -> None:
    # Shifts every 5 hours 17 minutes over both clock changes of 2021 and the weeks around
    # them: each is pictured in the period the engine's calendar puts it in.
    agreement = _agreement(
        windows=[{"start": "2021-01-01T00:00", "end": "2022-01-01T00:00"}], **terms
    )
    first = datetime(2021, 3, 1, tzinfo=ZoneInfo("UTC"))
    lines = ["employee_id,classification,start,end,extra"]
    for spring_or_fall in (first, datetime(2021, 10, 25, tzinfo=ZoneInfo("UTC"))):
        for n in range(2 * 21 * 24 // 5):
            start = spring_or_fall + timedelta(minutes=317 * n)
            end = start + timedelta(hours=4)
            lines.append(f"E1,RN,{start.isoformat()},{end.isoformat()},true")
    shifts = tmp_path / "s.csv"
    shifts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = incentives.evaluate([agreement], incentives.read_shifts(shifts))
    compiled = Compiled.of(agreement, None)
    calendar = compiled.workweeks if compiled.pay_periods is None else compiled.pay_periods
    [member] = members(report, [agreement])
    pictured = {
        bar.line: (int(w.start.timestamp()), int(w.end.timestamp()))
        for w in member.weeks
        for bar in w.bars
    }
    assert len(pictured) == len(lines) - 1
    for row in report.rows:
        period = calendar.of(int(row.start.timestamp()))
        assert pictured[row.line] == (period.start, period.end)


def test_the_legend_names_only_what_the_agreements_draw() -> None:
    plain = rcp_page().words  # no day-parts, no FTE threshold
    assert "agreement window" in plain
    assert "day-part" not in plain
    assert "FTE threshold" not in plain
    scpmg = ROOT / "examples" / "usw7600-scpmg-anesthesia"
    agreement = incentives.load_agreement(scpmg / "agreement.toml")
    report = incentives.evaluate([agreement], incentives.read_shifts(scpmg / "shifts.csv"))
    assert "hours under the FTE threshold" in Page(report_html(report, [agreement])).words


def test_the_command_shows_the_members_asked_for_in_that_order(tmp_path: Path) -> None:
    out = tmp_path / "two.html"
    command = [sys.executable, "-m", "incentives", "report", "-a", str(RCP / "agreement.toml")]
    command += [str(RCP / "shifts.csv"), "--employee", "R106", "--employee", "R103"]
    done = subprocess.run([*command, "-o", str(out)], capture_output=True, text=True, check=False)
    # R106 worked lines 7 and 8; R103 line 4 and was sick on line 15.
    assert done.stderr == f"wrote {out}: 2 member(s), 4 shift(s)\n"
    page = Page(out.read_text(encoding="utf-8"))
    assert [s["data-employee"] for s in page.all("section", "member")] == ["R106", "R103"]
    unknown = subprocess.run([*command, "--employee", "R999"], capture_output=True, text=True)
    assert unknown.returncode == 2
    assert "no row of employee 'R999' (employees: R101," in unknown.stderr


@pytest.mark.parametrize(
    ("zone", "start", "changes"),
    [
        ("America/Los_Angeles", "2020-11-01", ["clocks change: PST from 1:00 AM"]),
        ("America/Los_Angeles", "2021-03-14", ["clocks change: PDT from 3:00 AM"]),
        ("Europe/London", "2021-03-28", ["clocks change: BST from 2:00 AM"]),
        ("Australia/Lord_Howe", "2021-04-04", ["clocks change: +1030 from 1:30 AM"]),
        ("Asia/Kolkata", "2021-03-14", []),
    ],
)
def test_clock_changes_are_found_day_by_day_as_hour_by_hour(
    zone: str, start: str, changes: list[str]
) -> None:
    from incentives.writers import week as drawing

    tz = ZoneInfo(zone)
    first = datetime.fromisoformat(f"{start}T00:00").replace(tzinfo=tz)
    for days in (7, 14):
        last = (first.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=tz)
        found = drawing._clock_changes(first, last, tz, lambda moment: 0.0)
        assert found == drawing._hourly(first, last, tz, lambda moment: 0.0)
        assert [said for _, said in found] == changes

"""The member's report in a real browser: headless Chromium opens what `incentives report`
wrote and these tests check what a person sees (the rendered text, the bars of the pictures
where they are drawn and in their colours), that printing to PDF puts each member on a page
of their own, and that a screenshot is taken. Values are worked by hand from the examples'
tables (examples/*/README.md), not copied from the output.

Chromium is driven two ways, with the standard library only: its command line
(``--print-to-pdf``, ``--screenshot``), as a person would run it, and the DevTools protocol
over a pipe (``--remote-debugging-pipe``: JSON messages ended by a NUL byte, commands on
file descriptor 3, answers on 4) to read the rendered page. The document itself stays
script-free: the expressions are evaluated by the protocol, not carried by the page.

These tests need Chromium from the distribution's packages (``apt-get install chromium``;
``.ci/run`` installs it). Without it they fail, saying so: they are never skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT = 60.0
"""Seconds Chromium gets for one command (a page, a PDF, a screenshot)."""

MISSING = (
    "Chromium is not installed (no `chromium` on PATH). The member report's browser tests "
    "(tests/test_browser.py) need it: install the distribution's package, for example "
    "`sudo apt-get install chromium` on Debian or Ubuntu (.ci/run installs it)."
)

# The colours of the template's legend, as the browser computes them.
GREEN, GREY, ORANGE = "rgb(43, 138, 62)", "rgb(173, 181, 189)", "rgb(240, 140, 0)"

# Letter paper, Chromium's default for printing, less its default margins of 0.4 in, in CSS
# pixels (96 to the inch): the room a page has for the document.
PRINTED_WIDTH, PRINTED_HEIGHT = round(7.7 * 96), round(10.2 * 96)


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail(MISSING, pytrace=False)
    return found


def flags(profile: Path) -> list[str]:
    """The flags of every run: headless, a fresh profile, no sandbox (CI runs as root),
    shared memory in /tmp (containers have a small /dev/shm)."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]


def headless(folder: Path, page: Path, *options: str) -> None:
    """Chromium's command line on ``page`` (``--print-to-pdf=...``, ``--screenshot=...``)."""
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=folder))
    command = [chromium(), *flags(profile), *options, page.as_uri()]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=TIMEOUT, check=False, text=True, errors="replace"
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {TIMEOUT:.0f} s: {command}")
    assert done.returncode == 0, done.stderr[-2000:]


def report(folder: Path, example: str, *options: str) -> Path:
    """The document of the real command line, ``python -m incentives report``."""
    out = folder / f"{example}{''.join(options).replace('--employee', '-')}.html"
    if out.exists():  # written by an earlier test of this module
        return out
    here = EXAMPLES / example
    command = [sys.executable, "-m", "incentives", "report", "-a", str(here / "agreement.toml")]
    command += [str(here / "shifts.csv"), *options, "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=TIMEOUT)
    assert (done.returncode, done.stderr.startswith(f"wrote {out}")) == (0, True), done.stderr
    return out


# --------------------------------------------------------------------------- the protocol

LAUNCH = """\
import fcntl, os, sys
given = [int(fd) for fd in sys.argv[1:3]]
commands, answers = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in given)
os.dup2(commands, 3)
os.dup2(answers, 4)
for fd in {commands, answers, *given} - {3, 4}:
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""
"""Puts the pipes' ends on the descriptors Chromium expects (3 and 4), then becomes it."""


class Browser:
    """One headless Chromium, started on first use, driven over the DevTools protocol."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None
        self.commands = self.answers = -1
        self.buffer = b""
        self.pending: list[dict[str, Any]] = []
        self.last = 0

    def start(self) -> None:
        executable = chromium()
        read_commands, self.commands = os.pipe()
        self.answers, write_answers = os.pipe()
        profile = Path(tempfile.mkdtemp(prefix="profile-", dir=self.folder))
        self.log = (self.folder / "chromium.log").open("wb")
        launcher = [sys.executable, "-c", LAUNCH, str(read_commands), str(write_answers)]
        self.process = subprocess.Popen(
            [*launcher, executable, *flags(profile), "--remote-debugging-pipe", "about:blank"],
            pass_fds=(read_commands, write_answers),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        os.close(read_commands)
        os.close(write_answers)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        if self.process is None:
            self.start()
        self.last += 1
        message: dict[str, Any] = {"id": self.last, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.commands, data) :]
        number = self.last
        answer = self.until(lambda m: m.get("id") == number)
        if "error" in answer:
            raise DevToolsError(f"{method}: {answer['error']}")
        return answer["result"]

    def until(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first message ``wanted``, those before it kept for later."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, message in enumerate(self.pending):
                if wanted(message):
                    return self.pending.pop(i)
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                self.pending.append(json.loads(raw))
            if any(wanted(m) for m in self.pending):
                continue
            ready, _, _ = select.select([self.answers], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                pytest.fail(f"Chromium did not answer within {TIMEOUT:.0f} s{self.tail()}")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                pytest.fail(f"Chromium closed the DevTools pipe{self.tail()}")
            self.buffer += chunk

    def tail(self) -> str:
        log = self.folder / "chromium.log"
        return f"; its log ends:\n{log.read_text(errors='replace')[-2000:]}" if log.exists() else ""

    def open(self, page: Path, width: int = 1000, media: str = "screen") -> Tab:
        """A new tab showing ``page`` loaded, its fonts too, ``width`` CSS pixels wide."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, session["sessionId"], target)
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False}
        tab.call("Emulation.setDeviceMetricsOverride", metrics)
        tab.call("Emulation.setEmulatedMedia", {"media": media})
        tab.call("Page.navigate", {"url": page.as_uri()})
        loaded = (
            "new Promise(done => { const ready = () => document.fonts.ready.then("
            "() => done(location.href)); document.readyState === 'complete' ? ready()"
            " : addEventListener('load', ready); })"
        )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if tab.value(loaded) == page.as_uri():
                    return tab
            except DevToolsError:  # the old document went away while asked
                pass
            time.sleep(0.02)
        pytest.fail(f"{page} did not load within {TIMEOUT:.0f} s")

    def close(self) -> None:
        if self.process is not None:
            with contextlib.suppress(DevToolsError, OSError, pytest.fail.Exception):
                self.call("Browser.close")
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            os.close(self.commands)
            os.close(self.answers)
        if self.log is not None:
            self.log.close()


class DevToolsError(Exception):
    """The protocol answered a command with an error."""


class Tab:
    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser, self.session, self.target = browser, session, target

    def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.call(method, params, self.session)

    def value(self, expression: str) -> Any:
        """What ``expression`` comes to in the page (awaited, as JSON)."""
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        result = self.call("Runtime.evaluate", params)
        if "exceptionDetails" in result:
            raise DevToolsError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    started = Browser(tmp_path_factory.mktemp("chromium"))
    yield started
    started.close()


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("documents")


# What each member's section shows, read from the rendered page: its text as the browser
# lays it out (innerText: only what is rendered), and the boxes and colours of the bars.
MEMBERS = """
[...document.querySelectorAll('section.member')].map(section => {
  const box = e => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}; };
  const bar = b => ({line: b.dataset.line, classes: b.getAttribute('class'), box: box(b),
    fill: getComputedStyle(b).fill, opacity: getComputedStyle(b).fillOpacity});
  return {
    employee: section.dataset.employee,
    text: section.innerText,
    totals: section.querySelector('table.totals').innerText,
    rows: [...section.querySelectorAll('table.shifts tr.shift')].map(r => r.dataset.line),
    height: section.getBoundingClientRect().height,
    bottom: section.getBoundingClientRect().bottom + scrollY,
    weeks: [...section.querySelectorAll('figure.week svg')].map(svg => ({
      label: svg.getAttribute('aria-label'), box: box(svg),
      bars: [...svg.querySelectorAll('rect.shift')].map(bar),
      windows: [...svg.querySelectorAll('rect.window')].map(box),
      qualifying: [...svg.querySelectorAll('rect.qualifying')].map(bar),
      thresholds: [...svg.querySelectorAll('line.threshold')].map(box),
    })),
  };
})
"""


def members(
    browser: Browser, page: Path, width: int = 1000, media: str = "screen"
) -> dict[str, Any]:
    """Each member's section of ``page`` as the browser shows it, by id, in their order."""
    tab = browser.open(page, width, media)
    found: list[dict[str, Any]] = tab.value(MEMBERS)
    tab.close()
    return {m["employee"]: m for m in found}


def words(text: str) -> str:
    return " ".join(text.split())


def at(week: dict[str, Any], hours: float) -> float:
    """Where ``hours`` into a 168-hour workweek falls on the screen."""
    left: float = week["box"]["left"]
    width: float = week["box"]["right"] - left
    return left + width * hours / 168


# --------------------------------------------------------------------------- what is read

UNAC = "unac-uhcp-2020-07"
RCP = "usw7600-rcp"
SCPMG = "usw7600-scpmg-anesthesia"

# examples/unac-uhcp-2020-07/README.md, "By employee", and the lines of each member.
UNAC_MEMBERS = {
    "N01": ("$250.00", [2]),
    "N02": ("$0.00", [3]),
    "N03": ("$0.00", [4]),
    "N04": ("$250.00", [5]),
    "N05": ("$200.00", [6]),
    "N06": ("$300.00", [7, 8, 9]),
    "N07": ("$0.00", [10]),
    "N08": ("$0.00", [11]),
    "N09": ("$0.00", [12]),
    "N10": ("$250.00", [13, 14, 15]),
    "N11": ("$0.00", [16, 17]),
    "N12": ("$0.00", [18, 19]),
    "N13": ("$250.00", [20, 21]),
    "N14": ("$200.00", [22, 23]),
    "N15": ("$250.00", [24, 25]),
}
UNAC_QUALIFY = {2, 5, 6, 7, 9, 15, 21, 22, 25}
UNAC_ABSENT = {13, 17, 18, 20, 23, 24}
SICK_CLAUSE = (
    "“If the employee calls in sick or takes an educational day for one of their regularly "
    "scheduled shifts in a week where they are also scheduled to work an incentivized extra "
    "shift, they will no longer be eligible for the incentive.”"
)


@pytest.fixture(scope="module")
def unac_page(documents: Path) -> Path:
    return report(documents, UNAC)


def test_the_reader_sees_every_member_with_the_total_due(browser: Browser, unac_page: Path) -> None:
    unac = members(browser, unac_page)
    assert list(unac) == list(UNAC_MEMBERS)
    for employee, (due, lines) in UNAC_MEMBERS.items():
        member = unac[employee]
        assert words(member["text"]).startswith(f"Member {employee} ")
        # N06: 150 (8 h, line 7) + 0 (6 h, line 8) + 150 (9 h, line 9) = $300.00, 3 shifts.
        assert words(member["totals"]) == f"Shifts Incentive due {len(lines)} {due}", employee


def test_the_reader_sees_why_a_sick_call_forfeits_a_shift(
    browser: Browser, unac_page: Path
) -> None:
    unac = members(browser, unac_page)
    # Line 16: N11's extra shift on Mon Jul 13 is forfeited by the sick call of Fri Jul 17
    # (line 17), in the same Sunday-to-Saturday workweek, Jul 12 to 19, after it.
    text = words(unac["N11"]["text"])
    row = text[text.index("16 Mon Jul 13, 2020 7:00 AM PDT to 7:30 PM PDT") : text.index("17 Fri")]
    assert "12.00 does not qualify" in row
    assert "unac-uhcp-2020-07: attendance: sick on line 17 (2020-07-17 07:00 PDT)" in row
    assert "in the same workweek (2020-07-12 00:00 PDT to 2020-07-19 00:00 PDT)" in row
    assert "(see line 17)" in row
    assert SICK_CLAUSE in row
    assert row.endswith("$0.00 ")
    # The absence itself, and the label of its bar in the picture.
    assert "17 Fri Jul 17, 2020 7:00 AM PDT to 7:30 PM PDT Registered Nurse 12.00 sick" in text
    assert "sick: forfeits line 16" in text
    # N12: an education day (line 18) forfeits the night of Jul 22 (line 19).
    text = words(unac["N12"]["text"])
    assert "attendance: education on line 18 (2020-07-20 07:00 PDT)" in text
    assert "education: forfeits line 19" in text
    # N13's protected sick leave forfeits nothing: line 21 qualifies.
    text = words(unac["N13"]["text"])
    assert "forfeits" not in text
    assert "21 Tue Jul 21, 2020 7:00 AM PDT to 7:30 PM PDT" in text
    assert "qualifies under unac-uhcp-2020-07 $250.00" in text


def test_a_claim_reads_what_was_paid_and_what_is_owed(browser: Browser, documents: Path) -> None:
    seen = members(browser, report(documents, RCP))
    # examples/usw7600-rcp/README.md: amount and paid of each member's lines.
    said = {
        # Line 2: $300.00 due, $300.00 paid.
        "R101": "1 $300.00 $300.00 $0.00",
        # Line 3 starts before the window: nothing due, $300.00 paid.
        "R102": "1 $0.00 $300.00 overpaid $300.00",
        # Line 4 ($300.00 due, $250.00 paid) and line 15, sick (nothing due, none paid).
        "R103": "2 $300.00 $250.00 $50.00",
        # Lines 7 and 8: 250 + 200, paid in full.
        "R106": "2 $450.00 $450.00 $0.00",
        # Line 13 (regular) and line 14: 9.5 hours pay $200.00, $250.00 was paid.
        "R110": "2 $200.00 $250.00 overpaid $50.00",
    }
    for employee, totals in said.items():
        head = "Shifts Incentive due Paid Owed to the member"
        assert words(seen[employee]["totals"]) == f"{head} {totals}", employee
    assert "not given" in words(seen["R103"]["text"])  # line 15 has no paid cell


def test_the_document_has_no_script(browser: Browser, unac_page: Path) -> None:
    tab = browser.open(unac_page)
    assert tab.value("document.scripts.length") == 0
    tab.close()


# --------------------------------------------------------------------------- the picture


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return all(
        [
            inner["left"] >= outer["left"] - 0.5,
            inner["right"] <= outer["right"] + 0.5,
            inner["top"] >= outer["top"] - 0.5,
            inner["bottom"] <= outer["bottom"] + 0.5,
        ]
    )


def test_every_shift_is_a_bar_in_its_week_and_colour(browser: Browser, unac_page: Path) -> None:
    unac = members(browser, unac_page)
    for employee, (_, lines) in UNAC_MEMBERS.items():
        member = unac[employee]
        assert [int(n) for n in member["rows"]] == lines
        drawn = []
        for week in member["weeks"]:
            assert week["windows"], (employee, week["label"])  # July 3 to 31 touches each
            for bar in week["bars"]:
                assert bar["box"]["width"] > 0, (employee, bar)
                assert inside(bar["box"], week["box"]), (employee, bar)
                line = int(bar["line"])
                colour = GREEN if line in UNAC_QUALIFY else ORANGE if line in UNAC_ABSENT else GREY
                assert bar["fill"] == colour, (employee, line)
                drawn.append(line)
        assert sorted(drawn) == lines, employee
    # A shift belongs to the week in which it starts: N15's sick night of Sat Jul 11 (line
    # 24) is drawn in the week of Jul 5, the night of Sun Jul 12 (line 25) in the next.
    weeks = {w["label"]: [b["line"] for b in w["bars"]] for w in unac["N15"]["weeks"]}
    assert weeks == {
        "Workweek from Sun Jul 5, 2020 12:00 AM PDT": ["24"],
        "Workweek from Sun Jul 12, 2020 12:00 AM PDT": ["25"],
    }
    # N10: the week of the sick call (lines 13, 14) and the next (line 15).
    assert [len(w["bars"]) for w in unac["N10"]["weeks"]] == [2, 1]


def test_the_window_is_shaded_where_it_opens_and_closes(browser: Browser, unac_page: Path) -> None:
    unac = members(browser, unac_page)
    # The window opens Fri Jul 3 at 07:00, 5 × 24 + 7 = 127 hours into the week of Sun Jun
    # 28, and runs past the week's end; N01's shift (line 2) starts as it opens, 12.5 hours.
    [week] = unac["N01"]["weeks"]
    [window] = week["windows"]
    assert window["left"] == pytest.approx(at(week, 127), abs=1)
    assert window["right"] == pytest.approx(at(week, 168), abs=1)
    [bar] = week["bars"]
    assert bar["box"]["left"] == pytest.approx(at(week, 127), abs=1)
    assert bar["box"]["width"] == pytest.approx(at(week, 12.5) - at(week, 0), abs=1)
    # It closes Fri Jul 31 at 07:00, also 127 hours into the week of Sun Jul 26: N04's night
    # (line 5) ends as it closes, after 12.5 hours from Thu Jul 30 18:30 (4 × 24 + 18.5).
    [week] = unac["N04"]["weeks"]
    [window] = week["windows"]
    assert (window["left"], window["right"]) == pytest.approx((at(week, 0), at(week, 127)), abs=1)
    [bar] = week["bars"]
    assert bar["box"]["left"] == pytest.approx(at(week, 114.5), abs=1)
    assert bar["box"]["right"] == pytest.approx(at(week, 127), abs=1)
    # No FTE threshold in this agreement (the scheduler's flag decides): no mark anywhere.
    assert not any(w["thresholds"] or w["qualifying"] for m in unac.values() for w in m["weeks"])


BEYOND_FTE = """\
employee_id,classification,employer,fte,start,end,status,unpaid_break_minutes
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-03T07:00,2021-01-03T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-04T07:00,2021-01-04T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-05T07:00,2021-01-05T17:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-07T07:00,2021-01-07T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-10T07:00,2021-01-10T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-11T07:00,2021-01-11T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-12T07:00,2021-01-12T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-13T07:00,2021-01-13T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-14T07:00,2021-01-14T19:30,,30
X01,Anesthesiology Technician,SCPMG,0.9,2021-01-15T07:00,2021-01-15T19:30,,30
"""


def test_the_fte_threshold_is_marked_inside_the_shift_that_reaches_it(
    browser: Browser, tmp_path: Path
) -> None:
    # The example's shifts never reach the threshold inside a shift that qualifies (its
    # only one, T02's line 9, has 2 hours beyond, under the 4-hour tier), so this member of
    # 0.9 FTE works under its agreement: threshold max(0.9 × 40, 24) = 36 hours.
    # Week of Sun Jan 3: 12 + 12 + 10 = 34 hours, then Thursday's 12 (line 5) go 10 beyond:
    # the 10-hour tier, $250. Week of Sun Jan 10: 12 + 12 + 12 reach 36 exactly at the end
    # of line 8; lines 9, 10 and 11 are all beyond, $300 each. Due 250 + 3 × 300 = $1,150.00.
    shifts = tmp_path / "beyond.csv"
    shifts.write_text(BEYOND_FTE, encoding="utf-8")
    out = tmp_path / "beyond.html"
    agreement = EXAMPLES / SCPMG / "agreement.toml"
    command = [sys.executable, "-m", "incentives", "report", "-a", str(agreement), str(shifts)]
    done = subprocess.run(
        [*command, "-o", str(out)], capture_output=True, text=True, check=False, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    [member] = members(browser, out).values()
    assert words(member["totals"]) == "Shifts Incentive due 10 $1,150.00"
    first, second = member["weeks"]
    assert first["label"] == "Workweek from Sun Jan 3, 2021 12:00 AM PST"
    # Thursday runs from 4 × 24 + 7 = 103 to 115.5 hours into the week; the mark is drawn
    # its 10 qualifying hours before its end, at 105.5, the pale part under the threshold
    # before it and the solid, qualifying part after it.
    below = [b for b in first["bars"] if "below" in b["classes"].split()]
    assert [b["line"] for b in below] == ["5"]
    [bar] = below
    assert (bar["box"]["left"], bar["box"]["right"]) == pytest.approx(
        (at(first, 103), at(first, 115.5)), abs=1
    )
    assert bar["fill"] == GREEN
    assert float(bar["opacity"]) == pytest.approx(0.35)
    [mark] = first["thresholds"]
    assert mark["left"] == pytest.approx(at(first, 105.5), abs=1)
    assert mark["top"] < bar["box"]["top"]
    assert mark["bottom"] > bar["box"]["bottom"]
    [qualifying] = first["qualifying"]
    assert (qualifying["box"]["left"], qualifying["box"]["right"]) == pytest.approx(
        (at(first, 105.5), at(first, 115.5)), abs=1
    )
    assert (qualifying["fill"], float(qualifying["opacity"])) == (GREEN, 1.0)
    # The first three do not reach it (grey); the window opens at 07:00 on Sun Jan 3.
    assert [b["fill"] for b in first["bars"]] == [GREY, GREY, GREY, GREEN]
    [window] = first["windows"]
    assert window["left"] == pytest.approx(at(first, 7), abs=1)
    # In the second week no shift reaches the threshold inside: no mark, solid bars.
    assert (second["thresholds"], second["qualifying"]) == ([], [])
    assert [(b["fill"], float(b["opacity"])) for b in second["bars"]] == [(GREY, 1.0)] * 3 + [
        (GREEN, 1.0)
    ] * 3


def test_shifts_wholly_beyond_the_threshold_are_solid(browser: Browser, documents: Path) -> None:
    # examples/usw7600-scpmg-anesthesia/README.md: lines 5, 10, 14 and 19 qualify with all
    # their hours beyond the threshold (36 → 48, 42 → 50, 24 → 34, 48 → 60), so they are
    # drawn whole and green (line 14 red: paid 0.00 of $250.00), without a mark.
    seen = members(browser, report(documents, SCPMG))
    bars = {b["line"]: (e, b) for e, m in seen.items() for w in m["weeks"] for b in w["bars"]}
    expected = {"5": "T01", "10": "T02", "14": "T03", "19": "T04"}
    for line, employee in expected.items():
        owner, bar = bars[line]
        assert owner == employee
        assert "below" not in bar["classes"].split()
        assert (bar["fill"], float(bar["opacity"])) == (
            "rgb(201, 42, 42)" if line == "14" else GREEN,
            1.0,
        )
    assert len(bars) == 27
    assert words(seen["T03"]["totals"]).endswith("4 $250.00 $0.00 $250.00")


# --------------------------------------------------------------------------- printing


def matched(pattern: bytes, data: bytes) -> bytes:
    found = re.search(pattern, data)
    assert found is not None, f"no {pattern!r} in {data[:200]!r}"
    return found[1]


def pdf_pages(pdf: bytes) -> tuple[int, dict[str, int]]:
    """The number of pages of a PDF written by Chromium (Skia writes its objects plainly,
    not in compressed object streams), counted as the page objects and checked against the
    page tree's /Count; and the page (from 1) of each named destination (Chromium names
    one for each element with an id that a link points to)."""
    found = re.findall(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(?:endobj|stream)", pdf, re.S)
    objects = {int(number): body for number, body in found}
    assert b"/ObjStm" not in pdf, "the PDF hides its objects in object streams"
    pages = [n for n, body in objects.items() if re.search(rb"/Type\s*/Page(?![A-Za-z])", body)]
    [catalog] = [body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body)]
    root = int(matched(rb"/Pages\s+(\d+) 0 R", catalog))
    count = int(matched(rb"/Count\s+(\d+)", objects[root]))

    def leaves(number: int) -> Iterator[int]:
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            for kid in re.findall(rb"(\d+) 0 R", matched(rb"/Kids\s*\[([^\]]*)\]", body)):
                yield from leaves(int(kid))
        else:
            yield number

    order = list(leaves(root))
    assert len(pages) == count == len(order), (len(pages), count, len(order))
    places: dict[str, int] = {}
    dests = re.search(rb"/Dests\s+(\d+) 0 R", catalog)
    if dests is not None:
        for name, page in re.findall(rb"/([\w.-]+)\s*\[(\d+) 0 R", objects[int(dests[1])]):
            places[name.decode()] = order.index(int(page)) + 1
    return count, places


def test_the_page_count_is_read_right_from_a_known_document(tmp_path: Path) -> None:
    page = tmp_path / "three.html"
    page.write_text(
        '<!DOCTYPE html><html><body><p id="a"><a href="#b">one</a> <a href="#c">3</a></p>'
        '<p id="b" style="break-before: page"><a href="#a">two</a></p>'
        '<p id="c" style="break-before: page">three</p></body></html>',
        encoding="utf-8",
    )
    pdf = tmp_path / "three.pdf"
    headless(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf_pages(pdf.read_bytes()) == (3, {"a": 1, "b": 2, "c": 3})


@pytest.mark.parametrize(
    ("example", "employees", "pages"),
    [
        # Four members of examples/unac-uhcp-2020-07 (an --employee subset): N01 one shift
        # (line 2); N11 the extra shift forfeited by the sick call after it (16, 17); N13
        # protected sick leave and a qualifying shift (20, 21); N15 a sick night and the
        # next (24, 25). At most two shifts and two workweeks each, a page each. (The whole
        # document also prints a member a page, but N10's three shifts in two weeks, with
        # their reasons, fill its page nearly to the bottom: a font wider than this one's
        # would carry it over, so it is not the case tested.)
        (UNAC, ["N01", "N11", "N13", "N15"], {2: 1, 16: 2, 17: 2, 20: 3, 21: 3, 24: 4, 25: 4}),
        # The whole of examples/usw7600-rcp: 11 members, in order of id, none with more than
        # two shifts (R110, the tallest, a regular shift and an overpaid one, uses about
        # three quarters of its page). R103's lines 4 and 15 are apart in the file.
        (
            RCP,
            [],
            {2: 1, 3: 2, 4: 3, 15: 3, 5: 4, 6: 5, 7: 6, 8: 6, 9: 7, 10: 7}
            | {11: 8, 12: 9, 13: 10, 14: 10, 16: 11},
        ),
    ],
)
def test_each_member_prints_on_a_page_of_their_own(
    browser: Browser,
    documents: Path,
    tmp_path: Path,
    example: str,
    employees: list[str],
    pages: dict[int, int],
) -> None:
    options = [o for e in employees for o in ("--employee", e)]
    page = report(documents, example, *options)
    # The case holds one page per member: laid out for print at the page's width, each
    # member's section is shorter than a page (the first with the header above it).
    sections = list(members(browser, page, PRINTED_WIDTH, "print").values())
    assert sections[0]["bottom"] < PRINTED_HEIGHT
    for section in sections:
        assert section["height"] < PRINTED_HEIGHT, f"{section['employee']} takes two pages"
    pdf = tmp_path / "printed.pdf"
    headless(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    count, places = pdf_pages(pdf.read_bytes())
    # Every shift's row is a link target (its bar points to it): each is on its member's page.
    assert count == len(sections) == max(pages.values())
    assert {int(name[5:]): n for name, n in places.items() if name.startswith("line-")} == pages


def test_a_screenshot_is_taken(tmp_path: Path) -> None:
    page = report(tmp_path, UNAC, "--employee", "N11")
    shot = tmp_path / "n11.png"
    headless(tmp_path, page, f"--screenshot={shot}", "--window-size=1100,900", "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1100, 900)
    # A blank page compresses to a few kilobytes; this one has text, a picture and colour.
    assert 20_000 < len(data) < 1_000_000

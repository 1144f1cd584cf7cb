"""Fuzzing the command line with hostile shifts and agreement files.

Each case writes a generated file and runs the real command line's entry point
(``incentives._cli.main``, in this process so that a hundred thousand cases take minutes,
not hours) and asserts what every input must give:

- an exit status from the documented set (0, 1, 2; never 70, a fault of incentives);
- every data row exactly once, in the report's rows or its errors, in line order;
- the same report twice (every tenth file);
- an agreement that ``validate`` accepts is one that ``check`` evaluates.

Shifts files are checked against valid variations of one agreement (every window and
payout kind, thresholds, limits, day-parts, amendments, zones on both sides of UTC);
agreement files are those variations, a third of them with hostile twists.

``tests/test_fuzz.py`` runs a short, bounded run in CI. The long run::

    .venv/bin/python tests/fuzz.py --cases 100000 --seed 1 --progress 1000

prints how many cases ran, of which kind, and the first failure, if any (exit status 1).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incentives._cli import BAD_INPUT, OK, ROW_ERRORS, main

STATUSES = {OK, ROW_ERRORS, BAD_INPUT}

AGREEMENT = """\
id = "fuzz"
title = "Fuzzed agreement"
timezone = "America/Los_Angeles"
workweek_start = "sunday 00:00"

[pay_period]
anchor = "2020-12-20T00:00"
days = 14

[[windows]]
start = "2020-10-25T07:00"
end = "2021-03-21T07:00"

[eligibility]
classifications = ["Registered Nurse", "Respiratory*"]
min_hours = 4

[extra]
flag = true

[attendance]
forfeit_on = ["sick"]

[[payout]]
tiers = [{ min_hours = 4, amount = "100.00" }, { min_hours = 12, amount = "300.00" }]

[limits]
max_amount_per_workweek = "500.00"
"""

COLUMNS = ["employee_id", "classification", "start", "end", "extra", "status"]
OPTIONAL = ["fte", "unpaid_break_minutes", "paid", "location", "employment_status", "base_rate"]

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\ufeffE1",
    "E\u2003 1",
    "=cmd|' /C calc'!A0",
    "\u202eE1",
    "名前",
    "x" * 5000,
    '"',
    "a,b",
    "\\",
    "\ud83d\ude00",
]
TIMES = [
    "2020-12-27T07:00",
    "2020-12-27T19:00",
    "2020-11-01T01:30",  # happens twice
    "2021-03-14T02:30",  # never happens
    "2020-11-01T01:30-07:00",
    "2020-11-01T09:30Z",
    "2021-03-14T10:00+00:00",
    "20201227T0700",
    "2020-12-27 07:00",
    "2020-12-27",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2020-13-01T00:00",
    "2020-12-27T07:00+25:00",
    "2020-12-27T07:00:00.123456789",
    "12/27/2020 7:00 AM",
]
NUMBERS = [
    "0",
    "1",
    "0.9",
    "-1",
    "1e30",
    "1E-999999999",
    "9" * 4301,
    "0." + "0" * 50 + "1",
    "NaN",
    "Infinity",
    "1_00",
    "١٠٠",
    "$300.00",
    "1,250.00",
    "300.005",
    "",
]
FLAGS = ["true", "false", "Y", "n", "1", "0", "maybe", "", "TRUE", "yes"]
STATUS_WORDS = ["worked", "", "sick", "SICK", "vacation", "on call", "worked\x00"]
ENDINGS = ["\n", "\r\n", "\r"]


def cells(column: str) -> st.SearchStrategy[str]:
    """Values of one column: mostly good, some hostile."""
    good: dict[str, st.SearchStrategy[str]] = {
        "employee_id": st.sampled_from(["E1", "E2", "E3", "007"]),
        "classification": st.sampled_from(["Registered Nurse", "Respiratory Therapist"]),
        "start": st.sampled_from(TIMES[:7]),
        "end": st.sampled_from(TIMES[:7]),
        "extra": st.sampled_from(FLAGS[:3]),
        "status": st.sampled_from(STATUS_WORDS[:4]),
        "fte": st.sampled_from(["1.0", "0.5", "0.9"]),
        "unpaid_break_minutes": st.sampled_from(["0", "30", ""]),
        "paid": st.sampled_from(["", "100.00", "300.00"]),
        "base_rate": st.sampled_from(["52.10", "40", ""]),
        "location": st.just("Fontana Medical Center"),
        "employment_status": st.sampled_from(["full_time", "per diem"]),
    }
    hostile = {
        "start": st.sampled_from(TIMES),
        "end": st.sampled_from(TIMES),
        "extra": st.sampled_from(FLAGS),
        "status": st.sampled_from(STATUS_WORDS),
        "fte": st.sampled_from(NUMBERS),
        "unpaid_break_minutes": st.sampled_from(NUMBERS),
        "paid": st.sampled_from(NUMBERS),
        "base_rate": st.sampled_from(NUMBERS),
    }.get(column, st.sampled_from(HOSTILE_TEXT))
    return st.one_of(good[column], good[column], good[column], hostile, st.text(max_size=12))


@dataclass
class ShiftsFile:
    """A generated shifts file and the physical lines of its data rows."""

    name: str
    data: bytes
    lines: list[int]
    kind: str


@st.composite
def csv_files(draw: st.DrawFn) -> ShiftsFile:
    header = COLUMNS + draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=3))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(header)))  # a column named twice
    ending = draw(st.sampled_from(ENDINGS))
    rows = draw(st.lists(st.fixed_dictionaries({c: cells(c) for c in header}), max_size=8))
    out = [",".join(header)]
    lines: list[int] = []
    line = 2
    for row in rows:
        values = [row[c] for c in header]
        ragged = draw(st.integers(0, 14))
        if ragged == 0 and values:
            values = values[:-1]
        elif ragged == 1:
            values = [*values, "surplus"]
        values = [_BREAK.sub(ending, v) for v in values]  # a break inside a cell is the file's
        text = ",".join(_quoted(v) for v in values)
        if not text.strip(" \t"):
            continue  # a blank line is not a row
        out.append(text)
        lines.append(line)
        line += 1 + sum(v.count(ending) for v in values)
    body = ending.join(out) + (ending if draw(st.booleans()) else "")
    data = body.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    kind = "csv"
    if draw(st.integers(0, 19)) == 0:
        data += b"\xff\xfe bad bytes"
        kind = "csv-not-utf8"
    return ShiftsFile("shifts.csv", data, lines, kind)


_BREAK = re.compile(r"\r\n|\r|\n")


def _quoted(value: str) -> str:
    if any(c in value for c in ',"\r\n') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def jsonl_files(draw: st.DrawFn) -> ShiftsFile:
    keys = COLUMNS + draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=3))
    records = draw(st.lists(st.fixed_dictionaries({k: cells(k) for k in keys}), max_size=8))
    out: list[str] = []
    for record in records:
        value: dict[str, object] = dict(record)
        twist = draw(st.integers(0, 11))
        if twist == 0:
            out.append("{" + '"employee_id":' + "[" * 3000 + "]" * 3000 + "}")
        elif twist == 1:
            out.append(json.dumps(value)[:-1] + ',"PAID":"1.00"}')
        elif twist == 2:
            out.append('{"employee_id":"E1","unpaid_break_minutes":' + "7" * 4400 + "}")
        elif twist == 3:
            out.append('{"employee_id":"\\udc80", "start": 7}')
        elif twist == 4:
            out.append("[1, 2]")
        elif twist == 5:
            out.append('{"employee_id": "E1",')
        else:
            if draw(st.booleans()):
                value["extra"] = value["extra"] == "true"
            out.append(json.dumps(value, ensure_ascii=draw(st.booleans())))
    data = "\n".join(out).encode("utf-8", "surrogatepass")
    lines = [n for n, text in enumerate(out, start=1) if text.strip()]
    return ShiftsFile("shifts.jsonl", data, lines, "jsonl")


AGREEMENT_TWISTS = [
    ('amount = "100.00"', 'amount = "3000000000000000000000000000000.00"'),
    ("min_hours = 4\n", "min_hours = 1E-999999999\n"),
    ("min_hours = 4\n", "min_hours = " + "1" * 4301 + "\n"),
    ('end = "2021-03-21T07:00"', 'end = "9999-12-31T23:59"'),
    ('start = "2020-10-25T07:00"', 'start = "0001-01-01T00:00"'),
    ('start = "2020-10-25T07:00"', 'start = "2021-03-14T02:30"'),
    ("days = 14", "days = 0"),
    ("days = 14", "days = 99999999999999999999"),
    ('max_amount_per_workweek = "500.00"', 'max_amount_per_workweek = "-1"'),
    ('max_amount_per_workweek = "500.00"', "max_amount_per_workweek = nan"),
    ('timezone = "America/Los_Angeles"', 'timezone = "Mars/Base"'),
    ("[limits]", "[limits]\nx = " + "[" * 5000 + "]" * 5000),
    ("[limits]", "[limits]\nx = " + "{a=" * 1000 + "1" + "}" * 1000),
    ("[[payout]]", "[[payout]]\nper_hour = 0.000001"),
    ('"sunday 00:00"', '"someday 25:00"'),
    ("\n", "\n\x00"),
    ('"fuzz"', '"fuzz"\nid = "twice"'),
    ("", ""),
]


AGREEMENT_VARIANTS = [
    ("min_hours = 4\n", 'min_hours = 4\nwindow_rule = "entirely_within"\n'),
    ("min_hours = 4\n", 'min_hours = 4\nwindow_rule = "majority_within"\n'),
    ("min_hours = 4\n", 'min_hours = 4\nwindow_rule = "prorate"\n'),
    ("min_hours = 4\n", "min_hours = 0.25\n"),
    ("flag = true", "flag = true\nbeyond_fte = true"),
    ("flag = true", 'flag = false\nbeyond_fte = true\nscope = "pay_period"\nhours_per_fte = 80'),
    ('forfeit_on = ["sick"]', 'forfeit_on = ["sick", "vacation"]\nscope = "pay_period"'),
    ('forfeit_on = ["sick"]', "forfeit_on = []"),
    (
        'tiers = [{ min_hours = 4, amount = "100.00" }, { min_hours = 12, amount = "300.00" }]',
        'per_shift = "150.00"',
    ),
    (
        'tiers = [{ min_hours = 4, amount = "100.00" }, { min_hours = 12, amount = "300.00" }]',
        'per_hour = "12.50"',
    ),
    (
        'tiers = [{ min_hours = 4, amount = "100.00" }, { min_hours = 12, amount = "300.00" }]',
        "base_rate_multiplier = 0.5",
    ),
    ("[limits]", '[[payout]]\nper_hour = "1.25"\n\n[limits]'),
    ("[limits]", '[[payout]]\nper_shift = "100.00"\nperiods = ["night"]\n\n[limits]'),
    ("[limits]", '[limits]\nmax_amount_per_shift = "200.00"\nmax_shifts_per_workweek = 2'),
    ('max_amount_per_workweek = "500.00"', 'max_amount_per_pay_period = "0.00"'),
    ('workweek_start = "sunday 00:00"', 'workweek_start = "monday 07:00"'),
    ('timezone = "America/Los_Angeles"', 'timezone = "Asia/Kolkata"'),
    ('timezone = "America/Los_Angeles"', 'timezone = "Europe/London"'),
    ('title = "Fuzzed agreement"', 'title = "Fuzzed agreement"\nhours_rounding = "quarter_hour"'),
    ('title = "Fuzzed agreement"', 'title = "Fuzzed agreement"\nstacking = "stack"'),
    (
        "[pay_period]",
        '[periods]\nnight = "19:00-07:00"\n\n[pay_period]',
    ),
    (
        "[limits]",
        '[[amendments]]\nadopted = 2020-12-30\nsummary = "Extended"\n'
        '[[amendments.windows]]\nstart = "2020-10-25T07:00"\nend = "2021-06-01T07:00"\n\n[limits]',
    ),
]
"""Changes that keep the agreement valid: each window and payout kind, thresholds, limits,
zones east and west of UTC, day-parts and amendments."""


@st.composite
def agreement_files(draw: st.DrawFn, hostile: bool = True) -> str:
    """An agreement: valid variations and, if ``hostile``, sometimes a hostile twist."""
    text = AGREEMENT
    for old, new in draw(st.lists(st.sampled_from(AGREEMENT_VARIANTS), max_size=4)):
        text = text.replace(old, new, 1)
    if hostile and draw(st.integers(0, 2)) == 0:
        for old, new in draw(st.lists(st.sampled_from(AGREEMENT_TWISTS), max_size=2)):
            text = text.replace(old, new, 1)
    return text


@dataclass
class Outcome:
    status: int
    report: bytes | None
    stderr: str


def run(args: list[str]) -> Outcome:
    """The command line's entry point, in this process."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    status = -1
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main(args)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else -1
    return Outcome(status, None, stderr.getvalue())


def check_shifts(
    folder: Path, shifts: ShiftsFile, kind: Counter[str], terms: str = AGREEMENT
) -> None:
    """The invariants of one shifts file, checked against the agreement ``terms``."""
    agreement = folder / "agreement.toml"
    agreement.write_text(terms, encoding="utf-8")
    path = folder / shifts.name
    path.write_bytes(shifts.data)
    reports: list[bytes] = []
    twice = sum(kind.values()) % 10 == 0  # every tenth file is checked twice
    for attempt in range(2 if twice else 1):
        out = folder / f"report-{attempt}.csv"
        outcome = run(["check", "-a", str(agreement), str(path), "--format", "csv", "-o", str(out)])
        assert outcome.status in STATUSES, (outcome.status, outcome.stderr)
        assert "Traceback" not in outcome.stderr
        if outcome.status == BAD_INPUT:
            assert not out.exists(), "a report was written although nothing was evaluated"
            assert outcome.stderr.startswith("incentives: error: "), outcome.stderr
            kind["bad-file"] += 1
            return
        reports.append(out.read_bytes())
        out.unlink()
    assert reports[0] == reports[-1], "two runs gave different reports"
    text = reports[0].decode("utf-8")
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    lines = [int(r["line"]) for r in records]
    assert lines == shifts.lines, (
        f"rows {lines} != data lines {shifts.lines}: {shifts.data[:600]!r}"
    )
    errors = sum(1 for r in records if r["error"])
    assert (outcome.status == ROW_ERRORS) == (errors > 0)
    kind[f"{shifts.kind}-{'errors' if errors else 'clean'}"] += 1


def check_agreement(folder: Path, text: str, kind: Counter[str]) -> None:
    """What validate accepts, check evaluates."""
    agreement = folder / "agreement.toml"
    agreement.write_bytes(text.encode("utf-8", "surrogatepass"))
    outcome = run(["validate", str(agreement)])
    assert outcome.status in (OK, BAD_INPUT), (outcome.status, outcome.stderr)
    shifts = folder / "good.csv"
    shifts.write_text(
        "employee_id,classification,start,end,extra,status,fte,base_rate\n"
        "E1,Registered Nurse,2020-12-27T07:00,2020-12-27T19:00,true,,0.9,52.10\n"
        "E1,Registered Nurse,2021-03-13T19:00,2021-03-14T07:00,true,,0.9,52.10\n",
        encoding="utf-8",
    )
    checked = run(["check", "-a", str(agreement), str(shifts), "--format", "csv"])
    if outcome.status == OK:
        assert checked.status in (OK, ROW_ERRORS), (checked.status, checked.stderr)
        kind["agreement-valid"] += 1
    else:
        assert checked.status == BAD_INPUT, (checked.status, checked.stderr)
        kind["agreement-invalid"] += 1


CASES = st.one_of(
    st.tuples(st.just("shifts"), csv_files() | jsonl_files(), agreement_files(hostile=False)),
    st.tuples(st.just("agreement"), agreement_files(), st.just("")),
)


def fuzz(cases: int, kind: Counter[str], seed: int | None = None, progress: int = 0) -> None:
    """Run ``cases`` generated cases; an AssertionError names the first failure."""

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=seed is None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=CASES)
    def one(case: tuple[str, object, str]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            what, value, terms = case
            if what == "shifts":
                assert isinstance(value, ShiftsFile)
                check_shifts(Path(folder), value, kind, terms)
            else:
                assert isinstance(value, str)
                check_agreement(Path(folder), value, kind)
            if progress and sum(kind.values()) % progress == 0:
                print(f"{sum(kind.values()):,} cases", file=sys.stderr, flush=True)

    if seed is not None:
        from hypothesis import seed as hypothesis_seed

        one = hypothesis_seed(seed)(one)
    one()


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--progress", type=int, default=0, help="print a line every N cases")
    options = parser.parse_args()
    kind: Counter[str] = Counter()
    started = time.monotonic()
    try:
        fuzz(options.cases, kind, options.seed, options.progress)
    except AssertionError as exc:
        print(f"FAILED after {sum(kind.values()):,} cases: {exc}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(f"{sum(kind.values()):,} cases in {seconds:.0f} s, 0 failures")
    for name, count in sorted(kind.items()):
        print(f"  {name:24} {count:>8,}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())

"""Generate a realistic, seeded shifts file (SPEC section 4) for the benchmark.

    python benchmarks/generate.py --rows 1000000 --seed 7 -o benchmarks/data/shifts.csv

What the file looks like:

- About ``rows / 20`` employees, each with one classification, location, unit, FTE
  (0.5 to 1.2) and employment status, and a stretch of about 20 shifts (10 to 30) placed
  somewhere in the date range. An employee works a shift on a day with a probability that
  follows the FTE (plus extra shifts), mostly of a preferred type and length: day 07:00,
  evening 15:00, night 19:00 (10 or 12 hours) or 23:00 (8 hours); 8, 10 or 12 hours.
- The default range, Sunday 2020-10-04 to Saturday 2021-04-03 (26 workweeks), holds both
  US DST changes of America/Los_Angeles, so some night shifts cross them: a 19:00-07:00
  shift is 13 elapsed hours on the night of 2020-10-31 and 11 on the night of 2021-03-13.
- Scheduled times are wall-clock times; a quarter of the punches are a few minutes off
  (in elapsed time), so hour rounding and half-open window bounds get exercised.
- An employee's own shifts never overlap: there are at least 8 hours between them.
- Times are written as naive local times, except: a time whose local wall-clock reading
  occurs twice (2020-11-01 01:00-02:00) is written with its UTC offset
  (``2020-11-01T01:30-07:00``); about 2% of rows are written in UTC (``...Z``) and 1% with
  an explicit offset, as a second timekeeping system would export them. No naive time falls
  in the spring-forward gap (a time computed from an instant never does).
- ``extra`` is true for about 30% of worked rows; ``status`` is ``worked`` except for ~3%
  ``sick`` and ~2% ``vacation``; ``unpaid_break_minutes`` is 0 or 30; ``paid`` has two
  decimals, empty for about 15% of rows.
- Rows are ordered by start, then employee, as a timecard export by date would be.

The same ``--rows``, ``--seed`` and range give the same file, byte for byte, and the same
rows in every output form:

- CSV (the default): a header row, values quoted only where needed, lines ending in LF;
  ``--crlf`` ends them in CRLF, ``--quote-all`` quotes every value (``csv.QUOTE_ALL``);
- JSON Lines (``--format jsonl``, or an output ending in ``.jsonl``): one object a row,
  keys in column order, every value a JSON string except ``fte`` (a number, as the CSV
  writes it: ``0.75``, ``1.0``), ``unpaid_break_minutes`` (an integer) and ``extra``
  (``true``/``false``); an empty value (``paid``) is left out.

    python benchmarks/generate.py --rows 100000 --crlf -o shifts-crlf.csv
    python benchmarks/generate.py --rows 100000 -o shifts.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TIMEZONE = "America/Los_Angeles"
DEFAULT_FIRST_DAY = date(2020, 10, 4)  # a Sunday
DEFAULT_DAYS = 26 * 7

COLUMNS = (
    "employee_id",
    "classification",
    "employment_status",
    "location",
    "unit",
    "fte",
    "start",
    "end",
    "extra",
    "status",
    "unpaid_break_minutes",
    "paid",
)

CLASSIFICATIONS = (
    ("Registered Nurse", 45),
    ("Respiratory Care Practitioner", 15),
    ("Licensed Vocational Nurse", 15),
    ("Clinical Laboratory Scientist", 8),
    ("Nurse Practitioner", 5),
    ("Surgical Technician", 7),
    ("Pharmacist", 5),
)
LOCATIONS = (
    "Los Angeles Medical Center",
    "Fontana Medical Center",
    "San Diego Medical Center",
    "Riverside Medical Center",
    "Woodland Hills Medical Center",
    "Baldwin Park Medical Center",
    "Panorama City Medical Office",
)
UNITS = (
    "ICU",
    "Med-Surg 3",
    "Med-Surg 4 West",
    "Emergency",
    "Telemetry",
    "Labor & Delivery",
    "PACU",
    "NICU",
    "Respiratory Therapy",
)
FTES = ("0.5", "0.6", "0.75", "0.9", "1.0", "1.2")
FTE_WEIGHTS = (10, 15, 15, 30, 25, 5)

# (local start minute of day, length in hours): day, evening, night
SHIFT_TYPES = {
    "day": ((7 * 60, 8), (7 * 60, 10), (7 * 60, 12)),
    "evening": ((15 * 60, 8), (15 * 60, 10), (15 * 60, 12)),
    "night": ((23 * 60, 8), (19 * 60, 10), (19 * 60, 12)),
}
LENGTHS = (8, 10, 12)

STATUS_WORKED, STATUS_SICK, STATUS_VACATION = 0, 1, 2
STATUSES = ("worked", "sick", "vacation")
STYLE_LOCAL, STYLE_UTC, STYLE_OFFSET = 0, 1, 2
MIN_REST_MINUTES = 8 * 60

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = _EPOCH.replace(tzinfo=None)


class Clock:
    """Local wall-clock <-> UTC instant conversions, in whole minutes since the epoch.

    Instants are UTC minutes since 1970-01-01T00:00Z; wall times are local minutes since
    1970-01-01T00:00 local. Results are cached per minute (a file uses a few hundred
    thousand distinct minutes at most).
    """

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)
        self._to_instant: dict[int, int] = {}
        self._text: dict[tuple[int, int], str] = {}
        self._days: dict[int, str] = {}

    def _offset(self, wall: int, fold: int) -> int:
        naive = _EPOCH_NAIVE + timedelta(minutes=wall)
        offset = naive.replace(tzinfo=self.zone, fold=fold).utcoffset()
        assert offset is not None
        return int(offset.total_seconds()) // 60

    def instant(self, wall: int) -> int:
        """The instant of a scheduled local wall time: the first occurrence of a repeated
        time, the end of the gap for a skipped one (scheduled times here avoid both)."""
        cached = self._to_instant.get(wall)
        if cached is not None:
            return cached
        first = wall - self._offset(wall, 0)
        if self.wall(first) != wall:  # in a gap: go to where the clocks jumped to
            later = wall - self._offset(wall, 1)
            first = min(first, later)
            while self.wall(first) < wall:
                first += 1
        self._to_instant[wall] = first
        return first

    def offset_at(self, instant: int) -> int:
        moment = _EPOCH + timedelta(minutes=instant)
        offset = moment.astimezone(self.zone).utcoffset()
        assert offset is not None
        return int(offset.total_seconds()) // 60

    def wall(self, instant: int) -> int:
        return instant + self.offset_at(instant)

    def _day(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
            self._days[day] = text
        return text

    def text(self, instant: int, style: int) -> str:
        """ISO 8601 text of an instant: naive local (unless that reading is ambiguous),
        UTC with ``Z``, or local with its offset."""
        key = (instant, style)
        cached = self._text.get(key)
        if cached is not None:
            return cached
        if style == STYLE_UTC:
            day, minute = divmod(instant, 1440)
            text = f"{self._day(day)}T{minute // 60:02d}:{minute % 60:02d}Z"
        else:
            offset = self.offset_at(instant)
            wall = instant + offset
            day, minute = divmod(wall, 1440)
            text = f"{self._day(day)}T{minute // 60:02d}:{minute % 60:02d}"
            ambiguous = self._offset(wall, 0) != self._offset(wall, 1)
            if style == STYLE_OFFSET or ambiguous:
                sign = "+" if offset >= 0 else "-"
                hours, minutes = divmod(abs(offset), 60)
                text += f"{sign}{hours:02d}:{minutes:02d}"
        self._text[key] = text
        return text


class Columns:
    """The generated rows, column by column, as compact integer arrays."""

    def __init__(self) -> None:
        self.employee = array("q")
        self.start = array("q")
        self.end = array("q")
        self.status = array("b")
        self.extra = array("b")
        self.brk = array("b")
        self.style = array("b")
        self.paid = array("q")  # cents, -1 when empty

    def __len__(self) -> int:
        return len(self.start)


def _weighted(rng: random.Random, items: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in items], [w for _, w in items])[0]


def _paid_cents(rng: random.Random, status: int, extra: bool, hours: int) -> int:
    """What payroll paid for the shift (a claim), in cents; -1 for an empty cell."""
    if rng.random() < 0.15:
        return -1
    if status != STATUS_WORKED or not extra:
        return 0 if rng.random() < 0.95 else rng.choice((15000, 5000))
    pick = rng.random()
    if pick < 0.25:
        return 0
    if pick < 0.65:
        return {8: 15000, 10: 20000, 12: 25000}[hours]
    if pick < 0.85:
        return 500 * hours
    return rng.randrange(0, 40001)


def generate(
    rows: int, seed: int, first_day: date = DEFAULT_FIRST_DAY, days: int = DEFAULT_DAYS
) -> tuple[Columns, list[tuple[str, ...]]]:
    """Generate ``rows`` shifts; returns the rows and the employees' fixed columns."""
    rng = random.Random(seed)
    clock = Clock(TIMEZONE)
    cols = Columns()
    employees: list[tuple[str, ...]] = []
    day0 = (first_day - date(1970, 1, 1)).days
    last_day = day0 + days - 1
    while len(cols) < rows:
        index = len(employees)
        classification = _weighted(rng, CLASSIFICATIONS)
        fte_text = rng.choices(FTES, FTE_WEIGHTS)[0]
        fte = float(fte_text)
        if fte >= 0.9:
            employment = "full_time"
        elif rng.random() < 0.1:
            employment = rng.choice(("per_diem", "on_call"))
        else:
            employment = "part_time"
        employees.append(
            (
                f"E{index + 1:06d}",
                classification,
                employment,
                fte_text,
                rng.choice(LOCATIONS),
                rng.choice(UNITS),
            )
        )
        kind = rng.choices(("day", "evening", "night"), (45, 20, 35))[0]
        length_index = rng.choices((0, 1, 2), (35, 15, 50))[0]
        hours = LENGTHS[length_index]
        # regular shifts per week from the FTE, plus about 35% more as extra shifts
        per_day = min(0.9, fte * 40 / hours * 1.35 / 7)
        wanted = min(rng.randint(10, 30), rows - len(cols))
        span = int(wanted / per_day) + 7
        # stretches may begin before the range (their early shifts are left out) so that
        # every week of the range has about as many employees at work
        day = day0 - span + rng.randrange(days + span)
        previous_end = -(10**12)
        made = 0
        while made < wanted and day <= last_day:
            if rng.random() >= per_day:
                day += 1
                continue
            if day < day0:  # a shift before the range: counted, not written
                made += 1
                day += 2
                continue
            if rng.random() < 0.85:
                start_minute, length = SHIFT_TYPES[kind][length_index]
            else:
                start_minute, length = rng.choice(SHIFT_TYPES[rng.choice(list(SHIFT_TYPES))])
            wall_start = day * 1440 + start_minute
            start = clock.instant(wall_start)
            end = clock.instant(wall_start + length * 60)
            if rng.random() < 0.25:
                start += rng.randint(-6, 6)
            if rng.random() < 0.25:
                end += rng.randint(-12, 12)
            if start < previous_end + MIN_REST_MINUTES:
                day += 1
                continue
            draw = rng.random()
            status = (
                STATUS_SICK if draw < 0.03 else STATUS_VACATION if draw < 0.05 else STATUS_WORKED
            )
            extra = status == STATUS_WORKED and rng.random() < 0.3
            style_draw = rng.random()
            style = STYLE_UTC if style_draw < 0.02 else STYLE_OFFSET if style_draw < 0.03 else 0
            cols.employee.append(index)
            cols.start.append(start)
            cols.end.append(end)
            cols.status.append(status)
            cols.extra.append(1 if extra else 0)
            cols.brk.append(30 if rng.random() < 0.6 else 0)
            cols.style.append(style)
            cols.paid.append(_paid_cents(rng, status, extra, length))
            previous_end = end
            made += 1
            day += 1
    return cols, employees


def records(cols: Columns, employees: list[tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    """The rows as text, in the order of ``COLUMNS``, ordered by start, then employee."""
    clock = Clock(TIMEZONE)
    n = len(cols)
    shift = max(1, len(employees)).bit_length()
    keys = sorted(range(n), key=lambda i: (cols.start[i] << shift) | cols.employee[i])
    for i in keys:
        emp_id, classification, employment, fte, location, unit = employees[cols.employee[i]]
        style = cols.style[i]
        paid = cols.paid[i]
        yield (
            emp_id,
            classification,
            employment,
            location,
            unit,
            fte,
            clock.text(cols.start[i], style),
            clock.text(cols.end[i], style),
            "true" if cols.extra[i] else "false",
            STATUSES[cols.status[i]],
            "30" if cols.brk[i] else "0",
            "" if paid < 0 else f"{paid // 100}.{paid % 100:02d}",
        )


def _blocks(rows: Iterable[tuple[str, ...]], size: int = 50_000) -> Iterator[list[tuple[str, ...]]]:
    block: list[tuple[str, ...]] = []
    for row in rows:
        block.append(row)
        if len(block) >= size:
            yield block
            block = []
    yield block


def write_csv(
    path: Path,
    cols: Columns,
    employees: list[tuple[str, ...]],
    *,
    crlf: bool = False,
    quote_all: bool = False,
) -> None:
    """Write the rows with a header row; lines end with LF (or CRLF), values are quoted
    only where needed (or all of them, ``csv.QUOTE_ALL``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(
            handle,
            lineterminator="\r\n" if crlf else "\n",
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        )
        writer.writerow(COLUMNS)
        for block in _blocks(records(cols, employees)):
            writer.writerows(block)


def json_line(row: tuple[str, ...]) -> str:
    """One row as a JSON object, keys in the order of ``COLUMNS``: text values as JSON
    strings, except ``fte`` (a JSON number, written as in the CSV: ``0.75``, ``1.0``),
    ``unpaid_break_minutes`` (an integer) and ``extra`` (``true``/``false``); empty values
    are left out."""
    parts = []
    for column, text in zip(COLUMNS, row, strict=True):
        if text == "":
            continue
        if column in ("fte", "unpaid_break_minutes"):
            value = text  # already a JSON number: 0.75, 1.0, 30
        elif column == "extra":
            value = "true" if text == "true" else "false"
        else:
            value = json.dumps(text, ensure_ascii=False)
        parts.append(f'"{column}": {value}')
    return "{" + ", ".join(parts) + "}"


def write_jsonl(
    path: Path, cols: Columns, employees: list[tuple[str, ...]], *, crlf: bool = False
) -> None:
    """Write the rows as JSON Lines (one object a line, no header)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    end = "\r\n" if crlf else "\n"
    with path.open("w", newline="", encoding="utf-8") as handle:
        for block in _blocks(records(cols, employees)):
            handle.write("".join(json_line(row) + end for row in block))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000, help="number of data rows")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--first-day",
        type=date.fromisoformat,
        default=DEFAULT_FIRST_DAY,
        help="first day of the range (default 2020-10-04)",
    )
    parser.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help="length of the range in days (182)"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    parser.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        help="csv (a header row, then one record a row) or jsonl (JSON Lines: one object "
        "a row); default: jsonl if the output ends in .jsonl, else csv",
    )
    parser.add_argument("--crlf", action="store_true", help="end lines with CRLF, not LF")
    parser.add_argument(
        "--quote-all", action="store_true", help="CSV: quote every value (csv.QUOTE_ALL)"
    )
    args = parser.parse_args(argv)
    if args.rows < 0:
        parser.error("--rows must be >= 0")
    fmt = args.format or ("jsonl" if args.output.suffix.lower() == ".jsonl" else "csv")
    if fmt == "jsonl" and args.quote_all:
        parser.error("--quote-all is for CSV output")
    began = time.perf_counter()
    cols, employees = generate(args.rows, args.seed, args.first_day, args.days)
    if fmt == "jsonl":
        write_jsonl(args.output, cols, employees, crlf=args.crlf)
    else:
        write_csv(args.output, cols, employees, crlf=args.crlf, quote_all=args.quote_all)
    took = time.perf_counter() - began
    print(
        f"wrote {len(cols):,} rows of {len(employees):,} employees to {args.output} "
        f"in {took:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

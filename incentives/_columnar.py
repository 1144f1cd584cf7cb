"""The columnar engine: the CSV report of a large shifts file, decided a column at a time.

It is built on polars (the ``fast`` extra) and makes exactly the scalar engine's decisions,
which stay the reference and the source of every explanation:

* Every value is read by the scalar engine's own functions, once per distinct value (a
  pay period repeats the same times, names and flags thousands of times). The rules that
  look only at a row's own names and flags are decided the same way, once per distinct
  combination, by the scalar rule functions.
* Instants are epoch seconds and hours are whole seconds over 3600: integers, so the
  arithmetic is exact. Money is integer cents, rounded half up once per outcome.
* Every rule across shifts is per employee. An employee with any row the scalar engine
  would report as an error, or with overlapping worked shifts, is evaluated by the scalar
  engine. The few prorated rows that straddle a window's edge have fractional hours: their
  minimum-hours and payout verdicts come from the scalar functions, one row at a time.
* What it does not cover returns ``None`` (the caller then uses the scalar engine):
  several agreements at once, ``prorate`` combined with ``beyond_fte``, rates with more
  than four decimal places, and amounts so large that a 64-bit integer could overflow.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _time
from ._agreement import EMPLOYMENT_STATUSES, Agreement, normalize_employment_status
from ._engine import (
    _eligibility,
    _payout,
    _threshold_hours,
    cents,
    cyclic_gc_paused,
    evaluate,
    round_half_up,
)
from ._output import CSV_COLUMNS, csv_records, safe_cell
from ._parallel import Checked, _merge
from ._report import RULES, Totals
from ._rows import (
    MAX_SHIFT_SECONDS,
    Row,
    RowProblem,
    TimeReader,
    _bool,
    _decimal,
    _money,
    _text,
    norm,
)
from ._shifts import COLUMNS, CsvHeader, Record, ShiftBatch, read_shifts
from ._terms import Compiled

if TYPE_CHECKING:
    import polars as pl

_LIMIT = 2**61
"""Sums of payout components stay below this, so that rounding them (2x + _D) fits 64 bits."""
_D = 3600 * 10**8
"""Money inside a row is counted in cents × _D, so every component is a whole number."""
_SCALE = 10**4
"""Rates and base rates are read as whole multiples of 1/_SCALE."""
_FIELD_LIMIT = csv.field_size_limit()
"""Longer values are an error for the scalar reader, so such files are left to it."""
_WHOLE = 2**53
"""Values read from a file above this (in seconds, cents, 1/_SCALE) are left to the scalar
engine, so that sums of them stay far from the 64-bit limit."""

Progress = Callable[[int, int], None]


def available() -> bool:
    """Whether polars (the ``fast`` extra) is installed."""
    try:
        import polars  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class _Bad:
    """A value the scalar engine rejects (the row goes to it, to be reported as an error)."""


BAD = _Bad()


def _scaled(value: Decimal | None) -> int | None:
    """``value`` × 10⁴ as an integer, or None when it has more decimals."""
    if value is None:
        return None
    scaled = value * _SCALE
    if scaled != scaled.to_integral_value():
        raise _Unsupported(f"{value} has more than four decimal places")
    return int(scaled)


class _Unsupported(Exception):
    """The columnar engine does not cover this agreement or file."""


def check_csv_columnar(
    agreements: list[Agreement],
    path: str | Path,
    *,
    as_of: date | None = None,
    timezone: str | None = None,
    ambiguous: _time.Ambiguous = "raise",
    progress: Progress | None = None,
    with_hours: bool = False,
    output: str | Path | None = None,
) -> Checked | None:
    """The CSV report of the shifts file at ``path``, or None if this engine cannot make it.

    The report is byte for byte the one :func:`incentives._output.report_csv` writes for
    :func:`incentives.evaluate`. File-level problems raise as they do there. With
    ``with_hours``, the result also gives the qualifying hours of the rows this engine
    decided (the others are the scalar engine's). With ``output``, the report is written
    to that file instead of being returned (``csv`` is then None).
    """
    try:
        with cyclic_gc_paused():
            run = _Run(agreements, Path(path), as_of, timezone, ambiguous, progress)
            run.output = output
            return run.csv(with_hours)
    except _Unsupported:
        return None


class _Run:
    def __init__(
        self,
        agreements: list[Agreement],
        path: Path,
        as_of: date | None,
        timezone: str | None,
        ambiguous: _time.Ambiguous,
        progress: Progress | None,
    ) -> None:
        if len(agreements) != 1:
            raise _Unsupported("several agreements")
        self.agreement = agreements[0]
        self.path = path
        self.as_of = as_of
        self.timezone = timezone
        self.ambiguous = ambiguous
        self.progress = progress
        self.output: str | Path | None = None
        self.c = Compiled(self.agreement, self.agreement.terms(as_of))
        rule = self.c.terms.eligibility.window_rule
        if rule == "prorate" and self.c.extra.beyond_fte:
            raise _Unsupported("prorate with beyond_fte")

    def _tell(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    # ------------------------------------------------------------------ reading

    def _read(self) -> tuple[pl.DataFrame, dict[str, int], frozenset[str], list[Record] | None]:
        """The file as a frame of text columns ``c0``, ``c1``, ... with ``line`` added.

        Also: where each column the engine reads is, every column of the header, and, when
        the scalar reader had to read the file, its records. A file without quotes is read
        by polars, one physical line per row; one with quotes by the scalar reader (a
        quoted value may span lines).
        """
        import polars as pl

        try:
            data = self.path.read_bytes()
        except OSError:
            raise _Unsupported("unreadable") from None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        # A file without quotes, carriage returns or very long lines is one row per line.
        plain = not any(mark in data for mark in (b'"', b"\r", b"\x1f"))
        first = data.split(b"\n", 1)[0]
        head: list[str] | None = None
        if plain and len(first) <= _FIELD_LIMIT:
            try:
                head = next(csv.reader([first.decode("utf-8")]), None)
            except UnicodeDecodeError:
                raise _Unsupported("not UTF-8") from None
        if head is None or not any(cell.strip() for cell in head):
            batch = read_shifts(self.path)
            records = list(batch.records)
            return (
                self._frame_of_records(records),
                {name: i for i, name in enumerate(COLUMNS)},
                batch.columns,
                records,
            )
        header = CsvHeader.parse(head, str(self.path))
        self.header = header
        try:
            # The values, and each physical line whole (to count its values: polars reads
            # an empty value and a missing one alike).
            frame = pl.read_csv(
                data,
                has_header=True,
                infer_schema=False,
                truncate_ragged_lines=True,
                raise_if_empty=False,
            )
            lines = pl.read_csv(
                data,
                has_header=False,
                skip_rows=1,
                separator="\x1f",
                quote_char=None,
                infer_schema=False,
                raise_if_empty=False,
                new_columns=["text"],
            )
        except Exception:  # a file polars reads differently: the scalar reader decides
            raise _Unsupported("polars cannot read it") from None
        if frame.width != len(header.columns) or (lines.height, frame.height) != (
            frame.height,
            lines.height,
        ):
            raise _Unsupported("rows or columns do not line up")
        if lines.width != 1:
            raise _Unsupported("lines")
        longest = lines["text"].str.len_bytes().max() if lines.height else 0
        if isinstance(longest, int) and longest > _FIELD_LIMIT:
            raise _Unsupported("a line longer than the CSV reader's field limit")
        frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
        frame = frame.with_columns(
            line=pl.int_range(2, frame.height + 2, dtype=pl.Int64),
            text=lines["text"] if lines.height else pl.lit(None, dtype=pl.String),
        )
        return frame, {name: i for i, name in header.wanted}, frozenset(header.columns), None

    def _frame_of_records(self, records: list[Record]) -> pl.DataFrame:
        import polars as pl

        columns: dict[str, list[Any]] = {f"c{i}": [] for i in range(len(COLUMNS))}
        for record in records:
            for i, name in enumerate(COLUMNS):
                value = record.values.get(name)
                columns[f"c{i}"].append(None if value is None else str(value))
        frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
        return frame.with_columns(
            line=pl.Series([r.line for r in records], dtype=pl.Int64),
            problem=pl.Series([r.problem is not None for r in records], dtype=pl.Boolean),
        )

    # ------------------------------------------------------------------ the run

    def csv(self, with_hours: bool = False) -> Checked:
        import polars as pl

        frame, position, present, records = self._read()
        total = frame.height
        self._tell(0, total)
        # Problems with the arguments or with the file as a whole, found as evaluate()
        # finds them (a missing column the agreement needs, a bad --timezone, ...).
        claims = "paid" in present
        evaluate(
            [self.agreement],
            ShiftBatch(str(self.path), "csv", (), present, claims),
            as_of=self.as_of,
            timezone=self.timezone,
            ambiguous=self.ambiguous,
        )

        def col(name: str) -> pl.Expr:
            if name in position:
                return pl.col(f"c{position[name]}")
            return pl.lit(None, dtype=pl.String)

        if records is None:
            # A blank line, or a row with more or fewer values than the header.
            width = len(self.header.columns)
            count = pl.col("text").str.count_matches(",", literal=True) + 1
            suspect = (count != width).fill_null(True)
        else:
            suspect = pl.col("problem")
        raw = frame.select(
            pl.col("line"),
            suspect.alias("suspect"),
            *(col(name).fill_null("").alias(name) for name in COLUMNS),
        )
        if raw["employee_id"].str.contains("\r", literal=True).any():
            # An id with a carriage return is written back as read: leave quoting to csv.
            raise _Unsupported("a carriage return in an employee id")
        # Only the physical lines are needed again, for the rows the scalar engine reads.
        if records is None:
            frame = frame.select("line", "text")
        rows = self._values(raw, set(position))
        del raw
        self._tell(total // 4, total)

        # Employees with a row in error, or with overlapping worked shifts, go to the
        # scalar engine whole: errors and double claims are its to report.
        overlap = (
            rows.filter(~pl.col("bad") & (pl.col("status") == "worked"))
            .sort("emp", "start", "line")
            .with_columns(before=pl.col("end").cum_max().shift(1).over("emp"))
            .filter(pl.col("start") < pl.col("before"))
            .select("emp")
        )
        unwhole = rows.filter((pl.col("threshold") == -1) | (pl.col("base_rate") == -1))
        to_scalar = pl.concat(
            [rows.filter(pl.col("bad")).select("emp"), overlap, unwhole.select("emp")]
        ).unique()
        scalar_lines = rows.join(to_scalar, on="emp", how="semi")["line"].to_list()
        good = rows.join(to_scalar, on="emp", how="anti")
        del rows
        scalar_records, scalar_totals = self._scalar(frame, records, scalar_lines, present, claims)
        del frame, records
        self._tell(total // 2, total)
        decided = self._decide(good)
        self._tell(3 * total // 4, total)
        out, totals = self._output(decided, claims)
        text = self._write(out, scalar_records)
        self._tell(total, total)
        if scalar_totals is not None:
            totals = _merge([totals, scalar_totals])
        hours = None
        if with_hours:
            exact = [pl.col("exact_hours")] if "exact_hours" in decided.columns else []
            shown = pl.coalesce(*exact, _money_text(pl.col("seconds"), 3600))
            hours = dict(decided.select("line", shown.alias("h")).iter_rows())
        return Checked(text, totals, hours)

    # ------------------------------------------------------------------ values

    def _values(self, raw: pl.DataFrame, given: set[str]) -> pl.DataFrame:
        """Each column read as the scalar engine reads it, and which rows it rejects."""
        import polars as pl

        c = self.c
        times = TimeReader(
            _time.zone(self.timezone) if self.timezone else _time.zone(self.agreement.timezone),
            self.ambiguous,
        )

        def text(name: str, required: bool) -> Callable[[str], Any]:
            def read(value: str) -> Any:
                try:
                    return _text({name: value}, name, required)
                except RowProblem:
                    return BAD

            return read

        def status(value: str) -> Any:
            try:
                said = _text({"status": value}, "status", False)
            except RowProblem:
                return BAD
            found = norm(said) if said else "worked"
            return BAD if " " in found else found

        def instant(name: str) -> Callable[[str], Any]:
            def read(value: str) -> Any:
                if not value.strip():
                    return BAD
                try:
                    return times.read(name, value)
                except RowProblem:
                    return BAD

            return read

        def brk(value: str) -> Any:
            written = value.strip()
            if not written:
                return 0
            if not (written.isascii() and written.isdigit()):
                return BAD
            minutes = int(written)
            # A break of a whole day or more is never shorter than a shift: a row error.
            return minutes if minutes < MAX_SHIFT_SECONDS // 60 else BAD

        def employment(value: str) -> Any:
            try:
                said = _text({"employment_status": value}, "employment_status", False)
            except RowProblem:
                return BAD
            if said is None:
                return None
            found = normalize_employment_status(said)
            return found if found in EMPLOYMENT_STATUSES else BAD

        def decimal(name: str) -> Callable[[str], Any]:
            def read(value: str) -> Any:
                try:
                    number = _decimal({name: value}, name, False)
                except RowProblem:
                    return BAD
                if number is not None and number < 0:
                    return BAD
                return number

            return read

        def flag(name: str) -> Callable[[str], Any]:
            def read(value: str) -> Any:
                try:
                    return _bool({name: value}, name, False)
                except RowProblem:
                    return BAD

            return read

        def money(value: str) -> Any:
            try:
                found = _money({"paid": value}, "paid")
            except RowProblem:
                return BAD
            if found is None:
                return None
            if found.is_signed() and not found:
                return BAD  # -0.00 is written back as such: the scalar engine keeps its sign
            cents_paid = int(found * 100)
            return cents_paid if abs(cents_paid) < _WHOLE else BAD

        def fte_threshold(value: str) -> Any:
            """The beyond-FTE threshold in seconds (-1: not whole seconds)."""
            number = decimal("fte")(value)
            if number is BAD or number is None:
                return number
            if not c.extra.beyond_fte:
                return 0
            limit, _ = _threshold_hours(c, _probe(fte=number), c.extra.scope)
            seconds = limit * 3600
            return int(seconds) if seconds.denominator == 1 and seconds < _WHOLE else -1

        def base_rate(value: str) -> Any:
            number = decimal("base_rate")(value)
            if number is BAD or number is None:
                return number
            scaled = number * _SCALE
            if scaled != scaled.to_integral_value() or abs(scaled) >= _WHOLE:
                return -1
            return int(scaled)

        readers: list[tuple[str, str, Callable[[str], Any], Any]] = [
            ("employee_id", "emp", text("employee_id", True), pl.String),
            ("classification", "classification", text("classification", True), pl.String),
            ("status", "status", status, pl.String),
            ("start", "start", instant("start"), pl.Int64),
            ("end", "end", instant("end"), pl.Int64),
            ("unpaid_break_minutes", "brk", brk, pl.Int64),
            ("employment_status", "employment_status", employment, pl.String),
            ("fte", "threshold", fte_threshold, pl.Int64),
            ("base_rate", "base_rate", base_rate, pl.Int64),
            ("extra", "extra", flag("extra"), pl.Boolean),
            ("approved", "approved", flag("approved"), pl.Boolean),
            ("employer", "employer", text("employer", False), pl.String),
            ("location", "location", text("location", False), pl.String),
            ("unit", "unit", text("unit", False), pl.String),
            ("paid", "paid", money, pl.Int64),
        ]
        out = raw.select("line", "suspect")
        bad_flags: list[pl.Expr] = [pl.col("suspect")]
        for column, name, reader, dtype in readers:
            if column in given:
                out = out.with_columns(_read_unique(raw[column], reader, name, dtype))
            else:  # a column the file does not have: every row reads it as missing
                value = reader("")
                out = out.with_columns(
                    pl.lit(None if value is BAD else value, dtype=dtype).alias(name),
                    pl.lit(value is BAD).alias(f"{name}_bad"),
                )
            bad_flags.append(pl.col(f"{name}_bad"))
        out = out.with_columns(
            _read_unique(out["classification"].fill_null(""), norm, "cls", pl.String)
        )
        required = set(c.required_columns())
        fte_statuses = c.counts_as_worked if c.extra.beyond_fte else frozenset()
        worked = pl.col("status") == "worked"
        missing: list[pl.Expr] = [
            worked & pl.col(name).is_null()
            for name in (
                "extra",
                "approved",
                "employer",
                "location",
                "unit",
                "employment_status",
                "base_rate",
            )
            if name in required
        ]
        if "fte" in required:
            needs_fte = worked | pl.col("status").is_in(list(fte_statuses))
            missing.append(needs_fte & pl.col("threshold").is_null())
        elapsed = pl.col("end") - pl.col("start")
        cross = (
            (pl.col("end") <= pl.col("start"))
            | (elapsed > MAX_SHIFT_SECONDS)
            | (pl.col("brk") * 60 >= elapsed)
        )
        bad = pl.any_horizontal(*bad_flags, *missing, cross.fill_null(True))
        # Rows are grouped by employee id as the engine reads it ("" when it is missing).
        out = out.with_columns(bad=bad, emp=pl.col("emp").fill_null(""))
        return out.select(pl.exclude("suspect", "^.*_bad$"))

    # ------------------------------------------------------------------ scalar part

    def _scalar(
        self,
        frame: pl.DataFrame,
        records: list[Record] | None,
        lines: list[int],
        present: frozenset[str],
        claims: bool,
    ) -> tuple[list[tuple[int, list[str]]], Totals | None]:
        """The rows of the employees the scalar engine decides, as it decides them."""
        import polars as pl

        if not lines:
            return [], None
        if records is not None:
            wanted = set(lines)
            chosen = [r for r in records if r.line in wanted]
        else:
            # Each row is one physical line: its cells are the values polars read, up to
            # the first missing one (a short row), exactly as the scalar reader splits it.
            picked = frame.filter(pl.col("line").is_in(lines))
            chosen = []
            for line, text in picked.select("line", "text").iter_rows():
                # No quotes in the file: the cells are the line split at commas.
                cells = [] if text is None else text.split(",")
                record = self.header.record(line, cells)
                if record is not None:
                    chosen.append(record)
        batch = ShiftBatch(str(self.path), "csv", tuple(chosen), present, claims)
        report = evaluate(
            [self.agreement],
            batch,
            as_of=self.as_of,
            timezone=self.timezone,
            ambiguous=self.ambiguous,
        )
        return csv_records(report), report.totals

    # ------------------------------------------------------------------ decisions

    def _decide(self, rows: pl.DataFrame) -> pl.DataFrame:
        import polars as pl

        c = self.c
        rows = rows.with_columns(
            elapsed=pl.col("end") - pl.col("start"),
            net=pl.col("end") - pl.col("start") - pl.col("brk") * 60,
        )
        # The rules on a row's own names and flags, once per distinct combination.
        keys = [
            "status",
            "classification",
            "employer",
            "employment_status",
            "location",
            "unit",
            "approved",
        ]
        combos = rows.select(keys).unique()
        verdicts: dict[str, list[bool]] = {rule: [] for rule in RULES[:7]}
        for values in combos.iter_rows():
            probe = _probe(**dict(zip(keys, values, strict=True)))
            for reason in _eligibility(c, probe):
                verdicts[reason.rule].append(reason.ok)
        combos = combos.with_columns(
            *(pl.Series(f"ok_{rule}", oks, dtype=pl.Boolean) for rule, oks in verdicts.items())
        )
        rows = rows.join(combos, on=keys, how="left", nulls_equal=True, maintain_order="left")

        # Calendars, once per distinct start.
        starts = rows["start"].unique().to_list()
        calendar: dict[str, list[Any]] = {"start": starts, "week": [], "pay": [], "part": []}
        for moment in starts:
            calendar["week"].append(c.workweeks.of(moment).key)
            calendar["pay"].append(c.pay_periods.of(moment).key if c.pay_periods is not None else 0)
            calendar["part"].append(c.day_parts.of(moment) if c.day_parts is not None else None)
        rows = rows.join(
            pl.DataFrame(
                calendar,
                schema={"start": pl.Int64, "week": pl.Int64, "pay": pl.Int64, "part": pl.String},
            ),
            on="start",
            how="left",
            maintain_order="left",
        )
        worked = pl.col("status") == "worked"

        # extra: the flag and the threshold.
        extra_ok = pl.lit(True)
        if c.extra.flag:
            extra_ok = extra_ok & (pl.col("extra") == True).fill_null(False)  # noqa: E712
        if c.extra.beyond_fte:
            scope = "week" if c.extra.scope == "workweek" else "pay"
            counts = worked | pl.col("status").is_in(list(c.counts_as_worked))
            rows = rows.sort("emp", scope, "start", "line").with_columns(
                contribution=pl.when(counts).then(pl.col("net")).otherwise(0)
            )
            rows = rows.with_columns(
                before=pl.col("contribution").cum_sum().over("emp", scope) - pl.col("contribution")
            )
            rows = rows.with_columns(
                beyond=pl.when(worked)
                .then(
                    pl.min_horizontal(
                        pl.col("net"), pl.col("before") + pl.col("net") - pl.col("threshold")
                    ).clip(lower_bound=0)
                )
                .otherwise(0)
            )
            extra_ok = extra_ok & worked & (pl.col("beyond") > 0)

        # window
        rule = c.terms.eligibility.window_rule
        s, e = pl.col("start"), pl.col("end")
        inside = pl.sum_horizontal(
            *(
                (pl.min_horizontal(e, pl.lit(we)) - pl.max_horizontal(s, pl.lit(ws))).clip(
                    lower_bound=0
                )
                for ws, we in c.windows
            )
        )
        rows = rows.with_columns(inside=inside)
        if rule == "starts_within":
            window_ok = pl.any_horizontal(*((s >= ws) & (s < we) for ws, we in c.windows))
        elif rule == "entirely_within":
            window_ok = pl.any_horizontal(*((s >= ws) & (e <= we) for ws, we in c.windows))
        elif rule == "majority_within":
            window_ok = pl.col("inside") * 2 > pl.col("elapsed")
        else:
            window_ok = pl.col("inside") > 0

        # attendance
        attendance_ok = pl.lit(True)
        if c.forfeit_on:
            scope = "week" if c.terms.attendance.scope == "workweek" else "pay"
            forfeit = pl.col("status").is_in(list(c.forfeit_on)).cast(pl.Int64)
            attendance_ok = (forfeit.sum().over("emp", scope) - forfeit) == 0

        # qualifying hours, as whole seconds
        base = pl.col("beyond") if c.extra.beyond_fte else pl.col("net")
        partial = pl.lit(False)
        if rule == "prorate":
            partial = (pl.col("inside") > 0) & (pl.col("inside") < pl.col("elapsed"))
            base = pl.when(pl.col("inside") == 0).then(0).otherwise(pl.col("net"))
        seconds = base
        if c.rounding is not None:
            k = c.rounding.denominator  # 60, 10 or 4: steps of 1/k hour
            seconds = ((2 * seconds * k + 3600) // 7200) * (3600 // k)
        rows = rows.with_columns(
            seconds=seconds,
            partial=partial,
            ok_extra=extra_ok,
            ok_window=window_ok,
            ok_attendance=attendance_ok,
        )
        minimum = c.min_hours
        rows = rows.with_columns(ok_min_hours=_at_least(pl.col("seconds"), minimum))
        rows = rows.with_columns(cents=(2 * self._payout_expr(rows) + _D) // (2 * _D))
        rows = self._partial(rows)
        decided = pl.all_horizontal(*(pl.col(f"ok_{r}") for r in RULES[:-1]))
        rows = rows.with_columns(decided=decided)
        rows = rows.with_columns(
            ok_payout=~pl.col("decided") | (pl.col("cents") > 0),
            qualifies=pl.col("decided") & (pl.col("cents") > 0),
        )
        rows = rows.with_columns(
            amount=pl.when(pl.col("qualifies")).then(pl.col("cents")).otherwise(0)
        )
        return self._limits(rows)

    def _payout_expr(self, rows: pl.DataFrame) -> pl.Expr:
        """The sum of the payout components, in cents × _D (exact integers)."""
        import polars as pl

        c = self.c
        seconds = pl.col("seconds")
        total: pl.Expr = pl.lit(0, dtype=pl.Int64)
        biggest = 0
        top = rows["base_rate"].max() if rows.height else None
        top_rate = top if isinstance(top, int) else 0
        cls = pl.col("cls")
        for comp in c.components:
            applies = seconds > 0
            if comp.periods is not None:
                applies = applies & pl.col("part").is_in(list(comp.periods)).fill_null(False)
            if comp.classifications is not None:
                applies = applies & cls.is_in(list(comp.classifications))
            spec = comp.spec
            if comp.kind == "per_shift":
                assert spec.per_shift is not None
                units = _units(spec.per_shift)
                part = pl.lit(units)
                biggest += units
            elif comp.kind == "per_hour":
                assert spec.per_hour is not None
                rate = _scaled(spec.per_hour)
                assert rate is not None
                part = seconds * (rate * 10**6)
                biggest += rate * 10**6 * MAX_SHIFT_SECONDS
            elif comp.kind == "base_rate_multiplier":
                assert spec.base_rate_multiplier is not None
                times = _scaled(spec.base_rate_multiplier)
                assert times is not None
                part = seconds * pl.col("base_rate").fill_null(0) * (times * 100)
                biggest += times * 100 * top_rate * MAX_SHIFT_SECONDS
            else:
                part = pl.lit(0, dtype=pl.Int64)
                for low, amount in comp.tiers:
                    part = pl.when(_at_least(seconds, low)).then(_units(amount)).otherwise(part)
                biggest += max(_units(a) for _, a in comp.tiers)
            total = total + pl.when(applies).then(part).otherwise(0)
        if biggest >= _LIMIT:
            raise _Unsupported("amounts too large for exact 64-bit arithmetic")
        return total

    def _partial(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Prorated rows that straddle a window's edge: their qualifying hours are a
        fraction, so ``min_hours`` and the payout are decided by the scalar functions."""
        import polars as pl

        if not rows["partial"].any():
            return rows
        c = self.c
        part = rows.filter(pl.col("partial"))
        amounts: list[int] = []
        enough: list[bool] = []
        shown: list[str] = []
        for row in part.iter_rows(named=True):
            hours = Fraction(row["net"], 3600) * Fraction(row["inside"], row["elapsed"])
            if c.rounding is not None:
                hours = round_half_up(hours, c.rounding)
            rate = None if row["base_rate"] is None else Decimal(row["base_rate"]) / _SCALE
            probe = _probe(classification=row["classification"], base_rate=rate)
            _, total = _payout(c, probe, hours, row["part"], True)
            amounts.append(int(cents(total) * 100))
            enough.append(hours >= c.min_hours)
            shown.append(str(cents(hours)))
        fixed = part.select("line").with_columns(
            fixed_cents=pl.Series(amounts, dtype=pl.Int64),
            fixed_min=pl.Series(enough, dtype=pl.Boolean),
            exact_hours=pl.Series(shown, dtype=pl.String),
        )
        rows = rows.join(fixed, on="line", how="left", maintain_order="left")
        return rows.with_columns(
            cents=pl.coalesce("fixed_cents", "cents"),
            ok_min_hours=pl.coalesce("fixed_min", "ok_min_hours"),
        ).drop("fixed_cents", "fixed_min")

    def _limits(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Limits, one shift at a time per employee in order of start (ties by line)."""
        import polars as pl

        limits = self.c.limits
        cap_shift = limits.max_amount_per_shift
        caps = [
            limits.max_shifts_per_workweek,
            limits.max_amount_per_workweek,
            limits.max_amount_per_pay_period,
            limits.max_amount_total,
        ]
        if cap_shift is None and all(cap is None for cap in caps):
            return rows
        paying = rows.filter(pl.col("amount") > 0).sort("emp", "start", "line")
        week_amount: dict[tuple[str, int], int] = defaultdict(int)
        week_shifts: dict[tuple[str, int], int] = defaultdict(int)
        pay_amount: dict[tuple[str, int], int] = defaultdict(int)
        total: dict[str, int] = defaultdict(int)
        per_shift = None if cap_shift is None else int(cents(cap_shift) * 100)
        n = limits.max_shifts_per_workweek
        rooms = [
            (limits.max_amount_per_workweek, week_amount, "week"),
            (
                limits.max_amount_per_pay_period if self.c.pay_periods is not None else None,
                pay_amount,
                "pay",
            ),
        ]
        final: list[int] = []
        for emp, week, pay, amount in paying.select("emp", "week", "pay", "amount").iter_rows():
            if per_shift is not None and amount > per_shift:
                amount = per_shift
            if n is not None and amount > 0 and week_shifts[(emp, week)] >= n:
                amount = 0
            for limit, already, scope in rooms:
                if limit is None or amount <= 0:
                    continue
                key = (emp, week if scope == "week" else pay)
                room = max(0, int(cents(limit) * 100) - already[key])
                amount = min(amount, room)
            if limits.max_amount_total is not None and amount > 0:
                room = max(0, int(cents(limits.max_amount_total) * 100) - total[emp])
                amount = min(amount, room)
            if amount > 0:
                week_amount[(emp, week)] += amount
                week_shifts[(emp, week)] += 1
                pay_amount[(emp, pay)] += amount
                total[emp] += amount
            final.append(amount)
        cut = paying.select("line").with_columns(limited=pl.Series(final, dtype=pl.Int64))
        rows = rows.join(cut, on="line", how="left", maintain_order="left")
        return rows.with_columns(amount=pl.coalesce("limited", "amount")).drop("limited")

    # ------------------------------------------------------------------ output

    def _output(self, rows: pl.DataFrame, claims: bool) -> tuple[pl.DataFrame, Totals]:
        import polars as pl

        c = self.c
        report_tz = _time.zone(self.timezone) if self.timezone else c.tz
        rows = rows.select(
            "line",
            "emp",
            "start",
            "end",
            "net",
            "amount",
            "paid",
            "qualifies",
            *(f"ok_{rule}" for rule in RULES),
        ).sort("line")
        instants = pl.concat([rows["start"], rows["end"]]).unique().to_list()
        shown = pl.DataFrame(
            {
                "t": instants,
                "iso": [datetime.fromtimestamp(t, report_tz).isoformat() for t in instants],
            },
            schema={"t": pl.Int64, "iso": pl.String},
        )
        emp_shown = rows["emp"].unique().to_list()
        safe = pl.DataFrame(
            {"emp": emp_shown, "emp_safe": [safe_cell(x) for x in emp_shown]},
            schema={"emp": pl.String, "emp_safe": pl.String},
        )
        rows = (
            rows.join(
                shown.rename({"t": "start", "iso": "start_iso"}),
                on="start",
                how="left",
                maintain_order="left",
            )
            .join(
                shown.rename({"t": "end", "iso": "end_iso"}),
                on="end",
                how="left",
                maintain_order="left",
            )
            .join(safe, on="emp", how="left", maintain_order="left")
        )
        failed = pl.concat_str(
            *(
                pl.when(~pl.col(f"ok_{rule}")).then(pl.lit(f"{c.id}:{rule};")).otherwise(pl.lit(""))
                for rule in RULES
            )
        ).str.strip_suffix(";")
        hours = _money_text(pl.col("net"), 3600)  # net hours, two places
        difference = pl.col("amount") - pl.col("paid")
        # Empty cells are nulls, which polars writes as nothing.
        nothing = pl.lit(None, dtype=pl.String)
        out = rows.select(
            pl.col("line"),
            pl.col("line").cast(pl.String).alias("c_line"),
            pl.col("emp_safe").alias("employee_id"),
            pl.col("start_iso").alias("start"),
            pl.col("end_iso").alias("end"),
            hours.alias("hours"),
            _cents_text(pl.col("amount")).alias("amount"),
            (_cents_text(pl.col("paid")) if claims else nothing).alias("paid"),
            (_cents_text(difference) if claims else nothing).alias("difference"),
            pl.when(pl.col("qualifies")).then(pl.lit(c.id)).otherwise(nothing).alias("qualifies"),
            pl.when(failed != "").then(failed).otherwise(nothing).alias("failed"),
            nothing.alias("error"),
        )
        by_employee = rows.group_by("emp").agg(pl.col("amount").sum())
        paid_total = int(rows["paid"].sum() or 0) if claims else 0
        diff = rows.select(difference.alias("d"))["d"] if claims else None
        totals = Totals.model_construct(
            rows=rows.height,
            evaluated=rows.height,
            errors=0,
            qualifying=int(rows["qualifies"].sum()),
            amount=_decimal_cents(int(rows["amount"].sum() or 0)),
            by_employee={
                k: _decimal_cents(int(v))
                for k, v in sorted(by_employee.iter_rows(), key=lambda kv: kv[0])
            },
            paid=_decimal_cents(paid_total) if claims else None,
            underpaid=None if diff is None else _decimal_cents(int(diff.clip(lower_bound=0).sum())),
            overpaid=None if diff is None else _decimal_cents(int(-diff.clip(upper_bound=0).sum())),
        )
        return out, totals

    def _write(self, out: pl.DataFrame, scalar: list[tuple[int, list[str]]]) -> str | None:
        import polars as pl

        names = ["c_line", *CSV_COLUMNS[1:]]
        columns = out.select("line", *names)
        if scalar:
            extra = pl.DataFrame(
                {
                    "line": [line for line, _ in scalar],
                    **{
                        name: [cells[i] or None for _, cells in scalar]
                        for i, name in enumerate(names)
                    },
                },
                schema={"line": pl.Int64, **dict.fromkeys(names, pl.String)},
            )
            columns = pl.concat([columns, extra]).sort("line")
        columns = columns.drop("line").rename({"c_line": "line"})
        if self.output is not None:
            columns.write_csv(self.output, quote_style="necessary", line_terminator="\n")
            return None
        return columns.write_csv(quote_style="necessary", line_terminator="\n")


def _read_unique(
    values: pl.Series, reader: Callable[[str], Any], name: str, dtype: Any
) -> list[pl.Series]:
    """``reader`` applied once per distinct value: the results, and where it gave BAD."""
    import polars as pl

    keys = values.unique().to_list()
    results = [reader(k) for k in keys]
    table = pl.DataFrame(
        {
            "key": keys,
            name: [None if r is BAD else r for r in results],
            f"{name}_bad": [r is BAD for r in results],
        },
        schema={"key": pl.String, name: dtype, f"{name}_bad": pl.Boolean},
    )
    joined = (
        values.rename("key").to_frame().join(table, on="key", how="left", maintain_order="left")
    )
    return [joined[name], joined[f"{name}_bad"]]


def _probe(**values: Any) -> Row:
    """A row with only the values a rule function reads; the rest are placeholders."""
    fields: dict[str, Any] = {
        "line": 0,
        "employee_id": "",
        "classification": "",
        "start": 0,
        "end": 1,
        "net": Fraction(0),
        "status": "worked",
        "extra": None,
        "employment_status": None,
        "employer": None,
        "location": None,
        "unit": None,
        "fte": None,
        "approved": None,
        "break_minutes": 0,
        "base_rate": None,
        "paid": None,
    }
    fields.update(values)
    return Row(**fields)


def _units(amount: Decimal) -> int:
    """An amount of money in cents × _D, exactly."""
    units = Fraction(amount) * 100 * _D
    if units.denominator != 1 or units >= _LIMIT:
        raise _Unsupported(f"{amount} is not a whole number of units")
    return int(units)


def _at_least(seconds: pl.Expr, hours: Fraction) -> pl.Expr:
    """Whether ``seconds`` (whole seconds, at most a day) reach ``hours``, exactly."""
    if hours.denominator * MAX_SHIFT_SECONDS >= _LIMIT or hours.numerator * 3600 >= _LIMIT:
        raise _Unsupported(f"{hours} hours has too many decimal places")
    return seconds * hours.denominator >= hours.numerator * 3600


def _decimal_cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def _cents_text(value: pl.Expr) -> pl.Expr:
    """Integer cents as ``-12.34``."""
    import polars as pl

    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    size = value.abs()
    return pl.concat_str(
        sign,
        (size // 100).cast(pl.String),
        pl.lit("."),
        (size % 100).cast(pl.String).str.zfill(2),
    )


def _money_text(value: pl.Expr, per: int) -> pl.Expr:
    """``value / per`` rounded half up to two places, as text (value >= 0)."""
    return _cents_text((200 * value + per) // (2 * per))

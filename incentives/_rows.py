"""Rows: a batch's raw values turned into typed columns, and the rows in error.

Every value is checked here, a column at a time. What a value means is worked out once
per distinct value (a pay period repeats the same names, flags and numbers thousands of
times) by the functions below, which say exactly what is wrong with a bad one; times of
the common shape ``2020-12-27T07:00[:00][offset]`` are parsed and resolved as columns
(:func:`incentives._time.resolve_frame`), any other shape once per distinct text.

A row with a bad value is an error naming the first field at fault, in the order of the
columns below, and takes no further part; every other row is decided.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from . import _time
from ._agreement import EMPLOYMENT_STATUSES, normalize_employment_status
from ._errors import TimeError
from ._numbers import MAX_DIGITS, MAX_PLACES
from ._problems import ERROR_SCHEMA, Problem, coded, coded_expr, packed, unpacked
from ._shifts import COLUMNS, NOTE, PROBLEM, TEXT, kind_column, python_value
from ._text import WHITESPACE, blank_column, fold, norm

MAX_SHIFT_SECONDS = 24 * 3600
EARLIEST = -2208988800  # 1900-01-01T00:00Z
LATEST = 7258118400  # 2200-01-01T00:00Z
"""Shift times are instants in [EARLIEST, LATEST): payroll has no use for others, and
calendars around them stay inside what datetime can represent."""
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_CENT = Decimal("0.01")
SMALL = 4096
"""Up to this many rows, values are mapped to their meaning with a dictionary."""
_HUGE_BREAK = 10**12
"""Minutes standing for a break written with more digits than a 64-bit integer holds."""


@dataclass(frozen=True, slots=True)
class Rows:
    """The typed rows of a batch and its rows in error.

    ``rows`` has one row per evaluable record: ``line``, ``employee_id`` (white space
    folded), ``classification``, ``status`` (matched form; ``worked`` when empty),
    ``start`` and ``end`` (instants), ``net`` (seconds), ``break_minutes``, ``extra``,
    ``employment_status``, ``employer``, ``location``, ``unit``, ``fte``, ``approved``,
    ``base_rate`` and ``paid`` (decimals as text), ``paid_cents``. ``errors`` has
    ``line``, ``field``, ``problem`` (packed, see :mod:`incentives._problems`) and
    ``employee_id``; :func:`errors_of` unpacks them.
    """

    rows: pl.DataFrame
    errors: pl.DataFrame


PACKED_SCHEMA = {
    "line": pl.Int64,
    "field": pl.String,
    "problem": pl.String,
    "employee_id": pl.String,
}
"""Errors as the engine finds them: each with its problem packed as text."""


# --------------------------------------------------------------------------- one value


class Bad(Exception):
    """A value cannot be used: ``packed`` is its problem, packed as text."""

    def __init__(self, code: str, /, **values: Any) -> None:
        super().__init__(code)
        self.packed = coded(code, **values)

    @classmethod
    def of(cls, found: Problem) -> Bad:
        """A problem found already (a time's, by the time kernel)."""
        bad = cls.__new__(cls)
        Exception.__init__(bad, found.code)
        bad.packed = packed(found)
        return bad


def _number(value: Any, name: str) -> Decimal:
    """A decimal number written in ASCII digits, without ``_`` separators."""
    written = str(value).strip()
    if isinstance(value, (bool, float)) or not written.isascii() or "_" in written:
        raise Bad("value.not_decimal", field=name, value=value)
    try:
        number = Decimal(written)
    except InvalidOperation:
        raise Bad("value.not_decimal", field=name, value=value) from None
    if not number.is_finite():
        raise Bad("value.not_finite", field=name, value=value)
    if number and number.adjusted() >= MAX_DIGITS:
        raise Bad("value.too_large", field=name, value=value, digits=MAX_DIGITS)
    return number


def _text_of(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise Bad("value.not_text", field=name, value=value)
    return fold(str(value))


def read_flag(value: Any, name: str) -> bool:
    """A boolean: ``true/false``, ``yes/no``, ``y/n``, ``1/0``, any case."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise Bad("value.not_boolean", field=name, value=value)


def read_decimal(value: Any, name: str) -> Decimal:
    """A decimal number as written (a float or boolean is not one)."""
    number = _number(value, name)
    if number.as_tuple().exponent < -MAX_PLACES:  # type: ignore[operator]
        raise Bad("value.too_precise", field=name, value=value, places=MAX_PLACES)
    return number


def read_money(value: Any, name: str) -> Decimal:
    """An amount of money in whole cents."""
    number = _number(value, name)
    whole_cents = number.quantize(_CENT)
    if number != whole_cents:
        raise Bad("value.fraction_of_cent", field=name, value=number)
    return whole_cents


def read_break(value: Any) -> int:
    """Unpaid break minutes: a whole number of ASCII digits."""
    written = str(value).strip()
    if isinstance(value, bool) or not (written.isascii() and written.isdigit()):
        raise Bad("value.not_minutes", field="unpaid_break_minutes", value=value)
    return int(written) if len(written) <= 15 else _HUGE_BREAK


def read_time(text: str, tz: ZoneInfo | None, ambiguous: _time.Ambiguous) -> int:
    """The instant of a time written in a file, or :class:`Bad` saying why not."""
    try:
        moment = _time.instant(_time.parse_iso(text), tz, ambiguous)
    except TimeError as exc:
        raise Bad.of(exc.problem) from None
    if not EARLIEST <= moment < LATEST:
        raise Bad("time.out_of_range", value=text.strip())
    return moment


# --------------------------------------------------------------------------- columns


def _raw(frame: pl.DataFrame, name: str) -> tuple[pl.Expr, pl.Expr]:
    """A raw column and its kinds (text when the batch says nothing of kinds)."""
    text = pl.col(name) if name in frame.columns else pl.lit(None, dtype=pl.String)
    kinds = kind_column(name)
    kind = pl.col(kinds) if kinds in frame.columns else pl.lit(TEXT, dtype=pl.UInt8)
    return text, kind


def _distinct(
    frame: pl.DataFrame,
    name: str,
    read: Callable[[Any], Any],
    dtype: Any,
    blank: bool = False,
) -> tuple[pl.Series, pl.Series]:
    """``read`` of each value of a column, once per distinct value: the results and the
    messages of the values it refused. A text of white space only is missing and means
    nothing, unless ``blank`` asks to read it too."""
    kinds = kind_column(name)
    if kinds in frame.columns:  # values of several kinds: the pair is the key
        key = pl.concat_str(pl.col(kinds).cast(pl.String), pl.lit(":"), pl.col(name))
        pairs = frame.select(key.alias("key"), pl.col(name).alias("t"), pl.col(kinds).alias("k"))
        texts = pairs["key"]
        distinct = pairs.drop_nulls("t").unique("key")
        items = list(zip(distinct["key"], distinct["t"], distinct["k"], strict=True))
    else:
        texts = frame[name]
        distinct_texts = (
            set(texts.to_list()) - {None} if texts.len() <= SMALL else texts.drop_nulls().unique()
        )
        items = [(t, t, TEXT) for t in distinct_texts]
    values: list[Any] = []
    messages: list[str | None] = []
    for _, t, k in items:
        if k == PROBLEM:
            values.append(None)
            messages.append(t)
            continue
        if k == TEXT and not blank and not t.strip():  # a missing value: it means nothing
            values.append(None)
            messages.append(None)
            continue
        try:
            values.append(read(python_value(t, k)))
            messages.append(None)
        except Bad as exc:
            values.append(None)
            messages.append(exc.packed)
    if texts.len() <= SMALL:  # a few rows: a dictionary costs less than a query
        value_of = {key: v for (key, _, _), v in zip(items, values, strict=True)}
        message_of = {key: m for (key, _, _), m in zip(items, messages, strict=True)}
        listed = texts.to_list()
        return (
            pl.Series(name, [value_of.get(t) for t in listed], dtype=dtype),
            pl.Series(name, [message_of.get(t) for t in listed], dtype=pl.String),
        )
    keys = pl.Series([key for key, _, _ in items], dtype=pl.String)
    if all(m is None for m in messages):
        said = pl.Series(name, [None] * texts.len(), dtype=pl.String)
    else:
        said = texts.replace_strict(
            keys, pl.Series(messages, dtype=pl.String), default=None, return_dtype=pl.String
        )
    if dtype == pl.String and all(v == t for (_, t, _), v in zip(items, values, strict=True)):
        found = frame[name]  # every value means itself
    else:
        found = texts.replace_strict(
            keys, pl.Series(values, dtype=dtype), default=None, return_dtype=dtype
        )
    return found, said


def _missing(text: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """A missing value: null, or text of white space only (a number is never missing)."""
    return text.is_null() | ((kind == TEXT) & blank_column(text))


_COMMON_TIME = (
    r"^[ \t]*([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
    r"(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))?[ \t]*$"
)


def _days_from_civil(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm)."""
    y = y - (m <= 2).cast(pl.Int64)
    era = y // 400
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _days_in_month(y: pl.Expr, m: pl.Expr) -> pl.Expr:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    long = m.is_in([1, 3, 5, 7, 8, 10, 12])
    return (
        pl.when(m == 2).then(pl.when(leap).then(29).otherwise(28)).when(long).then(31).otherwise(30)
    )


def _times(
    texts: pl.Series, tz: ZoneInfo | None, ambiguous: _time.Ambiguous
) -> tuple[pl.Series, pl.Series]:
    """Instants of distinct time texts and the messages of those that are not times.

    The common shape is parsed and resolved as columns; any other text (or one the
    columns refuse) is read by :func:`read_time`, which also words the refusal.
    """
    parts = texts.str.extract_groups(_COMMON_TIME).struct.unnest()
    n = [parts[str(i)] for i in range(1, 11)]
    frame = pl.DataFrame(
        {
            "y": n[0].cast(pl.Int64),
            "mo": n[1].cast(pl.Int64),
            "d": n[2].cast(pl.Int64),
            "h": n[3].cast(pl.Int64),
            "mi": n[4].cast(pl.Int64),
            "s": n[5].cast(pl.Int64).fill_null(0),
            "z": n[6],
            "sign": n[7],
            "oh": n[8].cast(pl.Int64),
            "om": n[9].cast(pl.Int64),
        }
    )
    c = pl.col
    valid = (
        c("y").is_not_null()
        & c("mo").is_between(1, 12)
        & (c("d") >= 1)
        & (c("d") <= _days_in_month(c("y"), c("mo")))
        & (c("h") <= 23)
        & (c("mi") <= 59)
        & (c("s") <= 59)
        & (c("oh").is_null() | ((c("oh") <= 23) & (c("om") <= 59)))
    )
    local = _days_from_civil(c("y"), c("mo"), c("d")) * _time.DAY + c("h") * 3600 + c("mi") * 60
    local = pl.when(valid).then(local + c("s"))
    offset = (
        pl.when(c("z").is_not_null())
        .then(0)
        .when(c("sign").is_not_null())
        .then((c("oh") * 3600 + c("om") * 60) * pl.when(c("sign") == "-").then(-1).otherwise(1))
    )
    frame = frame.select(local.alias("local"), offset.alias("offset"))
    aware = pl.col("local") - pl.col("offset")
    naive = pl.lit(None, dtype=pl.Int64)
    # Local times beyond the years a shift may have are left to read_time, which refuses
    # them in words; so the zone's offsets are read only for the years that count.
    inside = (pl.col("local") >= EARLIEST - _time.DAY) & (pl.col("local") < LATEST + _time.DAY)
    frame = frame.with_columns(pl.when(inside).then(pl.col("local")).alias("local"))
    given = frame.filter(pl.col("offset").is_null())["local"].drop_nulls()
    if tz is not None and given.len():
        lo, hi = given.min(), given.max()
        assert isinstance(lo, int)
        assert isinstance(hi, int)
        table = _time.offsets(tz, lo, hi)
        frame = _time.resolve_frame(frame, "local", table, ambiguous, "naive")
        naive = pl.col("naive")
    instant = pl.when(pl.col("offset").is_not_null()).then(aware).otherwise(naive)
    instant = pl.when((instant >= EARLIEST) & (instant < LATEST)).then(instant)
    found = frame.select(instant.alias("i"))["i"]
    values = found.to_list()
    messages: list[str | None] = [None] * len(values)
    for i, (text, moment) in enumerate(zip(texts.to_list(), values, strict=True)):
        if moment is None:
            try:
                values[i] = read_time(text, tz, ambiguous)
            except Bad as exc:
                messages[i] = exc.packed
    return pl.Series(values, dtype=pl.Int64), pl.Series(messages, dtype=pl.String)


def _time_column(
    frame: pl.DataFrame, name: str, tz: ZoneInfo | None, ambiguous: _time.Ambiguous
) -> tuple[pl.Series, pl.Series]:
    """Instants of a time column, and the message of each value that is not a time."""
    if kind_column(name) not in frame.columns:  # text only: look each distinct text up
        texts = frame[name]
        given = texts.drop_nulls().unique()
        given = given.filter(given.str.strip_chars(WHITESPACE) != "")
        instants, messages = _times(given, tz, ambiguous)
        found = texts.replace_strict(given, instants, default=None, return_dtype=pl.Int64)
        if messages.null_count() == messages.len():
            return found, pl.Series(name, [None] * texts.len(), dtype=pl.String)
        said = texts.replace_strict(given, messages, default=None, return_dtype=pl.String)
        return found, said
    text, kind = _raw(frame, name)
    pairs = frame.select(text.alias("t"), kind.alias("k"))
    keys = pairs.filter(~_missing(pl.col("t"), pl.col("k"))).unique()
    plain = keys.filter(pl.col("k") == TEXT)
    instants, messages = _times(plain["t"], tz, ambiguous)
    others = keys.filter(pl.col("k") != TEXT)
    other_messages = [
        t if k == PROBLEM else coded("value.not_time", value=python_value(t, k))
        for t, k in others.iter_rows()
    ]
    table = pl.concat(
        [
            plain.with_columns(instants.alias("v"), messages.alias("m")),
            others.with_columns(
                pl.lit(None, dtype=pl.Int64).alias("v"),
                pl.Series("m", other_messages, dtype=pl.String),
            ),
        ]
    )
    joined = pairs.join(table, on=["t", "k"], how="left", nulls_equal=True, maintain_order="left")
    return joined["v"], joined["m"]


# --------------------------------------------------------------------------- the rows


def _employment(value: Any) -> str:
    said = _text_of(value, "employment_status")
    found = normalize_employment_status(said)
    if found not in EMPLOYMENT_STATUSES:
        choices = list(EMPLOYMENT_STATUSES)
        raise Bad("value.not_choice", field="employment_status", value=value, choices=choices)
    return found


def _non_negative(value: Any, name: str) -> str:
    number = read_decimal(value, name)
    if number < 0:
        raise Bad("value.negative", field=name, value=number)
    return str(number)


def _status(value: Any) -> str:
    said = _text_of(value, "status")
    status = norm(said) if said else "worked"
    if " " in status:
        raise Bad("value.not_one_word", field="status", value=said)
    return status


def _hours_long(elapsed: int) -> str:
    return coded("row.too_long", hours=f"{elapsed / 3600:g}", seconds=elapsed)


def _employee_shown(value: Any) -> str | None:
    """The employee of a row in error as its report shows it (trimmed, not folded)."""
    return None if value in (None, "") else str(value).strip()


class _Reader:
    """The columns of one batch frame, read one after the other (see :func:`read_rows`).

    Values read once per distinct value are kept as Series; every check is an
    expression, and all of them are evaluated together at the end."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.series: dict[str, pl.Series] = {}
        self.blanks: dict[str, list[str]] = {}
        self.checks: list[tuple[str | None, pl.Expr]] = [(None, pl.col("problem"))]

    def keep(self, name: str, series: pl.Series) -> pl.Expr:
        """A Series of the table, under ``name``; its column."""
        self.series[name] = series.rename(name)
        return pl.col(name)

    def missing(self, name: str) -> pl.Expr:
        """Whether each value of column ``name`` is missing: null, or white space only
        (the blank texts are found among the column's distinct values)."""
        text, kind = _raw(self.frame, name)
        blanks = self.blanks.get(name)
        if blanks is None:
            distinct = self.frame[name].drop_nulls().unique()
            if distinct.len() > SMALL * 16:  # too many to list: ask every row
                return _missing(text, kind)
            blanks = self.blanks[name] = [t for t in distinct.to_list() if not t.strip()]
        if not blanks:
            return text.is_null()
        return text.is_null() | ((kind == TEXT) & text.is_in(blanks))

    def distinct(self, name: str, read: Callable[[Any], Any], dtype: Any, out: str) -> pl.Expr:
        """``read`` of column ``name`` (kept as ``out``), checked where a value is given."""
        values, messages = _distinct(self.frame, name, read, dtype)
        if messages.null_count() < messages.len():
            said = self.keep(f"{out}!", messages)
            self.checks.append((name, pl.when(~self.missing(name)).then(said)))
        return self.keep(out, values)

    def required(self, name: str, when: pl.Expr) -> None:
        said = pl.lit(coded("value.missing", field=name))
        self.checks.append((name, pl.when(when & self.missing(name)).then(said)))


def read_rows(
    frame: pl.DataFrame,
    *,
    needs: frozenset[str],
    fte_statuses: frozenset[str],
    tz: ZoneInfo | None,
    ambiguous: _time.Ambiguous,
) -> Rows:
    """Check and convert a batch's frame (see :mod:`incentives._shifts`).

    ``needs`` are the columns the agreements need of a worked row. An absence needs
    only employee, classification and times, and ``fte`` when its status is one of
    ``fte_statuses`` (it counts toward a beyond-FTE threshold).
    """
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS if c not in frame.columns
    )
    r = _Reader(frame)
    c = pl.col
    for name in ("employee_id", "classification"):
        r.required(name, pl.lit(True))
        r.distinct(name, partial(_text_of, name=name), pl.String, f"{name}*")
    status = r.distinct("status", _status, pl.String, "status*").fill_null("worked")
    for name in ("start", "end"):
        r.required(name, pl.lit(True))
    for name in ("start", "end"):
        instants, messages = _time_column(frame, name, tz, ambiguous)
        r.keep(f"{name}*", instants)
        r.checks.append((name, r.keep(f"{name}!", messages)))
    elapsed = c("end*") - c("start*")
    after = pl.lit(coded("row.end_not_after_start"))
    r.checks.append(("end", pl.when(elapsed <= 0).then(after)))
    spans = r.series["end*"] - r.series["start*"]
    long = {int(e): _hours_long(int(e)) for e in spans.filter(spans > MAX_SHIFT_SECONDS).unique()}
    if long:
        said = r.keep(
            "long#",
            spans.replace_strict(
                list(long), list(long.values()), default=None, return_dtype=pl.String
            ),
        )
        r.checks.append(("end", pl.when(elapsed > MAX_SHIFT_SECONDS).then(said)))
    minutes = r.distinct("unpaid_break_minutes", read_break, pl.Int64, "break*").fill_null(0)
    written = r.keep("break#", _distinct(frame, "unpaid_break_minutes", _break_text, pl.String)[0])
    not_shorter = coded_expr("row.break_too_long", minutes=written)
    r.checks.append(("unpaid_break_minutes", pl.when(minutes * 60 >= elapsed).then(not_shorter)))
    worked = status == "worked"
    counts = status.is_in(list(fte_statuses))

    def needed_by(name: str) -> pl.Expr:
        if name == "fte":
            return (worked & ("fte" in needs)) | counts
        return worked & (name in needs)

    r.required("employment_status", needed_by("employment_status"))
    r.distinct("employment_status", _employment, pl.String, "employment_status*")
    for name in ("fte", "base_rate"):
        r.required(name, needed_by(name))
        r.distinct(name, partial(_non_negative, name=name), pl.String, f"{name}*")
    for name in ("extra", "employer", "location", "unit", "approved"):
        r.required(name, needed_by(name))
        if name in ("extra", "approved"):
            r.distinct(name, partial(read_flag, name=name), pl.Boolean, f"{name}*")
        elif name not in needs and kind_column(name) not in frame.columns:
            # Text is always a valid name; an agreement that does not filter on the
            # column never reads it.
            r.keep(f"{name}*", pl.Series([None] * frame.height, dtype=pl.String))
        else:
            r.distinct(name, partial(_text_of, name=name), pl.String, f"{name}*")
    r.distinct("paid", lambda v: str(read_money(v, "paid")), pl.String, "paid*")
    r.distinct(
        "overtime_paid", lambda v: str(read_money(v, "overtime_paid")), pl.String, "overtime_paid*"
    )
    return _split(r)


def _break_text(value: Any) -> str:
    """The minutes of a break as a message writes them (``int``'s digits, any length)."""
    read_break(value)
    digits = str(value).strip().lstrip("0") or "0"
    return digits if len(digits) <= 15 else f"{digits[:15]}... ({len(digits):,} digits)"


def _split(r: _Reader) -> Rows:
    """The rows without a problem, typed, and the first problem of every other row."""
    table = r.frame.with_columns(list(r.series.values()))
    message: pl.Expr = pl.lit(None, dtype=pl.String)
    field: pl.Expr = pl.lit(None, dtype=pl.String)
    for name, check in reversed(r.checks):
        bad = check.is_not_null()
        message = pl.when(bad).then(check).otherwise(message)
        where = pl.col("problem_field") if name is None else pl.lit(name)
        field = pl.when(bad).then(where).otherwise(field)
    table = table.with_columns(message.alias("!message"), field.alias("!field"))
    refused = table.filter(pl.col("!message").is_not_null())
    ids = _distinct(refused, "employee_id", _employee_shown, pl.String, blank=True)[0]
    errors = refused.select(
        "line",
        pl.col("!field").alias("field"),
        pl.col("!message").alias("problem"),
        ids.alias("employee_id"),
    )
    typed = [
        "employee_id",
        "classification",
        "status",
        "start",
        "end",
        "extra",
        "employment_status",
        "employer",
        "location",
        "unit",
        "fte",
        "approved",
        "base_rate",
        "paid",
        "overtime_paid",
    ]
    rows = (
        table.filter(pl.col("!message").is_null())
        .select(
            "line",
            *(pl.col(f"{name}*").alias(name) for name in typed[:5]),
            (pl.col("end*") - pl.col("start*") - pl.col("break*").fill_null(0) * 60).alias("net"),
            pl.col("break*").fill_null(0).alias("break_minutes"),
            *(pl.col(f"{name}*").alias(name) for name in typed[5:]),
            _note(table),
        )
        .with_columns(pl.col("status").fill_null("worked"))
    )
    return Rows(rows=rows, errors=errors.cast(PACKED_SCHEMA))  # type: ignore[arg-type]


def _note(table: pl.DataFrame) -> pl.Expr:
    """What a reader says of a row's values (a profile's overnight end), or null."""
    return pl.col(NOTE) if NOTE in table.columns else pl.lit(None, dtype=pl.String).alias(NOTE)


def errors_of(errors: pl.DataFrame, written: Mapping[str, str]) -> pl.DataFrame:
    """Packed errors (:data:`PACKED_SCHEMA`) with their code, sentence and values
    (:data:`ERROR_SCHEMA`); a field that the file names otherwise (through a profile)
    says the file's name of it."""
    if errors.is_empty():
        return pl.DataFrame(schema=ERROR_SCHEMA)
    return unpacked(errors, written)

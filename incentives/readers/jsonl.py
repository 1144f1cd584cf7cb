"""Reading a JSON Lines shifts file into a batch, exactly as ``json.loads`` reads each line.

Numbers are read in their written decimal form (``parse_float=Decimal``), keys are
trimmed and compared in lower case, and of a key given twice the last one counts, as
``json.loads`` does. Lines whose values polars decodes to the same text a column at a
time (a flat object of strings, nulls, booleans where a boolean belongs, whole numbers,
and plain positive decimals where a number belongs) are decoded by polars; every other
line is read by ``json.loads`` itself.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl

from .._problems import coded
from .._profile import Profile
from .._shifts import COLUMNS, TEXT, Record, ShiftBatch, frame_of_records, kind_column
from .._text import blank_column
from .csv import PLAIN, Header, decoded, utf8_bytes

_LONE_CR = re.compile(rb"\r(?!\n)")
_SEPARATORS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")

_STRING = r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
_KEY = r'"[a-z0-9_]*"'
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_VALUE = rf"(?:{_STRING}|{_NUMBER}|true|false|null)"
_PAIR = rf"{_KEY}[ \t]*:[ \t]*{_VALUE}"
_FLAT = rf"^[ \t]*\{{[ \t]*(?:{_PAIR}[ \t]*(?:,[ \t]*{_PAIR}[ \t]*)*)?\}}[ \t]*$"
"""A flat object of scalar values whose keys need no trimming or lower-casing."""

_TEXTS = "employee_id|classification|status|employment_status|employer|location|unit|start|end"
_UNSURE = (
    # A value whose type decides how it reads, or whose text polars writes otherwise:
    rf'"(?:{_TEXTS})"[ \t]*:[ \t]*[^" \tn]'  # text given as a number or a boolean
    r'|"unpaid_break_minutes"[ \t]*:[ \t]*(?:[tf-]|[0-9]+[.eE])'
    r'|"(?:extra|approved)"[ \t]*:[ \t]*(?:-|[0-9]*[.eE]|[02-9]|1[0-9])'
    r'|"(?:fte|base_rate|paid|overtime_paid)"[ \t]*:[ \t]*(?:[tf-]|[0-9.]*[eE]|[0-9.]{16})'
    r'|"(?:overtime_)?paid"[ \t]*:[ \t]*[0-9]+\.[0-9]{3}'
    r"|\\u[dD][89a-fA-F]"  # half of a surrogate pair
    r"|[0-9]{16}"  # a number too long for polars to decode as json.loads does
)
_KNOWN = "|".join(COLUMNS)
_KNOWN_KEY = rf'"(?:{_KNOWN})"[ \t]*:'


def read_jsonl(
    data: bytes, name: str, *, encoding: str = "utf-8", profile: Profile | None = None
) -> ShiftBatch:
    """The batch of a JSON Lines file's bytes (UTF-8 by default, a byte order mark
    tolerated); a profile's column names rename the keys (every line is then read by
    ``json.loads``)."""
    text = decoded(data, name, encoding)
    data = utf8_bytes(data, text, encoding)
    separator = next((s for s in _SEPARATORS if s not in data), None)
    header = Header(profile)
    if separator is None or _LONE_CR.search(data) or not data or header.renames:
        numbered = enumerate(io.StringIO(text, newline=""), start=1)
        return _batch(name, _records(numbered, header), header)
    lines = pl.read_csv(
        data,
        has_header=False,
        separator=separator.decode(),
        quote_char=None,
        infer_schema=False,
        raise_if_empty=False,
        new_columns=["text"],
    ).with_columns(line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
    lines = lines.filter(~blank_column(pl.col("text")))
    text_ = pl.col("text")
    fast = (
        text_.str.contains(_FLAT)
        & ~text_.str.contains(_UNSURE)
        & (text_.str.count_matches(_KNOWN_KEY) == _distinct_known_keys(text_))
    )
    lines = lines.with_columns(fast=fast)
    quick = lines.filter(pl.col("fast"))
    slow = lines.filter(~pl.col("fast"))
    frames: list[pl.DataFrame] = []
    seen: set[str] = set()
    if quick.height:
        frames.append(_decoded(quick))
        seen.update(_present_keys(quick, frames[0]))
    if slow.height:
        records = _records(slow.select("line", "text").iter_rows())
        frames.append(frame_of_records(records.records, COLUMNS))
        seen |= records.keys
    if not frames:
        return ShiftBatch(name, "jsonl", frame_of_records([], COLUMNS), frozenset(), False)
    frame = pl.concat(frames, how="diagonal_relaxed").sort("line")
    # The fast lines hold only text: their kinds, absent from their frame, are TEXT.
    kinds = [kind_column(c) for c in COLUMNS if kind_column(c) in frame.columns]
    frame = frame.with_columns(pl.col(kinds).fill_null(TEXT))
    present = [c for c in COLUMNS if c in seen]
    frame = frame.select(
        "line",
        "problem_field",
        "problem",
        *[c for c in frame.columns if c.split(".")[0] in present],
    )
    return ShiftBatch(name, "jsonl", frame, frozenset(seen), "paid" in seen)


def _distinct_known_keys(text: pl.Expr) -> pl.Expr:
    """How many different known keys a line names."""
    return pl.sum_horizontal(
        text.str.contains(rf'"{column}"[ \t]*:').cast(pl.UInt32) for column in COLUMNS
    )


def _present_keys(lines: pl.DataFrame, values: pl.DataFrame) -> list[str]:
    """The known keys that some fast line names (a value, or null)."""
    given = values.select(pl.col(c).is_not_null().any() for c in COLUMNS).row(0)
    present = [c for c, here in zip(COLUMNS, given, strict=True) if here]
    for column in COLUMNS:
        if column not in present and lines["text"].str.contains(rf'"{column}"[ \t]*:').any():
            present.append(column)
    return present


def _decoded(lines: pl.DataFrame) -> pl.DataFrame:
    """The values of fast lines (one row each, in order), decoded by polars."""
    data = lines["text"].str.join("\n").item().encode("utf-8")
    values = pl.read_ndjson(data, schema=dict.fromkeys(COLUMNS, pl.String))
    if values.height != lines.height:
        raise AssertionError("polars read a different number of JSON lines")
    return pl.concat(
        [
            lines.select(
                "line",
                pl.lit(None, dtype=pl.String).alias("problem_field"),
                pl.lit(None, dtype=pl.String).alias("problem"),
            ),
            values,
        ],
        how="horizontal",
    )


class _Read:
    """The records of the lines ``json.loads`` read, and the keys they named."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.keys: set[str] = set()


def _records(lines: Iterable[tuple[int, str]], header: Header = PLAIN) -> _Read:
    read = _Read()
    for number, text in lines:
        if not text.strip():
            continue
        try:
            value = loads(text)
        except json.JSONDecodeError as exc:
            problem = (None, coded("json.invalid", reason=exc.msg))
            read.records.append(Record(number, {}, problem))
            continue
        except RecursionError:
            problem = (None, coded("json.invalid", reason="nested too deeply"))
            read.records.append(Record(number, {}, problem))
            continue
        except ValueError:  # an integer of more digits than Python converts
            reason = f"a number of more than {_DIGITS} digits"
            problem = (None, coded("json.invalid", reason=reason))
            read.records.append(Record(number, {}, problem))
            continue
        _add(read, number, value, header)
    return read


def _add(read: _Read, number: int, value: Any, header: Header) -> None:
    if not isinstance(value, _Object):
        read.records.append(Record(number, {}, (None, coded("json.not_object"))))
    else:
        read.records.append(_record(number, value, read.keys, header))


def loads(text: str | bytes) -> Any:
    """A JSON text read as each line of a file is: numbers as exact decimals, and of each
    object the first known key given twice noted (a row error)."""
    return json.loads(text, parse_float=Decimal, object_pairs_hook=_object)


def batch_of_values(values: Iterable[Any], name: str, header: Header = PLAIN) -> ShiftBatch:
    """The batch of a JSON array of shifts read by :func:`loads`: item N is line N, and
    each item reads as that line of a JSON Lines file would."""
    read = _Read()
    for number, value in enumerate(values, start=1):
        _add(read, number, value, header)
    return _batch(name, read, header)


_DIGITS = sys.get_int_max_str_digits()


class _Object(dict[str, Any]):
    """A JSON object, and the first of its keys (trimmed, in lower case) given twice."""

    twice: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    value = _Object(pairs)
    if len(value) < len(pairs) or len({k.strip().lower() for k in value}) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            name = key.strip().lower()
            if name in seen and name in COLUMNS:
                value.twice = name
                break
            seen.add(name)
    return value


def _record(number: int, value: _Object, keys: set[str], header: Header) -> Record:
    """The record of one object: its known keys trimmed and in lower case, each once."""
    if value.twice is not None:
        said = coded("json.key_twice", key_name=value.twice)
        return Record(number, {}, (value.twice, said))
    values = {header.renamed(k): v for k, v in value.items()}
    keys.update(values)
    kept = {k: v for k, v in values.items() if k in header.keep}
    bad = next((k for k, v in kept.items() if _unencodable(v)), None)
    if bad is not None:
        return Record(number, {}, (bad, coded("json.surrogate")))
    return Record(number, kept)


def _unencodable(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _batch(name: str, read: _Read, header: Header = PLAIN) -> ShiftBatch:
    frame = frame_of_records(read.records, [c for c in header.keep if c in read.keys])
    return ShiftBatch(name, "jsonl", frame, frozenset(read.keys), "paid" in read.keys)

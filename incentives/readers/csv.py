"""Reading a CSV shifts file into a batch, exactly as Python's ``csv`` module splits it.

The file is split by polars, a column at a time, when that gives what ``csv.reader``
(strict, the default dialect) gives: no lone carriage return (an old Mac line ending,
which Python reads as a line break and polars does not), no line above the ``csv``
module's field limit, every quoted record well formed, the header on the first line.
Physical line numbers come from the lines themselves: a record starts on the line after
the last line break outside quotes. Any other file is read record by record by
``csv.reader`` itself, which also words the errors of a malformed file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

import polars as pl

from .._errors import ShiftFileError
from .._problems import coded, coded_expr
from .._profile import DATE, TARGETS, Profile
from .._shifts import ALWAYS_REQUIRED, COLUMNS, Record, ShiftBatch, frame_of_records
from .._text import WHITESPACE, blank_column

_LONE_CR = re.compile(rb"\r(?!\n)")
_FIELD_LIMIT = csv.field_size_limit()
_SEPARATORS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")
_WHITE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
_QUOTED = r'"(?:[^"]|"")*"'
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
"""The delimiters a shifts file may use, and their names on the command line."""
_IN_REGEX = {",": ",", "\t": r"\t", ";": ";"}


def _record_pattern(delimiter: str) -> str:
    """A record both readers split alike: each field quoted whole, or without quotes."""
    d = _IN_REGEX[delimiter]
    return rf'(?s)^(?:{_QUOTED}|[^"{d}]*)(?:{d}(?:{_QUOTED}|[^"{d}]*))*$'


@dataclass(frozen=True)
class Header:
    """How header cells name columns: renamed by a profile, which may also provide
    columns itself (constants) and keep its date column."""

    profile: Profile | None = None

    def renamed(self, cell: str) -> str:
        written = cell.strip().lower()
        return self.profile.renamed(written) if self.profile else written

    @property
    def keep(self) -> tuple[str, ...]:
        return TARGETS if self.profile else COLUMNS

    @property
    def renames(self) -> bool:
        """Whether some header cell stands for another column than its own name."""
        return bool(self.profile and self.profile.columns)

    @property
    def provided(self) -> frozenset[str]:
        return self.profile.provided if self.profile else frozenset()


PLAIN = Header()
"""The header of a file read without a profile."""


def header_columns(cells: list[str], name: str, header: Header | None = None) -> tuple[str, ...]:
    """The columns of a header row (trimmed, lower case, renamed by a profile), checked."""
    header = header or PLAIN
    columns = tuple(header.renamed(cell) for cell in cells)
    seen: set[str] = set()
    for column in columns:
        if column in seen and column in header.keep:
            raise ShiftFileError("file.column_twice", source=name, column_name=column)
        seen.add(column)
    missing = [c for c in ALWAYS_REQUIRED if c not in seen | header.provided]
    if missing:
        raise ShiftFileError(
            "file.missing_columns",
            source=name,
            noun="columns" if len(missing) > 1 else "column",
            columns=missing,
            header=[cell.strip() for cell in cells],
        )
    return columns


def read_csv(
    data: bytes,
    name: str,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    profile: Profile | None = None,
) -> ShiftBatch:
    """The batch of a CSV file's bytes, in ``encoding`` (UTF-8 by default, a byte order
    mark tolerated), its fields split by ``delimiter`` (one of :data:`DELIMITERS`; by
    default the one that splits the header into the most known columns, else a comma)."""
    text = decoded(data, name, encoding)
    data = utf8_bytes(data, text, encoding)
    if delimiter is not None and delimiter not in DELIMITERS:
        raise ShiftFileError("file.delimiter", source=name, delimiter=delimiter)
    header = Header(profile)
    delimiter = delimiter or detected(text, header)
    separator = next((s for s in _SEPARATORS if s not in data), None)
    batch = None
    if separator is not None and not _LONE_CR.search(data):
        batch = _read_columns(data, separator.decode(), name, delimiter, header)
    if batch is None:
        batch = _read_records(text, name, delimiter, header)
    return profiled(batch, profile)


def profiled(batch: ShiftBatch, profile: Profile | None) -> ShiftBatch:
    """The batch of a file read with a profile, in the project's own columns and formats."""
    if profile is None:
        return batch
    columns = (batch.columns | profile.provided) - {DATE}
    written = {target: name for name, target in profile.columns.items() if target != DATE}
    return replace(batch, frame=profile.apply(batch.frame), columns=columns, written=written)


def decoded(data: bytes, name: str, encoding: str) -> str:
    """The text of a file's bytes; a byte that is not ``encoding`` is named with its line."""
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex()
        utf8 = is_utf8(encoding)
        hint = ": if a Windows program saved it, try --encoding cp1252" if utf8 else ""
        said = "UTF-8" if utf8 else encoding
        raise ShiftFileError(
            "file.encoding",
            source=name,
            line=line,
            byte=column,
            encoding=said,
            value=byte,
            hint=hint,
        ) from None
    except LookupError:
        raise ShiftFileError("file.unknown_encoding", source=name, encoding=encoding) from None


def utf8_bytes(data: bytes, text: str, encoding: str) -> bytes:
    """The file's bytes as UTF-8 without a byte order mark (re-encoded only if need be)."""
    return data.removeprefix(b"\xef\xbb\xbf") if is_utf8(encoding) else text.encode("utf-8")


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (with or without its byte order mark)."""
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def detected(text: str, header: Header) -> str:
    """The delimiter that splits the header into the most known columns (ties: a comma)."""
    first = text.lstrip("\r\n").split("\n", 1)[0].split("\r", 1)[0]

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(1 for cell in cells if header.renamed(cell) in header.keep)

    return max(DELIMITERS, key=known)


def _lines(data: bytes, separator: str) -> pl.Series:
    """The physical lines (without their line ending); a blank line is null."""
    if not data:
        return pl.Series("text", [], dtype=pl.String)
    frame = pl.read_csv(
        data,
        has_header=False,
        separator=separator,
        quote_char=None,
        infer_schema=False,
        raise_if_empty=False,
        new_columns=["text"],
    )
    return frame["text"]


def _read_columns(
    data: bytes, separator: str, name: str, delimiter: str, header: Header
) -> ShiftBatch | None:
    """The batch, split by polars; None when ``csv.reader`` must read the file."""
    lines = _lines(data, separator)
    if lines.len() == 0:
        raise ShiftFileError("file.empty", source=name)
    if (lines.str.len_chars().max() or 0) > _FIELD_LIMIT:  # type: ignore[operator]
        return None
    frame = pl.DataFrame({"text": lines}).with_columns(
        line=pl.int_range(1, lines.len() + 1, dtype=pl.Int64),
        quotes=pl.col("text").str.count_matches('"', literal=True).fill_null(0),
    )
    records = _records(frame, delimiter)
    if records is None:
        return None
    first = records.row(0, named=True)
    if first["fields"] == 1 and first["blank"]:
        return None  # blank rows before the header: csv.reader skips them
    cells = next(csv.reader([first["text"]], strict=True, delimiter=delimiter))
    if not any(cell.strip() for cell in cells):
        return None
    columns = header_columns(cells, name, header)
    try:
        values = pl.read_csv(
            data,
            has_header=False,
            new_columns=[f"c{i}" for i in range(len(columns))],
            separator=delimiter,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if values.height != records.height:
        return None
    skipped = (pl.col("fields") == 1) & pl.col("blank")
    rows = pl.concat([records.drop("text"), values], how="horizontal").slice(1)
    if rows.select(skipped.any()).item():
        rows = rows.filter(~skipped)
    return ShiftBatch(
        name, "csv", _batch_frame(rows, columns, header.keep), frozenset(columns), "paid" in columns
    )


def _records(lines: pl.DataFrame, delimiter: str) -> pl.DataFrame | None:
    """Records: their first line, text, number of fields and whether they are blank;
    None when a quoted record is one that only ``csv.reader`` reads right."""
    if lines["quotes"].sum() == 0:
        records = lines.select(
            "line",
            "text",
            fields=pl.col("text").str.count_matches(delimiter, literal=True).fill_null(0) + 1,
        )
    else:
        joined = _joined(lines)
        if joined is None:
            return None  # a quoted value runs to the end of the file
        records = joined
        quoted = pl.col("quotes") > 0
        if not records.filter(quoted)["text"].str.contains(_record_pattern(delimiter)).all():
            return None
        # Each quoted field is matched whole (its commas with it) and holds two of the
        # record's quotes ("" inside splits it into two matches of two quotes each).
        pattern = f'"[^"]*"|{_IN_REGEX[delimiter]}'
        separators = pl.col("text").str.count_matches(pattern) - pl.col("quotes") // 2
        commas = pl.col("text").str.count_matches(delimiter, literal=True)
        records = records.select(
            "line",
            "text",
            fields=pl.when(quoted).then(separators).otherwise(commas).fill_null(0) + 1,
        )
    # One blank cell: csv.reader skips the row. A quoted cell is blank when only white
    # space is inside the quotes.
    quoted_blank = pl.col("text").str.contains(f'^"{_WHITE}*"$')
    return records.with_columns(blank=blank_column(pl.col("text")) | quoted_blank.fill_null(False))


def _joined(lines: pl.DataFrame) -> pl.DataFrame | None:
    """The records of lines holding quotes: the lines of a value that spans several joined
    into one (a record ends on a line where the quotes so far are even); None when the
    last record never ends."""
    if lines.select((pl.col("quotes") % 2 == 0).all()).item():
        return lines.select("line", "text", "quotes")  # every record is one line
    ends = (pl.col("quotes").cum_sum() % 2) == 0
    grouped = lines.with_columns(record=ends.cast(pl.Int64).cum_sum().shift(1, fill_value=0))
    if not lines.select(ends.last()).item():
        return None
    return (
        grouped.group_by("record", maintain_order=True)
        .agg(
            pl.col("line").first(),
            pl.col("text").fill_null("").str.join("\n"),
            pl.col("quotes").sum(),
            pl.len().alias("physical"),
        )
        .with_columns(
            text=pl.when((pl.col("physical") == 1) & (pl.col("text") == ""))
            .then(None)
            .otherwise(pl.col("text"))
        )
        .drop("record", "physical")
    )


def _batch_frame(
    rows: pl.DataFrame, columns: tuple[str, ...], keep: tuple[str, ...]
) -> pl.DataFrame:
    """The batch frame: line, the problem of a row with too few or too many values, and
    the known columns (empty cells stay empty: the engine reads them as missing)."""
    width = len(columns)
    wanted = [(i, c) for i, c in enumerate(columns) if c in keep]
    said = coded_expr("row.width", count=pl.col("fields"), columns=pl.lit(width))
    absent: pl.Expr = pl.lit(None, dtype=pl.String)
    for i, column in reversed(wanted):
        absent = pl.when(pl.col("fields") <= i).then(pl.lit(column)).otherwise(absent)
    short = pl.col("fields") < width
    return rows.select(
        "line",
        problem_field=pl.when(short).then(absent),
        problem=pl.when(pl.col("fields") != width).then(said),
        **{column: pl.col(f"c{i}") for i, column in wanted},
    )


def _read_records(text: str, name: str, delimiter: str, header: Header) -> ShiftBatch:
    """The batch, read record by record by ``csv.reader`` (strict, default dialect)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    try:
        cells = next(reader, None)
        while cells is not None and not any(cell.strip() for cell in cells):
            cells = next(reader, None)
        if cells is None:
            raise ShiftFileError("file.empty", source=name)
        columns = header_columns(cells, name, header)
        wanted = tuple((i, c) for i, c in enumerate(columns) if c in header.keep)
        records: list[Record] = []
        last = reader.line_num
        for cells in reader:
            line = last + 1
            last = reader.line_num
            record = _record(line, cells, wanted, len(columns))
            if record is not None:
                records.append(record)
    except csv.Error as exc:
        line = reader.line_num
        raise ShiftFileError(
            "file.malformed_csv", source=name, line=line, reason=str(exc)
        ) from None
    frame = frame_of_records(records, (c for _, c in wanted))
    return ShiftBatch(name, "csv", frame, frozenset(columns), "paid" in columns)


def _record(
    line: int, cells: list[str], wanted: tuple[tuple[int, str], ...], width: int
) -> Record | None:
    """The record of one CSV row, or None for a blank row (which is skipped)."""
    if not cells or (len(cells) == 1 and not cells[0].strip()):
        return None
    values = {c: cells[i] for i, c in wanted if i < len(cells)}
    problem: tuple[str | None, str] | None = None
    if len(cells) < width:
        absent = next((c for i, c in wanted if i >= len(cells)), None)
        problem = (absent, coded("row.width", count=len(cells), columns=width))
    elif len(cells) > width:
        problem = (None, coded("row.width", count=len(cells), columns=width))
    return Record(line, values, problem)

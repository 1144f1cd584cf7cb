"""What a shifts file reads as, before anything is decided (``incentives inspect``).

An :class:`Inspection` says how each column of the file maps (or that it is ignored), shows
the first rows as the engine will read them (instants with their offsets), and lists every
problem with a suggestion: a bundled profile that reads a file this one cannot, the
encoding option for a file that is not UTF-8, the row errors of the first rows.
"""

from __future__ import annotations

import csv
import difflib
import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import _time
from .._errors import IncentivesError
from .._profile import Profile, bundled, load_profile
from .._rows import errors_of, read_rows
from .._shifts import COLUMNS, ShiftBatch
from . import WORKBOOKS, read_shifts
from .csv import PLAIN, Header, decoded, detected
from .workbook import sheet_frame


@dataclass
class Inspection:
    """The findings about one file: its columns, first rows and problems."""

    source: str
    profile: str | None
    columns: list[tuple[str, str | None]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    rows_read: int = 0
    errors: int = 0
    problems: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def inspect_file(
    path: str | Path,
    *,
    profile: str | Path | Profile | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
    timezone: str | None = None,
    first: int = 5,
) -> Inspection:
    """Read ``path`` as ``check`` would and say what it reads as."""
    chosen = load_profile(profile) if profile is not None else None
    found = Inspection(str(path), chosen.name if chosen else None)
    options = _Options(encoding, delimiter, sheet)
    try:
        batch = options.read(path, chosen)
    except IncentivesError as exc:
        found.problems.append(str(exc))
        found.suggestions.extend(_suggestions(path, exc, chosen, options))
        return found
    found.columns = _mapping(path, chosen, options)
    tz = _time.zone(timezone) if timezone else None
    _first_rows(found, batch, tz, first)
    if tz is None:
        found.suggestions.append(
            "no --timezone: times are shown as wall-clock times (a time with a UTC offset in "
            "UTC); give --timezone to see them as instants, and whether each exists"
        )
    return found


@dataclass(frozen=True)
class _Options:
    encoding: str | None
    delimiter: str | None
    sheet: str | int | None

    def read(self, path: str | Path, profile: Profile | None) -> ShiftBatch:
        return read_shifts(
            path,
            profile=profile,
            encoding=self.encoding,
            delimiter=self.delimiter,
            sheet=self.sheet,
        )


def _mapping(
    path: str | Path, profile: Profile | None, options: _Options
) -> list[tuple[str, str | None]]:
    """Each header cell as written, and the shifts column it reads as (None: ignored)."""
    header = Header(profile)
    cells = _header_cells(path, options)
    return [(c, t if (t := header.renamed(c)) in header.keep else None) for c in cells]


def _header_cells(path: str | Path, options: _Options) -> list[str]:
    suffix = Path(path).suffix.lower()
    if suffix in WORKBOOKS:
        return list(sheet_frame(Path(path), str(path), options.sheet).columns)
    if suffix in (".jsonl", ".ndjson"):
        return []
    text = decoded(Path(path).read_bytes(), str(path), options.encoding or "utf-8")
    delimiter = options.delimiter or detected(text, PLAIN)
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    return next(csv.reader([first], delimiter=delimiter), [])


def _first_rows(found: Inspection, batch: ShiftBatch, tz: ZoneInfo | None, first: int) -> None:
    nothing: frozenset[str] = frozenset()
    zone = tz or ZoneInfo("UTC")  # without a zone, wall-clock times are shown as written
    read = read_rows(batch.frame, needs=nothing, fte_statuses=nothing, tz=zone, ambiguous="raise")
    found.rows_read = read.rows.height
    found.errors = read.errors.height
    for row in read.rows.head(first).iter_rows(named=True):
        shown = {"line": str(row["line"]), "employee_id": row["employee_id"]}
        for key in ("start", "end"):
            moment = datetime.fromtimestamp(row[key], zone)
            wall = moment if tz else moment.replace(tzinfo=None)
            shown[key] = wall.isoformat(timespec="minutes")
        for key in ("classification", "status", "extra", "paid"):
            value = row.get(key)
            if key in batch.columns and value is not None:
                shown[key] = str(value).lower() if isinstance(value, bool) else str(value)
        found.rows.append(shown)
    for error in errors_of(read.errors.head(first), batch.written).iter_rows(named=True):
        where = f" ({error['field']})" if error["field"] else ""
        found.problems.append(f"line {error['line']}{where}: {error['message']}")


def _suggestions(
    path: str | Path, problem: IncentivesError, chosen: Profile | None, options: _Options
) -> list[str]:
    if problem.code in ("file.encoding", "file.not_text"):
        return ["give the file's encoding: --encoding cp1252 for a file a Windows program saved"]
    if problem.code != "file.missing_columns":
        return []
    fits = []
    for name, profile in bundled().items():
        if chosen is not None and profile.name == chosen.name:
            continue
        try:
            options.read(path, profile)
        except IncentivesError:
            continue
        fits.append(f"the bundled profile {name!r} reads this file: --profile {name}")
    if fits:
        return fits
    maps = _likely_maps(problem.values["columns"], _header_cells(path, options))
    needed = ", ".join(c for c in COLUMNS[:4])
    return [
        *(f"read column {cell!r} as {column}: --map {shlex.quote(f'{cell}={column}')}"
          for cell, column in maps),
        f"map the file's columns to {needed} with --map, or in a profile of your own "
        "(see the input profiles reference) given with --profile FILE",
    ]  # fmt: skip


def _likely_maps(missing: list[str], cells: list[str]) -> list[tuple[str, str]]:
    """For each missing column, the header cell most like it."""
    squeezed = {re.sub(r"[^a-z0-9]", "", cell.lower()): cell for cell in cells}
    found = []
    for column in missing:
        wanted = column.replace("_", "")
        holding = sorted((k for k in squeezed if wanted in k), key=len)
        near = holding or difflib.get_close_matches(wanted, list(squeezed), n=1, cutoff=0.6)
        if near:
            found.append((squeezed[near[0]], column))
    return found

"""Readers: shifts files, standard input, DataFrames and ``Shift`` objects into a batch.

Reading only splits the input into records with their physical line numbers and the values
as written; what the values mean is decided at evaluation (:mod:`incentives._rows`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from .._errors import ShiftFileError
from .._profile import Profile, load_profile
from .._shifts import InputFormat, ShiftBatch
from .csv import Header, profiled, read_csv
from .jsonl import batch_of_values, read_jsonl
from .objects import batch_of_frame
from .workbook import read_workbook

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")

__all__ = ["batch_of_frame", "read_data", "read_shifts", "read_values"]


def read_shifts(
    source: str | Path | TextIO,
    *,
    input_format: InputFormat | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    profile: str | Path | Profile | None = None,
    sheet: str | int | None = None,
) -> ShiftBatch:
    """Read a shifts file: CSV with a header row, or JSON Lines (SPEC section 4).

    ``source`` is a path, ``"-"`` for standard input, or an open text file. The format
    comes from the suffix (``.csv``, ``.tsv`` or ``.txt``; ``.jsonl`` or ``.ndjson``)
    unless ``input_format`` says; standard input and open files are CSV unless told
    otherwise. ``encoding`` is the file's (UTF-8, a byte order mark tolerated, unless
    told: ``"cp1252"`` for what Excel saves on Windows). A CSV file's fields are split by
    ``delimiter``: ``","``, ``"\t"`` or ``";"``, by default the one that splits the header
    into the most known columns. ``profile`` (a :class:`Profile`, the name of a bundled one
    or a TOML file) maps the columns and formats of another system's export; a workbook
    (``.xlsx``, ``.xls``, ``.ods``) is read from its first sheet, or ``sheet`` (a name, or a
    number from 1). Problems with the file as a whole raise
    :class:`ShiftFileError`; problems with one row are kept with that row and reported
    when it is evaluated.
    """
    chosen = load_profile(profile) if profile is not None else None
    encoding = encoding or (chosen.encoding if chosen else None) or "utf-8"
    delimiter = delimiter or (chosen.delimiter if chosen else None)
    if isinstance(source, (str, Path)) and Path(source).suffix.lower() in WORKBOOKS:
        return read_workbook(Path(source), str(source), sheet=sheet, profile=chosen)
    if isinstance(source, (str, Path)) and str(source) != "-":
        path = Path(source)
        fmt = input_format or _format_of(path)
        try:
            data = _read_path(path)
        except FileNotFoundError:
            raise ShiftFileError("file.missing", source=str(path)) from None
        except IsADirectoryError:
            raise ShiftFileError("file.directory", source=str(path)) from None
        except OSError as exc:
            reason = exc.strerror
            raise ShiftFileError("file.unreadable", source=str(path), reason=reason) from None
        return read_data(
            data, fmt, str(path), encoding=encoding, delimiter=delimiter, profile=chosen
        )
    if isinstance(source, (str, Path)):
        name = "<stdin>"
        data = _bytes_of(sys.stdin, name)
    else:
        name = getattr(source, "name", "<stream>")
        data = _bytes_of(source, name)
        if not _has_bytes(source):
            encoding = "utf-8"  # the stream's text, encoded by _bytes_of
    fmt = input_format or "csv"
    return read_data(data, fmt, name, encoding=encoding, delimiter=delimiter, profile=chosen)


def _read_path(path: Path) -> bytes:
    """A file's bytes; a named pipe that no program writes to reads as empty, not forever."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(descriptor)


def _bytes_of(stream: TextIO | None, name: str) -> bytes:
    if stream is None:
        raise ShiftFileError("file.stdin_closed", source=name)
    try:
        if _has_bytes(stream):
            data: bytes = stream.buffer.read()
            return data
        return stream.read().encode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise ShiftFileError("file.not_text", source=name, reason=exc.reason) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ShiftFileError("file.unreadable", source=name, reason=reason) from None


def _has_bytes(stream: TextIO) -> bool:
    return hasattr(stream, "buffer") and not isinstance(stream, _StringIO)


def read_data(
    data: bytes,
    fmt: InputFormat,
    name: str,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    profile: Profile | None = None,
) -> ShiftBatch:
    """The batch of a shifts file's bytes, CSV or JSON Lines; ``name`` names it in messages."""
    if fmt == "csv":
        return read_csv(data, name, delimiter=delimiter, encoding=encoding, profile=profile)
    batch = read_jsonl(data, name, encoding=encoding, profile=profile)
    return profiled(batch, profile)


def read_values(values: Iterable[Any], name: str, *, profile: Profile | None = None) -> ShiftBatch:
    """The batch of a JSON array of shifts (read by :func:`~.jsonl.loads`): item N is line N."""
    return profiled(batch_of_values(values, name, header=Header(profile)), profile)


def _format_of(path: Path) -> InputFormat:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise ShiftFileError("file.unknown_type", source=str(path), suffix=suffix or "(no suffix)")


from io import StringIO as _StringIO  # noqa: E402

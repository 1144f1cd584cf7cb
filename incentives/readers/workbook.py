"""Reading a sheet of an Excel or OpenDocument workbook into a batch (polars' ``read_excel``
on the calamine engine, from the ``fastexcel`` package).

Every cell is read as the text the workbook holds (a date cell as ``2020-12-27 07:00:00``),
the first row is the header, and a row's line is its row number in the sheet (the header
is row 1; empty rows keep their numbers and are skipped, as blank lines of a CSV file).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .._errors import ShiftFileError
from .._profile import Profile
from .._shifts import ShiftBatch
from .csv import Header, header_columns, profiled


def read_workbook(
    path: Path, name: str, *, sheet: str | int | None = None, profile: Profile | None = None
) -> ShiftBatch:
    """The batch of one sheet: by name, by number (1 is the first), or the first."""
    values = sheet_frame(path, name, sheet)
    header = Header(profile)
    columns = header_columns(list(values.columns), name, header)
    wanted = {f"c{i}": c for i, c in enumerate(columns) if c in header.keep}
    frame = values.rename({old: f"c{i}" for i, old in enumerate(values.columns)})
    blank = pl.all_horizontal(
        pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in frame.columns
    )
    frame = frame.with_columns(line=pl.int_range(2, pl.len() + 2, dtype=pl.Int64)).filter(~blank)
    frame = frame.select(
        "line",
        problem_field=pl.lit(None, dtype=pl.String),
        problem=pl.lit(None, dtype=pl.String),
        **{column: pl.col(c) for c, column in wanted.items()},
    )
    batch = ShiftBatch(name, "csv", frame, frozenset(columns), "paid" in columns)
    return profiled(batch, profile)


def sheet_frame(path: Path, name: str, sheet: str | int | None = None) -> pl.DataFrame:
    """One sheet as text (every cell a string, empty rows kept), its header as the names."""
    try:
        if isinstance(sheet, str):
            return pl.read_excel(
                path,
                sheet_name=sheet,
                engine="calamine",
                infer_schema_length=0,
                drop_empty_rows=False,
            )
        return pl.read_excel(
            path,
            sheet_id=sheet or 1,
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
        )
    except ModuleNotFoundError:
        raise ShiftFileError("file.workbook_extra", source=name) from None
    except Exception as exc:  # the engine's errors have no common public class
        reason = _first_line(exc)
        raise ShiftFileError("file.workbook", source=name, reason=reason) from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

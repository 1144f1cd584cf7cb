"""Shifts on Dask: a Dask DataFrame of shifts decided partition by partition, with the same
engine that decides a file on one machine (``pip install "incentives[dask]"``).

Every rule looks at one employee's rows only (thresholds, attendance, limits, stacking and
double claims included), so the shifts are shuffled by ``employee_id`` and each partition,
whole employees, is decided in memory by :func:`incentives.evaluate`. Nothing is written
to disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import dask.dataframe as dd
import pandas as pd
import polars as pl
from dask.base import compute
from dask.delayed import Delayed, delayed

from . import _time
from ._agreement import Agreement
from ._engine import evaluate as _evaluate
from ._report import Totals

LINE = "#line"
"""The column that carries each row's place in the whole frame through the shuffle."""


@dataclass(frozen=True)
class Decided:
    """What :func:`evaluate` gives, still lazy: each partition's flat report and totals.
    :meth:`compute` gives both in one pass over the shifts; :attr:`rows` and
    :attr:`totals` each on their own."""

    parts: list[tuple[Delayed, Delayed]]
    """Per partition of whole employees, its flat report and its totals."""
    meta: pd.DataFrame
    """The flat report's columns, empty."""

    @property
    def rows(self) -> dd.DataFrame:
        """The flat report (the columns of :meth:`incentives.Report.to_polars`) in
        partitions of whole employees; ``line`` is the row's place in the shifts frame,
        from 1, as :func:`incentives.evaluate` numbers the rows of a DataFrame. Columns
        have Arrow types (money and hours ``decimal128``, exact; ``failed`` a list)."""
        frames = [frame for frame, _ in self.parts]
        rows: dd.DataFrame = dd.from_delayed(frames, meta=self.meta, verify_meta=False)
        return rows

    @property
    def totals(self) -> Delayed:
        """The report's :class:`~incentives.Totals`, equal to those of the whole frame
        decided on one machine."""
        totals: Delayed = delayed(Totals.of_parts)([totals for _, totals in self.parts])
        return totals

    def compute(self, **options: Any) -> tuple[pd.DataFrame, Totals]:
        """The flat report in line order and the totals, computed in one pass
        (``options`` go to ``dask.compute``, such as ``scheduler``)."""
        (parts,) = compute(self.parts, **options)
        frames = [frame for frame, _ in parts] or [self.meta]
        rows = pd.concat(frames, ignore_index=True).sort_values(["line"], kind="stable")
        return rows.reset_index(drop=True), Totals.of_parts([t for _, t in parts])


def evaluate(
    agreements: Iterable[Agreement],
    shifts: dd.DataFrame,
    *,
    as_of: date | str | None = None,
    timezone: str | None = None,
    ambiguous: _time.Ambiguous = "raise",
) -> Decided:
    """Decide a Dask DataFrame of shifts (the columns of a shifts file) against the
    agreements, as :func:`incentives.evaluate` decides a DataFrame on one machine: the
    same rows, lines, amounts, reasons and totals."""
    options = {"as_of": as_of, "timezone": timezone, "ambiguous": ambiguous}
    chosen = list(agreements)
    numbered = shifts.assign(**{LINE: 1})
    numbered[LINE] = numbered[LINE].cumsum()
    meta = _decide(numbered._meta, chosen, options)[0]  # a missing column is refused here
    parts = numbered.shuffle(_employee_column(numbered)).to_delayed()
    decided = [tuple(delayed(_decide, nout=2)(part, chosen, options)) for part in parts]
    return Decided(decided, meta)


def _employee_column(shifts: dd.DataFrame) -> str:
    """The column of employee ids, named as a shifts file may name it (``Employee_ID``);
    without one every row is an error on its own, and the rows are spread by line."""
    names = (str(c) for c in shifts.columns)
    return next((n for n in names if n.strip().lower() == "employee_id"), LINE)


def _decide(
    part: pd.DataFrame, agreements: Sequence[Agreement], options: dict[str, Any]
) -> tuple[pd.DataFrame, Totals]:
    """One partition's flat report and totals, its lines those of the whole frame."""
    part = part.sort_values(LINE, kind="stable")
    report = _evaluate(agreements, part.drop(columns=LINE).reset_index(drop=True), **options)
    lines = pl.DataFrame({"line": range(1, len(part) + 1), LINE: part[LINE].to_numpy()})
    flat = report.to_polars()
    flat = flat.join(lines, on="line", how="left").with_columns(pl.col(LINE).alias("line"))
    return flat.drop(LINE).to_pandas(use_pyarrow_extension_array=True), report.totals

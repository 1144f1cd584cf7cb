"""The ``overtime`` list of the JSON report, rendered a batch of periods at a time.

The same text as ``json.dumps(indent=2)`` of the report's
:class:`~incentives.OvertimePeriod` models, made by polars from the decided periods
(:func:`incentives._overtime.frame_of`) without building a model per period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl

from .. import _time
from .._engine import Decided
from .._money import hundredths_text
from .._overtime import frame_of
from ..rules import iso_column

BATCH = 10_000

_TEXTS = (
    ("hours", "hours_text"),
    ("regular_hours", "regular_text"),
    ("overtime_hours", "over_text"),
    ("double_time_hours", "double_text"),
    ("straight_time", "straight_cents_text"),
    ("incentives", "inc_cents_text"),
    ("regular_rate", "rate_text"),
    ("regular_rate_with_incentives", "rate+_text"),
    ("premium", "premium_text"),
    ("owed", "owed_text"),
)
"""The period's fields written as JSON strings, after its times, and their columns."""


def count(decided: Decided) -> int:
    """How many periods the list holds."""
    return 0 if decided.overtime is None else decided.overtime.height


Quote = Callable[[pl.Expr], pl.Expr]


def overtime_blocks(decided: Decided, text_of: Quote, plain: Quote) -> Iterator[pl.Series]:
    """Each period as an indented JSON object, a batch at a time. ``text_of`` writes a
    text that may need escapes, ``plain`` one that holds only digits, names and signs."""
    frame = frame_of(decided)
    if frame is None or frame.is_empty():
        return
    lo, hi = frame.select(pl.col("start").min(), pl.col("end").max()).row(0)
    table = _time.offsets(decided.plan.report_tz, int(lo), int(hi))
    rule = decided.plan.compiled[decided.plan.overtime or 0].agreement.overtime
    assert rule is not None
    p4, p6, p8 = " " * 4, " " * 6, " " * 8
    values = frame.schema["values"]
    assert isinstance(values, pl.Struct)
    for start in range(0, frame.height, BATCH):
        part = frame.slice(start, BATCH)
        pieces: list[pl.Expr] = [
            pl.lit(f'{p4}{{\n{p6}"employee_id": '),
            text_of(pl.col("employee_id")),
            pl.lit(f',\n{p6}"method": "{rule.method}"'),
            pl.lit(f',\n{p6}"start": "'),
            iso_column(pl.col("start"), table),
            pl.lit(f'",\n{p6}"end": "'),
            iso_column(pl.col("end"), table),
            pl.lit('"'),
        ]
        for name, column in _TEXTS:
            pieces += [pl.lit(f',\n{p6}"{name}": '), plain(pl.col(column))]
        lines = pl.col("lines").cast(pl.List(pl.String)).list.join(f",\n{p8}")
        pieces += [pl.lit(f',\n{p6}"lines": [\n{p8}'), lines, pl.lit(f"\n{p6}]")]
        pieces += [pl.lit(f',\n{p6}"code": '), plain(pl.col("code"))]
        pieces += [pl.lit(f',\n{p6}"detail": '), text_of(pl.col("detail"))]
        pieces.append(pl.lit(f',\n{p6}"values": {{'))
        for n, field in enumerate(values.fields):
            lead = "\n" if n == 0 else ",\n"
            item = pl.col("values").struct.field(field.name)
            pieces += [pl.lit(f'{lead}{p8}"{field.name}": '), plain(item)]
        pieces.append(pl.lit(f"\n{p6}}}"))
        claim = pl.concat_str(
            pl.lit(f',\n{p6}"paid": "'),
            hundredths_text(pl.col("paid")),
            pl.lit(f'",\n{p6}"difference": "'),
            hundredths_text(pl.col("difference")),
            pl.lit('"'),
        )
        pieces.append(pl.when(pl.col("paid").is_not_null()).then(claim).otherwise(pl.lit("")))
        pieces.append(pl.lit(f"\n{p4}}}"))
        yield part.select(pl.concat_str(pieces).alias("b"))["b"]

"""The rules of SPEC section 5, one module each, decided a column at a time.

Every rule module has two functions over a frame of rows (one employee's rows together,
in order of start, ties by line):

* ``decide(frame, c, env)`` adds the rule's columns: its verdict ``ok_<rule>`` and the
  numbers that verdict and later rules need (``window.inside``, ``extra.before``, ...),
  exact integers (seconds, cents) or a numerator and a denominator where a share counts;
* ``reason(c, env)`` says, as expressions over those columns, the rule's
  :class:`ReasonColumns`: a stable ``code``, the ``values`` it compared and the sentence
  rendered from them. It is evaluated only for the rows a report shows in words.

Rules with kinds (:mod:`.window`, :mod:`.payout`) keep them in a registry, ``KINDS``; an
unknown kind is an error, never another kind's branch. Limits and stacking
(:mod:`.limits`, :mod:`.stacking`) act after the rules on what was already paid, one
shift at a time; double claims (:mod:`.claims`) come before them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from .. import _time
from .._terms import Compiled, Span

ORDER: tuple[str, ...] = (
    "status",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "approval",
    "extra",
    "window",
    "attendance",
    "min_hours",
    "payout",
)
"""Every rule, in the order an outcome lists them (SPEC section 5)."""

ValueType = Literal["text", "integer", "boolean", "texts", "integers"]
"""The JSON type of a reason's value: a string, a number, true/false, a list of strings or
of numbers."""


@dataclass(frozen=True)
class Value:
    """One value a reason compared: an expression and its JSON type.

    A list of a fixed length may also be given as its ``items`` (one expression each),
    present where ``where`` holds (everywhere when it is None): writers then need not
    look into a list column.
    """

    expr: pl.Expr
    type: ValueType = "text"
    items: tuple[pl.Expr, ...] | None = None
    where: pl.Expr | None = None

    @classmethod
    def texts(cls, items: list[pl.Expr], where: pl.Expr | None = None) -> Value:
        """A list of texts of a fixed length, present where ``where`` holds."""
        listed = pl.concat_list(items)
        expr = listed if where is None else pl.when(where).then(listed)
        return cls(expr, "texts", tuple(items), where)


@dataclass(frozen=True)
class ReasonColumns:
    """A rule's reason as expressions: its verdict, code, values and sentence."""

    ok: pl.Expr
    code: pl.Expr
    detail: pl.Expr
    values: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Env:
    """What rules need besides the terms: the zone's offsets over the file's span."""

    span: Span
    table: _time.Offsets
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    """What is worth building once per agreement and evaluation (the reasons' expressions)."""

    @classmethod
    def of(cls, c: Compiled, span: Span) -> Env:
        days = max(c.scope_days("workweek"), c.scope_days("pay_period"))
        return cls(span, span.offsets(c.tz, days))

    def describe(self, instants: pl.Expr) -> pl.Expr:
        """Instants as reasons write them: ``2020-12-27 07:00 PST`` (seconds if any)."""
        local = _time.local_column(instants, self.table)
        clock = pl.from_epoch(local, time_unit="s")
        text = (
            pl.when(local % 60 == 0)
            .then(clock.dt.strftime("%Y-%m-%d %H:%M"))
            .otherwise(clock.dt.strftime("%Y-%m-%d %H:%M:%S"))
        )
        return pl.concat_str(text, pl.lit(" "), _time.name_column(instants, self.table))

    def iso(self, instants: pl.Expr) -> pl.Expr:
        """Instants in ISO 8601 with the offset in force: ``2020-12-27T07:00:00-08:00``."""
        return iso_column(instants, self.table)


def offset_text(seconds: int) -> str:
    """A UTC offset as ``datetime.isoformat`` writes it: ``-08:00``, ``+05:30``."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return text + (f":{secs:02d}" if secs else "")


def iso_texts(instants: pl.Series, table: _time.Offsets) -> pl.Series:
    """:func:`iso_column` of a Series, worked out once per distinct instant."""
    keys = instants.drop_nulls().unique()
    texts = pl.DataFrame({"t": keys}).select(iso_column(pl.col("t"), table))["t"]
    return instants.replace_strict(keys, texts, default=None, return_dtype=pl.String)


def iso_column(instants: pl.Expr, table: _time.Offsets) -> pl.Expr:
    """Instants in ISO 8601 with the offset of ``table``'s zone in force."""
    local = _time.local_column(instants, table)
    offsets = _time.offset_column(instants, table)
    known = sorted(set(table.offset))
    shown = offsets.replace_strict(known, [offset_text(o) for o in known], return_dtype=pl.String)
    clock = pl.from_epoch(local, time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S")
    return pl.concat_str(clock, shown)


def constant(text: str) -> pl.Expr:
    """A text that is the same on every row."""
    return pl.lit(text, dtype=pl.String)

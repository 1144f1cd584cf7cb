"""The JSON report (SPEC 8), written as a stream a batch of rows at a time.

The text is exactly ``json.dumps(report.model_dump(mode="json"), indent=2,
ensure_ascii=False)`` plus a new line, but it is built from the decided frame a batch of
rows at a time (every reason rendered a column at a time), so memory does not grow with
the number of rows. A report without a decided frame (one read back from JSON) is
written by ``json.dumps`` itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, BinaryIO

import polars as pl

from .._columns import lookup
from .._engine import Decided
from .._reasons import reason_columns, render
from .._report import RULES, Report, without_overtime
from .._table import row_columns
from ..rules import Value, ValueType
from .json_overtime import count, overtime_blocks

BATCH = 10_000
"""Rows rendered and written at a time: at 1,000,000 rows, 10,000 keep the peak under 1.5 GB
(20,000: 1.64 GB and no faster; 5,000: 1.38 GB and 1.2x slower)."""
_ROWS, _ERRORS, _OVERTIME = "\x00rows\x00", "\x00errors\x00", "\x00overtime\x00"
_SPECIAL = ["\\", '"', *(chr(i) for i in range(32))]
_ESCAPED = [json.dumps(c, ensure_ascii=False)[1:-1] for c in _SPECIAL]


def report_json(report: Report) -> str:
    """The JSON report as text, with a final new line."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_json(report: Report, out: BinaryIO) -> None:
    """Writes the JSON report to a binary stream."""
    decided = report._decided
    if decided is None:
        out.write(report_json(report).encode("utf-8"))
        return
    totals = report.totals.model_dump(mode="json")
    if not report.claims:
        for key in ("paid", "underpaid", "overpaid"):
            totals.pop(key, None)
    skeleton: dict[str, Any] = {
        "agreements": [a.model_dump(mode="json") for a in report.agreements],
        "as_of": None if report.as_of is None else report.as_of.isoformat(),
        "timezone": report.timezone,
        "tzdata": report.tzdata,
        "claims": report.claims,
        "rows": _ROWS,
        "errors": _ERRORS,
        "totals": totals,
        "overtime": None if decided.overtime is None else _OVERTIME,
    }
    without_overtime(skeleton)
    text = json.dumps(skeleton, indent=2, ensure_ascii=False) + "\n"
    before, rest = text.split(json.dumps(_ROWS))
    middle, after = rest.split(json.dumps(_ERRORS))
    out.write(before.encode("utf-8"))
    _write_list(out, _row_blocks(decided, report.claims), decided.rows.height)
    out.write(middle.encode("utf-8"))
    _write_list(out, _error_blocks(decided), decided.errors.height)
    if decided.overtime is not None:
        totals_part, end = after.split(json.dumps(_OVERTIME))
        out.write(totals_part.encode("utf-8"))
        _write_list(out, overtime_blocks(decided, js, quoted), count(decided))
        after = end
    out.write(after.encode("utf-8"))


def _write_list(out: BinaryIO, blocks: Any, count: int) -> None:
    """A JSON list of the blocks (already indented), written as they come."""
    if count == 0:
        out.write(b"[]")
        return
    out.write(b"[\n")
    first = True
    for batch in blocks:
        if not first:
            out.write(b",\n")
        # Every block but the batch's last is followed by ",\n"; polars writes them as
        # they are (no quoting), without a Python string of the whole batch.
        body, last = batch.slice(0, batch.len() - 1), batch.slice(batch.len() - 1)
        if body.len():
            body.to_frame().write_csv(
                out, include_header=False, quote_style="never", line_terminator=",\n"
            )
        out.write(last.item().encode("utf-8"))
        first = False
    out.write(b"\n  ]")


# --------------------------------------------------------------------------- pieces


def js(text: pl.Expr) -> pl.Expr:
    """A JSON string of each text (``null`` for null), as ``json.dumps`` writes it."""
    body = text.str.replace_many(_SPECIAL, _ESCAPED)
    return (
        pl.when(text.is_null())
        .then(pl.lit("null"))
        .otherwise(pl.concat_str(pl.lit('"'), body, pl.lit('"')))
    )


def quoted(text: pl.Expr) -> pl.Expr:
    """A JSON string of each text that holds nothing to escape (``null`` for null)."""
    return (
        pl.when(text.is_null())
        .then(pl.lit("null"))
        .otherwise(pl.concat_str(pl.lit('"'), text, pl.lit('"')))
    )


Quote = Callable[[pl.Expr], pl.Expr]

_SPECIAL_RE = re.compile(r'[\x00-\x1f"\\]')


def _plain(decided: Decided) -> bool:
    """Whether no text that a reason or row can show holds a character JSON escapes.

    The sentences are the library's own; what they quote comes from the rows' text columns
    and the agreements' terms. When none of those holds a quote, a backslash or a control
    character, every string is written as it is, without looking at each one.
    """
    texts = decided.rows.select(pl.col(pl.String))
    special = texts.select(
        pl.any_horizontal(pl.all().str.contains(_SPECIAL_RE.pattern).fill_null(False)).any()
    ).item()
    if special:
        return False
    return not any(_has_special(c.terms.model_dump(mode="json")) for c in decided.plan.compiled)


def _has_special(value: Any) -> bool:
    if isinstance(value, str):
        return _SPECIAL_RE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_special(k) or _has_special(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_special(v) for v in value)
    return False


def _flag(value: pl.Expr) -> pl.Expr:
    return pl.when(value).then(pl.lit("true")).otherwise(pl.lit("false"))


def _time(text: pl.Expr, q: Quote) -> pl.Expr:
    """An ISO time as pydantic writes it: ``Z`` for UTC."""
    return q(
        pl.when(text.str.ends_with("+00:00"))
        .then(text.str.replace(r"\+00:00$", "Z"))
        .otherwise(text)
    )


def _items(column: str, value: Value, indent: int, q: Quote) -> pl.Expr:
    """A list of a fixed length, from its items' rendered columns."""
    assert value.items is not None
    pad = " " * (indent + 2)
    if not value.items:
        return pl.lit("[]")
    items = pl.concat_str(
        [pl.concat_str(pl.lit(pad), q(pl.col(f"{column}:{n}"))) for n in range(len(value.items))],
        separator=",\n",
    )
    block = pl.concat_str(pl.lit("[\n"), items, pl.lit("\n" + " " * indent + "]"))
    return block if value.where is None else pl.when(pl.col(f"{column}:where")).then(block)


def _value(expr: pl.Expr, kind: ValueType, indent: int, q: Quote) -> pl.Expr:
    if kind == "integer":
        return expr.cast(pl.String)
    if kind == "boolean":
        return _flag(expr)
    if kind in ("texts", "integers"):
        pad = " " * (indent + 2)
        item = q(pl.element()) if kind == "texts" else pl.element().cast(pl.String)
        items = expr.list.eval(pl.concat_str(pl.lit(pad), item)).list.join(",\n")
        return (
            pl.when(expr.list.len() == 0)
            .then(pl.lit("[]"))
            .otherwise(pl.concat_str(pl.lit("[\n"), items, pl.lit("\n" + " " * indent + "]")))
        )
    return q(expr)


def _values(rule: str, values: dict[str, Value], indent: int, q: Quote) -> pl.Expr:
    """The ``values`` object of a rule's reason (its given values only)."""
    if not values:
        return pl.lit("{}")
    pad = " " * (indent + 2)
    entries = []
    for key, value in values.items():
        column = pl.col(f"{rule}:v:{key}")
        if value.items is not None:
            written = _items(f"{rule}:v:{key}", value, indent + 2, q)
        else:
            written = pl.when(column.is_not_null()).then(_value(column, value.type, indent + 2, q))
        entries.append(pl.concat_str(pl.lit(f'{pad}"{key}": '), written))
    joined = pl.concat_str(entries, separator=",\n", ignore_nulls=True)
    return (
        pl.when(joined == "")
        .then(pl.lit("{}"))
        .otherwise(pl.concat_str(pl.lit("{\n"), joined, pl.lit("\n" + " " * indent + "}")))
    )


def _reason(rule: str, values: dict[str, Value], q: Quote, clause: str | None) -> pl.Expr:
    p12, p14 = " " * 12, " " * 14
    quoted_clause = (
        "" if clause is None else f',\n{p14}"clause": {json.dumps(clause, ensure_ascii=False)}'
    )
    return pl.concat_str(
        pl.lit(f'{p12}{{\n{p14}"rule": "{rule}",\n{p14}"ok": '),
        _flag(pl.col(f"{rule}:ok")),
        pl.lit(f',\n{p14}"detail": '),
        q(pl.col(f"{rule}:detail")),
        pl.lit(f',\n{p14}"code": '),
        quoted(pl.col(f"{rule}:code")),
        pl.lit(f',\n{p14}"values": '),
        _values(rule, values, 14, q),
        pl.lit(f"{quoted_clause}\n{p12}}}"),
    )


def _adjustments(decided: Decided, i: int) -> pl.Expr:
    """The ``adjustments`` list of each outcome (rendered by ``json.dumps``: they are few)."""
    texts: dict[int, str] = {}
    c = decided.plan.compiled[i]
    for line, found in decided.adjustments[i].items():
        blocks = []
        for a in found:
            item = {
                "rule": a.rule,
                "detail": a.detail,
                "amount": str(a.amount),
                "limit": a.limit,
                "code": a.code,
                "values": a.values,
            }
            if a.rule in c.clauses:
                item["clause"] = c.clauses[a.rule]
            dumped = json.dumps(item, indent=2, ensure_ascii=False)
            blocks.append("\n".join(" " * 12 + part for part in dumped.split("\n")))
        texts[line] = "[\n" + ",\n".join(blocks) + "\n" + " " * 10 + "]"
    return lookup(pl.col("line"), texts, "[]", pl.String).alias("adjustments")


def _outcome(decided: Decided, i: int, frame: pl.DataFrame, q: Quote) -> pl.Series:
    """Each row's outcome of agreement ``i`` as a JSON block (indent 8)."""
    c = decided.plan.compiled[i]
    env = decided.envs[i]
    reasons = reason_columns(c, env)
    rendered = (
        render(frame, c, env)
        .with_columns(outcome_view(frame))
        .with_columns(_adjustments(decided, i))
    )
    p8, p10 = " " * 8, " " * 10
    block = pl.concat_str(
        pl.lit(f'{p8}{{\n{p10}"agreement": {json.dumps(c.id)},\n{p10}"qualifies": '),
        _flag(pl.col("o:qualifies")),
        pl.lit(f',\n{p10}"qualifying_hours": '),
        quoted(pl.col("o:hours")),
        pl.lit(f',\n{p10}"amount": '),
        quoted(pl.col("o:amount")),
        pl.lit(f',\n{p10}"reasons": [\n'),
        pl.concat_str(
            [_reason(rule, reasons[rule].values, q, c.clauses.get(rule)) for rule in RULES],
            separator=",\n",
        ),
        pl.lit(f'\n{p10}],\n{p10}"adjustments": '),
        pl.col("adjustments"),
        pl.lit(f',\n{p10}"day_part": '),
        q(pl.col("o:day_part")),
        pl.lit(f"\n{p8}}}"),
    )
    return rendered.select(block.alias("b"))["b"]


def outcome_view(frame: pl.DataFrame) -> list[pl.Series]:
    """The outcome's own fields, as the JSON block reads them."""
    from .._money import hundredths_text
    from ..rules import hours

    view = frame.select(
        pl.col("qualifies").alias("o:qualifies"),
        hours.text().alias("o:hours"),
        hundredths_text(pl.col("amount")).alias("o:amount"),
        pl.col("day_part").alias("o:day_part"),
    )
    return list(view.iter_columns())


def _row_blocks(decided: Decided, claims: bool) -> Any:
    q: Quote = quoted if _plain(decided) else js
    rows = row_columns(decided)
    outcomes = [o.sort("line") for o in decided.outcomes]
    p4, p6 = " " * 4, " " * 6
    for start in range(0, rows.height, BATCH):
        part = rows.slice(start, BATCH)
        blocks = [_outcome(decided, i, o.slice(start, BATCH), q) for i, o in enumerate(outcomes)]
        part = part.with_columns(
            pl.DataFrame([b.rename(f"o{i}") for i, b in enumerate(blocks)])
            .select(pl.concat_str(pl.all(), separator=",\n").alias("#o"))
            .to_series()
        )
        tail = pl.lit(f"\n{p6}]")
        if claims:
            given = pl.col("paid").is_not_null()
            tail = pl.concat_str(
                tail,
                pl.lit(f',\n{p6}"paid": '),
                q(pl.col("paid")),
                pl.lit(f',\n{p6}"difference": '),
                quoted(pl.when(given).then(pl.col("difference"))),
            )
        if part["note"].null_count() < part.height:
            note = pl.concat_str(pl.lit(f',\n{p6}"note": '), js(pl.col("note")))
            tail = pl.concat_str(
                tail, pl.when(pl.col("note").is_not_null()).then(note).otherwise(pl.lit(""))
            )
        block = pl.concat_str(
            pl.lit(f'{p4}{{\n{p6}"line": '),
            pl.col("line").cast(pl.String),
            pl.lit(f',\n{p6}"employee_id": '),
            q(pl.col("employee_id")),
            pl.lit(f',\n{p6}"classification": '),
            q(pl.col("classification")),
            pl.lit(f',\n{p6}"status": '),
            q(pl.col("status")),
            pl.lit(f',\n{p6}"start": '),
            _time(pl.col("start"), quoted),
            pl.lit(f',\n{p6}"end": '),
            _time(pl.col("end"), quoted),
            pl.lit(f',\n{p6}"hours": '),
            quoted(pl.col("hours")),
            pl.lit(f',\n{p6}"amount": '),
            quoted(pl.col("amount")),
            pl.lit(f',\n{p6}"outcomes": [\n'),
            pl.col("#o"),
            tail,
            pl.lit(f"\n{p4}}}"),
        )
        yield part.select(block.alias("b"))["b"]


def _indented(values: pl.Series, indent: int) -> pl.Series:
    """JSON objects (text) as ``json.dumps`` writes them at ``indent``, each once."""
    distinct = values.unique()
    written = [_pretty(json.loads(v), indent) for v in distinct]
    return values.replace_strict(distinct, pl.Series(written, dtype=pl.String))


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _pretty(values: dict[str, Any], indent: int) -> str:
    """An object of values as ``json.dumps(values, indent=2)`` writes it at ``indent``
    (the encoder's C speed serves each value; an object of them would not get it)."""
    if not values:
        return "{}"
    pad = " " * (indent + 2)
    items = []
    for key, value in values.items():
        said = _ENCODER.encode(value)
        if isinstance(value, list | dict) and value:
            said = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad)
        items.append(f"{pad}{_ENCODER.encode(key)}: {said}")
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def _error_blocks(decided: Decided) -> Any:
    p4, p6 = " " * 4, " " * 6
    errors = decided.errors
    for start in range(0, errors.height, BATCH):
        part = errors.slice(start, BATCH)
        part = part.with_columns(_indented(part["values"], 6).alias("values"))
        yield part.select(
            pl.concat_str(
                pl.lit(f'{p4}{{\n{p6}"line": '),
                pl.col("line").cast(pl.String),
                pl.lit(f',\n{p6}"field": '),
                js(pl.col("field")),
                pl.lit(f',\n{p6}"code": '),
                js(pl.col("code")),
                pl.lit(f',\n{p6}"message": '),
                js(pl.col("message")),
                pl.lit(f',\n{p6}"values": '),
                pl.col("values"),
                pl.lit(f',\n{p6}"employee_id": '),
                js(pl.col("employee_id")),
                pl.lit(f"\n{p4}}}"),
            ).alias("b")
        )["b"]

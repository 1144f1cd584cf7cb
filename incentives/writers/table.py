"""The report as a terminal table, with the rows in error and the totals under it."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .._report import Report, RowResult


def _money(value: object) -> str:
    return "" if value is None else str(value)


def failed_rules(row: RowResult) -> list[str]:
    """``agreement:rule`` for every failed rule of every outcome."""
    return [f"{o.agreement}:{rule}" for o in row.outcomes for rule in o.failed]


def _when(row: RowResult) -> str:
    """``2020-12-27 07:00–19:00``, ``2020-12-26 19:00–07:00+1`` for an end on a later day
    (``+1``: the next day); the zone's abbreviation only where it changes (DST)."""
    start, end = row.start, row.end
    zones = start.tzname() != end.tzname()
    first = f"{start:%Y-%m-%d %H:%M}" + (f" {start:%Z}" if zones else "")
    days = (end.date() - start.date()).days
    last = f"{end:%H:%M}" + (f"+{days}" if days else "")
    return f"{first}–{last}" + (f" {end:%Z}" if zones else "")


def _why(row: RowResult, single: bool) -> str:
    """What the last column says: ``qualifies``, the agreements it qualifies for, or the
    failed rules."""
    if single:
        failed = [rule for o in row.outcomes for rule in o.failed]
        return "qualifies" if row.qualifies else ", ".join(failed)
    return ", ".join(row.qualifies) if row.qualifies else ", ".join(failed_rules(row))


def _fits(report: Report, width: int) -> bool:
    """Whether the table fits ``width`` columns with no word of its last column cut: the
    numbers, times and ids take their full width, and the longest name in the last column
    (``agreement:rule``) must fit in what is left."""
    rows, single = report.rows, len(report.agreements) == 1
    fixed = [
        [str(r.line) for r in rows] + ["Line"],
        [r.employee_id for r in rows] + ["Employee"],
        [_when(r) for r in rows] + ["Shift"],
        [str(r.hours) for r in rows] + ["Hours"],
        [str(r.amount) for r in rows] + ["Amount"],
    ]
    if report.claims:
        fixed += [[_money(r.paid) for r in rows] + ["Paid"]]
        fixed += [[_money(r.difference) for r in rows] + ["Owed"]]
    used = sum(max(len(v) for v in column) for column in fixed) + len(fixed)
    words = [w for r in rows for w in _why(r, single).split(" ")]
    return width - used >= max([9, *(len(w) for w in words)])


def report_table(report: Report, console: Console) -> None:
    """The report as a terminal table, with errors and totals under it; where the table
    would cut a word of its last column, a block per row instead."""
    claims = report.claims
    single = len(report.agreements) == 1
    against = report.agreements[0].id if single else f"{len(report.agreements)} agreements"
    table = Table(
        title=f"Shifts against {against} (times in {report.timezone})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
        expand=False,
    )

    def widest(values: Iterable[object], header: str) -> int:
        return max([len(header), *(len(str(v)) for v in values)])

    rows = report.rows
    if not _fits(report, console.width):
        console.print(table.title)
        _blocks(report, console)
        _footer(report, console)
        return
    # Numbers, times and ids are never cut or wrapped; the last column wraps between words.
    table.add_column("Line", justify="right", no_wrap=True)
    table.add_column("Employee", no_wrap=True)
    table.add_column("Shift", no_wrap=True, min_width=widest(map(_when, rows), "Shift"))
    table.add_column("Hours", justify="right", no_wrap=True)
    table.add_column(
        "Amount", justify="right", no_wrap=True, min_width=widest((r.amount for r in rows), "")
    )
    if claims:
        table.add_column(
            "Paid", justify="right", no_wrap=True, min_width=widest((r.paid for r in rows), "")
        )
        table.add_column(
            "Owed",
            justify="right",
            no_wrap=True,
            min_width=widest((r.difference for r in rows), ""),
        )
    table.add_column(
        "Qualifies / failed rules" if single else "Qualifies for / failed rules",
        min_width=9,
    )
    for row in report.rows:
        why = _why(row, single)
        style = "green" if row.qualifies else "dim"
        cells: list[str | Text] = [
            str(row.line),
            row.employee_id,
            _when(row),
            str(row.hours),
            Text(str(row.amount), style="bold" if row.amount else ""),
        ]
        if claims:
            diff = row.difference
            cells += [
                _money(row.paid),
                Text(
                    _money(diff),
                    style="red" if diff and diff > 0 else ("yellow" if diff and diff < 0 else ""),
                ),
            ]
        cells.append(Text(why, style=style))
        table.add_row(*cells)
    console.print(table)
    _footer(report, console)


def _blocks(report: Report, console: Console) -> None:
    """A block per row: where, the amounts, then what it qualifies for or failed, wrapped
    between words and indented."""
    single = len(report.agreements) == 1
    for row in report.rows:
        money = f"amount {row.amount}"
        if report.claims:
            money += f"   paid {_money(row.paid) or '-'}   owed {_money(row.difference) or '-'}"
        why = _why(row, single)
        said = why if single or not row.qualifies else f"qualifies for {why}"
        if not row.qualifies:
            said = f"failed: {why}"
        style = "green" if row.qualifies else "dim"
        console.print(
            Text(f"\nLine {row.line}   {row.employee_id}   {_when(row)}   {row.hours} hours")
        )
        console.print(Padding(Text(money), (0, 0, 0, 2), expand=False))
        console.print(Padding(Text(said, style=style), (0, 0, 0, 2), expand=False))


def _footer(report: Report, console: Console) -> None:
    """The rows in error and the totals, under the table."""
    claims = report.claims
    if report.errors:
        errors = Table(title="Rows not evaluated", title_justify="left")
        errors.add_column("Line", justify="right")
        errors.add_column("Field")
        errors.add_column("Problem")
        for error in report.errors:
            errors.add_row(str(error.line), error.field or "", error.message)
        console.print(errors)
    t = report.totals
    lines = [
        f"Rows {t.rows}: {t.evaluated} evaluated, {t.errors} in error, {t.qualifying} qualifying.",
        f"Total incentive: {t.amount}",
    ]
    if claims:
        lines.append(
            f"Paid: {t.paid}   underpaid (owed to members): {t.underpaid}   overpaid: {t.overpaid}"
        )
        lines.append("Owed = amount - paid: positive is owed to the member, negative overpaid.")
    lines += _overtime_lines(report)
    amended = [
        f"{a.id}: {len(a.amendments_applied)} amendment(s) applied"
        for a in report.agreements
        if a.amendments_applied
    ]
    lines += amended
    console.print("\n" + "\n".join(lines))


def _overtime_lines(report: Report) -> list[str]:
    """The overtime totals, apart from the incentives, when an overtime rule applies."""
    t, periods = report.totals, report.overtime
    if periods is None:
        return []
    owing = sum(1 for p in periods if p.owed > 0)
    lines = [
        f"Overtime premium without incentives: {t.overtime_premium}   added by the incentives:"
        f" {t.overtime_owed} (in {owing} of {len(periods)} periods)"
    ]
    if t.overtime_paid is not None:
        lines.append(
            f"Overtime paid: {t.overtime_paid}   underpaid: {t.overtime_underpaid}"
            f"   overpaid: {t.overtime_overpaid}"
        )
    return lines

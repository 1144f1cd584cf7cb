"""The report as a terminal table, with the rows in error and the totals under it."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._report import Report, RowResult


def _money(value: object) -> str:
    return "" if value is None else str(value)


def failed_rules(row: RowResult) -> list[str]:
    """``agreement:rule`` for every failed rule of every outcome."""
    return [f"{o.agreement}:{rule}" for o in row.outcomes for rule in o.failed]


def _when(row: RowResult) -> str:
    """``2020-12-27 07:00–19:00``; the zone's abbreviation only where it changes (DST)."""
    start, end = row.start, row.end
    zones = start.tzname() != end.tzname()
    first = f"{start:%Y-%m-%d %H:%M}" + (f" {start:%Z}" if zones else "")
    last = f"{end:%H:%M}" if start.date() == end.date() else f"{end:%m-%d %H:%M}"
    return f"{first}–{last}" + (f" {end:%Z}" if zones else "")


def report_table(report: Report, console: Console) -> None:
    """The report as a terminal table, with errors and totals under it."""
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
    # Numbers and times are never cut or wrapped; the words in the last column wrap.
    table.add_column("Line", justify="right", no_wrap=True)
    table.add_column(
        "Employee", min_width=min(12, widest((r.employee_id for r in rows), "Employee"))
    )
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
        overflow="fold",
    )
    for row in report.rows:
        if single:
            failed = [rule for o in row.outcomes for rule in o.failed]
            why = "qualifies" if row.qualifies else ", ".join(failed)
        else:
            why = ", ".join(row.qualifies) if row.qualifies else ", ".join(failed_rules(row))
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

"""Writing a report: CSV (safe to open in a spreadsheet), a terminal table, and the
plain-words explanation of one row."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._agreement import Agreement
from ._report import Report, RowError, RowResult

CSV_COLUMNS = (
    "line",
    "employee_id",
    "start",
    "end",
    "hours",
    "amount",
    "paid",
    "difference",
    "qualifies",
    "failed",
    "error",
)
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (plain numbers are left alone)."""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _money(value: object) -> str:
    return "" if value is None else str(value)


def failed_rules(row: RowResult) -> list[str]:
    """``agreement:rule`` for every failed rule of every outcome."""
    return [f"{o.agreement}:{rule}" for o in row.outcomes for rule in o.failed]


def report_csv(report: Report) -> str:
    """One record per input row, in line order, error rows included (SPEC section 7)."""
    return write_csv(csv_records(report))


def csv_records(report: Report) -> list[tuple[int, list[str]]]:
    """The CSV report's records as ``(line, cells)``, in line order, cells made safe."""
    items: list[RowResult | RowError] = [*report.rows, *report.errors]
    items.sort(key=lambda item: item.line)
    records: list[tuple[int, list[str]]] = []
    for item in items:
        if isinstance(item, RowResult):
            cells = [
                str(item.line),
                item.employee_id,
                item.start.isoformat(),
                item.end.isoformat(),
                str(item.hours),
                str(item.amount),
                _money(item.paid),
                _money(item.difference),
                ";".join(item.qualifies),
                ";".join(failed_rules(item)),
                "",
            ]
        else:
            field = f"{item.field}: " if item.field else ""
            cells = [
                str(item.line),
                item.employee_id or "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                f"{field}{item.message}",
            ]
        records.append((item.line, [safe_cell(c) for c in cells]))
    return records


def write_csv(records: Iterable[tuple[int, list[str]]]) -> str:
    """The CSV report's text: the header, then ``records`` (already in line order)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(cells for _, cells in records)
    return out.getvalue()


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
    amended = [
        f"{a.id}: {len(a.amendments_applied)} amendment(s) applied"
        for a in report.agreements
        if a.amendments_applied
    ]
    lines += amended
    console.print("\n" + "\n".join(lines))


def explain_text(report: Report, line: int, agreements: list[Agreement], source: str) -> str:
    """One row, rule by rule, in plain words (the ``explain`` command)."""
    item = report.row(line)
    if isinstance(item, RowError):
        field = f" (field {item.field})" if item.field else ""
        return f"Line {line} of {source} was not evaluated{field}: {item.message}\n"
    row = item
    out = [
        f"Line {line} of {source}: employee {row.employee_id}, {row.classification}"
        + ("" if row.status == "worked" else f", {row.status}"),
        f"  {row.start:%Y-%m-%d %H:%M %Z} to {row.end:%Y-%m-%d %H:%M %Z}: {row.hours} net hours",
        "",
    ]
    by_id = {a.id: a for a in agreements}
    for outcome in row.outcomes:
        agreement = by_id[outcome.agreement]
        summary = next(s for s in report.agreements if s.id == outcome.agreement)
        out.append(f"{agreement.id}: {agreement.title}")
        terms = agreement.terms(report.as_of)
        if summary.amendments_applied:
            parts = ", ".join(f"{part} from the {src}" for part, src in terms.sources.items())
            out.append(f"  terms: as amended ({parts})")
        else:
            out.append("  terms: as signed, no amendments applied")
        if outcome.day_part:
            out.append(f"  day-part: starts in {outcome.day_part}")
        width = max(len(r.rule) for r in outcome.reasons)
        for reason in outcome.reasons:
            mark = "pass" if reason.ok else "FAIL"
            out.append(f"  [{mark}] {reason.rule:<{width}}  {reason.detail}")
        for adjustment in outcome.adjustments:
            out.append(f"  [{adjustment.rule}] {adjustment.detail} ({adjustment.amount})")
        if outcome.qualifies:
            verdict = (
                f"qualifies with {outcome.qualifying_hours} qualifying hours; pays {outcome.amount}"
            )
        else:
            failed = ", ".join(outcome.failed)
            verdict = f"does not qualify (failed: {failed}); pays {outcome.amount}"
        out += [f"  => {verdict}", ""]
    total = f"Amount for this shift: {row.amount}"
    if report.claims:
        if row.paid is None:
            total += " (nothing recorded as paid)"
        else:
            total += f"; paid {row.paid}; difference {row.difference}"
            if row.difference and row.difference > 0:
                total += f" (underpaid by {row.difference})"
            elif row.difference and row.difference < 0:
                total += f" (overpaid by {-row.difference})"
    out.append(total)
    return "\n".join(out) + "\n"

"""The oracle's writers: the CSV report and the plain-words explanation of one row (0.1)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from incentives._agreement import Agreement

from .report import Report, RowError, RowResult

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
    lines = [",".join(CSV_COLUMNS)]
    lines.extend(",".join(_quoted(c) for c in cells) for _, cells in records)
    return "\n".join(lines) + "\n"


def _quoted(cell: str) -> str:
    """RFC 4180: a cell holding a comma, a quote or a line break (CR included) is quoted."""
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


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
        clauses_failed = [r.clause for r in outcome.reasons if r.clause and not r.ok]
        said: list[str] = []
        for reason in outcome.reasons:
            mark = "pass" if reason.ok else "FAIL"
            out.append(f"  [{mark}] {reason.rule:<{width}}  {reason.detail}")
            # Each clause once: under the first rule that failed for it, else the first.
            clause = reason.clause
            if clause and clause not in said and (not reason.ok or clause not in clauses_failed):
                out.append(" " * (width + 11) + clause)
                said.append(clause)
        for adjustment in outcome.adjustments:
            out.append(f"  [{adjustment.rule}] {adjustment.detail} ({adjustment.amount})")
            if adjustment.clause:
                out.append("    " + adjustment.clause)
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

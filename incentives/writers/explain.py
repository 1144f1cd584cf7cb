"""One row of a report, rule by rule, in plain words (the ``explain`` command)."""

from __future__ import annotations

from .._agreement import Agreement
from .._overtime import arithmetic
from .._report import Reason, Report, RowError


def quoted_once(reasons: list[Reason]) -> set[int]:
    """Which reasons show their clause: each clause once, under the first rule that
    failed for it, else under the first rule that quotes it (the eligibility rules share
    one clause, and it is said once)."""
    failed = {r.clause for r in reasons if r.clause and not r.ok}
    shown: set[int] = set()
    said: set[str] = set()
    for i, reason in enumerate(reasons):
        clause = reason.clause
        if clause and clause not in said and (reason.ok is False or clause not in failed):
            shown.add(i)
            said.add(clause)
    return shown


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
        *([f"  note: {row.note}"] if row.note else []),
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
        quoted = quoted_once(outcome.reasons)
        for i, reason in enumerate(outcome.reasons):
            mark = "pass" if reason.ok else "FAIL"
            out.append(f"  [{mark}] {reason.rule:<{width}}  {reason.detail}")
            if i in quoted:
                out.append(f"  {'':<{width + 9}}{reason.clause}")
        for adjustment in outcome.adjustments:
            out.append(f"  [{adjustment.rule}] {adjustment.detail} ({adjustment.amount})")
            if adjustment.clause:
                out.append(f"    {adjustment.clause}")
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
    decided = report._decided
    if decided is not None:
        steps = arithmetic(decided, line)
        out += ["", *steps] if steps else []
    return "\n".join(out) + "\n"

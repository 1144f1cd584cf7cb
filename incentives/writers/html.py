"""The member's report: one self-contained HTML document a union representative can hand
over, per member the agreements in force, the totals, a picture of each workweek and the
shifts with the reasons of those that fail or are underpaid.

Nothing is fetched when it is opened (styles and pictures are in the file) and it prints
to PDF from a browser with each member on a new page. Every name and value from the files
is escaped by the template engine (Jinja2, autoescaping on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from importlib.resources import files
from typing import Literal, TextIO
from zoneinfo import ZoneInfo

import jinja2
import polars as pl

from .. import _people, _time
from .._agreement import Agreement, PayPeriod, parse_day_part
from .._report import Reason, Report, RowError, RowResult
from .._terms import Compiled, Span
from .explain import quoted_once
from .week import Drawn, Week, week

Only = Literal["underpaid", "qualifying", "failed"]
ONLY: tuple[Only, ...] = ("underpaid", "qualifying", "failed")


@dataclass(frozen=True)
class Said:
    """One reason as the document gives it: the agreement and rule, the words, the
    agreement's own words for the term (when its file quotes them), and the lines of the
    absences that forfeit the shift."""

    rule: str
    words: str
    clause: str | None = None
    absences: tuple[int, ...] = ()


@dataclass(frozen=True)
class Shift:
    """One row as the document shows it."""

    row: RowResult
    when: str
    kind: str
    """``qualifies``, ``underpaid``, ``fails`` or ``absence``: the bar's colour."""
    verdict: str
    reasons: list[Said]
    """Every failed rule and adjustment, when it matters."""
    beyond: Fraction | None = None
    """Hours beyond the FTE threshold, when it is reached inside the shift."""

    @property
    def underpaid(self) -> bool:
        return self.row.difference is not None and self.row.difference > 0


@dataclass
class Member:
    """One member's part of the document."""

    employee_id: str
    shifts: list[Shift] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def total(self, name: Literal["amount", "paid", "difference"]) -> Decimal:
        return sum((getattr(s.row, name) or Decimal(0) for s in self.shifts), Decimal(0))


def members(
    report: Report,
    agreements: Sequence[Agreement],
    employees: Sequence[str] = (),
    only: Only | None = None,
) -> list[Member]:
    """The members of the report (those of ``employees``, when given, in that order), each
    with the shifts ``only`` asks for; a member with none is left out."""
    found: dict[str, Member] = {}
    for row in report.rows:
        shift = _shift(row, report.claims)
        if _wanted(shift, only):
            found.setdefault(row.employee_id, Member(row.employee_id)).shifts.append(shift)
    for error in report.errors:
        if error.employee_id in found and only is None:
            found[error.employee_id].errors.append(error)
    order = list(employees) if employees else sorted(found)
    chosen = [found[e] for e in order if e in found]
    drawing = _Drawing.of(agreements, report.as_of, _time.zone(report.timezone))
    periods = _periods(chosen, drawing)
    for member in chosen:
        member.weeks = _weeks(member, drawing, periods)
    return chosen


@dataclass(frozen=True)
class _Drawing:
    """What every picture of a document shares, from the engine's compiled terms: the
    first agreement's calendar (its workweeks, or its pay periods where a rule counts per
    pay period) and day-parts, and the windows of every agreement as instants."""

    tz: ZoneInfo
    first: Compiled
    scope: Literal["workweek", "pay_period"]
    windows: list[tuple[datetime, datetime]]
    parts: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, agreements: Sequence[Agreement], as_of: date | None, tz: ZoneInfo) -> _Drawing:
        compiled = [Compiled.of(a, as_of) for a in agreements]
        first = compiled[0]
        per_pay_period = _counted_per_pay_period(first.agreement, as_of) is not None
        windows = [
            (datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz))
            for c in compiled
            for start, end in c.windows
        ]
        parts = {n: parse_day_part(p) for n, p in first.terms.periods.items()}
        scope: Literal["workweek", "pay_period"] = "pay_period" if per_pay_period else "workweek"
        return cls(tz, first, scope, windows, parts)

    @property
    def name(self) -> str:
        return "Pay period" if self.scope == "pay_period" else "Workweek"


def _periods(chosen: Sequence[Member], drawing: _Drawing) -> dict[int, tuple[int, int]]:
    """The period each shift (by line) is pictured in, as instants ``[start, end)``,
    decided by the engine's own calendar for every shift at once."""
    lines = [s.row.line for m in chosen for s in m.shifts]
    starts = [int(s.row.start.timestamp()) for m in chosen for s in m.shifts]
    if not starts:
        return {}
    first, scope = drawing.first, drawing.scope
    table = Span(min(starts), max(starts)).offsets(first.tz, first.scope_days(scope))
    frame = pl.DataFrame({"t": starts}, schema={"t": pl.Int64})
    found = first.scope(scope).add(frame, "t", table, "p")
    return dict(zip(lines, zip(found["p.start"], found["p.end"], strict=True), strict=True))


def _wanted(shift: Shift, only: Only | None) -> bool:
    if only == "underpaid":
        return shift.underpaid
    if only == "qualifying":
        return shift.kind in ("qualifies", "underpaid")
    if only == "failed":
        return shift.kind == "fails"
    return True


def _shift(row: RowResult, claims: bool) -> Shift:
    qualifying = [o for o in row.outcomes if o.qualifies]
    underpaid = row.difference is not None and row.difference > 0
    if row.status != "worked":
        kind, verdict = "absence", f"{row.status}: no incentive"
    elif qualifying:
        kind = "underpaid" if underpaid else "qualifies"
        verdict = "qualifies under " + ", ".join(o.agreement for o in qualifying)
    else:
        kind, verdict = "fails", "does not qualify"
    reasons: list[Said] = []
    if kind in ("fails", "underpaid") or any(o.adjustments for o in row.outcomes):
        for outcome in row.outcomes:
            shown = quoted_once(outcome.reasons)
            reasons += [
                _said(outcome.agreement, r, i in shown)
                for i, r in enumerate(outcome.reasons)
                if not r.ok
            ]
            reasons += [
                Said(f"{outcome.agreement}: {a.rule}", a.detail, a.clause)
                for a in outcome.adjustments
            ]
    when = _people.span(row.start, row.end)
    return Shift(row, when, kind, verdict, reasons, _beyond(row))


def _said(agreement: str, reason: Reason, quoted: bool) -> Said:
    lines = reason.values.get("lines") if reason.rule == "attendance" else None
    clause = reason.clause if quoted else None
    return Said(f"{agreement}: {reason.rule}", reason.detail, clause, tuple(lines or ()))


def _beyond(row: RowResult) -> Fraction | None:
    """The hours beyond the FTE threshold of the first qualifying outcome that counts
    them, when the threshold is reached inside the shift (some hours, not all)."""
    for outcome in row.outcomes:
        extra = next((r for r in outcome.reasons if r.rule == "extra"), None)
        if not outcome.qualifies or extra is None or "beyond_hours" not in extra.values:
            continue
        beyond, net = Fraction(extra.values["beyond_hours"]), Fraction(extra.values["net_hours"])
        if 0 < beyond < net:
            return beyond
    return None


def _weeks(member: Member, drawing: _Drawing, periods: dict[int, tuple[int, int]]) -> list[Week]:
    """A picture of every period with a shift of the member (``periods``, by line)."""
    starts: dict[tuple[int, int], list[Shift]] = {}
    for shift in member.shifts:
        starts.setdefault(periods[shift.row.line], []).append(shift)
    forfeits = _forfeits(member)
    tz = drawing.tz
    return [
        week(
            datetime.fromtimestamp(begin, tz),
            datetime.fromtimestamp(end, tz),
            tz,
            drawing.windows,
            [_drawn(s, forfeits) for s in shifts],
            drawing.parts,
            drawing.name,
        )
        for (begin, end), shifts in sorted(starts.items())
    ]


def _counted_per_pay_period(agreement: Agreement, as_of: date | None) -> PayPeriod | None:
    """The agreement's pay period, when a rule of it counts per pay period."""
    terms = agreement.terms(as_of)
    thresholds = terms.extra.beyond_fte and terms.extra.scope == "pay_period"
    absences = bool(terms.attendance.forfeit_on) and terms.attendance.scope == "pay_period"
    return agreement.pay_period if thresholds or absences else None


def _forfeits(member: Member) -> dict[int, list[int]]:
    """The lines of the shifts each absence (by line) forfeits."""
    found: dict[int, list[int]] = {}
    for shift in member.shifts:
        for said in shift.reasons:
            for line in said.absences:
                found.setdefault(line, []).append(shift.row.line)
    return found


def _drawn(shift: Shift, forfeits: dict[int, list[int]]) -> Drawn:
    lost = forfeits.get(shift.row.line, [])
    said = f"{shift.row.status}: forfeits line{'s' if len(lost) > 1 else ''} " + ", ".join(
        str(n) for n in sorted(set(lost))
    )
    title = f"line {shift.row.line}: {shift.when}"
    return Drawn(
        shift.row.start,
        shift.row.end,
        shift.kind,
        shift.row.line,
        title,
        shift.beyond,
        said if lost else "",
    )


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(_template)
    environment = jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined
    )
    environment.filters["money"] = _people.money
    environment.filters["day"] = _people.day
    return environment


def _template(name: str) -> str:
    return (files("incentives.writers") / "templates" / name).read_text(encoding="utf-8")


def report_html(
    report: Report,
    agreements: Sequence[Agreement],
    employees: Sequence[str] = (),
    only: Only | None = None,
) -> str:
    """The document, as HTML text."""
    return render_members(report, agreements, members(report, agreements, employees, only), only)


def render_members(
    report: Report, agreements: Sequence[Agreement], chosen: list[Member], only: Only | None
) -> str:
    """The document of the members :func:`members` chose, as HTML text."""
    template = _environment().get_template("report.html")
    terms = [a.terms(report.as_of) for a in agreements]
    legend = {
        "threshold": any(t.extra.beyond_fte for t in terms),
        "parts": any(t.periods for t in terms),
    }
    return template.render(
        report=report, members=chosen, only=only, agreements=agreements, legend=legend
    )


def write_html(
    report: Report,
    agreements: Sequence[Agreement],
    out: TextIO,
    employees: Sequence[str] = (),
    only: Only | None = None,
) -> None:
    """Writes the document to a text stream."""
    out.write(report_html(report, agreements, employees, only))

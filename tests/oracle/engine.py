"""The oracle: SPEC section 5 decided one row at a time, plainly and slowly.

It is the scalar engine of incentives 0.1, stripped of its caches. It takes agreements
and shifts and returns a report of the 0.1 models (no reason codes or values). Rules
that look across shifts (beyond-FTE thresholds, attendance, double claims, limits,
stacking) work per employee, on that employee's rows in order of start (ties by line), so
the result never depends on the order of the input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from incentives import Shift, _time
from incentives._agreement import Agreement

from .calendar import Period
from .errors import AgreementError, ShiftFileError, TimeError, ValueRefused
from .report import (
    Adjustment,
    AgreementSummary,
    AmendmentApplied,
    Outcome,
    Reason,
    Report,
    RowError,
    RowResult,
    Rule,
    Totals,
    trusted,
)
from .rows import Row, RowProblem, TimeReader, norm, read_row
from .shifts import ShiftBatch
from .terms import Compiled

ZERO = Decimal("0.00")
_CENT = Decimal("0.01")
_LIMIT_WORDS = {
    "max_amount_per_shift": "a shift",
    "max_amount_per_workweek": "a workweek",
    "max_amount_per_pay_period": "a pay period",
    "max_amount_total": "in total",
}


# --------------------------------------------------------------------------- numbers


def round_half_up(value: Fraction, step: Fraction) -> Fraction:
    """``value`` to the nearest multiple of ``step``, halves away from zero."""
    units = abs(value) / step
    whole = (2 * units.numerator + units.denominator) // (2 * units.denominator)
    return (whole * step) if value >= 0 else -(whole * step)


def cents(value: Fraction | Decimal) -> Decimal:
    """Money rounded half-up to the cent."""
    if isinstance(value, Decimal):
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)
    n, d = value.numerator, value.denominator
    whole = (200 * n + d) // (2 * d) if n >= 0 else -((-200 * n + d) // (2 * d))
    return Decimal(whole).scaleb(-2)


def two_places(value: Fraction) -> Decimal:
    """Hours written with two decimals, half-up."""
    return cents(value)


def _h(value: Fraction) -> str:
    return str(two_places(value))


def _num(value: Decimal | Fraction) -> str:
    """A number as people write it: 0.9, 40, 36 (no trailing zeros)."""
    dec = value if isinstance(value, Decimal) else two_places(value)
    text = f"{dec.normalize():f}"
    return text


# --------------------------------------------------------------------------- decisions


@dataclass(slots=True)
class _Decision:
    """One agreement's verdict on one row, before limits and stacking."""

    reasons: list[Reason]
    hours: Fraction
    amount: Decimal
    qualifies: bool
    day_part: str | None
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass(slots=True)
class _Threshold:
    before: Fraction
    period: Period
    scope: str


def _window(c: Compiled, row: Row) -> tuple[Reason, Fraction, bool]:
    """The window rule: its reason, the share of net hours that counts, and prorate.

    Only ``prorate`` trims hours (SPEC 5.3); the other rules pass or fail, and a failing
    shift still reports its net hours as qualifying hours.
    """
    rule = c.terms.eligibility.window_rule
    note = c.source_note("windows")
    s, e = row.start, row.end
    start = c.describe(s)

    def span(ws: int, we: int) -> str:
        return f"{c.describe(ws)} to {c.describe(we)}"

    if rule == "starts_within":
        for ws, we in c.windows:
            if ws <= s < we:
                return (
                    c.reason(
                        rule="window",
                        ok=True,
                        detail=f"starts {start}, inside {span(ws, we)}{note}",
                    ),
                    Fraction(1),
                    False,
                )
        after = [we for ws, we in c.windows if we <= s]
        before = [ws for ws, we in c.windows if ws > s]
        if after and before:
            why = (
                f"starts {start}, between windows: at or after the end "
                f"{c.describe(max(after))} and before the start "
                f"{c.describe(min(before))}"
            )
        elif after:
            why = f"starts {start}, at or after the window's end {c.describe(max(after))}"
        else:
            why = f"starts {start}, before the window's start {c.describe(min(before))}"
        return c.reason(rule="window", ok=False, detail=why + note), Fraction(1), False
    inside = sum((max(0, min(e, we) - max(s, ws)) for ws, we in c.windows), 0)
    elapsed = e - s
    shown = f"{_h(Fraction(inside, 3600))} of {_h(Fraction(elapsed, 3600))} elapsed hours"
    if rule == "entirely_within":
        for ws, we in c.windows:
            if ws <= s and e <= we:
                return (
                    c.reason(
                        rule="window", ok=True, detail=f"lies entirely inside {span(ws, we)}{note}"
                    ),
                    Fraction(1),
                    False,
                )
        where = ", ".join(span(ws, we) for ws, we in c.windows)
        return (
            c.reason(
                rule="window",
                ok=False,
                detail=f"{start} to {c.describe(e)} "
                f"does not lie entirely inside a window ({where}){note}",
            ),
            Fraction(1),
            False,
        )
    if rule == "majority_within":
        if inside * 2 > elapsed:
            return (
                c.reason(
                    rule="window",
                    ok=True,
                    detail=f"{shown} inside the windows, more than half{note}",
                ),
                Fraction(1),
                False,
            )
        return (
            c.reason(
                rule="window",
                ok=False,
                detail=f"{shown} inside the windows, not more than half{note}",
            ),
            Fraction(1),
            False,
        )
    if inside > 0:
        return (
            c.reason(
                rule="window",
                ok=True,
                detail=f"{shown} inside the windows; "
                f"that share of the net hours qualifies (prorate){note}",
            ),
            Fraction(inside, elapsed),
            True,
        )
    return (
        c.reason(
            rule="window",
            ok=False,
            detail=f"no part of the shift ({start} to {c.describe(e)}) is inside the windows{note}",
        ),
        Fraction(0),
        True,
    )


Verdict = tuple[Rule, bool, str]


def _match(
    rule: Rule, what: str, value: str | None, allowed: frozenset[str] | None, shown: list[str]
) -> Verdict:
    if allowed is None:
        return rule, True, f"any {what}"
    if value is None:
        return rule, False, f"no {what} given; eligible: {', '.join(shown)}"
    if norm(value) in allowed:
        return rule, True, f"{value} is an eligible {what}"
    return rule, False, f"{value} is not an eligible {what} (eligible: {', '.join(shown)})"


def _glob(rule: Rule, value: str | None, patterns: list[Any] | None, shown: list[str]) -> Verdict:
    if patterns is None:
        return rule, True, f"any {rule}"
    if value is None:
        return rule, False, f"no {rule} given; eligible: {', '.join(shown)}"
    key = norm(value)
    for pattern, text in zip(patterns, shown, strict=True):
        if pattern.fullmatch(key):
            return rule, True, f"{value} matches {text}"
    return rule, False, f"{value} matches none of {', '.join(shown)}"


def _threshold_hours(c: Compiled, row: Row, scope: str) -> tuple[Fraction, str]:
    extra = c.extra
    fte = Fraction(row.fte) if row.fte is not None else Fraction(0)
    days = 7 if scope == "workweek" else (c.pay_periods.days if c.pay_periods else 7)
    base = fte * Fraction(extra.hours_per_fte) * days / 7
    minimum = Fraction(extra.minimum_hours)
    scaled = f" × {days}/7" if days != 7 else ""
    how = f"{_num(row.fte or Decimal(0))} FTE × {_num(extra.hours_per_fte)}{scaled} = {_h(base)}"
    if minimum:
        how = f"the greater of {how} and the minimum {_num(extra.minimum_hours)}"
    return max(base, minimum), how


def _extra(c: Compiled, row: Row, threshold: _Threshold | None) -> tuple[Reason, Fraction | None]:
    """The extra rule (flag and threshold): its reason and the net hours beyond it."""
    parts: list[str] = []
    ok = True
    if c.extra.flag:
        if row.extra is None:
            ok = False
            parts.append("not recorded as extra")
        elif row.extra:
            parts.append("marked extra")
        else:
            ok = False
            parts.append("not marked extra")
    beyond: Fraction | None = None
    if c.extra.beyond_fte:
        if threshold is None:
            ok = False
            parts.append("an absence earns no hours beyond the FTE threshold")
            beyond = Fraction(0)
        else:
            limit, how = _threshold_hours(c, row, threshold.scope)
            total = threshold.before + row.net
            beyond = max(Fraction(0), min(row.net, total - limit))
            scope = "workweek" if threshold.scope == "workweek" else "pay period"
            parts.append(
                f"{_h(beyond)} of its {_h(row.net)} hours are beyond the {scope} threshold of "
                f"{_h(limit)} hours ({how}); {_h(threshold.before)} hours were worked earlier "
                f"in the {scope} starting {c.describe(threshold.period.start)}"
            )
            if beyond <= 0:
                ok = False
    if not parts:
        parts.append("no extra-shift condition")
    return c.reason(rule="extra", ok=ok, detail="; ".join(parts) + c.source_note("extra")), beyond


def _attendance(c: Compiled, row: Row, forfeits: dict[int, list[Row]] | None) -> Reason:
    if forfeits is None:
        return c.reason(rule="attendance", ok=True, detail="no attendance rule")
    scope = c.terms.attendance.scope
    period = c.scope(scope).of(row.start)
    word = "workweek" if scope == "workweek" else "pay period"
    span = f"{c.describe(period.start)} to {c.describe(period.end)}"
    note = c.source_note("attendance")
    hits = [a for a in forfeits.get(period.key, []) if a.line != row.line]
    if not hits:
        words = ", ".join(sorted(c.forfeit_on))
        return c.reason(
            rule="attendance", ok=True, detail=f"no {words} absence in the {word} {span}{note}"
        )
    said = "; ".join(f"{a.status} on line {a.line} ({c.describe(a.start)})" for a in hits[:5])
    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
    return c.reason(
        rule="attendance",
        ok=False,
        detail=f"{said}{more} in the same {word} ({span}) forfeits the incentive{note}",
    )


def _payout(
    c: Compiled, row: Row, hours: Fraction, day_part: str | None, decided: bool
) -> tuple[Reason, Fraction]:
    """The payout rule; ``decided`` is true when every other rule passed."""
    pieces: list[str] = []
    total = Fraction(0)
    for comp in c.components:
        spec = comp.spec
        label = comp.kind.replace("_", " ")
        if comp.periods is not None and day_part not in comp.periods:
            where = f"starts in {day_part}" if day_part else "starts in no day-part"
            pieces.append(f"{label} for {'/'.join(sorted(comp.periods))} not applicable ({where})")
            continue
        if (
            comp.classifications is not None
            and norm(row.classification) not in comp.classifications
        ):
            pieces.append(f"{label} for {', '.join(spec.classifications or [])} not applicable")
            continue
        if hours <= 0:
            pieces.append(f"{label}: no qualifying hours")
            continue
        if comp.kind == "per_shift":
            assert spec.per_shift is not None
            total += Fraction(spec.per_shift)
            pieces.append(f"per shift {cents(spec.per_shift)}")
        elif comp.kind == "per_hour":
            assert spec.per_hour is not None
            part = Fraction(spec.per_hour) * hours
            total += part
            pieces.append(f"{_h(hours)} h × {_num(spec.per_hour)} = {cents(part)}")
        elif comp.kind == "base_rate_multiplier":
            assert spec.base_rate_multiplier is not None
            rate = row.base_rate or Decimal(0)
            part = Fraction(spec.base_rate_multiplier) * Fraction(rate) * hours
            total += part
            pieces.append(
                f"{_h(hours)} h × {_num(spec.base_rate_multiplier)} × base rate "
                f"{_num(rate)} = {cents(part)}"
            )
        else:
            reached = [(m, a) for m, a in comp.tiers if m <= hours]
            if reached:
                m, a = reached[-1]
                total += Fraction(a)
                pieces.append(f"{_h(hours)} hours reach the {_num(m)}-hour tier: {cents(a)}")
            else:
                pieces.append(
                    f"{_h(hours)} hours are below the lowest tier ({_num(comp.tiers[0][0])} hours)"
                )
    amount = cents(total)
    note = c.source_note("payout", "periods", "hours_rounding")
    said = "; ".join(pieces)
    if not decided:
        # SPEC 5.4: the payout rule fails only when every other rule passed; otherwise it
        # says what the components would pay, so a reader sees the whole picture.
        would = f"would pay {amount}" if amount > 0 else "would pay nothing"
        return c.reason(
            rule="payout", ok=True, detail=f"{would} if the failed rules passed: {said}{note}"
        ), total
    if amount > 0:
        return c.reason(rule="payout", ok=True, detail=f"pays {amount}: {said}{note}"), total
    return c.reason(rule="payout", ok=False, detail=f"pays nothing: {said}{note}"), total


def _eligibility(c: Compiled, row: Row) -> tuple[Reason, ...]:
    """The rules that look only at the row's own values (status to approval)."""
    elig = c.terms.eligibility
    note = c.source_note("eligibility")
    if row.worked:
        status = c.reason(rule="status", ok=True, detail="worked")
    else:
        status = c.reason(
            rule="status", ok=False, detail=f"an absence ({row.status}) is never paid"
        )
    if not elig.requires_approval:
        approval = (True, "approval not required")
    elif row.approved:
        approval = (True, "approved")
    else:
        said = "not approved" if row.approved is False else "approval not recorded"
        approval = (False, f"{said}; approval is required")
    found = [
        _match(
            "classification",
            "classification",
            row.classification,
            c.classifications,
            elig.classifications,
        ),
        _match("employer", "employer", row.employer, c.employers, elig.employers),
        _match(
            "employment_status",
            "employment status",
            row.employment_status,
            c.employment_statuses,
            list(elig.employment_statuses),
        ),
        _glob("location", row.location, c.locations, elig.locations),
        _glob("unit", row.unit, c.units, elig.units),
        ("approval", *approval),
    ]
    return (status, *(c.reason(rule=r, ok=ok, detail=d + note) for r, ok, d in found))


def _decide(
    c: Compiled,
    row: Row,
    threshold: _Threshold | None,
    forfeits: dict[int, list[Row]] | None,
) -> _Decision:
    note = c.source_note("eligibility")
    reasons = list(_eligibility(c, row))
    extra_reason, beyond = _extra(c, row, threshold)
    reasons.append(extra_reason)
    window_reason, share, prorate = _window(c, row)
    reasons.append(window_reason)
    # Qualifying hours: net hours, trimmed by the window rule and by the threshold.
    if beyond is None:
        hours = row.net * share
    elif not prorate:
        hours = beyond * share
    elif beyond <= 0:
        hours = Fraction(0)
    else:
        elapsed = row.end - row.start
        from_ = row.end - elapsed * beyond / row.net  # the instant the threshold is reached
        inside = sum(
            (
                max(Fraction(0), Fraction(min(row.end, we)) - max(from_, Fraction(ws)))
                for ws, we in c.windows
            ),
            Fraction(0),
        )
        hours = row.net * inside / elapsed
    if c.rounding is not None:
        hours = round_half_up(hours, c.rounding)
    reasons.append(_attendance(c, row, forfeits))
    reasons.append(_min_hours(c, hours, note))
    day_part = c.day_parts.of(row.start) if c.day_parts is not None else None
    decided = all(r.ok for r in reasons)
    payout_reason, total = _payout(c, row, hours, day_part, decided)
    reasons.append(payout_reason)
    qualifies = decided and payout_reason.ok
    amount = cents(total) if qualifies else ZERO
    return _Decision(reasons, hours, amount, qualifies, day_part)


def _min_hours(c: Compiled, hours: Fraction, note: str) -> Reason:
    minimum = c.min_hours
    if minimum:
        ok = hours >= minimum
        verdict = "at least" if ok else "below"
        return c.reason(
            rule="min_hours",
            ok=ok,
            detail=f"{_h(hours)} qualifying hours, {verdict} the minimum of {_num(minimum)}{note}",
        )
    return c.reason(rule="min_hours", ok=True, detail=f"{_h(hours)} qualifying hours; no minimum")


def _decide_all(c: Compiled, rows: list[Row]) -> list[_Decision]:
    """One agreement's decisions for one employee's rows (sorted by start, then line)."""
    thresholds: dict[int, _Threshold] = {}
    if c.extra.beyond_fte:
        scope = c.extra.scope
        calendar = c.scope(scope)
        worked: dict[int, Fraction] = defaultdict(Fraction)
        for row in rows:
            period = calendar.of(row.start)
            if row.worked:
                thresholds[row.line] = _Threshold(worked[period.key], period, scope)
            if row.worked or row.status in c.counts_as_worked:
                worked[period.key] += row.net
    forfeits: dict[int, list[Row]] | None = None
    if c.forfeit_on:
        forfeits = defaultdict(list)
        calendar = c.scope(c.terms.attendance.scope)
        for row in rows:
            if row.status in c.forfeit_on:
                forfeits[calendar.of(row.start).key].append(row)
    return [_decide(c, row, thresholds.get(row.line), forfeits) for row in rows]


# --------------------------------------------------------------------------- limits


@dataclass(slots=True)
class _Paid:
    """What one agreement has paid one employee so far."""

    week_amount: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    week_shifts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pay_period: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    total: Decimal = Decimal(0)


def _apply_limits(c: Compiled, row: Row, d: _Decision, paid: _Paid) -> None:
    limits = c.limits
    week = c.workweeks.of(row.start)
    week_text = f"the workweek starting {c.describe(week.start)}"
    note = c.source_note("limits")

    def cut(name: str, to: Decimal, why: str) -> None:
        removed = d.amount - to
        d.adjustments.append(
            Adjustment(
                rule="limit",
                limit=name,
                amount=-removed,
                detail=f"{name}: {why}; {removed} removed{note}",
                clause=c.clauses.get("limit"),
            )
        )
        d.amount = to

    if limits.max_amount_per_shift is not None and d.amount > limits.max_amount_per_shift:
        cap = cents(limits.max_amount_per_shift)
        cut("max_amount_per_shift", cap, f"at most {cap} a shift")
    n = limits.max_shifts_per_workweek
    if n is not None and d.amount > 0 and paid.week_shifts[week.key] >= n:
        cut(
            "max_shifts_per_workweek",
            ZERO,
            f"{paid.week_shifts[week.key]} shifts already paid in {week_text} (at most {n})",
        )
    rooms: list[tuple[str, Decimal | None, Decimal, str]] = [
        (
            "max_amount_per_workweek",
            limits.max_amount_per_workweek,
            paid.week_amount[week.key],
            week_text,
        ),
    ]
    if c.pay_periods is not None and limits.max_amount_per_pay_period is not None:
        pp = c.pay_periods.of(row.start)
        rooms.append(
            (
                "max_amount_per_pay_period",
                limits.max_amount_per_pay_period,
                paid.pay_period[pp.key],
                f"the pay period starting {c.describe(pp.start)}",
            )
        )
    rooms.append(("max_amount_total", limits.max_amount_total, paid.total, "this agreement"))
    for name, limit, already, where in rooms:
        if limit is None or d.amount <= 0:
            continue
        room = max(ZERO, cents(limit) - already)
        if d.amount > room:
            cut(
                name,
                room,
                f"at most {cents(limit)} {_LIMIT_WORDS[name]}, {already} already paid in {where}",
            )


def _record_paid(c: Compiled, row: Row, d: _Decision, paid: _Paid) -> None:
    if d.amount <= 0:
        return
    week = c.workweeks.of(row.start).key
    paid.week_amount[week] += d.amount
    paid.week_shifts[week] += 1
    if c.pay_periods is not None:
        paid.pay_period[c.pay_periods.of(row.start).key] += d.amount
    paid.total += d.amount


def _stack(compiled: Sequence[Compiled], decisions: list[_Decision]) -> None:
    exclusive = [
        (i, d)
        for i, d in enumerate(decisions)
        if compiled[i].agreement.stacking == "exclusive" and d.amount > 0
    ]
    if len(exclusive) < 2:
        return
    win_i, win = min(exclusive, key=lambda pair: (-pair[1].amount, compiled[pair[0]].id))
    for i, d in exclusive:
        if i == win_i:
            continue
        d.adjustments.append(
            Adjustment(
                rule="stacking",
                amount=-d.amount,
                detail=f"exclusive agreements do not add: {compiled[win_i].id} pays {win.amount} "
                f"for this shift instead of {d.amount}",
            )
        )
        d.amount = ZERO


# --------------------------------------------------------------------------- evaluate


def _as_of(value: date | str | None) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueRefused(f"as_of {value!r} is not a date like 2021-01-29") from None
    raise ValueRefused(f"as_of must be a date, not {type(value).__name__}")


def evaluate(
    agreements: Iterable[Agreement],
    shifts: ShiftBatch | Iterable[Shift],
    *,
    as_of: date | str | None = None,
    timezone: str | None = None,
    ambiguous: _time.Ambiguous = "raise",
) -> Report:
    """Decide every shift against every agreement and return the report (SPEC section 5)."""
    return _evaluate(agreements, shifts, as_of=as_of, timezone=timezone, ambiguous=ambiguous)


def _evaluate(
    agreements: Iterable[Agreement],
    shifts: ShiftBatch | Iterable[Shift],
    *,
    as_of: date | str | None = None,
    timezone: str | None = None,
    ambiguous: _time.Ambiguous = "raise",
) -> Report:
    agreements = list(agreements)
    if not agreements:
        raise ValueRefused("evaluate() needs at least one agreement")
    for a in agreements:
        if not isinstance(a, Agreement):
            raise TypeError(f"expected Agreement objects, got {type(a).__name__}")
    ids = [a.id for a in agreements]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise AgreementError([f"agreement id {i!r} is given more than once" for i in twice])
    if ambiguous not in _time.AMBIGUOUS_CHOICES:
        raise ValueRefused(f"ambiguous must be one of raise, earlier, later; not {ambiguous!r}")
    day = _as_of(as_of)
    try:
        caller_tz = _time.zone(timezone) if timezone is not None else None
    except TimeError as exc:
        raise ValueRefused(f"timezone: {exc}") from None
    zones = {a.timezone for a in agreements}
    input_tz = caller_tz or (_time.zone(zones.pop()) if len(zones) == 1 else None)
    report_tz = caller_tz or _time.zone(agreements[0].timezone)
    compiled = [Compiled(a, a.terms(day)) for a in agreements]

    batch = shifts if isinstance(shifts, ShiftBatch) else ShiftBatch.from_shifts(shifts)
    required: dict[str, str] = {}
    for c in compiled:
        for column, term in c.required_columns().items():
            required.setdefault(column, f"{c.id} {term}")
    if batch.format == "csv":
        missing = [col for col in required if col not in batch.columns]
        if missing:
            said = "; ".join(f"{col} (needed by {required[col]})" for col in missing)
            raise ShiftFileError(
                f"{batch.source}: missing column{'s' if len(missing) > 1 else ''} {said}"
            )
    needs = frozenset(required)
    fte_statuses = frozenset().union(*(c.counts_as_worked for c in compiled if c.extra.beyond_fte))

    times = TimeReader(input_tz, ambiguous)
    rows: list[Row] = []
    errors: list[RowError] = []

    def error(line: int, field_: str | None, message: str, values: dict[str, Any]) -> None:
        who = values.get("employee_id")
        errors.append(
            RowError.model_construct(
                line=line,
                field=field_,
                message=message,
                employee_id=str(who).strip() if who not in (None, "") else None,
            )
        )

    for record in batch.records:
        if record.problem is not None:
            error(record.line, record.problem[0], record.problem[1], record.values)
            continue
        try:
            rows.append(read_row(record.line, record.values, times, needs, fte_statuses))
        except RowProblem as problem:
            error(record.line, problem.field, problem.message, record.values)

    by_employee: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_employee[row.employee_id].append(row)
    decided: dict[int, list[_Decision]] = {}
    kept: list[Row] = []
    for employee_rows in by_employee.values():
        employee_rows.sort(key=lambda r: (r.start, r.line))
        accepted = _double_claims(employee_rows, report_tz, error)
        kept.extend(accepted)
        per_agreement = [_decide_all(c, accepted) for c in compiled]
        paid = [_Paid() for _ in compiled]
        for position, row in enumerate(accepted):
            decisions = [per_agreement[i][position] for i in range(len(compiled))]
            if row.worked:
                for c, d, p in zip(compiled, decisions, paid, strict=True):
                    if d.qualifies:
                        _apply_limits(c, row, d, p)
                _stack(compiled, decisions)
                for c, d, p in zip(compiled, decisions, paid, strict=True):
                    _record_paid(c, row, d, p)
            decided[row.line] = decisions
    return _report(agreements, compiled, day, report_tz, batch, kept, decided, errors)


def _double_claims(
    rows: list[Row], tz: Any, error: Callable[[int, str | None, str, dict[str, Any]], None]
) -> list[Row]:
    """Drop (as errors) worked rows that overlap an earlier accepted worked row."""
    accepted: list[Row] = []
    latest: Row | None = None
    for row in rows:
        if row.worked:
            if latest is not None and row.start < latest.end:
                error(
                    row.line,
                    "start",
                    f"overlaps line {latest.line} of employee {row.employee_id} "
                    f"({_time.describe(latest.start, tz)} to {_time.describe(latest.end, tz)}):"
                    f" a likely double claim",
                    {"employee_id": row.employee_id},
                )
                continue
            if latest is None or row.end > latest.end:
                latest = row
        accepted.append(row)
    return accepted


def _report(
    agreements: list[Agreement],
    compiled: list[Compiled],
    day: date | None,
    tz: Any,
    batch: ShiftBatch,
    rows: list[Row],
    decided: dict[int, list[_Decision]],
    errors: list[RowError],
) -> Report:
    results: list[RowResult] = []
    by_employee: dict[str, Decimal] = defaultdict(Decimal)
    paid_total = underpaid = overpaid = Decimal(0)
    qualifying = 0
    amount_total = Decimal(0)
    rows.sort(key=lambda r: r.line)
    for row in rows:
        outcomes = [
            trusted(
                Outcome,
                agreement=c.id,
                qualifies=d.qualifies,
                qualifying_hours=two_places(d.hours),
                amount=d.amount,
                reasons=d.reasons,
                adjustments=d.adjustments,
                day_part=d.day_part,
            )
            for c, d in zip(compiled, decided[row.line], strict=True)
        ]
        amount = sum((o.amount for o in outcomes), ZERO)
        difference = None if row.paid is None else amount - row.paid
        if difference is not None:
            assert row.paid is not None
            paid_total += row.paid
            if difference > 0:
                underpaid += difference
            else:
                overpaid -= difference
        qualifying += any(o.qualifies for o in outcomes)
        amount_total += amount
        by_employee[row.employee_id] += amount
        results.append(
            trusted(
                RowResult,
                line=row.line,
                employee_id=row.employee_id,
                classification=row.classification,
                status=row.status,
                start=datetime.fromtimestamp(row.start, tz),
                end=datetime.fromtimestamp(row.end, tz),
                hours=two_places(row.net),
                amount=amount,
                outcomes=outcomes,
                paid=row.paid,
                difference=difference,
            )
        )
    errors.sort(key=lambda e: e.line)
    claims = batch.claims
    totals = Totals.model_construct(
        rows=len(batch.records),
        evaluated=len(results),
        errors=len(errors),
        qualifying=qualifying,
        amount=cents(amount_total),
        by_employee={k: cents(by_employee[k]) for k in sorted(by_employee)},
        paid=cents(paid_total) if claims else None,
        underpaid=cents(underpaid) if claims else None,
        overpaid=cents(overpaid) if claims else None,
    )
    summaries = [
        AgreementSummary(
            id=c.id,
            title=a.title,
            amendments_applied=[
                AmendmentApplied(adopted=m.adopted, summary=m.summary) for m in c.terms.applied
            ],
        )
        for a, c in zip(agreements, compiled, strict=True)
    ]
    return Report.model_construct(
        agreements=summaries,
        as_of=day,
        timezone=tz.key,
        tzdata=_time.TZDATA_VERSION,
        claims=claims,
        rows=results,
        errors=errors,
        totals=totals,
    )

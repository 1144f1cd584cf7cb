"""The overtime periods of a decided frame as a report shows them: models and totals.

The engine (:mod:`incentives.rules.overtime`) leaves one row per employee and period in
integers; here they become :class:`~incentives.OvertimePeriod` models with the reason in
words, and the totals the report keeps apart from the incentives.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import polars as pl

from ._money import hours_text, hundredths_text
from ._report import OvertimePeriod, trusted
from .rules import overtime

if TYPE_CHECKING:
    from ._engine import Decided


def frame_of(decided: Decided) -> pl.DataFrame | None:
    """The periods with their texts (hours, money, rates, reason), by employee and start."""
    periods = decided.overtime
    if periods is None or decided.plan.overtime is None:
        return None
    rule = decided.plan.compiled[decided.plan.overtime].agreement.overtime
    assert rule is not None
    code, detail, values = overtime.reason(rule)
    claimed = decided.overtime_claims
    difference = pl.col("premium") + pl.col("owed") - pl.col("paid")
    return periods.sort("employee_id", "start").select(
        "employee_id",
        "start",
        "end",
        "lines",
        *(hours_text(pl.col(c)).alias(f"{c}_text") for c in ("hours", "regular", "over", "double")),
        *(
            hundredths_text(pl.col(c)).alias(f"{c}_text")
            for c in ("straight_cents", "inc_cents", "premium", "owed")
        ),
        pl.col("premium", "owed"),
        pl.col("paid") if claimed else pl.lit(None, dtype=pl.Int64).alias("paid"),
        (difference if claimed else pl.lit(None, dtype=pl.Int64)).alias("difference"),
        values["regular_rate"].expr.alias("rate_text"),
        values["regular_rate_with_incentives"].expr.alias("rate+_text"),
        code.alias("code"),
        detail.alias("detail"),
        pl.struct([v.expr.alias(name) for name, v in values.items()]).alias("values"),
    )


def periods_of(decided: Decided) -> list[OvertimePeriod] | None:
    """Every employee's overtime periods as the report's models."""
    frame = frame_of(decided)
    if frame is None:
        return None
    rule = decided.plan.compiled[decided.plan.overtime or 0].agreement.overtime
    assert rule is not None
    tz = decided.plan.report_tz
    return [_period(row, rule.method, tz) for row in frame.iter_rows(named=True)]


def _period(row: dict[str, Any], method: str, tz: Any) -> OvertimePeriod:
    paid, difference = row["paid"], row["difference"]
    return trusted(
        OvertimePeriod,
        employee_id=row["employee_id"],
        method=method,
        start=datetime.fromtimestamp(row["start"], tz),
        end=datetime.fromtimestamp(row["end"], tz),
        hours=Decimal(row["hours_text"]),
        regular_hours=Decimal(row["regular_text"]),
        overtime_hours=Decimal(row["over_text"]),
        double_time_hours=Decimal(row["double_text"]),
        straight_time=Decimal(row["straight_cents_text"]),
        incentives=Decimal(row["inc_cents_text"]),
        regular_rate=Decimal(row["rate_text"]),
        regular_rate_with_incentives=Decimal(row["rate+_text"]),
        premium=Decimal(row["premium_text"]),
        owed=Decimal(row["owed_text"]),
        lines=row["lines"],
        code=row["code"],
        detail=row["detail"],
        values=row["values"],
        paid=None if paid is None else Decimal(paid).scaleb(-2),
        difference=None if difference is None else Decimal(difference).scaleb(-2),
    )


def totals_of(decided: Decided) -> dict[str, Any]:
    """The overtime totals: premium and owed, and with claims paid, underpaid, overpaid."""
    periods = decided.overtime
    if periods is None:
        return {}
    claimed = decided.overtime_claims
    gap = pl.col("premium") + pl.col("owed") - pl.col("paid")
    sums = periods.select(
        pl.col("premium").sum(),
        pl.col("owed").sum(),
        pl.col("paid").sum(),
        gap.clip(lower_bound=0).sum().alias("under"),
        (-gap.clip(upper_bound=0)).sum().alias("over"),
    ).row(0, named=True)

    def money(cents: int | None) -> Decimal:
        return Decimal(cents or 0).scaleb(-2)

    return {
        "overtime_premium": money(sums["premium"]),
        "overtime_owed": money(sums["owed"]),
        "overtime_paid": money(sums["paid"]) if claimed else None,
        "overtime_underpaid": money(sums["under"]) if claimed else None,
        "overtime_overpaid": money(sums["over"]) if claimed else None,
    }


# --------------------------------------------------------------------------- explain


def arithmetic(decided: Decided, line: int) -> list[str]:
    """The overtime of the period holding ``line``, step by step with exact values."""
    periods = decided.overtime
    if periods is None or decided.plan.overtime is None:
        return []
    found = periods.filter(pl.col("lines").list.contains(line))
    if found.is_empty():
        return []
    c = decided.plan.compiled[decided.plan.overtime]
    rule = c.agreement.overtime
    assert rule is not None
    p = found.row(0, named=True)
    method = overtime.method_of(rule)
    h, rh = Fraction(p["hours"], 3600), Fraction(p["regular"], 3600)
    ot, dt = Fraction(p["over"], 3600), Fraction(p["double"], 3600)
    straight = Fraction(p["straight"], 3600 * 10**overtime.RATE_PLACES)
    incentives = Fraction(p["inc_num"], p["inc_den"] * 100)
    rate = straight / h
    env = decided.envs[decided.plan.overtime]
    when = _when(env, p["start"], p["end"])
    out = [
        f"Overtime ({rule.method}: {overtime.words_of(rule)}), {when}, lines "
        + ", ".join(str(n) for n in p["lines"])
        + ":",
        f"  hours worked {_exact(h)}: {_exact(rh)} regular, {_exact(ot)} overtime"
        + (f", {_exact(dt)} double time" if dt else ""),
        f"  straight-time earnings ${_money(straight)} (each hour at its base_rate)",
        f"  incentives counted in the period ${_money(incentives)} (allocation: {rule.allocation})",
        f"  regular rate without incentives: ${_money(straight)} / {_exact(h)} h"
        f" = ${_money(rate)} an hour",
        f"  overtime premium without incentives: (1/2 x {_exact(ot)} h + 1 x {_exact(dt)} h)"
        f" x ${_money(rate)} = ${_money((ot / 2 + dt) * rate)} -> ${_cents(p['premium'])}",
    ]
    if method.flat_sum:
        share = incentives / rh
        added = share * (Fraction(3, 2) * ot + 2 * dt)
        out += [
            f"  incentives per regular hour: ${_money(incentives)} / {_exact(rh)} h"
            f" = ${_money(share)}; regular rate with incentives ${_money(rate + share)}",
            f"  added by the incentives: ${_money(share)} x (1.5 x {_exact(ot)} h"
            f" + 2 x {_exact(dt)} h) = ${_money(added)} -> ${_cents(p['owed'])} owed",
        ]
    else:
        added = ot / 2 * incentives / h
        out += [
            f"  regular rate with incentives: (${_money(straight)} + ${_money(incentives)})"
            f" / {_exact(h)} h = ${_money(rate + incentives / h)} an hour",
            f"  added by the incentives: 1/2 x {_exact(ot)} h x ${_money(incentives)}"
            f" / {_exact(h)} h = ${_money(added)} -> ${_cents(p['owed'])} owed",
        ]
    return out


def _when(env: Any, start: int, end: int) -> str:
    frame = pl.DataFrame({"t": [start, end]}, schema={"t": pl.Int64})
    a, b = frame.select(env.describe(pl.col("t")))["t"].to_list()
    return f"{a} to {b}"


def _cents(value: int) -> str:
    return str(Decimal(value).scaleb(-2))


def _money(value: Fraction) -> str:
    """An exact amount of money: at least two places."""
    return _exact(value, 2)


def _exact(value: Fraction, least: int = 0) -> str:
    """An exact value as a decimal when it is one (at least ``least`` places), else to
    eight places and as a fraction."""
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den == 1:
        places = least
        while (value * 10**places).denominator != 1:
            places += 1
        return f"{Decimal(value.numerator) / Decimal(value.denominator):.{places}f}"
    approx = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{approx:.8f}... (= {value.numerator}/{value.denominator})"


def flat_periods(periods: list[OvertimePeriod], tz: str) -> pl.DataFrame:
    """Overtime periods as one flat frame (see :meth:`incentives.Report.overtime_to_polars`)."""
    names = [n for n in OvertimePeriod.model_fields if n != "values"]
    places = {"regular_rate": 6, "regular_rate_with_incentives": 6}
    schema: dict[str, Any] = {n: pl.Decimal(38, places.get(n, 2)) for n in names}
    schema |= {
        "employee_id": pl.String,
        "method": pl.String,
        "start": pl.Datetime("us", tz),
        "end": pl.Datetime("us", tz),
        "lines": pl.List(pl.Int64),
        "code": pl.String,
        "detail": pl.String,
    }
    records = [{n: getattr(p, n) for n in names} for p in periods]
    return pl.DataFrame(records, schema=schema)

"""Overtime owed on incentives: the regular-rate true-up (29 CFR 778; Labor Code 510).

Not a rule about one shift: once every shift is decided and settled (limits, stacking),
the incentives an employee earned go into the regular rate of the period in which they
were earned, and every overtime hour of that period is owed more. The methods are in
:data:`METHODS`:

* ``flsa_weekly``: overtime over 40 hours in the workweek; regular rate = (straight-time
  earnings + incentives) / hours worked; the incentives add half that share of the rate
  to each overtime hour (29 CFR 778.110, 778.115, 778.209);
* ``hospital_8_80``: the same over a 14-day pay period, overtime being the greater of the
  hours over 8 in each day and the hours over 80 (section 7(j), 29 CFR 778.601);
* ``california``: over 8 hours in a day up to 12 at time and a half, over 12 at double
  time, and the hours over 40 in the workweek that were not daily overtime (Labor Code
  510); a flat-sum incentive is divided by the non-overtime hours only and paid 1.5
  times on each overtime hour and twice on each double-time hour (Alvarado v. Dart
  Container, 2018).

A shift's hours belong to the period, and for daily overtime to the local day, in which
it starts, as every other rule counts them. Everything is exact: seconds, base rates in
10^-6 dollars, incentives in cents over a denominator where a pay period's incentives are
shared among its workweeks (``allocation``); each amount is rounded half up to the cent
once, from its exact value.

Adding a method: an entry in :data:`METHODS`, its name in the agreement model's
``OvertimeMethod``, tests and docs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import polars as pl

from .. import _time
from .._agreement import Overtime
from .._columns import lookup
from .._errors import AgreementError, UnknownKindError
from .._money import half_up, hours_text, hundredths_text, scaled
from .._problems import problem
from .._terms import Compiled
from . import Env, Value, constant

I128 = pl.Int128
HOUR = 3600
RATE_PLACES = 6
"""Base rates are read in 10^-6 dollars (a shifts file allows six places)."""
_MICRO = 10**RATE_PLACES


@dataclass(frozen=True)
class Method:
    """One overtime method: the period it counts over, how a day's and the period's hours
    split into regular, overtime and double-time hours, and how incentives enter the rate.

    ``day`` maps a day's seconds to (regular, overtime, double); ``period`` maps the
    period's sums (hours, regular, overtime, double) to its (regular, overtime, double).
    ``flat_sum``: incentives are divided by the regular hours and owed 1.5 / 2 times
    (California), else divided by every hour and owed half (the FLSA).
    """

    scope: Literal["workweek", "pay_period"]
    day: Callable[[pl.Expr, Overtime], tuple[pl.Expr, pl.Expr, pl.Expr]]
    period: Callable[[pl.Expr, pl.Expr, pl.Expr, pl.Expr], tuple[pl.Expr, pl.Expr, pl.Expr]]
    flat_sum: bool
    words: str


_ZERO = pl.lit(0, dtype=pl.Int64)


def _whole_day(seconds: pl.Expr, _: Overtime) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    return seconds, _ZERO, _ZERO


def _over_8(seconds: pl.Expr, _: Overtime) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    over = (seconds - 8 * HOUR).clip(lower_bound=0)
    return seconds - over, over, _ZERO


def _california_day(seconds: pl.Expr, rule: Overtime) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    if not rule.daily:
        return _whole_day(seconds, rule)
    double = (seconds - 12 * HOUR).clip(lower_bound=0)
    over = (seconds - 8 * HOUR).clip(lower_bound=0, upper_bound=4 * HOUR)
    return seconds - over - double, over, double


def _over_40(
    hours: pl.Expr, regular: pl.Expr, over: pl.Expr, double: pl.Expr
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    weekly = (hours - 40 * HOUR).clip(lower_bound=0)
    return hours - weekly, weekly, double


def _over_8_or_80(
    hours: pl.Expr, regular: pl.Expr, over: pl.Expr, double: pl.Expr
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    most = pl.max_horizontal(over, (hours - 80 * HOUR).clip(lower_bound=0))
    return hours - most, most, double


def _regular_over_40(
    hours: pl.Expr, regular: pl.Expr, over: pl.Expr, double: pl.Expr
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    weekly = (regular - 40 * HOUR).clip(lower_bound=0)
    return regular - weekly, over + weekly, double


METHODS: dict[str, Method] = {
    "flsa_weekly": Method("workweek", _whole_day, _over_40, False, "over 40 in the workweek"),
    "hospital_8_80": Method(
        "pay_period", _over_8, _over_8_or_80, False, "over 8 in a day or 80 in the 14 days"
    ),
    "california": Method(
        "workweek",
        _california_day,
        _regular_over_40,
        True,
        "over 8 in a day (double over 12) or 40 in the workweek",
    ),
}
"""Every overtime method, by the name an agreement's ``[overtime] method`` gives."""


def words_of(rule: Overtime) -> str:
    """What counts as overtime under ``rule``, in words."""
    if rule.method == "california" and not rule.daily:
        return "over 40 in the workweek; no daily overtime"
    return method_of(rule).words


def method_of(rule: Overtime) -> Method:
    """The method ``rule`` names; an unknown name is an error."""
    try:
        return METHODS[rule.method]
    except KeyError:
        raise UnknownKindError("kind.overtime", kind=rule.method) from None


def applying(compiled: Sequence[Compiled]) -> int | None:
    """The agreement whose overtime rule applies; agreements that name one must agree."""
    naming = [i for i, c in enumerate(compiled) if c.agreement.overtime is not None]
    if not naming:
        return None

    def rule(i: int) -> tuple[object, ...]:
        a = compiled[i].agreement
        return (a.overtime, a.timezone, a.workweek_start, a.pay_period)

    first = naming[0]
    differ = [compiled[i].id for i in naming[1:] if rule(i) != rule(first)]
    if differ:
        first_id = compiled[first].id
        raise AgreementError(
            [problem("agreement.overtime.twice", id=i, first=first_id) for i in differ]
        )
    return first


# --------------------------------------------------------------------------- decide

PERIOD_SCHEMA = {
    "employee_id": pl.String,
    "key": pl.Int64,
    "start": pl.Int64,
    "end": pl.Int64,
    "hours": pl.Int64,
    "regular": pl.Int64,
    "over": pl.Int64,
    "double": pl.Int64,
    "straight": I128,
    "inc_num": I128,
    "inc_den": I128,
    "paid": pl.Int64,
    "lines": pl.List(pl.Int64),
}
"""One row per employee and period: seconds, straight time (seconds × 10^-6 dollars),
incentives (``inc_num / inc_den`` cents), overtime paid (cents, null when not given)."""


def decide(rows: pl.DataFrame, cents: pl.Series, c: Compiled, env: Env) -> pl.DataFrame:
    """The periods of every employee who worked, with what overtime they owe (cents).

    ``rows`` are the evaluated rows (``line``, ``employee_id``, ``status``, ``start``,
    ``net``, ``base_rate``, ``overtime_paid``); ``cents`` every row's incentives in
    cents (all agreements, settled), row for row.
    """
    rule = c.agreement.overtime
    assert rule is not None
    method = method_of(rule)
    frame = _keyed(rows.with_columns(cents.alias("cents")), c, env, method, rule)
    worked = frame.filter(pl.col("status") == "worked")
    days = _days(worked, method, rule)
    periods = _periods(days, method)
    keys = ["employee_id", "key"]
    joined = periods.join(_incentives(frame, rule), on=keys, how="left", maintain_order="left")
    joined = joined.join(_claimed(frame), on=keys, how="left", maintain_order="left")
    joined = joined.with_columns(
        pl.col("inc_num").fill_null(0), pl.col("inc_den").fill_null(1)
    ).filter(pl.col("hours") > 0)
    return amounts(joined.select(list(PERIOD_SCHEMA)).cast(PERIOD_SCHEMA), method)  # type: ignore[arg-type]


def _keyed(
    frame: pl.DataFrame, c: Compiled, env: Env, method: Method, rule: Overtime
) -> pl.DataFrame:
    """Each row's period (``key``, ``start``, ``end``), pay period and local day."""
    frame = c.workweeks.add(frame, "start", env.table, "week")
    if c.pay_periods is not None:
        frame = c.pay_periods.add(frame, "start", env.table, "pay")
    by = "pay" if method.scope == "pay_period" else "week"
    rates = {r: scaled(Decimal(r), RATE_PLACES) for r in frame["base_rate"].drop_nulls().unique()}
    paid: pl.Expr = pl.lit(None, dtype=pl.Int64)
    if "overtime_paid" in frame.columns:
        written = frame["overtime_paid"].drop_nulls().unique()
        paid = lookup(
            pl.col("overtime_paid"), {p: scaled(Decimal(p), 2) for p in written}, None, pl.Int64
        )
    return frame.with_columns(
        pl.col(f"{by}.key").alias("key"),
        pl.col(f"{by}.start").alias("p.start"),
        pl.col(f"{by}.end").alias("p.end"),
        (_time.local_column(pl.col("start"), env.table) // _time.DAY).alias("day"),
        lookup(pl.col("base_rate"), rates, 0, I128).alias("rate"),
        paid.alias("paid"),
    )


def _days(worked: pl.DataFrame, method: Method, rule: Overtime) -> pl.DataFrame:
    """Each employee's worked seconds per local day, split by the method's daily rule."""
    per_day = worked.group_by("employee_id", "key", "day", maintain_order=True).agg(
        pl.col("net").sum().alias("hours"),
        (pl.col("net").cast(I128) * pl.col("rate")).sum().alias("straight"),
        pl.col("p.start").first(),
        pl.col("p.end").first(),
        pl.col("line"),
    )
    regular, over, double = method.day(pl.col("hours"), rule)
    return per_day.with_columns(
        regular.alias("regular"), over.alias("over"), double.alias("double")
    )


def _periods(days: pl.DataFrame, method: Method) -> pl.DataFrame:
    """Each employee's periods: the sums of their days, split by the period's rule."""
    sums = days.group_by("employee_id", "key", maintain_order=True).agg(
        pl.col("hours", "regular", "over", "double", "straight").sum(),
        pl.col("p.start").first().alias("start"),
        pl.col("p.end").first().alias("end"),
        pl.col("line").list.explode(keep_nulls=False, empty_as_null=False).sort().alias("lines"),
    )
    regular, over, double = method.period(
        pl.col("hours"), pl.col("regular"), pl.col("over"), pl.col("double")
    )
    return sums.with_columns(regular.alias("regular"), over.alias("over"), double.alias("double"))


def _claimed(frame: pl.DataFrame) -> pl.DataFrame:
    """The overtime premium paid in each period (cents; null when no row of it says)."""
    paid = pl.col("paid")
    return frame.group_by("employee_id", "key").agg(
        pl.when(paid.is_not_null().any()).then(paid.sum()).alias("paid")
    )


def _incentives(frame: pl.DataFrame, rule: Overtime) -> pl.DataFrame:
    """The incentives counted in each period: ``inc_num / inc_den`` cents."""
    if rule.allocation == "shift":
        return frame.group_by("employee_id", "key").agg(
            pl.col("cents").sum().cast(I128).alias("inc_num"),
            pl.lit(1, dtype=I128).alias("inc_den"),
        )
    # A pay period's incentives, shared among the workweeks in which the employee worked
    # in it (29 CFR 778.209(b)); the workweeks lie inside pay periods (the model checks).
    worked = pl.col("status") == "worked"
    weeks = frame.group_by("employee_id", "pay.key", "week.key").agg(
        pl.col("cents").sum().alias("cents"),
        pl.col("net").filter(worked).sum().alias("net"),
        worked.any().alias("worked"),
    )
    per_pay = [pl.col(name).sum().over("employee_id", "pay.key") for name in ("cents", "net")]
    weeks = weeks.with_columns(
        per_pay[0].alias("pay_cents"),
        per_pay[1].alias("pay_net"),
        pl.col("worked").sum().over("employee_id", "pay.key").alias("pay_weeks"),
    ).filter(pl.col("worked"))
    if rule.allocation == "equal":
        share = (pl.col("pay_cents").cast(I128), pl.col("pay_weeks").cast(I128))
    else:
        share = (pl.col("pay_cents").cast(I128) * pl.col("net"), pl.col("pay_net").cast(I128))
    return weeks.select(
        "employee_id",
        pl.col("week.key").alias("key"),
        share[0].alias("inc_num"),
        share[1].alias("inc_den"),
    )


def amounts(periods: pl.DataFrame, method: Method) -> pl.DataFrame:
    """The rates (10^-6 dollars an hour) and amounts (cents) of each period."""
    h, rh = pl.col("hours").cast(I128), pl.col("regular").cast(I128)
    ot, dt = pl.col("over").cast(I128), pl.col("double").cast(I128)
    s, num, den = pl.col("straight"), pl.col("inc_num"), pl.col("inc_den")
    per_hour = pl.lit(HOUR * _MICRO, dtype=I128)  # 10^-6 dollars a second, as cents an hour
    # Base premium: half the rate on overtime hours, the whole rate on double-time hours.
    premium = half_up((ot + 2 * dt) * s * 100, 2 * h * per_hour)
    rate = half_up(s, h)
    if method.flat_sum:
        owed = half_up(num * (3 * ot + 4 * dt), 2 * rh * den)
        added = (num * HOUR * _MICRO // 100, den * rh)
    else:
        owed = half_up(num * ot, 2 * h * den)
        added = (num * HOUR * _MICRO // 100, den * h)
    with_incentives = half_up(s * added[1] + added[0] * h, h * added[1])
    return periods.with_columns(
        rate.alias("rate"),
        with_incentives.alias("rate+"),
        premium.cast(pl.Int64).alias("premium"),
        owed.cast(pl.Int64).alias("owed"),
        half_up(s * 100, per_hour).cast(pl.Int64).alias("straight_cents"),
        half_up(num, den).cast(pl.Int64).alias("inc_cents"),
    )


# --------------------------------------------------------------------------- reason


CODES = ("overtime.none", "overtime.owed", "overtime.nothing_added")
"""The codes of a period: no overtime hours; the incentives add to the overtime; overtime,
but nothing added (no incentive, or less than half a cent)."""


def reason(rule: Overtime) -> tuple[pl.Expr, pl.Expr, dict[str, Value]]:
    """The code, the sentence and the values of each period's true-up."""
    method = method_of(rule)
    hours = hours_text(pl.col("hours"))
    over = hours_text(pl.col("over"))
    double = hours_text(pl.col("double"))
    money = {
        "straight_time": hundredths_text(pl.col("straight_cents")),
        "incentives": hundredths_text(pl.col("inc_cents")),
        "premium": hundredths_text(pl.col("premium")),
        "owed": hundredths_text(pl.col("owed")),
    }
    rate, rate_plus = _rate_text(pl.col("rate")), _rate_text(pl.col("rate+"))
    said_rate, said_plus = _rate_words(rate), _rate_words(rate_plus)
    basis = (
        pl.format(" over {} regular hours", hours_text(pl.col("regular")))
        if method.flat_sum
        else constant("")
    )
    none = pl.col("over") + pl.col("double") == 0
    code = (
        pl.when(none)
        .then(constant(CODES[0]))
        .when(pl.col("owed") > 0)
        .then(constant(CODES[1]))
        .otherwise(constant(CODES[2]))
    )
    dt_words = pl.when(pl.col("double") > 0).then(pl.format(", {} at double time", double))
    detail = (
        pl.when(none)
        .then(
            pl.format("{} hours, no overtime ({}): nothing owed", hours, constant(words_of(rule)))
        )
        .otherwise(
            pl.format(
                "{} hours, {} of overtime{} ({}): regular rate ${} an hour (${} straight time "
                "/ {} hours), ${} with ${} of incentives{}; overtime premium ${} without "
                "incentives, ${} more owed",
                hours,
                over,
                dt_words.fill_null(""),
                constant(words_of(rule)),
                said_rate,
                money["straight_time"],
                hours,
                said_plus,
                money["incentives"],
                basis,
                money["premium"],
                money["owed"],
            )
        )
    )
    values = {
        "method": Value(constant(rule.method)),
        "hours": Value(hours),
        "regular_hours": Value(hours_text(pl.col("regular"))),
        "overtime_hours": Value(over),
        "double_time_hours": Value(double),
        "regular_rate": Value(rate),
        "regular_rate_with_incentives": Value(rate_plus),
        **{name: Value(text) for name, text in money.items()},
    }
    return code, detail, values


def _rate_words(text: pl.Expr) -> pl.Expr:
    """A rate as a sentence says it: ``40.00``, ``45.208333`` (no zeros past the cents)."""
    return text.str.replace(r"^([0-9]+\.[0-9]{2}[0-9]*?)0*$", "${1}")


def _rate_text(micro: pl.Expr) -> pl.Expr:
    """A rate in 10^-6 dollars as ``45.208333``."""
    return pl.concat_str(
        (micro // _MICRO).cast(pl.String),
        pl.lit("."),
        (micro % _MICRO).cast(pl.String).str.zfill(RATE_PLACES),
    )

"""The hand-written polars script a payroll analyst would write instead of using incentives.

    python benchmarks/reference_polars.py SHIFTS.csv -a benchmarks/agreements/tiers.toml \\
        -o amounts.csv

It knows the four benchmark agreements by name (the file's stem: ``tiers``, ``hourly``,
``prorate``, ``beyond-fte``): the shape of each one's terms is written out below as plain
polars expressions; only their parameters (windows, amounts, classifications, ...) are
read from the TOML file. It decides every row as the engine's rules do
(docs/concepts/rules.md):

- times: a naive time is local wall time in the agreement's zone and must exist and be
  unambiguous (``replace_time_zone(..., ambiguous="raise", non_existent="raise")``); a time
  with an offset or ``Z`` is an exact instant. Everything is measured in UTC epoch seconds;
  intervals are half-open.
- net hours = elapsed seconds between the two instants - unpaid break, kept as exact
  integers (or exact fractions) until the one rounding the rules ask for.
- money is integer cents, rounded half-up once per row; never a float.
- every rule is decided for every row, in the engine's order (``RULES``), even after one
  failed; a rule the agreement gives nothing to check passes.

It writes one record per row, in line order: ``line,employee_id,hours,amount,qualifies,
failed``, in the text formats of the engine's CSV report (``incentives check --format
csv``): hours and amounts with two decimals, ``qualifies`` the agreement's id when the
shift qualifies (else empty), ``failed`` the ``agreement_id:rule`` of every failed rule,
in rule order, joined by ``;`` (empty when none failed). It prints the totals.

Input: a CSV file with a header row (any line ending, quoted cells or not; ``line`` is the
physical line, the header being line 1, so line = record index + 2) or a JSON Lines file
(``.jsonl``, one object a line; line = record index + 1), read with ``pl.read_csv`` /
``pl.read_ndjson`` as text columns.

It is a reference for well-formed files such as ``generate.py`` writes: a row it cannot
handle the way the rules say (a missing value, a bad or non-existent time, overlapping
shifts, a shift of 24 hours or more) stops it with a message instead of being reported as
an error row, and it assumes no quoted value spans lines and no line is blank.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

Terms = dict[str, Any]

RULES = (
    "status",
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "approval",
    "extra",
    "window",
    "attendance",
    "min_hours",
    "payout",
)
"""Every rule, in the order the engine lists them (its ``failed`` column)."""

COLUMNS = (
    "employee_id",
    "classification",
    "employment_status",
    "location",
    "unit",
    "fte",
    "start",
    "end",
    "extra",
    "status",
    "unpaid_break_minutes",
    "paid",
)
"""The columns of a shifts file this reference reads (all as text)."""

US_PER_S = 1_000_000
TRUE_WORDS = ["true", "yes", "y", "1"]
FALSE_WORDS = ["false", "no", "n", "0"]
ROUNDING_SECONDS = {"exact": 0, "minute": 60, "tenth_hour": 360, "quarter_hour": 900}


class ReferenceError(Exception):
    """The file holds something this reference does not handle (SPEC would report a row
    error); the message says what and where."""


# ---------------------------------------------------------------- small exact helpers


def half_up(num: pl.Expr, den: pl.Expr | int) -> pl.Expr:
    """round(num / den) half up, for integers num >= 0 and den > 0."""
    return (num * 2 + den) // (den * 2)


def cents(value: Any, where: str) -> int:
    amount = Decimal(str(value)) * 100
    if amount != amount.to_integral_value():
        raise ReferenceError(f"{where}: {value} is not a whole number of cents")
    return int(amount)


def exact_int(value: Decimal, where: str) -> int:
    if value != value.to_integral_value():
        raise ReferenceError(f"{where}: {value} must be a whole number here")
    return int(value)


def require(condition: bool, what: str) -> None:
    """The agreement has the shape this reference is written for; else stop."""
    if not condition:
        raise ReferenceError(f"this reference is written for agreements where {what}")


def only(terms: Terms, section: str, allowed: set[str]) -> None:
    """Stop if the agreement uses a key of ``section`` this agreement's code ignores."""
    extra = set(terms.get(section, {})) - allowed
    require(not extra, f"{section} has no {sorted(extra)}")


def one_payout(terms: Terms, kind: str) -> dict[str, Any]:
    """The agreement's single payout component, of the given kind, without filters."""
    payout = terms["payout"]
    require(len(payout) == 1 and set(payout[0]) == {kind}, f"payout is one {kind} component")
    component: dict[str, Any] = payout[0]
    return component


def norm(expr: pl.Expr) -> pl.Expr:
    """Text compared ignoring case, outer white space and repeated white space."""
    return expr.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()


def norm_text(text: str) -> str:
    return " ".join(text.split()).lower()


def glob_regex(pattern: str) -> str:
    """A case-insensitive glob pattern (``*``, ``?``) as an anchored regular expression."""
    out = []
    for char in norm_text(pattern):
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return "^" + "".join(out) + "$"


def matches_any(expr: pl.Expr, names: list[str]) -> pl.Expr:
    """Classification-style list: ``"*"`` matches anything; empty matches anything."""
    if not names or "*" in names:
        return pl.lit(True)
    return norm(expr).is_in([norm_text(n) for n in names]).fill_null(False)


def globs_any(expr: pl.Expr, patterns: list[str]) -> pl.Expr:
    if not patterns:
        return pl.lit(True)
    regex = "|".join(f"(?:{glob_regex(p)})" for p in patterns)
    return norm(expr).str.contains(regex).fill_null(False)


def employment_status(expr: pl.Expr) -> pl.Expr:
    return norm(expr.str.replace_all(r"[-_]", " ")).str.replace_all(" ", "_")


# ---------------------------------------------------------------- time


def wall_to_epoch(text: str, tz: str) -> int:
    """An agreement's wall-clock bound as UTC epoch seconds; raises if it does not exist
    or is ambiguous (polars raises on both)."""
    series = (
        pl.Series([text])
        .str.to_datetime("%Y-%m-%dT%H:%M", strict=True)
        .dt.replace_time_zone(tz, ambiguous="raise", non_existent="raise")
        .dt.epoch("s")
    )
    value = series[0]
    assert isinstance(value, int)
    return value


def instant(col: str, tz: str) -> pl.Expr:
    """A shift time as UTC epoch seconds: offset/``Z`` strings are exact instants, naive
    strings are local wall times in ``tz`` (an error if skipped or repeated there)."""
    text = pl.col(col).str.strip_chars().str.replace(" ", "T")
    has_offset = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$")
    aware_text = pl.when(has_offset).then(text.str.replace(r"Z$", "+00:00"))
    naive_text = pl.when(~has_offset).then(text)
    aware = pl.coalesce(
        aware_text.str.to_datetime("%Y-%m-%dT%H:%M%z", strict=False, time_zone="UTC"),
        aware_text.str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False, time_zone="UTC"),
    )
    naive = pl.coalesce(
        naive_text.str.to_datetime("%Y-%m-%dT%H:%M", strict=False),
        naive_text.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False),
    ).dt.replace_time_zone(tz, ambiguous="raise", non_existent="raise")
    return pl.coalesce(aware.dt.epoch("s"), naive.dt.epoch("s"))


def check_workweek(terms: Terms) -> None:
    if str(terms.get("workweek_start", "sunday 00:00")).lower() != "sunday 00:00":
        raise ReferenceError("this reference only knows workweek_start = 'sunday 00:00'")


# ---------------------------------------------------------------- reading the shifts


def read_file(path: Path, input_format: str | None = None) -> pl.DataFrame:
    """The shifts file as text columns with its ``line`` numbers: CSV (a header row; any
    line ending) or JSON Lines (``.jsonl``, or ``input_format="jsonl"``)."""
    jsonl = input_format == "jsonl" or (
        input_format is None and path.suffix.lower() in (".jsonl", ".ndjson")
    )
    if jsonl:
        # numbers and booleans become their text ("0.75", "30", "true"); missing keys null
        raw = pl.read_ndjson(path, schema=dict.fromkeys(COLUMNS, pl.String))
        return raw.with_row_index("line", offset=1)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    old_mac = b"\r" in head and b"\r\n" not in head  # lines end with a lone CR
    raw = pl.read_csv(path, infer_schema=False, encoding="utf8", eol_char="\r" if old_mac else "\n")
    raw = raw.rename({c: c.lstrip("\ufeff").strip().lower() for c in raw.columns})
    for required in ("employee_id", "classification", "start", "end"):
        if required not in raw.columns:
            raise ReferenceError(f"{path}: no {required} column")
    raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in raw)
    return raw.with_row_index("line", offset=2)


def read_rows(path: Path, tz: str, input_format: str | None = None) -> pl.DataFrame:
    """The shifts file with the columns every agreement uses, checked (see module doc)."""
    raw = read_file(path, input_format)
    df = raw.select(
        pl.col("line").cast(pl.Int64),
        pl.col("employee_id").str.strip_chars().alias("employee"),
        pl.col("classification"),
        pl.col("employment_status"),
        pl.col("unit"),
        pl.col("fte").str.strip_chars(),
        pl.col("extra").str.strip_chars().str.to_lowercase().alias("extra_text"),
        norm(pl.col("status")).fill_null("worked").replace("", "worked").alias("status"),
        pl.col("unpaid_break_minutes")
        .str.strip_chars()
        .replace("", None)
        .cast(pl.Int64)
        .fill_null(0)
        .alias("break_min"),
        instant("start", tz).alias("s0"),
        instant("end", tz).alias("s1"),
    )
    bad = df.filter(
        pl.col("s0").is_null()
        | pl.col("s1").is_null()
        | pl.col("employee").is_null()
        | pl.col("classification").is_null()
    )
    if bad.height:
        raise ReferenceError(f"lines {bad['line'].head(5).to_list()}: a time or id is missing")
    df = df.with_columns(
        (pl.col("s1") - pl.col("s0")).alias("elapsed"),
        (pl.col("status") == "worked").alias("worked"),
    )
    bad = df.filter((pl.col("elapsed") <= 0) | (pl.col("elapsed") > 24 * 3600))
    if bad.height:
        raise ReferenceError(f"lines {bad['line'].head(5).to_list()}: end must be after start")
    df = df.with_columns(
        (pl.col("elapsed") - pl.col("break_min") * 60).alias("net"),
        # workweek: the local Sunday 00:00 on or before the start (a date is enough here)
        pl.from_epoch("s0", time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
        .dt.date()
        .alias("local_day"),
    ).with_columns(
        (pl.col("local_day") - pl.duration(days=pl.col("local_day").dt.weekday() % 7)).alias("week")
    )
    df = df.sort(["employee", "s0", "line"])
    overlap = df.filter(pl.col("worked")).filter(
        pl.col("s0") < pl.col("s1").cum_max().shift(1).over("employee")
    )
    if overlap.height:
        raise ReferenceError(
            f"lines {overlap['line'].head(5).to_list()}: overlap an earlier shift of the "
            "same employee (SPEC makes them error rows; this reference does not)"
        )
    return df


def extra_flag(df: pl.DataFrame) -> pl.Expr:
    """The row's ``extra`` as a boolean; a worked row without one stops the reference."""
    bad = df.filter(
        pl.col("worked") & ~pl.col("extra_text").is_in([*TRUE_WORDS, *FALSE_WORDS]).fill_null(False)
    )
    if bad.height:
        raise ReferenceError(f"lines {bad['line'].head(5).to_list()}: extra is missing or bad")
    return pl.col("extra_text").is_in(TRUE_WORDS).fill_null(False)


# ---------------------------------------------------------------- terms shared by several


def windows(terms: Terms) -> list[tuple[int, int]]:
    tz = str(terms["timezone"])
    return [(wall_to_epoch(w["start"], tz), wall_to_epoch(w["end"], tz)) for w in terms["windows"]]


def starts_within(terms: Terms) -> pl.Expr:
    return pl.any_horizontal([(pl.col("s0") >= a) & (pl.col("s0") < b) for a, b in windows(terms)])


def inside_seconds(terms: Terms) -> pl.Expr:
    """Elapsed seconds of the shift inside the windows (they do not overlap)."""
    parts = [
        (
            pl.min_horizontal(pl.col("s1"), pl.lit(b)) - pl.max_horizontal(pl.col("s0"), pl.lit(a))
        ).clip(lower_bound=0)
        for a, b in windows(terms)
    ]
    return pl.sum_horizontal(parts)


def rounded(num: pl.Expr, den: pl.Expr | int, rounding: str) -> tuple[pl.Expr, pl.Expr | int]:
    """Qualifying seconds num/den rounded to the agreement's increment (half up)."""
    step = ROUNDING_SECONDS[rounding]
    if step == 0:
        return num, den
    return half_up(num, den * step) * step, 1


def tier_cents(num: pl.Expr, den: pl.Expr | int, tiers: list[dict[str, Any]]) -> pl.Expr:
    """Amount of the highest tier whose min_hours <= the hours num/den seconds."""
    expr: pl.Expr = pl.lit(0, pl.Int64)
    for i, tier in enumerate(tiers):  # increasing min_hours: the last that holds wins
        seconds = exact_int(Decimal(str(tier["min_hours"])) * 3600, f"tiers[{i}]")
        expr = pl.when(num >= den * seconds).then(cents(tier["amount"], "tier")).otherwise(expr)
    return expr


def min_hours_ok(num: pl.Expr, den: pl.Expr | int, terms: Terms) -> pl.Expr:
    """Rule min_hours: the qualifying hours num/den seconds reach eligibility.min_hours."""
    minimum = Decimal(str(terms["eligibility"].get("min_hours", 0)))
    if minimum == 0:
        return pl.lit(True)
    return num >= den * exact_int(minimum * 3600, "eligibility.min_hours")


def hours_text(centi: pl.Expr) -> pl.Expr:
    return (centi // 100).cast(pl.String) + "." + (centi % 100).cast(pl.String).str.zfill(2)


# ---------------------------------------------------------------- the four agreements
# Each one says, per rule it has something to check, whether the row passes (the others
# pass), its qualifying hours qual_num / qual_den seconds, and what it would pay before
# limits; decided() makes the rest: the payout rule, qualifies, amount and failed.


def decided(
    df: pl.DataFrame,
    num: pl.Expr,
    den: pl.Expr | int,
    checks: dict[str, pl.Expr],
    pay: pl.Expr,
) -> pl.DataFrame:
    """The columns every agreement gives: ``ok_<rule>`` for every rule, the qualifying
    hours (``qual_num`` / ``qual_den`` seconds), ``qualifies`` (every rule passed) and
    ``amount`` (cents, before limits). Rule ``payout`` fails only when every other rule
    passed and nothing pays."""
    unknown = set(checks) - set(RULES[:-1])
    assert not unknown, f"not rules: {sorted(unknown)}"
    df = df.with_columns(
        *(checks.get(rule, pl.lit(True)).alias(f"ok_{rule}") for rule in RULES[:-1]),
        num.alias("qual_num"),
        (den if isinstance(den, pl.Expr) else pl.lit(den, pl.Int64)).alias("qual_den"),
        pay.alias("pay"),
    )
    others_pass = pl.all_horizontal(pl.col(f"ok_{rule}") for rule in RULES[:-1])
    return df.with_columns(
        (~others_pass | (pl.col("pay") > 0)).alias("ok_payout"),
        (others_pass & (pl.col("pay") > 0)).alias("qualifies"),
    ).with_columns(pl.when("qualifies").then("pay").otherwise(0).alias("amount"))


def tiers_agreement(df: pl.DataFrame, terms: Terms) -> pl.DataFrame:
    """Per-shift tiers on net hours; extra flag, classification, start in a window."""
    elig = terms["eligibility"]
    require(elig.get("window_rule", "starts_within") == "starts_within", "starts_within")
    only(terms, "eligibility", {"classifications", "window_rule", "min_hours"})
    only(terms, "extra", {"flag"})
    require(not terms.get("attendance", {}).get("forfeit_on"), "attendance.forfeit_on is empty")
    require(not terms.get("limits"), "there are no limits")
    # starts_within: all net hours qualify (a shift outside the window keeps them, and
    # fails rule window)
    num, den = rounded(pl.col("net"), 1, terms.get("hours_rounding", "exact"))
    pay = tier_cents(num, den, one_payout(terms, "tiers")["tiers"])
    checks = {
        "status": pl.col("worked"),
        "classification": matches_any(pl.col("classification"), elig["classifications"]),
        "extra": extra_flag(df),
        "window": starts_within(terms),
        "min_hours": min_hours_ok(num, den, terms),
    }
    return decided(df, num, den, checks, pay)


def hourly_agreement(df: pl.DataFrame, terms: Terms) -> pl.DataFrame:
    """$ per net hour rounded to the quarter hour; extra flag, unit globs, in a window."""
    elig = terms["eligibility"]
    require(elig.get("window_rule", "starts_within") == "starts_within", "starts_within")
    only(terms, "eligibility", {"classifications", "units", "window_rule", "min_hours"})
    only(terms, "extra", {"flag"})
    require(not terms.get("attendance", {}).get("forfeit_on"), "attendance.forfeit_on is empty")
    require(not terms.get("limits"), "there are no limits")
    rate = cents(one_payout(terms, "per_hour")["per_hour"], "payout[0].per_hour")
    num, den = rounded(pl.col("net"), 1, terms.get("hours_rounding", "exact"))
    pay = half_up(num * rate, den * 3600)
    checks = {
        "status": pl.col("worked"),
        "classification": matches_any(pl.col("classification"), elig["classifications"]),
        "unit": globs_any(pl.col("unit"), elig.get("units", [])),
        "extra": extra_flag(df),
        "window": starts_within(terms),
        "min_hours": min_hours_ok(num, den, terms),
    }
    return decided(df, num, den, checks, pay)


def prorate_agreement(df: pl.DataFrame, terms: Terms) -> pl.DataFrame:
    """$ per qualifying hour, qualifying = net hours x share of the shift inside windows."""
    elig = terms["eligibility"]
    require(elig.get("window_rule") == "prorate", "window_rule = 'prorate'")
    only(
        terms,
        "eligibility",
        {"classifications", "employment_statuses", "window_rule", "min_hours"},
    )
    only(terms, "extra", {"flag"})
    require(not terms.get("attendance", {}).get("forfeit_on"), "attendance.forfeit_on is empty")
    require(not terms.get("limits"), "there are no limits")
    rate = cents(one_payout(terms, "per_hour")["per_hour"], "payout[0].per_hour")
    statuses = [s.replace("-", "_").lower() for s in elig.get("employment_statuses", [])]
    df = df.with_columns(inside_seconds(terms).alias("inside"))
    num, den = rounded(
        pl.col("net") * pl.col("inside"), pl.col("elapsed"), terms.get("hours_rounding", "exact")
    )
    pay = half_up(num * rate, den * 3600)
    status_ok = (
        employment_status(pl.col("employment_status")).is_in(statuses).fill_null(False)
        if statuses
        else pl.lit(True)
    )
    checks = {
        "status": pl.col("worked"),
        "classification": matches_any(pl.col("classification"), elig["classifications"]),
        "employment_status": status_ok,
        "extra": extra_flag(df),
        "window": pl.col("inside") > 0,
        "min_hours": min_hours_ok(num, den, terms),
    }
    return decided(df, num, den, checks, pay)


def beyond_fte_agreement(df: pl.DataFrame, terms: Terms) -> pl.DataFrame:
    """Tiers on the hours past max(FTE x 40, 24) in the workweek; a sick call forfeits
    the week; at most N shifts and $X paid per employee and workweek."""
    check_workweek(terms)
    elig, extra = terms["eligibility"], terms["extra"]
    attendance, limits = terms.get("attendance", {}), terms.get("limits", {})
    require(not extra.get("flag", True), "extra.flag = false")
    require(bool(extra.get("beyond_fte")), "extra.beyond_fte = true")
    require(extra.get("scope", "workweek") == "workweek", "extra.scope = 'workweek'")
    require(not extra.get("counts_as_worked"), "extra.counts_as_worked is empty")
    require(attendance.get("scope", "workweek") == "workweek", "attendance.scope = 'workweek'")
    require(elig.get("window_rule", "starts_within") == "starts_within", "starts_within")
    only(terms, "eligibility", {"classifications", "window_rule", "min_hours"})
    per_fte_us = exact_int(Decimal(str(extra["hours_per_fte"])) * 3600, "hours_per_fte")
    minimum_us = exact_int(
        Decimal(str(extra.get("minimum_hours", 0))) * 3600 * US_PER_S, "minimum_hours"
    )
    bad = df.filter(pl.col("worked") & pl.col("fte").is_null())
    if bad.height:
        raise ReferenceError(f"lines {bad['line'].head(5).to_list()}: fte is missing")
    forfeit = [norm_text(s) for s in attendance.get("forfeit_on", [])]
    worked_us = pl.when("worked").then("net_us").otherwise(0)
    is_forfeit = pl.col("status").is_in(forfeit).cast(pl.Int64)
    df = df.with_columns(
        # micro-FTE, exact from the written decimal
        (pl.col("fte").cast(pl.Decimal(20, 6)) * US_PER_S).cast(pl.Int64).alias("fte_u"),
        (pl.col("net") * US_PER_S).alias("net_us"),
    ).with_columns(
        pl.max_horizontal(pl.col("fte_u") * per_fte_us, pl.lit(minimum_us)).alias("threshold"),
        # net hours of the worked rows before this one in the employee's workweek (the
        # frame is in order of employee, start, line)
        (worked_us.cum_sum().over(["employee", "week"]) - worked_us).alias("before"),
        # forfeiting absences of the employee's workweek other than this row
        (is_forfeit.sum().over(["employee", "week"]) - is_forfeit).alias("forfeits"),
    )
    # only the part of a worked shift after the threshold is reached qualifies, whether or
    # not it starts inside a window (an absence has no hours beyond the threshold)
    num = (
        pl.when("worked")
        .then(
            pl.min_horizontal(
                pl.col("net_us"),
                (pl.col("before") + pl.col("net_us") - pl.col("threshold")).clip(lower_bound=0),
            )
        )
        .otherwise(0)
    )
    num, den = rounded(num, US_PER_S, terms.get("hours_rounding", "exact"))
    pay = tier_cents(num, den, one_payout(terms, "tiers")["tiers"])
    checks = {
        "status": pl.col("worked"),
        "classification": matches_any(pl.col("classification"), elig["classifications"]),
        "extra": pl.col("worked") & (num > 0),
        "window": starts_within(terms),
        "attendance": pl.col("forfeits") == 0,
        "min_hours": min_hours_ok(num, den, terms),
    }
    df = decided(df, num, den, checks, pay)
    return apply_week_limits(df, limits)


def apply_week_limits(df: pl.DataFrame, limits: dict[str, Any]) -> pl.DataFrame:
    """Per shift, then shifts per workweek, then amount per workweek, one shift at a time
    in order of start. With positive amounts a_1, a_2, ... of an employee's week, shift r
    pays min(a_r, cap - (a_1 + ... + a_{r-1})) if r <= max_shifts, else 0: until the cap
    is reached every earlier shift was paid in full (and counted), after it nothing is.
    A shift cut to 0.00 still qualifies."""
    unknown = set(limits) - {
        "max_amount_per_shift",
        "max_shifts_per_workweek",
        "max_amount_per_workweek",
    }
    if unknown:
        raise ReferenceError(f"limits {sorted(unknown)} are not in this reference")
    amount = pl.col("amount")
    if "max_amount_per_shift" in limits:
        amount = pl.min_horizontal(amount, pl.lit(cents(limits["max_amount_per_shift"], "")))
    df = df.with_columns(amount.alias("amount"))
    positive = pl.col("amount") > 0
    rank = positive.cast(pl.Int64).cum_sum().over(["employee", "week"])
    before = (pl.col("amount").cum_sum() - pl.col("amount")).over(["employee", "week"])
    paid = pl.col("amount")
    if "max_amount_per_workweek" in limits:
        cap = cents(limits["max_amount_per_workweek"], "max_amount_per_workweek")
        paid = pl.min_horizontal(paid, (pl.lit(cap) - before).clip(lower_bound=0))
    if "max_shifts_per_workweek" in limits:
        paid = pl.when(rank <= int(limits["max_shifts_per_workweek"])).then(paid).otherwise(0)
    return df.with_columns(pl.when(positive).then(paid).otherwise(0).alias("amount"))


AGREEMENTS: dict[str, Callable[[pl.DataFrame, Terms], pl.DataFrame]] = {
    "tiers": tiers_agreement,
    "hourly": hourly_agreement,
    "prorate": prorate_agreement,
    "beyond-fte": beyond_fte_agreement,
}


def given(text: pl.Expr) -> pl.Expr:
    """An empty text as an empty cell (null), as the engine's CSV writes it."""
    return pl.when(text != "").then(text)


def compute(
    shifts: Path, agreement: Path, name: str | None = None, input_format: str | None = None
) -> pl.DataFrame:
    """Rows in line order: line, employee_id, hours, amount, qualifies, failed (the text
    of the engine's CSV report) and cents (the amount)."""
    with agreement.open("rb") as handle:
        terms = tomllib.load(handle, parse_float=Decimal)
    key = name or agreement.stem
    if key not in AGREEMENTS:
        raise ReferenceError(f"no reference for agreement {key!r}; known: {sorted(AGREEMENTS)}")
    require(not terms.get("amendments"), "there are no amendments")
    require(not terms.get("periods"), "there are no day-parts")
    check_workweek(terms)
    agreement_id = str(terms["id"])
    df = read_rows(shifts, str(terms["timezone"]), input_format)
    df = AGREEMENTS[key](df, terms)
    failed = pl.concat_str(
        [pl.when(~pl.col(f"ok_{rule}")).then(pl.lit(f"{agreement_id}:{rule}")) for rule in RULES],
        separator=";",
        ignore_nulls=True,
    )
    return df.select(
        "line",
        pl.col("employee"),
        hours_text(half_up(pl.col("net") * 100, 3600)).alias("hours"),
        hours_text(pl.col("amount")).alias("amount"),
        pl.when("qualifies").then(pl.lit(agreement_id)).alias("qualifies"),
        given(failed).alias("failed"),
        pl.col("amount").alias("cents"),
    ).sort("line")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reference computation in plain polars.")
    parser.add_argument("shifts", type=Path, help="shifts file (CSV, or JSON Lines: .jsonl)")
    parser.add_argument("-a", "--agreement", type=Path, required=True, help="agreement TOML")
    parser.add_argument("--name", choices=sorted(AGREEMENTS), help="default: the file's stem")
    parser.add_argument(
        "--input-format",
        choices=["csv", "jsonl"],
        help="format of the shifts file (default: jsonl for .jsonl/.ndjson, else csv)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="CSV to write (line,employee_id,...,failed)"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        result = compute(args.shifts, args.agreement, args.name, args.input_format)
    except (ReferenceError, pl.exceptions.PolarsError) as exc:
        print(f"reference_polars: {exc}", file=sys.stderr)
        return 2
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        result.drop("cents").rename({"employee": "employee_id"}).write_csv(
            args.output, line_terminator="\n"
        )
    total = int(result["cents"].sum())
    qualifying = int(result["qualifies"].is_not_null().sum())
    took = time.perf_counter() - began
    print(
        f"rows {result.height}  qualifying {qualifying}  "
        f"total amount {total // 100}.{total % 100:02d}  ({took:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark incentives against a hand-written polars script, and compare their answers.

    .venv/bin/python benchmarks/run.py                  # 100k and 1M rows, all agreements
    .venv/bin/python benchmarks/run.py --quick          # 10k rows: a smoke test
    .venv/bin/python benchmarks/run.py --rows 100000 --agreement tiers --no-check

For every size and agreement it runs, each in its own process, timed from outside:

- ``check``: ``incentives check -a AGREEMENT SHIFTS --format csv -o OUT.csv`` (the CLI);
- ``api``: ``incentives.evaluate([incentives.load_agreement(a)], incentives.read_shifts(p))``
  in a fresh Python (the scalar engine through the Python API, without writing a report);
- ``polars``: ``benchmarks/reference_polars.py`` (what an analyst would write instead).

It reports wall time, rows per second and peak memory (maximum resident set size) of each,
the ratios check/polars and api/polars from the same run, the machine, and the number of
rows whose amount, hours or qualification differ between the CLI's CSV report and the
polars reference. Shifts files are generated once and cached in ``benchmarks/data/``;
reports and the results (JSON) go to ``benchmarks/out/``. Both folders are git-ignored.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
OUT = HERE / "out"
AGREEMENTS = HERE / "agreements"
AGREEMENT_NAMES = ("tiers", "hourly", "prorate", "beyond-fte")
DEFAULT_ROWS = (100_000, 1_000_000)
QUICK_ROWS = (10_000,)
TIME = "/usr/bin/time"

API_SCRIPT = """
import json, sys, time
from decimal import Decimal
began = time.perf_counter()
import incentives
imported = time.perf_counter()
agreement = incentives.load_agreement(sys.argv[1])
batch = incentives.read_shifts(sys.argv[2])
read = time.perf_counter()
report = incentives.evaluate([agreement], batch)
evaluated = time.perf_counter()
total = sum((row.amount for row in report.rows), Decimal(0))
print(json.dumps({
    "import_s": imported - began,
    "read_s": read - imported,
    "evaluate_s": evaluated - read,
    "rows": len(report.rows),
    "errors": len(report.errors),
    "total": str(total),
}))
"""

RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(f"MAXRSS_KB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


@dataclass
class Measurement:
    """One timed run of one command."""

    command: list[str]
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    rows_per_s: float | None = None
    exit_code: int | None = None
    ok: bool = False
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- measuring


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def measure(
    command: list[str], rows: int, timeout: float, ok_codes: tuple[int, ...] = (0,)
) -> tuple[Measurement, str, str]:
    """Run ``command`` once in a new process group; returns the measurement, stdout, stderr.

    Peak memory comes from ``/usr/bin/time -v`` when present, else from
    ``getrusage(RUSAGE_CHILDREN)`` in a small wrapper process whose only child is the
    command. Wall time is measured here (it includes interpreter start and imports).
    """
    if Path(TIME).exists():
        wrapped = [TIME, "-v", *command]
    else:
        wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, *command]
    m = Measurement(command=command)
    began = time.perf_counter()
    proc = subprocess.Popen(
        wrapped,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        stdout, stderr = proc.communicate()
        m.note = f"timed out after {timeout:.0f} s"
        return m, stdout, stderr
    except BaseException:
        _kill_group(proc)
        raise
    m.wall_s = time.perf_counter() - began
    m.exit_code = proc.returncode
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr) or re.search(
        r"MAXRSS_KB=(\d+)", stderr
    )
    if rss:
        m.peak_rss_mb = int(rss.group(1)) / 1024
    stderr = re.split(r"\n?\s*Command being timed:", stderr, maxsplit=1)[0]
    stderr = re.sub(
        r"\n?Command (exited with non-zero status|terminated by signal) \d+\s*$", "", stderr
    )
    stderr = re.sub(r"\n?MAXRSS_KB=\d+\s*$", "", stderr)
    m.ok = proc.returncode in ok_codes
    if m.ok:
        m.rows_per_s = rows / m.wall_s if m.wall_s > 0 else None
    else:
        last = stderr.strip().splitlines()[-1:] or ["(no message)"]
        m.note = f"exit {proc.returncode}: {last[0][:200]}"
    return m, stdout, stderr


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb: float | None = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    versions: dict[str, str] = {}
    for package in ("incentives", "polars", "pydantic", "pendulum"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": memory_gb,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": versions,
    }


# ---------------------------------------------------------------- steps


def shifts_file(rows: int, seed: int, timeout: float) -> tuple[Path, Measurement | None]:
    """The cached shifts file for ``rows`` and ``seed``; generated (and timed) if missing."""
    path = DATA / f"shifts-{rows}-seed{seed}.csv"
    if path.exists():
        return path, None
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.csv")
    command = [
        sys.executable,
        str(HERE / "generate.py"),
        "--rows",
        str(rows),
        "--seed",
        str(seed),
        "-o",
        str(partial),
    ]
    print(f"generating {rows:,} rows -> {path.relative_to(HERE.parent)}", flush=True)
    m, _, stderr = measure(command, rows, timeout)
    if not m.ok:
        sys.exit(f"generate.py failed: {stderr.strip()}")
    partial.replace(path)
    return path, m


def cli_command(override: str | None) -> list[str]:
    if override:
        return override.split()
    script = Path(sys.executable).with_name("incentives")
    if script.exists():
        return [str(script)]
    found = shutil.which("incentives")
    return [found] if found else [sys.executable, "-m", "incentives"]


def read_report(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def money_key(column: str) -> pl.Expr:
    """Amount text -> integer cents for comparison ("250.00", "250", "250.0" are equal)."""
    text = pl.col(column).str.strip_chars().str.strip_chars_start("'")
    return (text.cast(pl.Decimal(20, 2), strict=False) * 100).cast(pl.Int64, strict=False)


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def compare(check_csv: Path, polars_csv: Path, agreement_id: str) -> dict[str, Any]:
    """Row-by-row comparison of the CLI's CSV report with the polars reference's output."""
    check = read_report(check_csv)
    ref = read_report(polars_csv)
    needed = {"line", "amount", "hours", "qualifies"}
    missing = needed - set(check.columns)
    if missing:
        return {"error": f"check CSV lacks columns {sorted(missing)}"}
    error_col = pl.col("error") if "error" in check.columns else pl.lit(None, pl.String)
    left = check.select(
        pl.col("line").cast(pl.Int64),
        money_key("amount").alias("amount_check"),
        money_key("hours").alias("hours_check"),
        pl.col("qualifies")
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.contains(agreement_id)
        .alias("qualifies_check"),
        error_col.fill_null("").alias("error"),
        pl.col("amount").alias("amount_check_text"),
    )
    right = ref.select(
        pl.col("line").cast(pl.Int64),
        money_key("amount").alias("amount_ref"),
        money_key("hours").alias("hours_ref"),
        (pl.col("qualifies") == "true").alias("qualifies_ref"),
        pl.col("amount").alias("amount_ref_text"),
    )
    joined = left.join(right, on="line", how="full", coalesce=True)
    only_check = joined.filter(pl.col("qualifies_ref").is_null())
    only_ref = joined.filter(pl.col("qualifies_check").is_null())
    both = joined.filter(
        pl.col("qualifies_ref").is_not_null() & pl.col("qualifies_check").is_not_null()
    )
    amount_diff = both.filter(pl.col("amount_check").ne_missing(pl.col("amount_ref")))
    hours_diff = both.filter(
        (pl.col("error") == "") & pl.col("hours_check").ne_missing(pl.col("hours_ref"))
    )
    qualifies_diff = both.filter(pl.col("qualifies_check").ne_missing(pl.col("qualifies_ref")))
    any_diff = both.filter(
        pl.col("amount_check").ne_missing(pl.col("amount_ref"))
        | ((pl.col("error") == "") & pl.col("hours_check").ne_missing(pl.col("hours_ref")))
        | pl.col("qualifies_check").ne_missing(pl.col("qualifies_ref"))
    )
    examples = (
        any_diff.sort("line")
        .head(8)
        .select(
            "line",
            "amount_check_text",
            "amount_ref_text",
            "hours_check",
            "hours_ref",
            "qualifies_check",
            "qualifies_ref",
            "error",
        )
        .to_dicts()
    )
    total_check = int(left["amount_check"].fill_null(0).sum())
    total_ref = int(right["amount_ref"].fill_null(0).sum())
    return {
        "rows_check": left.height,
        "rows_polars": right.height,
        "error_rows_check": int((left["error"] != "").sum()),
        "only_in_check": only_check.height,
        "only_in_polars": only_ref.height,
        "amount_mismatches": amount_diff.height,
        "hours_mismatches": hours_diff.height,
        "qualifies_mismatches": qualifies_diff.height,
        "rows_with_any_mismatch": any_diff.height,
        "total_check": _money(total_check),
        "total_polars": _money(total_ref),
        "examples": examples,
    }


def run_one(
    rows: int,
    name: str,
    shifts: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    agreement = AGREEMENTS / f"{name}.toml"
    with agreement.open("rb") as handle:
        agreement_id = str(tomllib.load(handle)["id"])
    tag = f"{name}-{rows}"
    result: dict[str, Any] = {"rows": rows, "agreement": name, "id": agreement_id}
    polars_csv = OUT / f"polars-{tag}.csv"
    check_csv = OUT / f"check-{tag}.csv"
    for stale in (polars_csv, check_csv):
        stale.unlink(missing_ok=True)

    print(f"  {rows:>9,} rows  {name:<11} polars ...", end="", flush=True)
    command = [
        sys.executable,
        str(HERE / "reference_polars.py"),
        str(shifts),
        "-a",
        str(agreement),
        "-o",
        str(polars_csv),
    ]
    m, stdout, _ = measure(command, rows, args.timeout)
    m.detail["summary"] = stdout.strip()
    result["polars"] = asdict(m)
    print(f" {_secs(m)}", end="", flush=True)

    if not args.no_check:
        print("  check ...", end="", flush=True)
        command = [
            *cli_command(args.cli),
            "check",
            "-a",
            str(agreement),
            str(shifts),
            "--format",
            "csv",
            "-o",
            str(check_csv),
        ]
        m, _, stderr = measure(command, rows, args.timeout, ok_codes=(0, 1))
        if m.ok and not check_csv.exists():
            m.ok, m.rows_per_s = False, None
            last = stderr.strip().splitlines()[-1:] or ["(no message)"]
            m.note = f"exit {m.exit_code} and no report written: {last[0][:200]}"
        result["check"] = asdict(m)
        print(f" {_secs(m)}", end="", flush=True)

        if not args.no_api:
            print("  api ...", end="", flush=True)
            command = [sys.executable, "-c", API_SCRIPT, str(agreement), str(shifts)]
            m, stdout, _ = measure(command, rows, args.timeout)
            m.command = [sys.executable, "-c", "<run.API_SCRIPT>", *command[3:]]
            if m.ok:
                with contextlib.suppress(json.JSONDecodeError, IndexError):
                    m.detail = json.loads(stdout.strip().splitlines()[-1])
            result["api"] = asdict(m)
            print(f" {_secs(m)}", end="", flush=True)
    print(flush=True)

    ratios: dict[str, float | None] = {}
    ref_wall = result["polars"]["wall_s"] if result["polars"]["ok"] else None
    for tool in ("check", "api"):
        wall = result.get(tool, {}).get("wall_s") if result.get(tool, {}).get("ok") else None
        ratios[f"{tool}/polars"] = wall / ref_wall if wall and ref_wall else None
    result["ratios"] = ratios

    api_total = result.get("api", {}).get("detail", {}).get("total")
    if api_total is not None and polars_csv.exists():
        ref_total = _money(int(read_report(polars_csv).select(money_key("amount").sum()).item()))
        result["api_total"] = {
            "api": api_total,
            "polars": ref_total,
            "equal": Decimal(api_total) == Decimal(ref_total),
        }
    if result.get("check", {}).get("ok") and check_csv.exists() and polars_csv.exists():
        try:
            result["comparison"] = compare(check_csv, polars_csv, agreement_id)
        except (pl.exceptions.PolarsError, OSError) as exc:
            result["comparison"] = {"error": f"could not compare: {exc}"}
    return result


def _secs(m: Measurement) -> str:
    return f"{m.wall_s:.2f} s" if m.ok and m.wall_s is not None else f"FAILED ({m.note})"


# ---------------------------------------------------------------- output


def _fmt(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "-"


def print_table(info: dict[str, Any], results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['memory_gb']} GB"
    )
    print(
        f"         {info['platform']}, {info['python']}, "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    )
    print()
    header = (
        f"{'rows':>9}  {'agreement':<11} {'tool':<7} {'wall s':>8} {'rows/s':>10} "
        f"{'peak MB':>8} {'x polars':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        for tool in ("check", "api", "polars"):
            if tool not in r:
                continue
            m = r[tool]
            ratio = r["ratios"].get(f"{tool}/polars") if tool != "polars" else 1.0
            if not m["ok"]:
                print(f"{r['rows']:>9,}  {r['agreement']:<11} {tool:<7} {m['note']}")
                continue
            print(
                f"{r['rows']:>9,}  {r['agreement']:<11} {tool:<7} {_fmt(m['wall_s'], '8.2f')} "
                f"{_fmt(m['rows_per_s'], '10,.0f')} {_fmt(m['peak_rss_mb'], '8.0f')} "
                f"{_fmt(ratio, '9.1f')}"
            )
        if "api_total" in r:
            t = r["api_total"]
            verdict = "equal" if t["equal"] else "DIFFERENT"
            print(f"{'':>9}  api total {t['api']} vs polars {t['polars']}: {verdict}")
        cmp = r.get("comparison")
        if cmp is None:
            continue
        if "error" in cmp:
            print(f"{'':>9}  comparison: {cmp['error']}")
            continue
        print(
            f"{'':>9}  check vs polars: {cmp['rows_with_any_mismatch']} rows differ "
            f"(amount {cmp['amount_mismatches']}, hours {cmp['hours_mismatches']}, "
            f"qualifies {cmp['qualifies_mismatches']}; only in check {cmp['only_in_check']}, "
            f"only in polars {cmp['only_in_polars']}; check error rows "
            f"{cmp['error_rows_check']}); totals {cmp['total_check']} vs {cmp['total_polars']}"
        )
        for example in cmp["examples"][:3]:
            print(f"{'':>11}e.g. {example}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark incentives against plain polars.")
    parser.add_argument(
        "--rows", type=int, nargs="+", default=list(DEFAULT_ROWS), help="sizes (100000 1000000)"
    )
    parser.add_argument(
        "--agreement",
        "-a",
        choices=AGREEMENT_NAMES,
        action="append",
        help="agreement(s) to run (repeatable; default all four)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--quick", action="store_true", help="10,000 rows only")
    parser.add_argument("--no-check", action="store_true", help="skip the engine (CLI and API)")
    parser.add_argument("--no-api", action="store_true", help="skip the Python API run")
    parser.add_argument("--cli", help="command for the CLI (default: incentives next to python)")
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds per measurement (3600)"
    )
    args = parser.parse_args(argv)
    sizes = list(QUICK_ROWS) if args.quick else args.rows
    names = args.agreement or list(AGREEMENT_NAMES)
    OUT.mkdir(parents=True, exist_ok=True)

    started = datetime.now(UTC)
    info = machine()
    generated: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for rows in sizes:
        shifts, gen = shifts_file(rows, args.seed, args.timeout)
        if gen is not None:
            generated.append({"rows": rows, **asdict(gen)})
            print(f"  generated in {_fmt(gen.wall_s, '.2f')} s")
        for name in names:
            results.append(run_one(rows, name, shifts, args))

    print_table(info, results)
    record = {
        "started": started.isoformat(timespec="seconds"),
        "machine": info,
        "arguments": dict(vars(args)),
        "sizes": sizes,
        "agreements": names,
        "generated": generated,
        "results": results,
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"results-{stamp}.json"
    text = json.dumps(record, indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(f"\nresults: {path.relative_to(HERE.parent)}")
    failed = [
        r
        for r in results
        if not r["polars"]["ok"] or (not args.no_check and not r.get("check", {}).get("ok", False))
    ]
    mismatched = [
        r
        for r in results
        if r.get("comparison", {}).get("rows_with_any_mismatch", 0) > 0
        or "error" in r.get("comparison", {})
        or not r.get("api_total", {}).get("equal", True)
    ]
    return 1 if failed or mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())

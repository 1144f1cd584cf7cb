"""Benchmark incentives against a hand-written polars script, and compare their answers.

    .venv/bin/python benchmarks/run.py                  # 100k and 1M rows
    .venv/bin/python benchmarks/run.py --quick          # 10k rows: a smoke test
    .venv/bin/python benchmarks/run.py --growth         # adds 3M rows for the growth check
    .venv/bin/python benchmarks/run.py --rows 100000 --skip api explain

Every measurement is its own process, timed from outside (wall time, and peak memory from
``/usr/bin/time -v`` or from ``getrusage`` of a wrapper). At each size it measures:

- ``reference``: ``benchmarks/reference_polars.py`` (what an analyst would write instead),
  for every agreement on the LF CSV file and, for tiers, on the CRLF, fully quoted and
  JSON Lines files;
- ``check csv``: ``incentives check -a A SHIFTS --format csv -o OUT.csv`` on the same
  files: ratio check/reference, and the report compared with the reference's row by row
  (employee_id, hours, amount, qualifies, failed);
- ``check csv tiers+hourly``: two exclusive agreements at once (stacking): ratio against
  tiers alone, and the report compared with the two references combined;
- ``check json``: ``--format json -o OUT.json`` for tiers: ratio json/csv, and the JSON
  report's totals compared with the reference's;
- ``api``: a fresh Python timing ``evaluate([load_agreement(A)], PATH).to_polars()``:
  shifts per second and the process's wall time, totals compared with the reference's;
- ``explain``: ``incentives explain -a tiers.toml SHIFTS --line N`` for the middle line:
  ratio explain/check, and the verdict compared with the reference's for that line;
- growth: ``check csv`` tiers, time per row at each size (with ``--growth``, 3,000,000
  rows too; at that size only tiers is run, engine and reference).

It prints a table and writes ``benchmarks/out/results-<UTC time>.json`` and
``benchmarks/out/latest.json``; exit status 1 if a run failed or any comparison differs.
Shifts files are generated once and cached in ``benchmarks/data/``; reports go to
``benchmarks/out/`` (the JSON reports are removed once checked, unless ``--keep-json``).
Both folders are git-ignored.
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
GROWTH_ROWS = 3_000_000
TIME = "/usr/bin/time"

INPUTS: dict[str, tuple[str, list[str]]] = {
    # input form: (file suffix, generate.py options)
    "lf": ("csv", []),
    "crlf": ("crlf.csv", ["--crlf"]),
    "quoted": ("quoted.csv", ["--quote-all"]),
    "jsonl": ("jsonl", ["--format", "jsonl"]),
}
PARTS = ("inputs", "stacking", "json", "api", "explain")
"""Measurements that --skip can leave out (the per-agreement check csv always runs)."""
COMPARED = ("employee_id", "hours", "amount", "qualifies", "failed")
"""The columns of the engine's CSV report compared with the reference's, as text."""

API_SCRIPT = """
import json, sys, time
began = time.perf_counter()
import incentives
imported = time.perf_counter()
report = incentives.evaluate([incentives.load_agreement(sys.argv[1])], sys.argv[2])
evaluated = time.perf_counter()
frame = report.to_polars()
framed = time.perf_counter()
import polars as pl
done = frame.filter(pl.col("agreement").is_not_null())
print(json.dumps({
    "import_s": imported - began,
    "evaluate_s": evaluated - imported,
    "to_polars_s": framed - evaluated,
    "rows": done.height,
    "errors": frame.height - done.height,
    "qualifying": int(done["qualifies"].sum()),
    "total": str(done["amount"].cast(pl.Decimal(38, 2)).sum()),
}))
"""
"""Timed inside: load_agreement + evaluate (with reading the file), then to_polars."""

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
    for package in ("incentives", "polars", "pydantic"):
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
        "peak_memory_from": "/usr/bin/time -v" if Path(TIME).exists() else "getrusage",
        "versions": versions,
    }


# ---------------------------------------------------------------- comparing


def read_text_csv(path: Path) -> pl.DataFrame:
    """A CSV file as text columns, empty cells as empty text."""
    frame = pl.read_csv(path, infer_schema=False)
    return frame.with_columns(pl.all().fill_null(""))


def cents_text(cents: pl.Expr) -> pl.Expr:
    """Whole cents (>= 0) as the engine writes amounts: ``150.00``."""
    return (cents // 100).cast(pl.String) + "." + (cents % 100).cast(pl.String).str.zfill(2)


def text_cents(text: pl.Expr) -> pl.Expr:
    """An amount's text as whole cents (``150.00`` -> 15000)."""
    return (text.cast(pl.Decimal(20, 2)) * 100).cast(pl.Int64)


def compare(check_csv: Path, expected: pl.DataFrame) -> dict[str, Any]:
    """The engine's CSV report against the expected rows (the reference's), line by line:
    every column of ``COMPARED`` must be the same text."""
    check = read_text_csv(check_csv)
    missing = {"line", "error", *COMPARED} - set(check.columns)
    if missing:
        return {"error": f"the check CSV lacks columns {sorted(missing)}"}
    left = check.select(
        pl.col("line").cast(pl.Int64), *COMPARED, pl.col("error"), pl.lit(True).alias("#c")
    )
    right = expected.select(
        pl.col("line").cast(pl.Int64),
        *(pl.col(c).alias(f"{c}_ref") for c in COMPARED),
        pl.lit(True).alias("#r"),
    )
    joined = left.join(right, on="line", how="full", coalesce=True)
    both = joined.filter(pl.col("#c") & pl.col("#r"))
    differs = {c: pl.col(c) != pl.col(f"{c}_ref") for c in COMPARED}
    counts = both.select(differs[c].sum().alias(c) for c in COMPARED).row(0, named=True)
    any_diff = both.filter(pl.any_horizontal(list(differs.values())))
    examples = []
    for row in any_diff.sort("line").head(5).iter_rows(named=True):
        example: dict[str, Any] = {"line": row["line"]}
        for c in COMPARED:
            if row[c] != row[f"{c}_ref"]:
                example[c] = {"check": row[c], "reference": row[f"{c}_ref"]}
        if row["error"]:
            example["error"] = row["error"]
        examples.append(example)
    only_check = joined.filter(pl.col("#r").is_null())
    only_ref = joined.filter(pl.col("#c").is_null())
    result = {
        "rows_check": left.height,
        "rows_reference": right.height,
        "only_in_check": only_check.height,
        "only_in_reference": only_ref.height,
        "error_rows_check": int((left["error"] != "").sum()),
        "mismatches": {c: int(counts[c]) for c in COMPARED},
        "rows_differing": any_diff.height + only_check.height + only_ref.height,
        "examples": examples,
        "only_in_check_lines": only_check["line"].head(5).to_list(),
        "only_in_reference_lines": only_ref["line"].head(5).to_list(),
    }
    result["equal"] = result["rows_differing"] == 0 and result["error_rows_check"] == 0
    return result


def stacked(first: pl.DataFrame, second: pl.DataFrame) -> pl.DataFrame:
    """What the engine reports for two exclusive agreements without limits, from their
    references: the higher amount pays (the other qualifies and pays 0.00); qualifies and
    failed are the two agreements' joined in agreement order."""
    joined = first.join(second, on="line", how="inner", suffix="_2", maintain_order="left")

    def both(column: str) -> pl.Expr:
        one, two = pl.col(column), pl.col(f"{column}_2")
        return pl.concat_str(
            [pl.when(one != "").then(one), pl.when(two != "").then(two)],
            separator=";",
            ignore_nulls=True,
        ).alias(column)

    higher = pl.max_horizontal(text_cents(pl.col("amount")), text_cents(pl.col("amount_2")))
    return joined.select(
        "line",
        "employee_id",
        "hours",
        cents_text(higher).alias("amount"),
        both("qualifies"),
        both("failed"),
    )


def reference_totals(reference: pl.DataFrame) -> dict[str, Any]:
    row = reference.select(
        (pl.col("qualifies") != "").sum().alias("qualifying"),
        text_cents(pl.col("amount")).sum().alias("cents"),
    ).row(0, named=True)
    cents = int(row["cents"])
    return {
        "rows": reference.height,
        "qualifying": int(row["qualifying"]),
        "total": f"{cents // 100}.{cents % 100:02d}",
    }


def json_totals(path: Path) -> dict[str, Any]:
    """The ``totals`` of a JSON report, read from the end of the file (the report's last
    key; the rows before it may be gigabytes)."""
    marker = b'\n  "totals": '
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        chunk = 1 << 20
        while True:
            start = max(0, size - chunk)
            handle.seek(start)
            tail = handle.read()
            at = tail.rfind(marker)
            if at >= 0 or start == 0:
                break
            chunk *= 4
    if at < 0:
        raise ValueError("no totals in the JSON report")
    totals: dict[str, Any] = json.loads(b"{" + tail[at:])["totals"]
    return totals


def explain_verdict(text: str) -> dict[str, Any]:
    """The verdict of ``incentives explain`` for a one-agreement row."""
    verdict = re.search(r"^  => (.*)$", text, re.MULTILINE)
    amount = re.search(r"^Amount for this shift: (\d+\.\d\d)", text, re.MULTILINE)
    if verdict is None or amount is None:
        return {"error": "no verdict in the explanation"}
    failed = re.match(r"does not qualify \(failed: (.*)\)", verdict.group(1))
    return {
        "qualifies": verdict.group(1).startswith("qualifies"),
        "failed": failed.group(1).split(", ") if failed else [],
        "amount": amount.group(1),
    }


# ---------------------------------------------------------------- the runs


def cli_command(override: str | None) -> list[str]:
    if override:
        return override.split()
    script = Path(sys.executable).with_name("incentives")
    if script.exists():
        return [str(script)]
    found = shutil.which("incentives")
    return [found] if found else [sys.executable, "-m", "incentives"]


def agreement_path(name: str) -> Path:
    return AGREEMENTS / f"{name}.toml"


def agreement_id(name: str) -> str:
    with agreement_path(name).open("rb") as handle:
        return str(tomllib.load(handle)["id"])


def _secs(m: Measurement) -> str:
    return f"{m.wall_s:.2f} s" if m.ok and m.wall_s is not None else f"FAILED ({m.note})"


class Runner:
    """The measurements of one run, in order, with what later ones reuse."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cli = cli_command(args.cli)
        self.records: list[dict[str, Any]] = []
        self.generated: list[dict[str, Any]] = []
        self.references: dict[tuple[int, str, str], pl.DataFrame | None] = {}
        self.checks: dict[tuple[int, str, str], dict[str, Any]] = {}

    # -- files

    def shifts(self, rows: int, form: str) -> Path:
        """The cached shifts file of ``rows`` in an input form; generated if missing."""
        suffix, options = INPUTS[form]
        path = DATA / f"shifts-{rows}-seed{self.args.seed}.{suffix}"
        if path.exists():
            return path
        DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        command = [
            sys.executable,
            str(HERE / "generate.py"),
            "--rows",
            str(rows),
            "--seed",
            str(self.args.seed),
            *options,
            "-o",
            str(partial),
        ]
        if form == "lf":
            command += ["--format", "csv"]
        print(f"  generating {rows:,} rows ({form}) -> {path.relative_to(HERE.parent)}", flush=True)
        m, _, stderr = measure(command, rows, self.args.timeout)
        if not m.ok:
            sys.exit(f"generate.py failed: {stderr.strip()}")
        partial.replace(path)
        self.generated.append({"rows": rows, "input": form, **asdict(m)})
        return path

    # -- recording

    def record(self, rows: int, name: str, m: Measurement, **extra: Any) -> dict[str, Any]:
        entry = {"rows": rows, "measurement": name, **asdict(m), **extra}
        self.records.append(entry)
        return entry

    def announce(self, rows: int, name: str) -> None:
        print(f"  {rows:>9,}  {name:<34}", end="", flush=True)

    # -- the reference

    def reference(self, rows: int, name: str, form: str) -> pl.DataFrame | None:
        """The reference's rows for an agreement and input (run and timed once)."""
        key = (rows, name, form)
        if key in self.references:
            return self.references[key]
        shifts = self.shifts(rows, form)
        out = OUT / f"reference-{name}-{form}-{rows}.csv"
        out.unlink(missing_ok=True)
        label = f"reference {name} ({form})"
        self.announce(rows, label)
        command = [
            sys.executable,
            str(HERE / "reference_polars.py"),
            str(shifts),
            "-a",
            str(agreement_path(name)),
            "-o",
            str(out),
        ]
        m, stdout, _ = measure(command, rows, self.args.timeout)
        m.detail["summary"] = stdout.strip()
        print(_secs(m), flush=True)
        frame = read_text_csv(out) if m.ok and out.exists() else None
        extra: dict[str, Any] = {"tool": "reference", "agreement": name, "input": form}
        if frame is not None:
            extra["totals"] = reference_totals(frame)
        self.record(rows, label, m, **extra)
        self.references[key] = frame
        return frame

    def _ref_wall(self, rows: int, name: str, form: str) -> float | None:
        for r in self.records:
            if (r["rows"], r.get("tool"), r.get("agreement"), r.get("input")) == (
                rows,
                "reference",
                name,
                form,
            ):
                return r["wall_s"] if r["ok"] else None
        return None

    # -- the engine

    def check_csv(self, rows: int, names: list[str], form: str = "lf") -> dict[str, Any]:
        """``incentives check --format csv`` for one or more agreements, compared."""
        key = (rows, "+".join(names), form)
        if key in self.checks:
            return self.checks[key]
        expected_parts = [self.reference(rows, n, form) for n in names]
        shifts = self.shifts(rows, form)
        tag = "+".join(names)
        out = OUT / f"check-{tag}-{form}-{rows}.csv"
        out.unlink(missing_ok=True)
        label = f"check csv {tag} ({form})"
        self.announce(rows, label)
        agreements = [x for n in names for x in ("-a", str(agreement_path(n)))]
        command = [*self.cli, "check", *agreements, str(shifts), "--format", "csv", "-o", str(out)]
        m, _, stderr = measure(command, rows, self.args.timeout, ok_codes=(0, 1))
        if m.ok and not out.exists():
            m.ok, m.rows_per_s = False, None
            last = stderr.strip().splitlines()[-1:] or ["(no message)"]
            m.note = f"exit {m.exit_code} and no report written: {last[0][:200]}"
        print(_secs(m), flush=True)
        extra: dict[str, Any] = {"tool": "check csv", "agreement": tag, "input": form}
        if len(names) == 1:
            ref_wall = self._ref_wall(rows, names[0], form)
            extra["ratio"] = {
                "of": "check/reference",
                "value": m.wall_s / ref_wall if m.ok and m.wall_s and ref_wall else None,
            }
        if m.ok and all(p is not None for p in expected_parts):
            parts = [p for p in expected_parts if p is not None]
            expected = parts[0] if len(parts) == 1 else stacked(parts[0], parts[1])
            try:
                extra["comparison"] = compare(out, expected)
            except (pl.exceptions.PolarsError, OSError) as exc:
                extra["comparison"] = {"error": f"could not compare: {exc}", "equal": False}
        elif m.ok:
            extra["comparison"] = {"error": "no reference to compare with", "equal": False}
        entry = self.record(rows, label, m, **extra)
        self.checks[key] = entry
        return entry

    def check_json(self, rows: int) -> None:
        csv_run = self.check_csv(rows, ["tiers"])
        reference = self.reference(rows, "tiers", "lf")
        shifts = self.shifts(rows, "lf")
        out = OUT / f"check-tiers-lf-{rows}.json"
        out.unlink(missing_ok=True)
        label = "check json tiers (lf)"
        self.announce(rows, label)
        command = [
            *self.cli,
            "check",
            "-a",
            str(agreement_path("tiers")),
            str(shifts),
            "--format",
            "json",
            "-o",
            str(out),
        ]
        m, _, _ = measure(command, rows, self.args.timeout, ok_codes=(0, 1))
        print(_secs(m), flush=True)
        extra: dict[str, Any] = {"tool": "check json", "agreement": "tiers", "input": "lf"}
        extra["ratio"] = {
            "of": "json/csv",
            "value": m.wall_s / csv_run["wall_s"]
            if m.ok and m.wall_s and csv_run["ok"] and csv_run["wall_s"]
            else None,
        }
        if m.ok and out.exists():
            extra["report_mb"] = out.stat().st_size / 1e6
            try:
                totals = json_totals(out)
                extra["comparison"] = self._totals_match(
                    rows,
                    {
                        "rows": totals["evaluated"],
                        "errors": totals["errors"],
                        "qualifying": totals["qualifying"],
                        "total": totals["amount"],
                    },
                    reference,
                )
            except (OSError, ValueError, KeyError) as exc:
                extra["comparison"] = {"error": f"could not read the totals: {exc}", "equal": False}
            if not self.args.keep_json:
                out.unlink()
        self.record(rows, label, m, **extra)

    def _totals_match(
        self, rows: int, got: dict[str, Any], reference: pl.DataFrame | None
    ) -> dict[str, Any]:
        if reference is None:
            return {"error": "no reference to compare with", "equal": False}
        want = reference_totals(reference)
        equal = (
            got["rows"] == want["rows"]
            and got.get("errors", 0) == 0
            and got["qualifying"] == want["qualifying"]
            and Decimal(str(got["total"])) == Decimal(want["total"])
        )
        return {"engine": got, "reference": want, "equal": equal}

    def api(self, rows: int) -> None:
        reference = self.reference(rows, "tiers", "lf")
        shifts = self.shifts(rows, "lf")
        label = "api tiers (lf)"
        self.announce(rows, label)
        command = [sys.executable, "-c", API_SCRIPT, str(agreement_path("tiers")), str(shifts)]
        m, stdout, _ = measure(command, rows, self.args.timeout)
        m.command = [sys.executable, "-c", "<run.API_SCRIPT>", *command[3:]]
        extra: dict[str, Any] = {"tool": "api", "agreement": "tiers", "input": "lf"}
        if m.ok:
            try:
                m.detail = json.loads(stdout.strip().splitlines()[-1])
            except (json.JSONDecodeError, IndexError):
                m.ok, m.note = False, "no summary printed"
        if m.ok:
            inside = m.detail["evaluate_s"] + m.detail["to_polars_s"]
            extra["shifts_per_s"] = rows / inside if inside > 0 else None
            extra["comparison"] = self._totals_match(rows, m.detail, reference)
        print(_secs(m), flush=True)
        self.record(rows, label, m, **extra)

    def explain(self, rows: int) -> None:
        csv_run = self.check_csv(rows, ["tiers"])
        reference = self.reference(rows, "tiers", "lf")
        shifts = self.shifts(rows, "lf")
        line = 2 + rows // 2  # the header is line 1
        label = f"explain tiers --line {line} (lf)"
        self.announce(rows, label)
        command = [
            *self.cli,
            "explain",
            "-a",
            str(agreement_path("tiers")),
            str(shifts),
            "--line",
            str(line),
        ]
        m, stdout, _ = measure(command, rows, self.args.timeout)
        print(_secs(m), flush=True)
        extra: dict[str, Any] = {"tool": "explain", "agreement": "tiers", "input": "lf"}
        extra["line"] = line
        extra["ratio"] = {
            "of": "explain/check",
            "value": m.wall_s / csv_run["wall_s"]
            if m.ok and m.wall_s and csv_run["ok"] and csv_run["wall_s"]
            else None,
        }
        if m.ok and reference is not None:
            got = explain_verdict(stdout)
            row = reference.filter(pl.col("line").cast(pl.Int64) == line).row(0, named=True)
            prefix = agreement_id("tiers") + ":"
            want = {
                "qualifies": row["qualifies"] != "",
                "failed": [f.removeprefix(prefix) for f in row["failed"].split(";") if f],
                "amount": row["amount"],
            }
            extra["comparison"] = {"engine": got, "reference": want, "equal": got == want}
        self.record(rows, label, m, **extra)


# ---------------------------------------------------------------- output


def _fmt(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "-"


def _verdict(cmp: dict[str, Any] | None) -> str:
    """A comparison in a few words."""
    if cmp is None:
        return ""
    if "error" in cmp:
        return f"COMPARISON FAILED: {cmp['error']}"
    if "mismatches" in cmp:  # row by row
        if cmp["equal"]:
            return f"all {cmp['rows_check']:,} rows equal"
        said = ", ".join(f"{k} {v}" for k, v in cmp["mismatches"].items() if v)
        return (
            f"DIFFER: {cmp['rows_differing']} rows ({said or 'no column'}; only in check "
            f"{cmp['only_in_check']}, only in reference {cmp['only_in_reference']}; "
            f"error rows {cmp['error_rows_check']})"
        )
    what = "totals" if "total" in cmp["reference"] else "verdict"
    if cmp["equal"]:
        return f"{what} equal"
    return f"DIFFER: {what} {cmp['engine']} vs {cmp['reference']}"


def growth(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Time per row of check csv tiers (lf) at each size, against the smallest size."""
    runs = sorted(
        (
            r
            for r in records
            if (r.get("tool"), r.get("agreement"), r.get("input")) == ("check csv", "tiers", "lf")
            and r["ok"]
        ),
        key=lambda r: r["rows"],
    )
    out: list[dict[str, Any]] = []
    for r in runs:
        first = runs[0]
        out.append(
            {
                "rows": r["rows"],
                "wall_s": r["wall_s"],
                "us_per_row": r["wall_s"] / r["rows"] * 1e6,
                "rows_ratio": r["rows"] / first["rows"],
                "time_ratio": r["wall_s"] / first["wall_s"],
            }
        )
    return out


def print_table(info: dict[str, Any], records: list[dict[str, Any]], grown: list[Any]) -> None:
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
        f"{'rows':>9}  {'measurement':<34} {'wall s':>8} {'rows/s':>10} {'peak MB':>8}  "
        f"{'ratio':<24} comparison"
    )
    print(header)
    print("-" * len(header))
    for r in records:
        head = f"{r['rows']:>9,}  {r['measurement']:<34}"
        if not r["ok"]:
            print(f"{head} FAILED: {r['note']}")
            continue
        ratio = r.get("ratio")
        ratio_text = ""
        if ratio is not None:
            ratio_text = f"{_fmt(ratio['value'], '.2f')}x {ratio['of']}"
        if r.get("tool") == "api":
            ratio_text = f"{_fmt(r.get('shifts_per_s'), ',.0f')} shifts/s"
        print(
            f"{head} {_fmt(r['wall_s'], '8.2f')} {_fmt(r['rows_per_s'], '10,.0f')} "
            f"{_fmt(r['peak_rss_mb'], '8.0f')}  {ratio_text:<24} {_verdict(r.get('comparison'))}"
        )
    if grown:
        print()
        print("growth (check csv tiers, lf):")
        for g in grown:
            print(
                f"  {g['rows']:>9,} rows  {g['wall_s']:8.2f} s  {g['us_per_row']:7.2f} us/row  "
                f"rows x{g['rows_ratio']:.0f}, time x{g['time_ratio']:.2f}"
            )
    for r in records:
        cmp = r.get("comparison") or {}
        for example in cmp.get("examples", [])[:3]:
            print(f"  {r['rows']:,} {r['measurement']}: e.g. {example}")


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark incentives against plain polars.")
    parser.add_argument(
        "--rows", type=int, nargs="+", default=list(DEFAULT_ROWS), help="sizes (100000 1000000)"
    )
    parser.add_argument("--quick", action="store_true", help="10,000 rows only (a smoke test)")
    parser.add_argument(
        "--growth",
        action="store_true",
        help=f"add {GROWTH_ROWS:,} rows for the linear-growth check (check csv tiers only)",
    )
    parser.add_argument(
        "--agreement",
        "-a",
        choices=AGREEMENT_NAMES,
        action="append",
        help="agreement(s) for check csv on the LF file (repeatable; default all four)",
    )
    parser.add_argument(
        "--skip", nargs="+", choices=PARTS, default=[], help="measurements to leave out"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--cli", help="command for the CLI (default: incentives next to python)")
    parser.add_argument(
        "--keep-json", action="store_true", help="keep the JSON reports (GBs at 1M rows)"
    )
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds per measurement (3600)"
    )
    args = parser.parse_args(argv)
    sizes = list(QUICK_ROWS) if args.quick else sorted(set(args.rows))
    growth_only = [GROWTH_ROWS] if args.growth and GROWTH_ROWS not in sizes else []
    names = args.agreement or list(AGREEMENT_NAMES)
    OUT.mkdir(parents=True, exist_ok=True)

    started = datetime.now(UTC)
    info = machine()
    runner = Runner(args)
    for rows in sizes:
        print(f"{rows:,} rows", flush=True)
        for name in names:
            runner.check_csv(rows, [name])
        if "inputs" not in args.skip:
            for form in ("crlf", "quoted", "jsonl"):
                runner.check_csv(rows, ["tiers"], form)
        if "stacking" not in args.skip:
            one = runner.check_csv(rows, ["tiers"])
            two = runner.check_csv(rows, ["tiers", "hourly"])
            two["ratio"] = {
                "of": "two/one agreement",
                "value": two["wall_s"] / one["wall_s"]
                if two["ok"] and one["ok"] and one["wall_s"]
                else None,
            }
        if "json" not in args.skip:
            runner.check_json(rows)
        if "api" not in args.skip:
            runner.api(rows)
        if "explain" not in args.skip:
            runner.explain(rows)
    for rows in growth_only:
        print(f"{rows:,} rows (growth check)", flush=True)
        runner.check_csv(rows, ["tiers"])

    grown = growth(runner.records)
    print_table(info, runner.records, grown)
    failed = [r for r in runner.records if not r["ok"]]
    differ = [
        r for r in runner.records if "comparison" in r and not r["comparison"].get("equal", False)
    ]
    compared = [r for r in runner.records if "comparison" in r]
    print()
    print(
        f"{len(runner.records)} measurements, {len(failed)} failed; {len(compared)} "
        f"comparisons with the reference, {len(differ)} differ"
    )
    record = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "arguments": dict(vars(args)),
        "sizes": sizes,
        "growth_sizes": growth_only,
        "agreements": names,
        "generated": runner.generated,
        "measurements": runner.records,
        "growth": grown,
        "failed": len(failed),
        "comparisons_differing": len(differ),
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"results-{stamp}.json"
    text = json.dumps(record, indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(f"results: {path.relative_to(HERE.parent)}")
    return 1 if failed or differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``incentives`` command line (SPEC section 7): a thin layer over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Literal, NoReturn, TextIO, cast

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from ._agreement import Agreement, agreement_json_schema
from ._columnar import available as columnar_available
from ._columnar import check_csv_columnar
from ._engine import cyclic_gc_paused, evaluate
from ._errors import IncentivesError
from ._load import load_agreement
from ._output import explain_text, report_csv, report_table
from ._parallel import PARALLEL_FROM_ROWS, available_cores, can_fork, check_csv
from ._report import Report
from ._shifts import ShiftBatch, read_shifts
from ._time import AMBIGUOUS_CHOICES, Ambiguous

PROGRESS_FROM_ROWS = 20_000

OutputFormat = Literal["table", "csv", "json"]


def _fail(message: str) -> NoReturn:
    click.echo(f"incentives: error: {message}", err=True)
    sys.exit(2)


@contextmanager
def _bad_input() -> Iterator[None]:
    """Bad input ends the command with its message and exit status 2, never a traceback."""
    try:
        yield
    except IncentivesError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{getattr(exc, 'filename', None) or ''} {exc.strerror or exc}".strip())


def _dump_json(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _read(
    agreement_paths: tuple[str, ...], shifts: str, input_format: str | None
) -> tuple[list[Agreement], ShiftBatch]:
    agreements = [load_agreement(p) for p in agreement_paths]
    fmt = cast(Literal["csv", "jsonl"] | None, input_format)
    return agreements, read_shifts(shifts, input_format=fmt)


def _evaluate(
    agreements: list[Agreement],
    batch: ShiftBatch,
    as_of: date | None,
    timezone: str | None,
    ambiguous: str,
) -> Report:
    show = _is_terminal(sys.stderr) and len(batch) >= PROGRESS_FROM_ROWS
    with _progress(show) as progress_to:
        return evaluate(
            agreements,
            batch,
            as_of=as_of,
            timezone=timezone,
            ambiguous=cast(Ambiguous, ambiguous),
            progress=progress_to,
        )


def _run(
    agreement_paths: tuple[str, ...],
    shifts: str,
    as_of: date | None,
    timezone: str | None,
    ambiguous: str,
    input_format: str | None,
) -> tuple[list[Agreement], Report, str]:
    agreements, batch = _read(agreement_paths, shifts, input_format)
    report = _evaluate(agreements, batch, as_of, timezone, ambiguous)
    return agreements, report, batch.source


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not show:
        yield None
        return
    console = Console(stderr=True)
    columns = (TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("evaluating", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "-a",
            "--agreement",
            "agreements",
            multiple=True,
            required=True,
            type=click.Path(dir_okay=False),
            help="Agreement file (.toml or .json); repeat for several.",
        ),
        click.argument("shifts", type=str),
        click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            default=None,
            help="Apply only amendments adopted on or before this date (YYYY-MM-DD).",
        ),
        click.option(
            "--timezone",
            default=None,
            help="IANA zone of shift times written without a UTC offset.",
        ),
        click.option(
            "--ambiguous",
            type=click.Choice(AMBIGUOUS_CHOICES),
            default="raise",
            show_default=True,
            help="Times that occur twice (fall back): error, or take the earlier or later one.",
        ),
        click.option(
            "--input-format",
            type=click.Choice(["csv", "jsonl"]),
            default=None,
            help="Format of SHIFTS when its suffix does not say (standard input: csv).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="incentives")
def cli() -> None:
    """Decide which worked shifts qualify for extra-shift incentive agreements, what they
    pay, and why."""


def _format_for(output: str | None, chosen: str | None) -> OutputFormat:
    if chosen:
        return cast(OutputFormat, chosen)
    if output:
        suffix = Path(output).suffix.lower()
        return "csv" if suffix == ".csv" else "table" if suffix == ".txt" else "json"
    return "table" if _is_terminal(sys.stdout) else "json"


def _write(report: Report, fmt: OutputFormat, output: str | None) -> None:
    if fmt == "table":
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                report_table(report, Console(file=handle, width=160, no_color=True))
        else:
            report_table(report, Console())
        return
    _write_text(report_csv(report) if fmt == "csv" else _dump_json(report), output)


COLUMNAR_FROM_BYTES = 1_000_000
"""``--engine auto`` uses the columnar engine for CSV files at least this large."""


def _columnar_wanted(engine: str, shifts: str, input_format: str | None) -> bool:
    """Whether to try the columnar engine: a CSV file (not standard input), polars present."""
    if engine == "scalar" or shifts == "-" or not columnar_available():
        return False
    path = Path(shifts)
    if input_format not in (None, "csv") or path.suffix.lower() != ".csv" or not path.is_file():
        return False
    return engine == "columnar" or path.stat().st_size >= COLUMNAR_FROM_BYTES


def _write_text(text: str, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


@cli.command()
@_common
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default=None,
    help="Report format (default: table on a terminal, else json; with -o, from "
    "the file's suffix).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file.",
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=None,
    help="Worker processes for a CSV report, each deciding a share of the employees "
    f"(default: every core from {PARALLEL_FROM_ROWS:,} rows, else 1).",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "scalar", "columnar"]),
    default="auto",
    show_default=True,
    help="How a CSV report is computed: columnar (needs the fast extra) decides a large "
    "file a column at a time; auto uses it for CSV files of 1 MB or more.",
)
def check(
    agreements: tuple[str, ...],
    shifts: str,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    input_format: str | None,
    fmt: str | None,
    output: str | None,
    jobs: int | None,
    engine: str,
) -> None:
    """Check a shifts file (or - for standard input) against agreements.

    Exit status: 0 every row evaluated; 1 the report was written but some rows are errors;
    2 nothing evaluated.
    """
    chosen = _format_for(output, fmt)
    if jobs is not None and jobs < 1:
        _fail("--jobs must be at least 1")
    with _bad_input(), cyclic_gc_paused():
        day = as_of.date() if as_of else None
        loaded = [load_agreement(p) for p in agreements]
        if chosen == "csv" and _columnar_wanted(engine, shifts, input_format):
            show = _is_terminal(sys.stderr) and Path(shifts).stat().st_size >= COLUMNAR_FROM_BYTES
            with _progress(show) as progress_to:
                found = check_csv_columnar(
                    loaded,
                    shifts,
                    as_of=day,
                    timezone=timezone,
                    ambiguous=cast(Ambiguous, ambiguous),
                    progress=progress_to,
                    output=output,
                )
            if found is not None:
                if found.csv is not None:
                    _write_text(found.csv, output)
                sys.exit(1 if found.totals.errors else 0)
            if engine == "columnar":
                click.echo(
                    "incentives: note: the columnar engine does not cover this agreement "
                    "(see the docs); the scalar engine made the report",
                    err=True,
                )
        batch = read_shifts(shifts, input_format=cast(Literal["csv", "jsonl"] | None, input_format))
        workers = jobs or (available_cores() if len(batch) >= PARALLEL_FROM_ROWS else 1)
        if chosen == "csv" and min(workers, len(batch)) > 1 and can_fork():
            show = _is_terminal(sys.stderr) and len(batch) >= PROGRESS_FROM_ROWS
            with _progress(show) as progress_to:
                checked = check_csv(
                    loaded,
                    batch,
                    workers=min(workers, len(batch)),
                    as_of=day,
                    timezone=timezone,
                    ambiguous=cast(Ambiguous, ambiguous),
                    progress=progress_to,
                )
            assert checked.csv is not None
            _write_text(checked.csv, output)
            sys.exit(1 if checked.totals.errors else 0)
        report = _evaluate(loaded, batch, day, timezone, ambiguous)
        _write(report, chosen, output)
    sys.exit(1 if report.errors else 0)


@cli.command()
@_common
@click.option("--line", "line", type=int, required=True, help="Physical line of the row.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def explain(
    agreements: tuple[str, ...],
    shifts: str,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    input_format: str | None,
    line: int,
    fmt: str,
) -> None:
    """Explain one row of a shifts file, rule by rule, in plain words.

    The whole file is evaluated, since thresholds, attendance and limits depend on the
    employee's other shifts. Exit status, as for check: 0 every row was evaluated; 1 the
    explanation was written but some rows (this one or others) are errors; 2 no such data
    row, or nothing could be evaluated.
    """
    with _bad_input():
        day = as_of.date() if as_of else None
        loaded, report, source = _run(agreements, shifts, day, timezone, ambiguous, input_format)
        try:
            item = report.row(line)
        except KeyError:
            _fail(f"{source}: line {line} is not a data row (data rows: {_line_span(report)})")
        if fmt == "json":
            sys.stdout.write(json.dumps(item.model_dump(mode="json"), indent=2) + "\n")
        else:
            sys.stdout.write(explain_text(report, line, loaded, source))
        others = [e.line for e in report.errors if e.line != line]
        if others:
            shown = ", ".join(str(n) for n in others[:10]) + (" ..." if len(others) > 10 else "")
            click.echo(
                f"note: {len(others)} other row(s) of {source} are errors (lines {shown}); "
                "run check to see them",
                err=True,
            )
    sys.exit(1 if report.errors else 0)


def _line_span(report: Report) -> str:
    lines = [r.line for r in report.rows] + [e.line for e in report.errors]
    return f"{min(lines)} to {max(lines)}" if lines else "none"


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(paths: tuple[str, ...]) -> None:
    """Check agreement files; list every problem. Exit 0 if all are valid, else 2."""
    bad = 0
    ids: dict[str, str] = {}
    for path in paths:
        try:
            agreement = load_agreement(path)
        except IncentivesError as exc:
            bad += 1
            click.echo(f"invalid  {exc}", err=True)
            continue
        if agreement.id in ids:
            bad += 1
            click.echo(
                f"invalid  {path}: id {agreement.id!r} is also the id of {ids[agreement.id]}",
                err=True,
            )
            continue
        ids[agreement.id] = path
        amendments = len(agreement.amendments)
        extra = f", {amendments} amendment(s)" if amendments else ""
        click.echo(f"ok       {path}: {agreement.id} ({agreement.title}){extra}")
    sys.exit(2 if bad else 0)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the agreement file."""
    click.echo(json.dumps(agreement_json_schema(), indent=2))


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--line",
    "line",
    type=int,
    default=None,
    help="Explain this row of the bundled shifts file, rule by rule, instead of the table.",
)
def demo(fmt: str, line: int | None) -> None:
    """Check the bundled example: a Respiratory Care Practitioner incentive (USW Local 7600,
    7:00 a.m. Dec 27, 2020 to 7:00 a.m. Jan 4, 2021) and a small shifts file."""
    data = files("incentives") / "data"
    with (
        as_file(data / "demo-agreement.toml") as agreement,
        as_file(data / "demo-shifts.csv") as shifts,
        _bad_input(),
    ):
        loaded = [load_agreement(agreement)]
        report = evaluate(loaded, read_shifts(shifts))
        if line is not None:
            try:
                report.row(line)
            except KeyError:
                _fail(f"the demo's data rows are lines {_line_span(report)}, not {line}")
            sys.stdout.write(explain_text(report, line, loaded, "the demo shifts"))
        elif fmt == "table":
            console = Console()
            console.print(
                "[bold]incentives demo[/bold]: the USW Local 7600 Respiratory Care Practitioner "
                "incentive (7:00 a.m. Dec 27, 2020 to 7:00 a.m. Jan 4, 2021) against "
                f"{report.totals.rows} shifts.\n"
                "Try: incentives demo --line 3, to see in words why a shift does not qualify.\n"
            )
            report_table(report, console)
        else:
            _write(report, cast(OutputFormat, fmt), None)
    sys.exit(1 if report.errors else 0)


def main() -> None:
    """Entry point of the ``incentives`` command."""
    cli(prog_name="incentives")

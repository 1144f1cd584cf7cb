"""The ``incentives`` command line (SPEC section 7): a thin layer over the library.

It reads the files, asks the engine, writes the report, shows progress on a terminal and
sets the exit status; all deciding is the library's.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, BinaryIO, Literal, NoReturn, TextIO, TypeVar, cast

import click
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from ._agreement import Agreement
from ._cases import load_cases, run_case
from ._engine import Plan, decide
from ._errors import IncentivesError
from ._load import load_agreement
from ._profile import Profile, bundled, with_options
from ._report import Report
from ._schemas import WHAT, What, json_schema
from ._shifts import ShiftBatch
from ._time import AMBIGUOUS_CHOICES, Ambiguous
from .readers import read_shifts
from .readers.csv import DELIMITERS
from .readers.inspect import inspect_file
from .writers.csv import write_csv
from .writers.explain import explain_text
from .writers.html import ONLY, Only, members, render_members
from .writers.inspect import inspection_text
from .writers.json import write_json
from .writers.table import report_table

PROGRESS_FROM_ROWS = 20_000
TOKEN_VARIABLE = "INCENTIVES_TOKEN"
_T = TypeVar("_T")

OutputFormat = Literal["table", "csv", "json"]


OK, ROW_ERRORS, BAD_INPUT, CANNOT_WRITE, INTERNAL, INTERRUPTED = 0, 1, 2, 3, 70, 130
"""The exit statuses (docs/reference/cli.md): every row evaluated; the report written but
some rows are errors; bad input or usage, nothing evaluated; the output cannot be written
(nothing half-written); a fault of incentives itself; interrupted (nothing half-written)."""

STATUSES = f"""\b
Exit status: {OK} every row evaluated; {ROW_ERRORS} the report was written but some rows are
errors; {BAD_INPUT} bad input or usage, nothing evaluated; {CANNOT_WRITE} the output cannot be
written; {INTERNAL} a fault of incentives (please report it); {INTERRUPTED} interrupted."""


class CannotWrite(Exception):
    """The output named ``target`` cannot be written."""

    def __init__(self, target: str, cause: OSError) -> None:
        super().__init__(f"cannot write {target}: {cause.strerror or cause}")


_POLARS_EPIPE = "(os error 32)"
"""How polars words the OSError of a closed pipe (it sets no errno)."""


class PipeClosed(Exception):
    """The program reading standard output stopped reading."""


def _fail(message: str) -> NoReturn:
    click.echo(f"incentives: error: {message}", err=True)
    sys.exit(BAD_INPUT)


@contextmanager
def _bad_input() -> Iterator[None]:
    """Bad input ends the command with its message and exit status 2, never a traceback."""
    try:
        yield
    except IncentivesError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{getattr(exc, 'filename', None) or ''} {exc.strerror or exc}".strip())


@contextmanager
def _writing(target: str) -> Iterator[None]:
    """An ``OSError`` while writing says which output could not be written."""
    try:
        yield
    except OSError as exc:
        if (
            isinstance(exc, BrokenPipeError)
            or exc.errno == errno.EPIPE
            or _POLARS_EPIPE in str(exc)
        ):
            raise PipeClosed from None
        raise CannotWrite(target, exc) from None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


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


def _read(shifts: str, reading: Reading) -> ShiftBatch:
    return read_shifts(
        shifts,
        input_format=cast(Literal["csv", "jsonl"] | None, reading.input_format),
        encoding=reading.encoding,
        delimiter=reading.delimiter,
        profile=reading.profile,
        sheet=reading.sheet,
    )


@dataclass(frozen=True)
class Reading:
    """How to read the shifts file: its format, encoding and delimiter (None: detected)."""

    input_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    profile: Profile | None = None
    sheet: str | int | None = None


_DELIMITER_NAMES = {name: char for char, name in DELIMITERS.items()}


def _report(
    agreements: tuple[str, ...],
    shifts: str,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    reading: Reading,
) -> tuple[list[Agreement], ShiftBatch, Report]:
    loaded = [load_agreement(p) for p in agreements]
    batch = _read(shifts, reading)
    return loaded, batch, _decided(loaded, batch, as_of, timezone, ambiguous)


def _decided(
    loaded: list[Agreement],
    batch: ShiftBatch,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    lines: list[int] | None = None,
) -> Report:
    """The report of ``batch`` (of the employees of ``lines`` only, when given)."""
    day = as_of.date() if as_of else None
    plan = Plan.of(loaded, day, timezone, cast(Ambiguous, ambiguous))
    show = _is_terminal(sys.stderr) and len(batch) >= PROGRESS_FROM_ROWS
    with _progress(show) as progress_to:
        decided = decide(plan, batch, lines=lines, progress=progress_to)
    return Report.of(decided)


def _chosen_lines(
    batch: ShiftBatch, lines: tuple[int, ...], employees: tuple[str, ...]
) -> list[int]:
    """The lines to explain: those given, then each employee's rows in line order (each
    line once); an employee with no row is refused with the ids the file has."""
    chosen = list(dict.fromkeys(lines))
    ids = pl.col("employee_id").cast(pl.String).str.strip_chars()
    for employee in employees:
        found = batch.frame.filter(ids == employee.strip())["line"].to_list()
        if not found:
            known = sorted(set(batch.frame.select(ids.drop_nulls())["employee_id"].to_list()))
            listed = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "")
            listed = listed or "none"
            _fail(f"{batch.source}: no row of employee {employee!r} (employees: {listed})")
        seen = set(chosen)
        chosen += [n for n in found if n not in seen]
    return chosen


def _known_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"{value!r} is not an encoding Python knows") from None
    return value


def _reading(options: dict[str, Any]) -> Reading:
    """How to read the shifts file, from the reading options (profile errors: bad input)."""
    delimiter = options["delimiter"]
    sheet = options["sheet"]
    formats = {k: options[k] for k in ("date_format", "time_format", "datetime_format")}
    with _bad_input():
        profile = with_options(
            options["profile"],
            columns=dict(options["maps"]),
            constants=dict(options["constants"]),
            formats={k: v for k, v in formats.items() if v},
        )
    return Reading(
        options["input_format"],
        options["encoding"],
        _DELIMITER_NAMES[delimiter] if delimiter else None,
        profile,
        int(sheet) if sheet and sheet.isdigit() else sheet,
    )


def _pairs(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> list[tuple[str, str]]:
    """``A=B`` options as pairs (the column of the file, or a shifts column, and its value)."""
    pairs = []
    for item in value:
        left, equals, right = item.partition("=")
        if not equals or not left.strip() or not right.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE")
        pairs.append((left.strip(), right.strip()))
    return pairs


def _mapping_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_MAPPING_OPTIONS):
        func = option(func)
    return func


_MAPPING_OPTIONS = [
    click.option(
        "--map",
        "maps",
        multiple=True,
        callback=_pairs,
        help="'FILE COLUMN=COLUMN': read a column of the file as a shifts column (repeatable; "
        "over --profile).",
    ),
    click.option(
        "--constant",
        "constants",
        multiple=True,
        callback=_pairs,
        help="'COLUMN=VALUE': a value for a column the file lacks, on every row (repeatable).",
    ),
    click.option("--date-format", default=None, help="strptime format of a 'date' column."),
    click.option("--time-format", default=None, help="strptime format of start and end times."),
    click.option(
        "--datetime-format", default=None, help="strptime format of start and end date-times."
    ),
]


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
        click.option(
            "--encoding",
            default=None,
            callback=_known_encoding,
            help="Encoding of SHIFTS (default utf-8), e.g. cp1252 for a file saved by Excel "
            "on Windows.",
        ),
        click.option(
            "--delimiter",
            type=click.Choice(sorted(_DELIMITER_NAMES)),
            default=None,
            help="Delimiter of a CSV file (default: detected from the header).",
        ),
        click.option(
            "--profile",
            default=None,
            help="Input profile: a bundled one (see 'incentives profiles') or a TOML file, "
            "mapping another system's columns and formats.",
        ),
        click.option(
            "--sheet",
            default=None,
            help="Sheet of a workbook (.xlsx, .xls, .ods): its name or number (1 is the first).",
        ),
        *_MAPPING_OPTIONS,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=STATUSES)
@click.version_option(__version__, prog_name="incentives")
@click.option("--debug", is_flag=True, help="Show a traceback on an internal error.")
def cli(debug: bool) -> None:
    """Decide which worked shifts qualify for extra-shift incentive agreements, what they
    pay, and why."""


SUFFIXES: dict[str, OutputFormat] = {".csv": "csv", ".json": "json", ".txt": "table"}
"""The report's format from the suffix of ``-o FILE``, when ``--format`` does not say."""


def _format_for(output: str | None, chosen: str | None) -> OutputFormat:
    if chosen:
        return cast(OutputFormat, chosen)
    if output and output != "-":
        suffix = Path(output).suffix.lower()
        if suffix not in SUFFIXES:
            raise click.UsageError(
                f"cannot tell the report's format from {output!r}: name a .csv, .json or .txt "
                "file, or give --format table|csv|json"
            )
        return SUFFIXES[suffix]
    return "table" if _is_terminal(sys.stdout) else "json"


def _write(report: Report, fmt: OutputFormat, output: str | None) -> None:
    """The report, to standard output (``None`` or ``-``) or to ``output`` (written whole,
    or not at all, then summed up in a line on standard error)."""
    if output is None or output == "-":
        with _writing("standard output"):
            if fmt == "table":
                report_table(report, Console())
            else:
                _write_to(report, fmt, sys.stdout.buffer)
            sys.stdout.flush()
        return
    with _writing(output):
        _write_whole(output, lambda handle: _write_to(report, fmt, handle))
    click.echo(f"wrote {output}: {summary(report)}", err=True)


def summary(report: Report) -> str:
    """The report in one line: ``12 rows, 10 qualify, amount 2350.00; underpaid 50.00``."""
    t = report.totals
    said = f"{t.rows} row(s), {t.qualifying} qualify, amount {t.amount}"
    if t.errors:
        said += f", {t.errors} in error"
    if t.underpaid is not None:
        said += f"; paid {t.paid}, underpaid {t.underpaid}, overpaid {t.overpaid}"
    return said


def _write_whole(output: str, write: Callable[[BinaryIO], None]) -> None:
    """Write to a temporary file beside ``output``, renamed into place only when whole."""
    target = Path(output)
    if target.exists() and not target.is_file():  # a device or a named pipe: write to it
        with target.open("wb") as handle:
            write(handle)
        return
    folder = target.parent if str(target.parent) else Path(".")
    # The name is chosen before the file is made, so that an interrupt at any moment after
    # finds it to remove (mkstemp would leave it if the interrupt came as it returned).
    partial = folder / f".{target.name}.{secrets.token_hex(6)}.part"
    try:
        with open(partial, "xb") as handle:
            write(handle)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _say_bytes(text: str) -> None:
    """A machine format to standard output, as UTF-8 whatever the terminal's encoding."""
    with _writing("standard output"):
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()


def _say(text: str) -> None:
    """Text to standard output; a fault says it could not be written."""
    with _writing("standard output"):
        sys.stdout.write(text)
        sys.stdout.flush()


def _write_to(report: Report, fmt: OutputFormat, stream: BinaryIO) -> None:
    if fmt == "csv":
        write_csv(report, stream)
    elif fmt == "json":
        write_json(report, stream)
    else:
        text = io.StringIO()
        report_table(report, Console(file=text, width=160, no_color=True))
        stream.write(text.getvalue().encode("utf-8"))


@cli.command(epilog=STATUSES)
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
    help="Write the report to this file (whole, or not at all).",
)
def check(
    agreements: tuple[str, ...],
    shifts: str,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    fmt: str | None,
    output: str | None,
    **options: Any,
) -> None:
    """Check a shifts file (or - for standard input) against agreements."""
    chosen = _format_for(output, fmt)
    with _bad_input():
        reading = _reading(options)
        _, _, report = _report(agreements, shifts, as_of, timezone, ambiguous, reading)
        _write(report, chosen, output)
    sys.exit(ROW_ERRORS if report.totals.errors else OK)


@cli.command(epilog=STATUSES)
@_common
@click.option(
    "--line",
    "lines",
    type=int,
    multiple=True,
    help="Physical line of a row to explain (repeatable).",
)
@click.option(
    "--employee",
    "employees",
    multiple=True,
    help="Explain every row of this employee, in line order (repeatable).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def explain(
    agreements: tuple[str, ...],
    shifts: str,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    lines: tuple[int, ...],
    employees: tuple[str, ...],
    fmt: str,
    **options: Any,
) -> None:
    """Explain rows of a shifts file, rule by rule, in plain words: those of --line, then
    every row of each --employee.

    Thresholds, attendance and limits depend on the employee's other shifts, so that
    employee's rows are all decided. Exit status 1: the explanation was written but some
    rows (these or others) are errors; 2: no such data row or employee, or nothing
    evaluated.
    """
    if not lines and not employees:
        raise click.UsageError("give the row to explain: --line N or --employee ID")
    with _bad_input():
        reading = _reading(options)
        loaded = [load_agreement(p) for p in agreements]
        batch = _read(shifts, reading)
        chosen = _chosen_lines(batch, lines, employees)
        report = _decided(loaded, batch, as_of, timezone, ambiguous, chosen)
        for line in lines:
            try:
                report.row(line)
            except KeyError:
                span = _line_span(batch)
                _fail(f"{batch.source}: line {line} is not a data row (data rows: {span})")
        if fmt == "json":
            data = [report.row_data(n) for n in chosen]
            one = len(lines) == 1 and not employees
            _say_bytes(json.dumps(data[0] if one else data, indent=2, ensure_ascii=False) + "\n")
        else:
            _say("\n".join(explain_text(report, n, loaded, batch.source) for n in chosen))
        explained = set(chosen)
        others = [e.line for e in report.errors if e.line not in explained]
        if others:
            shown = ", ".join(str(n) for n in others[:10]) + (" ..." if len(others) > 10 else "")
            click.echo(
                f"note: {len(others)} other row(s) of {batch.source} are errors (lines {shown}); "
                "run check to see them",
                err=True,
            )
    sys.exit(ROW_ERRORS if report.errors else OK)


@cli.command(epilog=STATUSES)
@_common
@click.option(
    "--employee",
    "employees",
    multiple=True,
    help="A member to show (repeatable; default: every member, by id).",
)
@click.option(
    "--only",
    type=click.Choice(ONLY),
    default=None,
    help="Show only these shifts: underpaid, qualifying or failed.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the document to this file (whole, or not at all); default: standard output.",
)
def report(
    agreements: tuple[str, ...],
    shifts: str,
    as_of: Any,
    timezone: str | None,
    ambiguous: str,
    employees: tuple[str, ...],
    only: Only | None,
    output: str | None,
    **options: Any,
) -> None:
    """A document for each member: totals, a picture of each workweek and every shift with
    its reasons, as one HTML file that prints to PDF (a page a member)."""
    with _bad_input():
        loaded = [load_agreement(p) for p in agreements]
        batch = _read(shifts, _reading(options))
        # Only the chosen members' rows are decided (each member's rows decide alone).
        lines = _chosen_lines(batch, (), employees) if employees else None
        decided = _decided(loaded, batch, as_of, timezone, ambiguous, lines)
        chosen = members(decided, loaded, employees, only)
        text = render_members(decided, loaded, chosen, only)
        if output is None or output == "-":
            _say_bytes(text)
        else:
            with _writing(output):
                _write_whole(output, lambda handle: _put(handle, text))
            shifts_shown = sum(len(m.shifts) for m in chosen)
            click.echo(
                f"wrote {output}: {len(chosen)} member(s), {shifts_shown} shift(s)", err=True
            )
    sys.exit(ROW_ERRORS if decided.totals.errors else OK)


def _put(handle: BinaryIO, text: str) -> None:
    handle.write(text.encode("utf-8"))


def _line_span(batch: ShiftBatch) -> str:
    lines = batch.frame["line"].to_list()
    return f"{min(lines)} to {max(lines)}" if lines else "none"


def _loaded(path: str, load: Callable[[str], _T]) -> _T | None:
    """What ``load`` makes of the file ``path``, or None once it has said why it is invalid."""
    try:
        return load(path)
    except IncentivesError as exc:
        click.echo(f"invalid  {exc}", err=True)
        return None


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(paths: tuple[str, ...]) -> None:
    """Check agreement files; list every problem. Exit status 0 if all are valid, else 2."""
    bad = 0
    ids: dict[str, str] = {}
    for path in paths:
        agreement = _loaded(path, load_agreement)
        if agreement is None:
            bad += 1
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
        _say(f"ok       {path}: {agreement.id} ({agreement.title}){extra}\n")
    sys.exit(BAD_INPUT if bad else OK)


@cli.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def run_tests(paths: tuple[str, ...]) -> None:
    """Run agreement tests: each case of each test file, one line per case.

    Exit status 0 if every case passed, 1 if any failed, 2 if a test file (or an agreement
    it names) cannot be used.
    """
    passed = failed = bad = 0
    for path in paths:
        cases = _loaded(path, load_cases)
        if cases is None:
            bad += 1
            continue
        for case in cases.cases:
            result = run_case(cases, case)
            passed += result.passed
            failed += not result.passed
            _say(f"{'ok  ' if result.passed else 'FAIL'}     {path}: {case.name}\n")
            for problem in result.problems:
                _say("".join(f"           {line}\n" for line in problem.splitlines()))
    _say(f"{passed} passed, {failed} failed" + (f", {bad} invalid file(s)" if bad else "") + "\n")
    sys.exit(BAD_INPUT if bad else ROW_ERRORS if failed else OK)


@cli.command()
@click.option(
    "--what",
    type=click.Choice(WHAT),
    default="agreement",
    show_default=True,
    help="Whose JSON Schema to print: the agreement file, a shifts record, the JSON report "
    "or an input profile.",
)
def schema(what: What) -> None:
    """Print a JSON Schema: of the agreement file, a shifts record, the report or a profile."""
    _say_bytes(json.dumps(json_schema(what), indent=2) + "\n")


@cli.command(epilog=STATUSES)
@click.argument("shifts", type=click.Path(dir_okay=False))
@click.option("--profile", default=None, help="Input profile: a bundled one or a TOML file.")
@click.option("--encoding", default=None, callback=_known_encoding, help="Encoding of SHIFTS.")
@click.option(
    "--delimiter",
    type=click.Choice(sorted(_DELIMITER_NAMES)),
    default=None,
    help="Delimiter of a CSV file (default: detected from the header).",
)
@click.option("--sheet", default=None, help="Sheet of a workbook: its name or number.")
@click.option("--timezone", default=None, help="IANA zone of times without a UTC offset.")
@click.option("--rows", "first", type=click.IntRange(0), default=5, show_default=True,
              help="How many rows to show.")  # fmt: skip
@_mapping_options
def inspect(shifts: str, first: int, timezone: str | None, **options: Any) -> None:
    """Show how a shifts file reads (its columns, first rows and problems) before
    checking it. Exit status 0 when every row reads, 1 when some rows are errors, 2 when
    the file cannot be read as a shifts file."""
    reading = _reading({**options, "input_format": None})
    with _bad_input():
        found = inspect_file(
            shifts,
            profile=reading.profile,
            encoding=reading.encoding,
            delimiter=reading.delimiter,
            sheet=reading.sheet,
            timezone=timezone,
            first=first,
        )
    _say(inspection_text(found))
    if not found.columns and not found.rows:
        sys.exit(BAD_INPUT)
    sys.exit(ROW_ERRORS if found.errors else OK)


@cli.command()
def profiles() -> None:
    """List the bundled input profiles (use one with --profile NAME)."""
    with _bad_input():
        known = bundled()
    width = max(len(name) for name in known)
    _say("".join(f"{name:<{width}}  {p.description}\n" for name, p in known.items()))


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback offers the service to the network: "
    "set a token.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    default=None,
    help=f"A file holding the bearer token every request needs (or set {TOKEN_VARIABLE}).",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(1),
    default=20_000_000,
    show_default=True,
    help="Largest request body; larger ones are answered 413.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(1),
    default=100_000,
    show_default=True,
    help="Most shifts in one request; more are answered 413.",
)
def serve(host: str, port: int, token_file: str | None, max_body_bytes: int, max_rows: int) -> None:
    """Serve check, explain, validate and the schemas over HTTP (JSON); Ctrl-C stops.

    Needs the serve extra: pip install 'incentives[serve]'.
    """
    try:
        import uvicorn

        from .service import Settings, create_app
    except ImportError:
        _fail("serving needs the serve extra: pip install 'incentives[serve]'")
    settings = Settings(host, port, _token(token_file), max_body_bytes, max_rows)
    where = f"http://{host}:{port}"
    click.echo(f"incentives {__version__} serving on {where} (Ctrl-C stops)", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _token(path: str | None) -> str | None:
    """The bearer token of ``--token-file`` or the environment, if either gives one."""
    if path is None:
        return os.environ.get(TOKEN_VARIABLE) or None
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{path}: cannot be read ({exc})")
    if not token:
        _fail(f"{path}: holds no token")
    return token


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
        batch = read_shifts(shifts)
        report = Report.of(decide(Plan.of(loaded, None, None, "raise"), batch))
        if line is not None:
            try:
                report.row(line)
            except KeyError:
                _fail(f"the demo's data rows are lines {_line_span(batch)}, not {line}")
            _say(explain_text(report, line, loaded, "the demo shifts"))
        elif fmt == "table":
            _demo_table(report)
        else:
            _write(report, cast(OutputFormat, fmt), None)
    sys.exit(ROW_ERRORS if report.errors else OK)


def _demo_table(report: Report) -> None:
    with _writing("standard output"):
        console = Console()
        console.print(
            "[bold]incentives demo[/bold]: the USW Local 7600 Respiratory Care Practitioner "
            "incentive (7:00 a.m. Dec 27, 2020 to 7:00 a.m. Jan 4, 2021) against "
            f"{report.totals.rows} shifts.\n"
            "Try: incentives demo --line 3, to see in words why a shift does not qualify.\n"
        )
        report_table(report, console)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the ``incentives`` command: every outcome is one of the exit statuses."""
    args = sys.argv[1:] if argv is None else argv
    _tolerant_streams()
    try:
        status = cli.main(args, prog_name="incentives", standalone_mode=False)
    except SystemExit as exc:
        status = exc.code
    except click.exceptions.Abort:
        status = _interrupted()
    except KeyboardInterrupt:
        status = _interrupted()
    except click.ClickException as exc:
        exc.show()
        status = exc.exit_code
    except CannotWrite as exc:
        click.echo(f"incentives: {exc}", err=True)
        status = CANNOT_WRITE
    except PipeClosed:
        status = _broken_pipe()
    except BaseException as exc:  # an Exception, or a panic inside polars (a BaseException)
        if "--debug" in args[:1] or isinstance(exc, GeneratorExit):
            raise
        click.echo(
            f"incentives {__version__}: internal error (a fault of incentives, not of your "
            "input): please report it with the command and its files; --debug shows where",
            err=True,
        )
        status = INTERNAL
    sys.exit(status if isinstance(status, int) else OK)


class _ClosedOutput(io.TextIOBase):
    """Standard output closed before the command started (``>&-``): writing to it fails
    as writing to a closed descriptor does, so the command says it cannot write there."""

    def write(self, text: object) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    @property
    def buffer(self) -> _ClosedOutput:
        return self


def _tolerant_streams() -> None:
    """Text that the terminal's encoding cannot show is escaped, never a crash: a name in
    Chinese on a cp1252 console prints as ``\\u4e00``. Machine formats (JSON, CSV) are
    written as UTF-8 bytes whatever the encoding."""
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _interrupted() -> int:
    click.echo("incentives: interrupted (nothing was half-written)", err=True)
    return INTERRUPTED


def _broken_pipe() -> int:
    """The reader of standard output went away: stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141

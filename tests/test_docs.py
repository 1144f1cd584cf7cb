"""The documentation is tested: what it shows is what the code does.

* Every fenced ``python`` block in ``docs/**/*.md`` and ``README.md`` runs. The blocks of one
  page run in order in one namespace, in a fresh working directory that holds a link to the
  repository's ``examples/`` (so ``examples/usw7600-rcp/agreement.toml`` resolves) and the
  files the page has shown so far: a block titled with a file name (```toml
  title="agreement.toml"```) is written to that file before the next blocks run. A block
  titled ``Output`` right after a ``python`` block is what that block prints.
* Every command of a ``sh`` or ``console`` block that starts with ``incentives `` runs through
  the real command line and must exit 0 or 1. In a ``console`` block, the lines after a
  ``$ incentives ...`` command are its output and must match (a line ``...`` stands for any
  lines, ``...`` inside a line for any text).
* A block preceded by ``<!-- no-test -->`` is illustration only and is not run.
* The references cover every key of the agreement file (from its JSON Schema), every column
  of the shifts file, every field of the report and every command-line option.

``mkdocs build --strict`` is not run here: CI runs it on its own.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import click
import pydantic
import pytest

import incentives
from incentives import _cli, _shifts
from incentives.writers import csv as _output

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]
EXAMPLES = ROOT / "examples"

NO_TEST = "<!-- no-test -->"
OUTPUT_TITLE = "Output"
SHELLS = ("sh", "bash", "shell", "console")
FILE_TITLE = re.compile(r"^[\w.-]+\.[A-Za-z0-9]+$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
# The width the command line's tables are shown at in the docs.
COLUMNS = "120"


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int
    lang: str
    title: str | None
    text: str
    skip: bool

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, in order (indented ones included)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"].strip()
        lang = info.split()[0].lower() if info else ""
        title = TITLE.search(info)
        before = next((text.strip() for text in reversed(lines[:i]) if text.strip()), "")
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            text = lines[j]
            body.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
            j += 1
        found.append(
            Block(
                page=page,
                line=i + 1,
                lang=lang,
                title=title["title"] if title else None,
                text="\n".join(body) + "\n",
                skip=before == NO_TEST,
            )
        )
        i = j + 1
    return found


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


# --------------------------------------------------------------------------- running


def output_matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` matches ``expected``, ignoring trailing white space.

    A line that is only ``...`` stands for any number of lines; ``...`` inside a line for
    any text on that line.
    """
    want = [line.rstrip() for line in expected.rstrip().splitlines()]
    got = "\n".join(line.rstrip() for line in actual.rstrip().splitlines())
    parts: list[str] = []
    for line in want:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = (re.escape(piece) for piece in line.split("..."))
            parts.append("[^\n]*".join(pieces) + r"\n")
    pattern = "".join(parts)
    return re.fullmatch(pattern, got + "\n", flags=re.DOTALL) is not None


def shell_commands(block: Block) -> list[tuple[str, str | None]]:
    """``(command, shown output or None)`` for each ``incentives`` command of a block."""
    commands: list[tuple[str, str | None]] = []
    if block.lang == "console":
        current: str | None = None
        shown: list[str] = []
        for text in [*block.text.splitlines(), "$ "]:
            if text.startswith("$ ") or text == "$":
                if current is not None and current.startswith("incentives "):
                    commands.append((current, "\n".join(shown) if shown else None))
                current = text[2:].strip()
                shown = []
            elif current is not None:
                if current.endswith("\\"):
                    current = current[:-1] + " " + text.strip()
                else:
                    shown.append(text)
        return commands
    joined = block.text.replace("\\\n", " ")
    for text in joined.splitlines():
        command = text.strip()
        if command.startswith("incentives "):
            commands.append((command, None))
    return commands


def run_command(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``incentives ...`` (with ``< FILE`` / ``> FILE`` if given) as a real process."""
    words = shlex.split(command, comments=True)
    stdin: str | None = None
    stdout_to: Path | None = None
    args: list[str] = []
    iterator = iter(words[1:])
    for word in iterator:
        if word == "<":
            stdin = (cwd / next(iterator)).read_text(encoding="utf-8")
        elif word == ">":
            stdout_to = cwd / next(iterator)
        elif word in ("|", "&&", "||", ";", "2>", "2>&1"):
            raise AssertionError(f"{command!r}: only < and > are supported in tested commands")
        else:
            args.append(word)
    env = {**os.environ, "COLUMNS": COLUMNS, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "incentives", *args],
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    if stdout_to is not None:
        stdout_to.write_text(proc.stdout, encoding="utf-8")
    return proc


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_page(page: Path, workdir: Path) -> None:
    """Run every tested block of ``page`` in order, in ``workdir``."""
    (workdir / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    last_output: str | None = None
    last_python: Block | None = None
    for block in blocks(page):
        if block.skip:
            last_output = None
            continue
        if block.title == OUTPUT_TITLE:
            assert last_output is not None, (
                f"{block.where}: an Output block must follow a tested python block"
            )
            assert last_python is not None
            assert output_matches(block.text, last_output), (
                f"{block.where}: the python block at line {last_python.line} printed\n"
                f"{last_output}\nbut the page shows\n{block.text}"
            )
            last_output = None
            continue
        last_output = None
        if (
            block.title
            and FILE_TITLE.match(block.title)
            and block.lang not in SHELLS
            and "--8<--" not in block.text
        ):
            (workdir / block.title).write_text(block.text, encoding="utf-8")
        if block.lang in ("python", "py"):
            printed = io.StringIO()
            code = compile(block.text, block.where, "exec")
            with working_directory(workdir), contextlib.redirect_stdout(printed):
                try:
                    exec(code, namespace)
                except Exception as exc:
                    raise AssertionError(f"{block.where}: {type(exc).__name__}: {exc}") from exc
            last_output = printed.getvalue()
            last_python = block
        elif block.lang in SHELLS:
            if block.lang == "console":
                assert block.text.startswith("$ "), (
                    f"{block.where}: a console block starts with a `$ ` command"
                )
            for command, shown in shell_commands(block):
                proc = run_command(command, workdir)
                assert proc.returncode in (0, 1), (
                    f"{block.where}: `{command}` exited {proc.returncode}\n{proc.stderr}"
                )
                assert "Traceback" not in proc.stderr, f"{block.where}: {proc.stderr}"
                if shown is not None:
                    actual = proc.stdout + proc.stderr
                    assert output_matches(shown, actual), (
                        f"{block.where}: `{command}` printed\n{actual}\nbut the page shows\n{shown}"
                    )


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_examples_run_and_show_what_the_code_does(page: Path, tmp_path: Path) -> None:
    run_page(page, tmp_path)


# --------------------------------------------------------------------------- the runner itself


def test_output_matching_ignores_trailing_space_and_understands_ellipsis() -> None:
    assert output_matches("a\nb  \n", "a  \nb\n\n")
    assert output_matches("a\n...\nd\n", "a\nb\nc\nd\n")
    assert output_matches("a\n...\nb\n", "a\nb\n")
    assert output_matches('"tzdata": "...",', '"tzdata": "2025b",')
    assert not output_matches("a\nb\n", "a\nc\n")
    assert not output_matches("a\n", "a\nb\n")


def test_blocks_are_found_with_language_title_and_marker(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text\n\n"
        '```toml title="agreement.toml"\nid = "x"\n```\n\n'
        "<!-- no-test -->\n```python\nraise SystemExit\n```\n\n"
        "!!! note\n\n    ```console\n    $ incentives schema\n    {\n    ```\n",
        encoding="utf-8",
    )
    found = blocks(page)
    assert [(b.lang, b.title, b.skip) for b in found] == [
        ("toml", "agreement.toml", False),
        ("python", None, True),
        ("console", None, False),
    ]
    assert found[0].text == 'id = "x"\n'
    assert shell_commands(found[2]) == [("incentives schema", "{")]


# --------------------------------------------------------------------------- references


def table_keys(page: Path) -> set[str]:
    """The code spans that open a row of a Markdown table: ``| `key` | ... |``."""
    keys: set[str] = set()
    for text in page.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([^`]+)`", text.strip())
        if match:
            keys.add(match[1])
    return keys


def schema_paths() -> set[str]:
    """Every key path of the agreement file, from its JSON Schema (``payout[].tiers[].amount``)."""
    schema = incentives.agreement_json_schema()
    defs: dict[str, Any] = schema["$defs"]
    paths: set[str] = set()
    queue: list[tuple[str, dict[str, Any]]] = [("", schema)]
    seen: set[str] = set()

    def refs(node: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
        if "$ref" in node:
            yield node["$ref"].rsplit("/", 1)[-1], path
        for option in node.get("anyOf", []):
            yield from refs(option, path)
        if isinstance(node.get("items"), dict):
            yield from refs(node["items"], path + "[]")
        if isinstance(node.get("additionalProperties"), dict):
            yield from refs(node["additionalProperties"], path + ".<name>")

    while queue:
        prefix, node = queue.pop(0)
        for name, prop in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            paths.add(path)
            if isinstance(prop.get("additionalProperties"), dict):
                paths.add(path + ".<name>")
            for ref, at in refs(prop, path):
                if ref not in seen:
                    seen.add(ref)
                    queue.append((at + ".", defs[ref]))
    return paths


def test_schema_paths_reach_every_definition() -> None:
    paths = schema_paths()
    assert {"id", "windows[].start", "payout[].tiers[].amount", "amendments[].adopted"} <= paths
    assert "periods.<name>" in paths


def test_agreement_reference_documents_every_key_of_the_schema() -> None:
    documented = table_keys(DOCS / "reference" / "agreement.md")
    paths = schema_paths()
    assert sorted(paths - documented) == [], "keys missing from docs/reference/agreement.md"
    assert sorted(documented - paths) == [], "docs/reference/agreement.md names unknown keys"


def test_shifts_reference_documents_every_column() -> None:
    documented = table_keys(DOCS / "reference" / "shifts.md")
    assert sorted(set(_shifts.COLUMNS) - documented) == []
    assert sorted(documented - set(_shifts.COLUMNS)) == []


def model_paths(model: type[pydantic.BaseModel], prefix: str = "") -> set[str]:
    """Every field path of a report model (``rows[].outcomes[].amount``)."""
    paths: set[str] = set()
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.add(path)
        annotation = field.annotation
        while get_origin(annotation) is not None and get_origin(annotation) is not dict:
            args = [a for a in get_args(annotation) if a is not type(None)]
            if get_origin(annotation) is list:
                path += "[]"
            annotation = args[0] if args else None
        if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
            paths |= model_paths(annotation, path + ".")
    return paths


def test_report_reference_documents_every_field_and_csv_column() -> None:
    page = DOCS / "reference" / "report.md"
    documented = table_keys(page)
    paths = model_paths(incentives.Report)
    assert {"rows[].outcomes[].reasons[].rule", "errors[].employee_id", "tzdata"} <= paths
    assert sorted(paths - documented) == [], "fields missing from docs/reference/report.md"
    text = page.read_text(encoding="utf-8")
    assert ",".join(_output.CSV_COLUMNS) in text, "the CSV header is not shown in report.md"
    for column in _output.CSV_COLUMNS:
        assert f"| `{column}` |" in text, f"CSV column {column} is not described"


def test_report_reference_lists_every_reason_code() -> None:
    from incentives._reasons import ADJUSTMENT_CODES, CODES

    text = (DOCS / "reference" / "report.md").read_text(encoding="utf-8")
    section = text.split("### Reason codes", 1)[1].split("###", 1)[0]
    listed = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", section))
    assert listed == set(CODES) | set(ADJUSTMENT_CODES)


def test_cli_reference_documents_every_command_and_option() -> None:
    text = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    for name, command in _cli.cli.commands.items():
        assert f"## `incentives {name}`" in text, f"no section for `incentives {name}`"
        for param in command.params:
            if isinstance(param, click.Option):
                for option in param.opts:
                    assert f"`{option}" in text, f"option {option} of {name} is not described"


def test_every_example_folder_has_a_page_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for folder in sorted(p for p in EXAMPLES.iterdir() if (p / "README.md").is_file()):
        page = DOCS / "examples" / f"{folder.name}.md"
        assert page.is_file(), f"no page docs/examples/{folder.name}.md"
        text = page.read_text(encoding="utf-8")
        assert f'--8<-- "examples/{folder.name}/README.md"' in text
        assert f"examples/{folder.name}.md" in nav, f"{page.name} is not in the mkdocs.yml nav"


def test_api_reference_renders_every_public_name() -> None:
    text = (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    for name in incentives.__all__:
        if name in ("TZDATA_VERSION", "__version__"):
            assert f"`incentives.{name}`" in text, f"{name} is not described in api.md"
        else:
            assert f"::: incentives.{name}\n" in text, f"{name} is not rendered in api.md"

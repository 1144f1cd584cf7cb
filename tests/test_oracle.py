"""The engine against the oracle (``tests/oracle``): the same report, whatever the input.

Hypothesis generates agreements (every window rule and payout kind of the registries,
thresholds per workweek and pay period, attendance, day-parts, limits, rounding,
amendments), one to three of them at once (exclusive and stacking), and shifts files
around both daylight-saving changes of America/Los_Angeles and an ordinary week, with bad
values, absences and overlapping shifts among them, written as CSV with every line ending,
quoted or not, with a byte order mark, or as JSON Lines. The engine and the oracle must
give the same report (every reason's words, amounts, adjustments, errors and totals), the
same CSV report and the same explanation of a row.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import oracle
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    LINE_ENDINGS,
    corpus_agreements,
    corpus_csv,
    corpus_jsonl,
    corpus_rows,
    generated_shifts,
)

import incentives
from incentives._reasons import ADJUSTMENT_CODES, CODES
from incentives.rules import payout, window
from incentives.writers.csv import report_csv
from incentives.writers.explain import explain_text
from incentives.writers.json import report_json, write_json

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "benchmarks" / "agreements"
EXAMPLES = ROOT / "examples"

Json = dict[str, Any]


def without_codes(data: Any) -> Any:
    """The 0.1 report: the same, less the reason and adjustment codes and values."""
    if isinstance(data, dict):
        return {k: without_codes(v) for k, v in data.items() if k not in ("code", "values")}
    if isinstance(data, list):
        return [without_codes(v) for v in data]
    return data


def first_difference(got: Any, want: Any, path: str = "") -> str:
    """Where two JSON values first differ, for the failure message."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in sorted(set(got) | set(want), key=str):
            if key not in got or key not in want:
                return f"{path}.{key}: only in {'the engine' if key in got else 'the oracle'}"
            found = first_difference(got[key], want[key], f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return f"{path}: {len(got)} items from the engine, {len(want)} from the oracle"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            found = first_difference(g, w, f"{path}[{i}]")
            if found:
                return found
        return ""
    return "" if got == want else f"{path}: engine {got!r}, oracle {want!r}"


def same_reports(
    agreements: list[incentives.Agreement], path: Path, **options: Any
) -> incentives.Report | None:
    """The engine and the oracle on one file: same report, CSV and explanations."""
    refused: incentives.IncentivesError | None = None
    try:
        expected = oracle.evaluate(agreements, oracle.read_shifts(path), **options)
    except incentives.IncentivesError as exc:
        refused = exc
    if refused is not None:
        with pytest.raises(type(refused).__mro__[1]) as info:  # the oracle's is a subclass
            incentives.evaluate(agreements, incentives.read_shifts(path), **options)
        assert str(info.value) == str(refused)
        return None
    report = incentives.evaluate(agreements, incentives.read_shifts(path), **options)
    got, want = without_codes(report.model_dump(mode="json")), expected.model_dump(mode="json")
    # The overtime true-up is not in SPEC 5: tests/test_overtime.py holds it to its own oracle.
    got.pop("overtime", None)
    got["totals"] = {k: v for k, v in got["totals"].items() if not k.startswith("overtime_")}
    assert got == want, first_difference(got, want)
    assert report_csv(report) == oracle.report_csv(expected)
    for row in report.rows:
        for outcome in row.outcomes:
            assert [r.code for r in outcome.reasons if r.code not in CODES] == []
            assert all(r.code.split(".")[0] == r.rule for r in outcome.reasons)
            assert [a.code for a in outcome.adjustments if a.code not in ADJUSTMENT_CODES] == []
    streamed = io.BytesIO()
    write_json(report, streamed)
    assert streamed.getvalue().decode("utf-8") == report_json(report)
    for line in [r.line for r in expected.rows[:3]] + [e.line for e in expected.errors[:1]]:
        said = explain_text(report, line, agreements, "f").split("\n\nOvertime (")[0]
        assert said.rstrip("\n") + "\n" == oracle.explain_text(expected, line, agreements, "f")
    return report


def write(folder: str, name: str, text: str) -> Path:
    path = Path(folder) / name
    path.write_bytes(text.encode("utf-8"))
    return path


ids = st.sampled_from(["gen-a", "gen-b", "gen-c"])


@st.composite
def agreement_sets(draw: st.DrawFn) -> list[incentives.Agreement]:
    """One to three generated agreements with distinct ids."""
    chosen = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    rules, kinds = list(window.KINDS), list(payout.KINDS)
    return [
        incentives.Agreement.model_validate(draw(corpus_agreements(rules, kinds, id=i)))
        for i in chosen
    ]


OPTIONS = st.fixed_dictionaries(
    {
        "ambiguous": st.sampled_from(["raise", "earlier", "later"]),
        "timezone": st.sampled_from([None, None, "America/New_York", "UTC"]),
        "as_of": st.sampled_from([None, date(2020, 11, 15), date(2021, 1, 1)]),
    }
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    agreements=agreement_sets(),
    rows=corpus_rows(),
    drop=st.sampled_from([[], [], ["paid"], ["approved", "unit"], ["fte", "status"]]),
    shape=st.sampled_from(["csv", "csv", "jsonl"]),
    ending=st.sampled_from(LINE_ENDINGS),
    quote_all=st.booleans(),
    bom=st.booleans(),
    options=OPTIONS,
)
def test_the_engine_writes_the_oracles_report(
    agreements: list[incentives.Agreement],
    rows: list[dict[str, str]],
    drop: list[str],
    shape: str,
    ending: str,
    quote_all: bool,
    bom: bool,
    options: dict[str, Any],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if shape == "jsonl":
            path = write(folder, "shifts.jsonl", corpus_jsonl(rows, drop))
        else:
            text = corpus_csv(rows, drop, ending=ending, quote_all=quote_all, bom=bom)
            path = write(folder, "shifts.csv", text)
        same_reports(agreements, path, **options)


# --------------------------------------------------------------------------- files


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_shifts(tmp_path_factory.mktemp("oracle") / "shifts.csv", 4000, 3)


@pytest.mark.parametrize("name", ["tiers", "hourly", "prorate", "beyond-fte"])
def test_benchmark_agreements_on_a_generated_pay_period(generated: Path, name: str) -> None:
    same_reports([incentives.load_agreement(AGREEMENTS / f"{name}.toml")], generated)


def test_two_benchmark_agreements_at_once(generated: Path) -> None:
    tiers = incentives.load_agreement(AGREEMENTS / "tiers.toml")
    beyond = incentives.load_agreement(AGREEMENTS / "beyond-fte.toml")
    report = same_reports([tiers, beyond], generated)
    assert report is not None
    assert any(a.rule == "stacking" for r in report.rows for o in r.outcomes for a in o.adjustments)


@pytest.mark.parametrize(
    "example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "shifts.csv").is_file())
)
def test_every_example(example: str) -> None:
    folder = EXAMPLES / example
    agreements = [incentives.load_agreement(p) for p in sorted(folder.glob("agreement*.toml"))]
    same_reports(agreements, folder / "shifts.csv")

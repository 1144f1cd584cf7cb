"""Clause citations: the agreement's own words for a part of the terms travel with the
verdicts of the rules that part decides (reasons, adjustments, explain, the member's
report), and change nothing that is decided."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
import pytest

import incentives
from incentives.writers.explain import explain_text
from incentives.writers.html import report_html

SICK = "If you call in sick during the workweek, you will no longer be eligible"
SHIFTS = (
    "employee_id,classification,start,end,extra,status\n"
    "E1,RN,2021-01-04T07:00,2021-01-04T19:00,true,\n"
    "E1,RN,2021-01-05T07:00,2021-01-05T19:00,,sick\n"
    "E1,RN,2021-01-12T07:00,2021-01-12T19:00,true,\n"
    "E1,RN,2021-01-13T07:00,2021-01-13T19:00,true,\n"
)


def _terms(**more: Any) -> dict[str, Any]:
    return {
        "id": "quoted",
        "title": "Quoted",
        "timezone": "America/Los_Angeles",
        "windows": [
            {"start": "2021-01-01T00:00", "end": "2021-01-10T00:00", "clause": "first week"},
            {"start": "2021-01-10T00:00", "end": "2021-02-01T00:00", "clause": "the rest"},
        ],
        "eligibility": {"classifications": ["*"], "clause": "all nurses", "source": "s. 1"},
        "attendance": {"forfeit_on": ["sick"], "clause": SICK, "source": "Bulletin, 3"},
        "payout": [{"per_shift": "100.00", "clause": "$100 per extra shift"}],
        "limits": {"max_shifts_per_workweek": 1, "clause": "one shift a week"},
    } | more


def _report(tmp_path: Path, terms: dict[str, Any]) -> tuple[incentives.Report, Any]:
    agreement = incentives.Agreement.model_validate(terms)
    shifts = tmp_path / "s.csv"
    shifts.write_text(SHIFTS, encoding="utf-8")
    return incentives.evaluate([agreement], shifts), agreement


def _reasons(report: incentives.Report, line: int) -> dict[str, incentives.Reason]:
    return {r.rule: r for r in report.row(line).outcomes[0].reasons}  # type: ignore[union-attr]


def test_each_rule_quotes_the_part_that_decides_it(tmp_path: Path) -> None:
    report, _ = _report(tmp_path, _terms())
    reasons = _reasons(report, 2)
    assert reasons["attendance"].clause == f"\u201c{SICK}\u201d (Bulletin, 3)"
    for rule in ("classification", "employer", "unit", "approval", "min_hours"):
        assert reasons[rule].clause == "\u201call nurses\u201d (s. 1)"
    # Two windows, each with its words: both quoted, in the file's order.
    assert reasons["window"].clause == "\u201cfirst week\u201d \u201cthe rest\u201d"
    assert reasons["payout"].clause == "\u201c$100 per extra shift\u201d"
    assert reasons["status"].clause is None
    assert reasons["extra"].clause is None


def test_a_limit_adjustment_quotes_the_limits(tmp_path: Path) -> None:
    report, _ = _report(tmp_path, _terms())
    # Line 5 is the second shift of its workweek: the one-shift limit takes its $100.
    [adjustment] = report.row(5).outcomes[0].adjustments  # type: ignore[union-attr]
    assert (adjustment.amount, adjustment.clause) == (-100, "\u201cone shift a week\u201d")


def test_the_json_report_carries_clauses_only_where_given(tmp_path: Path) -> None:
    report, _ = _report(tmp_path, _terms())
    (tmp_path / "a.json").write_text(json.dumps(_terms()), encoding="utf-8")
    command = [sys.executable, "-m", "incentives", "check", "-a", str(tmp_path / "a.json")]
    done = subprocess.run(
        [*command, str(tmp_path / "s.csv"), "--format", "json"],
        capture_output=True,
        check=False,
    )
    written = json.loads(done.stdout)
    assert (
        done.stdout.decode()
        == json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    )
    reasons = {r["rule"]: r for r in written["rows"][0]["outcomes"][0]["reasons"]}
    assert reasons["attendance"]["clause"] == f"\u201c{SICK}\u201d (Bulletin, 3)"
    assert "clause" not in reasons["status"]
    limit = written["rows"][3]["outcomes"][0]["adjustments"][0]
    assert limit["clause"] == "\u201cone shift a week\u201d"


def test_clauses_decide_nothing(tmp_path: Path) -> None:
    quoted, _ = _report(tmp_path, _terms())
    plain_terms = json.loads(
        json.dumps(_terms()).replace('"clause"', '"_c"').replace('"source"', '"_s"')
    )
    for part in ("eligibility", "attendance", "limits"):
        plain_terms[part] = {k: v for k, v in plain_terms[part].items() if not k.startswith("_")}
    for key in ("windows", "payout"):
        plain_terms[key] = [
            {k: v for k, v in p.items() if not k.startswith("_")} for p in plain_terms[key]
        ]
    plain, _ = _report(tmp_path, plain_terms)
    assert [r.amount for r in quoted.rows] == [r.amount for r in plain.rows]
    assert quoted.totals == plain.totals


def test_explain_prints_the_clause_under_the_verdict(tmp_path: Path) -> None:
    report, agreement = _report(tmp_path, _terms())
    text = explain_text(report, 2, [agreement], "s.csv")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "[FAIL] attendance" in line)
    detail = lines[at].index("sick on line 3")
    assert lines[at + 1] == " " * detail + f"\u201c{SICK}\u201d (Bulletin, 3)"


def test_an_amendment_brings_the_words_of_the_part_it_replaces(tmp_path: Path) -> None:
    amended = {
        "adopted": "2021-01-08",
        "summary": "Sick calls no longer forfeit",
        "clause": "The attendance requirement is lifted",
        "source": "Bulletin of January 8",
        "attendance": {"forfeit_on": [], "clause": "no attendance requirement"},
    }
    report, agreement = _report(tmp_path, _terms(amendments=[amended]))
    assert _reasons(report, 2)["attendance"].clause == "\u201cno attendance requirement\u201d"
    assert report.row(2).outcomes[0].qualifies  # type: ignore[union-attr]
    page = report_html(report, [agreement])
    assert (
        "amendment adopted Fri Jan 8, 2021: &ldquo;The attendance requirement is lifted&rdquo;"
        " (Bulletin of January 8)"
    ) in page
    # As of a day before it, the terms as signed, and their words.
    shifts = tmp_path / "s.csv"
    earlier = incentives.evaluate([agreement], shifts, as_of=date(2021, 1, 7))
    assert _reasons(earlier, 2)["attendance"].clause == f"\u201c{SICK}\u201d (Bulletin, 3)"
    assert "The attendance requirement is lifted" not in report_html(earlier, [agreement])


def test_the_member_report_quotes_the_clause_under_a_failed_rule(tmp_path: Path) -> None:
    report, agreement = _report(tmp_path, _terms())
    page = report_html(report, [agreement])
    assert f'<blockquote class="clause">\u201c{SICK}\u201d (Bulletin, 3)</blockquote>' in page


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_clause_is_refused(value: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=r"attendance\.clause"):
        incentives.Agreement.model_validate(_terms(attendance={"forfeit_on": [], "clause": value}))


def test_a_shared_clause_is_said_once_under_the_rule_that_failed(tmp_path: Path) -> None:
    terms = _terms(
        eligibility={"classifications": ["RN"], "units": ["ICU"], "clause": "ICU nurses"}
    )
    agreement = incentives.Agreement.model_validate(terms)
    shifts = tmp_path / "s.csv"
    shifts.write_text(
        "employee_id,classification,unit,start,end,extra\n"
        "E1,RN,ICU,2021-01-04T07:00,2021-01-04T19:00,true\n"
        "E2,RN,ER,2021-01-04T07:00,2021-01-04T19:00,true\n",
        encoding="utf-8",
    )
    report = incentives.evaluate([agreement], shifts)
    for line, under in ((2, "[pass] classification"), (3, "[FAIL] unit")):
        lines = explain_text(report, line, [agreement], "s.csv").splitlines()
        quoted = [i for i, text in enumerate(lines) if text.strip() == "\u201cICU nurses\u201d"]
        assert len(quoted) == 1
        assert under in lines[quoted[0] - 1]

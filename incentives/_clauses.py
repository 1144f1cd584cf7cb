"""Clause citations: the agreement's own words for each part of the terms, by the rule they
decide, as the reasons quote them beside the verdict.

A part of the terms (a window, ``eligibility``, ``extra``, ``attendance``, a payout
component, ``limits``, an amendment) may carry ``clause`` (its words) and ``source``
(where they are). An amendment that replaces a part brings that part's own clause with it.
A rule decided by several parts (the windows, the payout components) quotes each distinct
clause once, in the file's order.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._agreement import Quoted, Terms

ELIGIBILITY_RULES = (
    "classification",
    "employer",
    "employment_status",
    "location",
    "unit",
    "approval",
    "min_hours",
)
"""The rules that the ``eligibility`` table decides."""


def quote(parts: Iterable[Quoted]) -> str | None:
    """The clauses of ``parts`` as quoted: ``"If you call in sick ..." (Side letter, 3)``."""
    quoted: list[str] = []
    for part in parts:
        if part.clause is None:
            continue
        text = f"\u201c{part.clause}\u201d" + (f" ({part.source})" if part.source else "")
        if text not in quoted:
            quoted.append(text)
    return " ".join(quoted) or None


def clauses(terms: Terms) -> dict[str, str]:
    """The quoted clause of each rule (and of ``limit``) that the terms give words for."""
    found = {
        "window": quote(terms.windows),
        **dict.fromkeys(ELIGIBILITY_RULES, quote([terms.eligibility])),
        "extra": quote([terms.extra]),
        "attendance": quote([terms.attendance]),
        "payout": quote(terms.payout),
        "limit": quote([terms.limits]),
    }
    return {rule: text for rule, text in found.items() if text is not None}

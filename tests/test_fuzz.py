"""A short run of the command-line fuzzer (``tests/fuzz.py``; the long run is documented
there and in the errors reference)."""

from __future__ import annotations

from collections import Counter

from fuzz import fuzz


def test_hostile_files_end_in_a_documented_status_with_every_row_once() -> None:
    kinds: Counter[str] = Counter()
    fuzz(200, kinds)
    assert sum(kinds.values()) == 200
    expected = {"bad-file", "csv-errors", "jsonl-errors", "agreement-valid", "agreement-invalid"}
    assert expected <= set(kinds)

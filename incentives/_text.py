"""Text as the contract compares it: white space folded, case ignored, glob patterns.

Python's definition of white space (``str.isspace``) is the one that counts, in columns
too: ``WHITESPACE`` lists its characters for polars expressions.
"""

from __future__ import annotations

import re
import sys

import polars as pl

WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
"""Every character Python's ``str.split()`` and ``str.strip()`` treat as white space."""


def fold(text: str) -> str:
    """Outer white space dropped, inner runs folded to one space."""
    return " ".join(text.split())


def norm(text: str) -> str:
    """Text as matched: case ignored, outer white space dropped, inner runs folded."""
    return " ".join(text.split()).casefold()


def strip_column(texts: pl.Expr) -> pl.Expr:
    """``str.strip()`` of each text of a column."""
    return texts.str.strip_chars(WHITESPACE)


def blank_column(texts: pl.Expr) -> pl.Expr:
    """Whether each value is missing: null, or only white space."""
    return texts.is_null() | (strip_column(texts) == "")


def glob(pattern: str) -> re.Pattern[str]:
    """A case-insensitive glob (``*`` any run, ``?`` one character) as a compiled regex."""
    parts = ("." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in norm(pattern))
    return re.compile("".join(parts), re.DOTALL)

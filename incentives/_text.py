"""Text as the contract compares it: white space folded, case ignored, glob patterns.

Python's definition of white space (``str.isspace``) is the one that counts, in columns
too: ``WHITESPACE`` lists its characters for polars expressions.
"""

from __future__ import annotations

import re

import polars as pl

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character Python's ``str.split()`` and ``str.strip()`` treat as white space
(``str.isspace``; a test holds the list equal to it)."""


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

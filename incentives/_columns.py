"""Small column tools: a Python function once per distinct value, a table look-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl


def map_distinct(values: pl.Series, function: Callable[[Any], Any], dtype: Any) -> pl.Series:
    """``function`` of each value, computed once per distinct value (nulls stay null)."""
    keys = values.drop_nulls().unique()
    if keys.len() == 0:
        return pl.Series(values.name, [None] * values.len(), dtype=dtype)
    results = pl.Series([function(k) for k in keys.to_list()], dtype=dtype)
    return values.replace_strict(keys, results, default=None, return_dtype=dtype)


def lookup(values: pl.Expr, table: Mapping[Any, Any], default: Any, dtype: Any) -> pl.Expr:
    """Each value looked up in ``table`` (``default`` for a value it lacks, and for null)."""
    if not table:
        return pl.lit(default, dtype=dtype)
    keys = list(table)
    found = values.replace_strict(
        keys, pl.Series([table[k] for k in keys], dtype=dtype), default=default, return_dtype=dtype
    )
    return pl.when(values.is_null()).then(pl.lit(default, dtype=dtype)).otherwise(found)

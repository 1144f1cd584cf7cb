"""The text of an :class:`~incentives.readers.inspect.Inspection` (``incentives inspect``)."""

from __future__ import annotations

from ..readers.inspect import Inspection


def inspection_text(found: Inspection) -> str:
    """The columns, the first rows and the problems, in plain words."""
    out = [f"{found.source}" + (f" (profile {found.profile})" if found.profile else "")]
    if found.columns:
        out += ["", "Columns:"]
        width = max(len(cell) for cell, _ in found.columns)
        for cell, target in found.columns:
            out.append(f"  {cell:<{width}}  -> {target or '(ignored)'}")
    if found.rows:
        out += [
            "",
            f"First rows, as read ({found.rows_read:,} rows read, {found.errors:,} in error):",
        ]
        for row in found.rows:
            out.append("  " + ", ".join(f"{k} {v}" for k, v in row.items()))
    elif found.columns:
        out += ["", f"No row reads ({found.errors:,} in error)."]
    if found.problems:
        out += ["", "Problems:"] + [f"  - {p}" for p in found.problems]
    if found.suggestions:
        out += ["", "Suggestions:"] + [f"  - {s}" for s in found.suggestions]
    return "\n".join(out) + "\n"

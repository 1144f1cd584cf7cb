"""A plain, slow, obviously-correct reference of SPEC section 5, for the tests only.

It is the scalar engine of incentives 0.1 with its caches taken out: one row at a time,
``Fraction`` hours, the 0.1 report models and writers. Differential tests hold the engine
equal to it; where they disagree, SPEC decides which one is wrong. It uses the library's
agreement model and its time kernel (``incentives._time``, tested on its own), nothing else.
"""

from .engine import evaluate
from .output import explain_text, report_csv
from .shifts import read_shifts

__all__ = ["evaluate", "explain_text", "read_shifts", "report_csv"]

"""incentives: decide which worked shifts qualify for extra-shift incentive agreements,
what they pay, and why.

    >>> import incentives
    >>> agreement = incentives.load_agreement("agreement.toml")      # doctest: +SKIP
    >>> batch = incentives.read_shifts("shifts.csv")                  # doctest: +SKIP
    >>> report = incentives.evaluate([agreement], batch)              # doctest: +SKIP
"""

from __future__ import annotations

from ._agreement import (
    Agreement,
    Amendment,
    Attendance,
    Eligibility,
    Extra,
    Limits,
    Overtime,
    PayoutComponent,
    PayPeriod,
    Terms,
    Tier,
    Window,
    agreement_json_schema,
)
from ._engine import evaluate
from ._errors import (
    AgreementError,
    ArgumentError,
    CaseFileError,
    IncentivesError,
    ProfileError,
    RepeatedTimeError,
    ShiftFileError,
    SkippedTimeError,
    TimeError,
    UnknownKindError,
)
from ._load import load_agreement
from ._problems import Problem
from ._profile import Profile, load_profile
from ._report import (
    Adjustment,
    AgreementSummary,
    AmendmentApplied,
    Outcome,
    OvertimePeriod,
    Reason,
    Report,
    RowError,
    RowResult,
    Totals,
)
from ._shifts import Record, Shift, ShiftBatch
from ._time import TZDATA_VERSION
from .readers import read_shifts

__version__ = "0.1.0"

__all__ = [
    "TZDATA_VERSION",
    "Adjustment",
    "Agreement",
    "AgreementError",
    "AgreementSummary",
    "Amendment",
    "AmendmentApplied",
    "ArgumentError",
    "Attendance",
    "CaseFileError",
    "Eligibility",
    "Extra",
    "IncentivesError",
    "Limits",
    "Outcome",
    "Overtime",
    "OvertimePeriod",
    "PayPeriod",
    "PayoutComponent",
    "Problem",
    "Profile",
    "ProfileError",
    "Reason",
    "Record",
    "RepeatedTimeError",
    "Report",
    "RowError",
    "RowResult",
    "Shift",
    "ShiftBatch",
    "ShiftFileError",
    "SkippedTimeError",
    "Terms",
    "Tier",
    "TimeError",
    "Totals",
    "UnknownKindError",
    "Window",
    "__version__",
    "agreement_json_schema",
    "evaluate",
    "load_agreement",
    "load_profile",
    "read_shifts",
]

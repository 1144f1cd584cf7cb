"""The oracle's exceptions: the library's classes, made of a message alone (as in 0.1), so
that a refusal compares by class and by words."""

from __future__ import annotations

from collections.abc import Sequence

import incentives
from incentives._errors import TimeError

__all__ = ["AgreementError", "IncentivesError", "ShiftFileError", "TimeError", "ValueRefused"]

IncentivesError = incentives.IncentivesError


class ShiftFileError(incentives.ShiftFileError):
    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)


class ValueRefused(incentives.ArgumentError):
    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)


class AgreementError(incentives.AgreementError):
    def __init__(self, problems: Sequence[str], source: str | None = None) -> None:
        super().__init__([incentives.Problem("oracle", p) for p in problems], source)

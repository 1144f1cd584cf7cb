"""Exceptions raised by incentives.

Every exception the library raises on purpose derives from :class:`IncentivesError`.
Problems with the caller's input are also :class:`ValueError`, so ``except ValueError``
keeps working for code that does not know this package::

    IncentivesError
    ├── AgreementError (ValueError)       an agreement file or mapping is invalid
    │   └── ProfileError                  an input profile is invalid
    ├── ShiftFileError (ValueError)       a shifts file cannot be read at all
    └── TimeError (ValueError)            a wall-clock time cannot be turned into an instant
        ├── SkippedTimeError              it falls in a spring-forward gap
        └── RepeatedTimeError             it falls in a fall-back fold and no policy chose

Problems confined to one row of a shifts file are not raised: they are reported in
``Report.errors`` so that every other row is still evaluated.
"""

from __future__ import annotations


class IncentivesError(Exception):
    """Base class of every exception raised by incentives."""


class AgreementError(IncentivesError, ValueError):
    """An agreement is invalid; the message names the file and every key path at fault."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        if len(self.problems) == 1:
            message = f"{where}{self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{where}{len(self.problems)} problems\n{lines}"
        super().__init__(message)


class ShiftFileError(IncentivesError, ValueError):
    """A shifts file cannot be evaluated at all (unreadable, or a required column missing)."""


class ProfileError(AgreementError):
    """An input profile is invalid; the message names the file and every key at fault."""


class TimeError(IncentivesError, ValueError):
    """A wall-clock time cannot be turned into an instant."""


class SkippedTimeError(TimeError):
    """A wall-clock time falls in a spring-forward gap and never happens."""


class RepeatedTimeError(TimeError):
    """A wall-clock time falls in a fall-back fold and happens twice."""

"""Exceptions raised by incentives.

Every exception the library raises on purpose derives from :class:`IncentivesError`.
Problems with the caller's input are also :class:`ValueError`, so ``except ValueError``
keeps working for code that does not know this package::

    IncentivesError
    ├── AgreementError (ValueError)       an agreement file or mapping is invalid
    │   └── ProfileError                  an input profile is invalid
    ├── ShiftFileError (ValueError)       a shifts file cannot be read at all
    ├── ArgumentError (ValueError)        a bad argument to evaluate
    ├── CaseFileError (ValueError)        an agreement test file is bad
    ├── UnknownKindError (ValueError)     a rule kind no registry holds
    └── TimeError (ValueError)            a wall-clock time cannot be turned into an instant
        ├── SkippedTimeError              it falls in a spring-forward gap
        └── RepeatedTimeError             it falls in a fall-back fold and no policy chose

Problems confined to one row of a shifts file are not raised: they are reported in
``Report.errors`` so that every other row is still evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._problems import Problem, problem


class IncentivesError(Exception):
    """Base class of every exception raised by incentives.

    ``code`` names the problem (one of the codes of the errors reference) and ``values``
    holds what its message is rendered from, so that a program can tell problems apart
    without reading the words.
    """

    def __init__(self, code: str, /, **values: Any) -> None:
        self.problem: Problem = problem(code, **values)
        super().__init__(self.problem.message)

    @property
    def code(self) -> str:
        """The problem's stable code, like ``file.missing_columns``."""
        return self.problem.code

    @property
    def values(self) -> Mapping[str, Any]:
        """The values the message is rendered from."""
        return self.problem.values


class AgreementError(IncentivesError, ValueError):
    """An agreement is invalid; the message names the file and every key path at fault.

    ``details`` holds each problem with its code and values (``key`` is its key path);
    ``problems`` the same problems as sentences.
    """

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.details: list[Problem] = list(dict.fromkeys(problems))
        self.problems: list[str] = [p.message for p in self.details]
        self.source = source
        where = f"{source}: " if source else ""
        if len(self.problems) == 1:
            message = f"{where}{self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{where}{len(self.problems)} problems\n{lines}"
        self.problem = Problem("agreement.invalid", message, {"source": source})
        Exception.__init__(self, message)


class ShiftFileError(IncentivesError, ValueError):
    """A shifts file cannot be evaluated at all (unreadable, or a required column missing)."""


class ArgumentError(IncentivesError, ValueError):
    """A bad argument to :func:`incentives.evaluate` (or an option of the command line)."""


class UnknownKindError(IncentivesError, ValueError):
    """A kind of rule that an agreement names and no registry holds (a model extended
    without its rule)."""


class CaseFileError(IncentivesError, ValueError):
    """An agreement test file that cannot be read or does not describe cases."""


class ProfileError(AgreementError):
    """An input profile is invalid; the message names the file and every key at fault."""


class TimeError(IncentivesError, ValueError):
    """A wall-clock time cannot be turned into an instant."""


class SkippedTimeError(TimeError):
    """A wall-clock time falls in a spring-forward gap and never happens."""


class RepeatedTimeError(TimeError):
    """A wall-clock time falls in a fall-back fold and happens twice."""

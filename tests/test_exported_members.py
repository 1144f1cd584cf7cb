"""The public namespace of ``incentives`` and its exceptions (SPEC section 6)."""

from __future__ import annotations
import __future__

import types

import pytest

import incentives

# Dunder names that are part of the API although they start with "_".
INCLUDED_PRIVATE_MEMBERS = {"__version__"}


def _public_names() -> set[str]:
    return {
        name
        for name, value in vars(incentives).items()
        if (not name.startswith("_") or name in INCLUDED_PRIVATE_MEMBERS)
        and not isinstance(value, types.ModuleType)  # submodules are not members
        and not isinstance(value, __future__._Feature)  # `from __future__ import annotations`
    }


def _isort_style(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order for ``__all__``: CONSTANTS, then Classes, then everything else."""
    if name.isupper():
        return 0, name
    if name[:1].isupper():
        return 1, name
    return 2, name


def test_all_imports_are_exported() -> None:
    assert sorted(incentives.__all__, key=_isort_style) == incentives.__all__
    assert len(set(incentives.__all__)) == len(incentives.__all__)
    assert set(incentives.__all__) == _public_names()


def test_every_name_in_all_exists() -> None:
    missing = [name for name in incentives.__all__ if not hasattr(incentives, name)]
    assert missing == []


@pytest.mark.parametrize(
    "name",
    [
        "load_agreement",
        "Agreement",
        "read_shifts",
        "evaluate",
        "Shift",
        "IncentivesError",
        "AgreementError",
        "ShiftFileError",
        "agreement_json_schema",
    ],
)
def test_spec_section_6_names_are_exported(name: str) -> None:
    assert name in incentives.__all__


def test_version_is_a_string() -> None:
    assert isinstance(incentives.__version__, str)
    assert incentives.__version__ == "0.1.0"


@pytest.mark.parametrize("error", [incentives.AgreementError, incentives.ShiftFileError])
def test_input_errors_are_value_errors_and_incentives_errors(error: type[Exception]) -> None:
    assert issubclass(error, incentives.IncentivesError)
    assert issubclass(error, ValueError)


@pytest.mark.parametrize(
    "error",
    [incentives.TimeError, incentives.SkippedTimeError, incentives.RepeatedTimeError],
)
def test_time_errors_are_value_errors_and_incentives_errors(error: type[Exception]) -> None:
    assert issubclass(error, incentives.IncentivesError)
    assert issubclass(error, ValueError)
    assert issubclass(error, incentives.TimeError)


def test_incentives_error_is_an_exception() -> None:
    assert issubclass(incentives.IncentivesError, Exception)


def test_every_exported_exception_derives_from_incentives_error() -> None:
    exceptions = [
        value
        for name in incentives.__all__
        if isinstance(value := getattr(incentives, name), type) and issubclass(value, BaseException)
    ]
    assert {e.__name__ for e in exceptions} == {
        "IncentivesError",
        "AgreementError",
        "ShiftFileError",
        "TimeError",
        "SkippedTimeError",
        "RepeatedTimeError",
        "ProfileError",
        "ArgumentError",
        "CaseFileError",
        "UnknownKindError",
    }
    assert all(issubclass(e, incentives.IncentivesError) for e in exceptions)


def test_agreement_error_is_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match=r"agreement\.yaml") as info:
        incentives.load_agreement("agreement.yaml")
    assert isinstance(info.value, incentives.AgreementError)

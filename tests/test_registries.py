"""The kinds of the agreement model and the engine's registries are the same lists.

A window rule or payout kind that the model accepts but no registry holds would be
decided by nobody; one the registry holds but the model refuses could never be used. An
unknown kind reaching the engine is an error, never another kind's branch.
"""

from __future__ import annotations

import dataclasses
from typing import get_args

import pydantic
import pytest
from strategies import esi_agreement

from incentives import UnknownKindError
from incentives._agreement import PAYOUT_KINDS, PayoutComponent, Quoted, WindowRule
from incentives._terms import Compiled
from incentives.rules import payout, window


def test_the_model_s_window_rules_are_the_registry_s() -> None:
    assert set(get_args(WindowRule)) == set(window.KINDS)


def test_the_model_s_payout_kinds_are_the_registry_s() -> None:
    assert set(PAYOUT_KINDS) == set(payout.KINDS)
    # A component's other keys filter it (periods, classifications) or quote it (clause).
    fields = set(PayoutComponent.model_fields) - {"periods", "classifications"}
    fields -= set(Quoted.model_fields)
    assert fields == set(payout.KINDS)


def test_every_window_kind_has_its_codes() -> None:
    for name, kind in window.KINDS.items():
        assert kind.codes, name
        assert all(code.startswith("window.") for code in kind.codes)


def test_an_unknown_window_rule_is_an_error_not_another_kind() -> None:
    agreement = esi_agreement()
    compiled = Compiled.of(agreement, None)
    eligibility = compiled.terms.eligibility.model_construct(
        **{**compiled.terms.eligibility.__dict__, "window_rule": "starts_near"}
    )
    terms = compiled.terms.model_construct(
        **{**compiled.terms.__dict__, "eligibility": eligibility}
    )
    odd = dataclasses.replace(compiled, terms=terms)
    with pytest.raises(UnknownKindError, match="'starts_near' is not a window rule"):
        window.kind(odd)


def test_an_unknown_payout_kind_is_an_error_not_another_kind() -> None:
    compiled = Compiled.of(esi_agreement(), None)
    component = dataclasses.replace(compiled.components[0], kind="per_week")
    with pytest.raises(UnknownKindError, match="'per_week' is not a payout kind"):
        payout.kind_of(compiled, component)


def test_unknown_kinds_are_refused_by_the_model() -> None:
    with pytest.raises(pydantic.ValidationError, match="window_rule"):
        esi_agreement(eligibility={"window_rule": "starts_near"})
    with pytest.raises(pydantic.ValidationError, match="per_week"):
        esi_agreement(payout=[{"per_week": "100.00"}])

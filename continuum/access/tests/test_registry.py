"""The access layer imports no app above it: what it needs of them is registered
(continuum/access/registry.py, continuum/access/grants.py)."""

import pytest

from continuum.access import grants, registry
from continuum.cases.models import Case


def test_cases_registers_the_case_model():
    assert registry.case_model() is Case


def test_without_a_registered_case_model_the_policy_fails_loudly(monkeypatch):
    monkeypatch.setattr(registry, "_case_model", None)
    with pytest.raises(LookupError):
        registry.case_model()


def test_every_grant_source_is_registered_by_the_app_that_owns_its_model():
    assert {source.model for source in grants.SOURCES} == {
        "access.Consent",
        "access.CourtOrder",
        "access.BreakGlassGrant",
        "cases.MandatedReport",
        "coordination.CaseTeamMember",
    }


def test_a_source_cannot_give_a_grant_to_the_wrong_holder():
    with pytest.raises(ValueError):
        grants.register_source(
            grants.Source(
                "x", "cases.MandatedReport", grants.Q(), (grants.Kind("case_team", agency="agency_id"),)
            )
        )

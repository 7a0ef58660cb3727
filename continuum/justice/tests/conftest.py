"""Fixtures of the justice tests: a case of the synthetic world with a survivor and a suspect."""

from __future__ import annotations

from typing import Any

import pytest

from continuum.cases.models import Case, CaseParticipant, ParticipantRole


@pytest.fixture
def case(db: Any) -> Case:
    suspects = CaseParticipant.objects.filter(role=ParticipantRole.SUSPECT).values("case_id")
    survivors = CaseParticipant.objects.filter(role=ParticipantRole.SURVIVOR).values("case_id")
    return Case.objects.filter(pk__in=suspects).filter(pk__in=survivors).order_by("reference").first()


@pytest.fixture
def suspect(case: Case) -> Any:
    return CaseParticipant.objects.filter(case=case, role=ParticipantRole.SUSPECT).first().person


@pytest.fixture
def survivor(case: Case) -> Any:
    return CaseParticipant.objects.filter(case=case, role=ParticipantRole.SURVIVOR).first().person


@pytest.fixture
def detective(persona: Any) -> Any:
    return persona("detective")


@pytest.fixture
def prosecutor(persona: Any) -> Any:
    return persona("prosecutor")

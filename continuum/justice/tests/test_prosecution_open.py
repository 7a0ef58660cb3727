"""prosecution_open: a prosecution by a state's attorney's office of charges of the case, each
prosecuted once; one audit row and the journey's PROSECUTION_OPENED step."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from continuum.access import policy
from continuum.audit.models import AuditEvent
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.tests.conftest import snapshot

pytestmark = pytest.mark.django_db


def test_it_opens_the_prosecution_with_an_audit_row_and_a_journey_step(
    prosecutor, team_case, charged
) -> None:
    charges = charged(team_case)
    prosecution = actions.prosecution_open(
        actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=charges
    )
    assert set(prosecution.charges.all()) == set(charges)
    assert (prosecution.status, prosecution.agency) == ("pending", prosecutor.membership.agency)
    ids = sorted(str(c.pk) for c in charges)
    audit = AuditEvent.objects.get(object_type="justice.Prosecution", object_id=str(prosecution.pk))
    assert (audit.action, audit.case_id, audit.detail["charges"]) == ("create", team_case.pk, ids)
    event = JourneyEvent.objects.get(case=team_case, kind=EventKind.PROSECUTION_OPENED)
    assert event.data == {"prosecution": str(prosecution.pk), "charges": ids}
    assert event.person_id is None


def test_a_charge_is_prosecuted_once(prosecutor, team_case, charged) -> None:
    first, second = charged(team_case)
    actions.prosecution_open(
        actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=[first]
    )
    before = snapshot(team_case)
    with pytest.raises(ValidationError) as raised:
        actions.prosecution_open(
            actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=[first, second]
        )
    assert raised.value.code == "charge_prosecuted"
    assert snapshot(team_case) == before


def test_it_refuses_no_charge_and_a_police_agency(detective, prosecutor, team_case, charged) -> None:
    charges = charged(team_case)
    before = snapshot(team_case)
    with pytest.raises(ValidationError) as nothing:
        actions.prosecution_open(
            actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=[]
        )
    assert nothing.value.code == "no_charges"
    with pytest.raises(ValidationError) as police:
        actions.prosecution_open(
            actor=prosecutor, case=team_case, agency=detective.membership.agency, charges=charges
        )
    assert police.value.code == "wrong_agency_kind"
    with pytest.raises(policy.Denied):  # a detective does not prosecute (policy.yaml)
        actions.prosecution_open(
            actor=detective, case=team_case, agency=detective.membership.agency, charges=charges
        )
    assert snapshot(team_case) == before

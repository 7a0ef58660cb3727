"""The investigation page (/justice/cases/<id>/), for law enforcement: add a suspect, record an
arrest, set the investigation's status with the version read (a stale edit answers 409 and shows
what changed), and see the prosecutor's dispositions read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.cases.models import CaseParticipant, ParticipantRole
from continuum.coordination.models import TeamRole
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.models import Arrest, Investigation, InvestigationStatus
from continuum.justice.tests.conftest import make_team_case, snapshot

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return reverse("justice:case", args=[case.pk])


def op(name, case) -> str:
    """The URL of one operation of the investigation page (justice:<name>)."""
    return reverse(f"justice:{name}", args=[case.pk])


@pytest.fixture
def investigation(detective, team_case) -> Investigation:
    return actions.investigation_open(
        actor=detective, case=team_case, agency=detective.membership.agency, kind="labor", lead=detective
    )


def test_the_detective_adds_a_suspect_with_relationship_and_roles(client, detective, team_case) -> None:
    sign_in(client, detective)
    audit_before = (
        AuditEvent.objects.exclude(action="view_justice").exclude(action__startswith="open_").count()
    )
    response = client.post(
        op("suspect_add", team_case),
        {
            "first_name": "Marek",
            "last_name": "",
            "aliases": "Boss, the farmer, Boss",
            "relationship": "employer",
            "perpetrator_roles": ["RecruiterOrIntermediary", "Abuser"],
        },
    )
    assert response.status_code == 302 and response["Location"] == url(team_case)
    participant = CaseParticipant.objects.get(case=team_case, role=ParticipantRole.SUSPECT)
    assert (participant.person.first_name, participant.person.aliases) == ("Marek", ["Boss", "the farmer"])
    assert participant.relationship_to_survivor == "employer"
    assert participant.perpetrator_roles == ["RecruiterOrIntermediary", "Abuser"]
    assert (
        AuditEvent.objects.exclude(action="view_justice").exclude(action__startswith="open_").count()
        == audit_before + 1
    )
    event = JourneyEvent.objects.get(case=team_case, kind=EventKind.SUSPECT_IDENTIFIED)
    assert "Marek" not in str(event.data) and "Boss" not in str(event.data)
    page = client.get(url(team_case)).content.decode()
    assert "Marek" in page and "Employer" in page and "Recruiter or intermediary" in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"first_name": "", "last_name": "", "aliases": " , ,"},
        {"first_name": "Ann", "relationship": "cousin"},
        {
            "first_name": "Ann",
            "relationship": "stranger",
            "perpetrator_roles": ["Mastermind"],
        },
        {"first_name": "A" * 101, "relationship": "stranger"},
        {"aliases": ",".join(f"alias{i}" for i in range(11)), "relationship": "stranger"},
    ],
)
def test_a_bad_suspect_form_is_refused_with_400_and_changes_nothing(
    client, detective, team_case, data
) -> None:
    sign_in(client, detective)
    before = snapshot(team_case)
    response = client.post(op("suspect_add", team_case), data)
    assert response.status_code == 400
    assert response.context["suspect_form"].errors
    assert snapshot(team_case) == before


def test_the_detective_suspends_then_closes_the_investigation(client, detective, investigation) -> None:
    sign_in(client, detective)
    case = investigation.case
    form = {"investigation": str(investigation.pk), "seen_status": "open"}
    status_url = op("investigation_status", case)
    assert client.post(status_url, {**form, "version": 1, "status": "suspended"}).status_code == 302
    investigation.refresh_from_db()
    assert (investigation.status, investigation.version) == ("suspended", 2)
    closing = {**form, "version": 2, "seen_status": "suspended", "status": "closed"}
    assert client.post(status_url, closing).status_code == 302
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.CLOSED
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.INVESTIGATION_CLOSED).count() == 1
    page = client.get(url(case))
    assert [form for _inv, form in page.context["investigations"]] == [None]  # closed: no status form


def test_a_stale_status_edit_is_refused_with_409_shows_what_changed_and_changes_nothing(
    client, detective, investigation
) -> None:
    case = investigation.case
    actions.investigation_status_set(
        actor=detective, investigation=investigation, status="suspended", expected_version=1
    )
    before = snapshot(case)
    sign_in(client, detective)
    response = client.post(
        op("investigation_status", case),
        {
            "investigation": str(investigation.pk),
            "version": 1,
            "seen_status": "open",
            "status": "closed",
        },
    )
    assert response.status_code == 409
    assert response.context["changed"] == {"status": ("Open", "Suspended")}
    body = response.content.decode()
    assert 'data-testid="stale"' in body and "Open → Suspended" in body
    [(_shown, form)] = response.context["investigations"]
    assert form.initial["version"] == 2 and form.initial["status"] == "suspended"
    snapshot_after = snapshot(case)
    assert snapshot_after == before
    investigation.refresh_from_db()
    assert (investigation.status, investigation.version) == ("suspended", 2)


@pytest.mark.parametrize(
    "data",
    [
        {"status": "reopened", "version": 1, "seen_status": "open"},
        {"status": "open", "version": 1, "seen_status": "open"},
        {"status": "closed", "version": "one", "seen_status": "open"},
        {"status": "closed", "seen_status": "open"},
        {},
    ],
)
def test_a_bad_status_form_is_refused_with_400_and_changes_nothing(
    client, detective, investigation, data
) -> None:
    sign_in(client, detective)
    before = snapshot(investigation.case)
    response = client.post(
        op("investigation_status", investigation.case), {"investigation": str(investigation.pk), **data}
    )
    assert response.status_code == 400
    assert snapshot(investigation.case) == before


def test_an_investigation_of_another_case_or_agency_answers_404(
    client, detective, persona, investigation
) -> None:
    other_case = make_team_case(persona("coordinator"), (detective, TeamRole.INVESTIGATOR))
    sign_in(client, detective)
    response = client.post(
        op("investigation_status", other_case),
        {"investigation": str(investigation.pk), "version": 1, "status": "closed"},
    )
    assert response.status_code == 404
    unknown = client.post(
        op("investigation_status", other_case), {"investigation": "nonsense", "status": "closed"}
    )
    assert unknown.status_code == 404
    investigation.refresh_from_db()
    assert investigation.status == "open"


def test_an_arrest_waits_while_the_investigation_is_suspended(client, detective, investigation) -> None:
    case = investigation.case
    participant = actions.suspect_add(actor=detective, case=case, first_name="Ivo", relationship="stranger")
    actions.investigation_status_set(
        actor=detective, investigation=investigation, status="suspended", expected_version=1
    )
    sign_in(client, detective)
    response = client.post(op("arrest_record", case), {"suspect": str(participant.person.pk), "statute": ""})
    assert response.status_code == 400
    assert "suspended" in response.content.decode()
    assert not Arrest.objects.filter(investigation__case=case).exists()
    assert Investigation.objects.filter(case=case).count() == 1
    assert "suspended" in client.get(url(case)).content.decode()


def test_the_detective_records_an_arrest_with_a_charge(client, detective, team_case) -> None:
    participant = actions.suspect_add(actor=detective, case=team_case, aliases=["Z"], relationship="stranger")
    sign_in(client, detective)
    response = client.post(
        op("arrest_record", team_case),
        {"suspect": str(participant.person.pk), "statute": "53a-192a", "counts": "2"},
    )
    assert response.status_code == 302
    arrest = Arrest.objects.get(investigation__case=team_case)
    assert [(c.statute, c.counts) for c in arrest.charges.all()] == [("53a-192a", 2)]


@pytest.mark.parametrize("counts", ["²", "0", "99999", "-1", "x"])
def test_odd_counts_are_refused_without_a_crash(client, detective, team_case, counts) -> None:
    participant = actions.suspect_add(actor=detective, case=team_case, aliases=["Z"], relationship="stranger")
    sign_in(client, detective)
    before = snapshot(team_case)
    response = client.post(
        op("arrest_record", team_case),
        {"suspect": str(participant.person.pk), "statute": "53a-192a", "counts": counts},
    )
    assert response.status_code == 400
    assert snapshot(team_case) == before


def test_law_enforcement_sees_the_dispositions_read_only(
    client, detective, prosecutor, team_case, charged
) -> None:
    first, second = charged(team_case)
    actions.prosecution_open(
        actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=[first, second]
    )
    actions.disposition_record(
        actor=prosecutor, charge=first, outcome="convicted_trial", sentence_summary="8 years"
    )
    sign_in(client, detective)
    page = client.get(url(team_case))
    body = page.content.decode()
    assert "Convicted (trial)" in body and "8 years" in body
    assert "prosecution pending" in body
    assert "dispose" not in body and 'name="outcome"' not in body
    assert client.get(reverse("justice:prosecution", args=[team_case.pk])).status_code == 404


def test_the_prosecutor_cannot_open_the_investigation_page(client, prosecutor, team_case) -> None:
    sign_in(client, prosecutor)
    assert client.get(url(team_case)).status_code == 404


def test_each_operation_url_does_only_its_own_operation(client, detective, investigation) -> None:
    """A suspect's fields posted to the arrest or status URL, an arrest's to the suspect or status
    URL, a status change to the others: refused (400 or 404), and nothing changes."""
    case = investigation.case
    participant = actions.suspect_add(actor=detective, case=case, first_name="Ivo", relationship="stranger")
    fields = {
        "suspect_add": {"first_name": "Marek", "relationship": "employer"},
        "arrest_record": {"suspect": str(participant.person.pk), "statute": "53a-192a", "counts": "1"},
        "investigation_status": {
            "investigation": str(investigation.pk),
            "version": 1,
            "seen_status": "open",
            "status": "suspended",
        },
    }
    sign_in(client, detective)
    before = snapshot(case)
    for sent, data in fields.items():
        for target in fields:
            if target != sent:
                response = client.post(op(target, case), data)
                assert response.status_code in (400, 404), (sent, target, response.status_code)
                assert snapshot(case) == before, (sent, target)


@pytest.mark.parametrize("step", ["suspect", "status", "arrest", ""])
def test_a_step_style_post_to_the_page_is_refused_with_405(client, detective, investigation, step) -> None:
    case = investigation.case
    participant = actions.suspect_add(actor=detective, case=case, first_name="Ivo", relationship="stranger")
    sign_in(client, detective)
    before = snapshot(case)
    response = client.post(
        url(case),
        {
            "step": step,
            "first_name": "Marek",
            "relationship": "employer",
            "suspect": str(participant.person.pk),
            "statute": "53a-192a",
            "investigation": str(investigation.pk),
            "version": 1,
            "seen_status": "open",
            "status": "suspended",
        },
    )
    assert response.status_code == 405
    assert snapshot(case) == before

"""The grants index: kept by the actions in their own transaction, read by the policy, and equal
to a rebuild from the source rows."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.access import actions, grants, policy
from continuum.access.actions import court_order_record
from continuum.access.models import CaseGrant
from continuum.access.testing import sign_in
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination.actions import team_add, team_remove
from continuum.coordination.models import CaseTeamMember
from continuum.intake.routing import route_case
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db

REASON = "Survivor missing; police need the last known safe address now."


@pytest.fixture
def plain_case(persona):
    """A Greater Hartford adult case that neither the advocate's nor the police's agency is on."""
    advocate, detective = persona("advocate"), persona("detective")
    agencies = [advocate.membership.agency_id, detective.membership.agency_id]
    return (
        Case.objects.filter(region__code="greater-hartford", age_group="adult")
        .exclude(team__agency_id__in=agencies)
        .exclude(consents__isnull=False)
        .order_by("reference")
        .first()
    )


def _survivor(case):
    return CaseParticipant.objects.get(case=case, role="survivor").person


def _advocate_on_the_team(persona, case):
    """The advocate, put on the case team by the coordinator unless on it already: the survivor's
    consent is recorded (and revoked) by their advocate on the team (policy.yaml `consent`)."""
    advocate = persona("advocate")
    if not CaseTeamMember.objects.filter(case=case, user=advocate, removed_at=None).exists():
        team_add(
            actor=persona("coordinator"),
            case=case,
            user=advocate,
            agency=advocate.membership.agency,
            team_role="advocate",
        )
    return advocate


def _consent(persona, case, agency, days=30):
    survivor = _survivor(case)
    return actions.consent_record(
        actor=_advocate_on_the_team(persona, case),
        case=case,
        survivor=survivor,
        agency=agency,
        categories=["identity"],
        method="written",
        expires_at=timezone.now() + dt.timedelta(days=days),
        signed_by=survivor,
        signer_relationship="self",
    )


def _grants_of(source_row):
    return CaseGrant.objects.filter(source=grants._source_of(source_row).key, source_id=source_row.pk)


def _held(source_row):
    return set(_grants_of(source_row).values_list("relationship", "user_id", "agency_id"))


def _each_action(persona, case):
    """Every action that gives a grant, once, with the grants it should give."""
    coordinator, advocate, detective, admin = (
        persona("coordinator"),
        persona("advocate"),
        persona("detective"),
        persona("admin"),
    )
    member = team_add(
        actor=coordinator, case=case, user=advocate, agency=advocate.membership.agency, team_role="advocate"
    )
    yield member, {("case_team", advocate.pk, None), ("agency_on_team", None, advocate.membership.agency_id)}
    consent = _consent(persona, case, detective.membership.agency)
    yield consent, {("consent", None, detective.membership.agency_id)}
    prosecution = Agency.objects.get(name="State's Attorney, Hartford Judicial District")
    order = court_order_record(
        actor=coordinator,
        case=case,
        agency=prosecution,
        categories=["identity"],
        docket_reference="HHD-CR-0042",
        issued_on=timezone.localdate(),
        expires_at=timezone.now() + dt.timedelta(days=10),
    )
    yield order, {("court_order", None, prosecution.pk)}
    glass = actions.break_glass_start(actor=admin, case=case, reason=REASON)
    yield glass, {("break_glass", admin.pk, None)}


def test_each_action_writes_its_grant_and_a_rollback_takes_it_back(persona, plain_case):
    with transaction.atomic():
        made = []
        for row, expected in _each_action(persona, plain_case):
            assert _held(row) == expected, type(row).__name__
            made.append(row)
        transaction.set_rollback(True)
    assert len(made) == 4
    assert not any(_grants_of(row).exists() for row in made)


def test_routing_a_child_case_grants_the_mandated_report_and_the_team(persona):
    case = (
        Case.objects.filter(region__code="greater-hartford", age_group="minor").order_by("reference").first()
    )
    CaseTeamMember.objects.filter(case=case).update(removed_at=timezone.now())
    case.mandated_reports.all().delete()
    grants.rebuild(cases=[case])  # the rows above were changed without the actions
    routed = route_case(
        actor=persona("coordinator"),
        case=case,
        minor=True,
        result="trafficking_indicated",
        trafficking_type="sex",
    )
    assert routed.reports and routed.team
    for report in routed.reports:
        assert _held(report) == {("mandated_report", None, report.agency_id)}
    for member in routed.team:
        assert ("agency_on_team", None, member.agency_id) in _held(member)
    assert not grants.differences()


def test_a_revoked_consent_denies_the_very_next_request(client, persona, plain_case):
    detective = persona("detective")
    consent = _consent(persona, plain_case, detective.membership.agency)
    sign_in(client, detective)
    url = reverse("cases:detail", args=[plain_case.pk])
    assert client.get(url).status_code == 200
    actions.consent_revoke(actor=persona("advocate"), consent=consent, method="written")
    assert client.get(url).status_code == 404
    assert plain_case not in policy.restrict_cases(Case.objects.all(), detective, "list")


def test_a_removed_team_member_is_denied_the_very_next_request(client, persona, plain_case):
    advocate = persona("advocate")
    member = team_add(
        actor=persona("coordinator"),
        case=plain_case,
        user=advocate,
        agency=advocate.membership.agency,
        team_role="advocate",
    )
    sign_in(client, advocate)
    url = reverse("cases:detail", args=[plain_case.pk])
    assert client.get(url).status_code == 200
    team_remove(actor=persona("coordinator"), member=member)
    assert client.get(url).status_code == 404
    assert not policy.restrict_cases(Case.objects.filter(pk=plain_case.pk), advocate, "list").exists()


@pytest.mark.parametrize("kind", ["consent", "break_glass"])
def test_travelling_past_the_expiry_denies_without_any_job(persona, plain_case, monkeypatch, kind):
    if kind == "consent":
        user = persona("detective")
        row = _consent(persona, plain_case, user.membership.agency, days=3)
    else:
        user = persona("admin")
        row = actions.break_glass_start(actor=user, case=plain_case, reason=REASON)
    assert policy.decide(user, plain_case.pk, "view")[0]
    monkeypatch.setattr(policy, "clock", lambda: row.expires_at + dt.timedelta(seconds=1))
    assert not policy.decide(user, plain_case.pk, "view")[0]
    assert not policy.restrict_cases(Case.objects.filter(pk=plain_case.pk), user, "view").exists()
    assert _grants_of(row).exists()  # the grant stays; its time is over


def test_the_maintained_grants_equal_a_rebuild_after_the_scenarios(persona, plain_case):
    from continuum.access.tests import scenario

    assert not grants.differences()  # the synthetic world, as `continuum synth` left it
    scenario.build()
    for _ in _each_action(persona, plain_case):
        pass
    member = CaseTeamMember.objects.filter(case=plain_case, removed_at=None).first()
    team_remove(actor=persona("coordinator"), member=member)
    maintained = set(CaseGrant.objects.values_list(*grants.COLUMNS))
    assert not grants.differences()
    grants.rebuild()
    assert set(CaseGrant.objects.values_list(*grants.COLUMNS)) == maintained


def test_the_command_reports_a_difference_and_the_rebuild_repairs_it(persona, capsys):
    advocate = persona("advocate")
    lost = CaseGrant.objects.filter(user=advocate, relationship="case_team").first()
    lost.delete()
    CaseGrant.objects.create(
        case=Case.objects.exclude(pk=lost.case_id).first(),
        relationship="case_team",
        user=advocate,
        source="team_member",
        source_id=0,
    )
    with pytest.raises(CommandError, match="1 grants missing and 1 grants without a source"):
        call_command("access", "grants", "--check")
    assert "missing: case_id=" in capsys.readouterr().out
    call_command("access", "grants", "--rebuild")
    call_command("access", "grants", "--check")
    assert "match their source rows" in capsys.readouterr().out

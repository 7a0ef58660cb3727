"""The triage queue: new tips and referrals oldest first; a tip becomes a referral, a referral a
case; a possible duplicate is hinted from people the user may see by name."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.cases.models import Case, CaseParticipant
from continuum.intake import actions
from continuum.intake.models import Tip
from continuum.intake.referrals import Referral
from continuum.intake.selectors import soundex, triage_queue
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def hartford():
    return Region.objects.get(code="greater-hartford")


def _referral(user, region, **extra):
    values = {
        "source": "law_enforcement",
        "what_is_known": "A 16-year-old seen at a motel with an older man.",
        "received_at": timezone.now() - dt.timedelta(hours=3),
    }
    values.update(extra)
    return actions.referral_create(actor=user, region=region, **values)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Ashcraft", "A261"),
        ("", ""),
    ],
)
def test_soundex(name, code):
    assert soundex(name) == code


def test_intake_sees_new_tips_and_referrals_oldest_first(client, persona, hartford):
    intake = persona("intake")
    older = _referral(intake, hartford, received_at=timezone.now() - dt.timedelta(days=2))
    newer = _referral(intake, hartford)
    sign_in(client, intake)
    response = client.get(reverse("intake:queue"))
    assert response.status_code == 200
    referrals = [item.referral for item in response.context["items"] if item.kind == "referral"]
    assert referrals.index(older) < referrals.index(newer)


@pytest.mark.parametrize("username", ["advocate", "detective", "provider", "analyst", "admin"])
def test_other_roles_have_no_triage_queue(client, persona, username):
    sign_in(client, persona(username))
    assert client.get(reverse("intake:queue")).status_code == 404


def test_a_referral_becomes_a_case_with_its_journey(client, persona, hartford):
    coordinator = persona("coordinator")
    referral = _referral(
        coordinator, hartford, survivor_first_name="Lena", survivor_last_name="Ortiz", survivor_age=16
    )
    sign_in(client, coordinator)
    response = client.post(
        reverse("intake:referral_open_case", args=[referral.pk]), {"version": referral.version}
    )
    referral.refresh_from_db()
    case = referral.case
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.region == hartford and case.lead_agency.kind == "taskforce"
    assert CaseParticipant.objects.get(case=case, role="survivor").person.last_name == "Ortiz"
    kinds = list(
        JourneyEvent.objects.filter(case=case).order_by("occurred_at").values_list("kind", flat=True)
    )
    assert kinds == [EventKind.REFERRAL_RECEIVED, EventKind.CASE_OPENED]
    again = client.post(reverse("intake:referral_open_case", args=[referral.pk]), {"version": 1})
    assert again.status_code == 302 and again["Location"] == reverse("intake:queue")
    assert Case.objects.filter(referral=referral).count() == 1  # opened once only


def test_another_regions_referral_cannot_be_opened(client, persona):
    western = Region.objects.get(code="western")
    referral = _referral(persona("coordinator"), western)
    sign_in(client, persona("intake"))
    assert client.post(reverse("intake:referral_open_case", args=[referral.pk])).status_code == 404
    assert Referral.objects.get(pk=referral.pk).case is None


def test_a_tip_becomes_a_referral(client, persona, hartford):
    tip = Tip.objects.create(
        language="es",
        what_happened="Trabajan de noche y no les pagan.",
        trafficking_kind="labor",
        victim_age_group="adult",
    )
    sign_in(client, persona("intake"))
    assert any(item.tip == tip for item in client.get(reverse("intake:queue")).context["items"])
    client.post(reverse("intake:tip_take_up", args=[tip.pk]), {"region": hartford.pk})
    referral = Referral.objects.get(tip=tip)
    assert referral.source == "community" and "no les pagan" in referral.what_is_known
    tip.refresh_from_db()
    assert tip.status == "converted"


def test_a_possible_duplicate_is_hinted_by_name_and_date_of_birth(client, persona, hartford):
    coordinator = persona("coordinator")
    known = (
        CaseParticipant.objects.filter(
            case__region=hartford, role="survivor", person__birth_date__isnull=False
        )
        .select_related("person", "case")
        .first()
    )
    person = known.person
    sounds_alike = person.last_name + "e"  # a spelling variant that keeps the Soundex code
    _referral(
        coordinator,
        hartford,
        survivor_first_name=person.first_name,
        survivor_last_name=sounds_alike,
        survivor_birth_date=person.birth_date,
    )
    sign_in(client, coordinator)
    items = [i for i in client.get(reverse("intake:queue")).context["items"] if i.kind == "referral"]
    assert known.case.reference in items[-1].duplicates
    sign_in(client, persona("intake"))  # intake staff see no case by name: no hint
    items = [i for i in client.get(reverse("intake:queue")).context["items"] if i.kind == "referral"]
    assert items[-1].duplicates == []


def test_the_referral_form_refuses_both_age_and_date_of_birth_and_saves_nothing(client, persona, hartford):
    sign_in(client, persona("intake"))
    before = Referral.objects.count()
    response = client.post(
        reverse("intake:referral_new"),
        {
            "region": hartford.pk,
            "source": "hotline",
            "received_on": timezone.localdate().isoformat(),
            "what_is_known": "Caller worried about a neighbour.",
            "recruitment_channel": "unknown",
            "suspected_kind": "not_sure",
            "survivor_age": "17",
            "survivor_birth_date": "2009-01-02",
        },
    )
    assert response.status_code == 400 and b"not both" in response.content
    assert Referral.objects.count() == before


def test_the_referral_form_records_a_referral(client, persona, hartford):
    sign_in(client, persona("intake"))
    response = client.post(
        reverse("intake:referral_new"),
        {
            "region": hartford.pk,
            "source": "service_provider",
            "received_on": timezone.localdate().isoformat(),
            "what_is_known": "Client disclosed forced work at a farm.",
            "recruitment_channel": "online",
            "recruitment_apps": ["Facebook"],
            "suspected_kind": "labor",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.latest("received_at")
    assert referral.recruitment_apps == ["Facebook"] and referral.suspected_kind == "labor"


def test_the_queue_shows_the_oldest_of_each_kind_and_counts_what_waits(client, persona, hartford):
    intake = persona("intake")
    for hours in (30, 20, 10):
        _referral(intake, hartford, received_at=timezone.now() - dt.timedelta(hours=hours))
    new = Referral.objects.filter(region=hartford, status="new").order_by("received_at", "id")
    items, waiting = triage_queue(intake, shown=2)
    assert [i.referral for i in items if i.kind == "referral"] == list(new[:2])
    assert waiting.referrals == new.count() >= 3 and not waiting.capped
    sign_in(client, intake)
    assert f"{new.count()} referrals" in client.get(reverse("intake:queue")).content.decode()

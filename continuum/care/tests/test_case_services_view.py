"""The advocate's services page: send a referral to an eligible provider (consent checked first),
or record the need as unmet."""

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.care.models import ServiceReferral, UnmetNeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_team(case):
    return case  # the `case` fixture puts the advocate on its team


def _send(client, case, survivor, shelter):
    return client.post(
        reverse("care:service_referral_send", args=[case.pk]),
        {"survivor": survivor.pk, "service_type": "emergency_housing", "service": shelter.pk},
    )


def test_the_advocate_sends_a_housing_referral_once_consent_is_recorded(
    client, advocate, on_team, survivor, shelter, consent
):
    sign_in(client, advocate)
    page = client.get(
        reverse("care:case_services", args=[on_team.pk]),
        {"survivor": survivor.pk, "service_type": "emergency_housing"},
    )
    assert page.status_code == 200 and shelter in page.context["eligible"]
    assert _send(client, on_team, survivor, shelter).status_code == 302
    referral = ServiceReferral.objects.get(case=on_team)
    assert referral.status == "sent" and referral.service == shelter


def test_without_consent_nothing_is_sent_and_the_advocate_is_told_why(
    client, advocate, on_team, survivor, shelter
):
    sign_in(client, advocate)
    response = _send(client, on_team, survivor, shelter)
    assert response.status_code == 400
    assert not ServiceReferral.objects.filter(case=on_team).exists()
    assert "consent" in response.content.decode().lower()


def test_an_unmet_need_is_recorded_with_its_reason(client, advocate, on_team, survivor):
    sign_in(client, advocate)
    response = client.post(
        reverse("care:unmet_need_record", args=[on_team.pk]),
        {"survivor": survivor.pk, "service_type": "mental_health", "reason": "language_not_served"},
    )
    assert response.status_code == 302
    need = UnmetNeed.objects.get(case=on_team)
    assert (need.service_type, need.reason, need.region_id, need.met_at) == (
        "mental_health",
        "language_not_served",
        on_team.region_id,
        None,
    )


def test_an_advocate_off_the_team_cannot_open_the_page(client, advocate, off_team_case):
    sign_in(client, advocate)
    assert client.get(reverse("care:case_services", args=[off_team_case.pk])).status_code == 404


def test_each_operation_url_does_only_its_own_operation(
    client, advocate, on_team, survivor, shelter, consent
):
    """The unmet-need fields sent to the referral URL send nothing; a referral's fields sent to
    the unmet-need URL record nothing (no reason chosen): both 400."""
    sign_in(client, advocate)
    unmet = {"survivor": survivor.pk, "service_type": "emergency_housing", "reason": "language_not_served"}
    assert client.post(reverse("care:service_referral_send", args=[on_team.pk]), unmet).status_code == 400
    send = {"survivor": survivor.pk, "service_type": "emergency_housing", "service": shelter.pk}
    assert client.post(reverse("care:unmet_need_record", args=[on_team.pk]), send).status_code == 400
    assert not ServiceReferral.objects.filter(case=on_team).exists()
    assert not UnmetNeed.objects.filter(case=on_team).exists()


@pytest.mark.parametrize("step", ["send", "unmet", ""])
def test_a_step_style_post_to_the_page_is_refused_with_405(
    client, advocate, on_team, survivor, shelter, consent, step
):
    sign_in(client, advocate)
    response = client.post(
        reverse("care:case_services", args=[on_team.pk]),
        {
            "step": step,
            "survivor": survivor.pk,
            "service_type": "emergency_housing",
            "service": shelter.pk,
            "reason": "language_not_served",
        },
    )
    assert response.status_code == 405
    assert not ServiceReferral.objects.filter(case=on_team).exists()
    assert not UnmetNeed.objects.filter(case=on_team).exists()

"""A full journey in the browser: the coordinator builds a case team, the advocate records consent
for the housing provider and sends an emergency-housing referral, the provider accepts and starts
it, the advocate records an unmet mental-health need for a Spanish speaker, the detective records
an arrest with a class B felony charge; each step appears as a journey event, in order."""

import datetime as dt

import pytest
from django.utils import timezone

from continuum.access import grants
from continuum.cases.models import Case, CaseParticipant
from continuum.conftest import TEST_PASSWORD
from continuum.coordination.models import CaseTeamMember
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice.models import Investigation, Prosecution
from continuum.synth.generator import Generator
from continuum.web.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    if not Case.objects.exists():
        Generator(cases=240, seed=11, password=TEST_PASSWORD).run()
    candidates = Case.objects.filter(
        region__code="greater-hartford", age_group="adult", status="Active", participants__role="suspect"
    ).exclude(team__user__username="advocate")
    case = candidates.order_by("reference").first()
    CaseTeamMember.objects.filter(case=case).exclude(user__username="coordinator").delete()
    grants.rebuild(cases=[case])  # the rows went without team_remove
    # The synthetic world may have investigated the case already; in this journey the detective opens it.
    Prosecution.objects.filter(case=case).delete()
    Investigation.objects.filter(case=case).delete()
    survivor = CaseParticipant.objects.get(case=case, role="survivor").person
    survivor.primary_language, survivor.secondary_language = "es", ""  # Spanish only
    survivor.save()
    return case


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    return context, context.new_page()


def _open_case(page, live_server, case):
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.wait_for_selector("h1")


def test_a_full_journey_across_agencies(case, browser, live_server):
    start = JourneyEvent.objects.order_by("-id").values_list("id", flat=True).first()

    context, coordinator = _page(browser)
    sign_in(coordinator, live_server, "coordinator")
    _open_case(coordinator, live_server, case)
    coordinator.get_by_role("link", name="Case team").click()
    coordinator.select_option("#id_member", label="Ada Morales · Greater Hartford Survivor Advocacy Center")
    coordinator.select_option("#id_team_role", "advocate")
    coordinator.get_by_role("button", name="Add").click()
    coordinator.wait_for_selector("text=Added to the case team.")
    coordinator.select_option("#id_member", label="Dev Kowalski · Hartford Police Department")
    coordinator.select_option("#id_team_role", "investigator")
    coordinator.get_by_role("button", name="Add").click()
    coordinator.wait_for_selector("text=Added to the case team.")
    context.close()

    context, advocate = _page(browser)
    sign_in(advocate, live_server, "advocate")
    _open_case(advocate, live_server, case)
    advocate.get_by_role("link", name="Consent").click()
    advocate.select_option("#id_survivor", index=1)
    advocate.select_option("#id_signed_by", index=1)
    advocate.select_option("#id_agency", label="Safe Harbor Housing (Greater Hartford)")
    for category in ("identity", "contact"):
        advocate.click(f"label[for=id_categories_{['case_facts', 'identity', 'contact'].index(category)}]")
    advocate.fill("#id_expires_on", (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    advocate.get_by_role("button", name="Record consent").click()
    advocate.wait_for_selector("text=Consent recorded.")
    _open_case(advocate, live_server, case)
    advocate.get_by_role("link", name="Services").click()
    advocate.select_option("#service_type", "emergency_housing")
    advocate.get_by_role("button", name="Show eligible providers").click()
    advocate.get_by_role("button", name="Send the referral").click()
    advocate.wait_for_selector("text=Referral sent to Safe Harbor Housing (Greater Hartford).")

    context2, provider = _page(browser)
    sign_in(provider, live_server, "provider")
    provider.goto(f"{live_server.url}/care/referrals/")
    provider.locator("[data-testid=provider-referrals] a").first.click()
    provider.get_by_role("button", name="Accept").click()
    provider.wait_for_selector("text=Saved.")
    provider.get_by_role("button", name="Service started").click()
    provider.wait_for_selector("text=Saved.")
    context2.close()

    advocate.select_option("#service_type", "mental_health")
    advocate.get_by_role("button", name="Show eligible providers").click()
    assert advocate.locator("[data-testid=no-provider]").count() == 1  # nobody offers it in Spanish
    assert advocate.locator("#reason").input_value() == "language_not_served"
    advocate.get_by_role("button", name="Record an unmet need").click()
    advocate.wait_for_selector("text=The unmet need is recorded")
    context.close()

    context, detective = _page(browser)
    sign_in(detective, live_server, "detective")
    _open_case(detective, live_server, case)
    detective.get_by_role("link", name="Investigation").click()
    detective.select_option("#statute", "53a-192a")
    detective.get_by_role("button", name="Record the arrest").click()
    detective.wait_for_selector("text=Arrest recorded.")
    assert "class B felony" in detective.locator("[data-testid=arrests]").inner_text()
    context.close()

    kinds = list(
        JourneyEvent.objects.filter(case=case, id__gt=start or 0)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        EventKind.CASE_TEAM_JOINED,
        EventKind.CASE_TEAM_JOINED,
        EventKind.CONSENT_RECORDED,
        EventKind.SERVICE_REFERRAL_SENT,
        EventKind.SERVICE_REFERRAL_ACCEPTED,
        EventKind.SERVICE_STARTED,
        EventKind.UNMET_NEED_RECORDED,
        EventKind.INVESTIGATION_OPENED,
        EventKind.ARREST_MADE,
        EventKind.CHARGE_FILED,
    ]

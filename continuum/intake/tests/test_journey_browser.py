"""The intake journey in the browser: a Spanish-speaking visitor sends a tip, intake staff turn it
into a referral and a case, the coordinator screens it (a minor, sex trafficking) and the case
shows the child-welfare report task due in 24 hours; a second case (an adult, labor) shows the
advocate task due in 48 hours."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from continuum.conftest import TEST_PASSWORD
from continuum.synth.generator import Generator
from continuum.web.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from continuum.cases.models import Case

    if not Case.objects.exists():
        Generator(cases=240, seed=11, password=TEST_PASSWORD).run()


def _staff_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    return context, context.new_page()


def _choose(page, question, value):
    page.click(f"label[for={question}-{value}]")  # USWDS draws its own radio over the input


def _due(page, kind):
    text = page.locator(f"tr[data-task-kind={kind}] [data-testid=task-due]").inner_text()
    stamp = re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text).group(0)
    local = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.get_current_timezone())
    return local - timezone.now()


def test_a_tip_becomes_a_screened_case_with_deadlines(world, page, browser, live_server):
    # 1. A Spanish-speaking visitor sends a tip.
    page.goto(f"{live_server.url}/tip/")
    page.locator("[data-testid=language-switch] a[lang=es]").click()
    page.fill("#id_what_happened", "Una chica de 15 años vive con un hombre que la vende a otros hombres.")
    page.click("label[for=id_victim_age_group_0]")
    page.get_by_role("button", name="Enviar mi aviso").click()
    code = page.locator("[data-testid=tip-code]")
    code.wait_for()
    assert re.fullmatch(r"TIP-[0-9A-Z]{4}-[0-9A-Z]{4}", code.inner_text().strip())

    # 2. Intake staff take it up as a referral of Greater Hartford and open a case.
    context, intake = _staff_page(browser)
    sign_in(intake, live_server, "intake")
    intake.goto(f"{live_server.url}/intake/")
    row = intake.locator("tr[data-kind=tip]").last
    row.locator("select[name=region]").select_option(label="Greater Hartford")
    row.get_by_role("button", name="Make it a referral").click()
    intake.wait_for_selector("text=The tip is now a referral.")
    intake.locator("tr[data-kind=referral]").last.get_by_role("button", name="Open a case").click()
    opened = intake.locator(".usa-alert__text", has_text="opened")
    opened.wait_for()
    message = opened.inner_text()
    reference = re.search(r"CT-[0-9A-Z-]+", message).group(0)
    context.close()

    # 3. The coordinator screens it: a minor, a commercial sex act.
    context, coordinator = _staff_page(browser)
    sign_in(coordinator, live_server, "coordinator")
    coordinator.goto(f"{live_server.url}/cases/?q={reference}")
    coordinator.get_by_role("link", name=reference).click()
    coordinator.get_by_role("link", name="Screen").click()
    coordinator.fill("#age_at_start", "15")
    _choose(coordinator, "sex_exchanged", "yes")
    coordinator.get_by_role("button", name="Record the screening").click()
    coordinator.wait_for_selector("tr[data-task-kind=mandated_report]")
    assert (
        dt.timedelta(hours=23, minutes=58) <= _due(coordinator, "mandated_report") <= dt.timedelta(hours=24)
    )
    assert "Routed by the rules" in coordinator.locator("[data-testid=journey]").inner_text()

    # 4. A second case, an adult in labor with a debt: the advocate task is due in 48 hours.
    coordinator.goto(f"{live_server.url}/intake/referrals/new/")
    coordinator.select_option("#id_region", label="Greater Hartford")
    coordinator.select_option("#id_source", "service_provider")
    coordinator.fill("#id_received_on", timezone.localdate().isoformat())
    coordinator.fill("#id_what_is_known", "Works 14 hours a day on a farm to pay off a growing debt.")
    coordinator.select_option("#id_suspected_kind", "labor")
    coordinator.get_by_role("button", name="Record the referral").click()
    coordinator.locator("tr[data-kind=referral]").last.get_by_role("button", name="Open a case").click()
    coordinator.get_by_role("link", name="Screen").click()
    coordinator.fill("#age_at_start", "34")
    _choose(coordinator, "work_done", "yes")
    _choose(coordinator, "work_found_by", "offered_by_someone")
    _choose(coordinator, "debt_owed", "yes")
    coordinator.get_by_role("button", name="Record the screening").click()
    coordinator.wait_for_selector("tr[data-task-kind=assign_advocate]")
    assert (
        dt.timedelta(hours=47, minutes=58) <= _due(coordinator, "assign_advocate") <= dt.timedelta(hours=48)
    )
    assert "LABOR TRAFFICKING" in coordinator.locator("h1 + p").inner_text().upper()
    context.close()

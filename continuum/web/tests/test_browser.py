"""Browser tests: a person's view of the pages, in headless Chromium."""

import pytest

from continuum.access.testing import totp_code, totp_device
from continuum.conftest import TEST_PASSWORD
from continuum.synth.generator import Generator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(django_db_blocker):
    from continuum.cases.models import Case

    if not Case.objects.exists():
        Generator(cases=240, seed=11, password=TEST_PASSWORD).run()


def sign_in(page, live_server, username):
    from continuum.org.models import User

    user = User.objects.get(username=username)
    totp_device(user)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/account/verify/**")
    page.fill("#id_token", totp_code(user))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")


def test_the_coordinator_filters_to_child_labor_cases_and_opens_one(world, page, live_server):
    sign_in(page, live_server, "coordinator")
    page.click("text=Cases")
    page.wait_for_url("**/cases/")
    page.select_option("#id_age_group", "minor")
    page.wait_for_url("**age_group=minor**")
    page.select_option("#id_trafficking_type", "labor")
    page.wait_for_url("**trafficking_type=labor**")
    rows = page.locator("tbody tr[data-age-group]")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert rows.nth(i).get_attribute("data-age-group") == "minor"
        assert rows.nth(i).get_attribute("data-trafficking-type") == "labor"
    reference = rows.first.locator("th a").inner_text()
    rows.first.locator("th a").click()
    page.wait_for_selector("h1")
    assert reference in page.locator("h1").inner_text()
    assert page.locator("[data-testid=journey] li").count() >= 3
    assert "Child (under 18)" in page.content()


def test_quick_exit_is_the_first_tab_stop_and_back_does_not_return(world, page, live_server):
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.quickExit") is not None
    page.keyboard.press("Enter")
    page.wait_for_url("**weather.gov**")
    page.go_back()
    assert "/login/" not in page.url


def test_another_persona_cannot_open_a_case_page(world, page, live_server):
    from continuum.cases.models import Case

    case_id = Case.objects.first().id
    sign_in(page, live_server, "detective")
    response = page.goto(f"{live_server.url}/cases/{case_id}/")
    assert response.status == 404

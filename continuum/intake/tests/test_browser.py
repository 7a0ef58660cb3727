"""A visitor's view of the public pages, in headless Chromium: quick exit first, and a tip in Spanish."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from continuum.intake.models import Tip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = ["/", "/login/", "/tip/", "/recognize/", "/tip/follow-up/"]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_tab_reaches_the_quick_exit_first_and_back_does_not_return(page, live_server, path):
    public_url = f"{live_server.url}{path}"
    exit_host = urlsplit(settings.QUICK_EXIT_URL).hostname
    page.goto("about:blank")
    page.goto(public_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.quickExit") is not None
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{exit_host}**")
    assert page.evaluate("history.length") == 2  # about:blank and the exit: the page was replaced
    page.go_back()
    assert page.url != public_url
    assert not page.url.startswith(live_server.url)


def test_a_spanish_speaking_visitor_switches_to_spanish_and_sends_a_tip(page, live_server):
    page.goto(f"{live_server.url}/tip/")
    assert page.locator("h1").inner_text() == "Tell us what you saw"
    page.locator("[data-testid=language-switch] a[lang=es]").click()
    page.wait_for_url("**/tip/?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Cuéntenos lo que vio"
    page.fill("#id_what_happened", "Unos hombres llevan a niñas al motel de la ruta 9 cada noche.")
    page.fill("#id_where", "Motel de la ruta 9")
    page.click("label[for=id_victim_age_group_0]")  # USWDS draws its own radio over the input
    page.get_by_role("button", name="Enviar mi aviso").click()
    code = page.locator("[data-testid=tip-code]")
    code.wait_for()
    assert re.fullmatch(r"TIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code.inner_text().strip())
    assert page.locator("h1").inner_text() == "Gracias. Recibimos su aviso."
    assert "Su código de aviso" in page.content()
    tip = Tip.objects.get(code=code.inner_text().strip())
    assert tip.language == "es"
    assert tip.victim_age_group == "child"
    # Nothing lasting was left in the browser.
    for cookie in page.context.cookies():
        assert cookie["name"] == "csrftoken"
        assert cookie["expires"] == -1  # a session cookie

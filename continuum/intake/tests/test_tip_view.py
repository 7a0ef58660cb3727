"""The public tip form: plain words, both languages, the quick exit first, errors that keep the text."""

import re

import pytest
from django.urls import reverse

from continuum.intake.models import Tip
from continuum.intake.tests.helpers import CODE, tip_data

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "web:landing",
    "web:login",
    "intake:tip",
    "intake:tip_thanks",
    "intake:tip_follow_up",
    "intake:recognize",
]


def first_focusable(html):
    body = html.split("<body", 1)[1]
    return re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_the_quick_exit_is_the_first_focusable_element_of_every_public_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "data-quick-exit" in first_focusable(response.content.decode())


def test_the_form_asks_in_plain_words_and_needs_no_login(client):
    response = client.get(reverse("intake:tip"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "What did you see or hear?" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "1-888-373-7888" in html
    assert '<html lang="en">' in html


def test_the_receipt_shows_the_tip_code_once_with_the_tip_stored(client):
    response = client.post(reverse("intake:tip"), tip_data(victim_age_group="child", contact="555-0100"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    codes = set(CODE.findall(html))
    assert len(codes) == 1
    code = codes.pop()
    tip = Tip.objects.get(code=code)
    assert tip.trafficking_kind == "sex"
    assert tip.victim_age_group == "child"
    assert tip.contact == "555-0100"
    assert tip.language == "en"
    assert tip.status == "new"
    # The receipt is not somewhere to come back to: the thank-you page has no code.
    assert not CODE.search(client.get(reverse("intake:tip_thanks")).content.decode())


def test_the_kind_and_age_group_may_be_left_out(client):
    data = tip_data()
    del data["trafficking_kind"], data["victim_age_group"]
    client.post(reverse("intake:tip"), data)
    tip = Tip.objects.get()
    assert (tip.trafficking_kind, tip.victim_age_group) == ("not_sure", "not_sure")


def test_a_missing_account_is_named_and_what_was_typed_stays(client):
    response = client.post(reverse("intake:tip"), tip_data(what_happened="", where="Behind the nail salon"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please tell us what you saw or heard." in html
    assert 'href="#id_what_happened"' in html
    assert "Behind the nail salon" in html
    assert "every weekend" in html
    assert re.search(r'id="id_trafficking_kind_0"[^>]*checked|value="sex" checked', html)
    assert Tip.objects.count() == 0


def test_a_failed_check_is_explained_in_spanish_to_a_spanish_visitor(client):
    response = client.post(reverse("intake:tip") + "?lang=es", tip_data(what_happened=""))
    html = response.content.decode()
    assert "Por favor, cuéntenos qué vio o escuchó." in html
    assert "Route 9 motel, Middletown" in html
    assert response["Content-Language"] == "es"


def test_an_invalid_choice_is_refused_in_the_visitors_language(client):
    response = client.post(reverse("intake:tip") + "?lang=es", tip_data(trafficking_kind="wizardry"))
    assert "Escoja una opción válida" in response.content.decode()
    assert Tip.objects.count() == 0


def test_spanish_is_chosen_with_lang_and_every_link_keeps_it(client):
    response = client.get(reverse("intake:tip") + "?lang=es")
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Cuéntenos lo que vio" in html
    assert "¿Qué vio o escuchó?" in html
    assert "Salida rápida" in html
    assert "Acceso del personal" in html
    assert 'action="/tip/?lang=es"' in html
    assert 'href="/recognize/?lang=es"' in html
    assert 'href="/tip/?lang=en"' in html  # the way back to English
    assert "What did you see" not in html
    assert not response.cookies.get("django_language")


def test_the_browser_language_is_used_when_nothing_was_chosen(client):
    html = client.get(reverse("intake:tip"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert "Cuéntenos lo que vio" in html


def test_an_unknown_language_falls_back_to_english(client):
    html = client.get(reverse("intake:tip") + "?lang=xx").content.decode()
    assert "Tell us what you saw" in html


def test_a_spanish_tip_is_stored_as_spanish_and_gets_a_spanish_receipt(client):
    response = client.post(reverse("intake:tip") + "?lang=es", tip_data())
    html = response.content.decode()
    assert "Gracias. Recibimos su aviso." in html
    assert "Su código de aviso" in html
    assert Tip.objects.get(code=CODE.search(html).group(0)).language == "es"


def test_a_body_that_is_far_too_large_is_refused_before_it_is_read(client):
    response = client.post(reverse("intake:tip"), tip_data(), CONTENT_LENGTH=str(20 * 1024 * 1024))
    assert response.status_code == 413
    assert "A photo can be at most 8 MB." in response.content.decode()
    assert Tip.objects.count() == 0


def test_the_guide_names_the_signs_and_the_hotline_in_both_languages(client):
    english = client.get(reverse("intake:recognize")).content.decode()
    assert "Signs of sex trafficking" in english
    assert "Signs of labor trafficking" in english
    assert "1-888-373-7888" in english and "233733" in english and "911" in english
    assert 'href="/tip/?lang=en"' in english
    spanish = client.get(reverse("intake:recognize") + "?lang=es").content.decode()
    assert "Señales de trata con fines sexuales" in spanish
    assert "Señales de trata con fines de trabajo forzado" in spanish
    assert "1-888-373-7888" in spanish


def test_the_landing_page_links_to_the_form_and_the_guide(client):
    html = client.get(reverse("web:landing")).content.decode()
    assert f'href="{reverse("intake:tip")}"' in html
    assert f'href="{reverse("intake:recognize")}"' in html
    assert 'href="/tip/?lang=es"' in html


def test_the_landing_page_is_spanish_for_a_spanish_browser(client):
    html = client.get(reverse("web:landing"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reportar una sospecha" in html
    assert "Salida rápida" in html
    assert "Línea Nacional contra la Trata de Personas" in html


def test_the_csrf_check_still_guards_both_forms():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("intake:tip"), tip_data()).status_code == 403
    assert (
        client.post(reverse("intake:tip_follow_up"), {"code": "TIP-0000-0000", "text": "x"}).status_code
        == 403
    )
    assert Tip.objects.count() == 0
    page = client.get(reverse("intake:tip"))
    token = page.context["csrf_token"]
    response = client.post(reverse("intake:tip"), {**tip_data(), "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 200
    assert Tip.objects.count() == 1


def test_a_tip_with_a_text_direction_override_is_refused_in_spanish_and_not_stored(client):
    before = Tip.objects.count()
    response = client.post(
        reverse("intake:tip") + "?lang=es", tip_data(what_happened="Lo vi en \u202ela calle")
    )
    assert "Este texto contiene caracteres que no se aceptan" in response.content.decode()
    assert Tip.objects.count() == before

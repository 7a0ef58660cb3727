"""The sender adds information later with the tip code; a wrong code cannot be told from a right one."""

import pytest
from django.urls import reverse

from continuum.intake.models import Tip, TipAddition, new_tip_code
from continuum.intake.tests.helpers import CODE, tip_data
from continuum.intake.tips import normalize_code, tip_add, tip_submit

pytestmark = pytest.mark.django_db


def send_tip(client):
    response = client.post(reverse("intake:tip"), tip_data())
    return CODE.search(response.content.decode()).group(0)


def test_the_code_from_the_receipt_adds_information_to_the_tip(client):
    code = send_tip(client)
    response = client.post(
        reverse("intake:tip_follow_up"), {"code": code.lower(), "text": "The van is white."}
    )
    assert response.status_code == 200
    addition = TipAddition.objects.get()
    assert addition.tip.code == code
    assert addition.text == "The van is white."
    assert addition.received_at.minute == 0


def _headers(response):
    return {name: value for name, value in response.headers.items() if name != "Expires"}


def test_an_unknown_code_gets_the_very_same_answer(client):
    code = send_tip(client)
    known = client.post(reverse("intake:tip_follow_up"), {"code": code, "text": "more"})
    unknown = client.post(reverse("intake:tip_follow_up"), {"code": "TIP-ZZZZ-ZZZZ", "text": "more"})
    nonsense = client.post(reverse("intake:tip_follow_up"), {"code": "hello", "text": "more"})
    assert known.status_code == unknown.status_code == nonsense.status_code == 200
    assert known.content == unknown.content == nonsense.content
    # Expires is the moment of each answer (no caching), so it may tick between the three.
    assert _headers(known) == _headers(unknown) == _headers(nonsense)
    assert all(r.has_header("Expires") for r in (known, unknown, nonsense))
    assert TipAddition.objects.count() == 1


def test_an_empty_follow_up_names_the_missing_field_and_keeps_the_code(client):
    response = client.post(reverse("intake:tip_follow_up"), {"code": "TIP-7KQ2-M9XD", "text": ""})
    html = response.content.decode()
    assert "Please write what you would like to add." in html
    assert 'value="TIP-7KQ2-M9XD"' in html
    assert TipAddition.objects.count() == 0


def test_codes_are_read_the_way_people_write_them():
    assert normalize_code("tip 7kq2 m9xd") == "TIP-7KQ2-M9XD"
    assert normalize_code("7KQ2M9XD") == "TIP-7KQ2-M9XD"
    assert normalize_code("TIP-7KQ2-M9XO") == "TIP-7KQ2-M9X0"  # O read as zero
    assert normalize_code("TIP-IKQ2-M9XD") == "TIP-1KQ2-M9XD"
    assert normalize_code("TIP-7KQ2") is None
    assert normalize_code("'; DROP TABLE") is None


def test_codes_use_an_alphabet_without_i_l_o_u():
    for _ in range(200):
        code = new_tip_code()
        assert CODE.fullmatch(code)
        assert not set(code[4:]) & set("ILOU")


def test_the_actions_work_without_a_request():
    tip = tip_submit(language="es", what_happened="Algo pasó")
    assert Tip.objects.get(pk=tip.pk).language == "es"
    assert tip_add(code=tip.code, text="más") is not None
    assert tip_add(code="TIP-0000-0000", text="más") is None


def test_a_code_already_taken_is_drawn_again(monkeypatch):
    first = tip_submit(language="en", what_happened="one")
    drawn = iter([first.code, first.code, "TIP-AAAA-BBBB"])
    monkeypatch.setattr("continuum.intake.tips.new_tip_code", lambda: next(drawn))
    second = tip_submit(language="en", what_happened="two")
    assert second.code == "TIP-AAAA-BBBB"
    assert Tip.objects.count() == 2


def test_a_failed_tip_leaves_neither_a_row_nor_a_file(monkeypatch, settings):
    from continuum.intake.images import CleanImage

    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Tip, "save", refuse)
    with pytest.raises(RuntimeError):
        tip_submit(
            language="en",
            what_happened="x",
            photo=CleanImage(content=b"\xff\xd8", extension="jpg", width=1, height=1),
        )
    assert Tip.objects.count() == 0
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))

"""The prosecution page (/justice/cases/<id>/prosecution/): the prosecutor of the office on the
case team opens a prosecution on charges of the case and records how each charge ended; nobody
else gets past the door, and bad input changes nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.coordination.models import TeamRole
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.models import Disposition, Prosecution, ProsecutionStatus
from continuum.justice.tests.conftest import make_team_case, snapshot

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return reverse("justice:prosecution", args=[case.pk])


def open_url(case) -> str:
    return reverse("justice:prosecution_open", args=[case.pk])


def dispose_url(case) -> str:
    return reverse("justice:disposition_record", args=[case.pk])


def today() -> str:
    return timezone.localdate().isoformat()


def test_the_prosecutor_opens_a_prosecution_and_disposes_of_every_charge(
    client, prosecutor, team_case, charged
) -> None:
    first, second = charged(team_case)
    start = JourneyEvent.objects.filter(case=team_case).order_by("-id").values_list("id", flat=True).first()
    sign_in(client, prosecutor)
    page = client.get(url(team_case))
    assert page.status_code == 200
    assert page.context["open_form"] is not None and page.context["dispose_form"] is None

    opened = client.post(open_url(team_case), {"charges": [str(first.pk), str(second.pk)]})
    assert opened.status_code == 302 and opened["Location"] == url(team_case)
    prosecution = Prosecution.objects.get(case=team_case)
    assert (prosecution.agency, prosecution.status) == (
        prosecutor.membership.agency,
        ProsecutionStatus.PENDING,
    )
    assert set(prosecution.charges.all()) == {first, second}

    for charge, outcome, sentence in (
        (first, "convicted_plea", "5 years, 2 suspended"),
        (second, "nolle", ""),
    ):
        done = client.post(
            dispose_url(team_case),
            {
                "charge": str(charge.pk),
                "outcome": outcome,
                "decided_on": today(),
                "sentence_summary": sentence,
            },
        )
        assert done.status_code == 302
    prosecution.refresh_from_db()
    assert prosecution.status == ProsecutionStatus.DISPOSED
    assert Disposition.objects.get(charge=first).sentence_summary == "5 years, 2 suspended"
    steps = JourneyEvent.objects.filter(case=team_case, id__gt=start).order_by("occurred_at", "id")
    assert [e.kind for e in steps] == [
        EventKind.PROSECUTION_OPENED,
        EventKind.CHARGE_DISPOSED,
        EventKind.CHARGE_DISPOSED,
        EventKind.PROSECUTION_DISPOSED,
    ]
    assert all(e.agency_id == prosecutor.membership.agency_id for e in steps)

    final = client.get(url(team_case))
    assert final.context["open_form"] is None and final.context["dispose_form"] is None
    body = final.content.decode()
    assert "53a-192a" in body and "Class B felony" in body and "Convicted (plea)" in body
    assert 'data-status="disposed"' in body


def test_the_page_shows_statute_class_counts_and_status_of_each_charge(
    client, prosecutor, team_case, charged
) -> None:
    charged(team_case, ["53a-192a", "53a-192"])
    sign_in(client, prosecutor)
    page = client.get(url(team_case))
    rows = page.context["rows"]
    assert [(r.charge.statute, r.charge.felony_class, r.charge.counts) for r in rows] == [
        ("53a-192a", "B", 1),
        ("53a-192", None, 2),
    ]
    assert all(r.title for r in rows)
    body = page.content.decode()
    assert "Class A misdemeanor" in body and "Not prosecuted" in body
    assert "“Boss”" in body  # a defendant known only by an alias


def test_a_detective_on_the_team_cannot_open_the_page(client, detective, team_case, charged) -> None:
    charged(team_case)
    sign_in(client, detective)
    assert client.get(url(team_case)).status_code == 404
    response = client.post(open_url(team_case), {"charges": []})
    assert response.status_code == 404
    assert not Prosecution.objects.filter(case=team_case).exists()


def test_a_prosecutor_of_another_region_gets_the_same_404_as_a_missing_case(
    client, prosecutor_west, team_case, charged
) -> None:
    charges = charged(team_case)
    sign_in(client, prosecutor_west)
    refused = client.get(url(team_case))
    missing = client.get(reverse("justice:prosecution", args=["00000000-0000-4000-8000-000000000000"]))
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    client.post(open_url(team_case), {"charges": [str(c.pk) for c in charges]})
    assert not Prosecution.objects.filter(case=team_case).exists()


def test_a_prosecutor_whose_office_is_not_on_the_team_gets_404(client, persona, prosecutor) -> None:
    case = make_team_case(persona("coordinator"), (persona("detective"), TeamRole.INVESTIGATOR))
    sign_in(client, prosecutor)
    assert client.get(url(case)).status_code == 404


def test_a_charge_of_another_office_s_prosecution_is_not_offered_for_disposition(
    client, prosecutor, prosecutor_west, persona, charged
) -> None:
    case = make_team_case(
        persona("coordinator"),
        (persona("detective"), TeamRole.INVESTIGATOR),
        (prosecutor, TeamRole.PROSECUTOR),
        (prosecutor_west, TeamRole.PROSECUTOR),
    )
    charges = charged(case)
    actions.prosecution_open(
        actor=prosecutor_west, case=case, agency=prosecutor_west.membership.agency, charges=charges
    )
    sign_in(client, prosecutor)
    page = client.get(url(case))
    assert page.context["dispose_form"] is None and page.context["open_form"] is None
    response = client.post(
        dispose_url(case),
        {"charge": str(charges[0].pk), "outcome": "nolle", "decided_on": today()},
    )
    assert response.status_code == 400
    assert not Disposition.objects.filter(charge__in=charges).exists()


@pytest.fixture
def pending(client, prosecutor, team_case, charged):
    """A pending prosecution of the team's office on both charges; the prosecutor signed in."""
    charges = charged(team_case)
    actions.prosecution_open(
        actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=charges
    )
    sign_in(client, prosecutor)
    return charges


def _other_case_charge(persona, charged):
    other = make_team_case(
        persona("coordinator"),
        (persona("detective"), TeamRole.INVESTIGATOR),
        (persona("prosecutor"), TeamRole.PROSECUTOR),
    )
    return charged(other, ["53a-192a"])[0]


@pytest.mark.parametrize(
    "bad",
    [
        "empty form",
        "empty open form",
        "unknown charge id",
        "charge of another case",
        "outcome not in the list",
        "date in the future",
        "date not a date",
        "sentence too long",
        "open with no charge",
        "open with an unknown charge",
        "open with a charge of another case",
    ],
)
def test_bad_input_never_crashes_and_changes_nothing(
    client, persona, team_case, pending, charged, bad
) -> None:
    foreign = _other_case_charge(persona, charged) if "another case" in bad else None
    before = snapshot(team_case)
    good = {"charge": str(pending[0].pk), "outcome": "nolle", "decided_on": today()}
    data: dict[str, object] = {
        "empty form": {},
        "empty open form": {},
        "unknown charge id": {**good, "charge": "3f1d2c1e-0000-4000-8000-000000000000"},
        "charge of another case": {**good, "charge": str(foreign.pk) if foreign else ""},
        "outcome not in the list": {**good, "outcome": "cooperated"},
        "date in the future": {**good, "decided_on": "2999-01-01"},
        "date not a date": {**good, "decided_on": "yesterday"},
        "sentence too long": {**good, "sentence_summary": "x" * 201},
        "open with no charge": {},
        "open with an unknown charge": {"charges": ["not-an-id"]},
        "open with a charge of another case": {"charges": [str(foreign.pk) if foreign else ""]},
    }[bad]
    target = open_url(team_case) if "open" in bad else dispose_url(team_case)
    response = client.post(target, data)
    assert response.status_code == 400, bad
    assert snapshot(team_case) == before
    if foreign is not None:
        assert not Disposition.objects.filter(charge=foreign).exists()
        assert not foreign.prosecutions.exists()


def test_the_page_costs_the_same_queries_for_one_charge_or_many(client, prosecutor, persona, charged) -> None:
    counts = []
    for sections in (["53a-192a"], ["53a-192a", "53a-86", "53a-192", "53a-192a"]):
        case = make_team_case(
            persona("coordinator"),
            (persona("detective"), TeamRole.INVESTIGATOR),
            (prosecutor, TeamRole.PROSECUTOR),
        )
        charged(case, sections)
        sign_in(client, prosecutor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(case)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_case_page_links_the_prosecutor_and_nobody_else_to_the_prosecution(
    client, prosecutor, detective, team_case
) -> None:
    link = f'href="{url(team_case)}"'
    sign_in(client, prosecutor)
    assert link in client.get(reverse("cases:detail", args=[team_case.pk])).content.decode()
    sign_in(client, detective)
    assert link not in client.get(reverse("cases:detail", args=[team_case.pk])).content.decode()


def test_each_operation_url_does_only_its_own_operation(client, team_case, pending) -> None:
    """A disposition posted to the open URL and an opening posted to the disposition URL are
    refused with 400 and change nothing."""
    before = snapshot(team_case)
    disposition = {"charge": str(pending[0].pk), "outcome": "nolle", "decided_on": today()}
    assert client.post(open_url(team_case), disposition).status_code == 400
    assert client.post(dispose_url(team_case), {"charges": [str(c.pk) for c in pending]}).status_code == 400
    assert snapshot(team_case) == before


@pytest.mark.parametrize("step", ["open", "dispose", "delete", ""])
def test_a_step_style_post_to_the_page_is_refused_with_405(
    client, prosecutor, team_case, charged, step
) -> None:
    charges = charged(team_case)
    sign_in(client, prosecutor)
    before = snapshot(team_case)
    response = client.post(
        url(team_case),
        {
            "step": step,
            "charges": [str(c.pk) for c in charges],
            "charge": str(charges[0].pk),
            "outcome": "nolle",
            "decided_on": today(),
        },
    )
    assert response.status_code == 405
    assert snapshot(team_case) == before

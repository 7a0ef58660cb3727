"""The referral API: per-agency tokens (hashed, scoped, expiring, revocable); unknown fields
refused; bad input answered with a clear error and nothing saved."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.intake.referrals import Referral
from continuum.org.models import Agency, ApiToken
from continuum.org.tokens import token_create, token_revoke

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"
GOOD = {
    "source": "law_enforcement",
    "received_at": "2026-11-01T10:30:00-05:00",
    "what_is_known": "Officer found three workers sleeping in a locked restaurant storeroom.",
    "recruitment_channel": "employer",
    "suspected_kind": "labor",
    "survivor_age": 27,
}


@pytest.fixture
def hartford_pd():
    return Agency.objects.get(name="Hartford Police Department")


@pytest.fixture
def token(hartford_pd):
    return token_create(agency=hartford_pd, name="Records system", scopes=["referrals:create"], days=30)


def _post(client, body, text=None):
    headers = {"Authorization": f"Bearer {text}"} if text else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def test_an_agency_system_posts_a_referral(client, token, hartford_pd):
    row, text = token
    response = _post(client, GOOD, text)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(pk=response.json()["id"])
    assert referral.referring_agency == hartford_pd and referral.region == hartford_pd.region
    assert referral.survivor_age == 27 and referral.created_by is None
    row.refresh_from_db()
    assert row.last_used_at is not None
    audit = AuditEvent.objects.get(action="create", object_id=str(referral.pk))
    assert audit.detail == {"source": "law_enforcement", "agency": hartford_pd.pk, "token": row.prefix}


def test_the_token_is_stored_hashed(token):
    row, text = token
    secret = text.split("_", 2)[2]
    assert secret not in row.secret_hash and len(row.secret_hash) == 64


@pytest.mark.parametrize("mangle", ["missing", "wrong", "revoked", "expired", "scope", "session"])
def test_a_bad_token_is_refused_alike_and_nothing_saved(client, persona, token, mangle):
    row, text = token
    if mangle == "wrong":
        text = text[:-4] + "AAAA"
    elif mangle == "revoked":
        token_revoke(prefix=row.prefix)
    elif mangle == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif mangle == "scope":
        ApiToken.objects.filter(pk=row.pk).update(scopes=[])
    elif mangle == "session":
        sign_in(client, persona("coordinator"))  # a staff session is no token
    before = Referral.objects.count()
    response = _post(client, GOOD, None if mangle in {"missing", "session"} else text)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert Referral.objects.count() == before
    assert AuditEvent.objects.filter(action="deny", outcome="denied").exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**GOOD, "case_id": "x"}, 400, "case_id"),
        ({**GOOD, "source": "rumour"}, 400, "source"),
        ({**GOOD, "survivor_birth_date": "2000-02-30"}, 400, "survivor_birth_date"),
        ({**GOOD, "survivor_birth_date": "1999-01-01"}, 400, "survivor_age"),
        ({k: v for k, v in GOOD.items() if k != "what_is_known"}, 400, "what_is_known"),
        ("{not json", 400, None),
        ("[1, 2]", 400, None),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client, token, body, status, field):
    before = Referral.objects.count()
    response = _post(client, body, token[1])
    assert response.status_code == status
    payload = response.json()
    assert payload["error"]
    if field:
        assert field in json.dumps(payload.get("fields"))
    assert Referral.objects.count() == before


def test_a_statewide_agency_must_name_the_region(client):
    hotline = Agency.objects.get(name="Statewide Trafficking Hotline")
    _, text = token_create(agency=hotline, name="Hotline CRM", scopes=["referrals:create"], days=30)
    assert _post(client, GOOD, text).status_code == 400
    response = _post(client, {**GOOD, "region": "eastern"}, text)
    assert response.status_code == 201 and response.json()["region"] == "eastern"


def test_the_token_command_prints_the_secret_once_and_lists_without_it(capsys, hartford_pd):
    call_command(
        "token", "create", "--agency", hartford_pd.name, "--name", "RMS", "--scope", "referrals:create"
    )
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("ct_")
    call_command("token", "list")
    listed = capsys.readouterr().out
    assert secret not in listed and "RMS" in listed


def test_get_is_not_allowed(client, token):
    response = client.get(reverse("intake:api_referrals"), headers={"Authorization": f"Bearer {token[1]}"})
    assert response.status_code == 405

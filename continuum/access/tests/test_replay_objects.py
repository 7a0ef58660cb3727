"""Replaying real ids on every URL that is not a case's: each persona tries the ids of real
meetings, tips, referrals, service referrals, directory entries and break-glass grants that the
policy does not let them see (another region's, another agency's) on every URL that takes such an
id, by GET and by POST, and gets 404, the very page a made-up id gets; nothing changes. A URL that
takes an object id and is missing from OBJECT_OF below fails the test, so a new page cannot skip it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access import policy, registry
from continuum.access.models import BreakGlassGrant
from continuum.access.testing import keep_second_factor_fresh, sign_in
from continuum.access.tests.object_oracle import Oracle
from continuum.access.tests.pages import url_patterns
from continuum.access.tests.scenario import PERSONA_NAMES
from continuum.audit.models import AuditEvent
from continuum.care.models import ProviderService, ServiceReferral
from continuum.cases.models import Case, ReferralSource
from continuum.intake.models import Tip
from continuum.intake.referrals import Referral
from continuum.mdt.models import MdtMeeting
from continuum.org.models import User

pytestmark = pytest.mark.django_db

# The id argument of a URL -> the model it names and the operation that decides who sees it.
OBJECT_OF = {
    "meeting_id": (MdtMeeting, "mdt_meeting.view"),
    "tip_id": (Tip, "tip.view"),
    "service_id": (ProviderService, "service.view"),
    # Every reviewer (audit_entry.review) sees every flagged grant; the one who used a grant is
    # told plainly that a second administrator reviews it (test_break_glass).
    "grant_id": (BreakGlassGrant, None),
}
# `referral_id` names a triage referral in intake and a service referral in care.
REFERRAL_OF = {
    "intake": (Referral, "referral.view"),
    "care": (ServiceReferral, "service_referral.view"),
}
PER_MODEL = 4


def _object_urls() -> list[tuple[str, str]]:
    """(URL name, its id argument) for every URL the policy does not decide as a case's."""
    found = []
    for name, arguments in url_patterns().items():
        operation = policy.policy().urls.get(name, "")
        if operation.startswith("case.") or not arguments:
            continue
        assert len(arguments) == 1, name
        found.append((name, arguments[0]))
    return sorted(found)


OBJECT_URLS = _object_urls()


def _model(name: str, argument: str):
    if argument == "referral_id":
        return REFERRAL_OF[name.split(":")[0]]
    return OBJECT_OF[argument]


def test_every_object_url_is_known_here():
    for name, argument in OBJECT_URLS:
        assert argument in OBJECT_OF or (argument == "referral_id" and name.split(":")[0] in REFERRAL_OF), (
            name
        )


@pytest.fixture
def objects(db):
    """Meetings, referrals, tips and grants in two regions (the session world has none)."""
    now = timezone.now()
    coordinator = User.objects.get(username="coordinator")
    admin = User.objects.get(username="admin")
    for code in ("greater-hartford", "western"):
        region = Case.objects.filter(region__code=code).first().region
        MdtMeeting.objects.create(
            region=region, scheduled_for=now + dt.timedelta(days=2), chaired_by=coordinator
        )
        Referral.objects.create(region=region, source=ReferralSource.values[0], what_is_known="Kept at work.")
    if not Tip.objects.filter(status="new").exists():
        Tip.objects.create(what_happened="Someone is kept at work.")
    BreakGlassGrant.objects.create(
        user=admin,
        case=Case.objects.first(),
        reason="A child may be in danger tonight.",
        started_at=now,
        expires_at=now + dt.timedelta(minutes=60),
    )


def _counts() -> dict[str, int]:
    models = {model for model, _ in [*OBJECT_OF.values(), *REFERRAL_OF.values()]}
    return {model._meta.label: model._default_manager.count() for model in models} | {
        "reviewed": BreakGlassGrant.objects.exclude(reviewed_at=None).count()
    }


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_real_ids_a_persona_may_not_see_answer_404_on_every_object_url(client, objects, username):
    user = User.objects.select_related("membership__agency").get(username=username)
    sign_in(client, user)
    before = _counts()
    judge = Oracle(policy.clock())  # the ids to replay are picked by the oracle, not the engine
    tried = 0
    for name, argument in OBJECT_URLS:
        model, operation = _model(name, argument)
        rows = list(model._default_manager.order_by("pk"))
        if operation is None:
            reviewer = bool(judge.clauses(user.membership.role, "audit_entry.review"))
            hidden = [] if reviewer else [row.pk for row in rows]
        else:
            entry = registry.protected_for(model)
            op = operation.split(".", 1)[1]
            hidden = [row.pk for row in rows if not judge.allows_row(user, entry, op, row)]
        hidden = hidden[:PER_MODEL]
        numbered = model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"}
        made_up = 999_999_999 if numbered else uuid.uuid4()
        missing = client.get(reverse(name, args=[made_up]))
        for object_id in hidden:
            keep_second_factor_fresh(client)
            url = reverse(name, args=[object_id])
            got = client.get(url)
            if got.status_code != 405:
                assert got.status_code == 404, (username, name, object_id, got.status_code)
                assert got.content == missing.content, (username, name)
            posted = client.post(url, {"outcome": "justified", "version": "1"})
            # a page (GET only) or an operation (POST only): the method it takes answers 404
            assert posted.status_code == 404 or (posted.status_code == 405 and got.status_code == 404), (
                username,
                name,
                object_id,
                posted.status_code,
            )
            tried += 1
    assert _counts() == before, username
    assert tried, f"{username} could see every object: nothing was replayed"
    assert AuditEvent.objects.filter(action="deny", actor_id=user.pk).exists() or username == "admin"

"""Garbage posted to every form and API endpoint is a clear 4xx (or the form again, with its
errors) and changes nothing: no 500, and the row count of every model stays the same.

Each URL of policy.yaml `urls` is opened as a persona whose role may use it, on a case they may
act on; every POST form on the page is then sent back with each field, one garbage kind at a
time, replaced: wrong types, non-numeric ids, unknown choices, broken characters (a lone
surrogate, invalid UTF-8, a right-to-left override, a NUL), 10,000-character strings and dates in
year 1, 1900, 2300 and 9999. The referral API gets the same in JSON, with lists, numbers, objects
and booleans where text is expected, a lone surrogate and a deeply nested body."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from continuum.access import policy
from continuum.access.testing import sign_in
from continuum.access.tests import oracle
from continuum.access.tests.scenario import PERSONA_NAMES, case_url, oracle_world
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case
from continuum.core.htcds import SupportPlanType
from continuum.org.models import Agency, Membership, User
from continuum.org.tokens import token_create

pytestmark = pytest.mark.django_db

# Text values (URL-encoded already where they carry bytes a str cannot hold).
GARBAGE = {
    "not a number, not a choice": "abc",
    "a number too large for any column": "9" * 19,
    "10,000 characters": "x" * 10_000,
    "control and bidi characters": "a\x00b\x1bc\u202etxt.exe",
    "year 1": "0001-01-01",
    "year 1900": "1900-01-01",
    "year 2300": "2300-06-01",
    "year 9999": "9999-12-31",
    "the last minute of year 9999": "9999-12-31T23:59",
}
# Raw bytes for an application/x-www-form-urlencoded body: a lone surrogate in UTF-8 (which is
# invalid UTF-8) and a stray continuation byte.
RAW_GARBAGE = {"lone surrogate and invalid UTF-8": "%ED%A0%80%C3%28%FF"}
# Hidden fields kept as the page wrote them (each operation has a URL of its own: no field
# chooses one).
OPERATION_FIELDS = {"csrfmiddlewaretoken", "next"}
# Tables every request may touch whatever it carries (sessions, login throttling).
IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
# Pages that post nothing (lists, read-only pages; their GET filters get garbage too), the
# second-factor pages (access/tests/test_identity.py), signing out, and the API (below).
WITHOUT_FORMS = {
    "web:landing",
    "web:home",
    "web:staff_ok",
    "web:logout",
    "cases:detail",
    "intake:queue",
    "intake:referral_open_case",
    "intake:tip_thanks",
    "intake:recognize",
    "cases:list",
    "cases:audit",
    "care:provider_referrals",
    "care:directory",
    "coordination:tasks",
    "audit:flagged",
    "access:verify",
    "access:enroll",
    "access:enroll_start",
    "intake:api_referrals",
}
# Pages read by GET whose every form posts to an operation's own URL (tried under that name).
READ_PAGES = {
    "care:case_services",
    "care:provider_referral",
    "coordination:plan",
    "coordination:team",
    "justice:case",
    "justice:prosecution",
    "mdt:meeting",
}


def _a_read(action: str, outcome: str) -> bool:
    """An audit row the garbage may add: a read (the access layer's `open_<action>` at the door, or
    a page's own `view...`), a denial, or the sign-ins of the test itself."""
    reads = action.startswith(("view", "open_"))
    return outcome == "denied" or reads or action in {"list", "login", "logout"}


class _Forms(HTMLParser):
    """The forms of a page (their action and fields, with the values drawn) and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self.searches: list[tuple[str, list[tuple[str, str]]]] = []
        self.links: list[str] = []
        self._current: list[tuple[str, str]] | None = None
        self._select: list[str | None] | None = None  # [name, value chosen]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        href = found.get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])
        if tag == "form":
            self._current = []
            post = (found.get("method") or "").lower() == "post"
            (self.forms if post else self.searches).append((found.get("action") or "", self._current))
        if self._current is None:
            return
        name = found.get("name")
        if tag == "select" and name:
            self._select = [name, None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in found:
                self._select[1] = found.get("value") or ""
        elif tag in {"input", "textarea", "button"} and name:
            if found.get("type") in {"file"} or (found.get("type") == "submit" and tag == "input"):
                return
            unchecked = found.get("type") in {"radio", "checkbox"} and "checked" not in found
            if unchecked and any(existing == name for existing, _ in self._current):
                return
            self._current.append((name, found.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._current is not None:
            self._current.append((str(self._select[0]), self._select[1] or ""))
            self._select = None
        if tag == "form":
            self._current = None


def _row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.db_table not in IGNORED_TABLES and model is not AuditEvent and model._meta.managed
    }


def _persona_for(url_name: str, operation: str, cases: list[Case]) -> tuple[User, Case | None] | None:
    """A persona whose role may use the URL (and the case it may use it on)."""
    users = [User.objects.select_related("membership__agency").get(username=name) for name in PERSONA_NAMES]
    if operation.startswith("case."):
        action = operation.split(".", 1)[1]
        for user in users:
            for case in cases:
                if oracle.allowed(oracle_world(user, case), action, timezone.now()):
                    return user, case
        return None
    if operation.startswith("work."):
        work = policy.policy().work[operation[5:]]
        for user in users:
            if user.membership.role in work:
                return user, None
        return None
    if operation in {"staff", "login", "admin.review"}:
        wanted = "admin" if operation == "admin.review" else "coordinator"
        return next(u for u in users if u.username == wanted), None
    return None


def _url_of(name: str, case: Case | None) -> str | None:
    if case is not None:
        return case_url(name, case.pk)
    try:
        return reverse(name)
    except Exception:  # a URL with an id of its own is reached through a page's forms
        return None


def _encoded(fields: list[tuple[str, str]], garbage: str, raw: bool) -> str:
    parts = []
    for name, value in fields:
        if name in OPERATION_FIELDS:
            parts.append(f"{quote(name)}={quote(value)}")
        else:
            parts.append(f"{quote(name)}={garbage if raw else quote(garbage)}")
    return "&".join(parts)


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def _page_forms(client: Any, page_url: str) -> _Forms | None:
    """The forms and links of an HTML page the persona may open (None for anything else)."""
    page = client.get(page_url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return None
    parser = _Forms()
    parser.feed(page.content.decode())
    return parser


def _post_garbage(
    client: Any, page_url: str, problems: list[str], tried: set[str], *, only_new: bool = False
) -> list[str]:
    """Send garbage to every form of the page (with `only_new`, to the forms of operations not
    tried yet); the page's links (to follow as the same persona)."""
    parser = _page_forms(client, page_url)
    if parser is None:
        return []
    kinds = [(k, v, False) for k, v in GARBAGE.items()] + [(k, v, True) for k, v in RAW_GARBAGE.items()]
    for action, fields in parser.forms:
        target = action or page_url
        name = _view_name(target)
        if name in {None, "web:logout", "access:verify", "access:enroll", "access:enroll_start"}:
            continue  # the second-factor pages are tried on their own (access/tests/test_identity.py)
        if all(field in OPERATION_FIELDS for field, _ in fields):
            continue  # a button alone: nothing to garble (its ids are in the path)
        if only_new and name in tried:
            continue
        tried.add(str(name))
        for kind, garbage, raw in kinds:
            response = client.post(
                target, data=_encoded(fields, garbage, raw), content_type="application/x-www-form-urlencoded"
            )
            if response.status_code >= 500:
                problems.append(f"{target} [{kind}]: {response.status_code}")
    for action, fields in parser.searches:
        target = action or urlsplit(page_url).path
        if not fields:
            continue
        for kind, garbage, raw in kinds:
            response = client.get(f"{target}?{_encoded(fields, garbage, raw)}")
            if response.status_code >= 500:
                problems.append(f"GET {target} [{kind}]: {response.status_code}")
        # The search as drawn may lead to more forms (the providers for a survivor's need).
        parser.links.append(f"{target}?{urlencode(fields)}")
    return parser.links


def _seed_justice(coordinator: User, case: Case) -> None:
    """The police and the prosecutor on the case's team, a suspect arrested on two charges, one of
    them prosecuted: so that every form of the justice pages is drawn."""
    from continuum.coordination.actions import team_add
    from continuum.justice import actions as justice

    detective = User.objects.select_related("membership__agency").get(username="detective")
    prosecutor = User.objects.select_related("membership__agency").get(username="prosecutor")
    for user, role in ((detective, "investigator"), (prosecutor, "prosecutor")):
        team_add(actor=coordinator, case=case, user=user, agency=user.membership.agency, team_role=role)
    participant = justice.suspect_add(actor=detective, case=case, aliases=["Boss"], relationship="employer")
    investigation = justice.investigation_open(
        actor=detective, case=case, agency=detective.membership.agency, kind="labor", lead=detective
    )
    arrest = justice.arrest_record(
        actor=detective,
        investigation=investigation,
        suspect=participant.person,
        agency=detective.membership.agency,
    )
    charges = [
        justice.charge_file(actor=detective, arrest=arrest, statute=s, counts=1)
        for s in ("53a-192a", "53a-86")
    ]
    justice.prosecution_open(
        actor=prosecutor, case=case, agency=prosecutor.membership.agency, charges=charges[:1]
    )


def _seed_referrals(coordinator: User, case: Case, survivor: Any) -> None:
    """Two referrals of the case to the provider persona's organisation, one sent and one
    accepted, so that its answer and start forms are drawn (the world has them started)."""
    from continuum.care import actions as care
    from continuum.care.models import ProviderService
    from continuum.care.tests.conftest import make_consent
    from continuum.core.codes import ServiceType

    provider = User.objects.select_related("membership__agency").get(username="provider")
    agency = provider.membership.agency
    make_consent(case, survivor, agency, coordinator)
    referrals = []
    for service_type in (ServiceType.EMERGENCY_HOUSING, ServiceType.MENTAL_HEALTH):
        service = ProviderService.objects.create(agency=agency, service_type=service_type, capacity=5)
        proposed = care.service_referral_propose(
            actor=coordinator, case=case, survivor=survivor, service=service
        )
        referrals.append(
            care.service_referral_send(
                actor=coordinator, referral=proposed, expected_version=proposed.version
            )
        )
    accepted = referrals[1]
    care.service_referral_answer(
        actor=provider, referral=accepted, answer="accept", expected_version=accepted.version
    )


def _seed() -> Case:
    """What the pages need to show their forms: a case of the coordinator's region with an open
    task of their agency, a plan with a goal, police and a prosecutor on its team with charges,
    referrals to the provider sent and accepted, a tip and a referral in the triage queue, an MDT
    meeting with the case on its agenda, and a break-glass grant of another administrator to
    review. Made with the real actions."""
    from continuum.access.actions import break_glass_start
    from continuum.cases.models import CaseParticipant
    from continuum.coordination.actions import goal_add, plan_create, task_create
    from continuum.intake import actions as intake_actions
    from continuum.intake import routing, tips
    from continuum.mdt.actions import meeting_add_case, meeting_schedule

    coordinator = User.objects.select_related("membership__agency").get(username="coordinator")
    agency = coordinator.membership.agency
    now = timezone.now()
    opened = intake_actions.referral_create(
        actor=coordinator,
        region=agency.region,
        source="law_enforcement",
        received_at=now,
        what_is_known="A young woman is made to work at a nail salon.",
        survivor_first_name="Ana",
    )
    case = intake_actions.referral_to_case(
        actor=coordinator, referral=opened, expected_version=opened.version
    )
    # Routing gives it an "assign an advocate" task, whose form names an advocate by id.
    routing.route_case(
        actor=coordinator,
        case=case,
        minor=False,
        result="trafficking_indicated",
        trafficking_type="labor",
        now=now,
    )
    survivor = CaseParticipant.objects.filter(case=case, role="survivor").first()
    assert survivor is not None
    now = timezone.now()
    task_create(
        actor=coordinator, case=case, agency=agency, title="Call back", due_at=now + dt.timedelta(days=1)
    )
    plan = plan_create(
        actor=coordinator,
        case=case,
        survivor=survivor.person,
        plan_type=SupportPlanType.EDUCATION,
        objectives="School",
    )
    meeting = meeting_schedule(actor=coordinator, scheduled_for=now + dt.timedelta(days=2), place="Room 4")
    # On its agenda, so that the minute and action-item forms are drawn.
    meeting_add_case(actor=coordinator, meeting=meeting, case=case)
    goal_add(actor=coordinator, plan=plan, description="Enrol in a course")
    _seed_justice(coordinator, case)
    _seed_referrals(coordinator, case, survivor.person)
    admin = User.objects.select_related("membership__agency").get(username="admin")
    second = User.objects.create_user(username="second_admin", password=None)
    Membership.objects.create(user=second, agency=admin.membership.agency, role="admin")
    break_glass_start(actor=second, case=case, reason="A survivor is missing and the police ask now.")
    tips.tip_submit(language="en", what_happened="Someone is kept at a house and made to work.")
    intake_actions.referral_create(
        actor=coordinator,
        region=agency.region,
        source="law_enforcement",
        received_at=now,
        what_is_known="Forced work at a farm.",
    )
    return case


def _pages(client: Any, cases: list[Case], *, public: bool) -> Iterator[str]:
    """Each URL of policy.yaml `urls`, with the client signed in as a persona whose role may use
    it (signed out for a public one, when `public`)."""
    for name, operation in policy.policy().urls.items():
        if operation.startswith("token.") or name == "web:logout" or (operation == "public" and not public):
            continue
        if operation == "public":
            client.logout()
            url = _url_of(name, None)
        else:
            chosen = _persona_for(name, operation, cases)
            if chosen is None:
                continue
            user, case = chosen
            sign_in(client, user)
            url = _url_of(name, case)
        if url is not None:
            yield url


def test_garbage_in_every_form_is_refused_and_changes_nothing(client):
    from continuum.access.tests.scenario import build

    seeded = _seed()
    cases = [seeded, *build().values()]
    for name in PERSONA_NAMES:  # their second-factor devices exist before the count
        sign_in(client, User.objects.get(username=name))
    before = _row_counts()
    audit_before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    problems: list[str] = []
    tried: set[str] = set()
    urls = policy.policy().urls
    for url in _pages(client, cases, public=True):
        for link in _post_garbage(client, url, problems, tried):
            linked = _view_name(link)
            # A page read by GET, whose operations post to URLs of their own, is opened at each
            # link (a referral page shows the form of the referral's current step only).
            if linked in urls and linked not in tried and linked != "web:logout":
                _post_garbage(client, link, problems, tried, only_new=True)
    assert problems == []
    untried = sorted(set(urls) - tried - WITHOUT_FORMS - READ_PAGES)
    assert untried == [], (untried, sorted(tried))
    assert _row_counts() == before
    # Reads, sign-ins and denials only: no write was audited either (an update keeps the counts).
    new_rows = AuditEvent.objects.filter(id__gt=audit_before).values_list("action", "outcome")
    writes = sorted({f"{action}/{outcome}" for action, outcome in new_rows if not _a_read(action, outcome)})
    assert writes == []


API_GARBAGE: list[tuple[str, Any]] = [
    ("a list as text", {"what_is_known": ["a"]}),
    ("a number as text", {"what_is_known": 5, "referrer_name": 7}),
    ("a boolean as text", {"what_is_known": True}),
    ("an object as text", {"survivor_first_name": {"a": 1}}),
    ("a boolean as a number", {"survivor_age": True}),
    ("a text number", {"survivor_age": "abc"}),
    ("an unknown choice", {"source": "martians"}),
    ("a list of numbers as choices", {"recruitment_apps": [1, 2]}),
    ("a lone surrogate", {"what_is_known": "\ud800"}),
    ("a bidi override", {"survivor_last_name": "abc\u202edef"}),
    ("a NUL", {"referrer_contact": "a\x00b"}),
    ("10,000 characters in a short field", {"referrer_name": "x" * 10_000}),
    ("year 1", {"received_at": "0001-01-01T00:00:00Z"}),
    ("year 1900 before the epoch of the system", {"received_at": "1899-12-31T23:00:00Z"}),
    ("year 2300", {"received_at": "2300-01-01T00:00:00Z"}),
    ("year 9999", {"received_at": "9999-12-31T23:59:59"}),
    ("a birth date in year 1", {"survivor_birth_date": "0001-01-01"}),
    ("a birth date in 9999", {"survivor_birth_date": "9999-12-31"}),
    ("a date as a number", {"received_at": 20260101}),
    ("a region as a list", {"region": ["greater-hartford"]}),
]
GOOD_REFERRAL = {
    "source": "law_enforcement",
    "received_at": "2026-01-02T10:00:00Z",
    "what_is_known": "Forced work at a farm.",
}


@pytest.mark.parametrize(("kind", "change"), API_GARBAGE, ids=[kind for kind, _ in API_GARBAGE])
def test_garbage_in_the_referral_api_is_a_400_and_stores_nothing(client, kind, change):
    agency = Agency.objects.get(name="Hartford Police Department")
    _, secret = token_create(agency=agency, name="Records system", scopes=["referrals:create"], days=30)
    before = _row_counts()
    body = json.dumps({**GOOD_REFERRAL, **change})
    response = client.post(
        reverse("intake:api_referrals"),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400, (kind, response.content)
    assert response.json()["error"]
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("5,000 levels deep", "[" * 5_000 + "]" * 5_000),
        ("an object 5,000 levels deep", '{"a":' * 5_000 + "1" + "}" * 5_000),
        ("invalid UTF-8", b'{"what_is_known": "\xed\xa0\x80"}'),
        ("NaN", '{"survivor_age": NaN}'),
        ("not JSON", "source=law_enforcement"),
        ("a list", "[]"),
    ],
)
def test_malformed_bodies_get_a_clear_400(client, kind, body):
    agency = Agency.objects.get(name="Hartford Police Department")
    _, secret = token_create(agency=agency, name="Records system", scopes=["referrals:create"], days=30)
    before = _row_counts()
    response = client.post(
        reverse("intake:api_referrals"),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400, kind
    assert response.json()["error"]
    assert _row_counts() == before


def test_a_good_referral_is_still_accepted(client):
    """The garbage above fails for its garbage: the same body without it is taken."""
    agency = Agency.objects.get(name="Hartford Police Department")
    _, secret = token_create(agency=agency, name="Records system", scopes=["referrals:create"], days=30)
    response = client.post(
        reverse("intake:api_referrals"),
        data=json.dumps(GOOD_REFERRAL),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("advocate", ["abc", "9" * 30, "-1", "1.5", "\u0662"])
def test_a_task_done_with_an_advocate_that_is_no_id_is_refused(client, persona, advocate):
    """The one form whose id was read by hand (cases/views.py task_done_view)."""
    from continuum.coordination.models import Task

    case = _seed()
    task = Task.objects.get(case=case, kind="assign_advocate", done_at=None)
    sign_in(client, persona("coordinator"))
    before = _row_counts()
    response = client.post(
        reverse("coordination:task_done", args=[task.case_id, task.pk]), {"advocate": advocate}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is None
    assert _row_counts() == before
    page = client.get(response["Location"])
    assert "Choose the advocate from the list." in page.content.decode()


# What an edit form may send back instead of the version the editor opened (SECURITY.md 19).
BAD_VERSIONS = {
    "no version": None,
    "an empty version": "",
    "a word": "abc",
    "zero": "0",
    "a negative number": "-1",
    "a fraction": "1.5",
    "a number too large for any column": "9" * 19,
    "an Arabic-Indic digit": "\u0661",
}
# The views the forms that edit a versioned row post to (the pages that draw them, for most).
EDIT_VIEWS = {
    "cases:edit",
    "cases:close",
    "coordination:task_edit",
    "coordination:goal_close",
    "coordination:plan_edit",
    "mdt:meeting_hold",
    "mdt:meeting_cancel",
    "justice:investigation_status",
    "care:directory_edit",
    "intake:referral_open_case",
}
# Pages read by GET that draw such forms for operations of their own URLs, followed from links.
EDIT_PAGES = {"coordination:plan", "mdt:meeting", "justice:case"}


def _versions() -> dict[tuple[str, Any], tuple[int, Any]]:
    """Every versioned row's version and change time."""
    rows: dict[tuple[str, Any], tuple[int, Any]] = {}
    for model in apps.get_models():
        if "version" in {field.name for field in model._meta.concrete_fields}:
            for pk, version, updated in model._base_manager.values_list("pk", "version", "updated_at"):
                rows[(model._meta.label, pk)] = (version, updated)
    return rows


def _post_bad_versions(client: Any, page_url: str, problems: list[str], tried: set[str]) -> list[str]:
    """Send each form of the page that carries a version back as drawn, but with a bad version."""
    parser = _page_forms(client, page_url)
    if parser is None:
        return []
    for action, fields in parser.forms:
        target = action or page_url
        if not any(name == "version" for name, _ in fields):
            continue
        tried.add(str(_view_name(target)))
        for kind, bad in BAD_VERSIONS.items():
            data = [(name, value) for name, value in fields if name != "version"]
            if bad is not None:
                data.append(("version", bad))
            response = client.post(
                target, data=urlencode(data), content_type="application/x-www-form-urlencoded"
            )
            if response.status_code >= 500 or response.status_code in {200, 409}:
                problems.append(f"{target} [{kind}]: {response.status_code}")
    return parser.links


def test_an_edit_without_its_version_or_with_garbage_for_it_saves_nothing(client):
    """Every form that edits a versioned row, sent back as the page drew it but without a good
    version, is refused (the form again with a 400, or a redirect with the error): never a 500,
    never a write."""
    from continuum.access.tests.scenario import build
    from continuum.coordination.actions import goal_add
    from continuum.coordination.models import SupportPlan

    seeded = _seed()
    coordinator = User.objects.get(username="coordinator")
    goal_add(actor=coordinator, plan=SupportPlan.objects.get(case=seeded), description="Enrol at a school")
    cases = [seeded, *build().values()]
    for name in PERSONA_NAMES:
        sign_in(client, User.objects.get(username=name))
    before = _versions()
    counts = _row_counts()
    audit_before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    problems: list[str] = []
    tried: set[str] = set()
    for url in _pages(client, cases, public=False):
        for link in _post_bad_versions(client, url, problems, tried):
            if _view_name(link) in EDIT_VIEWS | EDIT_PAGES:
                _post_bad_versions(client, link, problems, tried)
    assert problems == []
    assert EDIT_VIEWS - tried == set(), sorted(tried)
    assert _versions() == before
    assert _row_counts() == counts
    new_rows = AuditEvent.objects.filter(id__gt=audit_before).values_list("action", "outcome")
    writes = sorted({f"{action}/{outcome}" for action, outcome in new_rows if not _a_read(action, outcome)})
    assert writes == []

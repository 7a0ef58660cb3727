"""Reads of cases. Every queryset starts from the policy (`Case.objects.restrict`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from continuum.access import policy
from continuum.access.models import Agency, Consent, Region, Role, Town, User
from continuum.access.policy import CaseAccess, Shown
from continuum.cases.models import (
    Case,
    CaseNote,
    CaseParticipant,
    CaseTeamMember,
    CourtOrder,
    Exploitation,
    FollowUpContact,
    MdtAgendaItem,
    MdtAttendance,
    MdtMeeting,
    MdtMinute,
    ParticipantRole,
    PlanGoal,
    SupportPlan,
    SurvivorAccount,
    Task,
)
from continuum.cases.paging import CappedPage, capped_page
from continuum.core.htcds import CaseStatus
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.people.models import Person
from continuum.people.search import name_matches


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    region: Region | None = None
    age_group: str = ""
    trafficking_type: str = ""
    status: str = ""
    # Names similar to `q` rather than names that begin with its words (the second try).
    similar: bool = False

    @classmethod
    def from_cleaned(cls, data: dict[str, Any]) -> CaseFilters:
        return cls(
            q=data.get("q") or "",
            region=data.get("region"),
            age_group=data.get("age_group") or "",
            trafficking_type=data.get("trafficking_type") or "",
            status=data.get("status") or "",
        )


# A case reference as people type it: CT-7KQ2-M9XD-4RT0, any case, the "CT-" optional.
REFERENCE_PATTERN = re.compile(r"(?:CT-)?([0-9A-Z]{4})-([0-9A-Z]{4})-([0-9A-Z]{4})")


def is_name_search(filters: CaseFilters) -> bool:
    term = filters.q.strip()
    return bool(term) and REFERENCE_PATTERN.fullmatch(term.upper()) is None


def case_list(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """The cases the user may list, filtered. `q` is a case reference (found whole) or a survivor's
    name: every word begins one of their names, accents and case aside, through the indexed key of
    continuum/people/search.py; with `similar`, names close to it (PostgreSQL)."""
    term = filters.q.strip()
    reference = REFERENCE_PATTERN.fullmatch(term.upper()) if term else None
    if term and reference is None:
        # A name matches only where the user may see names: a search must not reveal that a named
        # person is a survivor in a case whose identity the user cannot see.
        cases = Case.objects.restrict(user, "list", showing="identity")
    else:
        cases = Case.objects.restrict(user, "list")
    cases = cases.select_related("region", "town", "lead_agency")
    if filters.region is not None:
        cases = cases.filter(region=filters.region)
    if filters.age_group:
        cases = cases.filter(age_group=filters.age_group)
    if filters.trafficking_type:
        cases = cases.filter(trafficking_type=filters.trafficking_type)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if reference is not None:
        cases = cases.filter(reference="CT-" + "-".join(reference.groups()))
    elif term:
        named = name_matches(term, vendor=connection.vendor, similar=filters.similar)
        if named is None:
            return cases.none()
        survivors = CaseParticipant.objects.filter(
            role=ParticipantRole.SURVIVOR, person__in=Person.objects.filter(named)
        )
        cases = cases.filter(pk__in=survivors.values("case_id"))
    return cases.order_by("-opened_on", "reference")


SERVICE_EVENT_KINDS = (
    EventKind.SERVICE_REFERRAL_SENT,
    EventKind.SERVICE_REFERRAL_ACCEPTED,
    EventKind.SERVICE_REFERRAL_DECLINED,
    EventKind.SERVICE_STARTED,
    EventKind.SERVICE_COMPLETED,
    EventKind.UNMET_NEED_RECORDED,
)


@dataclass(frozen=True)
class ParticipantView:
    role: str
    role_display: str
    person: Shown
    participant: Shown


@dataclass(frozen=True)
class CaseDetail:
    access: CaseAccess
    case: Shown
    participants: list[ParticipantView]
    exploitations: list[Shown]
    events: list[JourneyEvent]
    consents: list[Consent]
    notes: list[CaseNote]
    accounts: list[SurvivorAccount]
    tasks: list[Task]
    shown_fields: list[str]


def case_detail(access: CaseAccess) -> CaseDetail:
    """Everything the case page shows, limited field by field to what the policy allows, in a
    fixed number of queries. `access` comes from policy.access_case."""
    case = access.case
    participants = []
    shown: set[str] = set()
    for participant in (
        CaseParticipant.objects.filter(case=case)
        .select_related("person")
        .order_by("role", "created_at", "id")
    ):
        person_fields = access.fields_of("people.Person", participant_role=participant.role)
        participant_fields = access.fields_of("cases.CaseParticipant")
        shown |= {f"person__{name}" for name in person_fields}
        participants.append(
            ParticipantView(
                role=participant.role,
                role_display=participant.get_role_display(),
                person=Shown(participant.person, person_fields),
                participant=Shown(participant, participant_fields),
            )
        )
    exploitation_fields = access.fields_of("cases.Exploitation")
    exploitations = [
        Shown(
            e,
            exploitation_fields | {"age_at_exploitation", "ctdc_age_band"}
            if "stated_age" in exploitation_fields
            else exploitation_fields,
        )
        for e in Exploitation.objects.filter(case=case)
        .select_related("survivor")
        .order_by("start_date", "created_at")
    ]
    shown |= {f"exploitation__{name}" for name in exploitation_fields}
    events_qs = JourneyEvent.objects.filter(case=case).select_related("agency").order_by("occurred_at", "id")
    if access.barred("health"):
        # Which services a survivor uses (a trauma clinic, a substance-use program) tells about
        # their health: roles that may never see health do not see those steps either.
        events_qs = events_qs.exclude(kind__in=SERVICE_EVENT_KINDS)
    events = list(events_qs)
    consents = list(consents_of(access))
    notes = notes_for(access)
    if notes:
        shown.add("note__body")
    case_fields = access.fields_of("cases.Case")
    shown |= {f"case__{name}" for name in case_fields}
    return CaseDetail(
        access=access,
        case=Shown(case, case_fields),
        participants=participants,
        exploitations=exploitations,
        events=events,
        consents=consents,
        notes=notes,
        accounts=accounts_for(access),
        tasks=tasks_of(access),
        shown_fields=sorted(shown),
    )


def consents_of(access: CaseAccess) -> QuerySet[Consent]:
    """The consents recorded on a case the user was allowed to open (consent state is a case fact)."""
    return Consent.objects.filter(case=access.case).select_related("agency").order_by("-granted_at", "-id")


def consent_of(access: CaseAccess, consent_id: int) -> Consent | None:
    return consents_of(access).filter(pk=consent_id).first()


def consent_form_choices(access: CaseAccess) -> tuple[QuerySet[Person], QuerySet[Person]]:
    """Who can be the survivor, and who can sign: the survivor or a guardian in this case."""
    participants = CaseParticipant.objects.filter(case=access.case)
    survivors = Person.objects.filter(
        participations__in=participants.filter(role=ParticipantRole.SURVIVOR)
    ).distinct()
    signers = Person.objects.filter(
        participations__in=participants.filter(role__in=[ParticipantRole.SURVIVOR, ParticipantRole.GUARDIAN])
    ).distinct()
    return survivors, signers


def notes_for(access: CaseAccess) -> list[CaseNote]:
    """Privileged notes reach only their author, and only where the policy opens the category."""
    if not access.shows("privileged_notes"):
        return []
    return list(CaseNote.objects.filter(case=access.case, author_id=access.user_id).order_by("-created_at"))


def court_orders_of(access: CaseAccess) -> QuerySet[CourtOrder]:
    return CourtOrder.objects.filter(case=access.case).select_related("agency").order_by("-issued_on", "-id")


@dataclass(frozen=True)
class TaskQueue:
    tasks: list[Task]
    overdue: int
    by_agency: list[tuple[str, int]]
    page: CappedPage


TASK_PAGE_SIZE = 50


def task_queue(user: Any, now: dt.datetime, page: Any = 1) -> TaskQueue:
    """Open tasks on the cases this user may see, the overdue first, a page at a time with a capped
    count (continuum/cases/paging.py); and the overdue count per agency, so no deadline is missed
    unseen (SPEC C3)."""
    visible = Case.objects.restrict(user, "view")
    open_tasks = Task.objects.filter(case__in=visible, done_at=None)
    # One aggregate gives both counts (the open tasks and, per agency, the overdue ones), so the
    # page below counts nothing of its own.
    counts = (
        open_tasks.values("agency__name")
        .annotate(n=Count("id", filter=Q(due_at__lte=now)), total=Count("id"))
        .order_by("-n", "agency__name")
    )
    rows = list(counts)
    by_agency = [(row["agency__name"], row["n"]) for row in rows if row["n"]]
    shown = capped_page(
        open_tasks.select_related("case", "agency").order_by("due_at", "id"),
        page,
        per_page=TASK_PAGE_SIZE,
        count=sum(row["total"] for row in rows),
    )
    return TaskQueue(
        tasks=list(shown.object_list), overdue=sum(n for _, n in by_agency), by_agency=by_agency, page=shown
    )


def task_of(access: CaseAccess, task_id: int) -> Task | None:
    return Task.objects.filter(case=access.case, pk=task_id).select_related("agency").first()


def tasks_of(access: CaseAccess) -> list[Task]:
    return list(
        Task.objects.filter(case=access.case)
        .select_related("agency", "assignee")
        .order_by("done_at", "due_at")
    )


# --- people as a page may name them ------------------------------------------------------------


@dataclass(frozen=True)
class PersonShown:
    """A person of a case as the reader may see them: the id (to choose them in a form), what
    the policy lets them see of the person (`Shown`), and a label that names the person only
    where the policy shows their name."""

    pk: Any
    label: str
    person: Shown


def people_labels(access: CaseAccess) -> dict[Any, str]:
    """Person id -> how a page of this case names them: "first last" where the policy shows the
    name to this reader, "Survivor 2 (name withheld)" where it does not (so a form can still tell
    two survivors apart). One query. A person in several roles is named by their first role."""
    labels: dict[Any, str] = {}
    numbers: dict[str, int] = {}
    for participant in (
        CaseParticipant.objects.filter(case=access.case).select_related("person").order_by("created_at", "id")
    ):
        numbers[participant.role] = numbers.get(participant.role, 0) + 1
        if participant.person_id in labels:
            continue
        shown = Shown(
            participant.person, access.fields_of("people.Person", participant_role=participant.role)
        )
        parts = [str(part) for part in (shown.first_name, shown.last_name) if part]
        if parts:
            labels[participant.person_id] = " ".join(parts)
        elif {"first_name", "last_name"} & shown.allowed:
            labels[participant.person_id] = _("(name not recorded)")
        else:
            labels[participant.person_id] = _("%(role)s %(number)s (name withheld)") % {
                "role": participant.get_role_display(),
                "number": numbers[participant.role],
            }
    return labels


def label_of(labels: dict[Any, str], person_id: Any) -> str:
    """The label of a person in `labels`, and "Withheld" for anyone else (fail closed)."""
    return labels.get(person_id) or _("Withheld")


def survivors_shown(access: CaseAccess) -> list[PersonShown]:
    """The survivors of a case, masked by the policy, for pages and forms that choose one of them."""
    labels = people_labels(access)
    allowed = access.fields_of("people.Person", participant_role=ParticipantRole.SURVIVOR)
    return [
        PersonShown(pk=p.pk, label=label_of(labels, p.pk), person=Shown(p, allowed))
        for p in survivors_of(access)
    ]


@dataclass(frozen=True)
class SurvivorRow:
    """A record about one survivor (a plan, a follow-up contact) and how the page names them."""

    record: Any
    survivor: str


def with_survivor_labels(access: CaseAccess, records: list[Any]) -> list[SurvivorRow]:
    """Each record with the policy's label of its survivor, never the survivor's own record."""
    labels = people_labels(access)
    return [SurvivorRow(record=r, survivor=label_of(labels, r.survivor_id)) for r in records]


def survivors_of(access: CaseAccess) -> list[Person]:
    """The survivors of a case the user was allowed to open (for forms that act on one of them)."""
    return [
        p.person
        for p in CaseParticipant.objects.filter(case=access.case, role=ParticipantRole.SURVIVOR)
        .select_related("person")
        .order_by("created_at", "id")
    ]


def edit_choices(access: CaseAccess) -> tuple[QuerySet[Town], QuerySet[User]]:
    """The towns of the case's region, and the staff of its lead agency who can own it."""
    towns = Town.objects.filter(region_id=access.case.region_id).order_by("name")
    owners = User.objects.filter(membership__agency_id=access.case.lead_agency_id, membership__active=True)
    return towns, owners.order_by("last_name", "first_name")


def team_choices(access: CaseAccess) -> tuple[list[CaseTeamMember], QuerySet[User], QuerySet[Agency]]:
    """The team as it stands, the staff who may join it, and the agencies that may join it."""
    members = list(
        CaseTeamMember.objects.filter(case=access.case, removed_at=None)
        .select_related("user", "agency")
        .order_by("created_at", "id")
    )
    # The people and agencies who work cases in this region, or statewide (no analysts or administrators).
    here = Q(region_id=access.case.region_id) | Q(region__isnull=True)
    agencies = Agency.objects.filter(here).exclude(kind__in=["system", "state_oversight"]).order_by("name")
    staff = (
        User.objects.filter(membership__active=True, is_active=True, membership__agency__in=agencies)
        .exclude(membership__role__in=["admin", "analyst"])
        .select_related("membership__agency")
    )
    return members, staff.order_by("membership__agency__name", "last_name"), agencies


def suspects_of(access: CaseAccess) -> list[Person]:
    """The suspects of a case (investigation data: for those the policy lets see the case's justice)."""
    if not access.shows("justice"):
        return []
    return [
        p.person
        for p in CaseParticipant.objects.filter(case=access.case, role=ParticipantRole.SUSPECT)
        .select_related("person")
        .order_by("created_at", "id")
    ]


def accounts_for(access: CaseAccess) -> list[SurvivorAccount]:
    """The survivor's account, for those the policy opens the `account` category to (by consent)."""
    if not access.shows("account"):
        return []
    return list(SurvivorAccount.objects.filter(case=access.case).order_by("created_at", "id"))


# --- tasks with owners -----------------------------------------------------------------------


def task_owner_choices(access: CaseAccess) -> tuple[QuerySet[Agency], QuerySet[User]]:
    """The agencies a task on the case may be for (lead agency, agencies on the team) and their staff."""
    on_team = CaseTeamMember.objects.filter(case=access.case, removed_at=None).values("agency_id")
    agencies = Agency.objects.filter(Q(pk=access.case.lead_agency_id) | Q(pk__in=on_team)).order_by("name")
    staff = (
        User.objects.filter(membership__active=True, is_active=True, membership__agency__in=agencies)
        .exclude(membership__role__in=[Role.ADMIN, Role.ANALYST])
        .select_related("membership__agency")
        .order_by("membership__agency__name", "last_name", "first_name")
    )
    return agencies, staff


# --- follow-up contacts ----------------------------------------------------------------------


def follow_ups_of(access: CaseAccess) -> list[FollowUpContact]:
    return list(
        FollowUpContact.objects.filter(case=access.case)
        .select_related("agency", "made_by", "survivor")
        .order_by("-contacted_at", "-id")
    )


# --- the case plan ---------------------------------------------------------------------------


def plans_of(access: CaseAccess) -> list[SupportPlan]:
    """The case's support plans with their goals, for those the policy opens `plan` to."""
    if not access.shows("plan"):
        return []
    return list(
        SupportPlan.objects.filter(case=access.case)
        .select_related("survivor")
        .prefetch_related("goals__owner_agency")
        .order_by("actual_end_date", "created_at")
    )


def plan_of(access: CaseAccess, plan_id: Any) -> SupportPlan | None:
    if not access.shows("plan"):
        return None
    return SupportPlan.objects.filter(case=access.case, pk=plan_id).first()


def goal_of(access: CaseAccess, goal_id: Any) -> PlanGoal | None:
    if not access.shows("plan"):
        return None
    return PlanGoal.objects.filter(plan__case=access.case, pk=goal_id).select_related("plan").first()


# --- MDT meetings ------------------------------------------------------------------------------


def meetings_for(user: Any) -> QuerySet[MdtMeeting]:
    """The meetings a user may open: every meeting of their region for its coordinators, the
    meetings they are invited to for everyone else; none for roles outside MDT work."""
    actor = policy.actor_of(user)
    if actor is None or not policy.may(user, "mdt"):
        return MdtMeeting.objects.none()
    meetings = MdtMeeting.objects.select_related("region", "chaired_by")
    if actor.role == Role.COORDINATOR and actor.region_id is not None:
        return meetings.filter(region_id=actor.region_id)
    return meetings.filter(attendance__user_id=actor.user_id)


def meeting_for(user: Any, meeting_id: Any) -> MdtMeeting | None:
    return meetings_for(user).filter(pk=meeting_id).first()


def chairs(user: Any, meeting: MdtMeeting) -> bool:
    """Whether the user runs this meeting (a coordinator of its region)."""
    actor = policy.actor_of(user)
    return actor is not None and actor.role == Role.COORDINATOR and actor.region_id == meeting.region_id


@dataclass(frozen=True)
class AgendaEntry:
    item: MdtAgendaItem
    case: Case | None  # None when the reader may not view the case: shown as "a case you cannot see"
    minutes: list[MdtMinute]
    hidden_minutes: int


@dataclass(frozen=True)
class MeetingView:
    meeting: MdtMeeting
    agenda: list[AgendaEntry]
    attendance: list[MdtAttendance]
    shown_case_ids: list[str]


def meeting_view(user: Any, meeting: MdtMeeting) -> MeetingView:
    """What this reader may see of a meeting: agenda cases they may view, and of each case's minutes
    only those whose category the policy opens to them on that case (relationships, consent and
    `never`, as for every field)."""
    items = list(
        MdtAgendaItem.objects.filter(meeting=meeting)
        .select_related("case", "case__lead_agency")
        .prefetch_related("case__team__agency")
        .order_by("position", "id")
    )
    minutes_by_item: dict[int, list[MdtMinute]] = {}
    for minute in (
        MdtMinute.objects.filter(item__meeting=meeting).select_related("author").order_by("created_at")
    ):
        minutes_by_item.setdefault(minute.item_id, []).append(minute)
    agenda: list[AgendaEntry] = []
    shown: list[str] = []
    for item in items:
        decision = policy.decide(user, item.case_id, "view")
        all_minutes = minutes_by_item.get(item.pk, [])
        if not decision or not decision[0]:
            agenda.append(AgendaEntry(item=item, case=None, minutes=[], hidden_minutes=len(all_minutes)))
            continue
        categories = decision[2]
        visible = [m for m in all_minutes if m.category in categories]
        shown.append(str(item.case_id))
        agenda.append(
            AgendaEntry(
                item=item, case=item.case, minutes=visible, hidden_minutes=len(all_minutes) - len(visible)
            )
        )
    attendance = list(
        MdtAttendance.objects.filter(meeting=meeting)
        .select_related("user", "agency")
        .order_by("agency__name", "id")
    )
    return MeetingView(meeting=meeting, agenda=agenda, attendance=attendance, shown_case_ids=shown)


def agenda_candidates(user: Any, meeting: MdtMeeting) -> QuerySet[Case]:
    """Open cases of the meeting's region that the chair may bring to the MDT, not yet on the agenda."""
    on_agenda = MdtAgendaItem.objects.filter(meeting=meeting).values("case_id")
    return (
        Case.objects.restrict(user, "mdt")
        .filter(region_id=meeting.region_id)
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])
        .exclude(pk__in=on_agenda)
        .order_by("-opened_on", "reference")
    )


def invite_candidates(meeting: MdtMeeting) -> QuerySet[User]:
    """Staff of the meeting's region (and statewide) who take part in MDTs, not yet invited."""
    invited = MdtAttendance.objects.filter(meeting=meeting).values("user_id")
    return (
        User.objects.filter(
            Q(membership__agency__region_id=meeting.region_id) | Q(membership__agency__region__isnull=True),
            membership__active=True,
            is_active=True,
            membership__role__in=sorted(policy.policy().work.get("mdt", frozenset())),
        )
        .exclude(pk__in=invited)
        .select_related("membership__agency")
        .order_by("membership__agency__name", "last_name", "first_name")
    )


def survivor_choices(access: CaseAccess) -> QuerySet[Person]:
    """The survivors of a case, as choices of a form that acts on one of them."""
    survivors = CaseParticipant.objects.filter(case=access.case, role=ParticipantRole.SURVIVOR)
    return Person.objects.filter(pk__in=survivors.values("person_id")).order_by("created_at", "id")

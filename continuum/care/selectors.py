"""Reads of the services network: who can take a survivor, the provider directory, referrals
that wait too long, and the figures oversight reuses.

Most selectors take no user: the caller (a view, the API, the oversight dashboard) has already
passed the policy and restricts fields itself. The directory's selectors take the user and apply
the per-object rules of policy.yaml `work: directory` (their region, or their own organisation).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Any

from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, When
from django.utils import timezone

from continuum.access import policy
from continuum.care.models import (
    WAIT_LIMITS,
    WAITING_SINCE,
    ProviderService,
    ReferralReminder,
    ReferralStatus,
    ServiceReferral,
    UnmetNeed,
    UnmetReason,
)
from continuum.cases.models import Case, Exploitation
from continuum.core.codes import ServiceType
from continuum.org.models import Agency, AgencyKind, Region
from continuum.people.ages import age_at_exploitation, age_on
from continuum.people.models import Person

RATE_DECIMALS = 3


def survivor_age(*, survivor: Person, case: Case, today: dt.date | None = None) -> int | None:
    """The survivor's age today: from the date of birth, else from the age stated for the
    exploitation in this case (plus the whole years since it began, when that is known)."""
    day = today or timezone.localdate()
    if survivor.birth_date is not None and survivor.birth_date <= day:
        return age_on(survivor.birth_date, day)
    exploitation = (
        Exploitation.objects.filter(case=case, survivor=survivor, stated_age__isnull=False)
        .order_by("-created_at")
        .first()
    )
    if exploitation is None:
        return None
    stated = age_at_exploitation(
        stated_age=exploitation.stated_age, birth_date=None, exploitation_start=exploitation.start_date
    )
    if stated is None:
        return None
    if exploitation.start_date is not None and exploitation.start_date <= day:
        return stated + age_on(exploitation.start_date, day)
    return stated


def _survivor_languages(survivor: Person) -> set[str]:
    return {code for code in (survivor.primary_language, survivor.secondary_language) if code}


def _serves(region_id: int) -> Q:
    """The service names the region, or names none and its agency is in that region."""
    named = Region.objects.filter(provider_services=OuterRef("pk"))
    return Q(Exists(named.filter(pk=region_id))) | (Q(~Exists(named)) & Q(agency__region_id=region_id))


def _serves_region(case: Case) -> Q:
    return _serves(case.region_id)


def _in_region(service_type: str, case: Case) -> QuerySet[ProviderService]:
    return (
        ProviderService.objects.filter(service_type=service_type, active=True)
        .filter(_serves_region(case))
        .select_related("agency")
        .order_by("agency__name", "name", "pk")
    )


def _takes_age(service: ProviderService, age: int | None) -> bool:
    # An unknown age cannot be checked against a limit, so a service with a limit is not offered:
    # a child must not be sent to an adults' shelter, nor an adult to a youth programme.
    if service.min_age is None and service.max_age is None:
        return True
    if age is None:
        return False
    return (service.min_age is None or age >= service.min_age) and (
        service.max_age is None or age <= service.max_age
    )


def _takes_gender(service: ProviderService, gender: str) -> bool:
    return not service.genders or gender in service.genders


def _speaks(service: ProviderService, languages: set[str]) -> bool:
    # No language recorded is not a reason to turn someone away.
    return not service.languages or not languages or bool(languages & set(service.languages))


def eligible_services(*, survivor: Person, case: Case, service_type: str) -> list[ProviderService]:
    """The active services of that type the survivor is eligible for, in the case's region, by
    age, gender and language; whether each has room is `service.has_room` (capacity is not
    eligibility: a full service can still waitlist)."""
    age = survivor_age(survivor=survivor, case=case)
    languages = _survivor_languages(survivor)
    return [
        service
        for service in _in_region(service_type, case)
        if _takes_age(service, age)
        and _takes_gender(service, survivor.gender)
        and _speaks(service, languages)
    ]


def unmet_reason(*, survivor: Person, case: Case, service_type: str) -> str | None:
    """Why no provider can take this need now (an UnmetReason), or None when one can."""
    in_region = list(_in_region(service_type, case))
    age = survivor_age(survivor=survivor, case=case)
    fits = [s for s in in_region if _takes_age(s, age) and _takes_gender(s, survivor.gender)]
    if not fits:
        return UnmetReason.NO_ELIGIBLE_PROVIDER
    speaking = [s for s in fits if _speaks(s, _survivor_languages(survivor))]
    if not speaking:
        return UnmetReason.LANGUAGE_NOT_SERVED
    if not any(s.has_room for s in speaking):
        return UnmetReason.NO_CAPACITY
    return None


# --- oversight figures ---------------------------------------------------------------------------


def unmet_needs_by_type_and_region(open_only: bool = True) -> list[dict[str, Any]]:
    """Unmet needs counted by service type and region (one aggregate query), most first."""
    needs = UnmetNeed.objects.all()
    if open_only:
        needs = needs.filter(met_at__isnull=True)
    rows = (
        needs.values("service_type", "region_id", "region__name")
        .annotate(count=Count("id"))
        .order_by("-count", "service_type", "region__name")
    )
    labels = dict(ServiceType.choices)
    return [
        {
            "service_type": row["service_type"],
            "service_type_label": str(labels.get(row["service_type"], row["service_type"])),
            "region_id": row["region_id"],
            "region": row["region__name"],
            "count": row["count"],
        }
        for row in rows
    ]


def acceptance_rates_by_provider() -> list[dict[str, Any]]:
    """Per provider agency (one aggregate query): referrals sent, accepted (ever), declined and
    waitlisted now, and the acceptance rate accepted / sent (None when nothing was sent)."""
    sent = Q(services__referrals__sent_at__isnull=False)
    agencies = (
        Agency.objects.filter(kind=AgencyKind.SERVICE_PROVIDER)
        .values("id", "name")
        .annotate(
            sent=Count("services__referrals", filter=sent),
            accepted=Count(
                "services__referrals", filter=sent & Q(services__referrals__accepted_at__isnull=False)
            ),
            declined=Count(
                "services__referrals",
                filter=sent & Q(services__referrals__status=ReferralStatus.DECLINED),
            ),
            waitlisted=Count(
                "services__referrals",
                filter=sent & Q(services__referrals__status=ReferralStatus.WAITLISTED),
            ),
        )
        .order_by("name")
    )
    return [
        {
            "agency_id": row["id"],
            "agency": row["name"],
            "sent": row["sent"],
            "accepted": row["accepted"],
            "declined": row["declined"],
            "waitlisted": row["waitlisted"],
            "rate": round(row["accepted"] / row["sent"], RATE_DECIMALS) if row["sent"] else None,
        }
        for row in agencies
    ]


def referrals_for_provider(agency: Agency) -> QuerySet[ServiceReferral]:
    """The referrals sent to that agency's services, newest first (never the proposed ones: a
    provider learns of a referral when it is sent). The caller restricts the fields shown."""
    return (
        ServiceReferral.objects.filter(service__agency=agency, sent_at__isnull=False)
        .select_related("service", "case")
        .order_by("-sent_at", "pk")
    )


def referrals_of_case(case: Case) -> QuerySet[ServiceReferral]:
    """The service referrals of a case the caller was allowed to open (policy.access_case)."""
    return (
        ServiceReferral.objects.filter(case=case)
        .select_related("service__agency", "survivor")
        .order_by("-created_at", "pk")
    )


def unmet_needs_of_case(case: Case) -> QuerySet[UnmetNeed]:
    return UnmetNeed.objects.filter(case=case).select_related("region").order_by("met_at", "-recorded_at")


# --- the provider directory ----------------------------------------------------------------------


def directory_for(user: Any) -> QuerySet[ProviderService]:
    """The directory entries a user may see and edit (policy.yaml `service.view`): a provider's
    staff their own organisation's services; a coordinator the services of the provider agencies
    of their region, or of every region when statewide; anyone else none. Listing and editing
    both start here, so a list never shows what the edit page would refuse."""
    return policy.restrict(user, "service.view", ProviderService.objects.all())


def directory_agencies_for(user: Any) -> QuerySet[Agency]:
    """The provider agencies a user may add services to (policy.yaml `service.create`):
    those of their region, or of every region when statewide."""
    actor = policy.actor_of(user)
    if actor is None or not policy.allows(user, "service.create"):
        return Agency.objects.none()
    agencies = Agency.objects.filter(kind=AgencyKind.SERVICE_PROVIDER).order_by("name")
    return agencies if actor.region_id is None else agencies.filter(region_id=actor.region_id)


def directory_search(
    services: QuerySet[ProviderService],
    *,
    region: Region | None = None,
    service_type: str = "",
    language: str = "",
    has_room: bool = False,
) -> list[ProviderService]:
    """The services (of a queryset the caller restricted with `directory_for`) that serve a region
    (named it, or name none and their agency is there), are of a type, serve a language (or any
    language) and have a free place; in two queries whatever their number."""
    if region is not None:
        services = services.filter(_serves(region.pk))
    if service_type:
        services = services.filter(service_type=service_type)
    if has_room:
        services = services.filter(in_use__lt=F("capacity"))
    rows = services.select_related("agency__region").prefetch_related("regions")
    found = rows.order_by("agency__name", "service_type", "name", "pk")
    # JSON list membership is not portable to SQLite; a directory is small enough to filter here.
    return [s for s in found if not language or not s.languages or language in s.languages]


# --- referrals that wait too long ----------------------------------------------------------------


def _waits_too_long(now: dt.datetime) -> Q:
    """The referral waits at its stage since longer than the stage's limit (models.WAIT_LIMITS)."""
    return functools.reduce(
        operator.or_,
        (
            Q(status=stage, **{f"{WAITING_SINCE[stage]}__lte": now - limit})
            for stage, limit in WAIT_LIMITS.items()
        ),
    )


def _due_at() -> models.Case:
    """When the referral's wait at its present stage becomes too long (NULL at other stages)."""
    return models.Case(
        *[
            When(
                status=stage,
                then=ExpressionWrapper(F(WAITING_SINCE[stage]) + limit, output_field=models.DateTimeField()),
            )
            for stage, limit in WAIT_LIMITS.items()
        ],
        default=None,
        output_field=models.DateTimeField(),
    )


def with_waits(referrals: QuerySet[ServiceReferral], *, now: dt.datetime) -> QuerySet[ServiceReferral]:
    """The referrals annotated, in the same query, with `overdue_since`: the moment the wait at
    their present stage became too long when that moment has come at `now`, else None."""
    return referrals.annotate(
        overdue_since=models.Case(
            When(_waits_too_long(now), then=_due_at()), default=None, output_field=models.DateTimeField()
        )
    )


def overdue_since(referral: ServiceReferral) -> dt.datetime | None:
    """The `overdue_since` of a referral read through `with_waits` (None otherwise)."""
    value: dt.datetime | None = getattr(referral, "overdue_since", None)
    return value


def overdue_referrals(
    *,
    now: dt.datetime,
    region: Region | int | None = None,
    provider: Agency | int | None = None,
    case: Case | None = None,
) -> QuerySet[ServiceReferral]:
    """The referrals waiting too long at `now`: sent and not answered, waitlisted, or accepted and
    not started, beyond models.WAIT_LIMITS. Optionally only those of cases of one region, to one
    provider agency, or of one case. Annotated with `due_at`; the service, its agency and the
    case's region come in the same query; the longest overdue first. For the case services page,
    the provider portal, the reminders command and the oversight dashboard alike; the caller has
    passed the policy for what it filters on."""
    referrals = ServiceReferral.objects.filter(_waits_too_long(now))
    if region is not None:
        referrals = referrals.filter(case__region_id=getattr(region, "pk", region))
    if provider is not None:
        referrals = referrals.filter(service__agency_id=getattr(provider, "pk", provider))
    if case is not None:
        referrals = referrals.filter(case_id=case.pk)
    return (
        referrals.annotate(due_at=_due_at())
        .select_related("service__agency", "case__region")
        .order_by("due_at", "pk")
    )


def open_reminders(
    *, case: Case | None = None, provider: Agency | int | None = None, region: Region | int | None = None
) -> QuerySet[ReferralReminder]:
    """The reminders still open: the referral is still at the stage the reminder is about (it
    resolves itself the moment the referral moves on). Oldest due first, with the referral and
    its service in the same query."""
    reminders = ReferralReminder.objects.filter(stage=F("referral__status"))
    if case is not None:
        reminders = reminders.filter(referral__case_id=case.pk)
    if provider is not None:
        reminders = reminders.filter(referral__service__agency_id=getattr(provider, "pk", provider))
    if region is not None:
        reminders = reminders.filter(referral__case__region_id=getattr(region, "pk", region))
    return reminders.select_related("referral__service__agency").order_by("due_at", "pk")

"""Every step of every survivor's path is a JourneyEvent: append-only, codes and ids, no personal values.

Journeys sit below the access layer and the domain apps, which all record events: the foreign keys
name the case, the person and the agency by label, so this app imports none of them."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from continuum.core.sensitivity import FieldCategories, InfoCategory


class EventKind(models.TextChoices):
    """The steps of the continuum of care, in the order a journey usually takes them."""

    TIP_RECEIVED = "tip_received", "Tip received"
    REFERRAL_RECEIVED = "referral_received", "Referral received"
    CASE_OPENED = "case_opened", "Case opened"
    SCREENED = "screened", "Screened"
    ROUTED = "routed", "Routed by the rules"
    REPORTED_TO_CHILD_WELFARE = "reported_to_child_welfare", "Reported to child welfare"
    ADVOCATE_ASSIGNED = "advocate_assigned", "Advocate assigned"
    ADVOCATE_CONTACT = "advocate_contact", "First advocate contact"
    CASE_TEAM_JOINED = "case_team_joined", "Joined the case team"
    CONSENT_RECORDED = "consent_recorded", "Consent recorded"
    CONSENT_REVOKED = "consent_revoked", "Consent revoked"
    COURT_ORDER_RECORDED = "court_order_recorded", "Court order recorded"
    SERVICE_REFERRAL_SENT = "service_referral_sent", "Service referral sent"
    SERVICE_REFERRAL_ACCEPTED = "service_referral_accepted", "Service referral accepted"
    SERVICE_REFERRAL_DECLINED = "service_referral_declined", "Service referral declined"
    SERVICE_REFERRAL_WAITLISTED = "service_referral_waitlisted", "Service referral waitlisted"
    SERVICE_REFERRAL_OVERDUE = "service_referral_overdue", "Service referral waited too long"
    SERVICE_STARTED = "service_started", "Service started"
    SERVICE_COMPLETED = "service_completed", "Service completed"
    SERVICE_ENDED = "service_ended", "Service ended early"
    UNMET_NEED_RECORDED = "unmet_need_recorded", "Unmet need recorded"
    UNMET_NEED_MET = "unmet_need_met", "Unmet need met"
    CASE_PLAN_SET = "case_plan_set", "Case plan set"
    PLAN_GOAL_SET = "plan_goal_set", "Case plan goal set"
    PLAN_GOAL_MET = "plan_goal_met", "Case plan goal met"
    MDT_MEETING_HELD = "mdt_meeting_held", "Discussed at a multidisciplinary team meeting"
    TASK_ASSIGNED = "task_assigned", "Task assigned"
    INVESTIGATION_OPENED = "investigation_opened", "Investigation opened"
    SUSPECT_IDENTIFIED = "suspect_identified", "Suspect identified"
    ARREST_MADE = "arrest_made", "Arrest made"
    CHARGE_FILED = "charge_filed", "Charge filed"
    INVESTIGATION_CLOSED = "investigation_closed", "Investigation closed"
    PROSECUTION_OPENED = "prosecution_opened", "Prosecution opened"
    CHARGE_DISPOSED = "charge_disposed", "Charge disposed"
    PROSECUTION_DISPOSED = "prosecution_disposed", "Prosecution disposed"
    FOLLOW_UP_CONTACT = "follow_up_contact", "Follow-up contact"
    CASE_CLOSED = "case_closed", "Case closed"


class JourneyEventQuerySet(models.QuerySet["JourneyEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Journey events are append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("Journey events are append-only.")


class JourneyEvent(models.Model):
    """One step: what happened, when, to which case (and survivor), by which agency and staff member.

    `data` holds codes and ids only (a service type, a referral id), never a person's details.
    """

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="journey_events")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    agency = models.ForeignKey(
        "org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = JourneyEventQuerySet.as_manager()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "person": InfoCategory.CASE_FACTS,
        "kind": InfoCategory.CASE_FACTS,
        "occurred_at": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "actor": InfoCategory.CASE_FACTS,
        "data": InfoCategory.CASE_FACTS,
        "recorded_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Journey events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Journey events are append-only.")

"""The work around a case: its multidisciplinary team, tasks with deadlines, the support plan and
its goals, follow-up contacts with the survivor."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from continuum.cases.models import Case
from continuum.core.crypto import EncryptedTextField
from continuum.core.htcds import (
    SupportPlanType,
)
from continuum.core.models import TimeStamped, Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory
from continuum.org.models import Agency
from continuum.people.models import Person

if TYPE_CHECKING:
    pass


class TeamRole(models.TextChoices):
    """A member's part on the multidisciplinary case team."""

    COORDINATOR = "coordinator", "Coordinator"
    ADVOCATE = "advocate", "Advocate"
    CHILD_WELFARE = "child_welfare", "Child-welfare caseworker"
    INVESTIGATOR = "investigator", "Investigator"
    PROSECUTOR = "prosecutor", "Prosecutor"
    PROVIDER = "provider", "Service provider"
    OTHER = "other", "Other"


class CaseTeamMember(TimeStamped):
    """Someone on a case's multidisciplinary team: a staff member, or a whole partner agency (no
    user) until that agency names its person. Removal is recorded, never deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_teams"
    )
    # The member's agency when they joined (access follows the agency on the team).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_teams")
    team_role = models.CharField(max_length=16, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "user": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "team_role": InfoCategory.CASE_FACTS,
        "added_by": InfoCategory.CASE_FACTS,
        "removed_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        indexes = [
            models.Index(fields=["user", "case"], name="team_user_case"),
            models.Index(fields=["agency", "case"], name="team_agency_case"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(removed_at__isnull=True), name="team_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_role} on {self.case_id}"


class TaskKind(models.TextChoices):
    TELL_SURVIVOR_OF_COURT_ORDER = "tell_survivor_court_order", "Tell the survivor about a court order"
    MANDATED_REPORT = "mandated_report", "Send the mandated child-welfare report"
    ASSIGN_ADVOCATE = "assign_advocate", "Assign an advocate"
    LABOR_PARTNER_CONTACT = "labor_partner_contact", "Labor-trafficking partner contacts the survivor"
    FOLLOW_UP_CONTACT = "follow_up_contact", "Follow-up contact with the survivor"
    PLAN_GOAL = "plan_goal", "Work on a case-plan goal"
    MDT_ACTION = "mdt_action", "Action from an MDT meeting"
    OTHER = "other", "Other"


class Task(TimeStamped):
    """Something someone must do on a case, by a deadline that is visible and counted when missed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=32, choices=TaskKind.choices)
    # What to do, in a few words (no personal details: it shows in every work queue of the agency).
    title = models.CharField(max_length=160, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "kind": InfoCategory.CASE_FACTS,
        "title": InfoCategory.CASE_FACTS,
        "version": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "assignee": InfoCategory.CASE_FACTS,
        "due_at": InfoCategory.CASE_FACTS,
        "done_at": InfoCategory.CASE_FACTS,
        "created_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        indexes = [
            models.Index(fields=["agency", "done_at", "due_at"], name="task_agency_open_due"),
            # The work queue: open tasks in the order it shows them (due first), read a page at a time.
            models.Index(
                fields=["due_at", "id"], condition=models.Q(done_at__isnull=True), name="task_open_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d}"


class SupportPlan(Versioned):
    """The case plan: one HTCDS Support Plan per type for a survivor (`spl_Type`, `spl_Objectives`,
    `spl_ActionPlan`, `spl_PlannedEndDate`, `spl_ActualEndDate`), with goals. Its words are the
    survivor's (category `plan` in policy.yaml) and encrypted; police and prosecutors never see it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    plan_type = models.CharField(max_length=40, choices=SupportPlanType.choices)
    objectives = EncryptedTextField()
    action_plan = EncryptedTextField(blank=True)
    planned_end_date = models.DateField(null=True, blank=True)
    actual_end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "plan_type": InfoCategory.CASE_FACTS,
        "objectives": InfoCategory.PLAN,
        "action_plan": InfoCategory.PLAN,
        "planned_end_date": InfoCategory.CASE_FACTS,
        "actual_end_date": InfoCategory.CASE_FACTS,
        "created_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "survivor", "plan_type"],
                condition=models.Q(actual_end_date__isnull=True),
                name="one_open_plan_per_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_type} plan {self.pk}"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    DROPPED = "dropped", "No longer pursued"


class PlanGoal(Versioned):
    """One goal of a case plan, with the agency that owns it and a target date."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals")
    description = EncryptedTextField()
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_goals"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "plan": InfoCategory.CASE_FACTS,
        "description": InfoCategory.PLAN,
        "owner_agency": InfoCategory.CASE_FACTS,
        "due_on": InfoCategory.CASE_FACTS,
        "status": InfoCategory.CASE_FACTS,
        "closed_at": InfoCategory.CASE_FACTS,
        "created_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    TEXT = "text", "Text message"
    OTHER = "other", "Other"


class ContactOutcome(models.TextChoices):
    REACHED = "reached", "Reached; doing all right"
    REACHED_NEEDS = "reached_needs", "Reached; has new needs"
    NOT_REACHED = "not_reached", "Not reached"
    DECLINED = "declined", "Reached; declined further contact"
    UNSAFE = "unsafe", "Not safe to contact now"


class FollowUpContact(TimeStamped):
    """A follow-up contact with a survivor (or an attempt): when, how, what came of it, and when
    the next one is due. No free text: what was said goes in a privileged note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="follow_ups")
    contacted_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=16, choices=ContactOutcome.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    next_contact_on = models.DateField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "contacted_at": InfoCategory.CASE_FACTS,
        "method": InfoCategory.CASE_FACTS,
        "outcome": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "made_by": InfoCategory.CASE_FACTS,
        "next_contact_on": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["-contacted_at"]
        indexes = [models.Index(fields=["case", "-contacted_at"], name="follow_up_case_time")]

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"

"""A case is one trafficking situation; people take part in it in roles; exploitation is what happened."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from continuum.access.models import Agency, Region, Town
from continuum.cases.classification import AgeGroup, TraffickingType
from continuum.core.crypto import EncryptedTextField
from continuum.core.htcds import (
    CaseStatus,
    LabourIndustry,
    PerpetratorRole,
    SupportPlanType,
    TraffickingEventType,
    TraffickingStatus,
)
from continuum.core.models import TimeStamped, Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory, SystemCategory
from continuum.people.ages import age_at_exploitation, ctdc_age_band, is_minor
from continuum.people.models import Person

if TYPE_CHECKING:
    from continuum.access.models import User

# Crockford's base 32 without I, L, O, U: easy to read aloud on a phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


REFERENCE_BITS = 60


def new_reference(randbits: int | None = None) -> str:
    """A case reference such as `CT-7KQ2-M9XD-4RT0`: 60 random bits, so it tells nothing about how
    many cases exist and stays unique among millions."""
    value = secrets.randbits(REFERENCE_BITS) if randbits is None else randbits
    chars = []
    for _ in range(REFERENCE_BITS // 5):
        chars.append(_REFERENCE_ALPHABET[value & 31])
        value >>= 5
    code = "".join(chars)
    return f"CT-{code[:4]}-{code[4:8]}-{code[8:]}"


class ReferralSource(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    SERVICE_PROVIDER = "service_provider", "Service provider"
    COMMUNITY = "community", "Community member"
    HOTLINE = "hotline", "Hotline"
    SELF = "self", "Self-referral"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    OTHER = "other", "Other"


class CaseQuerySet(models.QuerySet["Case"]):
    def restrict(self, user: User, action: str = "view", *, showing: str | None = None) -> CaseQuerySet:
        """The only way views, the API, exports and jobs may list or fetch cases."""
        from continuum.access import policy

        return policy.restrict_cases(self, user, action, showing=showing)


class Case(Versioned):
    """One trafficking situation (HTCDS Case)."""

    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases")
    town = models.ForeignKey(Town, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    owner = models.ForeignKey(  # cas_CaseOwner
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_cases"
    )
    status = models.CharField(
        max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )  # cas_Status
    # Referral details (HTCDS "Referral Details" section, incoming side).
    referral_source = models.CharField(max_length=32, choices=ReferralSource.choices)
    referring_agency = models.ForeignKey(  # cas_ReferringOrganisation
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="referred_cases"
    )
    incoming_referral_date = models.DateField()  # cas_IncomingReferralDate
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=64, blank=True)  # cas_ReasonForCaseClosure
    # Derived from the exploitation records (continuum.cases.classification); never typed in.
    trafficking_type = models.CharField(
        max_length=16, choices=TraffickingType.choices, default=TraffickingType.UNDETERMINED, editable=False
    )
    age_group = models.CharField(
        max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN, editable=False
    )

    objects = CaseQuerySet.as_manager()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "reference": InfoCategory.CASE_FACTS,
        "region": InfoCategory.CASE_FACTS,
        "town": InfoCategory.CASE_FACTS,
        "lead_agency": InfoCategory.CASE_FACTS,
        "owner": InfoCategory.CASE_FACTS,
        "status": InfoCategory.CASE_FACTS,
        "referral_source": InfoCategory.CASE_FACTS,
        "referring_agency": InfoCategory.CASE_FACTS,
        "incoming_referral_date": InfoCategory.CASE_FACTS,
        "opened_on": InfoCategory.CASE_FACTS,
        "closed_on": InfoCategory.CASE_FACTS,
        "closure_reason": InfoCategory.CASE_FACTS,
        "trafficking_type": InfoCategory.CASE_FACTS,
        "age_group": InfoCategory.CASE_FACTS,
    }
    # What a provider's staff see of the case of a referral sent to them (policy.yaml `referral_view`).
    REFERRAL_VIEW: ClassVar[frozenset[str]] = frozenset({"reference", "town"})

    class Meta:
        ordering = ["-opened_on", "reference"]
        indexes = [
            models.Index(fields=["region", "-opened_on"]),
            models.Index(fields=["region", "age_group", "trafficking_type", "status"]),
            models.Index(fields=["-opened_on"]),
        ]

    def __str__(self) -> str:
        return self.reference


class ParticipantRole(models.TextChoices):
    SURVIVOR = "survivor", "Survivor"
    SUSPECT = "suspect", "Suspect"
    WITNESS = "witness", "Witness"
    GUARDIAN = "guardian", "Parent or guardian"
    OTHER = "other", "Other"


class Relationship(models.TextChoices):
    """How a suspect or recruiter is related to the survivor (finer than HTCDS's three values)."""

    FAMILY_CAREGIVER = "family_caregiver", "Family member or caregiver"
    INTIMATE_PARTNER = "intimate_partner", "Intimate partner"
    EMPLOYER = "employer", "Employer"
    FRIEND_ACQUAINTANCE = "friend_acquaintance", "Friend or acquaintance"
    STRANGER = "stranger", "Stranger"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


# HTCDS vic_RelationshipToTrafficker, derived from Continuum's finer list for export.
HTCDS_RELATIONSHIP = {
    Relationship.FAMILY_CAREGIVER: "Familial",
    Relationship.INTIMATE_PARTNER: "Acquainted",
    Relationship.EMPLOYER: "Acquainted",
    Relationship.FRIEND_ACQUAINTANCE: "Acquainted",
    Relationship.STRANGER: "Unaquainted",
}


class CaseParticipant(TimeStamped):
    """A person's part in one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)
    # For survivors (HTCDS vic_TraffickingStatus).
    trafficking_status = models.CharField(max_length=40, choices=TraffickingStatus.choices, blank=True)
    # For suspects: their relationship to the survivor and their roles (HTCDS per_RoleInProcess).
    relationship_to_survivor = models.CharField(max_length=32, choices=Relationship.choices, blank=True)
    perpetrator_roles = models.JSONField(default=list, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "person": InfoCategory.CASE_FACTS,
        "role": InfoCategory.CASE_FACTS,
        "trafficking_status": InfoCategory.CASE_FACTS,
        "relationship_to_survivor": InfoCategory.JUSTICE,
        "perpetrator_roles": InfoCategory.JUSTICE,
    }

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="participant_once_per_role"),
        ]
        indexes = [models.Index(fields=["person", "role"])]

    def __str__(self) -> str:
        return f"{self.role} in {self.case_id}"


PERPETRATOR_ROLE_VALUES = frozenset(PerpetratorRole.values)


class Exploitation(Versioned):
    """What happened to one survivor in one case (HTCDS victim context, vic_*)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitations")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exploitations")
    types = models.JSONField(default=list)  # vic_TypeOfExploitation (multiselect)
    sex_types = models.JSONField(default=list, blank=True)  # vic_TypeOfSexExploitation
    labor_industry = models.CharField(
        max_length=64, choices=LabourIndustry.choices, blank=True
    )  # ISIC section
    methods_of_control = models.JSONField(default=list, blank=True)  # vic_MethodsOfControl
    recruitment_methods = models.JSONField(default=list, blank=True)  # vic_MethodOfRecruitment
    recruitment_apps = models.JSONField(default=list, blank=True)  # vic_RecruitmentWebsitesAndApps
    exploitation_apps = models.JSONField(default=list, blank=True)  # vic_ExploitationWebsitesAndApps
    recruiter_relationship = models.CharField(max_length=32, choices=Relationship.choices, blank=True)
    vulnerabilities = models.JSONField(default=list, blank=True)  # vic_Vulnerabilities
    stated_age = models.PositiveSmallIntegerField(null=True, blank=True)  # vic_AgeWhenTrafficked, if stated
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "types": InfoCategory.EXPLOITATION,
        "sex_types": InfoCategory.EXPLOITATION,
        "labor_industry": InfoCategory.EXPLOITATION,
        "methods_of_control": InfoCategory.EXPLOITATION,
        "recruitment_methods": InfoCategory.EXPLOITATION,
        "recruitment_apps": InfoCategory.EXPLOITATION,
        "exploitation_apps": InfoCategory.EXPLOITATION,
        "recruiter_relationship": InfoCategory.EXPLOITATION,
        "vulnerabilities": InfoCategory.EXPLOITATION,
        "stated_age": InfoCategory.EXPLOITATION,
        "start_date": InfoCategory.EXPLOITATION,
        "end_date": InfoCategory.EXPLOITATION,
    }

    class Meta:
        indexes = [models.Index(fields=["case"])]

    def __str__(self) -> str:
        return f"Exploitation {self.id}"

    @property
    def age_at_exploitation(self) -> int | None:
        return age_at_exploitation(
            stated_age=self.stated_age,
            birth_date=self.survivor.birth_date,
            exploitation_start=self.start_date,
        )

    @property
    def was_minor(self) -> bool | None:
        return is_minor(self.age_at_exploitation)

    @property
    def ctdc_age_band(self) -> str | None:
        return ctdc_age_band(self.age_at_exploitation)

    @property
    def htcds_relationship_to_trafficker(self) -> str:
        return (
            HTCDS_RELATIONSHIP.get(Relationship(self.recruiter_relationship), "")
            if self.recruiter_relationship
            else ""
        )


class TraffickingLocation(TimeStamped):
    """Where recruitment, transit or exploitation happened (HTCDS Historic Trafficking Events, hte_*)."""

    exploitation = models.ForeignKey(Exploitation, on_delete=models.CASCADE, related_name="locations")
    kind = models.CharField(max_length=16, choices=TraffickingEventType.choices)  # hte_Type
    town = models.ForeignKey(Town, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    city = models.CharField(max_length=100, blank=True)  # hte_City
    state = models.CharField(max_length=100, blank=True)  # hte_State
    country = models.CharField(max_length=2, blank=True)  # hte_Country (ISO 3166)
    date = models.DateField(null=True, blank=True)  # hte_Date

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "exploitation": InfoCategory.CASE_FACTS,
        "kind": InfoCategory.CASE_FACTS,
        "town": InfoCategory.EXPLOITATION,
        "city": InfoCategory.EXPLOITATION,
        "state": InfoCategory.EXPLOITATION,
        "country": InfoCategory.EXPLOITATION,
        "date": InfoCategory.EXPLOITATION,
    }

    def __str__(self) -> str:
        return f"{self.kind} location"


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


class MandatedReport(TimeStamped):
    """A suspected minor victim reported to child welfare: a recorded exception to consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mandated_reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="mandated_reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "reported_by": InfoCategory.CASE_FACTS,
        "due_at": InfoCategory.CASE_FACTS,
        "sent_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        indexes = [models.Index(fields=["agency", "case"], name="mandated_agency_case")]

    def __str__(self) -> str:
        return f"Mandated report on {self.case_id}"


class CourtOrder(TimeStamped):
    """A court order that opens categories of a case to an agency: logged with the minimum fields,
    with a task to tell the survivor (SECURITY.md 5)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="court_orders")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="court_orders")
    categories = models.JSONField(default=list)
    docket_reference = models.CharField(max_length=64)
    issued_on = models.DateField()
    expires_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    survivor_told_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "categories": InfoCategory.CASE_FACTS,
        "docket_reference": InfoCategory.CASE_FACTS,
        "issued_on": InfoCategory.CASE_FACTS,
        "expires_at": InfoCategory.CASE_FACTS,
        "recorded_by": InfoCategory.CASE_FACTS,
        "survivor_told_at": InfoCategory.CASE_FACTS,
    }

    def __str__(self) -> str:
        return f"Court order {self.docket_reference}"


class CaseNote(TimeStamped):
    """A note on a case. An advocate's privileged note is encrypted and reaches no one else:
    never law enforcement or prosecutors, not even with consent or a court order."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    privileged = models.BooleanField(default=True)
    body = EncryptedTextField()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "author": InfoCategory.CASE_FACTS,
        "privileged": InfoCategory.CASE_FACTS,
        "body": InfoCategory.PRIVILEGED_NOTES,
    }

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="note_case_time")]

    def __str__(self) -> str:
        return f"Note {self.id}"


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


class ClosureReason(models.TextChoices):
    """Why a case closed (HTCDS cas_ReasonForCaseClosure is free text; these are its codes here)."""

    SERVICES_COMPLETED = "services_completed", "Services completed"
    SURVIVOR_DECLINED = "survivor_declined_services", "The survivor declined further services"
    LOST_CONTACT = "lost_contact", "Contact lost"
    MOVED_OUT_OF_STATE = "moved_out_of_state", "Moved out of state"
    TRANSFERRED = "transferred", "Transferred to another agency"
    NOT_TRAFFICKING = "not_trafficking", "Not a trafficking situation"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other"


class SurvivorAccount(TimeStamped):
    """The survivor's own account, recorded once and shared by consent instead of retold to every
    agency ("tell once"). Encrypted; its category is `account` in policy.yaml."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accounts")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="accounts")
    body = EncryptedTextField()
    language = models.CharField(max_length=8, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "body": InfoCategory.ACCOUNT,
        "language": InfoCategory.CASE_FACTS,
        "recorded_by": InfoCategory.CASE_FACTS,
    }

    def __str__(self) -> str:
        return f"Account {self.id}"


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


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MdtMeeting(Versioned):
    """A multidisciplinary team meeting of a region: an agenda of cases, who attended, minutes."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mdt_meetings")
    scheduled_for = models.DateTimeField()
    # Where the team meets (a room or "video call"); never a survivor's whereabouts.
    place = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    chaired_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "region": InfoCategory.CASE_FACTS,
        "scheduled_for": InfoCategory.CASE_FACTS,
        "place": InfoCategory.CASE_FACTS,
        "status": InfoCategory.CASE_FACTS,
        "held_at": InfoCategory.CASE_FACTS,
        "chaired_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["region", "-scheduled_for"], name="mdt_region_time")]

    def __str__(self) -> str:
        return f"MDT {self.scheduled_for:%Y-%m-%d}"


class MdtAgendaItem(TimeStamped):
    """A case on a meeting's agenda."""

    meeting = models.ForeignKey(MdtMeeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mdt_items")
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "meeting": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "position": InfoCategory.CASE_FACTS,
        "added_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once")]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class MdtAttendance(TimeStamped):
    """Someone invited to a meeting, and whether they were there (None until recorded)."""

    meeting = models.ForeignKey(MdtMeeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "meeting": InfoCategory.CASE_FACTS,
        "user": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "present": InfoCategory.CASE_FACTS,
        "recorded_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["agency__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class MdtMinute(TimeStamped):
    """One minute on one agenda item, in one information category chosen by the minute-taker.

    A reader sees it only where that category of the case is open to them (the same rule as
    every field: relationships, consent, `never`). Encrypted; never privileged notes."""

    item = models.ForeignKey(MdtAgendaItem, on_delete=models.CASCADE, related_name="minutes")
    category = models.CharField(max_length=20)
    body = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # MDT meetings are regional work; what a reader sees of an agenda item follows the case's
    # rules (only cases they may view), and each minute's body only where the minute's own
    # category is open to them on that case (continuum/cases/selectors.py meeting_view).
    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "item": InfoCategory.CASE_FACTS,
        "category": InfoCategory.CASE_FACTS,
        "body": SystemCategory.ROW_CATEGORY,
        "author": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Minute {self.pk}"

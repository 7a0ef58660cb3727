"""A case is one trafficking situation; people take part in it in roles; exploitation is what happened."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models

from continuum.cases.classification import AgeGroup, TraffickingType
from continuum.core.crypto import EncryptedTextField
from continuum.core.htcds import (
    CaseStatus,
    LabourIndustry,
    PerpetratorRole,
    TraffickingEventType,
    TraffickingStatus,
)
from continuum.core.models import TimeStamped, Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory
from continuum.org.models import Agency, Region, Town
from continuum.people.ages import age_at_exploitation, ctdc_age_band, is_minor
from continuum.people.models import Person

if TYPE_CHECKING:
    from continuum.org.models import User

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

    # What the access layer asks of the case it was given (continuum/access/registry.py CaseRoot).
    def participant_roles(self, *people: Any) -> set[tuple[Any, str]]:
        """The (person id, role) pairs these people have in this case, in one query."""
        ids = [getattr(person, "pk", person) for person in people]
        return set(CaseParticipant.objects.filter(case=self, person__in=ids).values_list("person_id", "role"))

    def has_survivor(self, person: Any) -> bool:
        return CaseParticipant.objects.filter(
            case=self, person=getattr(person, "pk", person), role=ParticipantRole.SURVIVOR
        ).exists()


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

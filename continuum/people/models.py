"""One table of people: survivors, suspects, witnesses. Their role is per case (CaseParticipant)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from continuum.core.crypto import EncryptedTextField
from continuum.core.htcds import Education, Gender, MaritalStatus
from continuum.core.models import Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory
from continuum.people.search import NAME_FIELDS, NameKeyField, person_key


class Person(Versioned):
    """A person known to the response, with the HTCDS Person fields (prs_*)."""

    first_name = models.CharField(max_length=100, blank=True)  # prs_FirstName
    middle_name = models.CharField(max_length=100, blank=True)  # prs_MiddleName
    last_name = models.CharField(max_length=100, blank=True)  # prs_SecondName
    # Names the person is also known by (street names, aliases), comma-free list.
    aliases = models.JSONField(default=list, blank=True)
    # Every name above, normalised for search (continuum/people/search.py); set on every save.
    name_key = NameKeyField(max_length=600, blank=True, default="", editable=False)
    birth_date = models.DateField(null=True, blank=True)  # prs_Birthdate
    gender = models.CharField(
        max_length=32, choices=Gender.choices, default=Gender.NON_SPECIFIED_UNKNOWN
    )  # prs_Gender
    primary_language = models.CharField(max_length=8, blank=True)  # prs_PrimaryLanguage (ISO 639)
    secondary_language = models.CharField(max_length=8, blank=True)  # prs_SecondaryLanguage
    citizenship = models.JSONField(default=list, blank=True)  # prs_Citizenship (ISO 3166 alpha-2 list)
    marital_status = models.CharField(max_length=32, choices=MaritalStatus.choices, blank=True)
    number_of_children = models.PositiveSmallIntegerField(null=True, blank=True)  # prs_NumberOfChildren
    highest_education = models.CharField(
        max_length=48, choices=Education.choices, blank=True
    )  # prs_HighestLevelOfEducation
    email = models.CharField(max_length=254, blank=True)  # prs_Email
    mobile_phone = models.CharField(max_length=40, blank=True)  # prs_MobilePhone
    mailing_street = models.CharField(max_length=200, blank=True)  # prs_MailingStreet
    mailing_city = models.CharField(max_length=100, blank=True)  # prs_MailingCity
    mailing_state = models.CharField(max_length=100, blank=True)  # prs_MailingState
    mailing_postal_code = models.CharField(max_length=20, blank=True)  # prs_MailingPostalCode
    mailing_country = models.CharField(max_length=2, blank=True)  # prs_MailingCountry (ISO 3166)
    # Encrypted in the application (SECURITY.md 14); they cannot be searched.
    # Where the person can be found now: the most dangerous field of all.
    current_location = EncryptedTextField(blank=True, default="")
    immigration_status = EncryptedTextField(blank=True, default="")
    health_notes = EncryptedTextField(blank=True, default="")

    # For people who are suspects or witnesses in a case, the policy counts identity, contact and
    # location fields as `justice` (investigation data; continuum/access/policy.py allowed_fields).
    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "first_name": InfoCategory.IDENTITY,
        "middle_name": InfoCategory.IDENTITY,
        "last_name": InfoCategory.IDENTITY,
        "aliases": InfoCategory.IDENTITY,
        "name_key": InfoCategory.IDENTITY,
        "birth_date": InfoCategory.IDENTITY,
        "gender": InfoCategory.CASE_FACTS,
        "primary_language": InfoCategory.CASE_FACTS,
        "secondary_language": InfoCategory.CASE_FACTS,
        "citizenship": InfoCategory.IDENTITY,
        "marital_status": InfoCategory.IDENTITY,
        "number_of_children": InfoCategory.IDENTITY,
        "highest_education": InfoCategory.IDENTITY,
        "email": InfoCategory.CONTACT,
        "mobile_phone": InfoCategory.CONTACT,
        "mailing_street": InfoCategory.CONTACT,
        "mailing_city": InfoCategory.CONTACT,
        "mailing_state": InfoCategory.CONTACT,
        "mailing_postal_code": InfoCategory.CONTACT,
        "mailing_country": InfoCategory.CONTACT,
        "current_location": InfoCategory.LOCATION,
        "immigration_status": InfoCategory.IMMIGRATION,
        "health_notes": InfoCategory.HEALTH,
    }
    # What a provider's staff see of the survivor of a referral sent to them (policy.yaml
    # `referral_view`): a first name to greet them by and the languages to speak, nothing more.
    REFERRAL_VIEW: ClassVar[frozenset[str]] = frozenset(
        {"first_name", "gender", "primary_language", "secondary_language"}
    )

    class Meta:
        # The name key's index is the migration's (0003): pg_trgm GIN on PostgreSQL, plain elsewhere.
        indexes = [models.Index(fields=["last_name", "first_name"]), models.Index(fields=["birth_date"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = person_key(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and NAME_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"Person {self.id}"

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or "(name not recorded)"

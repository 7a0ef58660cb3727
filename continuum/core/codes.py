"""Continuum's own code lists, where HTCDS has none (HTCDS lists are in continuum.core.htcds)."""

from django.db import models


class ServiceType(models.TextChoices):
    """The services of SPEC.md C6."""

    EMERGENCY_HOUSING = "emergency_housing", "Emergency housing"
    LONG_TERM_HOUSING = "long_term_housing", "Long-term housing"
    MENTAL_HEALTH = "mental_health", "Trauma-specific mental health"
    MEDICAL = "medical", "Medical care"
    LEGAL = "legal", "Legal services (incl. criminal-record relief)"
    IMMIGRATION = "immigration", "Immigration legal services"
    VICTIM_COMPENSATION = "victim_compensation", "Crime-victim compensation"
    SUBSTANCE_USE = "substance_use", "Substance-use treatment"
    EDUCATION_EMPLOYMENT = "education_employment", "Education and employment"
    FAMILY_REUNIFICATION = "family_reunification", "Family reunification"


# Names of the languages the response serves most often (ISO 639-1 codes as stored on Person).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "ht": "Haitian Creole",
    "pl": "Polish",
    "zh": "Chinese",
    "ar": "Arabic",
    "fr": "French",
    "vi": "Vietnamese",
}

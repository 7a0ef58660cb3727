"""Anonymous tips from the public, and what their senders add later with the tip code.

A tip keeps only what the sender chose to write: no IP address, no user agent, no cookie, and
times rounded down to the hour so that a timestamp cannot be matched against a server or
network log (SECURITY.md 16). Free text is encrypted in the application (SECURITY.md 14).
A tip has no case yet, so it writes no journey event; it becomes a referral elsewhere.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuum.core.crypto import EncryptedTextField
from continuum.core.sensitivity import FieldCategories, InfoCategory

# Crockford's base 32: digits and letters without I, L, O and U, so that a code read aloud or
# copied by hand is not mistaken (1/I/L, 0/O) and spells no word by accident (U).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4
CODE_PREFIX = "TIP"
# "TIP-" + two groups of four + one dash.
CODE_LENGTH = len(CODE_PREFIX) + CODE_GROUPS * (CODE_GROUP_LENGTH + 1)


def new_tip_code() -> str:
    """A random code such as TIP-7KQ2-M9XD: 40 bits from `secrets`, the only key to a tip."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS)
    )
    return "-".join((CODE_PREFIX, *groups))


def this_hour() -> datetime:
    """Now, rounded down to the hour: when a tip came in says nothing beyond the hour."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def photo_name(instance: models.Model | None, filename: str) -> str:
    """A random name under tips/: never the sender's file name, which can name a person or a place."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"tips/{uuid.uuid4().hex}.{extension}"


class TraffickingKind(models.TextChoices):
    SEX = "sex", _("Sex trafficking")
    LABOR = "labor", _("Labor trafficking")
    BOTH = "both", _("Both")
    NOT_SURE = "not_sure", _("Not sure")


class VictimAgeGroup(models.TextChoices):
    CHILD = "child", _("A child (under 18)")
    ADULT = "adult", _("An adult")
    NOT_SURE = "not_sure", _("Not sure")


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    CONVERTED = "converted", _("Became a referral")
    CLOSED = "closed", _("Closed")


class TipLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class Tip(models.Model):
    """One anonymous tip. `code` is what the sender keeps to add information later."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_tip_code, editable=False)
    language = models.CharField(max_length=2, choices=TipLanguage.choices, default=TipLanguage.ENGLISH)
    what_happened = EncryptedTextField()
    where = EncryptedTextField(blank=True, default="")
    when_text = models.CharField(max_length=200, blank=True, default="")
    trafficking_kind = models.CharField(
        max_length=10, choices=TraffickingKind.choices, default=TraffickingKind.NOT_SURE
    )
    victim_age_group = models.CharField(
        max_length=10, choices=VictimAgeGroup.choices, default=VictimAgeGroup.NOT_SURE
    )
    # An optional way to reach the sender, only if they chose to give one.
    contact = EncryptedTextField(blank=True, default="")
    # Only the re-encoded pixels (continuum.intake.images), under MEDIA_ROOT, never served publicly.
    photo = models.FileField(upload_to=photo_name, blank=True, default="", max_length=200)
    status = models.CharField(max_length=10, choices=TipStatus.choices, default=TipStatus.NEW)
    received_at = models.DateTimeField(default=this_hour, editable=False)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": InfoCategory.CASE_FACTS,
        "code": InfoCategory.CASE_FACTS,
        "language": InfoCategory.CASE_FACTS,
        "what_happened": InfoCategory.EXPLOITATION,
        "where": InfoCategory.LOCATION,
        "when_text": InfoCategory.CASE_FACTS,
        "trafficking_kind": InfoCategory.CASE_FACTS,
        "victim_age_group": InfoCategory.CASE_FACTS,
        "contact": InfoCategory.CONTACT,
        "photo": InfoCategory.CONTACT,
        "status": InfoCategory.CASE_FACTS,
        "received_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="intake_tip_status_received")]

    def __str__(self) -> str:
        return self.code


class TipAddition(models.Model):
    """More information the sender added later with the tip code."""

    id = models.BigAutoField(primary_key=True)
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="additions")
    text = EncryptedTextField()
    received_at = models.DateTimeField(default=this_hour, editable=False)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": InfoCategory.CASE_FACTS,
        "tip": InfoCategory.CASE_FACTS,
        "text": InfoCategory.EXPLOITATION,
        "received_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} +{self.pk}"


# Referrals live in their own module; importing them here registers the model with the app.
from continuum.intake.referrals import Referral  # noqa: E402, F401

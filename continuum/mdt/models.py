"""Multidisciplinary team (MDT) meetings: the agenda of cases, who attended, the minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from continuum.cases.models import Case
from continuum.core.crypto import EncryptedTextField
from continuum.core.models import TimeStamped, Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory, SystemCategory
from continuum.org.models import Agency, Region

if TYPE_CHECKING:
    pass


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
    # category is open to them on that case (continuum/mdt/selectors.py meeting_view).
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

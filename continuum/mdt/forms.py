"""Forms of MDT meetings (input checked here, rules in actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from continuum.cases.forms import UswdsForm, datetime_field
from continuum.core.sensitivity import InfoCategory
from continuum.core.validation import (
    StrictChoiceField,
    TextField,
)
from continuum.mdt.actions import MINUTE_CATEGORIES


class MeetingForm(UswdsForm):
    scheduled_for = datetime_field(_("When"))
    place = TextField(label=_("Where (a room or a video call)"), max_length=120, required=False)


class MinuteForm(UswdsForm):
    category = StrictChoiceField(
        label=_("What it is about (who may read it follows from this)"),
        choices=[(c.value, c.label) for c in InfoCategory if c.value in MINUTE_CATEGORIES],
    )
    body = TextField(label=_("Minute"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

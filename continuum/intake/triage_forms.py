"""Forms of the triage work: a referral entered by intake staff, and taking up a tip."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuum.cases.models import ReferralSource
from continuum.core.htcds import WebsiteOrApp
from continuum.core.validation import (
    BoundedDateField,
    BoundedDateTimeField,
    StrictChoiceField,
    StrictModelChoiceField,
    StrictMultipleChoiceField,
    TextField,
    WholeNumberField,
    today,
)
from continuum.intake.referrals import RecruitmentChannel, SuspectedKind
from continuum.org.models import Agency, Region


class ReferralForm(forms.Form):
    region = StrictModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"))
    source = StrictChoiceField(label=_("Referred by"), choices=ReferralSource.choices)
    referring_agency = StrictModelChoiceField(
        label=_("Referring agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    referrer_name = TextField(label=_("Name of the person referring"), max_length=120, required=False)
    referrer_contact = TextField(label=_("How to reach them"), max_length=120, required=False)
    received_on = BoundedDateField(
        label=_("Date received"), latest=today, widget=forms.DateInput(attrs={"type": "date"})
    )
    what_is_known = TextField(
        label=_("What is known"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    recruitment_channel = StrictChoiceField(
        label=_("How they were recruited"),
        choices=RecruitmentChannel.choices,
        initial=RecruitmentChannel.UNKNOWN,
    )
    recruitment_apps = StrictMultipleChoiceField(
        label=_("Apps or websites"),
        choices=WebsiteOrApp.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    suspected_kind = StrictChoiceField(
        label=_("Suspected"), choices=SuspectedKind.choices, initial=SuspectedKind.NOT_SURE
    )
    survivor_first_name = TextField(label=_("First name (if known)"), max_length=100, required=False)
    survivor_last_name = TextField(label=_("Last name (if known)"), max_length=100, required=False)
    survivor_birth_date = BoundedDateField(
        label=_("Date of birth (if known)"),
        latest=today,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    survivor_age = WholeNumberField(
        label=_("Age (if no date of birth)"), min_value=0, max_value=120, required=False
    )
    survivor_language = StrictChoiceField(
        label=_("Language"),
        required=False,
        choices=[
            ("", _("Not known")),
            ("en", "English"),
            ("es", "Español"),
            ("pt", "Português"),
            ("ht", "Kreyòl ayisyen"),
            ("pl", "Polski"),
            ("zh", "中文"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            widget.attrs["class"] = (
                "usa-select"
                if isinstance(widget, forms.Select)
                else ("usa-textarea" if isinstance(widget, forms.Textarea) else "usa-input")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("survivor_age") is not None and data.get("survivor_birth_date"):
            self.add_error("survivor_age", _("Give the date of birth or the age, not both."))
        received = data.get("received_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", _("The date received cannot be in the future."))
        return data

    def referral_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        received: dt.date = data.pop("received_on")
        data.pop("region")
        # Midday of the day received, or now when that is later than now (received today).
        data["received_at"] = min(
            dt.datetime.combine(received, dt.time(12), tzinfo=timezone.get_current_timezone()),
            timezone.now(),
        )
        data["survivor_language"] = data.get("survivor_language") or ""
        return data


class TakeUpForm(forms.Form):
    region = StrictModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"))


class ApiReferralForm(forms.Form):
    """The fields an agency system may send (the agency and region come from its token)."""

    region = TextField(required=False, max_length=40)
    source = StrictChoiceField(choices=ReferralSource.choices)
    referrer_name = TextField(max_length=120, required=False)
    referrer_contact = TextField(max_length=120, required=False)
    received_at = BoundedDateTimeField()
    what_is_known = TextField(max_length=20_000)
    recruitment_channel = StrictChoiceField(choices=RecruitmentChannel.choices, required=False)
    recruitment_apps = StrictMultipleChoiceField(choices=WebsiteOrApp.choices, required=False)
    suspected_kind = StrictChoiceField(choices=SuspectedKind.choices, required=False)
    survivor_first_name = TextField(max_length=100, required=False)
    survivor_last_name = TextField(max_length=100, required=False)
    survivor_birth_date = BoundedDateField(latest=today, required=False)
    survivor_age = WholeNumberField(min_value=0, max_value=120, required=False)
    survivor_language = TextField(max_length=8, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("survivor_age") is not None and data.get("survivor_birth_date"):
            self.add_error("survivor_age", _("Give the date of birth or the age, not both."))
        received = data.get("received_at")
        if received and received > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("received_at", _("The time received cannot be in the future."))
        return data

    def referral_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("region", None)
        data["recruitment_channel"] = data.get("recruitment_channel") or RecruitmentChannel.UNKNOWN
        data["suspected_kind"] = data.get("suspected_kind") or SuspectedKind.NOT_SURE
        data["survivor_language"] = data.get("survivor_language") or ""
        return data

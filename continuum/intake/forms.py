"""The public forms, in plain words; every message in the visitor's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuum.core.validation import StrictChoiceField, TextField
from continuum.intake.images import CleanImage, ImageRefused, strip_metadata
from continuum.intake.models import TraffickingKind, VictimAgeGroup

TEXT_LIMIT = 10_000
ACCEPTED_IMAGES = "image/jpeg,image/png,image/webp"


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea", "rows": rows})


def _input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "usa-input", **attrs})


class TipForm(forms.Form):
    what_happened = TextField(
        label=_("What did you see or hear?"),
        help_text=_("Tell us what happened, in your own words. Share only what you feel safe sharing."),
        max_length=TEXT_LIMIT,
        widget=_textarea(6),
        error_messages={"required": _("Please tell us what you saw or heard.")},
    )
    where = TextField(
        label=_("Where did it happen? (optional)"),
        help_text=_("A town, a street, a business name, a website or an app."),
        max_length=1_000,
        required=False,
        widget=_textarea(2),
    )
    when_text = TextField(
        label=_("When did it happen? (optional)"),
        help_text=_("For example: last night, every weekend, since March."),
        max_length=200,
        required=False,
        widget=_input(),
    )
    trafficking_kind = StrictChoiceField(
        label=_("What kind of work or activity was it?"),
        choices=[
            (TraffickingKind.SEX, _("Sex: someone made to sell sex or sexual acts")),
            (TraffickingKind.LABOR, _("Work: someone made to work, for little or no pay")),
            (TraffickingKind.BOTH, _("Both")),
            (TraffickingKind.NOT_SURE, _("I am not sure")),
        ],
        initial=TraffickingKind.NOT_SURE,
        required=False,
        widget=forms.RadioSelect,
    )
    victim_age_group = StrictChoiceField(
        label=_("How old is the person you are worried about?"),
        choices=[
            (VictimAgeGroup.CHILD, _("A child (under 18)")),
            (VictimAgeGroup.ADULT, _("An adult (18 or older)")),
            (VictimAgeGroup.NOT_SURE, _("I am not sure")),
        ],
        initial=VictimAgeGroup.NOT_SURE,
        required=False,
        widget=forms.RadioSelect,
    )
    contact = TextField(
        label=_("How can we reach you? (optional)"),
        help_text=_(
            "Only if you want us to. A phone number or an e-mail address. "
            "You can stay anonymous: leave this empty."
        ),
        max_length=500,
        required=False,
        widget=_input(autocomplete="off"),
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        help_text=_(
            "JPEG, PNG or WebP, up to 8 MB. We remove the location and every other hidden detail "
            "from the photo before we keep it."
        ),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ACCEPTED_IMAGES}),
    )

    def clean_trafficking_kind(self) -> str:
        return str(self.cleaned_data.get("trafficking_kind") or TraffickingKind.NOT_SURE)

    def clean_victim_age_group(self) -> str:
        return str(self.cleaned_data.get("victim_age_group") or VictimAgeGroup.NOT_SURE)

    def clean_photo(self) -> CleanImage | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return strip_metadata(upload, size=upload.size)
        except ImageRefused as exc:
            raise forms.ValidationError(str(exc), code="image") from None

    def action_arguments(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of tips.tip_submit."""
        return {name: self.cleaned_data[name] for name in self.fields}


class FollowUpForm(forms.Form):
    code = TextField(
        label=_("Your tip code"),
        help_text=_("It looks like TIP-7KQ2-M9XD. Capital or small letters, with or without dashes."),
        max_length=40,
        widget=_input(autocomplete="off", autocapitalize="characters", spellcheck="false"),
        error_messages={"required": _("Please enter the tip code you were given.")},
    )
    text = TextField(
        label=_("What would you like to add?"),
        max_length=TEXT_LIMIT,
        widget=_textarea(6),
        error_messages={"required": _("Please write what you would like to add.")},
    )

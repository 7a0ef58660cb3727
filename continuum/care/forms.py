"""Forms of the services network: the directory's filters and a directory entry."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from continuum.core.codes import LANGUAGE_NAMES, ServiceType
from continuum.core.htcds import Gender
from continuum.core.locking import VersionField
from continuum.core.validation import (
    PLACES_ABOVE_CAPACITY,
    BadJson,
    StrictChoiceField,
    StrictEmailField,
    StrictModelChoiceField,
    StrictModelMultipleChoiceField,
    StrictMultipleChoiceField,
    TextField,
    WholeNumberField,
    parse_json_body,
)
from continuum.org.models import Agency, Region


def _with_any(choices: list[tuple[str, str]]) -> list[tuple[str, str | Promise]]:
    return [("", _("Any")), *choices]


def _uswds(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        widget.attrs["class"] = "usa-select" if isinstance(widget, forms.Select) else "usa-input"


class DirectoryFilterForm(forms.Form):
    """The directory's filters; every value is checked against its code list."""

    region = StrictModelChoiceField(
        label=_("Region served"),
        queryset=Region.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    service_type = StrictChoiceField(
        label=_("Service"), required=False, choices=_with_any(list(ServiceType.choices))
    )
    language = StrictChoiceField(
        label=_("Language"), required=False, choices=_with_any(sorted(LANGUAGE_NAMES.items()))
    )
    room = StrictChoiceField(
        label=_("Places"), required=False, choices=[("", _("Any")), ("free", _("Has a free place"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _uswds(self)


class ProviderServiceForm(forms.Form):
    """One directory entry. A provider's staff get the fields they keep up to date; a coordinator
    also what the service is (type, name) and, for a new one, whose it is. An edit carries the
    version it started from and what the editor saw (SECURITY.md 19)."""

    version = VersionField()
    # What the editor saw when the form was drawn (JSON), to show what someone else changed.
    seen = TextField(widget=forms.HiddenInput, required=False)
    agency = StrictModelChoiceField(label=_("Provider agency"), queryset=Agency.objects.none())
    service_type = StrictChoiceField(label=_("Service"), choices=ServiceType.choices)
    name = TextField(label=_("Programme name (optional)"), max_length=120, required=False, strip=True)
    min_age = WholeNumberField(label=_("Youngest age taken"), min_value=0, max_value=130, required=False)
    max_age = WholeNumberField(label=_("Oldest age taken"), min_value=0, max_value=130, required=False)
    genders = StrictMultipleChoiceField(
        label=_("Genders taken (none ticked: any)"),
        choices=Gender.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = TextField(
        label=_("Languages spoken, as two-letter codes separated by commas (en, es...); empty: any"),
        max_length=200,
        required=False,
    )
    regions = StrictModelMultipleChoiceField(
        label=_("Regions served (none ticked: the agency's own)"),
        queryset=Region.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    capacity = WholeNumberField(label=_("Places"), min_value=0)
    in_use = WholeNumberField(label=_("Places taken"), min_value=0)
    waitlist = WholeNumberField(label=_("On the waitlist"), min_value=0)
    contact_phone = TextField(label=_("Intake phone"), max_length=40, required=False, strip=True)
    contact_email = StrictEmailField(label=_("Intake e-mail"), max_length=254, required=False)
    active = forms.TypedChoiceField(
        label=_("Referrals"),
        choices=[("yes", _("Takes referrals")), ("no", _("Takes no referrals now"))],
        coerce=lambda value: value == "yes",
        initial="yes",
    )

    def __init__(self, *args: Any, curate: bool, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            agency_field = self.fields["agency"]
            assert isinstance(agency_field, forms.ModelChoiceField)
            agency_field.queryset = agencies
            del self.fields["version"], self.fields["seen"]
        if not curate:
            del self.fields["service_type"], self.fields["name"]
        _uswds(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        capacity, in_use = data.get("capacity"), data.get("in_use")
        if capacity is not None and in_use is not None and in_use > capacity:
            self.add_error("in_use", PLACES_ABOVE_CAPACITY)
        return data

    def clean_languages(self) -> list[str]:
        text: str = self.cleaned_data.get("languages") or ""
        # Whether each code is ISO 639-1 is ProviderService.clean's to say.
        return [code.lower() for code in re.split(r"[\s,;]+", text) if code]

    def values(self) -> dict[str, Any]:
        """The entry's fields as the actions take them (no version, no agency)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"version", "seen", "agency"}
        }

    def seen_values(self) -> dict[str, Any]:
        try:
            seen = parse_json_body((self.cleaned_data.get("seen") or "{}").encode())
        except BadJson:
            return {}
        return seen if isinstance(seen, dict) else {}


def initial_of(version: int, values: dict[str, Any]) -> dict[str, Any]:
    """The form's initial data for a stored entry: its values (actions.service_values), its
    version, and the same values as what the editor saw."""
    return {
        **values,
        "languages": ", ".join(values["languages"]),
        "active": "yes" if values["active"] else "no",
        "version": version,
        "seen": json.dumps(values, sort_keys=True),
    }

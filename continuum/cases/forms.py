from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms import Form
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from continuum.access import policy
from continuum.access.models import ConsentMethod, SignerRelationship
from continuum.cases.classification import AgeGroup, TraffickingType
from continuum.cases.selectors import (
    people_labels,
)
from continuum.core.htcds import CaseStatus
from continuum.core.locking import VersionField
from continuum.core.sensitivity import InfoCategory
from continuum.core.validation import (
    BoundedDateField,
    BoundedDateTimeField,
    StrictChoiceField,
    StrictModelChoiceField,
    StrictMultipleChoiceField,
    TextField,
    parse_id,
)
from continuum.org.models import Agency, Region, Town, User
from continuum.people.models import Person


def _with_any(choices: list[tuple[str, str]]) -> list[tuple[str, str | Promise]]:
    return [("", _("Any")), *choices]


class CaseFilterForm(forms.Form):
    """The case list's search box and filters; every value is checked against its code list."""

    q = TextField(label=_("Search"), required=False, max_length=100, strip=True)
    region = StrictModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    age_group = StrictChoiceField(
        label=_("Child or adult"), required=False, choices=_with_any(AgeGroup.choices)
    )
    trafficking_type = StrictChoiceField(
        label=_("Type"), required=False, choices=_with_any(TraffickingType.choices)
    )
    status = StrictChoiceField(label=_("Status"), required=False, choices=_with_any(CaseStatus.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "usa-input" if name == "q" else "usa-select"


class PersonChoiceField(StrictModelChoiceField):
    """A person of the case, named as the policy lets the reader see them: the view gives the
    labels (cases.selectors.people_labels); a person without one is shown as withheld."""

    labels: dict[Any, str] | None = None

    def label_from_instance(self, obj: Any) -> str:
        return (self.labels or {}).get(obj.pk) or str(_("Withheld"))


class ConsentForm(forms.Form):
    """An advocate records the survivor's consent for one receiving agency."""

    survivor = PersonChoiceField(label=_("Survivor"), queryset=Person.objects.none())
    agency = StrictModelChoiceField(
        label=_("Agency that may see the information"), queryset=Agency.objects.none()
    )
    categories = StrictMultipleChoiceField(
        label=_("Which information"),
        choices=[(c.value, c.label) for c in InfoCategory if c != InfoCategory.PRIVILEGED_NOTES],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = BoundedDateField(
        label=_("Consent ends on"), widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"})
    )
    method = StrictChoiceField(label=_("How consent was given"), choices=ConsentMethod.choices)
    signed_by = PersonChoiceField(label=_("Signed by"), queryset=Person.objects.none())
    signer_relationship = StrictChoiceField(label=_("Signer is"), choices=SignerRelationship.choices)

    def __init__(self, *args: Any, people: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        survivor_field = self.fields["survivor"]
        signer_field = self.fields["signed_by"]
        agency_field = self.fields["agency"]
        assert isinstance(survivor_field, forms.ModelChoiceField)
        assert isinstance(signer_field, forms.ModelChoiceField)
        assert isinstance(agency_field, forms.ModelChoiceField)
        survivor_field.queryset = people["survivors"]
        signer_field.queryset = people["signers"]
        agency_field.queryset = agencies
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "usa-select"

    def expires_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["expires_on"]
        return dt.datetime.combine(day, dt.time(23, 59), tzinfo=timezone.get_current_timezone())


class RevokeForm(forms.Form):
    method = StrictChoiceField(label=_("How the survivor revoked consent"), choices=ConsentMethod.choices)


class BreakGlassForm(forms.Form):
    reason = TextField(
        label=_("Why you need this case now"),
        min_length=20,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 4}),
    )


class CourtOrderForm(forms.Form):
    agency = StrictModelChoiceField(label=_("Agency the order names"), queryset=Agency.objects.none())
    categories = StrictMultipleChoiceField(
        label=_("Information the order covers"),
        choices=[(c.value, c.label) for c in InfoCategory if c != InfoCategory.PRIVILEGED_NOTES],
        widget=forms.CheckboxSelectMultiple,
    )
    docket_reference = TextField(label=_("Docket number"), max_length=64)
    issued_on = BoundedDateField(label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = BoundedDateField(label=_("Order ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        agency_field.widget.attrs["class"] = "usa-select"
        for name in ("docket_reference", "issued_on", "expires_on"):
            self.fields[name].widget.attrs["class"] = "usa-input"

    def expires_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["expires_on"]
        return dt.datetime.combine(day, dt.time(23, 59), tzinfo=timezone.get_current_timezone())


class CaseEditForm(forms.Form):
    """The editable facts of a case, with the version the editor started from (SECURITY.md 19)."""

    version = VersionField()
    # What the editor saw when the form was drawn, to show what someone else changed meanwhile.
    seen_town = TextField(widget=forms.HiddenInput, required=False)
    seen_owner = TextField(widget=forms.HiddenInput, required=False)
    seen_status = TextField(widget=forms.HiddenInput, required=False)
    town = StrictModelChoiceField(label=_("Town"), queryset=Town.objects.none(), required=False)
    owner = StrictModelChoiceField(label=_("Case owner"), queryset=User.objects.none(), required=False)
    status = StrictChoiceField(
        label=_("Status"),
        choices=[
            (CaseStatus.ACTIVE, CaseStatus.ACTIVE.label),
            (CaseStatus.FOLLOW_UP, CaseStatus.FOLLOW_UP.label),
        ],
    )

    def __init__(self, *args: Any, towns: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town_field, owner_field = self.fields["town"], self.fields["owner"]
        assert isinstance(town_field, forms.ModelChoiceField) and isinstance(
            owner_field, forms.ModelChoiceField
        )
        town_field.queryset = towns
        owner_field.queryset = owners
        for name in ("town", "owner", "status"):
            self.fields[name].widget.attrs["class"] = "usa-select"

    def seen(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "town": parse_id(data["seen_town"]),
            "owner": parse_id(data["seen_owner"]),
            "status": data["seen_status"],
        }


class StaffChoiceField(StrictModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        membership = getattr(obj, "membership", None)
        agency = membership.agency.name if membership is not None else ""
        return f"{obj.get_full_name() or obj.username} · {agency}"


class UswdsForm(forms.Form):
    """A form whose widgets carry the USWDS classes for their kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "usa-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "usa-textarea")
            elif not isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "usa-input")

    def set_choices(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset
        if field.required and name not in self.initial:
            only = list(queryset[:2])
            if len(only) == 1:  # one survivor, one agency: chosen already
                self.initial[name] = only[0].pk


def datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def date_field(label: Any, required: bool = False) -> forms.DateField:
    return BoundedDateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


FormT = TypeVar("FormT", bound=Form)


def named(form: FormT, access: policy.CaseAccess) -> FormT:
    """The form, its people named as the policy lets this reader see them."""
    labels = people_labels(access)
    for field in form.fields.values():
        if isinstance(field, PersonChoiceField):
            field.labels = labels
    return form


def add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def uuid_or_none(text: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from continuum.access.models import Agency, ConsentMethod, Region, SignerRelationship, Town, User
from continuum.cases.actions import MINUTE_CATEGORIES, TASK_TITLE_MAX
from continuum.cases.classification import AgeGroup, TraffickingType
from continuum.cases.models import ContactMethod, ContactOutcome, GoalStatus, TeamRole
from continuum.core.htcds import CaseStatus, SupportPlanType
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


class TeamAddForm(forms.Form):
    member = StaffChoiceField(label=_("Staff member"), queryset=User.objects.none(), required=False)
    agency = StrictModelChoiceField(
        label=_("Or a whole partner agency"), queryset=Agency.objects.none(), required=False
    )
    team_role = StrictChoiceField(label=_("Role on the team"), choices=TeamRole.choices)

    def __init__(self, *args: Any, members: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_field, agency_field = self.fields["member"], self.fields["agency"]
        assert isinstance(member_field, forms.ModelChoiceField) and isinstance(
            agency_field, forms.ModelChoiceField
        )
        member_field.queryset = members
        agency_field.queryset = agencies
        for field in self.fields.values():
            field.widget.attrs["class"] = "usa-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("member")) == bool(data.get("agency")):
            raise forms.ValidationError(_("Choose a staff member or an agency, one of the two."))
        return data


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


def _datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _date_field(label: Any, required: bool = False) -> forms.DateField:
    return BoundedDateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class TaskForm(UswdsForm):
    """A task with an owner and a deadline."""

    title = TextField(
        label=_("What is to be done (no personal details)"), max_length=TASK_TITLE_MAX, strip=True
    )
    agency = StrictModelChoiceField(label=_("Agency responsible"), queryset=Agency.objects.none())
    assignee = StaffChoiceField(
        label=_("Staff member (optional)"), queryset=User.objects.none(), required=False
    )
    due_at = _datetime_field(_("Due"))

    def __init__(self, *args: Any, agencies: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("agency", agencies)
        self.set_choices("assignee", staff)


class TaskAssignForm(UswdsForm):
    version = VersionField()
    assignee = StaffChoiceField(label=_("Staff member"), queryset=User.objects.none(), required=False)
    due_at = _datetime_field(_("Due"))

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("assignee", staff)


class FollowUpForm(UswdsForm):
    survivor = PersonChoiceField(label=_("Survivor"), queryset=Person.objects.none())
    contacted_at = _datetime_field(_("When"))
    method = StrictChoiceField(label=_("How"), choices=ContactMethod.choices)
    outcome = StrictChoiceField(label=_("What came of it"), choices=ContactOutcome.choices)
    next_contact_on = _date_field(_("Next contact due (optional)"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("survivor", people)


class PlanForm(UswdsForm):
    survivor = PersonChoiceField(label=_("Survivor"), queryset=Person.objects.none())
    plan_type = StrictChoiceField(label=_("Kind of plan (HTCDS)"), choices=SupportPlanType.choices)
    objectives = TextField(label=_("Objectives"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    action_plan = TextField(
        label=_("Action plan"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    planned_end_date = _date_field(_("Planned end"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("survivor", people)


class PlanEditForm(UswdsForm):
    version = VersionField()
    objectives = TextField(label=_("Objectives"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    action_plan = TextField(
        label=_("Action plan"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    planned_end_date = _date_field(_("Planned end"))
    actual_end_date = _date_field(_("Ended on (when the plan is finished)"))


class GoalForm(UswdsForm):
    description = TextField(label=_("Goal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    owner_agency = StrictModelChoiceField(
        label=_("Agency that owns it (optional)"), queryset=Agency.objects.none(), required=False
    )
    due_on = _date_field(_("Target date (optional)"))

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("owner_agency", agencies)


GOAL_CLOSING = [(GoalStatus.MET, _("Met")), (GoalStatus.DROPPED, _("No longer pursued"))]


class MeetingForm(UswdsForm):
    scheduled_for = _datetime_field(_("When"))
    place = TextField(label=_("Where (a room or a video call)"), max_length=120, required=False)


class MinuteForm(UswdsForm):
    category = StrictChoiceField(
        label=_("What it is about (who may read it follows from this)"),
        choices=[(c.value, c.label) for c in InfoCategory if c.value in MINUTE_CATEGORIES],
    )
    body = TextField(label=_("Minute"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

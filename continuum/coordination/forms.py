"""Forms of the case team, tasks, follow-ups and the plan (input checked here, rules in actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuum.cases.forms import PersonChoiceField, StaffChoiceField, UswdsForm, date_field, datetime_field
from continuum.coordination.actions import TASK_TITLE_MAX
from continuum.coordination.models import ContactMethod, ContactOutcome, GoalStatus, TeamRole
from continuum.core.htcds import SupportPlanType
from continuum.core.locking import VersionField
from continuum.core.validation import (
    StrictChoiceField,
    StrictModelChoiceField,
    TextField,
)
from continuum.org.models import Agency, User
from continuum.people.models import Person


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


class TaskForm(UswdsForm):
    """A task with an owner and a deadline."""

    title = TextField(
        label=_("What is to be done (no personal details)"), max_length=TASK_TITLE_MAX, strip=True
    )
    agency = StrictModelChoiceField(label=_("Agency responsible"), queryset=Agency.objects.none())
    assignee = StaffChoiceField(
        label=_("Staff member (optional)"), queryset=User.objects.none(), required=False
    )
    due_at = datetime_field(_("Due"))

    def __init__(self, *args: Any, agencies: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("agency", agencies)
        self.set_choices("assignee", staff)


class TaskAssignForm(UswdsForm):
    version = VersionField()
    assignee = StaffChoiceField(label=_("Staff member"), queryset=User.objects.none(), required=False)
    due_at = datetime_field(_("Due"))

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("assignee", staff)


class FollowUpForm(UswdsForm):
    survivor = PersonChoiceField(label=_("Survivor"), queryset=Person.objects.none())
    contacted_at = datetime_field(_("When"))
    method = StrictChoiceField(label=_("How"), choices=ContactMethod.choices)
    outcome = StrictChoiceField(label=_("What came of it"), choices=ContactOutcome.choices)
    next_contact_on = date_field(_("Next contact due (optional)"))

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
    planned_end_date = date_field(_("Planned end"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("survivor", people)


class PlanEditForm(UswdsForm):
    version = VersionField()
    objectives = TextField(label=_("Objectives"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    action_plan = TextField(
        label=_("Action plan"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    planned_end_date = date_field(_("Planned end"))
    actual_end_date = date_field(_("Ended on (when the plan is finished)"))


class GoalForm(UswdsForm):
    description = TextField(label=_("Goal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    owner_agency = StrictModelChoiceField(
        label=_("Agency that owns it (optional)"), queryset=Agency.objects.none(), required=False
    )
    due_on = date_field(_("Target date (optional)"))

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("owner_agency", agencies)


GOAL_CLOSING = [(GoalStatus.MET, _("Met")), (GoalStatus.DROPPED, _("No longer pursued"))]

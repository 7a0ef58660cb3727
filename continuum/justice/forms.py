"""The forms of the justice pages. They check the shape of the input (every 4xx); the actions in
continuum.justice.actions keep the rules. Choices of records (charges, investigations) come from
the view, which took them through the policy; an id that is not among them is refused here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from continuum.cases.models import Relationship
from continuum.core.htcds import PerpetratorRole
from continuum.core.locking import VersionField
from continuum.core.validation import (
    BoundedDateField,
    StrictChoiceField,
    StrictMultipleChoiceField,
    TextField,
)
from continuum.justice.actions import ALIASES_MAX, NAME_MAX, SENTENCE_SUMMARY_MAX
from continuum.justice.models import Charge, InvestigationStatus, Outcome


def _styled(form: forms.Form) -> None:
    """USWDS classes on every visible widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "usa-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "usa-textarea")
        else:
            widget.attrs.setdefault("class", "usa-input")


def charge_label(charge: Charge) -> str:
    """A charge as its statute, its class and its counts, e.g. "53a-192a · class B felony · 2 counts"."""
    level = (
        _("class %(c)s felony") % {"c": charge.felony_class}
        if charge.felony_class
        else charge.get_offense_level_display()
    )
    counts = ngettext("%(n)d count", "%(n)d counts", charge.counts) % {"n": charge.counts}
    return f"{charge.statute} · {level} · {counts}"


def moment_of(day: dt.date) -> dt.datetime:
    """The moment a form's date stands for: now for today, midday (local time) for a past day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class SuspectForm(forms.Form):
    """A suspect as far as they are known: a name, an alias or both, the relationship to the
    survivor, and their roles in the trafficking (HTCDS per_RoleInProcess)."""

    first_name = TextField(label=_("First name"), required=False, max_length=NAME_MAX)
    last_name = TextField(label=_("Last name"), required=False, max_length=NAME_MAX)
    aliases = TextField(
        label=_("Aliases or street names (separated by commas)"), required=False, max_length=400
    )
    relationship = StrictChoiceField(
        label=_("Relationship to the survivor"),
        choices=Relationship.choices,
        initial=Relationship.UNKNOWN,
    )
    perpetrator_roles = StrictMultipleChoiceField(
        label=_("Roles in the trafficking"),
        choices=PerpetratorRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "suspect_%s")
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_aliases(self) -> list[str]:
        text: str = self.cleaned_data["aliases"]
        aliases = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
        if len(aliases) > ALIASES_MAX:
            raise forms.ValidationError(_("Give at most %(n)d aliases.") % {"n": ALIASES_MAX})
        if any(len(alias) > NAME_MAX for alias in aliases):
            raise forms.ValidationError(_("An alias has at most %(n)d characters.") % {"n": NAME_MAX})
        return aliases

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("first_name") or data.get("last_name") or data.get("aliases")) and not self.errors:
            raise forms.ValidationError(_("Give the suspect's name or an alias, as far as it is known."))
        return data


class InvestigationStatusForm(forms.Form):
    """The status of one investigation, with the version and status the editor started from."""

    investigation = TextField(widget=forms.HiddenInput, max_length=40)
    version = VersionField()
    seen_status = StrictChoiceField(widget=forms.HiddenInput, choices=InvestigationStatus.choices)
    status = StrictChoiceField(label=_("Status"), choices=InvestigationStatus.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class ProsecutionOpenForm(forms.Form):
    """The charges of the case a prosecution takes up (those not prosecuted yet)."""

    charges = StrictMultipleChoiceField(
        label=_("Charges to prosecute"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, charges: list[Charge], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "open_%s")
        super().__init__(*args, **kwargs)
        self._charges = {str(c.pk): c for c in charges}
        field = self.fields["charges"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, charge_label(c)) for key, c in self._charges.items()]
        field.error_messages["required"] = _("Choose at least one charge.")

    def chosen(self) -> list[Charge]:
        return [self._charges[key] for key in self.cleaned_data["charges"]]


class DispositionForm(forms.Form):
    """How one charge of a prosecution ended: outcome, date and a short sentence summary."""

    charge = StrictChoiceField(label=_("Charge"), choices=())
    outcome = StrictChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    decided_on = BoundedDateField(label=_("Date decided"), widget=forms.DateInput(attrs={"type": "date"}))
    sentence_summary = TextField(
        label=_("Sentence in short, without names (optional), e.g. “5 years, 2 suspended”"),
        required=False,
        max_length=SENTENCE_SUMMARY_MAX,
    )

    def __init__(self, *args: Any, charges: list[Charge], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dispose_%s")
        super().__init__(*args, **kwargs)
        self._charges = {str(c.pk): c for c in charges}
        field = self.fields["charge"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, charge_label(c)) for key, c in self._charges.items()]
        _styled(self)

    def clean_decided_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def chosen(self) -> Charge:
        return self._charges[self.cleaned_data["charge"]]

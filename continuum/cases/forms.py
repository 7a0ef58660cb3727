from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from continuum.access.models import Region
from continuum.cases.classification import AgeGroup, TraffickingType
from continuum.core.htcds import CaseStatus


def _with_any(choices: list[tuple[str, str]]) -> list[tuple[str, str | Promise]]:
    return [("", _("Any")), *choices]


class CaseFilterForm(forms.Form):
    """The case list's search box and filters; every value is checked against its code list."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    age_group = forms.ChoiceField(
        label=_("Child or adult"), required=False, choices=_with_any(AgeGroup.choices)
    )
    trafficking_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_with_any(TraffickingType.choices)
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_any(CaseStatus.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "usa-input" if name == "q" else "usa-select"

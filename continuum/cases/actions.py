"""Writes on cases with consequences: each one transaction with its audit row and journey event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import policy
from continuum.audit import log as audit
from continuum.cases.classification import AgeGroup, age_group_of, combine_types, trafficking_type_of
from continuum.cases.models import (
    Case,
    CaseNote,
    CaseParticipant,
    ClosureReason,
    Exploitation,
    ParticipantRole,
    SurvivorAccount,
)
from continuum.core.htcds import CaseStatus, MethodOfControl, TypeOfExploitation
from continuum.core.locking import check_version, save_new_version, update_if_version
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.org.models import User
from continuum.people.models import Person


@policy.atomic_action
def note_add(*, actor: User, case: Case, body: str, privileged: bool = True) -> CaseNote:
    """A note on the case, by whoever may update it (policy `case.update`)."""
    policy.require(actor, "case.update", case)
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, privileged=privileged, body=text)
    audit.record(actor=actor, action="create", obj=note, case_id=case.pk, fields=["body"])
    return note


# The screening's means of control, as HTCDS vic_MethodsOfControl values.
MEANS_TO_HTCDS = {
    "physical_abuse": MethodOfControl.PHYSICAL_ABUSE,
    "sexual_abuse": MethodOfControl.SEXUAL_ABUSE,
    "false_promises": MethodOfControl.FALSE_PROMISES,
    "debt_bondage": MethodOfControl.DEBT_BONDAGE,
    "threats": MethodOfControl.PHYSICAL_THREATS,
    "threats_law_enforcement": MethodOfControl.THREATS_LAW_ENFORCEMENT,
    "withholding_documents": MethodOfControl.WITHHOLDS_DOCUMENTS,
    "psychological_abuse": MethodOfControl.PSYCHOLOGICAL_ABUSE,
    "financial_control": MethodOfControl.RESTRICTS_FINANCIAL_ACCESS,
    "substance_control": MethodOfControl.PSYCHOACTIVE_SUBSTANCE,
    "restricting_movement": MethodOfControl.OTHER,
    "isolation": MethodOfControl.OTHER,
}


@policy.atomic_action
def case_classify_from_screening(
    *,
    actor: User,
    case: Case,
    person: Person,
    trafficking_type: str | None,
    minor: bool | None,
    elements: Iterable[str],
    stated_age: int | None,
) -> Case:
    """Carry what a screening found into the survivor's exploitation record (types, means of
    control, the stated age when no date of birth is known) and derive the case's type and
    child/adult status again from the records, as everywhere else. Done with a screening, by
    whoever may record one (policy `screening.record`)."""
    policy.require(actor, "screening.record", case=case)
    exploitation = Exploitation.objects.filter(case=case, survivor=person).order_by("created_at").first()
    if exploitation is None:
        exploitation = Exploitation.objects.create(case=case, survivor=person)
    types = set(exploitation.types)
    if trafficking_type in {"sex", "both"}:
        types.add(TypeOfExploitation.SEXUAL_EXPLOITATION)
    if trafficking_type in {"labor", "both"}:
        types.add(TypeOfExploitation.CHILD_LABOUR if minor else TypeOfExploitation.FORCED_LABOUR)
    controls = set(exploitation.methods_of_control)
    for element in elements:
        kind, _, code = element.partition(":")
        if kind == "means" and code in MEANS_TO_HTCDS:
            controls.add(MEANS_TO_HTCDS[code])
    exploitation.types = sorted(types)
    exploitation.methods_of_control = sorted(controls)
    if stated_age is not None and person.birth_date is None:
        exploitation.stated_age = stated_age
    save_new_version(exploitation, ["types", "methods_of_control", "stated_age"])
    records = list(Exploitation.objects.filter(case=case).select_related("survivor"))
    case.trafficking_type = combine_types(trafficking_type_of(e.types) for e in records)
    age_group = age_group_of(e.age_at_exploitation for e in records)
    if age_group == AgeGroup.UNKNOWN and minor is not None:
        age_group = AgeGroup.MINOR if minor else AgeGroup.ADULT
    case.age_group = age_group
    save_new_version(case, ["trafficking_type", "age_group"])
    audit.record(
        actor=actor,
        action="update",
        obj=exploitation,
        case_id=case.pk,
        fields=["types", "methods_of_control", "stated_age"],
    )
    return case


CASE_EDITABLE = ("town", "owner", "status")


@policy.atomic_action
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    changes: dict[str, Any],
    seen: dict[str, Any] | None = None,
) -> Case:
    """Change editable fields of a case if nobody changed it since `expected_version`; otherwise
    StaleEdit naming what differs from what the editor had `seen`. One conditional UPDATE: two
    people saving at the same moment cannot both win."""
    policy.require(actor, "case.update", case)
    unknown = set(changes) - set(CASE_EDITABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    if changes.get("status") in {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}:
        raise ValidationError({"status": _("Close a case with its closure reason, not here.")})
    values = {_column(name): _pk(value) for name, value in changes.items()}
    current = update_if_version(
        Case.objects.select_related("town", "owner"),
        case.pk,
        expected_version,
        seen={name: value for name, value in (seen or {}).items() if name in CASE_EDITABLE},
        **values,
    )
    audit.record(actor=actor, action="update", obj=current, fields=sorted(changes))
    return current


def _column(name: str) -> str:
    return f"{name}_id" if name in {"town", "owner"} else name


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


@policy.atomic_action
def case_close(*, actor: User, case: Case, reason: str, expected_version: int) -> Case:
    """Close a case with a reason; a transfer closes it as referred. Refused when someone changed
    the case since `expected_version` (StaleEdit) or when it is closed already."""
    policy.require(actor, "case.update", case)
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case closes.")})
    status = CaseStatus.CLOSED_REFERRED if reason == ClosureReason.TRANSFERRED else CaseStatus.CLOSED
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.status in {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}:
        raise ValidationError(_("This case is closed already."))
    check_version(current, expected_version, seen={"status": case.status})
    current.status = status
    current.closure_reason = reason
    current.closed_on = timezone.localdate()
    save_new_version(current, ["status", "closure_reason", "closed_on"])
    audit.record(
        actor=actor,
        action="update",
        obj=current,
        fields=["status", "closure_reason", "closed_on"],
        detail={"reason": reason},
    )
    journey_record(case_id=case.pk, kind=EventKind.CASE_CLOSED, actor=actor, data={"reason": reason})
    return current


@policy.atomic_action
def account_record(
    *, actor: User, case: Case, survivor: Person, body: str, language: str = ""
) -> SurvivorAccount:
    """Record the survivor's own account once; it is shared by consent (category `account`).
    By whoever may work on the case's account (policy `case.account`: the advocate on the team)."""
    policy.require(actor, "case.account", case)
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write the account first.")})
    if not CaseParticipant.objects.filter(case=case, person=survivor, role=ParticipantRole.SURVIVOR).exists():
        raise ValidationError({"survivor": _("This person is not a survivor in this case.")})
    account = SurvivorAccount.objects.create(
        case=case, survivor=survivor, body=text, language=language, recorded_by=actor
    )
    audit.record(actor=actor, action="create", obj=account, case_id=case.pk, fields=["body"])
    return account

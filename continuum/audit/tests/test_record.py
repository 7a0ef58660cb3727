from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from continuum.audit import sequencer
from continuum.audit.log import record
from continuum.audit.models import AuditEvent, AuditSeal
from continuum.cases.models import Case
from continuum.journeys.models import JourneyEvent


def _state() -> tuple[int, int]:
    """(the newest row's id, how many seals the chain holds)."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0, AuditSeal.objects.count()


@pytest.mark.django_db
def test_it_appends_rows_with_growing_ids_and_leaves_the_chaining_to_the_sequencer(persona):
    coordinator = persona("coordinator")
    last_id, seals = _state()

    rows = [
        record(actor=coordinator, action="list", object_type="cases.Case"),
        record(actor=coordinator, action="view", object_type="cases.Case", object_id="17", fields=["status"]),
        record(actor=None, action="deny", outcome="denied", detail={"reason": "no_consent"}),
    ]

    ids = [r.id for r in rows]
    assert ids == sorted(ids) and ids[0] > last_id
    assert AuditSeal.objects.count() == seals
    assert not AuditSeal.objects.filter(event_id__in=ids).exists()
    for row in rows:
        assert AuditEvent.objects.get(id=row.id).action == row.action


@pytest.mark.django_db
def test_it_records_the_actor_with_agency_and_role(persona):
    coordinator = persona("coordinator")
    event = record(actor=coordinator, action="list")
    assert event.actor_id == coordinator.pk
    assert event.agency_id == coordinator.membership.agency_id
    assert event.role == coordinator.membership.role == "coordinator"


@pytest.mark.django_db
def test_an_anonymous_actor_leaves_the_actor_columns_empty():
    event = record(actor=AnonymousUser(), action="deny", outcome="denied")
    assert (event.actor_id, event.agency_id, event.role) == (None, None, "")


@pytest.mark.django_db
def test_it_takes_the_object_and_the_case_from_a_case():
    case = Case.objects.order_by("created_at").first()
    assert case is not None
    event = record(actor=None, action="view", obj=case, fields=["status", "region"])
    assert event.object_type == "cases.Case"
    assert event.object_id == str(case.pk)
    assert event.case_id == case.pk
    assert AuditEvent.objects.get(id=event.id).fields == ["status", "region"]


@pytest.mark.django_db
def test_it_takes_the_case_from_an_object_that_belongs_to_one():
    journey_event = JourneyEvent.objects.order_by("id").first()
    assert journey_event is not None
    event = record(actor=None, action="view", obj=journey_event)
    assert event.object_type == "journeys.JourneyEvent"
    assert event.object_id == str(journey_event.pk)
    assert event.case_id == journey_event.case_id


@pytest.mark.django_db
def test_a_case_id_may_be_given_as_a_string():
    case_id = uuid.uuid4()
    event = record(actor=None, action="court_order", case_id=str(case_id), flagged=True)
    assert AuditEvent.objects.get(id=event.id).case_id == case_id


@pytest.mark.django_db
def test_a_row_rolls_back_with_the_callers_action(persona):
    coordinator = persona("coordinator")
    record(actor=coordinator, action="view")
    sequencer.seal()
    before_rows = AuditEvent.objects.count()
    end_before = AuditSeal.objects.order_by("-position").first()
    assert end_before is not None

    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=coordinator, action="update", object_type="cases.Case", object_id="1")
        raise RuntimeError("the action failed after its audit row was written")

    assert AuditEvent.objects.count() == before_rows
    assert sequencer.seal().sealed == 0
    # The chain goes on from where it was.
    after = record(actor=coordinator, action="update")
    sequencer.seal()
    seal = AuditSeal.objects.get(event_id=after.id)
    assert seal.position == end_before.position + 1
    assert seal.prev_mac == end_before.mac


PERSONAL_DATA = [
    {"detail": {"name": "Maria Lopez"}},
    {"detail": {"note": "met at the bus station on 5th"}},
    {"detail": {"Full Name": "x"}},
    {"detail": {"first name": "x"}},
    {"detail": {"dob": {"year": 1999}}},
    {"detail": {"score": 1.5}},
    {"detail": {"names": ["Maria", "Maria Lopez"]}},
    {"fields": ["first name"]},
    {"fields": ["Maria Lopez"]},
    {"fields": "first_name"},
    {"fields": ["x" * 65]},
    {"object_id": "Maria Lopez"},
    {"object_type": "Maria Lopez"},
    {"action": "Maria Lopez"},
    {"outcome": "maybe"},
    {"case_id": "Maria Lopez"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("kwargs", PERSONAL_DATA)
def test_it_refuses_values_that_could_be_personal_data(kwargs):
    before = _state()
    before_rows = AuditEvent.objects.count()
    arguments = {"actor": None, "action": "view", **kwargs}

    with pytest.raises(ValueError):
        record(**arguments)

    assert AuditEvent.objects.count() == before_rows
    assert _state() == before
    assert not AuditEvent.objects.filter(detail__icontains="Maria").exists()


@pytest.mark.django_db
def test_it_accepts_codes_ids_and_lists_of_them():
    detail = {
        "reason": "no_consent",
        "agency": 12,
        "expired": True,
        "previous": None,
        "case": str(uuid.uuid4()),
        "categories": ["health", "immigration", 3],
        "at": "2026-01-01T10:00:00Z",
    }
    event = record(actor=None, action="consent_revoke", detail=detail)
    assert AuditEvent.objects.get(id=event.id).detail == detail


@pytest.mark.django_db
def test_rows_are_never_updated_or_deleted_through_the_orm():
    event = record(actor=None, action="view")
    event.action = "view2"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(id=event.id).update(action="view2")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(id=event.id).delete()
    assert AuditEvent.objects.get(id=event.id).action == "view"


@pytest.mark.django_db
def test_rows_cannot_be_written_around_the_checks():
    before = AuditEvent.objects.count()
    with pytest.raises(TypeError):
        AuditEvent.objects.create(action="view")
    with pytest.raises(TypeError):
        AuditEvent.objects.bulk_create([AuditEvent(action="view")])
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_seals_are_never_updated_or_deleted_through_the_orm():
    record(actor=None, action="view")
    sequencer.seal()
    seal = AuditSeal.objects.order_by("-position").first()
    assert seal is not None
    seal.mac = "0" * 64
    with pytest.raises(TypeError):
        seal.save()
    with pytest.raises(TypeError):
        seal.delete()
    with pytest.raises(TypeError):
        AuditSeal.objects.filter(position=seal.position).update(mac="0" * 64)
    with pytest.raises(TypeError):
        AuditSeal.objects.filter(position=seal.position).delete()
    assert AuditSeal.objects.get(position=seal.position).mac != "0" * 64


def test_the_model_has_no_reviewer_column_and_no_foreign_keys():
    names = {f.name for f in AuditEvent._meta.get_fields()}
    assert "reviewed_by_id" not in names and "reviewed_by" not in names
    assert not [f for f in AuditEvent._meta.get_fields() if f.is_relation]

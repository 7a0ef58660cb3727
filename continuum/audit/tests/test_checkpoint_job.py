"""The worker seals and checkpoints the audit log every five minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from continuum.audit import checkpoints, log
from continuum.audit.models import AuditSeal
from continuum.audit.tasks import audit_checkpoint
from continuum.core import jobs


def test_the_audit_checkpoint_is_a_periodic_job_every_five_minutes():
    periodic = {p.name: p for p in jobs.periodic_jobs()}["audit.checkpoint"]
    assert periodic.every == dt.timedelta(minutes=5)
    assert periodic.task is audit_checkpoint


@pytest.mark.django_db
def test_the_job_seals_new_rows_and_writes_one_checkpoint():
    log.record(actor=None, action="login_failed", outcome="denied")
    before = len(checkpoints.read_all())

    position = audit_checkpoint.call()

    assert AuditSeal.objects.count() == position >= 1
    stored = checkpoints.read_all()
    assert len(stored) == before + 1
    assert stored[-1].checkpoint.position == position

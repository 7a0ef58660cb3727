"""`care_reminders` as the hourly job of the worker: run twice, or killed half-way and run again
by another worker, it records each reminder once, with one journey event and one audit row each.
Real commits, the real database backend and the worker loop; the kill is a real process exit."""

import datetime as dt
import os
import signal
import time
import uuid

import pytest
from django.conf import settings
from django.db import connections
from django.db.models import F
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from continuum.access import policy
from continuum.audit.models import AuditEvent
from continuum.care import actions, tasks
from continuum.care.models import WAIT_LIMITS, ProviderService, ReferralReminder
from continuum.care.tests.conftest import make_case, make_consent, make_staff
from continuum.core.worker import Worker
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency, AgencyKind, Region

pytestmark = pytest.mark.django_db(transaction=True)

KILLED = 9


@pytest.fixture
def overdue(monkeypatch):
    """Three sent referrals of a fresh region, and the clock past their wait limit."""
    tag = uuid.uuid4().hex[:8]
    region = Region.objects.create(code=f"job-{tag}", name=f"Job region {tag}")
    lead = Agency.objects.create(
        name=f"Job taskforce {tag}", kind=AgencyKind.TASKFORCE, org_type="NGO", region=region
    )
    provider = Agency.objects.create(
        name=f"Job shelter {tag}", kind=AgencyKind.SERVICE_PROVIDER, org_type="NGO", region=region
    )
    staff = make_staff(f"job-{tag}", lead, "coordinator")  # the region's coordinator refers
    service = ProviderService.objects.create(
        agency=provider, service_type="emergency_housing", capacity=10, in_use=0
    )
    referrals = []
    for _ in range(3):
        case, survivor = make_case(region, lead)
        make_consent(case, survivor, provider, staff)
        referral = actions.service_referral_propose(
            actor=staff, case=case, survivor=survivor, service=service
        )
        referrals.append(
            actions.service_referral_send(actor=staff, referral=referral, expected_version=referral.version)
        )
    later = max(referral.sent_at for referral in referrals) + WAIT_LIMITS["sent"] + dt.timedelta(minutes=1)
    monkeypatch.setattr(policy, "clock", lambda: later)
    return referrals


def run_worker(name):
    Worker(worker_id=name, batch=True, scheduler=False, interval=0).run()


def exit_code(pid, within=60.0):
    """The child's exit code; it is killed (and the test fails) if it runs longer than `within`."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the worker process neither finished nor died in time")


def recorded(referrals):
    """For each referral: its reminders, their audit rows and their journey events."""
    counts = []
    for referral in referrals:
        reminders = list(ReferralReminder.objects.filter(referral=referral))
        audit = AuditEvent.objects.filter(
            object_type="care.ReferralReminder", object_id__in=[str(r.pk) for r in reminders]
        )
        events = JourneyEvent.objects.filter(case=referral.case, kind=EventKind.SERVICE_REFERRAL_OVERDUE)
        counts.append((len(reminders), audit.count(), events.count()))
    return counts


def test_the_job_run_twice_records_each_reminder_once(overdue):
    tasks.care_reminders.enqueue()
    run_worker("first")
    tasks.care_reminders.enqueue()  # the next hour's slot
    run_worker("second")
    assert recorded(overdue) == [(1, 1, 1)] * 3
    first, second = DBTaskResult.objects.filter(task_path="continuum.care.tasks.care_reminders").order_by(
        "enqueued_at"
    )
    assert (first.status, second.status) == (TaskResultStatus.SUCCESSFUL, TaskResultStatus.SUCCESSFUL)
    assert first.return_value >= 3 and second.return_value == 0  # how many it recorded


def test_a_worker_killed_half_way_leaves_the_rest_to_the_next_and_nothing_is_done_twice(overdue):
    before = ReferralReminder.objects.count()
    job = tasks.care_reminders.enqueue()
    connections.close_all()  # the child process opens its own connection
    pid = os.fork()
    if pid == 0:  # the worker that dies: killed right after its first reminder was committed
        try:
            first = actions.referral_reminder_record

            def record_then_die(**kwargs):
                result = first(**kwargs)
                os._exit(KILLED)
                return result

            actions.referral_reminder_record = record_then_die
            run_worker("killed")
        finally:
            os._exit(1)  # never back into the test runner
    assert exit_code(pid) == KILLED

    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, row.worker_ids) == (TaskResultStatus.RUNNING, ["killed"])
    assert ReferralReminder.objects.count() == before + 1  # half the work: one reminder, then the kill

    run_worker("patient")  # too soon: the job may still be running somewhere
    assert DBTaskResult.objects.get(pk=job.id).status == TaskResultStatus.RUNNING

    late = dt.timedelta(seconds=settings.JOB_STALE_SECONDS + 60)  # as though the timeout ran out
    DBTaskResult.objects.filter(pk=job.id).update(started_at=F("started_at") - late)
    run_worker("patient")
    row.refresh_from_db()
    assert (row.status, row.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["killed", "patient"])
    assert recorded(overdue) == [(1, 1, 1)] * 3
    everything = ReferralReminder.objects.count()
    assert AuditEvent.objects.filter(object_type="care.ReferralReminder").count() == everything
    assert JourneyEvent.objects.filter(kind=EventKind.SERVICE_REFERRAL_OVERDUE).count() == everything

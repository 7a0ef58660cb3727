"""The periodic registry and `enqueue_on_commit`: a job is enqueued when the write that asks for
it commits, and never when it rolls back."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from continuum.care import tasks as care_tasks
from continuum.core import jobs
from continuum.core import tasks as core_tasks

HAPPENED: list[str] = []
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@task()
def remember(word: str) -> str:
    HAPPENED.append(word)
    return word


class Boom(Exception):
    pass


def test_care_reminders_is_registered_as_an_hourly_job():
    registered = {periodic.name: periodic for periodic in jobs.periodic_jobs()}
    assert registered["care.reminders"].task is care_tasks.care_reminders
    assert registered["care.reminders"].every == dt.timedelta(hours=1)


def test_an_hourly_slot_starts_at_the_next_full_hour():
    hourly = jobs.Periodic(name="x", task=remember, every=dt.timedelta(hours=1))
    moment = dt.datetime(2026, 3, 4, 10, 59, 59, tzinfo=dt.UTC)
    assert hourly.slot_after(moment) == dt.datetime(2026, 3, 4, 11, tzinfo=dt.UTC)
    assert hourly.slot_after(dt.datetime(2026, 3, 4, 11, tzinfo=dt.UTC)) == dt.datetime(
        2026, 3, 4, 12, tzinfo=dt.UTC
    )


def test_a_name_registered_twice_differently_or_badly_is_refused(monkeypatch):
    monkeypatch.setattr(jobs, "_PERIODIC", {})
    jobs.register_periodic("test.remember", task=remember, every=dt.timedelta(minutes=5))
    jobs.register_periodic("test.remember", task=remember, every=dt.timedelta(minutes=5))  # the same: fine
    with pytest.raises(ValueError, match="twice"):
        jobs.register_periodic("test.remember", task=remember, every=dt.timedelta(minutes=10))
    with pytest.raises(ValueError, match="name"):
        jobs.register_periodic("Test Remember", task=remember, every=dt.timedelta(minutes=5))
    with pytest.raises(ValueError, match="once a minute"):
        jobs.register_periodic("test.often", task=remember, every=dt.timedelta(seconds=10))
    assert [periodic.name for periodic in jobs.periodic_jobs()] == ["test.remember"]


@pytest.mark.django_db
def test_a_job_is_enqueued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        jobs.enqueue_on_commit(remember, "committed")
        assert not DBTaskResult.objects.exists()  # not yet: the write has not committed
    job = DBTaskResult.objects.get()
    assert (job.task_path, job.args_kwargs) == (
        f"{__name__}.remember",
        {"args": ["committed"], "kwargs": {}},
    )


@pytest.mark.django_db
def test_nothing_is_enqueued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            jobs.enqueue_on_commit(remember, "rolled back")
            raise Boom
        with transaction.atomic():
            jobs.enqueue_on_commit(remember, "kept")
    assert len(callbacks) == 1
    assert [job.args_kwargs["args"] for job in DBTaskResult.objects.all()] == [["kept"]]


@pytest.mark.django_db
def test_with_the_immediate_backend_the_job_runs_after_the_commit(django_capture_on_commit_callbacks):
    HAPPENED.clear()
    with override_settings(TASKS=IMMEDIATE):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            jobs.enqueue_on_commit(remember, "after")
            assert HAPPENED == []
        assert HAPPENED == ["after"]
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
            jobs.enqueue_on_commit(remember, "never")
            raise Boom
    assert HAPPENED == ["after"]
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_the_daily_prune_deletes_old_finished_jobs_and_keeps_recent_ones_and_failures():
    assert {p.name: p.every for p in jobs.periodic_jobs()}["core.prune_jobs"] == dt.timedelta(days=1)
    now = timezone.now()
    ages = {
        "old": (15, "SUCCESSFUL"),
        "recent": (13, "SUCCESSFUL"),
        "failure": (30, "FAILED"),
        "ready": (None, "READY"),
    }
    for word, (days, status) in ages.items():
        result = remember.enqueue(word)
        finished = now - dt.timedelta(days=days) if days is not None else None
        DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished)
    core_tasks.prune_job_results.call()
    kept = sorted(job.args_kwargs["args"][0] for job in DBTaskResult.objects.all())
    assert kept == ["failure", "ready", "recent"]


@pytest.mark.parametrize(
    "arguments", [["--interval", "-1"], ["--tick", "100000"], ["--max-tasks", "0"]], ids=str
)
def test_the_worker_command_refuses_bad_options(arguments):
    with pytest.raises(CommandError):
        call_command("worker", *arguments)

"""`continuum worker` runs jobs from the database: each once, with its outcome on its row; a job
whose worker died is run again after the timeout, and given up after too many claims; two workers
never run the same job. These run the real database backend and the worker loop, with real commits."""

import datetime as dt
import io
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from continuum.core import jobs
from continuum.core.worker import Worker, claim_next

pytestmark = pytest.mark.django_db(transaction=True)

DONE: list[str] = []
_DONE_LOCK = threading.Lock()


@task()
def note(word: str) -> str:
    with _DONE_LOCK:
        DONE.append(word)
    return word.upper()


@task()
def beat() -> None:
    with _DONE_LOCK:
        DONE.append("beat")


@task()
def fail() -> None:
    raise RuntimeError("this job fails")


@pytest.fixture(autouse=True)
def nothing_done_yet():
    DONE.clear()


def run_worker(name="worker", **options):
    """One worker that runs what is ready now, then stops (no periodic jobs)."""
    Worker(worker_id=name, batch=True, scheduler=False, interval=0, **options).run()


def as_if_claimed_long_ago(job):
    """As though the worker that claimed it died long before the timeout ran out."""
    late = dt.timedelta(seconds=settings.JOB_STALE_SECONDS + 60)
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=F("started_at") - late)


def test_a_job_enqueued_on_commit_is_run_once_by_the_worker_with_its_outcome_recorded():
    with transaction.atomic():
        jobs.enqueue_on_commit(note, "hello")
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(note, "rolled back")
        raise RuntimeError
    jobs.enqueue_on_commit(fail)
    run_worker()
    run_worker()  # nothing left: each job ran once
    assert DONE == ["hello"]
    done = DBTaskResult.objects.get(task_path=f"{__name__}.note")
    assert (done.status, done.return_value, done.worker_ids) == (
        TaskResultStatus.SUCCESSFUL,
        "HELLO",
        ["worker"],
    )
    failed = DBTaskResult.objects.get(task_path=f"{__name__}.fail")
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "builtins.RuntimeError" and "this job fails" in failed.traceback


def test_a_job_whose_worker_died_is_run_again_after_the_timeout_and_not_before():
    note.enqueue("once")
    claimed = claim_next(worker_id="died")  # the worker took it, then was killed before finishing
    run_worker("alive")
    claimed.refresh_from_db()
    assert (claimed.status, DONE) == (TaskResultStatus.RUNNING, [])  # it may still be running

    as_if_claimed_long_ago(claimed)
    run_worker("alive")
    claimed.refresh_from_db()
    assert (claimed.status, claimed.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["died", "alive"])
    assert DONE == ["once"]


def test_a_job_whose_workers_died_too_often_is_marked_failed_and_not_run_again():
    note.enqueue("poison")
    job = claim_next(worker_id="died-1")
    dead = [f"died-{n}" for n in range(1, settings.JOB_MAX_ATTEMPTS + 1)]
    DBTaskResult.objects.filter(pk=job.pk).update(worker_ids=dead)  # claimed as often as allowed
    as_if_claimed_long_ago(job)
    run_worker("alive")
    job.refresh_from_db()
    assert (job.status, job.exception_class_path) == (
        TaskResultStatus.FAILED,
        "continuum.core.worker.WorkerDied",
    )
    assert DONE == []


def test_the_worker_command_runs_each_due_periodic_slot_once(monkeypatch):
    monkeypatch.setattr(jobs, "_PERIODIC", {})
    jobs.register_periodic("test.beat", task=beat, every=dt.timedelta(hours=1))
    call_command("worker", "--batch", "--interval", "0", stdout=io.StringIO())
    call_command("worker", "--batch", "--interval", "0", stdout=io.StringIO())
    assert DONE == ["beat"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL")
def test_two_workers_at_once_never_run_the_same_job():
    words = [f"job-{n}" for n in range(40)]
    for word in words:
        note.enqueue(word)
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def work(name):
        try:
            barrier.wait(timeout=20)
            run_worker(name)
        except Exception as error:  # reported below with its name
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(DONE) == sorted(words)  # each job once, none twice, none left out
    rows = DBTaskResult.objects.filter(task_path=f"{__name__}.note")
    assert {row.status for row in rows} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(row.worker_ids) == 1 for row in rows)

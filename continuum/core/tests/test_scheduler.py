"""The periodic scheduler: each slot of a periodic job is enqueued once, however many workers
look at it at the same moment, and slots missed while no worker ran come back as one run."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from continuum.core import jobs, worker
from continuum.core.models import PeriodicJob
from continuum.core.worker import enqueue_slot, schedule_due

HOUR = dt.timedelta(hours=1)
NOON = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)


@task()
def tick() -> None:
    return None


@pytest.fixture
def hourly(monkeypatch):
    """Only one periodic job registered: an hourly `tick`."""
    monkeypatch.setattr(jobs, "_PERIODIC", {})
    return jobs.register_periodic("test.tick", task=tick, every=HOUR)


def enqueued_ticks():
    return DBTaskResult.objects.filter(task_path=f"{__name__}.tick").count()


@pytest.mark.django_db
def test_a_new_job_runs_at_once_then_once_an_hour(hourly):
    assert schedule_due(now=NOON + dt.timedelta(minutes=20)) == ["test.tick"]
    row = PeriodicJob.objects.get(name="test.tick")
    assert row.next_run_at == NOON + HOUR
    assert row.last_task_id == str(DBTaskResult.objects.get().id)

    assert schedule_due(now=NOON + dt.timedelta(minutes=20)) == []
    assert schedule_due(now=NOON + dt.timedelta(minutes=59, seconds=59)) == []
    assert enqueued_ticks() == 1
    assert schedule_due(now=NOON + HOUR) == ["test.tick"]
    assert enqueued_ticks() == 2


@pytest.mark.django_db
def test_slots_missed_while_no_worker_ran_come_back_as_one_run(hourly):
    schedule_due(now=NOON)
    assert schedule_due(now=NOON + 5 * HOUR + dt.timedelta(minutes=7)) == ["test.tick"]
    assert enqueued_ticks() == 2
    assert PeriodicJob.objects.get(name="test.tick").next_run_at == NOON + 6 * HOUR


@pytest.mark.django_db
def test_an_unregistered_job_is_no_longer_enqueued(hourly, monkeypatch):
    schedule_due(now=NOON)
    monkeypatch.setattr(jobs, "_PERIODIC", {})
    assert schedule_due(now=NOON + 3 * HOUR) == []
    assert enqueued_ticks() == 1


@pytest.mark.django_db
def test_of_two_schedulers_that_both_saw_the_slot_due_one_enqueues_it(hourly):
    schedule_due(now=NOON)
    moment = NOON + HOUR
    assert worker.due_names(now=moment) == worker.due_names(now=moment) == ["test.tick"]
    assert [enqueue_slot(hourly, now=moment), enqueue_slot(hourly, now=moment)] == [True, False]
    assert enqueued_ticks() == 2


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_each_slot_once(hourly, monkeypatch):
    rounds = 6
    barrier = threading.Barrier(2)
    read = worker.due_names

    def due_names_then_wait(**kwargs):
        """Both schedulers read the due slots before either takes one."""
        names = read(**kwargs)
        barrier.wait(timeout=20)
        return names

    monkeypatch.setattr(worker, "due_names", due_names_then_wait)
    won: list[list[str]] = [[] for _ in range(rounds)]
    errors: list[str] = []

    def scheduler(me):
        try:
            for i in range(rounds):
                barrier.wait(timeout=20)
                if schedule_due(now=NOON + i * HOUR + dt.timedelta(seconds=1)):
                    won[i].append(me)
        except Exception as error:  # reported below with its name
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert [len(winners) for winners in won] == [1] * rounds
    assert enqueued_ticks() == rounds
    assert PeriodicJob.objects.get(name="test.tick").next_run_at == NOON + rounds * HOUR

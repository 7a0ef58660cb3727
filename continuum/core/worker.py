"""`continuum worker`: the django-tasks-db worker loop, with the periodic scheduler and the
recovery of jobs whose worker died.

Each turn of the loop:

1. every `tick` seconds, `schedule_due` enqueues the periodic jobs whose slot has come
   (continuum/core/jobs.py) and `requeue_stale` gives back the jobs whose worker died;
2. `claim_next` claims one ready job atomically (a row lock with SKIP LOCKED on PostgreSQL, an
   exclusive transaction on SQLite), marks it running with this worker's id, and the worker runs
   it; its outcome (successful, or failed with the traceback) is written on the job's row.

A job that raises is marked failed and not run again (a periodic job runs again at its next
slot). A job whose worker was killed stays "running": once it was claimed longer ago than
`settings.JOB_STALE_SECONDS` it is made ready again, up to `settings.JOB_MAX_ATTEMPTS` claims in
all, then marked failed. The timeout is far longer than any job runs, and every job is idempotent
(it records what it did, once per thing), so a job run again does not do its work twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from continuum.core.jobs import Periodic, periodic_jobs
from continuum.core.models import PeriodicJob

logger = logging.getLogger("continuum.worker")


class WorkerDied(Exception):
    """Written on a job that was claimed JOB_MAX_ATTEMPTS times and never finished."""


def schedule_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue each registered periodic job whose slot has come, once: the names enqueued.

    The slot is taken by moving the job's `next_run_at` on to the following slot only where it
    still holds the value read (a compare-and-set), in the transaction that writes the job's row;
    the row is locked with SKIP LOCKED on PostgreSQL, and SQLite serialises writers. So of two
    workers that find the same slot due, one enqueues it and the other moves on.
    """
    now = now or timezone.now()
    registered = {periodic.name: periodic for periodic in periodic_jobs()}
    if not registered:
        return []
    # A newly registered job runs at its current slot, that is at the worker's first turn. (Read
    # first, so that a worker's turn writes nothing while there is nothing to do.)
    known = set(PeriodicJob.objects.filter(name__in=registered).values_list("name", flat=True))
    if len(known) < len(registered):
        PeriodicJob.objects.bulk_create(
            [
                PeriodicJob(name=name, next_run_at=periodic.slot_after(now) - periodic.every)
                for name, periodic in registered.items()
                if name not in known
            ],
            ignore_conflicts=True,
        )
    enqueued = [name for name in due_names(now=now) if enqueue_slot(registered[name], now=now)]
    return enqueued


def due_names(*, now: dt.datetime) -> list[str]:
    """The periodic jobs whose slot has come, read without a lock (it is taken by `enqueue_slot`)."""
    names = [periodic.name for periodic in periodic_jobs()]
    return list(
        PeriodicJob.objects.filter(name__in=names, next_run_at__lte=now).values_list("name", flat=True)
    )


def enqueue_slot(periodic: Periodic, *, now: dt.datetime) -> bool:
    """Take the due slot of `periodic` and enqueue its job, in one transaction: False, and nothing
    written, when another worker holds the row or has taken the slot already."""
    with transaction.atomic():
        row = (
            PeriodicJob.objects.select_for_update(skip_locked=True)
            .filter(name=periodic.name, next_run_at__lte=now)
            .first()
        )
        if row is None:
            return False
        taken = PeriodicJob.objects.filter(name=periodic.name, next_run_at=row.next_run_at).update(
            next_run_at=periodic.slot_after(now), last_enqueued_at=now
        )
        if taken != 1:
            return False
        result = periodic.task.enqueue()
        PeriodicJob.objects.filter(name=periodic.name).update(last_task_id=str(result.id))
    logger.info("Periodic job %s enqueued for its slot %s", periodic.name, row.next_run_at.isoformat())
    return True


def requeue_stale(
    *,
    now: dt.datetime | None = None,
    stale_after: dt.timedelta | None = None,
    max_attempts: int | None = None,
    backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> int:
    """Make ready again every job claimed longer ago than `stale_after` and never finished (its
    worker died); one claimed `max_attempts` times already is marked failed instead. Each change
    is made only where the row is still the running claim read, so a worker that finishes the
    job meanwhile keeps its outcome. The number of jobs given back."""
    now = now or timezone.now()
    stale_after = stale_after or dt.timedelta(seconds=settings.JOB_STALE_SECONDS)
    max_attempts = max_attempts or settings.JOB_MAX_ATTEMPTS
    stale = DBTaskResult.objects.running().filter(backend_name=backend_name, started_at__lt=now - stale_after)
    requeued = 0
    for job in stale.only("id", "started_at", "worker_ids", "task_path"):
        claim = DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
        )
        if len(job.worker_ids) >= max_attempts:
            error = WorkerDied(f"claimed {len(job.worker_ids)} times, never finished")
            if claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                traceback="".join(traceback.format_exception(error)),
            ):
                logger.error("Job id=%s path=%s failed: its workers died", job.pk, job.task_path)
        elif claim.update(status=TaskResultStatus.READY):
            requeued += 1
            logger.warning(
                "Job id=%s path=%s was claimed at %s and never finished: ready again",
                job.pk,
                job.task_path,
                job.started_at.isoformat() if job.started_at else "?",
            )
    return requeued


def claim_next(
    *,
    worker_id: str,
    backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
    queue_names: tuple[str, ...] = (DEFAULT_TASK_QUEUE_NAME,),
) -> DBTaskResult[Any, Any] | None:
    """Claim the next ready job for this worker, atomically: None when there is none (or the
    database is busy; the next turn tries again)."""
    ready = DBTaskResult.objects.ready().filter(backend_name=backend_name, queue_name__in=queue_names)
    # A plain read first, so that an idle worker takes no write lock.
    if not ready.exists():
        return None
    try:
        with exclusive_transaction(ready.db):
            job = ready.get_locked()
            if job is not None:
                job.claim(worker_id)
            return job
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None
        raise


class Worker(db_worker.Worker):
    """django-tasks-db's worker with Continuum's claim, the scheduler and the stale-job recovery.
    Its signal handling is the upstream one: a first Ctrl-C or SIGTERM lets the running job finish,
    a second one stops at once."""

    def __init__(
        self,
        *,
        worker_id: str,
        interval: float = 1.0,
        tick: float = 10.0,
        batch: bool = False,
        max_tasks: int | None = None,
        scheduler: bool = True,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        queue_names: tuple[str, ...] = (DEFAULT_TASK_QUEUE_NAME,),
    ) -> None:
        super().__init__(
            queue_names=list(queue_names),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.tick = tick
        self.scheduler = scheduler
        self._next_tick = 0.0

    def housekeeping(self) -> None:
        """The scheduler's turn and the stale-job recovery; an error is logged, not fatal."""
        try:
            if self.scheduler:
                schedule_due()
            requeue_stale(backend_name=self.backend_name)
        except DatabaseError:
            logger.exception("The scheduler's turn failed; the next one tries again")

    def run(self) -> None:
        logger.info(
            "Worker %s started (queues %s, scheduler %s)",
            self.worker_id,
            ",".join(self.queue_names),
            "on" if self.scheduler else "off",
        )
        while self.running:
            if time.monotonic() >= self._next_tick:
                # Drop a connection that is broken or past its age (CONN_MAX_AGE) at each turn of the
                # scheduler, not at each job: on SQLite, closing a connection costs a checkpoint.
                close_old_connections()
                self.housekeeping()
                self._next_tick = time.monotonic() + self.tick
            try:
                job = claim_next(
                    worker_id=self.worker_id,
                    backend_name=self.backend_name,
                    queue_names=tuple(self.queue_names),
                )
            except DatabaseError:
                logger.exception("Claiming a job failed; trying again with a new connection")
                connections.close_all()
                time.sleep(max(self.interval, 1.0))
                continue
            if job is not None:
                self.run_task(job)
            elif self.batch:
                logger.info("Worker %s: nothing more to run", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and job is None:
                time.sleep(self.interval)

"""Background jobs: the one place where periodic jobs are declared, and the way side effects are
enqueued after commit.

Jobs are django-tasks `@task` functions (the backport of Django's `django.tasks`), stored by the
django-tasks-db backend as rows of the application's own database and run by `continuum worker`
(continuum/core/worker.py). A job calls actions and holds no logic of its own, so a page, the API
and a job get the same answer; every job may run twice (a worker killed half-way is retried), so
the action it calls must be idempotent.

Periodic jobs. This module sits in the bottom layer and imports no app: each app registers its
own periodic jobs from its `AppConfig.ready`, for example (continuum/care/apps.py)::

    from continuum.core import jobs
    from continuum.care import tasks

    jobs.register_periodic("care.reminders", task=tasks.care_reminders, every=dt.timedelta(hours=1))

The worker keeps one `PeriodicJob` row per registered name (continuum/core/models.py) with the
start of its next slot, and enqueues each slot once, however many workers run.

Sealing the audit log: the audit app registers "audit.checkpoint" (every five minutes) in
`AuditConfig.ready` (continuum/audit/apps.py); its task (continuum/audit/tasks.py) calls the same
code as `continuum audit checkpoint`.

Side effects of a write (a notification, a reminder, the audit sequencer) are enqueued with
`enqueue_on_commit` inside the action's transaction: the job row is written only once that
transaction commits, so a rolled-back write enqueues nothing and a job never runs before the data
it needs is visible.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task

# A name is stored in PeriodicJob.name: lower-case words separated by dots, such as "care.reminders".
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True)
class Periodic:
    """A job enqueued once every `every`, at slots aligned on the epoch (an hourly job at each
    full hour UTC). Slots missed while no worker ran are not caught up one by one: the next run
    does the work of all of them (the jobs are written to be caught up that way)."""

    name: str
    task: Task[[], Any]
    every: dt.timedelta

    def slot_after(self, moment: dt.datetime) -> dt.datetime:
        """The first slot strictly after `moment`."""
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        step = int(self.every.total_seconds())
        elapsed = int((moment - epoch).total_seconds())
        return epoch + dt.timedelta(seconds=(elapsed // step + 1) * step)


_PERIODIC: dict[str, Periodic] = {}


def register_periodic(name: str, *, task: Task[[], Any], every: dt.timedelta) -> Periodic:
    """Declare a periodic job (from an AppConfig.ready). A name registered twice with another
    task or interval is a programming error and stops the start."""
    if not _NAME.match(name) or len(name) > 64:
        raise ValueError(f"A periodic job's name is lower-case words separated by dots: {name!r}.")
    if every < dt.timedelta(minutes=1) or every.total_seconds() != int(every.total_seconds()):
        raise ValueError(f"{name}: a periodic job runs at most once a minute, in whole seconds.")
    periodic = Periodic(name=name, task=task, every=every)
    known = _PERIODIC.get(name)
    if known is not None and known != periodic:
        raise ValueError(f"The periodic job {name!r} is registered twice, differently.")
    _PERIODIC[name] = periodic
    return periodic


def periodic_jobs() -> list[Periodic]:
    """Every registered periodic job, by name."""
    return [_PERIODIC[name] for name in sorted(_PERIODIC)]


def enqueue_on_commit(task: Task[..., Any], *args: Any, using: str | None = None, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` once the current transaction commits; nothing when it rolls
    back. Outside a transaction it is enqueued at once. Arguments must be JSON values (ids, not
    model instances): the job reads what it needs when it runs."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), using=using, robust=False)

"""`continuum worker`: run background jobs and the periodic schedule (continuum/core/worker.py).

Run one or more beside the application server (`make demo` starts one): jobs are rows of the
database, so workers need no broker, and any number of them may run at once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from continuum.core.worker import Worker

logger = logging.getLogger("continuum.worker")


class Command(BaseCommand):
    help = (
        "Run background jobs and enqueue the periodic ones when they are due (any number of workers "
        "may run at once; each job and each periodic slot runs once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to wait when no job is ready (default 1)"
        )
        parser.add_argument(
            "--tick", type=float, default=10.0, help="seconds between two turns of the scheduler (default 10)"
        )
        parser.add_argument("--batch", action="store_true", help="run what is due now, then stop")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many jobs")
        parser.add_argument(
            "--no-scheduler", action="store_false", dest="scheduler", help="run jobs only, enqueue none"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval, tick, max_tasks = options["interval"], options["tick"], options["max_tasks"]
        if not 0 <= interval <= 3600 or not 0 <= tick <= 3600:
            raise CommandError("--interval and --tick are between 0 and 3600 seconds.")
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks is at least 1.")
        worker = Worker(
            worker_id=get_random_string(32),
            interval=interval,
            tick=tick,
            batch=options["batch"],
            max_tasks=max_tasks,
            scheduler=options["scheduler"],
        )
        worker.configure_signals()
        try:
            worker.run()
        except Exception:
            logger.exception("Worker %s stopped on an error", worker.worker_id)
            raise SystemExit(1) from None
        logger.info("Worker %s stopped", worker.worker_id)

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve the demonstration on 127.0.0.1 only (demo mode, synthetic data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demoserver runs only in demo mode (CONTINUUM_DEMO=1).")
        port = options["port"]
        if not 1024 <= port <= 65535:
            raise CommandError("--port must be between 1024 and 65535.")
        # Loopback only: the demo is never reachable from another machine.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)

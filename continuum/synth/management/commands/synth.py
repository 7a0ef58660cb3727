from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.audit import checkpoints
from continuum.synth.distributions import DEFAULT_AS_OF
from continuum.synth.generator import Generator, SynthError
from continuum.synth.personas import PERSONAS


class Command(BaseCommand):
    help = "Fill an empty database with deterministic synthetic data (regions, agencies, personas, cases)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000, help="how many cases (default 2000)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        parser.add_argument(
            "--as-of",
            default=DEFAULT_AS_OF.isoformat(),
            help=f"the day the synthetic world stops (default {DEFAULT_AS_OF.isoformat()})",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="cases per insert batch")
        parser.add_argument(
            "--reset", action="store_true", help="empty the database first (refused in production)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("--as-of must be a date such as 2026-10-31.") from None
        if options["cases"] < 0 or options["batch_size"] < 1:
            raise CommandError("--cases must be 0 or more and --batch-size 1 or more.")
        if options["reset"]:
            if settings.PRODUCTION:
                raise CommandError("--reset is refused in production: it would erase real records.")
            call_command("flush", interactive=False, verbosity=0)
            # The audit log was erased with the rest: its old checkpoints would rightly call the
            # new, empty chain truncated, so they are moved aside and a new chain begins.
            checkpoints.archive()
        password = settings.DEMO_PASSWORD or secrets.token_urlsafe(12)
        generator = Generator(
            cases=options["cases"],
            seed=options["seed"],
            as_of=as_of,
            batch_size=options["batch_size"],
            password=password,
            progress=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
        )
        try:
            summary = generator.run()
        except SynthError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Synthetic data: {summary.cases} cases, {summary.people} people, {summary.events} journey "
            f"events, {sum(summary.arrests_by_year.values())} arrests "
            f"(seed {options['seed']}, as of {as_of})."
        )
        self.stdout.write("Demo logins (every persona has the same password):")
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.username:<15} {persona.description}")
        if settings.DEMO_PASSWORD:
            self.stdout.write("  password: the value of CONTINUUM_DEMO_PASSWORD")
        else:
            self.stdout.write(f"  password: {password}")

"""`continuum audit verify`: prove the audit log has not been edited, cut or reordered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain and exits 1 at the first problem."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        subcommands.add_parser("verify", help="Check every row's hash, the links between rows and the head.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify()

    def verify(self) -> None:
        result = verify_chain()
        if result.problem is not None:
            raise CommandError(f"audit chain broken: {result.problem.message}")
        self.stdout.write(f"audit chain intact: {result.rows} rows")

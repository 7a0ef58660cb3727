"""`continuum audit seal | checkpoint | verify`: the audit chain's sequencer and its verifier."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.audit import checkpoints, sequencer
from continuum.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Audit log tools. `seal` chains the rows appended since the last run; `checkpoint` seals "
        "and writes one signed checkpoint outside the database; `verify` checks the chain with the "
        "key against every checkpoint and exits 1 at the first problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        seal = subcommands.add_parser("seal", help="Seal the audit rows not yet in the chain.")
        seal.add_argument(
            "--all", action="store_true", help="look at every row, not only those above the horizon"
        )
        subcommands.add_parser("checkpoint", help="Seal up to now and write one signed checkpoint.")
        subcommands.add_parser(
            "verify", help="Check every seal with the key, and the chain against the checkpoints."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "seal":
            run = sequencer.seal(everything=options["all"])
            self.stdout.write(f"sealed {run.sealed} rows; the chain ends at position {run.position}")
        elif options["subcommand"] == "checkpoint":
            cp = sequencer.checkpoint()
            self.stdout.write(
                f"checkpoint written to {checkpoints.path()}: position {cp.position}"
                + (f" (row {cp.event_id})" if cp.event_id is not None else "")
                + f", {cp.rows} rows, at {cp.at}"
            )
        else:
            self.verify()

    def verify(self) -> None:
        result = verify_chain()
        if result.problem is not None:
            raise CommandError(f"audit chain broken: {result.problem.message}")
        checkpoint_note = (
            f"{result.checkpoints} checkpoint(s) agree"
            if result.checkpoints
            else "no checkpoint yet (rows deleted at the end of the chain cannot be found without one)"
        )
        self.stdout.write(
            f"audit chain intact: {result.rows} rows sealed; {checkpoint_note}; "
            f"{result.unsealed} recent row(s) awaiting the sequencer"
        )

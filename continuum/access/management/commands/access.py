from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.access import grants, matrix


class Command(BaseCommand):
    help = "The access layer's grants index: recompute it from the source rows, or check it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        index = sub.add_parser(
            "grants", help="the grants index (team, consent, reports, orders, break-glass)"
        )
        mode = index.add_mutually_exclusive_group(required=True)
        mode.add_argument("--rebuild", action="store_true", help="recompute the whole table in bulk")
        mode.add_argument("--check", action="store_true", help="report differences, write nothing")
        table = sub.add_parser("matrix", help="the permission matrix: every operation, every role (Markdown)")
        table.add_argument("--out", help="write it to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "matrix":
            text = matrix.markdown()
            if options.get("out"):
                with open(options["out"], "w", encoding="utf-8") as handle:
                    handle.write(text)
            else:
                self.stdout.write(text, ending="")
            return
        started = time.monotonic()
        if options["rebuild"]:
            written = grants.rebuild(analyze=True)
            self.stdout.write(f"{written} grants written in {time.monotonic() - started:.1f} s.")
            return
        found = grants.differences()
        if not found:
            self.stdout.write(f"The grants match their source rows ({time.monotonic() - started:.1f} s).")
            return
        for label, row in found.examples:
            self.stdout.write(
                f"{label}: " + ", ".join(f"{k}={v}" for k, v in zip(grants.COLUMNS, row, strict=True))
            )
        raise CommandError(
            f"{found.missing} grants missing and {found.extra} grants without a source; "
            "`continuum access grants --rebuild` recomputes them."
        )

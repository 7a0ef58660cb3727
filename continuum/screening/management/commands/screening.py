"""`continuum screening evaluate ANSWERS.json [--instrument NAME]` and `continuum screening list`:
for instrument authors, to see what the engine makes of a set of answers. No database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.screening import engine

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Screening instruments: evaluate a file of answers, or list the instruments."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        evaluate = subcommands.add_parser(
            "evaluate", help="Print the determination for a JSON object of question id -> answer."
        )
        evaluate.add_argument("answers", help="a JSON file: an object of question id -> answer")
        evaluate.add_argument(
            "--instrument",
            default=engine.DEFAULT_INSTRUMENT,
            help="an instrument name, or the path of a YAML file (default: %(default)s)",
        )
        subcommands.add_parser("list", help="List the instruments with their versions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "evaluate":
            self.evaluate(options["answers"], options["instrument"])
        elif options["subcommand"] == "list":
            self.list()

    def evaluate(self, answers_path: str, instrument_name: str) -> None:
        try:
            raw = Path(answers_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {answers_path}: {exc}", returncode=USAGE_ERROR) from None
        try:
            answers = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{answers_path} is not valid JSON: {exc}", returncode=USAGE_ERROR) from None
        if not isinstance(answers, dict):
            raise CommandError(
                f"{answers_path} must hold a JSON object of question id -> answer", returncode=USAGE_ERROR
            )
        try:
            instrument = engine.load_instrument(instrument_name)
            determination = engine.evaluate(instrument, answers)
        except ValueError as exc:  # InstrumentError is a ValueError too
            raise CommandError(str(exc), returncode=USAGE_ERROR) from None
        self.stdout.write(json.dumps(determination.as_dict(), sort_keys=True, indent=2, ensure_ascii=False))

    def list(self) -> None:
        try:
            infos = engine.available_instruments()
        except engine.InstrumentError as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from None
        for info in infos:
            self.stdout.write(
                f"{info.name}\t{info.version}\t{','.join(info.languages)}\t"
                f"{info.questions} questions\t{info.title}"
            )

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from continuum.org.models import Membership
from continuum.synth.personas import PERSONAS


class Command(BaseCommand):
    help = "List the demonstration personas (username, role, agency, region)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        usernames = [p.username for p in PERSONAS]
        memberships = {
            m.user.username: m
            for m in Membership.objects.select_related("user", "agency__region").filter(
                user__username__in=usernames
            )
        }
        rows = []
        for persona in PERSONAS:
            membership = memberships.get(persona.username)
            if membership is None:
                continue
            rows.append(
                {
                    "username": persona.username,
                    "role": membership.role,
                    "agency": membership.agency.name,
                    "region": membership.agency.region.name if membership.agency.region else None,
                    "description": persona.description,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("No personas yet: run `continuum synth` first.")
        for row in rows:
            self.stdout.write(
                f"{row['username']:<15} {row['role']:<16} {row['agency']} ({row['region'] or 'statewide'})"
            )

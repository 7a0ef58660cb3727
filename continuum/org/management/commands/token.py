from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.org.models import Agency, ApiToken
from continuum.org.tokens import SCOPES, token_create, token_revoke


class Command(BaseCommand):
    help = "Make, list or revoke the API tokens of agency systems."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create", help="make a token (its secret is printed once)")
        create.add_argument("--agency", required=True, help="the agency's exact name")
        create.add_argument("--name", required=True, help="which system uses it")
        create.add_argument("--scope", action="append", required=True, choices=sorted(SCOPES))
        create.add_argument("--days", type=int, default=90)
        sub.add_parser("list", help="list tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "create":
            agency = Agency.objects.filter(name=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency is named {options['agency']!r}.")
            try:
                token, text = token_create(
                    agency=agency, name=options["name"], scopes=options["scope"], days=options["days"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Token {token.prefix} for {agency.name}, until {token.expires_at:%Y-%m-%d}.")
            self.stdout.write("Secret (shown once; keep it in the agency system's secret store):")
            self.stdout.write(text)
        elif options["what"] == "list":
            for token in ApiToken.objects.select_related("agency").order_by("agency__name", "created_at"):
                state = "revoked" if token.revoked_at else f"until {token.expires_at:%Y-%m-%d}"
                self.stdout.write(
                    f"{token.prefix}  {token.agency.name}  {token.name}  {','.join(token.scopes)}  {state}"
                )
        else:
            try:
                token = token_revoke(prefix=options["prefix"])
            except ApiToken.DoesNotExist:
                raise CommandError("No token has that prefix.") from None
            self.stdout.write(f"Token {token.prefix} revoked.")

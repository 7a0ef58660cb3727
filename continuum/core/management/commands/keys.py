"""`continuum keys`: the field encryption keys (SECURITY.md 14). Prints counts, never a key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuum.core import crypto


class Command(BaseCommand):
    help = "Rotate, retire and count the keys that encrypt the most sensitive fields."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{rotate,retire,status}")
        rotate = actions.add_parser(
            "rotate", help="add a new key (first in the key file) and re-encrypt every value with it"
        )
        rotate.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="add no key: only re-encrypt every value with the current newest key",
        )
        rotate.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
        actions.add_parser(
            "retire", help="drop every key but the newest, once it alone reads every stored value"
        )
        actions.add_parser("status", help="the number of keys and of values under the newest key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (ImproperlyConfigured, crypto.KeySourceError, crypto.CiphertextError) as exc:
            raise CommandError(str(exc)) from exc

    def _rotate(self, options: dict[str, Any]) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not options["reencrypt_only"]:
            if crypto.key_source() is None:
                raise CommandError(
                    f"The keys come from the environment variable {crypto.ENV_KEYS}, which this command "
                    "cannot rewrite. Put a new key first in it yourself (comma-separated, newest first; "
                    "make one with `python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`), restart every process with it, then run "
                    "`continuum keys rotate --reencrypt-only`."
                )
            count = crypto.add_key()
            self.stdout.write(f"Added a new key; the key file now holds {count} keys, the new one first.")
        counts = crypto.rotate(batch_size=options["batch_size"])
        for label, rewritten in counts.items():
            self.stdout.write(f"  {label}: {rewritten} values re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(
                f"Every stored value is now under the newest key ({sum(counts.values())} rewritten)."
            )
        )
        self.stdout.write(
            "The older keys still decrypt database backups made before now. When those backups are no "
            "longer needed (or their keys are kept with them), run `continuum keys retire`."
        )

    def _retire(self, options: dict[str, Any]) -> None:
        if crypto.key_source() is None:
            raise CommandError(
                f"The keys come from the environment variable {crypto.ENV_KEYS}, which this command cannot "
                "rewrite. When `continuum keys status` shows every value under the newest key, remove the "
                "other keys from the variable yourself."
            )
        try:
            dropped = crypto.retire_keys()
        except crypto.RetireRefused as exc:
            raise CommandError(f"{exc} Run `continuum keys rotate --reencrypt-only` first.") from exc
        if dropped == 0:
            self.stdout.write("Only one key is in use: nothing to retire.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Retired {dropped} older key(s); every stored value is readable with the newest key alone."
            )
        )

    def _status(self, options: dict[str, Any]) -> None:
        source = crypto.key_source()
        where = f"the environment variable {crypto.ENV_KEYS}" if source is None else f"the key file {source}"
        self.stdout.write(
            f"Keys: {crypto.key_count()}, from {where} (the first encrypts, every one decrypts)."
        )
        totals = crypto.inventory()
        for label, tally in totals.items():
            line = f"  {label}: {tally.values} values, {tally.newest} under the newest key"
            if tally.older:
                line += f", {tally.older} under an older key"
            if tally.unreadable:
                line += f", {tally.unreadable} UNREADABLE"
            self.stdout.write(line)
        if any(t.unreadable for t in totals.values()):
            raise CommandError("Some stored values cannot be decrypted with any key.")

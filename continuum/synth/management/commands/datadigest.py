from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from continuum.synth.digest import data_digest


class Command(BaseCommand):
    help = "Print a sha256 digest of the data the synthetic generator writes (per table and overall)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(data_digest(), indent=2))

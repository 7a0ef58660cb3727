from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_name_key_index(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """The name key's index (migration 0003), also where tables were made without migrations
    (the test suite runs with --no-migrations): idempotent."""
    from django.db import connections

    from continuum.people.search import create_name_key_index

    with connections[using].schema_editor() as editor:
        create_name_key_index(editor)


class PeopleConfig(AppConfig):
    name = "continuum.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        post_migrate.connect(ensure_name_key_index, sender=self, dispatch_uid="continuum-people-name-key")

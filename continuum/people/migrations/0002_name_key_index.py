"""Hand-written, kept through the reset of the migrations before the first release: the index of
the name search key (continuum/people/search.py), pg_trgm GIN on PostgreSQL (partial and
misspelt names, with the extension), a plain index elsewhere."""

from typing import Any

from django.db import migrations

import continuum.people.search


def create_index(apps: Any, schema_editor: Any) -> None:
    continuum.people.search.create_name_key_index(schema_editor)


def drop_index(apps: Any, schema_editor: Any) -> None:
    name = "person_name_key_trgm" if schema_editor.connection.vendor == "postgresql" else "person_name_key"
    schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]

"""The name search key (continuum/people/search.py): the column, its value for every person, and
its index: pg_trgm GIN on PostgreSQL (partial and misspelt names), a plain index elsewhere."""

from typing import Any

from django.db import migrations

import continuum.people.search

BATCH = 2000


def fill_keys(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("id", "first_name", "middle_name", "last_name", "aliases").iterator(
        chunk_size=BATCH
    ):
        person.name_key = continuum.people.search.person_key(person)
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["name_key"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["name_key"])


def create_index(apps: Any, schema_editor: Any) -> None:
    continuum.people.search.create_name_key_index(schema_editor)


def drop_index(apps: Any, schema_editor: Any) -> None:
    name = "person_name_key_trgm" if schema_editor.connection.vendor == "postgresql" else "person_name_key"
    schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_encrypted_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_key",
            field=continuum.people.search.NameKeyField(blank=True, default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]

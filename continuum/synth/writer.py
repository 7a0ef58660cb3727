"""Fast bulk writes for the generator: PostgreSQL COPY, or the ORM's bulk_create elsewhere.

The generator builds ordinary model instances (so every default and type is the model's own);
on PostgreSQL their column values are streamed with COPY, several times faster than INSERT.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=1000)
        return
    from psycopg import sql
    from psycopg.types.json import Jsonb

    fields = list(model._meta.concrete_fields)
    json_columns = [isinstance(f, models.JSONField) for f in fields]
    encrypted = [bool(getattr(f, "encrypted", False)) for f in fields]
    files = [isinstance(f, models.FileField) for f in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        with raw.copy(statement) as copy:
            for obj in objects:
                row = [getattr(obj, name) for name in attnames]
                for index, is_json in enumerate(json_columns):
                    if is_json:
                        row[index] = Jsonb(row[index])
                    elif encrypted[index]:
                        row[index] = fields[index].get_db_prep_save(row[index], connection)
                    elif files[index]:
                        row[index] = row[index].name or ""
                copy.write_row(row)

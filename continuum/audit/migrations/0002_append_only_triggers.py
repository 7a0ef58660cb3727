"""On PostgreSQL, triggers refuse UPDATE and DELETE on the audit table (SECURITY.md 13)."""

from django.db import migrations

from continuum.audit import triggers


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        triggers.install(schema_editor.connection, ("audit_auditevent",))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        triggers.remove(schema_editor.connection, ("audit_auditevent",))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]

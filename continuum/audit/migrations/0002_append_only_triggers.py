"""Hand-written, kept through the reset of the migrations before the first release: on
PostgreSQL, triggers refuse UPDATE and DELETE on the audit rows and their seals (SECURITY.md 13),
the id sequence is moved past any row already there, and the sequencer's one row exists."""

from django.db import migrations

from continuum.audit import triggers

TABLES = ("audit_auditevent", "audit_auditseal")


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        triggers.install(schema_editor.connection, TABLES)
        # Ids come from the database's sequence: move it past any row written before.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), "
                "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM audit_auditevent"
            )
    apps.get_model("audit", "AuditSequencer").objects.get_or_create(id=1)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        triggers.remove(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]

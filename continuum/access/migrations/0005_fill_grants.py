from django.db import migrations


def fill_grants(apps, schema_editor):
    """The grants of the rows that exist already (the same bulk rebuild as the command)."""
    from continuum.access import grants

    grants.rebuild(analyze=True, registry=apps)


class Migration(migrations.Migration):
    dependencies = [("access", "0004_casegrant")]

    operations = [migrations.RunPython(fill_grants, migrations.RunPython.noop)]

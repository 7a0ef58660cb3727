"""The grants of one case, with their holder and time bounds in the index (`grant_case_holder`),
in place of `grant_case_rel` (case, relationship): a list's capped count merges the cases with the
grants in case order and filters on the holder and the time bounds in the index alone, instead of
reading every grant row from the table (the advocate's count; see BENCHMARKS.md). The new index is
made before the old one goes, so no moment is without one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="casegrant",
            index=models.Index(
                fields=["case", "relationship", "agency", "user", "valid_from", "valid_until"],
                name="grant_case_holder",
            ),
        ),
        migrations.RemoveIndex(
            model_name="casegrant",
            name="grant_case_rel",
        ),
    ]

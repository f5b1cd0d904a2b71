"""A reviewer's replacement is its own kind of audit row, named in the reader's language.

Earlier replacements are removals noted "Replaced" (or "Zastąpiono", in the
language of the coordinator who made them); they become replacements without a note.
"""

from django.db import migrations, models

REPLACED_WORDS = {"Replaced", "Zastąpiono"}


def replacements_named(apps, schema_editor):
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    ReviewEvent.objects.filter(kind="removed", note__in=REPLACED_WORDS).update(
        kind="replaced", note=""
    )


def replacements_as_removals(apps, schema_editor):
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    ReviewEvent.objects.filter(kind="replaced").update(kind="removed", note="Zastąpiono")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_bounded_texts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("assigned", "Assigned"),
                    ("declared", "Impartiality declared"),
                    ("conflict", "Conflict of interest declared"),
                    ("submitted", "Review submitted"),
                    ("reopened", "Review reopened"),
                    ("removed", "Assignment removed"),
                    ("replaced", "Replaced by another reviewer"),
                    ("corrected", "Review corrected after publication"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(replacements_named, replacements_as_removals),
    ]

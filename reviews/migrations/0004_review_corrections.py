"""Corrections of reviews after publication: a new kind of event that keeps the old values."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_invitation_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewevent",
            name="changes",
            field=models.JSONField(blank=True, default=dict),
        ),
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
                    ("corrected", "Review corrected after publication"),
                ],
                max_length=16,
            ),
        ),
    ]

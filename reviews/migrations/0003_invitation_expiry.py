"""Invitations to review expire: existing ones get invited_at + 14 days (the default)."""

from datetime import timedelta

from django.db import migrations, models

import reviews.models

DAYS_GIVEN_TO_EXISTING = 14


def expire_existing(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    for invitation in Invitation.objects.only("pk", "invited_at").iterator():
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=invitation.invited_at + timedelta(days=DAYS_GIVEN_TO_EXISTING)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_conflict_notified"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(
                default=reviews.models.invitation_expiry, verbose_name="expires at"
            ),
        ),
    ]

"""Give decisions a state, computed from the moments their services stamped so far.

A decision with none of the moments is a draft; then, later moves winning:
published (published_at), accepted (accepted_at), declined (declined_at),
lapsed (lapsed_at: a draft whose application ended). The decision's history
(simple_history) gets the same state in each of its records, so the history
page shows the state as it was. The audit trail (DecisionStateChange) starts
here: the moves made before are in the decision's history.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# Each state and the moment that shows it, in the order a decision's life reaches them.
STATE_MOMENTS = [
    ("published", "published_at"),
    ("accepted", "accepted_at"),
    ("declined", "declined_at"),
    ("lapsed", "lapsed_at"),
]


def state_from_moments(apps, schema_editor):
    for model_name in ("Decision", "HistoricalDecision"):
        model = apps.get_model("decisions", model_name)
        for state, moment in STATE_MOMENTS:
            model.objects.filter(**{f"{moment}__isnull": False}).update(state=state)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_bounded_texts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("published", "Published"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("lapsed", "Lapsed"),
                ],
                default="draft",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("published", "Published"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("lapsed", "Lapsed"),
                ],
                default="draft",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.CreateModel(
            name="DecisionStateChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "old_state",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("draft", "Draft"),
                            ("published", "Published"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("lapsed", "Lapsed"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "new_state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("published", "Published"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("lapsed", "Lapsed"),
                        ],
                        max_length=10,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("note", models.TextField(blank=True)),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="state_changes",
                        to="decisions.decision",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "pk"],
            },
        ),
        migrations.RunPython(state_from_moments, migrations.RunPython.noop),
    ]

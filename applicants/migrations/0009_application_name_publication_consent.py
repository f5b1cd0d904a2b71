"""A person applying alone may agree, when submitting, to their name on the public results.

Applications submitted before were never asked: they count as not agreed, so the
public results page shows those people's initials.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0008_history_note_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="name_publication_agreed",
            field=models.BooleanField(
                default=False, verbose_name="agreed to have their name published with the results"
            ),
        ),
    ]

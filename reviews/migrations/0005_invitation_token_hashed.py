"""Invitations keep only a SHA-256 of their link's token.

The tokens already stored are replaced by their hashes, so the links already
e-mailed keep working: a presented token is hashed and looked up. Going back
can't restore a token from its hash; the links then stop working, and a
coordinator sends the invitations again.
"""

import hashlib

from django.db import migrations, models

import reviews.models


def hash_stored_tokens(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    for invitation in Invitation.objects.only("pk", "token_hash").iterator(chunk_size=500):
        invitation.token_hash = hashlib.sha256(invitation.token_hash.encode()).hexdigest()
        invitation.save(update_fields=["token_hash"])


def forget_hashed_tokens(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    for invitation in Invitation.objects.only("pk").iterator(chunk_size=500):
        invitation.token_hash = reviews.models.invitation_token()
        invitation.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_review_corrections"),
    ]

    operations = [
        migrations.RenameField(model_name="invitation", old_name="token", new_name="token_hash"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(
                default=reviews.models.invitation_token_hash_unsent, max_length=64, unique=True
            ),
        ),
        migrations.RunPython(hash_stored_tokens, forget_hashed_tokens),
    ]

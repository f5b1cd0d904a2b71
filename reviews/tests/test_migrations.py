"""The migration that hashes invitation tokens keeps the links already e-mailed working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from reviews.models import Invitation
from reviews.tests.builders import call_with_criteria

BEFORE = [("reviews", "0004_review_corrections")]
AFTER = [("reviews", "0005_invitation_token_hashed")]
OLD_TOKEN = "zaproszenie-wyslane-przed-aktualizacja"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_stored_tokens_and_their_links_keep_working(client):
    call = call_with_criteria(title="Klimat na podwórku 2027")
    inviter = CoordinatorFactory()
    old = migrate(BEFORE)
    old.get_model("reviews", "Invitation").objects.create(
        call_id=call.pk, email="nowa@example.org", token=OLD_TOKEN, invited_by_id=inviter.pk
    )
    try:
        migrate(AFTER)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    (invitation,) = Invitation.objects.all()
    assert invitation.token_hash != OLD_TOKEN
    assert len(invitation.token_hash) == 64
    response = client.get(reverse("reviews:invitation", args=[OLD_TOKEN]))
    assert response.status_code == 200
    assert response.context["invitation"] == invitation

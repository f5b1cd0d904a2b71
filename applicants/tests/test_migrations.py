"""The migration that adds the folded search text fills it for applications already submitted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applicants.models import Application, ApplicationVersion
from applicants.tests.factories import ApplicationFactory
from grants.tests.factories import GrantCallFactory

BEFORE = [("applicants", "0005_bounded_texts")]
AFTER = [("applicants", "0006_application_search_text")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_folds_existing_applications_for_search_with_their_contact_person():
    call = GrantCallFactory(reference_code="AC")
    application = ApplicationFactory(
        call=call, number_in_call=42, title="Zielone Bałuty", applicant_name="Ekipa z Łodzi"
    )
    ApplicationVersion.objects.filter(application=application).update(
        content={"title": "Zielone Bałuty", "applicant": {"contact_name": "Łukasz Ślęzak"}}
    )
    migrate(BEFORE)  # the columns go, the rows stay as they were before the change
    try:
        migrate(AFTER)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    application = Application.objects.get(pk=application.pk)
    assert application.applicant_contact_name == "Łukasz Ślęzak"
    assert (
        application.search_text == "ac 2027 0042 | zielone baluty | ekipa z lodzi | lukasz slezak"
    )
    assert list(Application.objects.matching("ŚLĘZAK")) == [application]

"""Migration 0009: calls that kept the old default notice stop calling the controller nameless."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grants.models import DEFAULT_PRIVACY_NOTICE, GrantCall
from grants.tests.factories import GrantCallFactory

BEFORE = [("grants", "0008_bounded_texts")]
AFTER = [("grants", "0009_privacy_notice_names_the_operator")]
OLD_DEFAULT = (
    "Administratorem Twoich danych osobowych jest operator programu. Przetwarzamy je, aby "
    + DEFAULT_PRIVACY_NOTICE.removeprefix("Przetwarzamy Twoje dane osobowe, aby ")
)


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_drops_the_nameless_controller_from_the_old_default_only():
    old_default, own = GrantCallFactory(), GrantCallFactory()
    GrantCall.objects.filter(pk=old_default.pk).update(privacy_notice=OLD_DEFAULT)
    GrantCall.objects.filter(pk=own.pk).update(privacy_notice="Administratorem jest Fundacja X.")
    migrate(BEFORE)
    migrate(AFTER)
    assert notice(old_default) == DEFAULT_PRIVACY_NOTICE
    assert notice(own) == "Administratorem jest Fundacja X."


def notice(call) -> str:
    # Only the column the migration knows: the model has fields added by later migrations.
    return GrantCall.objects.filter(pk=call.pk).values_list("privacy_notice", flat=True).get()

"""The data migrations bring earlier records under the new states: nothing is left queued for
ever, and every decision gets the state its moments show."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.models import StatusChange
from applicants.tests.factories import ApplicationFactory
from grants.tests.factories import GrantCallFactory

BEFORE = [("decisions", "0002_one_message_per_letter")]
AFTER = [("decisions", "0004_letter_requests_for_earlier_letters_and_lapse_withdrawn")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Every test here leaves the database migrated to the end, as the other tests expect."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_gives_letters_requests_fails_stuck_ones_and_lapses_withdrawn_drafts():
    call = GrantCallFactory(total_budget=Decimal("9000"))
    coordinator = CoordinatorFactory()
    issued_app, stuck_app, correcting_app = (
        ApplicationFactory(call=call, status=ApplicationStatus.AWARDED) for _ in range(3)
    )
    withdrawn_app = ApplicationFactory(call=call, status=ApplicationStatus.WITHDRAWN)
    withdrawn_at = timezone.now() - timedelta(days=2)
    StatusChange.objects.create(
        application=withdrawn_app,
        old_status=ApplicationStatus.REVIEWED,
        new_status=ApplicationStatus.WITHDRAWN,
        at=withdrawn_at,
    )
    old = migrate(BEFORE)
    Decision = old.get_model("decisions", "Decision")
    DecisionLetter = old.get_model("decisions", "DecisionLetter")
    now = timezone.now()
    published = {
        "outcome": "awarded",
        "amount": Decimal("3000"),
        "decided_by_id": coordinator.pk,
        "published_at": now,
        "published_by_id": coordinator.pk,
        "call_id": call.pk,
    }
    issued = Decision.objects.create(
        application_id=issued_app.pk, letter_state="issued", **published
    )
    stuck = Decision.objects.create(application_id=stuck_app.pk, letter_state="queued", **published)
    correcting = Decision.objects.create(
        application_id=correcting_app.pk, letter_state="failed", **published
    )
    draft = Decision.objects.create(
        application_id=withdrawn_app.pk,
        outcome="awarded",
        amount=Decimal("3000"),
        decided_by_id=coordinator.pk,
        call_id=call.pk,
    )
    for decision, version, note in [(issued, 1, ""), (correcting, 1, ""), (issued, 2, "Literówka")]:
        DecisionLetter.objects.create(
            decision_id=decision.pk,
            number=f"X/{decision.pk}/D{version}",
            version=version,
            language="pl",
            kind="award",
            pdf=f"letters/x-{decision.pk}-{version}.pdf",
            sha256="0" * 64,
            size=1,
            issued_by_id=coordinator.pk,
            note=note,
        )

    new = migrate(AFTER)

    Decision = new.get_model("decisions", "Decision")
    LetterRequest = new.get_model("decisions", "LetterRequest")
    assert list(
        LetterRequest.objects.filter(decision_id=issued.pk)
        .order_by("version")
        .values_list("version", "reason", "note", "state")
    ) == [(1, "publication", "", "issued"), (2, "correction", "Literówka", "issued")]
    for decision, version, reason in [(stuck, 1, "publication"), (correcting, 2, "correction")]:
        request = LetterRequest.objects.get(decision_id=decision.pk, state="failed")
        assert (request.version, request.reason) == (version, reason)
        assert "Kliknij „Ponów”, aby je wydać" in request.error
        assert Decision.objects.get(pk=decision.pk).letter_state == "failed"
    lapsed = Decision.objects.get(pk=draft.pk)
    assert (lapsed.lapsed_reason, lapsed.lapsed_at) == ("withdrawn", withdrawn_at)
    assert Decision.objects.get(pk=issued.pk).lapsed_at is None


@pytest.mark.django_db(transaction=True)
def test_migration_gives_each_decision_and_its_history_the_state_its_moments_show():
    call = GrantCallFactory(total_budget=Decimal("20000"))
    coordinator = CoordinatorFactory()
    old = migrate([("decisions", "0005_bounded_texts")])
    Decision = old.get_model("decisions", "Decision")
    HistoricalDecision = old.get_model("decisions", "HistoricalDecision")
    now = timezone.now()
    published = {"published_at": now, "published_by_id": coordinator.pk}
    moments = {
        "draft": {},
        "published": published,
        "accepted": {**published, "accepted_at": now + timedelta(days=1)},
        "declined": {**published, "declined_at": now + timedelta(days=2)},
        "lapsed": {"lapsed_at": now, "lapsed_reason": "withdrawn"},
        "published_rejection": published,
    }
    ids = {}
    for name, fields in moments.items():
        application = ApplicationFactory(call=call, status=ApplicationStatus.REVIEWED)
        outcome = "rejected" if name == "published_rejection" else "awarded"
        decision = Decision.objects.create(
            application_id=application.pk,
            call_id=call.pk,
            outcome=outcome,
            amount=Decimal("3000") if outcome == "awarded" else None,
            decided_by_id=coordinator.pk,
            **fields,
        )
        ids[name] = decision.pk
    # The accepted award's history: recorded a draft, published, then accepted.
    accepted = Decision.objects.get(pk=ids["accepted"])
    for index, fields in enumerate([{}, published, moments["accepted"]]):
        HistoricalDecision.objects.create(
            id=accepted.pk,
            application_id=accepted.application_id,
            call_id=call.pk,
            outcome="awarded",
            amount=Decimal("3000"),
            decided_by_id=coordinator.pk,
            decided_at=now,
            letter_state="none",
            history_date=now + timedelta(minutes=index),
            history_type="+" if index == 0 else "~",
            **fields,
        )

    new = migrate([("decisions", "0006_decision_state_from_its_moments")])

    Decision = new.get_model("decisions", "Decision")
    HistoricalDecision = new.get_model("decisions", "HistoricalDecision")
    states = dict(Decision.objects.values_list("pk", "state"))
    assert {name: states[pk] for name, pk in ids.items()} == {
        "draft": "draft",
        "published": "published",
        "accepted": "accepted",
        "declined": "declined",
        "lapsed": "lapsed",
        "published_rejection": "published",
    }
    assert list(
        HistoricalDecision.objects.filter(id=ids["accepted"])
        .order_by("history_date")
        .values_list("state", flat=True)
    ) == ["draft", "published", "accepted"]

"""The data migrations bring rows written before them under the new schema.

Each migration test used to migrate the database back to its own starting point and forward
again: about half a minute each, per database, almost all of it Django rendering the model
states of the migrations on the way. Here one walk does it for all of them (module fixture
`walk`): it writes each check's rows, migrates back once to the earliest starting point
every check needs, then steps forward one migration at a time, writing a check's old-schema
rows where that check starts and reading what the migration made of them right after it (or,
for the checks that read through today's models and pages, at the end). The tests below each
assert what one migration must have done, from what the walk read.

A new data-migration check: add its rows to `walk` (with today's factories before the walk
back, or with the old models at its starting point), add its starting point to START and its
migration to STEPS, read the result where the walk reaches it and assert in a test of its own.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus, HistoryNote
from applicants.models import Application, ApplicationVersion, StatusChange
from applicants.tests.builders import submitted_application
from applicants.tests.factories import ApplicationFactory
from decisions import models as decision_models
from grants.models import DEFAULT_PRIVACY_NOTICE, GrantCall
from grants.tests.factories import GrantCallFactory
from reviews.models import Invitation
from reviews.tests.builders import call_with_criteria

# Where the walk starts: every check's starting point at once (each app back to the earliest
# point a check of it needs; migrating back unapplies what depends on the later ones too).
START = [
    ("grants", "0008_bounded_texts"),
    ("applicants", "0005_bounded_texts"),
    ("decisions", "0002_one_message_per_letter"),
    ("reviews", "0004_review_corrections"),
]
GRANTS_0009 = ("grants", "0009_privacy_notice_names_the_operator")
APPLICANTS_0006 = ("applicants", "0006_application_search_text")
APPLICANTS_0007 = ("applicants", "0007_applicant_postal_address")
APPLICANTS_0008 = ("applicants", "0008_history_note_codes")
DECISIONS_0004 = ("decisions", "0004_letter_requests_for_earlier_letters_and_lapse_withdrawn")
DECISIONS_0005 = ("decisions", "0005_bounded_texts")
DECISIONS_0006 = ("decisions", "0006_decision_state_from_its_moments")
REVIEWS_0005 = ("reviews", "0005_invitation_token_hashed")

OLD_DEFAULT_NOTICE = (
    "Administratorem Twoich danych osobowych jest operator programu. Przetwarzamy je, aby "
    + DEFAULT_PRIVACY_NOTICE.removeprefix("Przetwarzamy Twoje dane osobowe, aby ")
)
OLD_TOKEN = "zaproszenie-wyslane-przed-aktualizacja"

# The tests only read what the walk saw; the mark makes pytest-django set up the test database
# the walk uses (without it, a run of this module alone would walk the development database).
pytestmark = pytest.mark.django_db


def migrate(targets):
    """Migrate to `targets`; the models (apps) of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_the_end() -> None:
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker):
    """What each migration made of the rows written before it (see the module's docstring).

    The settings the function-scoped fixtures of conftest.py give every test, set here for the
    walk; afterwards the database is migrated to the end and emptied, as after any test that
    commits (transaction=True).
    """
    seen = SimpleNamespace()
    with (
        django_db_blocker.unblock(),
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            LANGUAGE_CODE="pl",
        ),
    ):
        try:
            _walk(seen)
        finally:
            migrate_to_the_end()
            call_command("flush", verbosity=0, interactive=False)
            from core.pdf import renderers_stop

            renderers_stop()
    return seen


def _walk(seen) -> None:
    # --- Rows written with today's models, before the walk back ----------------------------
    # grants 0009: a call that kept the old default notice, one with its own.
    old_default_call, own_notice_call = GrantCallFactory(), GrantCallFactory()
    GrantCall.objects.filter(pk=old_default_call.pk).update(privacy_notice=OLD_DEFAULT_NOTICE)
    GrantCall.objects.filter(pk=own_notice_call.pk).update(
        privacy_notice="Administratorem jest Fundacja X."
    )
    # applicants 0006: a submitted application whose contact person is only in its version.
    searched = ApplicationFactory(
        call=GrantCallFactory(reference_code="AC"),
        number_in_call=42,
        title="Zielone Bałuty",
        applicant_name="Ekipa z Łodzi",
    )
    ApplicationVersion.objects.filter(application=searched).update(
        content={"title": "Zielone Bałuty", "applicant": {"contact_name": "Łukasz Ślęzak"}}
    )
    # applicants 0008: an application whose history gets rows in words (at 0007).
    with_history = submitted_application()
    # decisions 0004: three awarded applications and a withdrawn one.
    letters_call = GrantCallFactory(total_budget=Decimal("9000"))
    letters_coordinator = CoordinatorFactory()
    issued_app, stuck_app, correcting_app = (
        ApplicationFactory(call=letters_call, status=ApplicationStatus.AWARDED) for _ in range(3)
    )
    withdrawn_app = ApplicationFactory(call=letters_call, status=ApplicationStatus.WITHDRAWN)
    withdrawn_at = timezone.now() - timedelta(days=2)
    StatusChange.objects.create(
        application=withdrawn_app,
        old_status=ApplicationStatus.REVIEWED,
        new_status=ApplicationStatus.WITHDRAWN,
        at=withdrawn_at,
    )
    # decisions 0006: one reviewed application for each moment a decision can be at.
    states_call = GrantCallFactory(total_budget=Decimal("20000"))
    states_coordinator = CoordinatorFactory()
    moment_names = ["draft", "published", "accepted", "declined", "lapsed", "published_rejection"]
    reviewed_apps = {
        name: ApplicationFactory(call=states_call, status=ApplicationStatus.REVIEWED)
        for name in moment_names
    }
    # reviews 0005: a call with criteria and the coordinator who invites (at 0004).
    review_call = call_with_criteria(title="Klimat na podwórku 2027")
    inviter = CoordinatorFactory()

    # --- Back, once, to every check's starting point ----------------------------------------
    old = migrate(START)
    # decisions 0002: letters issued, stuck, being corrected; a withdrawn application's draft.
    Decision = old.get_model("decisions", "Decision")
    DecisionLetter = old.get_model("decisions", "DecisionLetter")
    now = timezone.now()
    published = {
        "outcome": "awarded",
        "amount": Decimal("3000"),
        "decided_by_id": letters_coordinator.pk,
        "published_at": now,
        "published_by_id": letters_coordinator.pk,
        "call_id": letters_call.pk,
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
        decided_by_id=letters_coordinator.pk,
        call_id=letters_call.pk,
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
            issued_by_id=letters_coordinator.pk,
            note=note,
        )
    # reviews 0004: an invitation whose token is stored as e-mailed.
    old.get_model("reviews", "Invitation").objects.create(
        call_id=review_call.pk, email="nowa@example.org", token=OLD_TOKEN, invited_by_id=inviter.pk
    )

    # --- grants 0009 ------------------------------------------------------------------------
    migrate([GRANTS_0009])
    # Only the column the migration knows: the model has fields added by later migrations.
    seen.notices = dict(
        GrantCall.objects.filter(pk__in=[old_default_call.pk, own_notice_call.pk]).values_list(
            "pk", "privacy_notice"
        )
    )
    seen.notice_calls = (old_default_call.pk, own_notice_call.pk)

    # --- applicants 0006 (read at the end, through today's model) ---------------------------
    migrate([APPLICANTS_0006])

    # --- applicants 0008: rows in words, written at 0007 ------------------------------------
    old = migrate([APPLICANTS_0007])
    OldChange = old.get_model("applicants", "StatusChange")
    rows = {
        "polish": ("in_review", "Przydzielono recenzentów"),
        "english": ("awarded", "Results published"),
        "version": ("submitted", "Poprawiona wersja 3"),
        "person": ("withdrawn", "Przydzielono recenzentów"),  # typed by the applicant, not noted
        "reason": ("withdrawn", "Zmiana planów."),
    }
    history_ids = {
        key: OldChange.objects.create(
            application_id=with_history.pk, old_status="submitted", new_status=status, note=note
        ).pk
        for key, (status, note) in rows.items()
    }
    migrate([APPLICANTS_0008])

    # --- decisions 0004 ---------------------------------------------------------------------
    new = migrate([DECISIONS_0004])
    Decision = new.get_model("decisions", "Decision")
    LetterRequest = new.get_model("decisions", "LetterRequest")
    seen.issued_requests = list(
        LetterRequest.objects.filter(decision_id=issued.pk)
        .order_by("version")
        .values_list("version", "reason", "note", "state")
    )
    # Read as lists, not .get(): a migration that did nothing fails its own test below.
    seen.failed_requests = {
        name: [
            (request.version, request.reason, request.error)
            for request in LetterRequest.objects.filter(decision_id=decision.pk, state="failed")
        ]
        for name, decision in [("stuck", stuck), ("correcting", correcting)]
    }
    seen.letter_states = dict(
        Decision.objects.filter(pk__in=[stuck.pk, correcting.pk]).values_list("pk", "letter_state")
    )
    seen.failed_decisions = {"stuck": stuck.pk, "correcting": correcting.pk}
    lapsed = Decision.objects.get(pk=draft.pk)
    seen.lapsed = (lapsed.lapsed_reason, lapsed.lapsed_at)
    seen.withdrawn_at = withdrawn_at
    seen.issued_lapsed_at = Decision.objects.get(pk=issued.pk).lapsed_at

    # --- decisions 0006: decisions at each moment, written at 0005 --------------------------
    old = migrate([DECISIONS_0005])
    Decision = old.get_model("decisions", "Decision")
    HistoricalDecision = old.get_model("decisions", "HistoricalDecision")
    now = timezone.now()
    published = {"published_at": now, "published_by_id": states_coordinator.pk}
    moments = {
        "draft": {},
        "published": published,
        "accepted": {**published, "accepted_at": now + timedelta(days=1)},
        "declined": {**published, "declined_at": now + timedelta(days=2)},
        "lapsed": {"lapsed_at": now, "lapsed_reason": "withdrawn"},
        "published_rejection": published,
    }
    decision_ids = {}
    for name, fields in moments.items():
        outcome = "rejected" if name == "published_rejection" else "awarded"
        decision = Decision.objects.create(
            application_id=reviewed_apps[name].pk,
            call_id=states_call.pk,
            outcome=outcome,
            amount=Decimal("3000") if outcome == "awarded" else None,
            decided_by_id=states_coordinator.pk,
            **fields,
        )
        decision_ids[name] = decision.pk
    # The accepted award's history: recorded a draft, published, then accepted.
    accepted = Decision.objects.get(pk=decision_ids["accepted"])
    for index, fields in enumerate([{}, published, moments["accepted"]]):
        HistoricalDecision.objects.create(
            id=accepted.pk,
            application_id=accepted.application_id,
            call_id=states_call.pk,
            outcome="awarded",
            amount=Decimal("3000"),
            decided_by_id=states_coordinator.pk,
            decided_at=now,
            letter_state="none",
            history_date=now + timedelta(minutes=index),
            history_type="+" if index == 0 else "~",
            **fields,
        )
    new = migrate([DECISIONS_0006])
    Decision = new.get_model("decisions", "Decision")
    HistoricalDecision = new.get_model("decisions", "HistoricalDecision")
    states = dict(Decision.objects.values_list("pk", "state"))
    seen.decision_states = {name: states[pk] for name, pk in decision_ids.items()}
    seen.accepted_history = list(
        HistoricalDecision.objects.filter(id=decision_ids["accepted"])
        .order_by("history_date")
        .values_list("state", flat=True)
    )

    # --- reviews 0005 (read at the end, through the invitation page) ------------------------
    migrate([REVIEWS_0005])

    # --- The end: what today's models and pages make of the rows ----------------------------
    migrate_to_the_end()
    application = Application.objects.get(pk=searched.pk)
    seen.searched = (application.applicant_contact_name, application.search_text)
    seen.found = [found.pk for found in Application.objects.matching("ŚLĘZAK")]
    seen.searched_pk = searched.pk

    changes = {key: StatusChange.objects.get(pk=pk) for key, pk in history_ids.items()}
    seen.note_codes = {key: change.note_code for key, change in changes.items()}
    seen.version_params = changes["version"].note_params
    with translation.override("en"):
        seen.english_texts = {
            key: changes[key].note_text for key in ("polish", "version", "reason")
        }
    with translation.override("pl"):
        seen.polish_texts = {key: changes[key].note_text for key in ("english",)}

    # decisions 0008: only the newest version of a corrected letter is the current one.
    seen.current_letters = sorted(
        decision_models.DecisionLetter.objects.filter(decision_id=issued.pk).values_list(
            "version", "is_current"
        )
    )

    (invitation,) = Invitation.objects.all()
    seen.invitation_token_hash = invitation.token_hash
    response = Client().get(reverse("reviews:invitation", args=[OLD_TOKEN]))
    shown = response.context["invitation"].pk if response.status_code == 200 else None
    seen.invitation_page = (response.status_code, shown, invitation.pk)


def test_migration_marks_only_the_newest_version_of_a_corrected_letter_current(walk):
    assert walk.current_letters == [(1, False), (2, True)]


def test_migration_drops_the_nameless_controller_from_the_old_default_only(walk):
    old_default, own = walk.notice_calls
    assert walk.notices[old_default] == DEFAULT_PRIVACY_NOTICE
    assert walk.notices[own] == "Administratorem jest Fundacja X."


def test_migration_folds_existing_applications_for_search_with_their_contact_person(walk):
    contact_name, search_text = walk.searched
    assert contact_name == "Łukasz Ślęzak"
    assert search_text == "ac 2027 0042 | zielone baluty | ekipa z lodzi | lukasz slezak"
    assert walk.found == [walk.searched_pk]


def test_migration_turns_the_systems_stored_words_into_codes_and_keeps_peoples_words(walk):
    assert walk.note_codes == {
        "polish": HistoryNote.REVIEWERS_ASSIGNED,
        "english": HistoryNote.RESULTS_PUBLISHED,
        "version": HistoryNote.CORRECTED_VERSION,
        "person": "",
        "reason": "",
    }
    assert walk.version_params == {"number": 3}
    assert walk.english_texts == {
        "polish": "Reviewers assigned",
        "version": "Corrected version 3",
        "reason": "Zmiana planów.",
    }
    assert walk.polish_texts == {"english": "Opublikowano wyniki"}


def test_migration_gives_letters_requests_fails_stuck_ones_and_lapses_withdrawn_drafts(walk):
    assert walk.issued_requests == [
        (1, "publication", "", "issued"),
        (2, "correction", "Literówka", "issued"),
    ]
    for name, (version, reason) in [
        ("stuck", (1, "publication")),
        ("correcting", (2, "correction")),
    ]:
        ((request_version, request_reason, error),) = walk.failed_requests[name]
        assert (request_version, request_reason) == (version, reason)
        assert "Kliknij „Ponów”, aby je wydać" in error
        assert walk.letter_states[walk.failed_decisions[name]] == "failed"
    assert walk.lapsed == ("withdrawn", walk.withdrawn_at)
    assert walk.issued_lapsed_at is None


def test_migration_gives_each_decision_and_its_history_the_state_its_moments_show(walk):
    assert walk.decision_states == {
        "draft": "draft",
        "published": "published",
        "accepted": "accepted",
        "declined": "declined",
        "lapsed": "lapsed",
        "published_rejection": "published",
    }
    assert walk.accepted_history == ["draft", "published", "accepted"]


def test_migration_hashes_stored_tokens_and_their_links_keep_working(walk):
    assert walk.invitation_token_hash != OLD_TOKEN
    assert len(walk.invitation_token_hash) == 64
    status_code, shown_invitation, invitation = walk.invitation_page
    assert status_code == 200
    assert shown_invitation == invitation

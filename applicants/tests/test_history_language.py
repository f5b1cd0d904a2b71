"""An application's history reads in the reader's language, whoever made each move and in which.

What the system notes is stored as a code and worded when shown; what a person
wrote (a withdrawal's reason, a coordinator's message) is shown as written.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import HistoryNote
from applicants.models import StatusChange
from applicants.services import application_submit, application_withdraw, formal_check_record
from applicants.tests.builders import CONSENTS, submitted_application

pytestmark = pytest.mark.django_db


def timeline_text(client, application) -> str:
    """The application's history as its applicant reads it (whitespace squeezed)."""
    html = client.get(reverse("applicants:application_detail", args=[application.pk])).text
    start = html.index('<ol class="list-group mb-3">')
    return " ".join(html[start : html.index("</ol>", start)].split())


def read_in(client, language: str) -> None:
    """Switch the site's language as a person does: the language menu (Django's set_language)."""
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_a_corrected_version_is_numbered_in_the_readers_words(client):
    application = submitted_application()
    with translation.override("en"):  # a coordinator working in English
        formal_check_record(
            application=application,
            outcome="correction",
            by=CoordinatorFactory(),
            message="Dołącz list poparcia.",
        )
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=timezone.now(),
        )
    client.force_login(application.applicant)
    read_in(client, "pl")

    timeline = timeline_text(client, application)

    assert "Poprawiona wersja 2" in timeline
    assert "Corrected version" not in timeline
    assert "Dołącz list poparcia." in timeline  # the coordinator's own words, as written


def test_a_withdrawal_reason_stays_as_the_applicant_wrote_it(client):
    application = submitted_application()
    application_withdraw(application=application, by=application.applicant, note="Zmiana planów.")
    client.force_login(application.applicant)
    read_in(client, "en")

    assert "Zmiana planów." in timeline_text(client, application)


# --- Rows written before the codes ---------------------------------------------------------------

BEFORE = [("applicants", "0007_applicant_postal_address")]
AFTER = [("applicants", "0008_history_note_codes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_turns_the_systems_stored_words_into_codes_and_keeps_peoples_words(client):
    application = submitted_application()
    old = migrate(BEFORE)
    OldChange = old.get_model("applicants", "StatusChange")
    rows = {
        "polish": ("in_review", "Przydzielono recenzentów"),
        "english": ("awarded", "Results published"),
        "version": ("submitted", "Poprawiona wersja 3"),
        "person": ("withdrawn", "Przydzielono recenzentów"),  # typed by the applicant, not noted
        "reason": ("withdrawn", "Zmiana planów."),
    }
    ids = {
        key: OldChange.objects.create(
            application_id=application.pk, old_status="submitted", new_status=status, note=note
        ).pk
        for key, (status, note) in rows.items()
    }
    try:
        migrate(AFTER)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    changes = {key: StatusChange.objects.get(pk=pk) for key, pk in ids.items()}
    assert changes["polish"].note_code == HistoryNote.REVIEWERS_ASSIGNED
    assert changes["english"].note_code == HistoryNote.RESULTS_PUBLISHED
    assert (changes["version"].note_code, changes["version"].note_params) == (
        HistoryNote.CORRECTED_VERSION,
        {"number": 3},
    )
    assert changes["person"].note_code == ""
    assert changes["reason"].note_code == ""
    with translation.override("en"):
        assert changes["polish"].note_text == "Reviewers assigned"
        assert changes["version"].note_text == "Corrected version 3"
        assert changes["reason"].note_text == "Zmiana planów."
    with translation.override("pl"):
        assert changes["english"].note_text == "Opublikowano wyniki"

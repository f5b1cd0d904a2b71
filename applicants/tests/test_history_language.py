"""An application's history reads in the reader's language, whoever made each move and in which.

What the system notes is stored as a code and worded when shown; what a person
wrote (a withdrawal's reason, a coordinator's message) is shown as written.
"""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory
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


# Rows written before the codes: the migration's test is in tests/test_migrations.py (one walk
# through every data migration's check).

"""What the pages write about an application: dates in words, counts, the correction deadline."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory
from applicants.tests.builders import submitted_application
from core.deadlines import end_of_day
from core.formatting import format_deadline

pytestmark = pytest.mark.django_db

# The builders' schedule: one row from 1 to 30 April 2027.
SCHEDULE_IN_WORDS = ("1 kwietnia 2027", "30 kwietnia 2027")


def squeezed(html: str) -> str:
    return " ".join(html.replace("\xa0", " ").split())


def assert_schedule_in_words(html: str) -> None:
    for words in SCHEDULE_IN_WORDS:
        assert f">{words}<" in html
    assert "2027-04-01" not in html
    assert "2027-04-30" not in html


def test_schedule_dates_are_in_words_on_the_applicants_page(client):
    application = submitted_application()
    client.force_login(application.applicant)

    html = client.get(reverse("applicants:application_detail", args=[application.pk])).text

    assert_schedule_in_words(html)
    assert ">1 maja 2005<" in html  # the applicant's date of birth, too
    assert "2005-05-01" not in html


def test_schedule_dates_are_in_words_on_the_coordinators_page(client):
    application = submitted_application()
    client.force_login(CoordinatorFactory())

    html = client.get(reverse("applicants_manage:detail", args=[application.pk])).text

    assert_schedule_in_words(html)


def test_schedule_dates_are_in_words_in_english_too(client):
    application = submitted_application()
    client.force_login(application.applicant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    html = client.get(reverse("applicants:application_detail", args=[application.pk])).text

    assert ">1 April 2027<" in html


def test_budget_shows_the_count_and_the_unit_apart(client):
    # "40 szt." reads well, but a unit typed as "sztuka" must never make "40 sztuka".
    application = submitted_application()
    client.force_login(application.applicant)

    html = squeezed(
        client.get(reverse("applicants:application_detail", args=[application.pk])).text
    )

    assert (
        '<td class="text-end num" data-label="Ilość">40</td><td data-label="Jednostka">szt.</td>'
        in html
    )


# --- Correct by ---------------------------------------------------------------------------------


def test_correction_due_on_a_chosen_day_ends_at_2359_and_is_written_as_that_date(
    client, django_capture_on_commit_callbacks
):
    application = submitted_application()
    client.force_login(CoordinatorFactory())
    day = timezone.localdate() + timedelta(days=10)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applicants_manage:formal_check", args=[application.pk]),
            {
                "outcome": "correction",
                "message": "Dołącz list poparcia.",
                "correction_deadline": day.isoformat(),
            },
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.correction_deadline == end_of_day(day)
    with translation.override("pl"):
        words = format_deadline(application.correction_deadline)
    (email,) = [m for m in mail.outbox if m.to == [application.applicant.email]]
    assert f"ponowne złożenie go do {words}" in email.body
    assert "23:59" not in email.body
    client.force_login(application.applicant)
    page = client.get(reverse("applicants:application_detail", args=[application.pk])).text
    assert f"ponownie do <strong>{words}</strong>" in page


def test_correction_due_by_default_is_the_end_of_the_calls_last_day(client):
    application = submitted_application()
    client.force_login(CoordinatorFactory())

    client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "correction", "message": "Dołącz list poparcia."},
    )

    application.refresh_from_db()
    expected = timezone.localdate() + timedelta(days=application.call.correction_days)
    assert application.correction_deadline == end_of_day(expected)


def test_correction_due_on_a_past_day_is_refused_beside_the_field(client):
    application = submitted_application()
    client.force_login(CoordinatorFactory())

    response = client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "correction", "message": "Popraw.", "correction_deadline": "2001-01-31"},
    )

    application.refresh_from_db()
    assert application.correction_deadline is None
    assert "Wybierz dzisiejszy lub późniejszy dzień." in response.text


def test_a_correction_deadline_stored_to_the_minute_still_shows_its_time(client):
    # Deadlines set before they were whole days keep working and say exactly when they end.
    application = submitted_application()
    client.force_login(CoordinatorFactory())
    client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "correction", "message": "Popraw."},
    )
    application.refresh_from_db()
    older = timezone.make_aware(timezone.datetime(2099, 3, 14, 15, 37))
    type(application).objects.filter(pk=application.pk).update(correction_deadline=older)
    client.force_login(application.applicant)

    page = client.get(reverse("applicants:application_detail", args=[application.pk])).text

    assert "godz. 15:37 dnia 14 marca 2099 r." in page
    assert end_of_day(date(2099, 3, 14)) > older

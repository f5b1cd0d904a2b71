""" "My applications" shows what was awarded and by when to accept it, with a clear way to answer
(the decision stage tells the applicants' list through applicants.awards)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.tests.factories import CoordinatorFactory, UserFactory
from decisions.enums import DecisionOutcome
from decisions.models import Decision
from decisions.services import award_accept, award_decline, decision_record, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory, deadline_passes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_letters(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


def published(applicant, *, outcome=DecisionOutcome.AWARDED, amount="2500.00", title="Łąka"):
    """`applicant`'s application, decided with `outcome` and published."""
    call = GrantCallFactory(total_budget=Decimal("90000"))
    application = ranked_application(
        call, score=80, requested="3000.00", applicant=applicant, title=title
    )
    coordinator = CoordinatorFactory()
    decision_record(
        application=application,
        outcome=outcome,
        amount=Decimal(amount) if outcome == DecisionOutcome.AWARDED else None,
        justification="Komisja przyznała mniej, bo część kosztów pokrywa gmina.",
        by=coordinator,
    )
    results_publish(call=deadline_passes(call), by=coordinator)
    return Decision.objects.get(application=application)


def my_applications(client, applicant) -> str:
    client.force_login(applicant)
    response = client.get(reverse("applicants:my_applications"))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def card_of(page: str, title: str) -> str:
    """The application's card on the list (the summary above may name it too)."""
    (card,) = [
        chunk.split("</article>")[0] for chunk in page.split("<article")[1:] if title in chunk
    ]
    return card


def polish(moment, pattern) -> str:
    with translation.override("pl"):
        return date_format(timezone.localtime(moment), pattern)


def test_my_applications_shows_the_awarded_amount_and_the_date_to_accept_by(client):
    applicant = UserFactory()
    decision = published(applicant, amount="2500.00", title="Ogród deszczowy")
    card = card_of(my_applications(client, applicant), "Ogród deszczowy")
    assert 'Wnioskowana kwota: <span class="amount">3 000,00 zł</span>' in card
    assert 'Przyznana kwota: <span class="amount fw-semibold">2 500,00 zł</span>' in card
    deadline = decision.acceptance_deadline
    # A deadline given to a person is a whole day: "do 14 grudnia 2026 r."
    assert f"Na odpowiedź masz czas do {polish(deadline, 'j E Y')} r." in card
    answer = reverse("decisions_applicant:decision", args=[decision.application_id])
    assert f'<a class="btn btn-sm btn-primary" href="{answer}">Przyjmij grant lub zrezygnuj' in card


def test_my_applications_says_when_the_grant_was_accepted_and_asks_no_more(client):
    applicant = UserFactory()
    decision = published(applicant, title="Rowerownia")
    award_accept(decision=decision, by=applicant)
    decision.refresh_from_db()
    card = card_of(my_applications(client, applicant), "Rowerownia")
    assert f"Grant przyjęty {polish(decision.accepted_at, 'j E Y')}." in card
    assert "Przyjmij grant lub zrezygnuj" not in card
    assert "Na odpowiedź masz czas" not in card
    assert "Decyzja i pismo" in card


def test_my_applications_says_when_the_grant_was_declined(client):
    applicant = UserFactory()
    decision = published(applicant, title="Kompostownik")
    award_decline(decision=decision, by=applicant)
    decision.refresh_from_db()
    card = card_of(my_applications(client, applicant), "Kompostownik")
    assert f"Zrezygnowano z grantu {polish(decision.declined_at, 'j E Y')}." in card


def test_my_applications_shows_no_award_for_an_application_not_funded(client):
    applicant = UserFactory()
    published(applicant, outcome=DecisionOutcome.REJECTED, title="Ławki")
    card = card_of(my_applications(client, applicant), "Ławki")
    assert "Przyznana kwota" not in card
    assert "Decyzja i pismo" in card


def test_my_applications_shows_an_award_unanswered_in_time_as_such(client):
    applicant = UserFactory()
    decision = published(applicant, title="Mural")
    Decision.objects.filter(pk=decision.pk).update(
        acceptance_deadline=timezone.now() - timedelta(days=1)
    )
    card = card_of(my_applications(client, applicant), "Mural")
    assert "Przyznana kwota" in card
    assert "Czas na odpowiedź minął" in card
    assert "Przyjmij grant lub zrezygnuj" not in card


def test_my_applications_shows_only_the_applicants_own_awards(client):
    me, someone = UserFactory(), UserFactory()
    published(me, amount="1500.00", title="Mój projekt")
    published(someone, amount="2987.00", title="Cudzy projekt")
    page = my_applications(client, me)
    assert "1 500,00 zł" in page
    assert "2 987,00 zł" not in page and "Cudzy projekt" not in page


def test_my_applications_takes_the_same_queries_for_one_award_or_six(
    client, django_assert_max_num_queries
):
    applicant = UserFactory()
    published(applicant, title="Pierwszy")
    client.force_login(applicant)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("applicants:my_applications"))
    for number in range(5):
        published(applicant, title=f"Kolejny {number}")
    with django_assert_max_num_queries(len(queries)):
        page = client.get(reverse("applicants:my_applications")).content.decode()
    assert page.count("Przyznana kwota:") == 6

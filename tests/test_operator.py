"""Who runs the programme, across the stages: who may edit it, and the sign-up and password
e-mails, the submission's privacy notice and the reviewers' page that name the operator."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from applicants.tests.builders import complete_draft
from core.tests.programme import programme_saved
from reviews.tests.builders import call_with_criteria, reviewers_in_pool

pytestmark = pytest.mark.django_db

# The development server's address, which the sign-up e-mail used to greet people from.
DEV_HOST = "127.0.0.1:8100"


def test_programme_page_sends_visitors_to_log_in(client):
    response = client.get(reverse("programme:edit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_programme_page_is_forbidden_to_applicants_and_reviewers(client):
    applicant = complete_draft().applicant
    (reviewer,) = reviewers_in_pool(call_with_criteria(), 1)
    for person in (applicant, reviewer):
        client.force_login(person)
        assert client.get(reverse("programme:edit")).status_code == 403
        assert client.post(reverse("programme:edit"), {"operator_name": "X"}).status_code == 403


def test_programme_page_opens_for_coordinators(client):
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("programme:edit"))
    assert response.status_code == 200
    assert "Profil programu" in response.content.decode()


def _text_around_links(body: str) -> str:
    return re.sub(r"https?://\S+", "", body)


def test_signup_email_names_the_programme_not_the_server(
    client, django_capture_on_commit_callbacks
):
    programme_saved()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "nowa@example.org", "password1": PASSWORD, "password2": PASSWORD},
            HTTP_HOST=DEV_HOST,
        )
    (sent,) = mail.outbox
    assert sent.subject == "[Granty Kwartału] Potwierdź adres e-mail"
    assert sent.from_email.startswith("Fundacja Zielony Kwartał <")
    assert sent.reply_to == ["granty@zielonykwartal.example"] or (
        sent.message()["Reply-To"] == "granty@zielonykwartal.example"
    )
    text = _text_around_links(sent.body)
    assert "Fundacja Zielony Kwartał" in text
    assert "Granty Kwartału" in text
    assert "127.0.0.1" not in text and "Witamy z" not in sent.body
    assert f"http://{DEV_HOST}/accounts/confirm-email/" in sent.body  # the link itself works


def test_password_reset_email_names_the_programme(client, django_capture_on_commit_callbacks):
    programme_saved()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_HOST=DEV_HOST)
    (sent,) = mail.outbox
    assert sent.subject == "[Granty Kwartału] Ustaw nowe hasło"
    text = _text_around_links(sent.body)
    assert "Granty Kwartału" in text and "Fundacja Zielony Kwartał" in text
    assert "127.0.0.1" not in text
    assert "/accounts/password/reset/key/" in sent.body


def test_signup_email_without_a_profile_still_reads_well(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "nowa@example.org", "password1": PASSWORD, "password2": PASSWORD},
            HTTP_HOST=DEV_HOST,
        )
    (sent,) = mail.outbox
    assert sent.subject == "[Mikrogranty] Potwierdź adres e-mail"
    assert "127.0.0.1" not in _text_around_links(sent.body)


def test_submission_privacy_notice_names_the_operator_first(client):
    programme_saved()
    application = complete_draft()
    client.force_login(application.applicant)
    page = client.get(reverse("applicants:submit", args=[application.pk])).content.decode()
    notice = page[page.index('id="privacy-notice"') :]
    assert notice.index("Administratorem Twoich danych osobowych jest Fundacja Zielony Kwartał") < (
        notice.index("Przetwarzamy Twoje dane osobowe")
    )
    assert "operator programu" not in notice[:2000]


def test_password_reset_for_an_unknown_address_says_so_in_the_programmes_words(
    client, django_capture_on_commit_callbacks
):
    programme_saved()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nikt@example.org"})
    (sent,) = mail.outbox
    assert sent.subject == "[Granty Kwartału] Żadne konto nie ma tego adresu"
    assert "nikt@example.org" in sent.body and "/accounts/signup/" in sent.body
    assert "Fundacja Zielony Kwartał" in sent.body


def test_signup_with_a_taken_address_says_so_in_the_programmes_words(
    client, django_capture_on_commit_callbacks
):
    programme_saved()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": user.email, "password1": PASSWORD, "password2": PASSWORD},
        )
    (sent,) = mail.outbox
    assert sent.subject == "[Granty Kwartału] Masz już konto"
    assert "/accounts/password/reset/" in sent.body
    assert "Fundacja Zielony Kwartał" in sent.body

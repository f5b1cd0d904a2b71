"""allauth's limits with our numbers (settings.ACCOUNT_RATE_LIMITS), through the real views
and the real rate limiter: a school's class behind one address fits, guessing does not."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SCHOOL = "203.0.113.7"


def confirmation_path(message) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", message.body).group(0))


def sign_up(client, email, capture):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_rate_limits_let_a_class_of_30_sign_up_confirm_and_log_in_from_one_address(
    django_capture_on_commit_callbacks,
):
    for n in range(30):
        pupil = Client(REMOTE_ADDR=SCHOOL)
        email = f"uczen{n}@szkola.example.org"

        signed_up = sign_up(pupil, email, django_capture_on_commit_callbacks)
        assert signed_up.status_code == 302, (n, signed_up.content[:3000])
        assert signed_up["Location"] == reverse("account_email_verification_sent")
        confirmed = pupil.post(confirmation_path(mail.outbox[-1]))
        assert confirmed.status_code == 302, n
        assert is_logged_in(pupil), n

        pupil.post(reverse("account_logout"))
        if n % 3 == 0:  # a third of the class mistypes the password once
            log_in(pupil, email, password="zle-haslo")
            assert not is_logged_in(pupil)
        logged_in = log_in(pupil, email)
        assert logged_in.status_code == 302, (n, logged_in.content[:3000])
        assert is_logged_in(pupil), n


def test_rate_limits_failed_logins_throttled_per_account():
    user = UserFactory()
    guesser = Client(REMOTE_ADDR=SCHOOL)
    for _ in range(5):
        log_in(guesser, user.email, password="zgaduje")

    # From anywhere, even with the right password, until the five minutes pass.
    owner = Client(REMOTE_ADDR="198.51.100.1")
    response = log_in(owner, user.email)

    assert not is_logged_in(owner)
    assert "Zbyt wiele nieudanych prób logowania" in response.content.decode()


def test_rate_limits_failed_logins_throttled_per_address():
    users = UserFactory.create_batch(5)
    guesser = Client(REMOTE_ADDR=SCHOOL)
    for n in range(20):  # four guesses at each of five accounts: under the per-account limit
        log_in(guesser, users[n % 5].email, password=f"zgaduje-{n}")

    blocked = log_in(guesser, users[0].email)
    assert not is_logged_in(guesser)
    assert "Zbyt wiele nieudanych prób logowania" in blocked.content.decode()

    elsewhere = Client(REMOTE_ADDR="198.51.100.1")
    log_in(elsewhere, users[0].email)
    assert is_logged_in(elsewhere)


def test_rate_limits_sign_ups_per_address_stop_after_40_in_ten_minutes(
    django_capture_on_commit_callbacks,
):
    room = Client(REMOTE_ADDR=SCHOOL)
    for n in range(40):
        response = sign_up(room, f"konto{n}@example.org", django_capture_on_commit_callbacks)
        assert response.status_code == 302, n
        room.post(reverse("account_logout"))

    refused = sign_up(room, "konto40@example.org", django_capture_on_commit_callbacks)

    assert refused.status_code == 200
    assert "Z Twojej sieci założono przed chwilą wiele kont" in refused.content.decode()
    elsewhere = sign_up(
        Client(REMOTE_ADDR="198.51.100.1"),
        "konto40@example.org",
        django_capture_on_commit_callbacks,
    )
    assert elsewhere.status_code == 302

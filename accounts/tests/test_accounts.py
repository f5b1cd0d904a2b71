"""Signing up, verifying, logging in, throttling and resetting passwords."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_user_login_is_the_email_address_lowercased():
    user = User.objects.create_user("Ala.Kot@Example.ORG", "x" * 12)
    assert user.email == "ala.kot@example.org"
    assert User.USERNAME_FIELD == "email"


def test_signup_requires_email_verification_before_login(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "nowa@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nowa@example.org"]

    # Until the address is confirmed, logging in only re-sends the verification.
    client.post(reverse("account_login"), {"login": "nowa@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    confirm_url = link_in(mail.outbox[0])
    client.post(confirm_url)
    assert client.session["_auth_user_id"] == str(User.objects.get(email="nowa@example.org").pk)


def test_signup_email_is_queued_not_sent_inline(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    client.post(
        reverse("account_signup"),
        {"email": "kolejka@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    # Inside the test transaction on_commit never fires, so nothing is sent inline.
    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()


def test_verified_user_logs_in_and_out(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_throttled(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # Even the right password is refused while the account is throttled.
    assert "_auth_user_id" not in client.session
    assert "Zbyt wiele nieudanych prób logowania" in response.text


def test_password_reset_sends_a_working_link(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(
        form_url, {"password1": "nowe-haslo-2027!", "password2": "nowe-haslo-2027!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nowe-haslo-2027!")


def test_signup_with_mismatched_passwords_keeps_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "lena@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert 'value="lena@example.org"' in response.text
    assert not User.objects.filter(email="lena@example.org").exists()


def test_pages_render_in_polish_by_default(client):
    html = client.get(reverse("account_login")).text
    assert '<html lang="pl">' in html
    assert "Zaloguj się" in html

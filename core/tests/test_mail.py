"""E-mail through the task queue: links that log someone in are kept nowhere once sent.

These tests use the real database queue (conftest runs tasks immediately) and
run the queued tasks as the worker does, then read every table of the database.
"""

import re
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from core.enums import EmailState
from core.mail import email_enqueue, emails_erase_for
from core.models import OutgoingEmail
from core.queue import task_enqueue
from core.selectors import emails_sent_to
from core.tasks import housekeeping, send_email
from core.tests.support import database_text, run_queued_tasks

NEW_PASSWORD = "nowe-haslo-2027!"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def database_queue(settings):
    """The real database queue, as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def link_in(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def key_of(link: str) -> str:
    """The secret part of a link: its last path segment."""
    return link.rstrip("/").rsplit("/", 1)[-1]


def assert_stored_nowhere(*secrets: str) -> None:
    text = database_text()
    for secret in secrets:
        holders = [line.split(":", 1)[0] for line in text.splitlines() if secret in line]
        assert holders == [], f"{secret!r} is stored in {holders}"


@pytest.mark.django_db(transaction=True)
def test_password_reset_link_is_stored_nowhere_once_emailed_and_used(client, database_queue):
    user = UserFactory()

    client.post(reverse("account_reset_password"), {"email": user.email})

    queued = DBTaskResult.objects.get()
    email = OutgoingEmail.objects.get()
    assert queued.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}
    assert mail.outbox == []  # the page only queued it
    run_queued_tasks()
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0].body)
    key = key_of(link)
    token = key.split("-", 1)[1]  # the uid before it is not a secret
    assert_stored_nowhere(link, key, token)

    response = client.get(link, follow=True)
    response = client.post(
        response.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert_stored_nowhere(link, key, token)  # allauth parked it in the session on the way


@pytest.mark.django_db(transaction=True)
def test_signup_confirmation_link_is_stored_nowhere_once_emailed_and_used(client, database_queue):
    client.post(
        reverse("account_signup"),
        {"email": "nowa@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {
        "email_id": OutgoingEmail.objects.get().pk
    }
    run_queued_tasks()
    link = link_in(mail.outbox[0].body)
    assert_stored_nowhere(link, key_of(link))

    client.post(link)

    user = User.objects.get(email="nowa@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert_stored_nowhere(link, key_of(link))


@pytest.mark.django_db(transaction=True)
def test_sent_email_leaves_a_record_of_whom_what_and_when_without_its_text(client, database_queue):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})

    run_queued_tasks()

    record = OutgoingEmail.objects.get()
    assert (record.user, record.to, record.kind, record.state) == (
        user,
        user.email,
        "account/email/password_reset_key",
        EmailState.SENT,
    )
    assert record.subject == mail.outbox[0].subject
    assert record.sent_at is not None
    assert (record.body, record.html_body, record.headers) == ("", "", {})
    assert list(emails_sent_to(user=user)) == [record]


@pytest.mark.django_db(transaction=True)
def test_failed_task_keeps_its_error_but_not_the_link(client, database_queue, settings):
    settings.EMAIL_BACKEND = "core.tests.test_mail.RefusingBackend"
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})

    run_queued_tasks()

    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert "SMTPServerDisconnected" in failed.traceback
    email = OutgoingEmail.objects.get()
    assert email.state == EmailState.FAILED
    assert email.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    link = link_in(email.body)  # waiting for the next attempt, until it expires
    assert link not in failed.traceback + str(failed.args_kwargs) + str(failed.return_value)


@pytest.mark.django_db(transaction=True)
def test_unsent_reset_link_is_erased_when_the_email_expires(client, database_queue, settings):
    settings.EMAIL_BACKEND = "core.tests.test_mail.RefusingBackend"
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    run_queued_tasks()
    link = link_in(OutgoingEmail.objects.get().body)
    OutgoingEmail.objects.update(
        created_at=timezone.now() - settings.EMAIL_UNSENT_LIFETIME - timedelta(minutes=1)
    )

    housekeeping.enqueue()
    run_queued_tasks()

    assert_stored_nowhere(link, key_of(link))
    record = OutgoingEmail.objects.get()
    assert (record.state, record.to, record.user) == (EmailState.EXPIRED, user.email, user)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_failed_email_is_sent_by_the_next_housekeeping(client, database_queue, settings):
    settings.EMAIL_BACKEND = "core.tests.test_mail.RefusingBackend"
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    run_queued_tasks()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back

    housekeeping.enqueue()
    run_queued_tasks()

    assert [message.to for message in mail.outbox] == [[user.email]]
    email = OutgoingEmail.objects.get()
    assert (email.state, email.attempts, email.body) == (EmailState.SENT, 2, "")


@pytest.mark.django_db(transaction=True)
def test_send_email_task_run_twice_sends_once(database_queue):
    email_enqueue(EmailMessage("Temat", "Treść", to=["ala@example.org"]), kind="test")
    run_queued_tasks()

    send_email.enqueue(email_id=OutgoingEmail.objects.get().pk)  # a retry, a second worker
    run_queued_tasks()

    assert len(mail.outbox) == 1
    assert set(DBTaskResult.objects.values_list("status", "return_value")) == {
        (TaskResultStatus.SUCCESSFUL, True),
        (TaskResultStatus.SUCCESSFUL, False),
    }


@pytest.mark.django_db
def test_emails_erase_for_deletes_every_email_to_the_person(django_capture_on_commit_callbacks):
    user = UserFactory(email="ola@example.org")
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(EmailMessage("Konto", "…", to=[user.email]), kind="a", user=user)
        email_enqueue(EmailMessage("Przed rejestracją", "…", to=["Ola@Example.org"]), kind="b")
        email_enqueue(EmailMessage("Inna osoba", "…", to=[other.email]), kind="c", user=other)

    assert emails_erase_for(user=user) == 2

    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [other.email]


@pytest.mark.django_db
def test_task_enqueue_refuses_arguments_that_are_not_ids():
    with pytest.raises(TypeError, match="ids and flags"):
        task_enqueue("core.tasks.send_email", email_id="https://example.org/reset/1-abc/")

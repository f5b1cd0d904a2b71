"""E-mails about new messages, as each person chose: at once, a daily digest, or none."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory
from conversations.digests import message_digests_send
from conversations.enums import MessageNotice
from conversations.services import message_notice_choose, message_send
from core.models import OutgoingEmail
from core.signals import housekeeping_ran

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    application = ApplicationFactory(draft=True, title="Ogród na dachu")
    editor = ApplicationMemberFactory(application=application).user
    return application, application.applicant, editor


def _recipients(kind="conversations/message") -> list[str]:
    return sorted(OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True))


def test_message_send_at_once_emails_the_other_team_members_and_the_coordinators(
    team, django_capture_on_commit_callbacks
):
    application, lead, editor = team
    CoordinatorFactory()
    coordinators = list(User.objects.coordinators())  # the call's author is one too
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            application=application,
            author=lead,
            body="Czy dach to teren publiczny?",
            from_programme=False,
        )
    assert _recipients() == sorted([editor.email, *(c.email for c in coordinators)])
    to_editor = next(m for m in mail.outbox if m.to == [editor.email])
    assert "Czy dach to teren publiczny?" in to_editor.body
    assert reverse("conversations:conversation", kwargs={"pk": application.pk}) in to_editor.body
    to_coordinator = next(m for m in mail.outbox if m.to == [coordinators[0].email])
    assert (
        reverse("conversations_manage:conversation", kwargs={"pk": application.pk})
        in to_coordinator.body
    )


def test_message_send_from_the_programme_emails_the_whole_team_only(team):
    application, lead, editor = team
    coordinator, other_coordinator = CoordinatorFactory(), CoordinatorFactory()
    message_send(
        application=application, author=coordinator, body="Tak, można.", from_programme=True
    )
    assert _recipients() == sorted([lead.email, editor.email])
    assert other_coordinator.email not in _recipients()


def test_message_send_none_sends_nothing_to_who_chose_none(team):
    application, lead, editor = team
    message_notice_choose(user=editor, choice=MessageNotice.NONE)
    message_send(
        application=application, author=CoordinatorFactory(), body="Odpowiedź", from_programme=True
    )
    assert _recipients() == [lead.email]
    assert message_digests_send() == 0
    assert _recipients("conversations/digest") == []


def test_coordinator_choice_none_stops_their_emails_of_applicants_messages(team):
    application, lead, editor = team
    coordinator = CoordinatorFactory()
    message_notice_choose(user=coordinator, choice=MessageNotice.NONE)
    message_send(application=application, author=lead, body="Pytanie", from_programme=False)
    assert editor.email in _recipients()
    assert coordinator.email not in _recipients()


def test_digest_sends_one_email_on_the_next_run_and_not_twice(team):
    application, _lead, editor = team
    message_notice_choose(user=editor, choice=MessageNotice.DAILY)
    coordinator = CoordinatorFactory()
    message_send(application=application, author=coordinator, body="Pierwsza", from_programme=True)
    message_send(application=application, author=coordinator, body="Druga", from_programme=True)
    assert editor.email not in _recipients()  # not at once
    housekeeping_ran.send_robust(sender=None)
    assert _recipients("conversations/digest") == [editor.email]
    digest = OutgoingEmail.objects.get(kind="conversations/digest")
    assert "Nieprzeczytane wiadomości: 2" in digest.subject
    housekeeping_ran.send_robust(sender=None)
    assert _recipients("conversations/digest") == [editor.email]


def test_digest_next_day_lists_only_what_came_since_and_is_still_unread(team, client):
    application, _lead, editor = team
    message_notice_choose(user=editor, choice=MessageNotice.DAILY)
    coordinator = CoordinatorFactory()
    message_send(application=application, author=coordinator, body="Wczoraj", from_programme=True)
    message_digests_send()
    tomorrow = timezone.now() + timedelta(days=1)
    assert message_digests_send(now=tomorrow) == 0  # nothing new since
    message_send(application=application, author=coordinator, body="Dziś", from_programme=True)
    client.force_login(editor)
    client.get(reverse("conversations:conversation", kwargs={"pk": application.pk}))
    assert message_digests_send(now=tomorrow + timedelta(days=1)) == 0  # read already
    assert _recipients("conversations/digest") == [editor.email]


def test_digest_for_a_coordinator_lists_the_applicants_messages(
    team, django_capture_on_commit_callbacks
):
    application, lead, _editor = team
    coordinator = CoordinatorFactory()
    message_notice_choose(user=coordinator, choice=MessageNotice.DAILY)
    message_send(application=application, author=lead, body="Pytanie", from_programme=False)
    assert coordinator.email not in _recipients()
    with django_capture_on_commit_callbacks(execute=True):
        assert message_digests_send() == 1
    digest = mail.outbox[-1]
    assert digest.to == [coordinator.email]
    assert digest.subject.endswith("Nieprzeczytane wiadomości: 1")
    assert "Ogród na dachu" in digest.body
    assert (
        reverse("conversations_manage:conversation", kwargs={"pk": application.pk}) in digest.body
    )


def test_notification_settings_page_saves_the_choice_and_names_the_emails_always_sent(client, team):
    _application, lead, _editor = team
    client.force_login(lead)
    url = reverse("conversations:settings")
    page = client.get(url).content.decode()
    assert "E-maile, które wysyłamy zawsze" in page
    assert "decyzje i pisma z decyzją" in page
    client.post(url, {"messages": MessageNotice.DAILY})
    assert lead.notification_preference.messages == MessageNotice.DAILY
    assert re.search(r'<input[^>]*value="daily"[^>]*checked', client.get(url).content.decode())

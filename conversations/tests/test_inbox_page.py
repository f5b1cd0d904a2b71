"""The coordinators' inbox: each visible conversation's unread count and last message as if
computed from scratch, and a heading total that stops counting at a cap."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from applicants.tests.factories import ApplicationFactory
from conversations.models import Message
from conversations.services import message_send

pytestmark = pytest.mark.django_db


def _inbox(call):
    return reverse("conversations_manage:inbox", kwargs={"pk": call.pk})


def _ask(application, body):
    return message_send(
        application=application, author=application.applicant, body=body, from_programme=False
    )


def test_inbox_page_shows_each_rows_own_unread_count_and_last_message(client, monkeypatch):
    monkeypatch.setattr("conversations.views.manage.CONVERSATIONS_PER_PAGE", 2)
    coordinator = CoordinatorFactory()
    oldest = ApplicationFactory(title="Ogród deszczowy")
    call = oldest.call
    _ask(oldest, "Pytanie o ogród")
    middle = ApplicationFactory(call=call, title="Rowery dla seniorów")
    _ask(middle, "Pierwsze o rowery")
    _ask(middle, "Drugie o rowery")
    newest = ApplicationFactory(call=call, title="Kompostownik")
    _ask(newest, "Czy kompost?")
    message_send(application=newest, author=coordinator, body="Tak, śmiało.", from_programme=True)
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    first = client.get(_inbox(call))
    rows = {c.application.title: (c.unread, c.last_body) for c in first.context["page_obj"]}
    assert rows == {
        "Kompostownik": (0, "Tak, śmiało."),  # answering read it
        "Rowery dla seniorów": (2, "Drugie o rowery"),
    }
    assert "Programme team: Tak, śmiało." in first.text

    last = client.get(_inbox(call), {"page": 2})
    rows = {c.application.title: (c.unread, c.last_body) for c in last.context["page_obj"]}
    assert rows == {"Ogród deszczowy": (1, "Pytanie o ogród")}
    # The heading counts every unread message of the call, not only the page's.
    assert "data-unread-total>3<" in last.text


def test_inbox_unread_total_stops_counting_at_its_cap(client, monkeypatch):
    monkeypatch.setattr("conversations.selectors.UNREAD_TOTAL_CAP", 2)
    monkeypatch.setattr("conversations.views.manage.UNREAD_TOTAL_CAP", 2)
    application = ApplicationFactory()
    for number in range(3):
        _ask(application, f"Pytanie {number}")
    client.force_login(CoordinatorFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "data-unread-total>more than 2<" in client.get(_inbox(application.call)).text
    Message.objects.filter(body="Pytanie 2").delete()
    assert "data-unread-total>2<" in client.get(_inbox(application.call)).text

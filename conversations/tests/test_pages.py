"""The conversation as its team and the coordinators use it: pages, unread counts, files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory
from applicants.uploads import attachment_check
from conversations.models import Message
from conversations.services import message_send

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _conversation_url(application) -> str:
    return reverse("conversations:conversation", kwargs={"pk": application.pk})


def _manage_url(application) -> str:
    return reverse("conversations_manage:conversation", kwargs={"pk": application.pk})


def test_conversation_page_applicant_asks_a_question_on_a_draft(client):
    draft = ApplicationFactory(draft=True, title="Łąka kwietna na Bałutach")
    client.force_login(draft.applicant)
    response = client.post(
        _conversation_url(draft), {"body": "Czy możemy kupić nasiona z dotacji?"}, follow=True
    )
    assert response.status_code == 200
    assert "Czy możemy kupić nasiona z dotacji?" in response.content.decode()
    assert "Twoja wiadomość została wysłana" in response.content.decode()
    message = Message.objects.get()
    assert message.from_programme is False
    assert message.conversation.awaits_programme is True


def test_conversation_page_empty_message_is_refused_and_nothing_is_sent(client):
    draft = ApplicationFactory(draft=True)
    client.force_login(draft.applicant)
    response = client.post(_conversation_url(draft), {"body": "   "})
    assert response.status_code == 200
    assert "To pole jest wymagane" in response.content.decode()
    assert not Message.objects.exists()


def test_conversation_page_file_with_a_false_extension_is_refused(client):
    draft = ApplicationFactory(draft=True)
    client.force_login(draft.applicant)
    fake = SimpleUploadedFile("paragon.pdf", b"MZ this is no PDF", content_type="application/pdf")
    response = client.post(
        _conversation_url(draft), {"body": "Paragon w załączniku", "files": fake}
    )
    assert response.status_code == 200
    assert "nie jest plikiem w akceptowanym formacie" in response.content.decode()
    # What was typed stays in the form.
    assert "Paragon w załączniku" in response.content.decode()
    assert not Message.objects.exists()


def test_conversation_page_files_are_downloaded_by_the_team_and_coordinators(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    upload = SimpleUploadedFile("paragon marzec.pdf", PDF, content_type="application/pdf")
    client.post(_conversation_url(application), {"body": "Paragon", "files": [upload]})
    stored = Message.objects.get().files.get()
    assert stored.original_name == "paragon_marzec.pdf"
    response = client.get(
        reverse("conversations:file", kwargs={"pk": application.pk, "file_pk": stored.pk})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(CoordinatorFactory())
    response = client.get(
        reverse("conversations_manage:file", kwargs={"pk": application.pk, "file_pk": stored.pk})
    )
    assert response.status_code == 200


def test_conversation_page_an_editor_of_the_team_reads_and_writes(client):
    application = ApplicationFactory(draft=True)
    editor = ApplicationMemberFactory(application=application).user
    message_send(
        application=application,
        author=application.applicant,
        body="Kto pisze budżet?",
        from_programme=False,
    )
    client.force_login(editor)
    response = client.get(_conversation_url(application))
    assert "Kto pisze budżet?" in response.content.decode()
    client.post(_conversation_url(application), {"body": "Ja go napiszę."})
    assert Message.objects.filter(author=editor).exists()


def test_inbox_shows_unread_counts_until_the_coordinator_reads(client):
    application = ApplicationFactory(draft=True, title="Rowerowa szkoła")
    message_send(
        application=application,
        author=application.applicant,
        body="Pytanie 1",
        from_programme=False,
    )
    message_send(
        application=application,
        author=application.applicant,
        body="Pytanie 2",
        from_programme=False,
    )
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    inbox = reverse("conversations_manage:inbox", kwargs={"pk": application.call_id})
    page = client.get(inbox).content.decode()
    assert "Rowerowa szkoła" in page
    assert "Nieprzeczytane: 2" in page
    assert "Czeka na naszą odpowiedź" in page
    client.get(_manage_url(application))
    page = client.get(inbox).content.decode()
    assert "data-unread>" not in page
    # Another coordinator has read nothing yet.
    client.force_login(CoordinatorFactory())
    assert "Nieprzeczytane: 2" in client.get(inbox).content.decode()


def test_inbox_reply_clears_awaiting_and_shows_unread_on_my_applications(client):
    application = ApplicationFactory(draft=True, title="Rowerowa szkoła")
    message_send(
        application=application, author=application.applicant, body="Pytanie", from_programme=False
    )
    client.force_login(CoordinatorFactory())
    client.post(_manage_url(application), {"body": "Odpowiedź koordynatorki"})
    inbox = reverse("conversations_manage:inbox", kwargs={"pk": application.call_id})
    assert "data-awaiting" not in client.get(inbox).content.decode()
    client.force_login(application.applicant)
    page = client.get(reverse("applicants:my_applications")).content.decode()
    assert "data-unread>1<" in page
    assert "data-unread" in client.get(application.get_absolute_url()).content.decode()
    page = client.get(_conversation_url(application)).content.decode()
    assert "Odpowiedź koordynatorki" in page
    assert "Nowe wiadomości" in page
    page = client.get(reverse("applicants:my_applications")).content.decode()
    assert "data-unread" not in page


def test_inbox_filters_by_unread_awaiting_status_and_search(client):
    coordinator = CoordinatorFactory()
    first = ApplicationFactory(title="Ogród deszczowy")
    call = first.call
    second = ApplicationFactory(call=call, title="Rowery dla seniorów", draft=True)
    third = ApplicationFactory(call=call, title="Kompostownik")
    message_send(application=first, author=first.applicant, body="a", from_programme=False)
    message_send(application=second, author=second.applicant, body="b", from_programme=False)
    message_send(application=third, author=coordinator, body="c", from_programme=True)
    client.force_login(coordinator)
    client.get(_manage_url(first))  # read: no longer unread, still awaiting a reply
    inbox = reverse("conversations_manage:inbox", kwargs={"pk": call.pk})

    def listed(query):
        page = client.get(inbox, query).content.decode()
        return {a.title for a in (first, second, third) if a.title in page}

    assert listed({}) == {"Ogród deszczowy", "Rowery dla seniorów", "Kompostownik"}
    assert listed({"unread": "on"}) == {"Rowery dla seniorów"}
    assert listed({"awaiting": "on"}) == {"Ogród deszczowy", "Rowery dla seniorów"}
    assert listed({"status": "draft"}) == {"Rowery dla seniorów"}
    assert listed({"q": "rowery"}) == {"Rowery dla seniorów"}
    assert listed({"q": first.reference_number}) == {"Ogród deszczowy"}


def _conversations(count, call=None):
    applications = []
    for _ in range(count):
        application = ApplicationFactory(**({"call": call} if call else {}))
        applications.append(application)
        message_send(
            application=application,
            author=application.applicant,
            body="Pytanie",
            from_programme=False,
        )
        upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        message_send(
            application=application,
            author=application.applicant,
            body="Z plikiem",
            from_programme=False,
            files=[(upload, attachment_check(upload, max_mb=5))],
        )
    return applications


@pytest.mark.parametrize("count", [1, 30])
def test_inbox_query_count_is_the_same_for_one_and_many(
    client, django_assert_max_num_queries, count
):
    applications = _conversations(1)
    _conversations(count - 1, call=applications[0].call)
    client.force_login(CoordinatorFactory())
    with django_assert_max_num_queries(9):
        response = client.get(
            reverse("conversations_manage:inbox", kwargs={"pk": applications[0].call_id})
        )
    assert response.content.decode().count("data-conversation") == min(count, 25)


@pytest.mark.parametrize("count", [1, 12])
def test_my_applications_query_count_is_the_same_for_one_and_many(
    client, django_assert_max_num_queries, count
):
    applicant = UserFactory()
    for _ in range(count):
        application = ApplicationFactory(applicant=applicant)
        message_send(
            application=application, author=CoordinatorFactory(), body="Hej", from_programme=True
        )
    client.force_login(applicant)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("applicants:my_applications"))
    assert response.content.decode().count("data-unread>1<") == count


@pytest.mark.parametrize("count", [1, 10])
def test_conversation_page_query_count_is_the_same_for_one_and_many_messages(
    client, django_assert_max_num_queries, count
):
    application = _conversations(1)[0]
    for _ in range(count):
        message_send(
            application=application, author=CoordinatorFactory(), body="Odp.", from_programme=True
        )
    client.force_login(application.applicant)
    with django_assert_max_num_queries(14):
        response = client.get(_conversation_url(application))
    assert response.content.decode().count("data-message") == count + 2

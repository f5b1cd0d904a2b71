"""My data lists the person's messages; deleting the account keeps the conversation for the
application's record without the person's name."""

import io
import json
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory
from applicants.uploads import attachment_check
from conversations.models import Message, MessageFile
from conversations.services import message_send

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_my_data_export_lists_the_persons_messages_and_files(client):
    application = ApplicationFactory(reference_number="AC/2027/0042")
    upload = SimpleUploadedFile("paragon.pdf", PDF, content_type="application/pdf")
    message_send(
        application=application,
        author=application.applicant,
        body="Czy ten paragon wystarczy?",
        from_programme=False,
        files=[(upload, attachment_check(upload, max_mb=5))],
    )
    message_send(
        application=application, author=CoordinatorFactory(), body="Tak.", from_programme=True
    )
    client.force_login(application.applicant)
    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("privacy:export")).content))
    data = json.loads(archive.read("data.json"))
    (message,) = data["messages"]["messages"]
    assert message["application"] == "AC/2027/0042"
    assert message["body"] == "Czy ten paragon wystarczy?"
    assert archive.read(message["files"][0]["file_in_archive"]) == PDF
    assert data["messages"]["notify_of_messages"] == "at_once"


def test_account_delete_keeps_the_messages_without_the_persons_name(
    client, django_capture_on_commit_callbacks
):
    lead = UserFactory(full_name="Anna Wierzbicka")
    application = ApplicationFactory(applicant=ApplicationFactory().applicant)
    ApplicationMemberFactory(application=application, user=lead)
    upload = SimpleUploadedFile("skan.pdf", PDF, content_type="application/pdf")
    message_send(
        application=application,
        author=lead,
        body="Pisze Anna Wierzbicka, mój telefon w profilu.",
        from_programme=False,
        files=[(upload, attachment_check(upload, max_mb=5))],
    )
    coordinator = CoordinatorFactory()
    message_send(
        application=application, author=coordinator, body="Dzięki, Anno!", from_programme=True
    )
    stored = MessageFile.objects.get()
    path = stored.file.path
    client.force_login(lead)
    assert (
        "Twoje wiadomości do programu zostają"
        in client.get(reverse("privacy:delete")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"email": lead.email})
    assert Message.objects.count() == 2
    message = Message.objects.order_by("pk").first()
    assert message.author is None
    assert "Anna Wierzbicka" not in message.body
    stored.refresh_from_db()
    assert not stored.file
    assert not os.path.exists(path)
    client.force_login(coordinator)
    page = client.get(reverse("conversations_manage:conversation", kwargs={"pk": application.pk}))
    assert "Osoba usunięta" in page.content.decode()

"""Nobody outside an application's team and the coordinators reaches its conversation:
a reviewer of the call (assigned to it, conflict declared), a member of another application's
team and an anonymous visitor get a 404, a 403 or the login page on every address, never data.
(Here, not in reviews/: the reviewing stage never imports conversations.)"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory
from applicants.uploads import attachment_check
from conversations.models import Message
from conversations.services import message_send
from reviews.enums import AssignmentStatus
from reviews.models import PoolMember, ReviewAssignment

pytestmark = pytest.mark.django_db

SECRET = "Nasz sekretny plan budżetu"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def conversation():
    application = ApplicationFactory(status=ApplicationStatus.IN_REVIEW)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    message = message_send(
        application=application,
        author=application.applicant,
        body=SECRET,
        from_programme=False,
        files=[(upload, attachment_check(upload, max_mb=5))],
    )
    return application, message.files.get()


def _addresses(application, stored) -> list[str]:
    return [
        reverse("conversations:conversation", kwargs={"pk": application.pk}),
        reverse("conversations:file", kwargs={"pk": application.pk, "file_pk": stored.pk}),
        reverse("conversations_manage:inbox", kwargs={"pk": application.call_id}),
        reverse("conversations_manage:conversation", kwargs={"pk": application.pk}),
        reverse("conversations_manage:file", kwargs={"pk": application.pk, "file_pk": stored.pk}),
    ]


def _reviewer_of(application):
    reviewer = UserFactory()
    PoolMember.objects.create(call=application.call, reviewer=reviewer)
    ReviewAssignment.objects.create(
        application=application,
        call=application.call,
        reviewer=reviewer,
        status=AssignmentStatus.DECLARED,
        due_at=timezone.now() + timedelta(days=7),
    )
    return reviewer


def _member_of_another_team(application):
    other = ApplicationFactory(call=application.call)
    return ApplicationMemberFactory(application=other).user


@pytest.mark.parametrize("who", ["reviewer", "other_team_member", "other_lead"])
def test_conversation_urls_refuse_outsiders(client, conversation, who):
    application, stored = conversation
    outsider = {
        "reviewer": _reviewer_of,
        "other_team_member": _member_of_another_team,
        "other_lead": lambda a: ApplicationFactory(call=a.call).applicant,
    }[who](application)
    client.force_login(outsider)
    for address in _addresses(application, stored):
        for response in (client.get(address), client.post(address, {"body": "Wpuśćcie mnie"})):
            assert response.status_code in {403, 404, 405}, address
            assert SECRET not in response.content.decode(errors="replace")
    assert Message.objects.count() == 1


def test_conversation_urls_send_anonymous_visitors_to_log_in(client, conversation):
    application, stored = conversation
    for address in _addresses(application, stored):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_conversation_urls_let_the_team_in(client, conversation):
    application, stored = conversation
    editor = ApplicationMemberFactory(application=application).user
    client.force_login(editor)
    assert SECRET in client.get(_addresses(application, stored)[0]).content.decode()
    assert client.get(_addresses(application, stored)[1]).status_code == 200

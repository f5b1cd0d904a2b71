"""What reviewers see of an application: the content and who applies, never contact details.

Every representation reviewers get — the review page, their PDF copy, the
dashboard, the reminder e-mail — is checked for the applicant's distinctive
e-mail, phone, contact person and date of birth; the coordinator's copy has them.
"""

import io
from datetime import date

import pypdf
import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.disclosure import reviewer_content
from applicants.enums import ApplicantKind
from applicants.models import ApplicantProfile
from applicants.tests.builders import render_waiting_pdf_copies
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare
from reviews.tasks import remind_reviewer
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db

EMAIL = "kontakt.qz7w@example.org"
PHONE = "+48 600 111 222"
STREET = "ul. Kontaktowa-Qwerty 9/3"
CONTACT = "Zuzanna Kontaktowa-Qwerty"
BORN = date(2001, 2, 3)
ORGANISATION = "Fundacja Zielony Dach Xyzzy"
TITLE = "Zielony dach na bibliotece"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _profile(user, kind: str) -> ApplicantProfile:
    common = {
        "user": user,
        "kind": kind,
        "contact_name": CONTACT,
        "phone": PHONE,
        "street": STREET,
        "postcode": "20-615",
        "city": "Lublin",
    }
    if kind == ApplicantKind.NGO:
        return ApplicantProfile.objects.create(
            **common,
            organisation_name=ORGANISATION,
            krs="0000123456",
            nip="5252248481",
            regon="012345678",
        )
    return ApplicantProfile.objects.create(**common, date_of_birth=BORN)


@pytest.fixture(params=[ApplicantKind.NGO, ApplicantKind.INDIVIDUAL])
def scene(request):
    """An application with distinctive contact details, accepted, its copies rendered, and its declared reviewer."""
    user = UserFactory(email=EMAIL, full_name=CONTACT)
    _profile(user, request.param)
    call = call_with_criteria(reviewers_per_application=1, min_age=None, max_age=None)
    application = accepted_application(call, user=user, texts={"title": TITLE})
    render_waiting_pdf_copies()
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.get(application=application)
    assignment_declare(assignment=assignment, impartial=True, by=reviewer)
    return {"kind": request.param, "application": application, "assignment": assignment}


def pdf_text(response) -> str:
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def hidden_from_reviewers(kind) -> list[str]:
    """What must never reach a reviewer. An individual's own name is shown: it names who applies."""
    secrets = [EMAIL, PHONE, "600 111 222", STREET, "20-615", BORN.isoformat(), "3 lutego 2001"]
    if kind == ApplicantKind.NGO:
        secrets.append(CONTACT)
    return secrets


def test_reviewer_representations_show_no_contact_details(client, scene):
    application, assignment = scene["application"], scene["assignment"]
    client.force_login(assignment.reviewer)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).text
    pdf = pdf_text(client.get(reverse("reviews:application_pdf", args=[application.pk])))
    dashboard = client.get(reverse("reviews:dashboard")).text
    remind_reviewer.call(assignment_id=assignment.pk)
    (reminder,) = mail.outbox

    who = ORGANISATION if scene["kind"] == ApplicantKind.NGO else CONTACT
    assert TITLE in page and who in page  # the content and who applies ...
    assert TITLE in pdf and who in pdf
    for representation in (page, pdf, dashboard, reminder.subject + reminder.body):
        for secret in hidden_from_reviewers(scene["kind"]):  # ... but no way to reach them
            assert secret not in representation


def test_coordinator_copy_keeps_the_contact_details(client, scene):
    application = scene["application"]
    client.force_login(CoordinatorFactory())
    page = client.get(reverse("applicants_manage:detail", args=[application.pk])).text
    pdf = pdf_text(client.get(reverse("applicants_manage:version_pdf", args=[application.pk, 1])))

    for representation in (page, pdf):
        assert EMAIL in representation
        assert PHONE in representation
        assert CONTACT in representation
        assert STREET in representation
    # The reviewers' copy, which coordinators may check, has none of them.
    reviewers_copy = pdf_text(
        client.get(reverse("applicants_manage:version_reviewer_pdf", args=[application.pk, 1]))
    )
    for secret in hidden_from_reviewers(scene["kind"]):
        assert secret not in reviewers_copy


def test_reviewer_content_copies_only_what_is_listed():
    """A field added to the snapshot later stays hidden from reviewers until someone decides otherwise."""
    snapshot = {
        "title": "Tytuł",
        "applicant": {
            "kind": "group",
            "display_name": "Grupa",
            "email": EMAIL,
            "phone": PHONE,
            "contact_name": CONTACT,
            "date_of_birth": BORN.isoformat(),
            "guardian": {"email": "opiekun@example.org"},
            "members": [{"full_name": "Ala", "age": 17, "is_leader": True, "phone": PHONE}],
        },
        "eligibility_answers": {"1": {"question": "Wiek?", "answer": "tak"}},
        "answers": [{"question": "Pytanie", "answer": "Odpowiedź", "author_email": EMAIL}],
        "attachments": [{"id": 1, "name": "plan.pdf", "size": 10, "uploaded_by": EMAIL}],
        "newly_added_field": EMAIL,
    }

    shown = reviewer_content(snapshot)

    assert shown["title"] == "Tytuł"
    assert shown["applicant"] == {
        "kind": "group",
        "display_name": "Grupa",
        "members": [{"full_name": "Ala", "age": 17, "is_leader": True}],
    }
    assert shown["answers"] == [{"question": "Pytanie", "answer": "Odpowiedź"}]
    assert shown["attachments"] == [{"id": 1, "name": "plan.pdf", "size": 10}]
    assert EMAIL not in repr(shown) and PHONE not in repr(shown)
    assert "eligibility_answers" not in shown
    assert snapshot["applicant"]["email"] == EMAIL  # the version's own snapshot is untouched

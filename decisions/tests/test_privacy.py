"""The decision stage in "My data" and in account deletion (decisions.privacy).

Export: the person's published decisions, their letters (the PDFs in the ZIP),
the feedback they can read, and the e-mails sent to them — never a reviewer's
name or a note for the committee. Deletion: what the confirmation page says
beforehand, unanswered awards declined, reserve places never offered, letters
re-rendered, and a re-rendering that fails undoes the whole deletion.
"""

import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.models import Application
from applicants.tests.builders import render_waiting_pdf_copies
from core.mail import email_enqueue
from core.models import OutgoingEmail
from decisions.enums import DecisionOutcome, OutboxState
from decisions.models import Decision, DecisionLetter, OutboxMessage
from decisions.selectors import awarded_total, next_on_reserve
from decisions.services import decision_record, reserve_offer, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf
from grants.tests.factories import deadline_passes
from reviews.services import assignment_add, pool_add
from reviews.tests.builders import accepted_application, call_with_criteria, submit_review

pytestmark = pytest.mark.django_db

REVIEWER_NAME = "Roman Recenzent"
REVIEWER_EMAIL = "roman.recenzent@example.org"
COMMITTEE_NOTE = "Tylko dla komisji: budżet zawyżony."
COMMENT = "Świetny pomysł, dopracujcie harmonogram."
JUSTIFICATION = "Pomysł dobrze odpowiada na problem."


@pytest.fixture(autouse=True)
def _media_and_fake_letters(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def reviewed(call, person, coordinator, reviewer) -> Application:
    application = accepted_application(call, user=person)
    pool_add(call=call, reviewer=reviewer, by=coordinator)
    assignment = assignment_add(
        application=application,
        reviewer=reviewer,
        due_at=timezone.now() + timedelta(days=7),
        by=coordinator,
    )
    submit_review(
        assignment,
        {"Pomysł": 8, "Budżet": 4},
        justification=JUSTIFICATION,
        comment=COMMENT,
        note=COMMITTEE_NOTE,
    )
    application.refresh_from_db()
    return application


def published(
    application, coordinator, capture, *, outcome=DecisionOutcome.AWARDED, amount=None
) -> Decision:
    decision_record(
        application=application,
        outcome=outcome,
        amount=amount if outcome == DecisionOutcome.AWARDED else None,
        justification="Dobry projekt." if outcome == DecisionOutcome.AWARDED else "",
        by=coordinator,
    )
    deadline_passes(application.call)
    with capture(execute=True):
        results_publish(call=application.call, by=coordinator)
    return Decision.objects.get(application=application)


@pytest.fixture
def awarded_person(coordinator, django_capture_on_commit_callbacks):
    """A person whose application was reviewed, awarded and published; its letter e-mailed."""
    person = UserFactory()
    reviewer = UserFactory(full_name=REVIEWER_NAME, email=REVIEWER_EMAIL)
    call = call_with_criteria(reviewers_per_application=1)
    application = reviewed(call, person, coordinator, reviewer)
    render_waiting_pdf_copies()
    published(application, coordinator, django_capture_on_commit_callbacks, amount=Decimal("2000"))
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            EmailMessage("Potwierdź adres e-mail", "…", to=[person.email]),
            kind="account/email/email_confirmation",
            user=person,
        )
    return person


def stored_files() -> list[str]:
    return sorted(str(path) for path in Path(default_storage.location).rglob("*") if path.is_file())


def export(client, person) -> zipfile.ZipFile:
    client.force_login(person)
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


# --- Export ------------------------------------------------------------------


def test_personal_data_export_contains_decision_letter_feedback_and_emails(client, awarded_person):
    archive = export(client, awarded_person)
    data = json.loads(archive.read("data.json"))

    (decision,) = data["decisions"]
    application = Application.objects.get(applicant=awarded_person)
    assert decision["reference_number"] == application.reference_number
    assert (decision["outcome"], decision["amount"], decision["justification"]) == (
        "awarded",
        "2000.00",
        "Dobry projekt.",
    )
    assert decision["published_at"] and decision["acceptance_deadline"]
    assert decision["accepted_at"] is None
    feedback = decision["feedback"]
    assert feedback["comments"] == [{"reviewer": "1", "text": COMMENT}]
    assert {"reviewer": "1", "text": JUSTIFICATION} in feedback["criteria"][0]["justifications"]
    (letter,) = decision["letters"]
    stored = DecisionLetter.objects.get()
    assert (letter["number"], letter["version"], letter["sha256"]) == (
        stored.number,
        1,
        stored.sha256,
    )
    assert archive.read(letter["file_in_archive"]) == stored.pdf.open("rb").read()
    assert letter["file_in_archive"].startswith(f"letters/{application.pk}/")
    assert letter["email"]["to"] == awarded_person.email
    assert letter["email"]["state"] == OutboxState.SENT
    assert letter["email"]["sent_at"]

    (email,) = data["emails"]
    assert (email["to"], email["kind"], email["subject"]) == (
        awarded_person.email,
        "account/email/email_confirmation",
        "Potwierdź adres e-mail",
    )
    version = data["applications"][0]["versions"][0]
    assert archive.read(version["pdf_in_archive"]).startswith(b"%PDF")
    assert data["reviewing"] == {"invitations": [], "pools": [], "assignments": []}
    readme = archive.read("README.txt").decode()
    assert '"decisions"' in readme and "letters/" in readme and '"emails"' in readme


def test_personal_data_export_never_names_reviewers_or_shows_committee_notes(
    client, awarded_person
):
    archive = export(client, awarded_person)

    for name in archive.namelist():
        content = archive.read(name)
        text = content.decode("utf-8", errors="replace")
        for secret in (REVIEWER_NAME, REVIEWER_EMAIL, COMMITTEE_NOTE):
            assert secret not in text, f"{secret!r} is in {name}"


def test_personal_data_export_leaves_out_unpublished_decisions(client, coordinator):
    person = UserFactory()
    call = call_with_criteria(reviewers_per_application=1)
    application = reviewed(call, person, coordinator, UserFactory())
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        by=coordinator,
    )

    data = json.loads(export(client, person).read("data.json"))

    assert data["decisions"] == []


def test_personal_data_export_shows_a_reviewer_their_own_reviews(client, coordinator):
    reviewer = UserFactory()
    call = call_with_criteria(reviewers_per_application=1)
    reviewed(call, UserFactory(), coordinator, reviewer)

    data = json.loads(export(client, reviewer).read("data.json"))

    (assignment,) = data["reviewing"]["assignments"]
    assert assignment["review"]["note_for_committee"] == COMMITTEE_NOTE
    assert assignment["review"]["scores"][0]["justification"] == JUSTIFICATION
    assert [pool["call"] for pool in data["reviewing"]["pools"]] == [call.title]


# --- Deletion ----------------------------------------------------------------


def test_account_delete_page_says_an_unanswered_award_is_declined(client, awarded_person):
    client.force_login(awarded_person)
    application = Application.objects.get(applicant=awarded_person)

    page = client.get(reverse("privacy:delete")).content.decode()

    assert "Pisma z decyzją zostają, bo program musi je archiwizować." in page
    assert "Usunięcie konta oznacza rezygnację z niego" in page
    assert f"{application.reference_number} — 2 000,00 zł" in page.replace("\xa0", " ")


def test_account_delete_page_names_live_applications_as_withdrawn(client, coordinator):
    person = UserFactory()
    call = call_with_criteria(reviewers_per_application=1)
    application = accepted_application(call, user=person)
    client.force_login(person)

    page = client.get(reverse("privacy:delete"))

    assert [a.pk for a in page.context["preview"].withdrawn] == [application.pk]
    assert page.context["preview"].kept == []
    assert "Wycofane wnioski" in page.content.decode()


def test_account_delete_declines_an_award_even_past_its_deadline(
    client, awarded_person, django_capture_on_commit_callbacks
):
    decision = Decision.objects.get(application__applicant=awarded_person)
    Decision.objects.filter(pk=decision.pk).update(
        acceptance_deadline=timezone.now() - timedelta(days=1)
    )
    client.force_login(awarded_person)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"email": awarded_person.email})

    decision.refresh_from_db()
    assert decision.declined_at is not None
    assert decision.application.status == ApplicationStatus.DECLINED
    assert awarded_total(decision.call) == Decimal("0")


def test_account_delete_rerenders_letters_and_blanks_the_outbox(
    client, awarded_person, django_capture_on_commit_callbacks
):
    letter = DecisionLetter.objects.get()
    old_file = letter.pdf.name
    client.force_login(awarded_person)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"email": awarded_person.email})

    letter.refresh_from_db()
    assert letter.pdf.name != old_file
    assert not default_storage.exists(old_file)
    assert letter.pdf.open("rb").read() == fake_letter_pdf(
        None, language=letter.language, number=letter.number, issued_at=None
    )
    assert "wnioskodawca usunął konto" in letter.note
    assert OutboxMessage.objects.get().to == ""
    assert not OutgoingEmail.objects.exists()


def test_account_delete_is_undone_when_a_letter_fails_to_render(
    client, awarded_person, monkeypatch, django_capture_on_commit_callbacks
):
    letter = DecisionLetter.objects.get()

    def broken(decision, *, language, number, issued_at):
        raise RuntimeError("renderer down")

    monkeypatch.setattr("decisions.letters.render_letter_pdf", broken)
    client.force_login(awarded_person)
    files_before = stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:delete"), {"email": awarded_person.email})

    assert response["Location"] == reverse("privacy:delete")
    assert User.objects.filter(pk=awarded_person.pk).exists()
    assert Application.objects.get(applicant=awarded_person).anonymised_at is None
    letter.refresh_from_db()
    assert default_storage.exists(letter.pdf.name)
    assert stored_files() == files_before  # the re-renderings written meanwhile are gone


def test_reserve_place_of_a_deleted_account_is_never_offered(
    client, coordinator, django_capture_on_commit_callbacks
):
    person = UserFactory()
    call = call_with_criteria(reviewers_per_application=1)
    application = reviewed(call, person, coordinator, UserFactory())
    decision = published(
        application,
        coordinator,
        django_capture_on_commit_callbacks,
        outcome=DecisionOutcome.RESERVE,
    )
    assert next_on_reserve(call) == decision
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"email": person.email})

    assert next_on_reserve(call) is None
    with pytest.raises(ValidationError), translation.override("en"):
        reserve_offer(decision=decision, by=coordinator)

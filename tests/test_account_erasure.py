"""Deleting an account leaves nothing that names the person: not a table, not a file, not the queue.

The person has a full history, built through the services and the real task
queue: a profile with a phone number and group members, an application
submitted, corrected, reviewed (the reviewer quotes their name), awarded and
published (the letter rendered and e-mailed through the queue, the first
attempt failing with an error naming the address), a second application in
review with a draft award, e-mails through the core outbox, sessions on two
devices. They delete their account on the page; then every row of every table
and every file under MEDIA_ROOT (PDF text extracted too: names in PDFs are
compressed) is searched for their name, e-mail address and phone number.
"""

import hashlib
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from smtplib import SMTPRecipientsRefused

import pypdf
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import ApplicantProfile, Application, Attachment, GroupMember
from applicants.services import application_submit, application_update, formal_check_record
from applicants.tests.builders import CONSENTS, complete_draft
from core.search import search_fold
from core.tests.support import database_text, run_queued_tasks
from decisions.enums import DecisionLapse, DecisionOutcome, OutboxState
from decisions.issuing import outbox_message_resend
from decisions.models import Decision, DecisionLetter, OutboxMessage
from decisions.selectors import awarded_total
from decisions.services import decision_record, results_publish
from grants.tests.factories import deadline_passes
from reviews.services import assignment_add, pool_add
from reviews.tests.builders import call_with_criteria, submit_review

NAME = "Zofia Zielińska"
SURNAME = "Zielińska"
EMAIL = "zofia.zielinska@example.org"
PHONE = "+48 601 234 567"
MEMBER = "Kuba Kowalczyk"
SECOND_MEMBER = "Ola Nowicka"
STREET = "ul. Zawiłej Ścieżki 17/4"  # her postal address: on the issued letter and in her data
IDENTIFIERS = [
    *(NAME, SURNAME, EMAIL, PHONE, "601234567", "601 234 567", MEMBER, SECOND_MEMBER, STREET)
]


class RecipientRefusingBackend(BaseEmailBackend):
    """A mail server that refuses the person's address once, naming it in the error."""

    refused = False

    def send_messages(self, email_messages):
        if not RecipientRefusingBackend.refused:
            RecipientRefusingBackend.refused = True
            raise SMTPRecipientsRefused({EMAIL: (550, b"5.1.1 Mailbox temporarily unavailable")})
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def database_queue(settings):
    """The real database queue, as in production (conftest runs tasks immediately)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def deleted_person_label() -> str:
    with translation.override("pl"):
        return gettext("Deleted person")


def person_with_profile() -> User:
    person = UserFactory(email=EMAIL, full_name=NAME, language="pl")
    profile = ApplicantProfile.objects.create(
        user=person,
        kind=ApplicantKind.GROUP,
        contact_name=NAME,
        phone=PHONE,
        street=STREET,
        postcode="09-400",
        city="Płock",
        date_of_birth=date(2008, 5, 17),
        group_name="Zielona Ekipa",
    )
    GroupMember.objects.create(profile=profile, full_name=NAME, age=17, is_leader=True)
    GroupMember.objects.create(profile=profile, full_name=MEMBER, age=16, position=1)
    GroupMember.objects.create(profile=profile, full_name=SECOND_MEMBER, age=18, position=2)
    return person


def submitted(call, person) -> Application:
    application = complete_draft(
        call=call,
        user=person,
        texts={
            "team_description": f"Grupę prowadzi {NAME} (tel. {PHONE}), pomaga {MEMBER}.",
            "activities": f"Spotkania u mnie: {STREET}.",
        },
    )
    content = f"%PDF-1.4\n% Zgoda rodzica: {NAME}, {EMAIL}\n%%EOF\n".encode()
    Attachment.objects.create(
        application=application,
        file=SimpleUploadedFile("zgoda.pdf", content, content_type="application/pdf"),
        original_name=f"zgoda {NAME}.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    application_submit(
        application=application, by=person, consents=CONSENTS, arrived_at=timezone.now()
    )
    application.refresh_from_db()
    return application


def reviewed_by(application, reviewer, coordinator, *, quoting: bool):
    application.refresh_from_db()
    pool_add(call=application.call, reviewer=reviewer, by=coordinator)
    assignment = assignment_add(
        application=application,
        reviewer=reviewer,
        due_at=timezone.now() + timedelta(days=7),
        by=coordinator,
    )
    if quoting:
        submit_review(
            assignment,
            {"Pomysł": 9, "Budżet": 4},
            justification=f"{NAME} ma doświadczenie w projektach klimatycznych.",
            comment=f"Gratulacje dla {NAME} i całej grupy!",
            note=f"Znam {NAME} z poprzedniej edycji; tel. {PHONE}.",
        )


def full_history(client, settings, coordinator) -> tuple[Application, Application]:
    """The person's whole life in the programme, run through the task queue as in production."""
    person = person_with_profile()
    reviewer = UserFactory(full_name="Roman Recenzent")
    call = call_with_criteria(reviewers_per_application=1, total_budget=Decimal("20000"))

    awarded = submitted(call, person)
    run_queued_tasks()  # PDF copies rendered, confirmation e-mailed
    formal_check_record(
        application=awarded,
        outcome="correction",
        by=coordinator,
        message=f"{NAME}, prosimy poprawić harmonogram.",
    )
    application_update(application=awarded, fields={"summary": "Poprawione streszczenie."})
    application_submit(application=awarded, by=person, consents=CONSENTS, arrived_at=timezone.now())
    formal_check_record(application=awarded, outcome="accepted", by=coordinator)
    reviewed_by(awarded, reviewer, coordinator, quoting=True)
    decision_record(
        application=awarded,
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal("2000.00"),
        justification=f"Kwota obniżona: {NAME} zgodziła się na mniejszy zakres.",
        by=coordinator,
    )
    run_queued_tasks()

    settings.EMAIL_BACKEND = "tests.test_account_erasure.RecipientRefusingBackend"
    RecipientRefusingBackend.refused = False
    deadline_passes(call)
    results_publish(call=call, by=coordinator)
    run_queued_tasks()  # the letter is issued; its e-mail fails, naming the address
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert EMAIL in failed.traceback
    message = OutboxMessage.objects.get()
    assert message.state == OutboxState.FAILED
    outbox_message_resend(message=message, by=coordinator)
    run_queued_tasks()
    message.refresh_from_db()
    assert (message.state, message.to) == (OutboxState.SENT, EMAIL)

    other_call = call_with_criteria(reviewers_per_application=1, total_budget=Decimal("20000"))
    in_review = submitted(other_call, person)
    formal_check_record(application=in_review, outcome="accepted", by=coordinator)
    reviewed_by(in_review, reviewer, coordinator, quoting=False)
    decision_record(
        application=in_review,
        outcome=DecisionOutcome.AWARDED,
        amount=in_review.requested_amount,
        by=coordinator,
    )
    client.post(reverse("account_reset_password"), {"email": EMAIL})  # the core outbox
    run_queued_tasks()
    awarded.refresh_from_db()
    in_review.refresh_from_db()
    assert (awarded.status, in_review.status) == (
        ApplicationStatus.AWARDED,
        ApplicationStatus.IN_REVIEW,
    )
    return awarded, in_review


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def media_texts(media_root: Path) -> dict[str, str]:
    """Every stored file's bytes as text, and a PDF's extracted text besides."""
    texts = {}
    for path in sorted(Path(media_root).rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            text = content.decode("utf-8", errors="replace")
            if content.startswith(b"%PDF") and b"/Page" in content:
                text += "\n" + pdf_text(content)
            texts[str(path.relative_to(media_root))] = text
    return texts


def forms_of(identifier: str) -> set[str]:
    # JSON columns keep "ń" as "\\u0144" on SQLite; the search column keeps "zielinska".
    return {identifier, json.dumps(identifier)[1:-1], search_fold(identifier)}


@pytest.mark.django_db(transaction=True)
def test_account_delete_leaves_no_trace_of_the_person_in_database_media_or_queue(
    client, settings, database_queue, media_root
):
    coordinator = CoordinatorFactory(full_name="Halina Koordynatorska")
    awarded, in_review = full_history(client, settings, coordinator)
    person = User.objects.get(email=EMAIL)
    letter = DecisionLetter.objects.get()
    number, version = letter.number, letter.version
    issued = pdf_text(letter.pdf.read())
    assert NAME in issued and STREET in issued  # the issued letter names her, at her address
    other_device = client.__class__()
    other_device.force_login(person)
    client.force_login(person)

    response = client.post(reverse("privacy:delete"), {"email": EMAIL})
    run_queued_tasks()  # the anonymised PDF copies are rendered

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    everything = database_text()
    for identifier in IDENTIFIERS:
        for form in forms_of(identifier):
            holders = sorted(
                {
                    line.split(":", 1)[0]
                    for line in everything.splitlines()
                    if form.lower() in line.lower()
                }
            )
            assert holders == [], f"{form!r} is still stored in {holders}"
    files = media_texts(media_root)
    assert files  # the letter and the PDF copies are still there
    for name, text in files.items():
        for identifier in IDENTIFIERS:
            assert identifier.lower() not in text.lower(), f"{identifier!r} is in {name}"

    # The archived letter: the same number and version, readable, naming the anonymised label.
    letter = DecisionLetter.objects.get()
    content = letter.pdf.read()
    assert (letter.number, letter.version) == (number, version)
    assert letter.sha256 == hashlib.sha256(content).hexdigest()
    assert letter.size == len(content)
    text = pdf_text(content)
    assert deleted_person_label() in text
    assert number in text
    assert "usunął konto" in letter.note

    # Live applications ended: the draft award lapsed, the unanswered award was declined.
    in_review.refresh_from_db()
    awarded.refresh_from_db()
    assert in_review.status == ApplicationStatus.WITHDRAWN
    assert Decision.objects.get(application=in_review).lapsed_reason == DecisionLapse.WITHDRAWN
    assert awarded.status == ApplicationStatus.DECLINED
    assert Decision.objects.get(application=awarded).declined_at is not None
    assert awarded_total(awarded.call) == awarded_total(in_review.call) == Decimal("0")
    assert (awarded.reference_number, awarded.applicant_name) == (
        awarded.reference_number,
        deleted_person_label(),
    )

    # Logged out everywhere.
    assert other_device.get(reverse("privacy:overview")).status_code == 302


# --- A person with a grant: signed in the system, paid, e-mailed ------------------------------
# The grant is a financial record kept by law: amounts, payments, account numbers and
# agreement numbers stay, and so do the documents as they were signed (the agreement's PDF and
# any uploaded signed copy: a contract's original can't be rewritten; accounting law keeps it
# five years). Everything else that names her goes: grant rows, signatories, signatures, account
# holders, notes, e-mails in the outbox.


@pytest.mark.django_db
def test_account_delete_with_a_grant_leaves_her_name_only_in_the_signed_documents(
    client, media_root
):
    from accounts.tests.factories import PASSWORD
    from projects.bank_accounts import bank_account_give
    from projects.enums import AccountOwner
    from projects.selectors import call_terms
    from projects.signatories import signatories_replace
    from projects.signing import agreement_countersign
    from projects.tests.factories import accepted_grant
    from projects.tests.signing_helpers import agreement_issue

    person = UserFactory(email=EMAIL, full_name=NAME, language="pl")
    grant = accepted_grant(applicant=person, date_of_birth="1999-05-01")
    coordinator = CoordinatorFactory()
    signatories_replace(grant=grant, terms=call_terms(grant.call), people=[], by=person)
    bank_account_give(
        grant=grant,
        iban="PL61109010140000071219812874",
        holder_name=NAME,
        owner=AccountOwner.GRANTEE,
        by=person,
    )
    agreement = agreement_issue(grant)
    client.force_login(person)
    response = client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}), {"password": PASSWORD, "accept": "on"}
    )
    assert response.status_code == 302
    agreement_countersign(agreement=agreement, by=coordinator)
    everything = database_text()
    assert NAME in everything and EMAIL in everything

    client.post(reverse("privacy:delete"), {"email": EMAIL})

    assert not User.objects.filter(pk=person.pk).exists()
    everything = database_text()
    for identifier in (NAME, EMAIL, SURNAME):
        for form in forms_of(identifier):
            holders = sorted(
                {
                    line.split(":", 1)[0]
                    for line in everything.splitlines()
                    if form.lower() in line.lower()
                }
            )
            assert holders == [], f"{form!r} is still stored in {holders}"
    grant.refresh_from_db()
    assert grant.amount == Decimal("3000.00")
    assert grant.bank_accounts.get().iban == "PL61109010140000071219812874"

"""Background work of the decision stage: rendering letters and e-mailing them. Idempotent."""

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from core.mail import email_subject
from decisions.enums import LetterState, OutboxState
from decisions.models import Decision, DecisionLetter, OutboxMessage
from decisions.selectors import letter_file_name


@task()
def issue_letter(*, decision_id: int, correction_note: str | None = None) -> int | None:
    """Render and store the decision's letter, then queue its e-mail. Safe to run twice."""
    from decisions.services import letter_issue

    decision = Decision.objects.select_related("application__applicant", "call").get(pk=decision_id)
    if correction_note is not None and decision.letters.filter(note=correction_note).exists():
        correction_note = None  # that correction was issued already: this is a retry
    try:
        letter = letter_issue(decision=decision, correction_note=correction_note)
    except Exception as exc:
        Decision.objects.filter(pk=decision_id).update(
            letter_state=LetterState.FAILED, letter_error=str(exc)[:2000]
        )
        raise
    transaction.on_commit(lambda: send_decision_email.enqueue(letter_id=letter.pk))
    return letter.pk


@task()
def send_decision_email(*, letter_id: int, resend: bool = False) -> bool:
    """E-mail the applicant their letter as a PDF attachment, recorded in the outbox.

    One outbox message per letter: a retry of the task finds the message already
    sent and does nothing; `resend=True` (the coordinator's button) sends again.
    """
    letter = DecisionLetter.objects.select_related(
        "decision__application__applicant", "decision__call"
    ).get(pk=letter_id)
    decision = letter.decision
    applicant = decision.application.applicant
    if applicant is None:
        return False
    try:
        with transaction.atomic():
            message, _created = OutboxMessage.objects.get_or_create(
                letter=letter, defaults={"decision": decision, "to": applicant.email, "subject": ""}
            )
    except IntegrityError:
        message = OutboxMessage.objects.get(letter=letter)
    # Claim the message: of two workers running this task, only one sends.
    # A coordinator's resend also takes over a message stuck "sending" after a worker died.
    sendable = [OutboxState.QUEUED, OutboxState.FAILED] + (
        [OutboxState.SENT, OutboxState.SENDING] if resend else []
    )
    claimed = OutboxMessage.objects.filter(pk=message.pk, state__in=sendable).update(
        state=OutboxState.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    subject = ""
    try:
        with translation.override(letter.language):
            context = {
                "decision": decision,
                "letter": letter,
                "application": decision.application,
                "user": applicant,
            }
            subject = email_subject("decisions/email/decision_subject.txt", context)
            email = EmailMessage(
                subject=subject,
                body=render_to_string("decisions/email/decision_body.txt", context),
                to=[applicant.email],
            )
            with letter.pdf.open("rb") as pdf:
                email.attach(letter_file_name(letter), pdf.read(), "application/pdf")
        email.send()
    except Exception as exc:
        # Anything failing after the claim leaves the message FAILED, so Retry/Resend can claim it again.
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxState.FAILED, error=str(exc)[:2000], subject=subject
        )
        raise
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxState.SENT,
        sent_at=timezone.now(),
        error="",
        subject=subject,
        to=applicant.email,
    )
    return True

"""Issuing decision letters and e-mailing them, with one owner for each state.

Two state machines live here, each with the one function allowed to write it:

* `letter_request_transition()` writes `LetterRequest.state` (and its mirror,
  `Decision.letter_state`/`letter_error`, which follows the decision's newest
  request);
* `outbox_message_transition()` writes `OutboxMessage.state`.

Each locks the row, checks the move against the table in decisions.enums,
saves with update_fields, writes an audit row (LetterStateChange,
OutboxStateChange) and queues what follows after the commit. Everything else
here asks them.

A letter is issued from a `LetterRequest` row (`letter_request_create()`): the
decision, the version, why (publication, correction, reserve offer), the
coordinator's note and who asked. The task carries that row's id only, so a
retry issues exactly what failed. Every path ends ISSUED or FAILED: any
exception once a worker has claimed a request moves it to FAILED with the error
the coordinator sees on the progress page; a worker killed mid-way leaves it
ISSUING, and the task run again (requeue_stuck_tasks) takes it over.
"""

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import email_subject
from core.queue import task_enqueue
from core.states import InvalidMove
from decisions import letters
from decisions.enums import (
    LETTER_OPEN_STATES,
    LETTER_TRANSITIONS,
    OUTBOX_TRANSITIONS,
    LetterReason,
    LetterState,
    OutboxState,
)
from decisions.models import (
    Decision,
    DecisionLetter,
    LetterRequest,
    LetterStateChange,
    OutboxMessage,
    OutboxStateChange,
)
from decisions.selectors import letter_file_name
from grants.models import GrantCall
from grants.services import call_refuse_archived

ERROR_LENGTH = 2000

logger = logging.getLogger(__name__)


class InvalidLetterTransition(InvalidMove):
    """A letter request was asked to move to a state not allowed from its current one."""

    subject = "A letter request"


class InvalidOutboxTransition(InvalidMove):
    """An outbox message was asked to move to a state not allowed from its current one."""

    subject = "An outbox message"


# --- Letter requests: the owner of their state ------------------------------------------------


@transaction.atomic
def letter_request_transition(
    request: LetterRequest,
    to: str,
    *,
    by=None,
    note: str = "",
    error: str = "",
    letter: DecisionLetter | None = None,
) -> LetterRequest:
    """Move a letter request to `to`, record it, mirror it on the decision, queue what follows.

    `by` is the coordinator who asked (None for a worker); `error` is kept on a
    move to FAILED and shown to the coordinator; `letter` is the stored letter
    on a move to ISSUED. Entering QUEUED from NONE or FAILED queues the letter
    task; entering ISSUED creates the letter's e-mail and queues it. Raises
    InvalidLetterTransition for a move the table doesn't allow.
    """
    locked = LetterRequest.objects.select_for_update().get(pk=request.pk)
    old = locked.state
    if to not in LETTER_TRANSITIONS[old]:
        raise InvalidLetterTransition(old, to)
    if to == LetterState.ISSUED and letter is None:
        raise ValueError("A letter request is issued with its letter.")
    error = error[:ERROR_LENGTH] if to == LetterState.FAILED else ""
    LetterStateChange.objects.create(
        request=locked, old_state=old, new_state=to, by=by, note=error or note
    )
    locked.state = to
    locked.error = error
    update_fields = ["state", "error"]
    if to == LetterState.ISSUING:
        locked.attempts += 1
        update_fields.append("attempts")
    if to == LetterState.ISSUED:
        locked.letter = letter
        update_fields.append("letter")
    locked.save(update_fields=update_fields)

    # The decision shows the state of its newest request. Locked after the request:
    # every path takes a request before its decision, or holds the decision already.
    decision = Decision.objects.select_for_update().get(pk=locked.decision_id)
    newest = (
        LetterRequest.objects.filter(decision_id=decision.pk)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    if newest == locked.pk:
        decision.letter_state = to
        decision.letter_error = error
        # The requests keep their own audit trail; the decision's history stays about the decision.
        decision.save_without_historical_record(update_fields=["letter_state", "letter_error"])

    if to == LetterState.QUEUED and old in (LetterState.NONE, LetterState.FAILED):
        # Not when taking over from a stopped worker: that worker's task is the one running.
        task_enqueue("decisions.tasks.issue_letter", letter_request_id=locked.pk)
    if to == LetterState.ISSUED:
        outbox_message_create(letter=letter)
    return locked


@transaction.atomic
def letter_request_create(*, decision: Decision, reason: str, by, note: str = "") -> LetterRequest:
    """Ask for the next version of a published decision's letter; its task is queued after commit.

    `reason` is a LetterReason; a correction needs a `note` (what it changes
    and why), kept with the letter. Raises ValidationError for a decision that
    isn't published or a correction without a note.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    note = note.strip()
    if not decision.is_published:
        raise ValidationError(_("Letters are issued for published decisions only."))
    if reason == LetterReason.CORRECTION and not note:
        raise ValidationError({"note": _("Say what the corrected letter changes, and why.")})
    last = max(
        decision.letter_requests.aggregate(version=Max("version"))["version"] or 0,
        decision.letters.aggregate(version=Max("version"))["version"] or 0,
    )
    request = LetterRequest.objects.create(
        decision=decision, version=last + 1, reason=reason, note=note, requested_by=by
    )
    return letter_request_transition(
        request, LetterState.QUEUED, by=by, note=note or LetterReason(reason).label
    )


@transaction.atomic
def letter_correction_request(*, decision: Decision, note: str, by) -> LetterRequest:
    """Issue a corrected letter: a new version with `note`; the earlier versions are kept.

    The API for anything that corrects a published decision (e.g. a corrected
    review): it returns at once; the letter is rendered and e-mailed by the task
    queue, and a failure shows on the progress page with a Retry that issues
    this same version with this same note. Refused in an archived call, which
    is read-only (ValidationError, code "call_archived"); the call is locked,
    as archiving locks it.
    """
    call_refuse_archived(GrantCall.objects.select_for_update().get(pk=decision.call_id))
    return letter_request_create(
        decision=decision, reason=LetterReason.CORRECTION, by=by, note=note
    )


def letter_retry(*, decision: Decision, by) -> LetterRequest:
    """Queue the decision's failed letter again: the same request (reason, note, version).

    Raises ValidationError when the decision's newest letter has not failed.
    """
    request = decision.letter_requests.order_by("-version").first()
    if request is None or request.state != LetterState.FAILED:
        raise ValidationError(_("This letter has not failed: there is nothing to retry."))
    return letter_request_transition(
        request, LetterState.QUEUED, by=by, note=_("Retried by the coordinator")
    )


def letters_retry_failed(*, call, by) -> int:
    """Retry every failed letter of the call (e.g. once a broken letter text is corrected). How many."""
    retried = 0
    for decision in Decision.objects.filter(call=call, letter_state=LetterState.FAILED).order_by(
        "pk"
    ):
        try:
            letter_retry(decision=decision, by=by)
        except ValidationError:
            continue  # retried meanwhile (a second click, another coordinator)
        retried += 1
    return retried


def letter_number(decision: Decision, version: int) -> str:
    return f"{decision.application.reference_number}/D{version}"


def _failure_text(exc: BaseException) -> str:
    """What the coordinator reads about a failure, in the programme's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(exc, RecursionError):
            return _("The letter is nested too deeply to be rendered.")
        return (str(exc) or type(exc).__name__)[:ERROR_LENGTH]


def _letter_store(request: LetterRequest, *, issued_at: datetime | None) -> DecisionLetter:
    """Render and store the request's version of the letter, once (a twin worker's is returned)."""
    decision = Decision.objects.select_related("application__applicant", "call").get(
        pk=request.decision_id
    )
    stored = DecisionLetter.objects.filter(decision=decision, version=request.version).first()
    if stored is not None:
        return stored  # stored by a worker that stopped before recording it
    applicant = decision.application.applicant
    language = applicant.language if applicant else settings.LANGUAGE_CODE
    number = letter_number(decision, request.version)
    issued_at = issued_at or timezone.now()  # a past date only for imported or demo records
    with translation.override(language):
        # The PDF is rendered outside any transaction: it takes a while.
        pdf = letters.render_letter_pdf(
            decision, language=language, number=number, issued_at=issued_at
        )
    letter = DecisionLetter(
        decision=decision,
        number=number,
        version=request.version,
        language=language,
        kind=decision.letter_kind,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_at=issued_at,
        issued_by=request.requested_by,
        note=request.note,
    )
    try:
        with transaction.atomic():
            # One store at a time per decision, so the current marker sees every version.
            list(Decision.objects.select_for_update().filter(pk=decision.pk).values_list("pk"))
            letter.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
            letter.save()
            letter_current_mark(decision_id=decision.pk)
    except IntegrityError:
        # A twin worker stored this version first (unique decision + version).
        letter.pdf.delete(save=False)
        return DecisionLetter.objects.get(decision=decision, version=request.version)
    return letter


def letter_current_mark(*, decision_id: int) -> None:
    """Mark the decision's newest stored letter as its current one and unmark every other
    (the call's letters list shows the marked ones). Run with the decision locked, after a
    letter is stored: a version stored late (a slow worker) never takes a newer one's place."""
    letters = list(
        DecisionLetter.objects.filter(decision_id=decision_id).only("version", "is_current")
    )
    newest = max(letters, key=lambda letter: letter.version, default=None)
    for letter in letters:  # a version or a few
        if letter.is_current != (letter is newest):
            letter.is_current = letter is newest
            letter.save(update_fields=["is_current"])


def _letter_request_claim(request_id: int) -> LetterRequest | DecisionLetter | None:
    """Take the request for this worker (ISSUING); its letter if it is done; None if it isn't ours."""
    with transaction.atomic():
        request = LetterRequest.objects.select_for_update().get(pk=request_id)
        if request.state == LetterState.ISSUED:
            return DecisionLetter.objects.get(pk=request.letter_id)
        if request.state == LetterState.ISSUING:
            # Claimed by a worker that stopped mid-way (the task runs again after
            # requeue_stuck_tasks): take it over.
            request = letter_request_transition(
                request, LetterState.QUEUED, note=_("Taken over from a worker that stopped")
            )
        if request.state != LetterState.QUEUED:
            return None  # failed: it waits for the coordinator's retry, which queues it anew
        return letter_request_transition(request, LetterState.ISSUING)


def letter_request_issue(*, request_id: int, issued_at: datetime | None = None):
    """Issue the letter a request asks for and queue its e-mail. Safe to run twice.

    Returns the letter (the one issued before, if the request is done), or None
    when the request isn't waiting for a worker (it failed and waits for a
    retry). Once claimed, the request ends ISSUED, or FAILED with the error —
    whatever goes wrong (the renderer's timeout, a broken letter text, the
    storage) — and the exception is raised again for the task's record.
    """
    try:
        claimed = _letter_request_claim(request_id)
        if not isinstance(claimed, LetterRequest):
            return claimed
        letter = _letter_store(claimed, issued_at=issued_at)
        with transaction.atomic():
            request = LetterRequest.objects.select_for_update().get(pk=request_id)
            if request.state == LetterState.ISSUING:
                letter_request_transition(request, LetterState.ISSUED, letter=letter)
            # else a twin worker recorded it first: its letter is this one (one per version)
        return letter
    except Exception as exc:
        try:
            _letter_request_fail(request_id, exc)
        except Exception:
            # The database itself failing: the original error is the one to see.
            logger.exception("Could not record the failure of letter request %s", request_id)
        raise


def _letter_request_fail(request_id: int, exc: Exception) -> None:
    """Record a failure on a request still waiting or being issued, so it never stays there."""
    with transaction.atomic():
        request = LetterRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is not None and request.state in LETTER_OPEN_STATES:
            letter_request_transition(request, LetterState.FAILED, error=_failure_text(exc))


def letter_issue_now(*, decision: Decision, by=None, issued_at: datetime | None = None):
    """Issue the decision's newest requested letter here and now, not in the task queue.

    For the `issue_letters` command and the demo: a failed request is retried
    first. The e-mail is queued as usual. Raises ValidationError when no letter
    was ever requested (the decision isn't published).
    """
    request = decision.letter_requests.order_by("-version").first()
    if request is None:
        raise ValidationError(_("No letter was requested for this decision."))
    if request.state == LetterState.FAILED:
        letter_request_transition(request, LetterState.QUEUED, by=by, note=_("Issued by hand"))
    return letter_request_issue(request_id=request.pk, issued_at=issued_at)


# --- Outbox messages: the owner of their state ------------------------------------------------


@transaction.atomic
def outbox_message_transition(
    message: OutboxMessage, to: str, *, by=None, note: str = "", changes: dict | None = None
) -> OutboxMessage:
    """Move an outbox message to `to` (with field `changes`), record it, queue what follows.

    Entering QUEUED (a coordinator's resend) queues the e-mail task; entering
    SENDING counts an attempt. Raises InvalidOutboxTransition for a move the
    table doesn't allow.
    """
    if "state" in (changes or {}):
        raise ValueError("The state is the move itself, not one of its changes.")
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    old = locked.state
    if to not in OUTBOX_TRANSITIONS[old]:
        raise InvalidOutboxTransition(old, to)
    OutboxStateChange.objects.create(message=locked, old_state=old, new_state=to, by=by, note=note)
    locked.state = to
    update_fields = ["state"]
    if to == OutboxState.SENDING:
        locked.attempts += 1
        update_fields.append("attempts")
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        update_fields.append(field)
    locked.save(update_fields=update_fields)
    if to == OutboxState.QUEUED:
        task_enqueue("decisions.tasks.send_decision_email", message_id=locked.pk)
    return locked


def outbox_message_create(*, letter: DecisionLetter) -> OutboxMessage | None:
    """The letter's e-mail, queued after commit (one per letter). None when no one can receive it."""
    decision = letter.decision
    applicant = decision.application.applicant
    if applicant is None:
        return None  # the account was deleted: the letter is kept, nobody is e-mailed
    message, created = OutboxMessage.objects.get_or_create(
        letter=letter, defaults={"decision": decision, "to": applicant.email, "subject": ""}
    )
    if created:
        # Born QUEUED (the model's default); the birth is on record like every move.
        OutboxStateChange.objects.create(
            message=message, old_state="", new_state=message.state, note=letter.number
        )
        task_enqueue("decisions.tasks.send_decision_email", message_id=message.pk)
    return message


def outbox_message_resend(*, message: OutboxMessage, by) -> OutboxMessage:
    """The coordinator's "Resend": the same letter e-mailed again (also takes over a stuck one)."""
    if message.state == OutboxState.QUEUED:
        # Its task may have been lost; the claim in outbox_message_send lets one run send it.
        task_enqueue("decisions.tasks.send_decision_email", message_id=message.pk)
        return message
    return outbox_message_transition(
        message, OutboxState.QUEUED, by=by, note=_("Resent by the coordinator")
    )


def _decision_email(message: OutboxMessage) -> tuple[str, EmailMessage]:
    letter = message.letter
    decision = letter.decision
    applicant = decision.application.applicant
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
    return subject, email


def outbox_message_send(*, message_id: int) -> bool:
    """E-mail the applicant their letter as a PDF attachment. Safe to run twice.

    Only a QUEUED message is claimed (SENDING), so of two runs only one sends;
    anything failing after the claim leaves it FAILED with the error, for the
    coordinator's Resend. True if this run sent it.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.state != OutboxState.QUEUED:
            return False
        message = outbox_message_transition(message, OutboxState.SENDING)
    message = OutboxMessage.objects.select_related(
        "letter__decision__application__applicant", "letter__decision__call"
    ).get(pk=message.pk)
    subject = ""
    try:
        applicant = message.letter.decision.application.applicant
        if applicant is None:
            raise ValueError(_("The applicant's account was deleted: there is no address."))
        subject, email = _decision_email(message)
        email.send()
    except Exception as exc:
        error = _failure_text(exc)
        outbox_message_transition(
            message,
            OutboxState.FAILED,
            note=error,
            changes={"error": error, "subject": subject},
        )
        raise
    outbox_message_transition(
        message,
        OutboxState.SENT,
        changes={"sent_at": timezone.now(), "error": "", "subject": subject, "to": applicant.email},
    )
    return True

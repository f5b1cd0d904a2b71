"""Issuing grant agreements: the coordinator's "Send" is recorded at once, a task worker renders.

Pressing "Send" (on a grant, or for many from the call's list) checks the
agreement's readiness (a clear refusal naming what is missing) and records an
`AgreementRequest` for the next version; the request's task is queued after
commit and the page returns at once, saying "agreement being prepared…". The
worker renders the PDF (core.pdf, bounded by its time and memory limits), and
then, with the grant locked and its readiness checked again, stores the
numbered Agreement, moves the grant to "sent", sets its signing deadline,
queues the "agreement ready" e-mails and marks the request issued: all in one
transaction.

`agreement_request_transition()` is the one function that writes a request's
state (queued → issuing → issued | failed; failed → queued by a retry; issuing
→ queued when a worker that stopped is taken over). Every path of a claimed
request ends ISSUED or FAILED; a failure keeps the error for the coordinator,
who is e-mailed and whose Retry issues this same version. The task is safe to
run twice: a request already issued returns its agreement, and of two workers
racing, the second finds the first one's agreement under the lock.
"""

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.deadlines import deadline_in
from core.mail import email_enqueue, email_subject
from core.queue import task_enqueue
from core.states import InvalidMove
from projects.agreements import (
    AgreementNotReady,
    agreement_next_version,
    agreement_number,
    grant_language,
    render_agreement_pdf,
)
from projects.enums import (
    AGREEMENT_REQUEST_OPEN_STATES,
    AGREEMENT_REQUEST_TRANSITIONS,
    AGREEMENT_REQUEST_UNFINISHED_STATES,
    AgreementRequestState,
    GrantState,
)
from projects.models import (
    Agreement,
    AgreementRequest,
    AgreementRequestChange,
    AgreementStateChange,
    Grant,
)
from projects.readiness import agreement_readiness
from projects.selectors import call_terms
from projects.services import grant_transition

ERROR_LENGTH = 2000

logger = logging.getLogger(__name__)

R = AgreementRequestState


class InvalidAgreementRequestTransition(InvalidMove):
    subject = "An agreement request"


# --- The owner of a request's state -----------------------------------------------------------


@transaction.atomic
def agreement_request_transition(
    request: AgreementRequest,
    to: str,
    *,
    by=None,
    note: str = "",
    error: str = "",
    agreement: Agreement | None = None,
) -> AgreementRequest:
    """Move an agreement request to `to`, record it, and queue what follows after commit.

    `by` is the coordinator (None for a worker); `error` is kept on a move to
    FAILED, shown to the coordinator and e-mailed to them; `agreement` is the
    stored agreement on a move to ISSUED. Entering QUEUED from FAILED (a retry)
    queues the task again; entering ISSUING counts an attempt. Raises
    InvalidAgreementRequestTransition for a move the table doesn't allow.
    """
    locked = AgreementRequest.objects.select_for_update().get(pk=request.pk)
    old = locked.state
    if to not in AGREEMENT_REQUEST_TRANSITIONS[old]:
        raise InvalidAgreementRequestTransition(old, to)
    if to == R.ISSUED and agreement is None:
        raise ValueError("An agreement request is issued with its agreement.")
    error = error[:ERROR_LENGTH] if to == R.FAILED else ""
    change = AgreementRequestChange.objects.create(
        request=locked, old_state=old, new_state=to, by=by, note=error or note
    )
    locked.state = to
    locked.error = error
    update_fields = ["state", "error"]
    if to == R.ISSUING:
        locked.attempts += 1
        update_fields.append("attempts")
    if to == R.ISSUED:
        locked.agreement = agreement
        update_fields.append("agreement")
    locked.save(update_fields=update_fields)
    if to == R.QUEUED and old == R.FAILED:
        # Not when taking over from a stopped worker: that worker's task is the one running.
        task_enqueue("projects.tasks.issue_agreement", agreement_request_id=locked.pk)
    if to == R.FAILED:
        task_enqueue("projects.tasks.notify_coordinators_of_agreement_failure", change_id=change.pk)
    return locked


# --- "Send": readiness now, the render later ------------------------------------------------


def _grant_for_issue(pk: int) -> Grant:
    return (
        Grant.objects.select_related("call", "application__applicant")
        .prefetch_related("budget_lines", "signatories", "bank_accounts")
        .get(pk=pk)
    )


@transaction.atomic
def agreement_issue(*, grant: Grant, by) -> AgreementRequest:
    """Ask for the next version of `grant`'s agreement; a task worker renders and sends it.

    Returns at once with the request (queued; its task runs after commit).
    Raises AgreementNotReady with what is missing, or when the agreement is
    already being prepared. A request that failed is queued again (the same
    version: pressing "Send" again is a retry).
    """
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    fresh = _grant_for_issue(locked.pk)
    if problems := agreement_readiness(fresh):
        raise AgreementNotReady(problems)
    unfinished = (
        AgreementRequest.objects.select_for_update()
        .filter(grant=fresh, state__in=AGREEMENT_REQUEST_UNFINISHED_STATES)
        .first()
    )
    if unfinished is not None and unfinished.state in AGREEMENT_REQUEST_OPEN_STATES:
        raise AgreementNotReady([_("The agreement is already being prepared.")])
    if unfinished is not None:
        return agreement_request_transition(
            unfinished, R.QUEUED, by=by, note=_("Retried by the coordinator")
        )
    request = AgreementRequest.objects.create(
        grant=fresh, version=agreement_next_version(fresh), requested_by=by
    )
    # Born QUEUED (the model's default); the birth is on record like every move.
    AgreementRequestChange.objects.create(
        request=request, old_state="", new_state=request.state, by=by
    )
    task_enqueue("projects.tasks.issue_agreement", agreement_request_id=request.pk)
    return request


def agreements_issue_bulk(
    *, grants: Iterable[Grant], by
) -> tuple[list[AgreementRequest], list[tuple]]:
    """Ask for the agreement of each grant: ([requests], [(grant, [reasons])]).

    Nothing is rendered here: each ready grant gets a request its task worker
    renders (two workers render two at a time). A grant that isn't ready, or
    whose agreement is already being prepared, is refused with its reasons.
    """
    requested, refused = [], []
    for grant in grants:
        try:
            requested.append(agreement_issue(grant=grant, by=by))
        except AgreementNotReady as exc:
            refused.append((grant, exc.problems))
    return requested, refused


# --- The worker: render, store, send --------------------------------------------------------


def _failure_text(exc: BaseException) -> str:
    """What the coordinator reads about a failure, in the programme's language."""
    if isinstance(exc, AgreementNotReady):
        return " ".join(str(problem) for problem in exc.problems)[:ERROR_LENGTH]
    if isinstance(exc, RecursionError):
        return _("The agreement is nested too deeply to be rendered.")
    return (str(exc) or type(exc).__name__)[:ERROR_LENGTH]


def _agreement_request_claim(request_id: int) -> AgreementRequest | Agreement | None:
    """Take the request for this worker (ISSUING); its agreement if it is done; None if not ours."""
    with transaction.atomic():
        request = AgreementRequest.objects.select_for_update().get(pk=request_id)
        if request.state == R.ISSUED:
            return Agreement.objects.get(pk=request.agreement_id)
        if request.state == R.ISSUING:
            # Claimed by a worker that stopped mid-way (the task runs again after
            # requeue_stuck_tasks): take it over.
            request = agreement_request_transition(
                request, R.QUEUED, note=_("Taken over from a worker that stopped")
            )
        if request.state != R.QUEUED:
            return None  # failed: it waits for the coordinator's retry, which queues it anew
        return agreement_request_transition(request, R.ISSUING)


def _agreement_store(request: AgreementRequest, *, issued_at: datetime | None = None) -> Agreement:
    """Render the request's version, then store it and send the grant for signing, once.

    The PDF is rendered outside any transaction (it takes a while); then, with
    the request and the grant locked, a twin worker's agreement is returned if
    it got there first, the readiness is checked again (it may have changed
    since "Send"), and the agreement is stored, the grant moved to "sent" with
    its signing deadline, the e-mails queued and the request marked issued.
    `issued_at` dates an agreement of a story told in the past (the demo's): the
    PDF, the record and the signing deadline agree on it.
    """
    grant = _grant_for_issue(request.grant_id)
    if problems := agreement_readiness(grant):
        raise AgreementNotReady(problems)
    language = grant_language(grant)
    number = agreement_number(grant, request.version)
    issued_at = issued_at or timezone.now()
    pdf = render_agreement_pdf(grant, language=language, number=number, issued_at=issued_at)
    by = request.requested_by
    agreement = None
    try:
        with transaction.atomic():
            claimed = AgreementRequest.objects.select_for_update().get(pk=request.pk)
            if claimed.state == R.ISSUED:  # a twin worker finished first
                return Agreement.objects.get(pk=claimed.agreement_id)
            locked = Grant.objects.select_for_update().get(pk=grant.pk)
            fresh = _grant_for_issue(locked.pk)
            if problems := agreement_readiness(fresh):  # changed while waiting or rendering
                raise AgreementNotReady(problems)
            agreement = Agreement(
                grant=fresh,
                version=request.version,
                number=number,
                language=language,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                issued_at=issued_at,
                issued_by=by,
            )
            agreement.pdf.save(f"{number.replace('/', '-')}.pdf", ContentFile(pdf), save=False)
            agreement.save()
            AgreementStateChange.objects.create(
                agreement=agreement, old_state="", new_state=agreement.state, by=by, note=number
            )
            moved = grant_transition(fresh, GrantState.AGREEMENT_SENT, by=by, note=number)
            moved.signing_deadline = deadline_in(call_terms(fresh.call).signing_days, now=issued_at)
            moved.save(update_fields=["signing_deadline", "updated_at"])
            _agreement_ready_emails(fresh, agreement, moved.signing_deadline)
            agreement_request_transition(claimed, R.ISSUED, agreement=agreement)
    except Exception:
        if agreement is not None and agreement.pdf:
            agreement.pdf.delete(save=False)  # stored, but its row was rolled back
        raise
    return agreement


def agreement_request_issue(
    *, request_id: int, issued_at: datetime | None = None
) -> Agreement | None:
    """Render, store and send the agreement a request asks for. Safe to run twice.

    Returns the agreement (the one issued before, if the request is done), or
    None when the request isn't waiting for a worker (it failed and waits for a
    retry). Once claimed, the request ends ISSUED, or FAILED with the error —
    whatever goes wrong (the grant no longer ready, the call's text broken, the
    renderer's time limit, the storage) — and the exception is raised again for
    the task's record.
    """
    try:
        # The worker's words (refusals, errors) are the programme's language; the
        # agreement itself is rendered in the grantee's (render_agreement_pdf).
        with translation.override(settings.LANGUAGE_CODE):
            claimed = _agreement_request_claim(request_id)
            if not isinstance(claimed, AgreementRequest):
                return claimed
            return _agreement_store(claimed, issued_at=issued_at)
    except Exception as exc:
        try:
            _agreement_request_fail(request_id, exc)
        except Exception:
            # The database itself failing: the original error is the one to see.
            logger.exception("Could not record the failure of agreement request %s", request_id)
        raise


def _agreement_request_fail(request_id: int, exc: Exception) -> None:
    """Record a failure on a request still waiting or being issued, so it never stays there."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        request = AgreementRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is not None and request.state in AGREEMENT_REQUEST_OPEN_STATES:
            agreement_request_transition(request, R.FAILED, error=_failure_text(exc))


def agreement_issue_now(*, grant: Grant, by, issued_at: datetime | None = None) -> Agreement:
    """Ask for the grant's agreement and issue it here and now, not in the task queue.

    For commands, the demo and tests that need the agreement at once. Raises
    AgreementNotReady (nothing recorded) or the worker's error (the request FAILED).
    """
    request = agreement_issue(grant=grant, by=by)
    return agreement_request_issue(request_id=request.pk, issued_at=issued_at)


def _agreement_ready_emails(grant: Grant, agreement: Agreement, deadline: datetime) -> None:
    """Queue "your agreement is ready" to the grantee and each signatory (each address once)."""
    applicant = grant.application.applicant
    recipients: dict[str, object] = {}
    if applicant is not None and applicant.email:
        recipients[applicant.email.lower()] = applicant
    for signatory in grant.signatories.all():
        recipients.setdefault(signatory.email.lower(), signatory.user)
    link = settings.SITE_URL.rstrip("/") + grant.get_absolute_url()
    with translation.override(agreement.language):
        context = {"grant": grant, "agreement": agreement, "deadline": deadline, "link": link}
        subject = email_subject("projects/email/agreement_ready_subject.txt", context)
        body = render_to_string("projects/email/agreement_ready_body.txt", context)
    for address, user in recipients.items():
        email_enqueue(
            EmailMessage(subject=subject, body=body, to=[address]),
            kind="projects/agreement_ready",
            user=user,
        )

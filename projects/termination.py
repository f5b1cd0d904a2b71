"""Ending a grant early: the coordinator terminates it with a reason and the grantee is told.

The state moves through projects.services.grant_transition() (which records the
reason on the grant and in its history); the e-mail to the grantee waits in the
outbox (core.mail) and is queued only once the termination commits.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.mail import email_enqueue, email_subject
from projects.enums import AgreementState, GrantState
from projects.models import Agreement, Grant
from projects.services import InvalidGrantTransition, agreement_transition, grant_transition

REASON_MAX_LENGTH = 2_000


class TerminationRefused(Exception):
    """The grant can't be terminated: no reason given, or it is already terminated."""


def _termination_message(grant: Grant) -> EmailMessage | None:
    applicant = grant.application.applicant
    if applicant is None or not applicant.email:  # the account was deleted
        return None
    with translation.override(applicant.language or settings.LANGUAGE_CODE):
        context = {
            "grant": grant,
            "user": applicant,
            "url": settings.SITE_URL.rstrip("/") + reverse("projects:grant", args=[grant.pk]),
        }
        return EmailMessage(
            subject=email_subject("projects/email/terminated_subject.txt", context),
            body=render_to_string("projects/email/terminated_body.txt", context),
            to=[applicant.email],
        )


def _tell_grantee(grant_id: int) -> None:
    grant = Grant.objects.select_related("application__applicant").get(pk=grant_id)
    message = _termination_message(grant)
    if message is not None:
        email_enqueue(message, kind="projects/terminated", user=grant.application.applicant)


@transaction.atomic
def grant_terminate(*, grant: Grant, by, reason: str) -> Grant:
    """Terminate `grant` for `reason` (required), recorded with who did it; e-mail the grantee
    after commit. Raises TerminationRefused when there is no reason or nothing to terminate."""
    reason = (reason or "").strip()
    if not reason:
        raise TerminationRefused("A termination says why.")
    if len(reason) > REASON_MAX_LENGTH:
        raise TerminationRefused("The reason is too long.")
    try:
        terminated = grant_transition(grant, GrantState.TERMINATED, by=by, note=reason)
    except InvalidGrantTransition as exc:
        raise TerminationRefused(str(exc)) from exc
    # An agreement still out for signature can no longer be signed: it is withdrawn with the
    # same reason (a signed one stays signed: it is what the termination ends).
    for agreement in Agreement.objects.filter(grant=terminated, state=AgreementState.SENT):
        agreement_transition(agreement, AgreementState.WITHDRAWN, by=by, note=reason)
    transaction.on_commit(lambda: _tell_grantee(terminated.pk))
    return terminated

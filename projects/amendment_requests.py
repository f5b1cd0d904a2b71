"""A grantee's request for an amendment and the coordinator's answer.

amendment_request() checks the change (projects.amendment_changes.change_check): one that
keeps to the call's rules is recorded at once as a notified change (by the system, the
audit row saying why) and applied; any other waits for a coordinator, who is e-mailed.
amendment_approve() numbers the annex <reference>/A1, /A2… and queues its PDF for the task
worker (projects.amendment_annex); amendment_refuse() keeps the reason; the grantee may
amendment_withdraw() a request not answered yet. Every move is amendment_transition()'s.
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import email_enqueue, email_subject
from core.queue import task_enqueue
from projects.amendment_changes import change_check
from projects.amendments import amendment_transition
from projects.enums import AmendmentState
from projects.models import Amendment, Grant
from projects.notices import grantee_notify


def annex_number(grant: Grant, version: int) -> str:
    return f"{grant.reference_number}/A{version}"


@transaction.atomic
def amendment_request(
    *,
    grant: Grant,
    by,
    justification: str,
    kinds: Iterable[str] = (),
    lines: Iterable[dict] = (),
    new_lines: Iterable[dict] = (),
    ends_on: date | None = None,
    schedule: Iterable[dict] | None = None,
) -> Amendment:
    """Record the grantee's request to change `grant` (see change_check for the arguments).

    Notified at once (and applied) when it keeps to the call's rules; otherwise it waits for
    a coordinator, who is e-mailed. `kinds` the grantee named are kept beside those the
    change shows. Raises ValidationError with what makes it impossible: the grant not under
    way, another request waiting, no justification, or the check's problems.
    """
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    grant = (
        Grant.objects.select_related("call", "application__applicant")
        .prefetch_related("budget_lines")
        .get(pk=locked.pk)
    )
    if not grant.is_spending:
        raise ValidationError(
            _("Changes can be asked for while the project is under way."), code="not_spending"
        )
    if grant.amendments.filter(state=AmendmentState.REQUESTED).exists():
        raise ValidationError(
            _(
                "Your previous request still waits for the coordinator's answer. Withdraw it "
                "first, or wait for the answer."
            ),
            code="waiting",
        )
    justification = (justification or "").strip()
    check = change_check(
        grant=grant, lines=lines, new_lines=new_lines, ends_on=ends_on, schedule=schedule
    )
    problems = list(check.problems)
    if not justification:
        problems.insert(0, _("Say why the change is needed."))
    if problems:
        raise ValidationError(problems, code="change")
    amendment = Amendment(
        grant=grant,
        kinds=sorted(set(check.kinds) | {str(kind) for kind in kinds}),
        justification=justification,
        before=check.before,
        after=check.after,
        requested_by=by,
    )
    amendment.full_clean(exclude=["state", "grant", "requested_by", "answered_by"])
    try:
        with transaction.atomic():
            if check.needs_approval:
                amendment = amendment_transition(amendment, AmendmentState.REQUESTED, by=by)
            else:
                amendment = amendment_transition(
                    amendment,
                    AmendmentState.NOTIFIED,
                    by=None,
                    note=_("Within the call's rules: recorded without approval."),
                )
    except IntegrityError as exc:  # a twin request got in first
        raise ValidationError(
            _("Your previous request still waits for the coordinator's answer."), code="waiting"
        ) from exc
    if amendment.state == AmendmentState.REQUESTED:
        _coordinators_notify(amendment)
    return amendment


def _coordinators_notify(amendment: Amendment) -> None:
    """Queue "a change waits for your answer" to the coordinators (the programme's language)."""
    grant = amendment.grant
    url = settings.SITE_URL.rstrip("/") + reverse(
        "projects_manage:amendment", kwargs={"pk": amendment.pk}
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"grant": grant, "amendment": amendment, "url": url}
        subject = email_subject("projects/email/amendment_requested_subject.txt", context)
        body = render_to_string("projects/email/amendment_requested_body.txt", context)
    for coordinator in User.objects.coordinators():
        email_enqueue(
            EmailMessage(subject=subject, body=body, to=[coordinator.email]),
            kind="projects/amendment_requested",
            user=coordinator,
        )


def _waiting(amendment: Amendment) -> Amendment:
    return Amendment.objects.select_related("grant__call", "grant__application__applicant").get(
        pk=amendment.pk
    )


@transaction.atomic
def amendment_approve(*, amendment: Amendment, by) -> Amendment:
    """Approve a waiting request: the change comes into force, the annex is numbered
    <reference>/A<n> and its PDF is queued for the task worker; the grantee is told."""
    grant = Grant.objects.select_for_update().get(pk=amendment.grant_id)
    approved = amendment_transition(amendment, AmendmentState.APPROVED, by=by)
    version = (grant.amendments.aggregate(version=Max("annex_version"))["version"] or 0) + 1
    approved.annex_version = version
    approved.number = annex_number(grant, version)
    approved.save(update_fields=["annex_version", "number"])
    task_enqueue("projects.tasks.issue_amendment_annex", amendment_id=approved.pk)
    approved = _waiting(approved)
    grantee_notify(approved.grant, template="amendment_answered", amendment=approved)
    return approved


def amendment_annex_retry(*, amendment: Amendment) -> bool:
    """Queue the annex's PDF again (e.g. the worker failed to render it); whether it was
    queued. The task stores an annex once, so a second one does nothing."""
    if not amendment.annex_being_prepared:
        return False
    return task_enqueue("projects.tasks.issue_amendment_annex", amendment_id=amendment.pk)


@transaction.atomic
def amendment_refuse(*, amendment: Amendment, by, reason: str) -> Amendment:
    """Refuse a waiting request, saying why (the grantee reads it); nothing changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the change is refused.")})
    refused = _waiting(amendment_transition(amendment, AmendmentState.REFUSED, by=by, note=reason))
    grantee_notify(refused.grant, template="amendment_answered", amendment=refused)
    return refused


@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, by) -> Amendment:
    """The grantee takes back a request not answered yet."""
    return amendment_transition(
        amendment, AmendmentState.WITHDRAWN, by=by, note=_("Withdrawn by the grantee")
    )

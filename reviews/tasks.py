"""E-mails of the review stage, sent by the task worker. Tasks take ids and are idempotent."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from accounts.models import User
from applicants.enums import DECIDED_STATUSES
from core.mail import email_send_now, email_subject
from grants.enums import REVIEWS_FROZEN_STATUSES
from reviews import ranking_snapshot
from reviews.enums import ACTIVE_ASSIGNMENT_STATUSES, ReviewStatus
from reviews.models import Invitation, ReviewAssignment
from reviews.services import invitation_send


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@task()
def send_pool_invitation(*, invitation_id: int) -> bool:
    """Left for invitations an earlier version queued (their token is now stored hashed).

    Such an invitation is e-mailed with a fresh link by reviews.services.invitation_send,
    which now sends every invitation through the outbox; nothing queues this task any more.
    """
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or invitation.is_expired():
        return False
    invitation_send(invitation=invitation)
    return True


@task()
def remind_reviewer(*, assignment_id: int) -> bool:
    """Remind a reviewer of a review due soon; nothing if it is done, was reminded already,
    or can no longer be done (the results are published)."""
    claimed = (
        ReviewAssignment.objects.filter(
            pk=assignment_id,
            reminder_sent_at__isnull=True,
            status__in=ACTIVE_ASSIGNMENT_STATUSES,
        )
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .exclude(call__status__in=REVIEWS_FROZEN_STATUSES)
        .exclude(application__status__in=DECIDED_STATUSES)
        .update(reminder_sent_at=timezone.now())
    )
    if not claimed:
        return False
    assignment = ReviewAssignment.objects.select_related("reviewer", "call", "application").get(
        pk=assignment_id
    )
    try:
        with translation.override(assignment.reviewer.language):
            context = {
                "assignment": assignment,
                "url": _absolute(reverse("reviews:assignment", kwargs={"pk": assignment.pk})),
            }
            message = EmailMessage(
                subject=email_subject("reviews/email/reminder_subject.txt", context),
                body=render_to_string("reviews/email/reminder_body.txt", context),
                to=[assignment.reviewer.email],
            )
            email_send_now(message, kind="reviews/reminder", user=assignment.reviewer)
    except Exception:
        ReviewAssignment.objects.filter(pk=assignment_id).update(reminder_sent_at=None)
        raise
    return True


@task()
def notify_coordinators_of_conflict(*, assignment_id: int) -> int:
    """Tell the call's coordinators that a reviewer declared a conflict and the application needs someone else."""
    recipients = list(User.objects.coordinators().values_list("email", flat=True))
    # Claim first: a retried task (or a second worker) sends nothing twice.
    claimed = ReviewAssignment.objects.filter(
        pk=assignment_id, conflict_notified_at__isnull=True
    ).update(conflict_notified_at=timezone.now())
    if not claimed or not recipients:
        return 0
    assignment = ReviewAssignment.objects.select_related("reviewer", "call", "application").get(
        pk=assignment_id
    )
    context = {
        "assignment": assignment,
        "url": _absolute(
            reverse("review_manage:application", kwargs={"pk": assignment.application_id})
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=email_subject("reviews/email/conflict_subject.txt", context),
            body=render_to_string("reviews/email/conflict_body.txt", context),
            to=recipients,
        )
    return email_send_now(message, kind="reviews/conflict")


@task()
def ranking_rebuild(*, call_id: int) -> bool:
    """Bring the call's ranking snapshot up to date (nothing if it is current already)."""
    return ranking_snapshot.ranking_rebuild(call_id=call_id)

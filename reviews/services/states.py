"""The two state functions of the review stage, their exceptions and the freeze after publication."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applicants.enums import DECIDED_STATUSES
from applicants.models import Application
from core.queue import task_enqueue
from core.states import InvalidMove
from grants.models import GrantCall
from reviews.enums import (
    ALLOWED_ASSIGNMENT_TRANSITIONS,
    ALLOWED_REVIEW_TRANSITIONS,
    AssignmentStatus,
    ReviewStatus,
)
from reviews.models import (
    Review,
    ReviewAssignment,
    ReviewEvent,
)
from reviews.ranking_snapshot import ranking_changed

REMINDER_BEFORE_DUE = timedelta(days=2)

# The audit event each move writes.
ASSIGNMENT_EVENTS = {
    AssignmentStatus.DECLARED: ReviewEvent.Kind.DECLARED,
    AssignmentStatus.CONFLICT: ReviewEvent.Kind.CONFLICT,
    AssignmentStatus.REMOVED: ReviewEvent.Kind.REMOVED,
}
REVIEW_EVENTS = {
    ReviewStatus.SUBMITTED: ReviewEvent.Kind.SUBMITTED,
    ReviewStatus.DRAFT: ReviewEvent.Kind.REOPENED,
}


class ReviewLocked(Exception):
    """A submitted review can't change until a coordinator reopens it."""


class NotDeclared(Exception):
    """The reviewer must declare impartiality before seeing or scoring the application."""


class InvalidAssignmentTransition(InvalidMove):
    """An assignment was asked to move to a status not allowed from its current one."""

    subject = "An assignment"


class InvalidReviewTransition(InvalidMove):
    """A review was asked to move to a status not allowed from its current one."""

    subject = "A review"


class ReviewsFrozen(ValidationError):
    """The results are published: the call's reviews, assignments and ranking can't change."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "The results of this call are published, so its reviews and reviewers can "
                "no longer change. A coordinator can still correct a review: the correction "
                "is recorded and a corrected letter is issued."
            ),
            code="reviews_frozen",
        )


def _frozen_call(call: GrantCall) -> ReviewsFrozen:
    if call.is_archived:
        return ReviewsFrozen(_("The call is archived: nothing in it can change."))
    return ReviewsFrozen()


def _lock_unfrozen_call(*, call_id: int, application_id: int | None = None) -> GrantCall:
    """Lock the call and refuse if its results (or the application's decision) are published.

    The call is locked first, as results_publish does, so a review can't slip in
    while the results are being published.
    """
    call = GrantCall.objects.select_for_update().get(pk=call_id)
    if call.reviews_frozen:
        raise _frozen_call(call)
    if application_id is not None:
        status = Application.objects.filter(pk=application_id).values_list("status", flat=True)
        if status.get() in DECIDED_STATUSES:
            raise ReviewsFrozen()
    return call


# --- the two state functions -------------------------------------------------------------


@transaction.atomic
def assignment_transition(
    assignment: ReviewAssignment,
    to: str,
    *,
    by,
    note: str = "",
    event: str = "",
    changes: dict | None = None,
) -> ReviewAssignment:
    """Move `assignment` to status `to` (with field `changes`), record it, queue the e-mails.

    The audit row's kind is the move's (ASSIGNMENT_EVENTS), or `event` when the
    move has a more precise name (a removal that is a replacement); `note` is a
    person's words.

    Refuses moves not in ALLOWED_ASSIGNMENT_TRANSITIONS (InvalidAssignmentTransition)
    and any move once the results are published (ReviewsFrozen).
    """
    _lock_unfrozen_call(call_id=assignment.call_id, application_id=assignment.application_id)
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if to not in ALLOWED_ASSIGNMENT_TRANSITIONS[locked.status]:
        raise InvalidAssignmentTransition(locked.status, to)
    ReviewEvent.objects.create(
        assignment=locked, kind=event or ASSIGNMENT_EVENTS[to], by=by, note=note
    )
    locked.status = to
    update_fields = ["status"]
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        update_fields.append(field)
    locked.save(update_fields=update_fields)
    ranking_changed(call_id=locked.call_id)  # whether its reviewer and review count changes
    if to == AssignmentStatus.CONFLICT:
        task_enqueue("reviews.tasks.notify_coordinators_of_conflict", assignment_id=locked.pk)
    return locked


@transaction.atomic
def review_transition(
    review: Review, to: str, *, by, note: str = "", changes: dict | None = None
) -> Review:
    """Move `review` to status `to` (with field `changes`) and record it.

    Refuses moves not in ALLOWED_REVIEW_TRANSITIONS (InvalidReviewTransition) and
    any move once the results are published (ReviewsFrozen).
    """
    assignment = ReviewAssignment.objects.only("call_id", "application_id").get(
        pk=review.assignment_id
    )
    _lock_unfrozen_call(call_id=assignment.call_id, application_id=assignment.application_id)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if to not in ALLOWED_REVIEW_TRANSITIONS[locked.status]:
        raise InvalidReviewTransition(locked.status, to)
    ReviewEvent.objects.create(
        assignment_id=locked.assignment_id, kind=REVIEW_EVENTS[to], by=by, note=note
    )
    locked.status = to
    update_fields = ["status", "updated_at"]
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        update_fields.append(field)
    locked.save(update_fields=update_fields)
    ranking_changed(call_id=assignment.call_id)  # a score counts, or no longer does
    return locked

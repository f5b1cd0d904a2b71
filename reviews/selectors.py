"""Reads of the review stage that the reviewer's pages need, scoped to who is asking."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applicants.models import Application, ApplicationVersion, Attachment
from grants.models import Criterion, GrantCall
from reviews.enums import AssignmentStatus, ReviewerTaskState, ReviewStatus
from reviews.models import Invitation, Review, ReviewAssignment, invitation_token_hash
from reviews.scoring import weighted_total

# What the dashboard shows of an assignment and what it hangs off; the long texts
# of the application stay in the database.
DASHBOARD_FIELDS = (
    "id",
    "status",
    "due_at",
    "reviewer_id",
    "call__id",
    "call__title",
    "call__programme",
    "call__status",
    "application__id",
    "application__reference_number",
    "application__title",
    "application__status",
    "review__id",
    "review__status",
    "review__submitted_at",
)


def assignment_list_for_reviewer(*, user) -> QuerySet[ReviewAssignment]:
    """The user's live assignments across calls, by call and due date, with everything the dashboard shows.

    One query: the call, the application and the review (if any) are joined in.
    """
    return (
        ReviewAssignment.objects.for_reviewer(user)
        .active()
        .select_related("call", "application", "review")
        .only(*DASHBOARD_FIELDS)
        .order_by("call__closes_at", "call_id", "due_at", "pk")
    )


@dataclass
class DashboardRow:
    """One assignment on the dashboard, with the state the reviewer sees."""

    assignment: ReviewAssignment
    state: ReviewerTaskState
    overdue: bool

    @property
    def may_show_title(self) -> bool:
        # The title is part of the application's content: only after the declaration.
        return self.assignment.status == AssignmentStatus.DECLARED


@dataclass
class DashboardCall:
    """A call's assignments of one reviewer and how far along they are."""

    call: GrantCall
    rows: list[DashboardRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.state == ReviewerTaskState.SUBMITTED)

    @property
    def to_declare(self) -> int:
        return sum(1 for row in self.rows if row.state == ReviewerTaskState.TO_DECLARE)

    @property
    def drafting(self) -> int:
        return sum(1 for row in self.rows if row.state == ReviewerTaskState.DRAFTING)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def closed(self) -> int:
        return sum(1 for row in self.rows if row.state == ReviewerTaskState.CLOSED)

    @property
    def left(self) -> int:
        return self.total - self.submitted - self.closed

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def _review_of(assignment: ReviewAssignment) -> Review | None:
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def review_dashboard_for(*, user, now=None) -> list[DashboardCall]:
    """The reviewer's dashboard: live assignments grouped by call, each with its state."""
    now = now or timezone.now()
    groups: dict[int, DashboardCall] = {}
    for assignment in assignment_list_for_reviewer(user=user):
        review = _review_of(assignment)
        if review is not None and review.status == ReviewStatus.SUBMITTED:
            state = ReviewerTaskState.SUBMITTED
        elif assignment.call.reviews_frozen or assignment.application.is_decided:
            state = ReviewerTaskState.CLOSED  # nothing more can be done: the results are out
        elif assignment.status == AssignmentStatus.ASSIGNED:
            state = ReviewerTaskState.TO_DECLARE
        else:
            state = ReviewerTaskState.DRAFTING
        group = groups.setdefault(assignment.call_id, DashboardCall(call=assignment.call))
        group.rows.append(
            DashboardRow(
                assignment=assignment,
                state=state,
                overdue=state.is_open and assignment.due_at < now,
            )
        )
    return list(groups.values())


def assignment_get_for_reviewer(*, user, pk: int) -> ReviewAssignment:
    """One of the user's live assignments; 404 for anybody else's and for released ones."""
    return get_object_or_404(
        ReviewAssignment.objects.for_reviewer(user).active().select_related("call", "application"),
        pk=pk,
    )


def assignment_for_application(*, user, application_pk: int) -> ReviewAssignment:
    """The user's live assignment for an application; 404 if there is none."""
    assignment = (
        ReviewAssignment.objects.for_reviewer(user)
        .active()
        .filter(application_id=application_pk)
        .select_related("call", "application")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def review_for_assignment(assignment: ReviewAssignment) -> Review | None:
    """The reviewer's own review of this assignment (never anyone else's), with its scores."""
    return (
        Review.objects.filter(assignment=assignment).prefetch_related("scores__criterion").first()
    )


def criteria_for_review(call: GrantCall) -> list[Criterion]:
    return list(call.criteria.order_by("position", "pk"))


def latest_version(application: Application) -> ApplicationVersion:
    """The most recent submitted version: exactly what the reviewer scores."""
    version = application.versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version


def version_attachment(*, version: ApplicationVersion, attachment_pk: int) -> Attachment:
    """A file listed by this version; 404 for any other (even one of the same application)."""
    attachment = version.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


def reviews_frozen_for(application: Application) -> bool:
    """Whether `application`'s reviews are frozen: its call's results or its own decision are
    published (the services refuse every change; pages hide their buttons)."""
    return application.call.reviews_frozen or application.is_decided


def invitation_get(*, token: str) -> Invitation:
    """The invitation whose e-mailed link carries `token` (404 for any other token).

    Looked up by the token's SHA-256, never by the token: what the database
    compares is a hash the visitor can't steer, so how long a lookup takes
    tells nothing about a stored token (the safe comparison, as for password
    reset keys).
    """
    return get_object_or_404(
        Invitation.objects.select_related("call", "invited_by", "accepted_by"),
        token_hash=invitation_token_hash(token),
    )


# --- the draft before submission ----------------------------------------------------------


def review_draft_values(review: Review) -> dict:
    """The stored draft in the shape reviews.services.review_save takes (scores by criterion id)."""
    return {
        "scores": {
            score.criterion_id: {"points": score.points, "justification": score.justification}
            for score in review.scores.all()
        },
        "comment_for_applicant": review.comment_for_applicant,
        "note_for_committee": review.note_for_committee,
        "recommendation": review.recommendation,
    }


def review_draft_fingerprint(review: Review) -> str:
    """A digest of the stored draft: what the reviewer confirmed is exactly what is submitted.

    The confirmation page carries it; if the draft changed since (another tab's
    autosave), the digests differ and the reviewer is shown the new total first.
    """
    values = review_draft_values(review)
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def review_draft_total(review: Review, criteria: list[Criterion]) -> Decimal | None:
    """The draft's weighted total as its submission will store it and the ranking uses it
    (reviews.scoring.weighted_total); None while a criterion has no points."""
    points = {score.criterion_id: score.points for score in review.scores.all()}
    if any(points.get(criterion.pk) is None for criterion in criteria):
        return None
    return weighted_total(
        (points[criterion.pk], criterion.max_points, criterion.weight) for criterion in criteria
    )

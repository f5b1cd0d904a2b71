"""Reads of the review stage that the reviewer's pages need, scoped to who is asking."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applicants.enums import DECIDED_STATUSES, REVIEW_STAGE_STATUSES
from applicants.models import Application, ApplicationVersion, Attachment
from grants.enums import REVIEWS_FROZEN_STATUSES
from grants.models import Criterion, GrantCall
from reviews.enums import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    ReviewerTaskState,
    ReviewStatus,
)
from reviews.models import (
    Invitation,
    Review,
    ReviewAssignment,
    ReviewScore,
    invitation_token_hash,
)
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


# Assignments a dashboard's page shows (the per-call counts cover every page).
DASHBOARD_PAGE_SIZE = 20


def _review_expected() -> Q:
    """Of a live assignment: its review is still expected (not submitted, results not out)."""
    return (
        ~Q(review__status=ReviewStatus.SUBMITTED)
        & ~Q(call__status__in=REVIEWS_FROZEN_STATUSES)
        & ~Q(application__status__in=DECIDED_STATUSES)
    )


def assignments_open() -> QuerySet[ReviewAssignment]:
    """Live assignments whose review is still expected: not submitted, results not published."""
    return ReviewAssignment.objects.active().filter(_review_expected())


def applications_short_of_reviewers() -> QuerySet[Application]:
    """Applications in review with fewer live reviewers than their call asks (every call).

    The coordinators' start page counts them per call; the ranking snapshot stores each
    call's count at its rebuild (RankingState.short_of_reviewers), as every event that
    changes an application's live reviewers or its status rebuilds it.
    """
    live_reviewers = (
        ReviewAssignment.objects.filter(
            application=OuterRef("pk"), status__in=ACTIVE_ASSIGNMENT_STATUSES
        )
        .order_by()
        .values("application")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Application.objects.filter(status__in=REVIEW_STAGE_STATUSES)
        .annotate(reviewers=Coalesce(Subquery(live_reviewers, output_field=IntegerField()), 0))
        .filter(reviewers__lt=F("call__reviewers_per_application"))
    )


def invitations_to_answer(*, user, now) -> QuerySet[Invitation]:
    """Invitations sent to the user's address that they can still accept (not yet in that pool)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            email__iexact=user.email, accepted_at__isnull=True, expires_at__gt=now
        )
        .exclude(call__status__in=REVIEWS_FROZEN_STATUSES)
        .exclude(call__pool__reviewer=user)
    )


def invitation_to_answer_get(*, user, pk: int, now=None) -> Invitation:
    """One of the invitations the user may still accept; 404 for any other."""
    return get_object_or_404(
        invitations_to_answer(user=user, now=now or timezone.now()).select_related("call"), pk=pk
    )


def _call_summaries(*, user, now) -> list[dict]:
    """The user's calls with live assignments, in the dashboard's order, with their counts.

    One grouped query over the user's own assignments (a few calls): calls with work still
    expected first, the one due soonest first; then the finished ones, the latest call first.
    """
    expected = _review_expected()
    rows = (
        ReviewAssignment.objects.for_reviewer(user)
        .active()
        .values("call_id")
        .annotate(
            next_due=Min("due_at", filter=expected),
            closes_at=F("call__closes_at"),
            total=Count("pk"),
            submitted=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)),
            to_declare=Count("pk", filter=expected & Q(status=AssignmentStatus.ASSIGNED)),
            drafting=Count("pk", filter=expected & Q(status=AssignmentStatus.DECLARED)),
            overdue=Count("pk", filter=expected & Q(due_at__lt=now)),
        )
        .order_by(F("next_due").asc(nulls_last=True), F("closes_at").desc(), "call_id")
    )
    return list(rows)


def _in_call_order(call_ids: list[int]) -> Case:
    """Each call's place in `call_ids`, for ORDER BY (the dashboard's call order, computed once)."""
    return Case(
        *(When(call_id=call_id, then=Value(place)) for place, call_id in enumerate(call_ids)),
        default=Value(len(call_ids)),
        output_field=IntegerField(),
    )


def assignment_list_for_reviewer(
    *, user, call_ids: list[int] | None = None
) -> QuerySet[ReviewAssignment]:
    """The user's live assignments across calls, open work first, with everything the dashboard shows.

    Calls with work still expected come first, the one due soonest first; calls
    where everything is done (or the results are out) last, the latest first.
    Within a call, the open assignments by due date, then the finished ones.
    `call_ids` is that order of the calls when the caller already has it (else one
    grouped query finds it); then one query joins the call, the application and
    the review (if any) in. The calls' order is a constant of the query, not a
    subquery per assignment, so its cost is the reviewer's rows, not more.
    """
    if call_ids is None:
        call_ids = [row["call_id"] for row in _call_summaries(user=user, now=timezone.now())]
    return (
        ReviewAssignment.objects.for_reviewer(user)
        .active()
        .select_related("call", "application", "review")
        .only(*DASHBOARD_FIELDS)
        .annotate(
            review_expected=Case(
                When(_review_expected(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            call_place=_in_call_order(call_ids),
        )
        .order_by("call_place", F("review_expected").desc(), "due_at", "pk")
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
    """A call's assignments of one reviewer on this page, and how far along they all are (every page)."""

    call: GrantCall
    rows: list[DashboardRow] = field(default_factory=list)
    total: int = 0
    submitted: int = 0
    to_declare: int = 0
    drafting: int = 0
    overdue: int = 0
    closed: int = 0

    # The counts the per-call summary query gives (`closed` is what is left of the total).
    COUNTS = ("total", "submitted", "to_declare", "drafting", "overdue")

    @property
    def left(self) -> int:
        return self.total - self.submitted - self.closed

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


@dataclass
class Dashboard:
    """One page of the reviewer's dashboard: its assignments grouped by call."""

    groups: list[DashboardCall]
    page: Page


def _review_of(assignment: ReviewAssignment) -> Review | None:
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def _task_state(assignment: ReviewAssignment) -> ReviewerTaskState:
    review = _review_of(assignment)
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        return ReviewerTaskState.SUBMITTED
    if assignment.call.reviews_frozen or assignment.application.is_decided:
        return ReviewerTaskState.CLOSED  # nothing more can be done: the results are out
    if assignment.status == AssignmentStatus.ASSIGNED:
        return ReviewerTaskState.TO_DECLARE
    return ReviewerTaskState.DRAFTING


def review_dashboard_for(*, user, page_number=None, now=None) -> Dashboard:
    """One page of the reviewer's dashboard: live assignments grouped by call, open work first.

    Two queries whatever the workload: the user's calls in order with their counts
    (which also give the page count), and the page's assignments.
    """
    now = now or timezone.now()
    summaries = _call_summaries(user=user, now=now)
    paginator = Paginator(
        assignment_list_for_reviewer(user=user, call_ids=[row["call_id"] for row in summaries]),
        DASHBOARD_PAGE_SIZE,
    )
    # The calls' totals add up to the page count: no second COUNT over the same rows.
    paginator.count = sum(row["total"] for row in summaries)
    page = paginator.get_page(page_number)
    counts = {
        row["call_id"]: {name: row[name] for name in DashboardCall.COUNTS} for row in summaries
    }
    for row in counts.values():
        row["closed"] = row["total"] - row["submitted"] - row["to_declare"] - row["drafting"]
    rows: dict[int, list[DashboardRow]] = {}
    calls: dict[int, GrantCall] = {}
    for assignment in page.object_list:
        state = _task_state(assignment)
        calls.setdefault(assignment.call_id, assignment.call)
        rows.setdefault(assignment.call_id, []).append(
            DashboardRow(
                assignment=assignment,
                state=state,
                overdue=state.is_open and assignment.due_at < now,
            )
        )
    groups = [
        DashboardCall(call=call, rows=rows[call_id], **counts.get(call_id, {}))
        for call_id, call in calls.items()
    ]
    return Dashboard(groups=groups, page=page)


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
    # The scores' criteria come joined to them (the scores' order joins them anyway).
    scores = Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
    return Review.objects.filter(assignment=assignment).prefetch_related(scores).first()


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

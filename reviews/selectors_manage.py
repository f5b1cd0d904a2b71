"""Reads of the review stage that the coordinator's pages need, with everything their templates touch."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from applicants.enums import REVIEW_STAGE_STATUSES
from applicants.models import Application
from core.deadlines import deadline_in
from core.search import search_fold
from grants.enums import FinalScoreRule
from grants.models import GrantCall
from reviews import scoring
from reviews.assignment import (
    CandidateApplication,
    CandidateReviewer,
    may_review,
    organisation_keys,
)
from reviews.enums import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    ReviewProgress,
    ReviewStatus,
)
from reviews.models import Invitation, Review, ReviewAssignment, ReviewEvent, ReviewScore

EXTRA_REVIEWER_DAYS = 7

# --- the pool --------------------------------------------------------------------------------


def pool_members(*, call: GrantCall, query: str = "") -> QuerySet[User]:
    """The call's pool members by name, those whose name or e-mail contains `query` (folded:
    "lodz" finds "Łódź") when given.

    The search reads the pool's names and e-mails once (a pool is people a coordinator
    invited, not the programme's applications) and matches them as core.search folds text,
    the same on every database.
    """
    members = User.objects.filter(pools__call=call)
    folded = search_fold(query)
    if folded:
        matching = [
            pk
            for pk, full_name, email in members.values_list("pk", "full_name", "email")
            if folded in search_fold(f"{full_name} {email}")
        ]
        members = members.filter(pk__in=matching)
    return members.order_by(Lower("full_name"), Lower("email"), "pk")


def pool_progress(members, *, call: GrantCall, now: datetime | None = None) -> list[User]:
    """`members` (of the call's pool, e.g. one page of pool_members()), each with
    `<state>_count` of their assignments in the call.

    One query: the counts of those members' assignments in the call grouped by reviewer
    (conditional counts, grouped by a number, not by every column of the user), so a page
    costs what its rows cost, not what the whole pool does; a member with no assignments
    yet has zeros. "Assigned" counts every live assignment; "declared" those of them with
    impartiality declared (so it includes the drafted and submitted ones).
    """
    now = now or timezone.now()
    members = list(members)
    active = Q(status__in=ACTIVE_ASSIGNMENT_STATUSES)
    submitted = Q(review__status=ReviewStatus.SUBMITTED)
    counts = (
        {
            row.pop("reviewer_id"): row
            for row in ReviewAssignment.objects.filter(
                call=call, reviewer_id__in=[member.pk for member in members]
            )
            .order_by()
            .values("reviewer_id")
            .annotate(
                assigned_count=Count("pk", filter=active),
                declared_count=Count("pk", filter=Q(status=AssignmentStatus.DECLARED)),
                drafted_count=Count("pk", filter=active & Q(review__status=ReviewStatus.DRAFT)),
                submitted_count=Count("pk", filter=active & submitted),
                overdue_count=Count("pk", filter=active & Q(due_at__lt=now) & ~submitted),
                conflict_count=Count("pk", filter=Q(status=AssignmentStatus.CONFLICT)),
            )
        }
        if members
        else {}
    )
    for member in members:
        row = counts.get(member.pk, {})
        member.assigned_count = row.get("assigned_count", 0)
        member.declared_count = row.get("declared_count", 0)
        member.drafted_count = row.get("drafted_count", 0)
        member.submitted_count = row.get("submitted_count", 0)
        member.overdue_count = row.get("overdue_count", 0)
        member.conflict_count = row.get("conflict_count", 0)
    return members


def invitation_list_open(*, call: GrantCall) -> QuerySet[Invitation]:
    """Invitations to the call's pool not accepted yet, expired or not, newest first."""
    return (
        Invitation.objects.filter(call=call, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-invited_at", "-pk")
    )


# --- progress per application ----------------------------------------------------------------


def assignment_progress(assignment: ReviewAssignment, *, now: datetime) -> ReviewProgress:
    """Where a live assignment stands; `review` must be select_related (None when not started)."""
    review = getattr(assignment, "review", None)
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        return ReviewProgress.SUBMITTED
    if assignment.due_at < now:
        return ReviewProgress.OVERDUE
    if review is not None:
        return ReviewProgress.DRAFTED
    if assignment.status == AssignmentStatus.DECLARED:
        return ReviewProgress.DECLARED
    return ReviewProgress.ASSIGNED


@dataclass(frozen=True)
class AssignmentRow:
    assignment: ReviewAssignment
    progress: ReviewProgress | None  # None for assignments no longer live (conflict, removed)


@dataclass(frozen=True)
class ApplicationProgress:
    application: Application
    rows: list[AssignmentRow]
    still_needed: int


def application_list_in_review(*, call: GrantCall) -> QuerySet[Application]:
    """The call's applications in the review stage with their live assignments in `active_assignments`.

    Two queries whatever the number of applications: the applications, then
    their live assignments with reviewer and review joined in.
    """
    return (
        Application.objects.filter(call=call, status__in=REVIEW_STAGE_STATUSES)
        .only("id", "call_id", "status", "reference_number", "number_in_call", "title")
        .prefetch_related(
            Prefetch(
                "review_assignments",
                queryset=ReviewAssignment.objects.active()
                .select_related("reviewer", "review")
                .order_by(Lower("reviewer__full_name"), "pk"),
                to_attr="active_assignments",
            )
        )
        .order_by("number_in_call", "pk")
    )


def application_progress(
    applications, *, call: GrantCall, now: datetime | None = None
) -> list[ApplicationProgress]:
    """Progress rows for applications from application_list_in_review() (no further queries)."""
    now = now or timezone.now()
    result = []
    for application in applications:
        rows = [
            AssignmentRow(assignment, assignment_progress(assignment, now=now))
            for assignment in application.active_assignments
        ]
        still_needed = max(0, call.reviewers_per_application - len(rows))
        result.append(ApplicationProgress(application, rows, still_needed))
    return result


# --- one application -------------------------------------------------------------------------


def application_get_for_reviews(*, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call", "applicant__applicant_profile"), pk=pk
    )


def application_assignments(application: Application) -> list[ReviewAssignment]:
    """Every assignment of the application, live or not, with reviewer, review and scores."""
    return list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer", "review")
        .prefetch_related(
            Prefetch(
                "review__scores",
                queryset=ReviewScore.objects.select_related("criterion"),
            )
        )
        .order_by("assigned_at", "pk")
    )


def application_events(application: Application) -> QuerySet[ReviewEvent]:
    return (
        ReviewEvent.objects.filter(assignment__application=application)
        .select_related("by", "assignment__reviewer")
        .order_by("at", "pk")
    )


@dataclass(frozen=True)
class ReviewSummary:
    """The application's submitted reviews in numbers."""

    submitted: list[Review]
    live: int  # live assignments
    still_needed: int
    mean: float | None
    spread: float | None
    discrepant: bool


def review_summary(application: Application, assignments: list[ReviewAssignment]) -> ReviewSummary:
    """Mean, spread and the discrepancy flag of the submitted reviews of live assignments."""
    live = [a for a in assignments if a.is_active]
    submitted = [
        a.review
        for a in live
        if getattr(a, "review", None) is not None and a.review.status == ReviewStatus.SUBMITTED
    ]
    totals = [float(review.total) for review in submitted if review.total is not None]
    call = application.call
    return ReviewSummary(
        submitted=submitted,
        live=len(live),
        still_needed=max(0, call.reviewers_per_application - len(live)),
        mean=scoring.mean(totals),
        spread=scoring.spread(totals),
        discrepant=scoring.is_discrepant(totals, float(call.discrepancy_threshold)),
    )


def application_final_score(*, application: Application) -> float | None:
    """The application's final score as the ranking forms it (reviews.ranking), in one query.

    Submitted reviews of live assignments: their mean, or under the call's
    "two closest" rule the mean of the two closest of three or more. None
    before any review is submitted.
    """
    totals = [
        float(total)
        for total in Review.objects.filter(
            assignment__application=application,
            assignment__status__in=ACTIVE_ASSIGNMENT_STATUSES,
            status=ReviewStatus.SUBMITTED,
            total__isnull=False,
        ).values_list("total", flat=True)
    ]
    if application.call.final_score_rule == FinalScoreRule.CLOSEST_TWO:
        return scoring.closest_two_mean(totals)
    return scoring.mean(totals)


def assignment_rows(
    assignments: list[ReviewAssignment], *, now: datetime | None = None
) -> list[AssignmentRow]:
    now = now or timezone.now()
    return [
        AssignmentRow(a, assignment_progress(a, now=now) if a.is_active else None)
        for a in assignments
    ]


def reviewers_not_on(application: Application) -> QuerySet[User]:
    """Pool members of the application's call without a live assignment to it."""
    live = ReviewAssignment.objects.filter(application=application).active()
    return (
        User.objects.filter(pools__call_id=application.call_id)
        .exclude(pk__in=live.values("reviewer_id"))
        .select_related("applicant_profile")
        .order_by(Lower("full_name"), Lower("email"), "pk")
    )


def reviewers_who_may_review(
    application: Application, assignments: list[ReviewAssignment]
) -> list[User]:
    """reviewers_not_on() less those who may not review it: own application, own organisation, a conflict."""
    profile = getattr(application.applicant, "applicant_profile", None)
    candidate = CandidateApplication(
        application.pk,
        application.applicant_id,
        _keys(profile),
        frozenset(application.team.values_list("user_id", flat=True)),
    )
    conflicts = {
        (a.application_id, a.reviewer_id)
        for a in assignments
        if a.status == AssignmentStatus.CONFLICT
    }
    return [
        user
        for user in reviewers_not_on(application)
        if may_review(
            candidate,
            CandidateReviewer(user.pk, _keys(getattr(user, "applicant_profile", None))),
            conflicts,
        )
    ]


def _keys(profile) -> frozenset[str]:
    if profile is None:
        return frozenset()
    return organisation_keys(krs=profile.krs, organisation_name=profile.organisation_name)


def extra_reviewer_due_at(
    assignments: list[ReviewAssignment], *, now: datetime | None = None
) -> datetime:
    """When an added reviewer's review is due: with the others (their latest due date), but
    never sooner than EXTRA_REVIEWER_DAYS from now, so nobody starts out overdue."""
    now = now or timezone.now()
    soonest = deadline_in(EXTRA_REVIEWER_DAYS, now=now)
    latest = max((a.due_at for a in assignments if a.is_active), default=None)
    return max(latest, soonest) if latest else soonest


def review_get_for_correction(*, pk: int) -> Review:
    """A submitted review with its reviewer, application, call and scores (404 otherwise)."""
    return get_object_or_404(
        Review.objects.filter(status=ReviewStatus.SUBMITTED)
        .select_related("assignment__reviewer", "assignment__application__call")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        ),
        pk=pk,
    )

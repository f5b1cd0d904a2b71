"""Scoring: drafts, submission, reopening, and the recorded correction after publication."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.enums import ApplicationStatus, HistoryNote
from applicants.models import Application
from applicants.services import application_transition
from grants.models import GrantCall
from reviews.enums import (
    AssignmentStatus,
    ReviewStatus,
)
from reviews.models import (
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewScore,
)
from reviews.ranking_snapshot import ranking_changed
from reviews.scoring import weighted_total
from reviews.selectors import reviews_frozen_for
from reviews.services.states import (
    NotDeclared,
    ReviewLocked,
    _frozen_call,
    _lock_unfrozen_call,
    review_transition,
)

# --- reviews ----------------------------------------------------------------------------


def _review_for(assignment: ReviewAssignment) -> Review:
    """The assignment's review, created as a draft (its first state) when first saved."""
    review, _created = Review.objects.get_or_create(assignment=assignment)
    return review


def _points_problem(criterion, points) -> dict[str, str]:
    if points is not None and not 0 <= int(points) <= criterion.max_points:
        return {
            f"points_{criterion.pk}": _("Give from 0 to %(max)s points.")
            % {"max": criterion.max_points}
        }
    return {}


@transaction.atomic
def review_save(
    *,
    assignment: ReviewAssignment,
    scores: dict[int, dict],
    comment_for_applicant: str | None = None,
    note_for_committee: str | None = None,
    recommendation: str | None = None,
) -> Review:
    """Save the reviewer's work as a draft; nothing needs to be complete yet.

    `scores` maps criterion id to {"points": int | None, "justification": str}.
    A key left out (of a criterion's dict, or a text given as None) keeps what
    is stored: the autosave sends what passed validation and keeps the rest.
    A submitted review is never written (ReviewLocked).
    """
    _lock_unfrozen_call(call_id=assignment.call_id, application_id=assignment.application_id)
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.DECLARED:
        raise NotDeclared(assignment.pk)
    review = _review_for(assignment)
    if review.status == ReviewStatus.SUBMITTED:
        raise ReviewLocked(review.pk)
    criteria = {c.pk: c for c in assignment.call.criteria.all()}
    for criterion_id, value in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            continue
        defaults = {}
        if "points" in value:
            problem = _points_problem(criterion, value["points"])
            if problem:
                raise ValidationError(problem)
            defaults["points"] = value["points"]
        if "justification" in value:
            defaults["justification"] = (value["justification"] or "").strip()
        if defaults:
            ReviewScore.objects.update_or_create(
                review=review, criterion=criterion, defaults=defaults
            )
    # A text given as None keeps the stored one (the row was read in this transaction).
    if comment_for_applicant is not None:
        review.comment_for_applicant = comment_for_applicant
    if note_for_committee is not None:
        review.note_for_committee = note_for_committee
    if recommendation is not None:
        review.recommendation = recommendation
    review.save(
        update_fields=[
            "comment_for_applicant",
            "note_for_committee",
            "recommendation",
            "updated_at",
        ]
    )
    return review


def review_problems(review: Review) -> dict[str, str]:
    """What is missing before a review can be submitted, by form field name."""
    problems: dict[str, str] = {}
    scores = {score.criterion_id: score for score in review.scores.all()}
    for criterion in review.assignment.call.criteria.all():
        score = scores.get(criterion.pk)
        if score is None or score.points is None:
            problems[f"points_{criterion.pk}"] = _("Give points for “%(name)s”.") % {
                "name": criterion.name
            }
        if score is None or not score.justification.strip():
            problems[f"justification_{criterion.pk}"] = _("Justify the points for “%(name)s”.") % {
                "name": criterion.name
            }
    if not review.recommendation:
        problems["recommendation"] = _("Choose a recommendation.")
    return problems


def _review_total(review: Review, criteria) -> Decimal | None:
    by_id = {criterion.pk: criterion for criterion in criteria}
    return weighted_total(
        (score.points, by_id[score.criterion_id].max_points, by_id[score.criterion_id].weight)
        for score in review.scores.all()
        if score.criterion_id in by_id
    )


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, by, **data) -> Review:
    """Save and submit: every criterion scored and justified, a recommendation; then read-only."""
    review = review_save(assignment=assignment, **data)
    problems = review_problems(review)
    if problems:
        raise ValidationError(problems)
    review = review_transition(
        review,
        ReviewStatus.SUBMITTED,
        by=by,
        changes={
            "total": _review_total(review, assignment.call.criteria.all()),
            "submitted_at": timezone.now(),
        },
    )
    _finish_review_stage_if_complete(assignment.application, by=by)
    return review


def _finish_review_stage_if_complete(application: Application, *, by) -> None:
    application.refresh_from_db()
    if application.status != ApplicationStatus.IN_REVIEW:
        return
    active = ReviewAssignment.objects.filter(application=application).active()
    submitted = active.filter(review__status=ReviewStatus.SUBMITTED).count()
    if submitted >= application.call.reviewers_per_application and submitted == active.count():
        application_transition(
            application,
            ApplicationStatus.REVIEWED,
            by=by,
            note_code=HistoryNote.ALL_REVIEWS_SUBMITTED,
        )


def review_reopen(*, review: Review, by, note: str = "") -> Review:
    """A coordinator sends a submitted review back to its reviewer (recorded).

    InvalidReviewTransition if it is not submitted.
    """
    return review_transition(
        review,
        ReviewStatus.DRAFT,
        by=by,
        note=note,
        changes={"total": None, "submitted_at": None},
    )


# --- corrections after publication ----------------------------------------------------------


def _score_values(review: Review) -> dict:
    """What a correction may change, as JSON: the total and each criterion's points and words."""
    return {
        "total": None if review.total is None else str(review.total),
        "scores": {
            str(score.criterion_id): {"points": score.points, "justification": score.justification}
            for score in review.scores.all()
        },
    }


@transaction.atomic
def review_correct(*, review: Review, scores: dict[int, dict], reason: str, by) -> ReviewEvent:
    """A coordinator corrects a submitted review after the results are published.

    `scores` maps criterion id to {"points": int, "justification": str}; every
    criterion of the call is needed. The review keeps its status; the event
    records who, when, why (`reason`, required) and the values before and after.
    Before publication a review is reopened instead; an archived call is read-only.
    """
    review = Review.objects.select_related("assignment__call", "assignment__application").get(
        pk=review.pk
    )
    call = GrantCall.objects.select_for_update().get(pk=review.assignment.call_id)
    if call.is_archived:
        raise _frozen_call(call)
    if not reviews_frozen_for(review.assignment.application):
        raise ValidationError(
            _(
                "The results are not published yet: reopen the review so its reviewer can "
                "change it."
            ),
            code="not_published",
        )
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.SUBMITTED or not review.assignment.is_active:
        raise ValidationError(
            _("Only a submitted review of a current reviewer can be corrected."),
            code="not_submitted",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the review is corrected.")})
    criteria = list(call.criteria.all())
    problems: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk) or {}
        if value.get("points") is None:
            problems[f"points_{criterion.pk}"] = _("Give points for “%(name)s”.") % {
                "name": criterion.name
            }
        else:
            problems.update(_points_problem(criterion, value["points"]))
        if not (value.get("justification") or "").strip():
            problems[f"justification_{criterion.pk}"] = _("Justify the points for “%(name)s”.") % {
                "name": criterion.name
            }
    if problems:
        raise ValidationError(problems)
    before = _score_values(review)
    for criterion in criteria:
        value = scores[criterion.pk]
        ReviewScore.objects.update_or_create(
            review=review,
            criterion=criterion,
            defaults={
                "points": int(value["points"]),
                "justification": value["justification"].strip(),
            },
        )
    review.total = _review_total(review, criteria)
    after = _score_values(review)
    if after == before:
        raise ValidationError(_("Nothing was changed: give the corrected points or words."))
    review.save(update_fields=["total", "updated_at"])
    ranking_changed(call_id=review.assignment.call_id)
    return ReviewEvent.objects.create(
        assignment=review.assignment,
        kind=ReviewEvent.Kind.CORRECTED,
        by=by,
        note=reason,
        changes={"before": before, "after": after},
    )

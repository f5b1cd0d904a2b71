"""What an applicant may read of the reviews: scores per criterion and anonymised words.

Reviewers are "Reviewer 1", "Reviewer 2"… in the order they were assigned;
their names, e-mails and notes for the committee never leave this module.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from applicants.models import Application
from grants.enums import FinalScoreRule
from reviews.enums import ACTIVE_ASSIGNMENT_STATUSES, ReviewStatus
from reviews.models import Review
from reviews.scoring import closest_two_mean, round2
from reviews.scoring import mean as mean_of


@dataclass(frozen=True)
class CriterionFeedback:
    name: str
    max_points: int
    mean_points: Decimal | None
    justifications: list[tuple[str, str]]  # (reviewer label, text)


@dataclass(frozen=True)
class ReviewFeedback:
    criteria: list[CriterionFeedback]
    comments: list[tuple[str, str]] = field(default_factory=list)  # (reviewer label, comment)
    final_score: Decimal | None = None


def review_feedback(application: Application) -> ReviewFeedback:
    """Scores and justifications of the submitted, still active reviews of `application`."""
    reviews = list(
        Review.objects.filter(
            assignment__application=application,
            assignment__status__in=ACTIVE_ASSIGNMENT_STATUSES,
            status=ReviewStatus.SUBMITTED,
        )
        .order_by("assignment__assigned_at", "assignment_id")
        .prefetch_related("scores")
    )
    labels = {review.pk: f"{number}" for number, review in enumerate(reviews, start=1)}
    criteria = []
    for criterion in application.call.criteria.all():
        points, words = [], []
        for review in reviews:
            for score in review.scores.all():
                if score.criterion_id == criterion.pk:
                    if score.points is not None:
                        points.append(score.points)
                    if score.justification:
                        words.append((labels[review.pk], score.justification))
        mean = (Decimal(sum(points)) / len(points)).quantize(Decimal("0.01")) if points else None
        criteria.append(CriterionFeedback(criterion.name, criterion.max_points, mean, words))
    comments = [
        (labels[r.pk], r.comment_for_applicant) for r in reviews if r.comment_for_applicant.strip()
    ]
    totals = [float(r.total) for r in reviews if r.total is not None]
    # The same rule as the ranking, so the letter and the committee's table agree.
    if application.call.final_score_rule == FinalScoreRule.CLOSEST_TWO:
        final = closest_two_mean(totals)
    else:
        final = mean_of(totals)
    final = round2(final) if final is not None else None
    return ReviewFeedback(criteria=criteria, comments=comments, final_score=final)

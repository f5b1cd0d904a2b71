"""The demo review stage of the closed call: made through the services, at every stage, loaded once."""

import pytest
from django.db.models import Count, F, Q
from django.test import TestCase, override_settings
from django.utils import timezone

from applicants.enums import ApplicationStatus
from applicants.models import StatusChange
from grants.models import GrantCall
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import PoolMember, Review, ReviewAssignment, ReviewEvent, ReviewScore
from reviews.ranking import call_ranking
from reviews.scoring import mean

CLOSED, OPEN = "zielone-szkoly", "klimat-w-sasiedztwie"
NEWCOMER = "recenzent1@example.org"
LENIENT, STRICT = "recenzent2@example.org", "recenzent3@example.org"
# Queued tasks are dropped, not run: no e-mails, no PDF rendering.
DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def review_stage_counted() -> dict[str, object]:
    counts: dict[str, object] = {
        model.__name__: model.objects.count()
        for model in (PoolMember, ReviewAssignment, Review, ReviewScore, ReviewEvent, StatusChange)
    }
    counts["events"] = sorted(ReviewEvent.objects.values_list("kind", flat=True))
    return counts


def progress(assignment: ReviewAssignment, now) -> str:
    """Where one assignment stands, as the coordinator's progress page tells it."""
    review = getattr(assignment, "review", None)
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        return "submitted"
    if assignment.due_at < now:
        return "overdue"
    if review is not None:
        return "drafted"
    return assignment.status


@pytest.mark.usefixtures("loaded_demo")
class DemoReviewsTests(TestCase):
    """Read-only checks of the demo the package loads once (demo/tests/conftest.py)."""

    @classmethod
    def setUpClass(cls):
        fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        cls.enterClassContext(override_settings(TASKS=DROP_TASKS, PASSWORD_HASHERS=fast_hashing))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.call = GrantCall.objects.get(slug=CLOSED)

    def assignments(self, **filters):
        return ReviewAssignment.objects.filter(call=self.call, **filters).select_related("review")

    def test_pools_hold_the_named_and_the_new_reviewers(self):
        closed = set(self.call.pool.values_list("reviewer__email", flat=True))
        assert {
            "recenzent1@example.org",
            "recenzent2@example.org",
            "recenzent3@example.org",
        } <= closed
        assert len(closed) == 8
        open_pool = set(
            PoolMember.objects.filter(call__slug=OPEN).values_list("reviewer__email", flat=True)
        )
        assert open_pool == {NEWCOMER, LENIENT}
        assert not ReviewAssignment.objects.filter(call__slug=OPEN).exists()

    def test_every_application_has_its_reviewers_but_the_one_with_a_fresh_conflict(self):
        per_application = self.call.reviewers_per_application
        active = Count(
            "review_assignments", filter=Q(review_assignments__status__in=["assigned", "declared"])
        )
        applications = self.call.applications.filter(
            status__in=[ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED]
        ).annotate(active=active)
        assert applications.count() >= 40
        short = [
            application for application in applications if application.active < per_application
        ]
        # One conflict was declared two days ago and the coordinator hasn't replaced the reviewer yet.
        unreplaced = self.assignments(status=AssignmentStatus.CONFLICT).latest("declared_at")
        assert [application.pk for application in short] == [unreplaced.application_id]
        assert short[0].active == per_application - 1

    def test_conflicts_release_the_assignment_with_a_reason(self):
        conflicts = self.assignments(status=AssignmentStatus.CONFLICT)
        assert conflicts.count() == 2
        for conflict in conflicts:
            assert conflict.released_at is not None
            assert conflict.conflict_reason
            assert conflict.events.filter(kind=ReviewEvent.Kind.CONFLICT).exists()

    def test_assignments_are_at_every_stage(self):
        now = timezone.now()
        stages = [
            progress(a, now) for a in self.assignments().filter(status__in=["assigned", "declared"])
        ]
        assert {"assigned", "declared", "drafted", "submitted", "overdue"} <= set(stages)
        assert stages.count("submitted") > len(stages) / 2

    def test_overdue_assignments_were_reminded_and_future_ones_wait(self):
        now = timezone.now()
        unsubmitted = self.assignments(status__in=["assigned", "declared"]).exclude(
            review__status=ReviewStatus.SUBMITTED
        )
        assert all(a.reminder_sent_at is not None for a in unsubmitted.filter(due_at__lt=now))
        assert all(a.reminder_sent_at is None for a in unsubmitted.filter(due_at__gt=now))

    def test_ranking_flags_at_least_two_disagreements_one_with_a_third_reviewer(self):
        flagged = [row for row in call_ranking(self.call).rows if row.flagged]
        assert len(flagged) >= 2
        assert any(row.assigned_reviewers > self.call.reviewers_per_application for row in flagged)

    def test_lenient_and_strict_reviewers_make_the_normalised_order_differ(self):
        submitted = Review.objects.filter(assignment__call=self.call, status=ReviewStatus.SUBMITTED)
        everyone = mean([float(total) for total in submitted.values_list("total", flat=True)])

        def mean_of(email):
            totals = submitted.filter(assignment__reviewer__email=email).values_list(
                "total", flat=True
            )
            return mean([float(total) for total in totals])

        assert mean_of(LENIENT) > everyone + 5
        assert mean_of(STRICT) < everyone - 5
        final = [row.id for row in call_ranking(self.call, order="final").rows]
        normalised = [row.id for row in call_ranking(self.call, order="normalised").rows]
        assert final != normalised

    def test_newcomer_reviewer_has_a_declaration_a_draft_and_sent_reviews(self):
        own = self.assignments(reviewer__email=NEWCOMER)
        assert own.filter(status=AssignmentStatus.ASSIGNED).exists()
        assert own.filter(
            status=AssignmentStatus.DECLARED, review__status=ReviewStatus.DRAFT
        ).exists()
        assert own.filter(review__status=ReviewStatus.SUBMITTED).count() >= 2

    def test_submitted_reviews_are_complete_and_in_polish(self):
        criteria = self.call.criteria.count()
        for review in Review.objects.filter(
            assignment__call=self.call, status=ReviewStatus.SUBMITTED
        ).prefetch_related("scores"):
            scores = list(review.scores.all())
            assert len(scores) == criteria
            assert all(score.points is not None and score.justification for score in scores)
            assert (
                review.recommendation and review.comment_for_applicant and review.total is not None
            )

    def test_no_reviewer_is_assigned_to_their_own_application(self):
        assert not ReviewAssignment.objects.filter(reviewer=F("application__applicant")).exists()

    def test_review_history_happened_in_order_and_in_the_past(self):
        now = timezone.now()
        for assignment in self.assignments().prefetch_related("events"):
            moments = [event.at for event in assignment.events.all()]
            assert moments == sorted(moments)
            assert moments[0] == assignment.assigned_at
            assert moments[-1] <= now
            review = getattr(assignment, "review", None)
            if review is not None and review.submitted_at:
                assert assignment.declared_at < review.submitted_at <= now

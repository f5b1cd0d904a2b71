"""Build the review stage through the services, for tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.services import formal_check_record
from applicants.tests.builders import submitted_application
from grants.models import Criterion
from grants.tests.factories import GrantCallFactory
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare, assignments_auto, pool_add, review_submit


def call_with_criteria(**kwargs):
    """A call with two criteria: "Pomysł" (0–10, weight 2) and "Budżet" (0–5, weight 1)."""
    call = GrantCallFactory(**kwargs)
    Criterion.objects.create(call=call, name="Pomysł", max_points=10, weight=Decimal("2"), position=0)
    Criterion.objects.create(call=call, name="Budżet", max_points=5, weight=Decimal("1"), position=1)
    return call


def accepted_application(call, **kwargs):
    application = submitted_application(call=call, **kwargs)
    formal_check_record(application=application, outcome="accepted", by=CoordinatorFactory())
    application.refresh_from_db()
    return application


def reviewers_in_pool(call, count):
    coordinator = CoordinatorFactory()
    reviewers = [UserFactory() for _ in range(count)]
    for reviewer in reviewers:
        pool_add(call=call, reviewer=reviewer, by=coordinator)
    return reviewers


def assign_all(call, *, due_in_days=14):
    return assignments_auto(call=call, due_at=timezone.now() + timedelta(days=due_in_days), by=CoordinatorFactory())


def submit_review(assignment: ReviewAssignment, points: dict[str, int], recommendation="fund"):
    """Declare impartiality and submit points by criterion name, each justified."""
    assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    scores = {
        c.pk: {"points": points[c.name], "justification": f"Uzasadnienie dla {c.name}."}
        for c in assignment.call.criteria.all()
    }
    return review_submit(
        assignment=assignment,
        by=assignment.reviewer,
        scores=scores,
        comment_for_applicant="Dobry pomysł.",
        note_for_committee="",
        recommendation=recommendation,
    )

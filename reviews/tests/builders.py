"""Build the review stage through the services, for tests."""

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application
from applicants.services import formal_check_record
from applicants.tests.builders import submitted_application
from core.search import searchable_text
from grants.models import Criterion
from grants.tests.factories import GrantCallFactory
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import Review, ReviewAssignment
from reviews.ranking_snapshot import ranking_rebuild
from reviews.services import assignment_declare, assignments_auto, pool_add, review_submit


def call_with_criteria(**kwargs):
    """A call with two criteria: "Pomysł" (0–10, weight 2) and "Budżet" (0–5, weight 1)."""
    call = GrantCallFactory(**kwargs)
    Criterion.objects.create(
        call=call, name="Pomysł", max_points=10, weight=Decimal("2"), position=0
    )
    Criterion.objects.create(
        call=call, name="Budżet", max_points=5, weight=Decimal("1"), position=1
    )
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
    return assignments_auto(
        call=call, due_at=timezone.now() + timedelta(days=due_in_days), by=CoordinatorFactory()
    )


def submit_review(
    assignment: ReviewAssignment,
    points: dict[str, int],
    recommendation="fund",
    *,
    justification="Uzasadnienie dla {criterion}.",
    comment="Dobry pomysł.",
    note="",
):
    """Declare impartiality (unless declared already) and submit points by criterion name, each justified."""
    assignment.refresh_from_db()
    if assignment.status == AssignmentStatus.ASSIGNED:
        assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    scores = {
        c.pk: {"points": points[c.name], "justification": justification.format(criterion=c.name)}
        for c in assignment.call.criteria.all()
    }
    return review_submit(
        assignment=assignment,
        by=assignment.reviewer,
        scores=scores,
        comment_for_applicant=comment,
        note_for_committee=note,
        recommendation=recommendation,
    )


def bulk_ranked_call(count: int):
    """`count` applications with two submitted reviews each, written in bulk.

    This bypasses the services (no status changes, no events, no score rows) for
    speed: the ranking only reads applications, assignments and review totals.
    """
    call = GrantCallFactory(total_budget=Decimal("100000"), min_score=Decimal("50"))
    reviewers = [UserFactory() for _ in range(5)]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=None,
            status=ApplicationStatus.ACCEPTED_FOR_REVIEW,
            number_in_call=number,
            reference_number=f"{call.reference_code}/2027/{number:04d}",
            title=f"Projekt nr {number}",
            applicant_kind=ApplicantKind.GROUP,
            applicant_name=f"Grupa nr {number}",
            search_text=searchable_text(f"Projekt nr {number}", f"Grupa nr {number}"),
            requested_amount=Decimal("1000.00") + number,
            last_submitted_at=now,
        )
        for number in range(1, count + 1)
    )
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            application=application,
            call=call,
            reviewer=reviewers[(index + shift) % len(reviewers)],
            status=AssignmentStatus.DECLARED,
            due_at=now + timedelta(days=7),
        )
        for index, application in enumerate(applications)
        for shift in (0, 1)
    )
    Review.objects.bulk_create(
        Review(
            assignment=assignment,
            status=ReviewStatus.SUBMITTED,
            total=Decimal((index * 37) % 10000) / 100,
            submitted_at=now,
        )
        for index, assignment in enumerate(assignments)
    )
    # Written past the services, so no event told the ranking snapshot: built here, as
    # every bulk builder leaves it (scripts/bench.py, the demo).
    ranking_rebuild(call_id=call.pk)
    return call


def invitation_link(message) -> str:
    """The invitation page's path in an invitation e-mail (the token is nowhere else)."""
    start = reverse("reviews:invitation", args=["TOKEN"]).removesuffix("TOKEN/")
    match = re.search(re.escape(start) + r"([A-Za-z0-9_-]+)/", message.body)
    assert match is not None, message.body
    return match.group(0)

"""The states of assignments and reviews: one guarded function each, an allowed-moves table,
an error when a move is not allowed, and double clicks on the pages that stay harmless."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from reviews.enums import (
    ALLOWED_ASSIGNMENT_TRANSITIONS,
    ALLOWED_REVIEW_TRANSITIONS,
    AssignmentStatus,
    ReviewStatus,
)
from reviews.models import ReviewAssignment, ReviewEvent
from reviews.services import (
    InvalidAssignmentTransition,
    InvalidReviewTransition,
    assignment_declare,
    assignment_remove,
    assignment_transition,
    review_reopen,
    review_transition,
)
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    call = call_with_criteria(reviewers_per_application=1)
    accepted_application(call)
    reviewers_in_pool(call, 1)
    assign_all(call)
    return ReviewAssignment.objects.get()


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events(kind) -> int:
    return ReviewEvent.objects.filter(kind=kind).count()


# --- the tables -----------------------------------------------------------------------------


def test_allowed_transitions_cover_every_status_and_name_only_statuses():
    for table, statuses in (
        (ALLOWED_ASSIGNMENT_TRANSITIONS, set(AssignmentStatus)),
        (ALLOWED_REVIEW_TRANSITIONS, set(ReviewStatus)),
    ):
        assert set(table) == statuses
        assert set().union(*table.values()) <= statuses


def test_assignment_transition_refuses_a_move_not_in_the_table(assignment):
    assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    with pytest.raises(InvalidAssignmentTransition):
        assignment_transition(assignment, AssignmentStatus.CONFLICT, by=assignment.reviewer)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLARED
    assert events(ReviewEvent.Kind.CONFLICT) == 0


def test_assignment_transition_records_the_move_and_tells_coordinators_after_commit(
    assignment, django_capture_on_commit_callbacks
):
    CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assignment_declare(
            assignment=assignment,
            impartial=False,
            reason="Znam wnioskodawcę",
            by=assignment.reviewer,
        )
        assert not mail.outbox  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    assert assignment.released_at is not None
    event = ReviewEvent.objects.get(kind=ReviewEvent.Kind.CONFLICT)
    assert (event.by, event.note) == (assignment.reviewer, "Znam wnioskodawcę")
    assert len(mail.outbox) == 1


def test_assignment_declare_twice_is_an_error_not_a_silent_success(assignment):
    assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    with pytest.raises(InvalidAssignmentTransition):
        assignment_declare(
            assignment=assignment, impartial=False, reason="x", by=assignment.reviewer
        )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLARED
    assert events(ReviewEvent.Kind.DECLARED) == 1


def test_assignment_remove_twice_is_an_error(assignment):
    assignment_remove(assignment=assignment, by=CoordinatorFactory())
    with pytest.raises(InvalidAssignmentTransition):
        assignment_remove(assignment=assignment, by=CoordinatorFactory())
    assert events(ReviewEvent.Kind.REMOVED) == 1


def test_review_reopen_of_a_draft_is_an_error(assignment):
    review = submit_review(assignment, {"Pomysł": 5, "Budżet": 3})
    review_reopen(review=review, by=CoordinatorFactory())
    with pytest.raises(InvalidReviewTransition):
        review_reopen(review=review, by=CoordinatorFactory())
    review.refresh_from_db()
    assert (review.status, review.total, review.submitted_at) == (ReviewStatus.DRAFT, None, None)
    assert events(ReviewEvent.Kind.REOPENED) == 1


def test_review_transition_refuses_submitting_a_submitted_review(assignment):
    review = submit_review(assignment, {"Pomysł": 5, "Budżet": 3})
    with pytest.raises(InvalidReviewTransition):
        review_transition(review, ReviewStatus.SUBMITTED, by=assignment.reviewer)
    assert events(ReviewEvent.Kind.SUBMITTED) == 1


# --- double clicks on the pages stay harmless, and say so --------------------------------------


def test_assignment_declaring_twice_on_the_page_is_harmless(client, assignment):
    client.force_login(assignment.reviewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("reviews:assignment", args=[assignment.pk])
    first = client.post(url, {"declare": "impartial"})
    second = client.post(url, {"declare": "impartial"})
    assert first.status_code == second.status_code == 302
    assert events(ReviewEvent.Kind.DECLARED) == 1


def test_assignment_remove_clicked_twice_says_it_was_released(client, assignment):
    client.force_login(CoordinatorFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse(
        "review_manage:assignment_remove", args=[assignment.application_id, assignment.pk]
    )
    client.post(url)
    response = client.post(url)
    assert response.status_code == 302
    assert "This assignment was already released." in flashed(response)
    assert events(ReviewEvent.Kind.REMOVED) == 1


def test_review_reopen_clicked_twice_says_there_is_nothing_to_reopen(client, assignment):
    review = submit_review(assignment, {"Pomysł": 5, "Budżet": 3})
    client.force_login(CoordinatorFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("review_manage:review_reopen", args=[assignment.application_id, review.pk])
    client.post(url)
    response = client.post(url)
    assert response.status_code == 302
    assert "This review is not submitted; there is nothing to reopen." in flashed(response)
    assert events(ReviewEvent.Kind.REOPENED) == 1

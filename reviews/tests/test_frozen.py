"""Finding 7: once the results are published, the call's reviews, scores, reviewers,
declarations and ranking are frozen. Every service refuses, and so does every page's POST."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.services import application_transition
from grants.enums import CallStatus
from grants.models import Criterion
from grants.services import call_close, call_decide, call_save
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import (
    Invitation,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewScore,
)
from reviews.ranking import call_ranking
from reviews.services import (
    ReviewsFrozen,
    assignment_add,
    assignment_declare,
    assignment_remove,
    assignment_replace,
    assignments_auto,
    extra_reviewer_add,
    pool_invite,
    review_reopen,
    review_save,
    review_submit,
)
from reviews.tasks import remind_reviewer
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db

FROZEN_MESSAGE = (
    "The results of this call are published, so its reviews and reviewers can no longer "
    "change. A coordinator can still correct a review: the correction is recorded and a "
    "corrected letter is issued."
)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def decided(coordinator):
    """A call reviewed after its deadline and then decided, as publishing the results does.

    Application 1 has two submitted reviews; application 2 has a draft review and a
    reviewer who has not declared yet.
    """
    call = call_with_criteria(reviewers_per_application=2, total_budget=Decimal("50000"))
    scored = accepted_application(call, texts={"title": "Ogród deszczowy"})
    pending = accepted_application(call, texts={"title": "Łąka kwietna"})
    pool = reviewers_in_pool(call, 5)
    call_close(call=call, by=coordinator)
    assign_all(call)
    first, second = ReviewAssignment.objects.filter(application=scored).order_by("pk")
    submit_review(first, {"Pomysł": 8, "Budżet": 4})
    submit_review(second, {"Pomysł": 6, "Budżet": 3})
    drafted, undeclared = ReviewAssignment.objects.filter(application=pending).order_by("pk")
    assignment_declare(assignment=drafted, impartial=True, by=drafted.reviewer)
    review_save(
        assignment=drafted,
        scores=scores_for(call, 2),
        comment_for_applicant="Szkic",
        note_for_committee="",
        recommendation="",
    )
    call_decide(call=call, by=coordinator)
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED
    return {
        "call": call,
        "scored": scored,
        "pending": pending,
        "review": Review.objects.get(assignment=first),
        "undeclared": undeclared,
        "outsider": next(
            r for r in pool if not ReviewAssignment.objects.filter(reviewer=r).exists()
        ),
        "pool": pool,
    }


def snapshot(call):
    """Everything the ranking and the letters are computed from."""
    return (
        sorted(ReviewAssignment.objects.filter(call=call).values_list("pk", "status")),
        sorted(Review.objects.filter(assignment__call=call).values_list("pk", "status", "total")),
        sorted(
            ReviewScore.objects.filter(review__assignment__call=call).values_list("pk", "points")
        ),
        [(row.id, row.final_score, row.position) for row in call_ranking(call).rows],
    )


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def scores_for(call, points):
    return {c.pk: {"points": points, "justification": "Zmiana"} for c in call.criteria.all()}


# --- the call's status ----------------------------------------------------------------------


def test_call_moves_to_in_review_with_the_first_assignments_after_closing(coordinator):
    call = call_with_criteria()
    accepted_application(call)
    reviewers_in_pool(call, 2)
    call_close(call=call, by=coordinator)
    assign_all(call)
    call.refresh_from_db()
    assert call.status == CallStatus.IN_REVIEW
    assert call.status_changes.filter(new_status=CallStatus.IN_REVIEW).count() == 1


def test_call_still_taking_applications_stays_published_when_reviewers_are_assigned():
    call = call_with_criteria()
    accepted_application(call)
    reviewers_in_pool(call, 2)
    assign_all(call)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert call.is_accepting


# --- the services refuse ---------------------------------------------------------------------


def test_review_reopen_after_publication_is_refused(decided, coordinator):
    before = snapshot(decided["call"])
    with pytest.raises(ReviewsFrozen):
        review_reopen(review=decided["review"], by=coordinator)
    assert snapshot(decided["call"]) == before


def test_review_save_and_submit_after_publication_are_refused(decided):
    draft = Review.objects.get(assignment__application=decided["pending"])
    assert draft.status == ReviewStatus.DRAFT
    assignment = draft.assignment
    data = {
        "scores": scores_for(decided["call"], 1),
        "comment_for_applicant": "Inny komentarz",
        "note_for_committee": "",
        "recommendation": "fund",
    }
    before = snapshot(decided["call"])
    with pytest.raises(ReviewsFrozen):
        review_save(assignment=assignment, **data)
    with pytest.raises(ReviewsFrozen):
        review_submit(assignment=assignment, by=assignment.reviewer, **data)
    assert snapshot(decided["call"]) == before


def test_declaration_after_publication_is_refused(decided):
    undeclared = decided["undeclared"]
    with pytest.raises(ReviewsFrozen):
        assignment_declare(assignment=undeclared, impartial=True, by=undeclared.reviewer)
    undeclared.refresh_from_db()
    assert undeclared.status == AssignmentStatus.ASSIGNED


@pytest.mark.parametrize("action", ["add", "remove", "replace", "extra", "auto"])
def test_assignments_after_publication_are_refused(decided, coordinator, action):
    call, scored, outsider = decided["call"], decided["pending"], decided["outsider"]
    due = timezone.now() + timedelta(days=7)
    before = snapshot(call)
    with pytest.raises(ReviewsFrozen):
        if action == "add":
            assignment_add(application=scored, reviewer=outsider, due_at=due, by=coordinator)
        elif action == "remove":
            assignment_remove(assignment=decided["undeclared"], by=coordinator)
        elif action == "replace":
            assignment_replace(assignment=decided["undeclared"], reviewer=outsider, by=coordinator)
        elif action == "extra":
            extra_reviewer_add(application=scored, due_at=due, by=coordinator)
        else:
            assignments_auto(call=call, due_at=due, by=coordinator)
    assert snapshot(call) == before


def test_pool_invitations_after_publication_are_refused(decided, coordinator):
    with pytest.raises(ReviewsFrozen):
        pool_invite(call=decided["call"], emails=["nowa@example.org"], by=coordinator)
    assert not Invitation.objects.filter(email="nowa@example.org").exists()


def test_ranking_inputs_of_a_decided_call_cannot_change(decided, coordinator):
    call = decided["call"]
    criteria = list(call.criteria.all())
    idea = next(c for c in criteria if c.name == "Pomysł")
    idea.weight = Decimal("5")
    with pytest.raises(ValidationError):
        call_save(call=call, criteria_to_save=criteria, by=coordinator)
    call.refresh_from_db()
    call.min_score = Decimal("10")
    with pytest.raises(ValidationError):
        call_save(call=call, criteria_to_save=list(call.criteria.all()), by=coordinator)
    assert Criterion.objects.get(pk=idea.pk).weight == Decimal("2")


def test_wording_of_a_decided_call_can_still_be_fixed(decided, coordinator):
    call = decided["call"]
    call.description = "Poprawiony opis naboru."
    call_save(call=call, criteria_to_save=list(call.criteria.all()), by=coordinator)
    call.refresh_from_db()
    assert call.description == "Poprawiony opis naboru."


def test_reviews_of_a_published_application_freeze_even_while_its_call_is_open(coordinator):
    """Results published early (the call still takes applications): that application is frozen."""
    call = call_with_criteria(reviewers_per_application=1)
    application = accepted_application(call)
    reviewers_in_pool(call, 1)
    assign_all(call)
    review = submit_review(ReviewAssignment.objects.get(), {"Pomysł": 9, "Budżet": 5})
    application_transition(application, ApplicationStatus.AWARDED, by=coordinator)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    with pytest.raises(ReviewsFrozen):
        review_reopen(review=review, by=coordinator)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


# --- the pages refuse and hide their buttons ---------------------------------------------------


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_reopen_post_after_publication_is_refused_with_a_message(coordinator_client, decided):
    review = decided["review"]
    before = snapshot(decided["call"])
    response = coordinator_client.post(
        reverse("review_manage:review_reopen", args=[decided["scored"].pk, review.pk]),
        {f"reopen-{review.pk}-note": "Proszę poprawić"},
    )
    assert response.status_code == 302
    assert FROZEN_MESSAGE in flashed(response)
    assert snapshot(decided["call"]) == before
    assert not ReviewEvent.objects.filter(kind=ReviewEvent.Kind.REOPENED).exists()


def test_assignment_posts_after_publication_are_refused(coordinator_client, decided):
    pending, undeclared, outsider = decided["pending"], decided["undeclared"], decided["outsider"]
    due = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    before = snapshot(decided["call"])
    posts = [
        (
            reverse("review_manage:assignment_add", args=[pending.pk]),
            {"add-reviewer": outsider.pk, "add-due_at": due},
        ),
        (reverse("review_manage:assignment_remove", args=[pending.pk, undeclared.pk]), {}),
        (
            reverse("review_manage:assignment_replace", args=[pending.pk, undeclared.pk]),
            {f"replace-{undeclared.pk}-reviewer": outsider.pk},
        ),
        (reverse("review_manage:extra_reviewer_add", args=[pending.pk]), {}),
        (reverse("review_manage:assignments", args=[decided["call"].pk]), {"due_at": due}),
    ]
    for url, data in posts:
        response = coordinator_client.post(url, data)
        assert response.status_code == 302, url
        assert FROZEN_MESSAGE in flashed(response), url
    assert snapshot(decided["call"]) == before


def test_reviewer_save_submit_and_declare_posts_after_publication_are_refused(client, decided):
    call = decided["call"]
    draft = Review.objects.get(assignment__application=decided["pending"])
    before = snapshot(call)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(draft.assignment.reviewer)
    data = {"comment_for_applicant": "Zmieniony", "recommendation": "fund"}
    for criterion in call.criteria.all():
        data[f"points_{criterion.pk}"] = criterion.max_points
        data[f"justification_{criterion.pk}"] = "Zmienione"
    for action in ("save", "submit"):
        response = client.post(
            reverse("reviews:assignment", args=[draft.assignment_id]), {**data, "action": action}
        )
        assert response.status_code == 409
        assert FROZEN_MESSAGE in flashed(response)
    undeclared = decided["undeclared"]
    client.force_login(undeclared.reviewer)
    response = client.post(
        reverse("reviews:assignment", args=[undeclared.pk]), {"declare": "impartial"}
    )
    assert response.status_code == 409
    assert snapshot(call) == before


def test_reviewer_sees_the_frozen_draft_without_buttons(client, decided):
    draft = Review.objects.get(assignment__application=decided["pending"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(draft.assignment.reviewer)
    html = client.get(reverse("reviews:assignment", args=[draft.assignment_id])).content.decode()
    assert "The results of this call are published, so reviews can no longer be saved" in html
    assert "<fieldset disabled>" in html
    dashboard = client.get(reverse("reviews:dashboard"))
    (group,) = dashboard.context["groups"]
    assert {row.state for row in group.rows} == {"closed"}


def test_reviewer_sees_a_submitted_review_as_final_not_to_be_reopened(client, decided):
    review = decided["review"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(review.assignment.reviewer)
    html = client.get(reverse("reviews:assignment", args=[review.assignment_id])).text
    assert "The results of this call are published, so the review is final" in html
    assert "tell the coordinator, who can record a correction" in html
    assert "reopen" not in html


def test_coordinator_pages_hide_the_buttons_after_publication(coordinator_client, decided):
    review = decided["review"]
    html = coordinator_client.get(
        reverse("review_manage:application", args=[decided["scored"].pk])
    ).content.decode()
    assert "frozen-notice" in html
    assert (
        reverse("review_manage:review_reopen", args=[decided["scored"].pk, review.pk]) not in html
    )
    assert reverse("review_manage:assignment_add", args=[decided["scored"].pk]) not in html
    assert reverse("review_manage:extra_reviewer_add", args=[decided["scored"].pk]) not in html
    assignments = coordinator_client.get(
        reverse("review_manage:assignments", args=[decided["call"].pk])
    ).content.decode()
    assert 'id="auto-heading"' not in assignments
    pool = coordinator_client.get(
        reverse("review_manage:pool", args=[decided["call"].pk])
    ).content.decode()
    assert 'id="invite-heading"' not in pool


def test_pages_still_offer_the_buttons_before_publication(coordinator_client):
    """The check above can fail: the same pages show the buttons while reviewing goes on."""
    call = call_with_criteria(reviewers_per_application=1)
    application = accepted_application(call)
    reviewers_in_pool(call, 2)
    assign_all(call)
    review = submit_review(ReviewAssignment.objects.get(), {"Pomysł": 9, "Budżet": 5})
    html = coordinator_client.get(
        reverse("review_manage:application", args=[application.pk])
    ).content.decode()
    assert reverse("review_manage:review_reopen", args=[application.pk, review.pk]) in html
    assert "frozen-notice" not in html


def test_reminder_after_publication_sends_nothing(decided):
    mail.outbox.clear()
    remind_reviewer.enqueue(assignment_id=decided["undeclared"].pk)
    assert mail.outbox == []
    decided["undeclared"].refresh_from_db()
    assert decided["undeclared"].reminder_sent_at is None

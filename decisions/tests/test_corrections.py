"""Finding 7, end to end: after the results are published the reviews are frozen, and the one way
to change a score is a recorded coordinator correction that issues a corrected letter."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from decisions.corrections import review_correction_issue
from decisions.enums import DecisionOutcome
from decisions.models import DecisionLetter
from decisions.services import decision_record, results_publish
from decisions.tests.test_letters import pdf_text
from grants.enums import CallStatus
from grants.services import call_close
from reviews.enums import ReviewStatus
from reviews.models import Review, ReviewAssignment, ReviewEvent, ReviewScore
from reviews.ranking import call_ranking
from reviews.services import ReviewsFrozen, review_reopen
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db

REASON = "Recenzentka pomyliła kryteria: punkty za budżet wpisała przy pomyśle."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def published(coordinator, django_capture_on_commit_callbacks):
    """An awarded application with two reviews (totals 80 and 60, final score 70), published.

    The call closed, reviewing started after it, the award was recorded and the results
    published through the services; its first letter is issued (really rendered).
    """
    call = call_with_criteria(reviewers_per_application=2)
    application = accepted_application(call, texts={"title": "Ogród deszczowy przy szkole"})
    reviewers_in_pool(call, 2)
    call_close(call=call, by=coordinator)
    assign_all(call)
    first, second = ReviewAssignment.objects.filter(application=application).order_by("pk")
    submit_review(first, {"Pomysł": 8, "Budżet": 4})
    low = submit_review(second, {"Pomysł": 6, "Budżet": 3})
    application.refresh_from_db()
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        by=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    call.refresh_from_db()
    return {"call": call, "application": application, "review": low}


def correction_data(call, points: dict[str, int], reason=REASON) -> dict:
    data = {"reason": reason}
    for criterion in call.criteria.all():
        data[f"points_{criterion.pk}"] = points[criterion.name]
        data[f"justification_{criterion.pk}"] = f"Poprawione uzasadnienie: {criterion.name}."
    return data


def correct_url(review) -> str:
    return reverse("decisions:review_correct", args=[review.pk])


# --- publication freezes ------------------------------------------------------------------------


def test_results_publish_decides_the_call(published):
    assert published["call"].status == CallStatus.DECIDED
    letter = DecisionLetter.objects.get()
    assert letter.version == 1
    assert "Ocena końcowa (na 100 pkt) 70" in pdf_text(letter.pdf.read())


def test_review_reopen_after_results_publish_is_refused(published, coordinator, coordinator_client):
    review = published["review"]
    with pytest.raises(ReviewsFrozen):
        review_reopen(review=review, by=coordinator)
    response = coordinator_client.post(
        reverse("review_manage:review_reopen", args=[published["application"].pk, review.pk]),
        {f"reopen-{review.pk}-note": "Proszę poprawić"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert not ReviewEvent.objects.filter(kind=ReviewEvent.Kind.REOPENED).exists()


# --- the correction --------------------------------------------------------------------------


def test_review_correction_records_who_when_why_and_the_old_values(
    published, coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    review, call = published["review"], published["call"]
    old_scores = dict(
        ReviewScore.objects.filter(review=review).values_list("criterion_id", "points")
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            correct_url(review), correction_data(call, {"Pomysł": 10, "Budżet": 5})
        )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "review_manage:application", args=[published["application"].pk]
    )
    event = ReviewEvent.objects.get(kind=ReviewEvent.Kind.CORRECTED)
    assert (event.by, event.note, event.assignment_id) == (
        coordinator,
        REASON,
        review.assignment_id,
    )
    assert event.changes["before"]["total"] == "60.00"
    assert event.changes["after"]["total"] == "100.00"
    assert {
        int(criterion): values["points"]
        for criterion, values in event.changes["before"]["scores"].items()
    } == old_scores
    review.refresh_from_db()
    assert (review.status, review.total) == (ReviewStatus.SUBMITTED, 100)
    page = coordinator_client.get(
        reverse("review_manage:application", args=[published["application"].pk])
    ).content.decode()
    assert "Review corrected after publication" in page and REASON in page


def test_review_correction_changes_the_applicants_page_and_issues_letter_version_2(
    published, coordinator_client, client, django_capture_on_commit_callbacks
):
    application, call = published["application"], published["call"]
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            correct_url(published["review"]), correction_data(call, {"Pomysł": 10, "Budżet": 5})
        )
    # (80 + 100) / 2: the applicant's page, the ranking and the new letter agree.
    client.force_login(application.applicant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    decision_page = client.get(reverse("decisions_applicant:decision", args=[application.pk]))
    assert "Score: 90,00 of 100." in decision_page.content.decode()
    assert [row.final_score for row in call_ranking(call).rows] == [90]
    first, second = DecisionLetter.objects.order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert REASON in second.note
    assert "Ocena końcowa (na 100 pkt) 90" in pdf_text(second.pdf.read())
    assert "Ocena końcowa (na 100 pkt) 70" in pdf_text(first.pdf.read())  # kept as it was
    download = client.get(reverse("decisions_applicant:letter", args=[application.pk]))
    assert b"".join(download.streaming_content) == second.pdf.open("rb").read()


def test_review_correction_needs_a_reason_and_changes_nothing_without_one(
    published, coordinator_client
):
    review = published["review"]
    response = coordinator_client.post(
        correct_url(review),
        correction_data(published["call"], {"Pomysł": 10, "Budżet": 5}, reason=""),
    )
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.total == 60
    assert not ReviewEvent.objects.filter(kind=ReviewEvent.Kind.CORRECTED).exists()
    assert DecisionLetter.objects.count() == 1


def test_review_correction_refuses_points_above_the_maximum(published, coordinator_client):
    response = coordinator_client.post(
        correct_url(published["review"]),
        correction_data(published["call"], {"Pomysł": 11, "Budżet": 5}),
    )
    assert response.status_code == 400
    assert "Give from 0 to 10 points." in response.content.decode()
    assert not ReviewEvent.objects.filter(kind=ReviewEvent.Kind.CORRECTED).exists()


def test_review_correction_before_publication_is_refused(coordinator):
    call = call_with_criteria(reviewers_per_application=1)
    accepted_application(call)
    reviewers_in_pool(call, 1)
    assign_all(call)
    review = submit_review(ReviewAssignment.objects.get(), {"Pomysł": 5, "Budżet": 2})
    scores = {c.pk: {"points": 1, "justification": "x"} for c in call.criteria.all()}
    with pytest.raises(ValidationError):
        review_correction_issue(review=review, scores=scores, reason=REASON, by=coordinator)
    review.refresh_from_db()
    assert review.scores.filter(points=1).count() == 0


def test_review_correction_page_is_linked_from_the_reviews_page(published, coordinator_client):
    html = coordinator_client.get(
        reverse("review_manage:application", args=[published["application"].pk])
    ).content.decode()
    for review in Review.objects.all():
        assert correct_url(review) in html
    page = coordinator_client.get(correct_url(published["review"]))
    assert page.status_code == 200
    assert "Correct the review by" in page.content.decode()


def test_review_correction_page_is_for_coordinators_only(published, client):
    client.force_login(UserFactory())
    url = correct_url(published["review"])
    assert client.get(url).status_code == 403
    response = client.post(url, correction_data(published["call"], {"Pomysł": 10, "Budżet": 5}))
    assert response.status_code == 403
    assert not ReviewEvent.objects.filter(kind=ReviewEvent.Kind.CORRECTED).exists()


def test_review_correction_says_so_after_success(
    published, coordinator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            correct_url(published["review"]),
            correction_data(published["call"], {"Pomysł": 7, "Budżet": 3}),
        )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("A corrected letter is being issued" in m for m in messages)

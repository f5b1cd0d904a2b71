"""The review saves as the reviewer types (the draft endpoint), and submitting asks first."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from reviews.enums import ReviewStatus
from reviews.models import Review
from reviews.services import review_save
from reviews.tests import test_reviewer_pages
from reviews.tests.builders import submit_review
from reviews.tests.test_reviewer_pages import criteria_of, declared, page, review_post

pytestmark = pytest.mark.django_db

# One application with a file, two reviewers assigned to it, a third in the pool who isn't.
scene = test_reviewer_pages.scene


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def draft_url(assignment):
    return reverse("reviews:review_draft", args=[assignment.pk])


def confirm_url(assignment):
    return reverse("reviews:review_confirm", args=[assignment.pk])


def autosave(client, assignment, **fields):
    """What the browser sends: the whole form, as typed so far."""
    return client.post(draft_url(assignment), review_post(assignment.call, action="", **fields))


def test_review_draft_stores_partial_scores_and_says_when(client, scene):
    assignment = declared(scene["assignment"])
    client.force_login(assignment.reviewer)
    response = autosave(
        client,
        assignment,
        points={"Pomysł": 7},
        justifications={"Budżet": "Koszty rozsądne, ale brak wkładu własnego."},
        recommendation="",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "saved"
    assert body["errors"] == {}
    assert len(body["saved_at"]) == 5 and body["saved_at"][2] == ":"  # "12:03"
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.DRAFT
    scores = {score.criterion.name: score for score in review.scores.all()}
    assert scores["Pomysł"].points == 7
    assert scores["Budżet"].points is None
    assert scores["Budżet"].justification == "Koszty rozsądne, ale brak wkładu własnego."
    # A reload shows what was typed.
    html = client.get(page(assignment)).content.decode()
    assert "Koszty rozsądne, ale brak wkładu własnego." in html


def test_review_draft_refuses_points_out_of_range_beside_the_field_and_keeps_the_rest(
    client, scene
):
    assignment = declared(scene["assignment"])
    call = scene["call"]
    pomysl = criteria_of(call)["Pomysł"]
    review_save(assignment=assignment, scores={pomysl.pk: {"points": 6, "justification": ""}})
    client.force_login(assignment.reviewer)
    response = autosave(
        client,
        assignment,
        points={"Pomysł": 11, "Budżet": 4},
        justifications={"Pomysł": "Świetny, ale za mało konkretów."},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["state"] == "invalid"
    assert body["errors"] == {f"points_{pomysl.pk}": ["Przyznaj od 0 do 10 pkt."]}
    assert body["saved_at"]
    scores = {s.criterion.name: s for s in Review.objects.get(assignment=assignment).scores.all()}
    assert scores["Pomysł"].points == 6  # the refused value never replaced the stored one
    assert scores["Pomysł"].justification == "Świetny, ale za mało konkretów."
    assert scores["Budżet"].points == 4


def test_review_draft_never_changes_a_submitted_review(client, scene):
    assignment = scene["assignment"]
    submit_review(assignment, {"Pomysł": 8, "Budżet": 3})
    client.force_login(assignment.reviewer)
    response = autosave(
        client,
        assignment,
        points={"Pomysł": 1, "Budżet": 1},
        justifications={"Pomysł": "Zmiana", "Budżet": "Zmiana"},
        recommendation="do_not_fund",
    )
    assert response.status_code == 409
    assert response.json()["state"] == "refused"
    assert "przesłana i nie można jej zmienić" in response.json()["message"]
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.total == Decimal("73.33")
    assert review.recommendation == "fund"
    assert set(review.scores.values_list("points", flat=True)) == {8, 3}


@pytest.mark.parametrize("who", ["other_reviewer", "outsider", "applicant", "coordinator"])
def test_review_draft_of_someone_elses_assignment_is_404(client, scene, who):
    assignment = declared(scene["assignment"])
    declared(scene["other_assignment"])
    user = {
        "other_reviewer": scene["other_assignment"].reviewer,
        "outsider": scene["outsider"],
        "applicant": scene["application"].applicant,
        "coordinator": CoordinatorFactory(),
    }[who]
    client.force_login(user)
    response = autosave(client, assignment, points={"Pomysł": 2})
    assert response.status_code == 404
    assert not Review.objects.filter(assignment=assignment).exists()


def test_review_draft_anonymous_gets_403_and_a_reason(client, scene):
    assignment = declared(scene["assignment"])
    response = autosave(client, assignment, points={"Pomysł": 2})
    assert response.status_code == 403
    assert response.json()["state"] == "signed_out"
    assert not Review.objects.filter(assignment=assignment).exists()


def test_review_draft_before_the_declaration_is_404(client, scene):
    assignment = scene["assignment"]
    client.force_login(assignment.reviewer)
    response = autosave(client, assignment, points={"Pomysł": 2})
    assert response.status_code == 404
    assert not Review.objects.filter(assignment=assignment).exists()


def test_review_form_tells_the_browser_where_to_autosave(client, scene):
    assignment = declared(scene["assignment"])
    client.force_login(assignment.reviewer)
    html = client.get(page(assignment)).content.decode()
    assert f'data-autosave-url="{draft_url(assignment)}"' in html
    assert f'data-autosave-key="mikrogranty:autosave:u{assignment.reviewer_id}:review:' in html
    assert "js/autosave.js" in html
    assert 'aria-live="polite" data-autosave-status' in html


# --- confirming the submission -------------------------------------------------------------


def complete_draft_of(assignment, recommendation="fund_with_changes"):
    call = assignment.call
    criteria = criteria_of(call)
    review_save(
        assignment=assignment,
        scores={
            criteria["Pomysł"].pk: {"points": 8, "justification": "Dobry pomysł."},
            criteria["Budżet"].pk: {"points": 3, "justification": "Za drogo."},
        },
        comment_for_applicant="Warto.",
        note_for_committee="",
        recommendation=recommendation,
    )


def test_review_submit_shows_the_weighted_total_and_the_recommendation_before_submitting(
    client, scene
):
    assignment = declared(scene["assignment"])
    client.force_login(assignment.reviewer)
    response = client.post(
        page(assignment),
        review_post(
            scene["call"],
            action="submit",
            points={"Pomysł": 8, "Budżet": 3},
            justifications={"Pomysł": "Dobry", "Budżet": "Za drogo"},
            recommendation="fund_with_changes",
        ),
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == confirm_url(assignment)
    assert "Przesłać recenzję?" in html
    # (0.8 × 2 + 0.6 × 1) / 3 × 100, as the ranking stores it.
    assert '<span class="fs-3 fw-semibold num" data-confirm-total>73,33</span>' in html
    assert "Finansować ze zmianami" in html
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT


def test_review_confirm_submits_the_draft_shown(client, scene):
    assignment = declared(scene["assignment"])
    complete_draft_of(assignment)
    client.force_login(assignment.reviewer)
    fingerprint = client.get(confirm_url(assignment)).context["fingerprint"]
    response = client.post(confirm_url(assignment), {"fingerprint": fingerprint})
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.total == Decimal("73.33")
    assert review.recommendation == "fund_with_changes"


def test_review_confirm_refuses_a_draft_changed_since_it_was_shown(client, scene):
    assignment = declared(scene["assignment"])
    complete_draft_of(assignment)
    client.force_login(assignment.reviewer)
    fingerprint = client.get(confirm_url(assignment)).context["fingerprint"]
    # Another tab's autosave changes the verdict meanwhile.
    autosave(
        client,
        assignment,
        points={"Pomysł": 8, "Budżet": 3},
        justifications={"Pomysł": "Dobry pomysł.", "Budżet": "Za drogo."},
        recommendation="do_not_fund",
    )
    response = client.post(confirm_url(assignment), {"fingerprint": fingerprint})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Szkic zmienił się" in html
    assert "Nie finansować" in html  # the new verdict, to confirm again
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT


def test_review_confirm_of_an_incomplete_draft_goes_back_to_the_form(client, scene):
    assignment = declared(scene["assignment"])
    review_save(assignment=assignment, scores={}, recommendation="fund")
    client.force_login(assignment.reviewer)
    response = client.get(confirm_url(assignment))
    assert response.status_code == 302
    assert response.url == page(assignment)
    response = client.post(confirm_url(assignment), {"fingerprint": "x"})
    assert response.status_code == 302
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT


def test_review_confirm_of_someone_elses_assignment_is_404(client, scene):
    assignment = declared(scene["assignment"])
    complete_draft_of(assignment)
    client.force_login(scene["other_assignment"].reviewer)
    assert client.get(confirm_url(assignment)).status_code == 404
    assert client.post(confirm_url(assignment), {"fingerprint": "x"}).status_code == 404
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT

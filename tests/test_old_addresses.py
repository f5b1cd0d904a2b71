"""Addresses from before the URL map had a prefix per audience keep working: they were e-mailed,
bookmarked and printed, so each moves permanently to its new address."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from decisions.models import Decision
from decisions.services import decision_record, results_publish
from grants.tests.factories import deadline_passes
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db

MOVED = [
    ("/calls/klimat-2026/apply/", "applicants:apply", ["klimat-2026"]),
    ("/calls/klimat-2026/results/", "decisions_public:results", ["klimat-2026"]),
    ("/profile/", "applicants:profile", []),
    ("/applications/42/decision/", "decisions_applicant:decision", [42]),
    ("/applications/42/decision/letter.pdf", "decisions_applicant:letter", [42]),
    ("/applications/42/decision/answer/", "decisions_applicant:answer", [42]),
    ("/manage/letters/42/pdf/", "decisions:letter_pdf", [42]),
]


@pytest.mark.parametrize(("old", "name", "args"), MOVED)
def test_old_address_moves_permanently_to_the_new_one_with_its_query(client, old, name, args):
    response = client.get(old + "?application=42")
    assert response.status_code == 308
    assert response["Location"] == reverse(name, args=args) + "?application=42"
    assert reverse(name, args=args) != old


def test_coordinators_area_is_their_start_page_leading_to_the_calls(client):
    """/manage/ once redirected to the calls; it is now the coordinators' start page, with them."""
    call = call_with_criteria(title="Nabór pod adresem sprzed zmian")
    assert client.get("/manage/")["Location"].startswith(reverse("account_login"))
    client.force_login(CoordinatorFactory())
    page = client.get("/manage/").text
    assert call.title in page
    assert reverse("manage:home") in page


@pytest.fixture
def published_award(settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", lambda *a, **k: b"%PDF-1.4 test")
    call = call_with_criteria(total_budget=Decimal("20000"))
    application = accepted_application(call, texts={"title": "Łąka kwietna przy bibliotece"})
    reviewers_in_pool(call, 2)
    assign_all(call)
    for assignment in ReviewAssignment.objects.filter(call=call):
        submit_review(assignment, {"Pomysł": 8, "Budżet": 4})
    coordinator = CoordinatorFactory()
    deadline_passes(call)
    decision_record(
        application=application,
        outcome="awarded",
        amount=application.requested_amount,
        by=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator, public_results=True)
    return application


def test_old_letter_link_still_downloads_the_applicants_letter(client, published_award):
    client.force_login(published_award.applicant)
    response = client.get(f"/applications/{published_award.pk}/decision/letter.pdf", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_old_decision_link_still_shows_the_decision(client, published_award):
    client.force_login(published_award.applicant)
    response = client.get(f"/applications/{published_award.pk}/decision/", follow=True)
    assert response.redirect_chain == [
        (reverse("decisions_applicant:decision", args=[published_award.pk]), 308)
    ]
    assert "Łąka kwietna przy bibliotece" in response.text


def test_old_answer_form_still_accepts_the_award(client, published_award):
    """A decision page left open across the move still sends its form: 308 keeps the POST."""
    client.force_login(published_award.applicant)
    client.post(
        f"/applications/{published_award.pk}/decision/answer/", {"answer": "accept"}, follow=True
    )
    assert Decision.objects.get(application=published_award).accepted_at is not None


def test_old_results_link_still_shows_the_funded_projects(client, published_award):
    call = published_award.call
    response = client.get(f"/calls/{call.slug}/results/", follow=True)
    assert response.status_code == 200
    assert "Łąka kwietna przy bibliotece" in response.text

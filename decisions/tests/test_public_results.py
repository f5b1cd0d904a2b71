"""The public results page: funded projects only, only when the call publishes its results."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
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


@pytest.fixture
def decided(monkeypatch):
    monkeypatch.setattr("decisions.letters.render_letter_pdf", lambda *a, **k: b"%PDF-1.4 test")
    call = call_with_criteria(total_budget=Decimal("20000"))
    funded = accepted_application(call, texts={"title": "Łąka kwietna przy bibliotece"})
    refused = accepted_application(call, texts={"title": "Projekt bez grantu"})
    reviewers_in_pool(call, 2)
    assign_all(call)
    for assignment in ReviewAssignment.objects.filter(call=call):
        submit_review(assignment, {"Pomysł": 8, "Budżet": 4})
    coordinator = CoordinatorFactory()
    deadline_passes(call)
    decision_record(
        application=funded, outcome="awarded", amount=funded.requested_amount, by=coordinator
    )
    decision_record(
        application=refused, outcome="rejected", justification="Za mało szczegółów.", by=coordinator
    )
    return call, funded, refused, coordinator


def test_public_results_list_published_awards_only(client, decided):
    call, funded, refused, coordinator = decided
    url = reverse("decisions_public:results", args=[call.slug])
    assert client.get(url).status_code == 404  # the call doesn't publish results (yet)
    results_publish(call=call, by=coordinator, public_results=True)
    html = client.get(url).text
    assert "Łąka kwietna przy bibliotece" in html
    assert funded.applicant_name in html
    assert "Projekt bez grantu" not in html
    assert refused.applicant_name not in html


def test_public_results_run_a_fixed_number_of_queries(
    client, decided, django_assert_max_num_queries
):
    call, _funded, _refused, coordinator = decided
    results_publish(call=call, by=coordinator, public_results=True)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("decisions_public:results", args=[call.slug]))
    assert response.status_code == 200


def test_my_applications_links_a_published_decision(client, decided):
    call, funded, _refused, coordinator = decided
    client.force_login(funded.applicant)
    decision_url = reverse("decisions_applicant:decision", args=[funded.pk])
    assert (
        decision_url not in client.get(reverse("applicants:my_applications")).text
    )  # not published yet
    results_publish(call=call, by=coordinator)
    assert decision_url in client.get(reverse("applicants:my_applications")).text

"""Reviewers of the call see the applicant's planned indicators; a reviewer of another call
sees nothing of the application."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from applicants.services import formal_check_record
from applicants.tests.builders import render_waiting_pdf_copies
from applicants.tests.test_indicators import PARTICIPANTS, call_requiring, pdf_text, submitted
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def declared_reviewer(call):
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    for assignment in ReviewAssignment.objects.filter(application__call=call):
        assignment_declare(assignment=assignment, impartial=True, by=reviewer)
    return reviewer


def test_reviewer_of_the_call_sees_the_indicators_and_a_reviewer_of_another_does_not(client):
    call = call_requiring(PARTICIPANTS, call=call_with_criteria(reviewers_per_application=1))
    application = submitted(call)
    formal_check_record(application=application, outcome="accepted", by=CoordinatorFactory())
    render_waiting_pdf_copies()
    other_call = call_with_criteria(reviewers_per_application=1)
    accepted_application(other_call)
    stranger = declared_reviewer(other_call)
    reviewer = declared_reviewer(call)
    assignment = ReviewAssignment.objects.get(application=application)
    url = reverse("reviews:assignment", args=[assignment.pk])

    client.force_login(reviewer)
    page = client.get(url).text
    pdf = client.get(reverse("reviews:application_pdf", args=[application.pk]))

    assert "Planowane wskaźniki" in page and PARTICIPANTS in page and "Trasa rajdu" in page
    assert f"{PARTICIPANTS} 40 osób" in pdf_text(pdf)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("reviews:application_pdf", args=[application.pk])).status_code == 404

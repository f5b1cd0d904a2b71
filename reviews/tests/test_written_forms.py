"""The reviewer reads the application's schedule with its dates in words."""

import pytest
from django.urls import reverse

from applicants.tests.test_written_forms import assert_schedule_in_words
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db


def test_schedule_dates_are_in_words_on_the_reviewers_page(client):
    call = call_with_criteria()
    accepted_application(call)
    reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.get()
    assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    client.force_login(assignment.reviewer)

    html = client.get(reverse("reviews:assignment", args=[assignment.pk])).text

    assert_schedule_in_words(html)

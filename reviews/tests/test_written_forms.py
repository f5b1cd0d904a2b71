"""Reviewers read dates in words: the application's schedule, and the day a review is due."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.tests.test_written_forms import assert_schedule_in_words
from core.deadlines import end_of_day
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare
from reviews.tasks import remind_reviewer
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


# --- Reviews due ---------------------------------------------------------------------------------


def test_reviews_due_on_a_chosen_day_end_at_2359_and_the_reviewer_reads_that_date(client):
    call = call_with_criteria()
    accepted_application(call)
    reviewers_in_pool(call, 2)
    client.force_login(CoordinatorFactory())

    response = client.post(
        reverse("review_manage:assignments", args=[call.pk]), {"due_at": "2099-06-30"}
    )

    assert response.status_code == 302
    assignments = ReviewAssignment.objects.all()
    assert {a.due_at for a in assignments} == {end_of_day(date(2099, 6, 30))}
    reviewer = assignments.first().reviewer
    client.force_login(reviewer)
    dashboard = client.get(reverse("reviews:dashboard")).text
    assert "30 czerwca 2099 r." in dashboard
    assert "23:59" not in dashboard


def test_review_reminder_names_the_day_the_review_is_due(client):
    call = call_with_criteria()
    accepted_application(call)
    reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.get()
    ReviewAssignment.objects.filter(pk=assignment.pk).update(due_at=end_of_day(date(2099, 6, 30)))

    remind_reviewer.call(assignment_id=assignment.pk)

    (email,) = mail.outbox
    assert "trzeba przesłać do 30 czerwca 2099 r.\n" in email.body
    assert "23:59" not in email.body


def test_an_extra_reviewer_is_due_at_the_end_of_a_day(client):
    call = call_with_criteria()
    application = accepted_application(call)
    reviewers_in_pool(call, 3)
    assign_all(call)
    ReviewAssignment.objects.update(due_at=timezone.now() + timedelta(hours=1))
    client.force_login(CoordinatorFactory())

    client.post(reverse("review_manage:extra_reviewer_add", args=[application.pk]))

    extra = ReviewAssignment.objects.order_by("-pk").first()
    assert extra.due_at == end_of_day(timezone.localdate() + timedelta(days=7))

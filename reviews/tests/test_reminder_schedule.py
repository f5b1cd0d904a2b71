"""The reminder queued with each assignment: two days before the review is due."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import default_task_backend

from accounts.tests.factories import CoordinatorFactory
from reviews.models import ReviewAssignment
from reviews.services import REMINDER_BEFORE_DUE, assignments_auto
from reviews.tests.builders import accepted_application, call_with_criteria, reviewers_in_pool


@pytest.fixture
def call_to_assign():
    call = call_with_criteria()
    accepted_application(call)
    reviewers_in_pool(call, 1)
    return call


@pytest.mark.django_db
def test_assignment_queues_its_reminder_for_two_days_before_it_is_due(
    call_to_assign, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    due_at = timezone.now() + timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        assignments_auto(call=call_to_assign, due_at=due_at, by=CoordinatorFactory())

    assignment = ReviewAssignment.objects.get()
    assert [
        (result.kwargs, result.task.run_after)
        for result in default_task_backend.results
        if result.task.name == "remind_reviewer"
    ] == [({"assignment_id": assignment.pk}, due_at - REMINDER_BEFORE_DUE)]


@pytest.mark.django_db
def test_assignment_sends_no_reminder_at_once_where_tasks_cannot_wait(
    call_to_assign, django_capture_on_commit_callbacks
):
    """The tests' queue runs tasks at once: the reminder is left out, not sent days early."""
    with django_capture_on_commit_callbacks(execute=True):
        assignments_auto(
            call=call_to_assign, due_at=timezone.now() + timedelta(days=14), by=CoordinatorFactory()
        )

    assert ReviewAssignment.objects.get().reminder_sent_at is None
    assert mail.outbox == []

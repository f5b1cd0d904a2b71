"""task_enqueue: the one way services queue a task, after the commit, by its path."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

from core.queue import task_enqueue

DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings):
    """What reaches the queue (a queue that keeps tasks and runs none)."""
    settings.TASKS = DROP_TASKS
    return default_task_backend.results


@pytest.mark.django_db
def test_task_enqueue_queues_only_once_the_transaction_commits(
    queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert task_enqueue("core.tasks.send_email", email_id=7) is True
        assert queued == []

    callbacks[0]()
    assert [(result.task.name, result.kwargs) for result in queued] == [
        ("send_email", {"email_id": 7})
    ]


@pytest.mark.django_db
def test_task_enqueue_passes_priority_and_run_after_to_the_queue(
    queued, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue("core.tasks.send_email", priority=-10, email_id=1)
        task_enqueue("core.tasks.send_email", run_after=later, email_id=2)

    assert [(r.kwargs, r.task.priority, r.task.run_after) for r in queued] == [
        ({"email_id": 1}, -10, None),
        ({"email_id": 2}, 0, later),
    ]


@pytest.mark.django_db
def test_task_enqueue_for_later_queues_nothing_where_tasks_run_at_once(
    settings, django_capture_on_commit_callbacks
):
    """The immediate backend would run a reminder now, days early: it is not queued at all."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = task_enqueue(
            "core.tasks.send_email", run_after=timezone.now() + timedelta(days=3), email_id=1
        )

    assert (queued, callbacks) == (False, [])


def test_task_enqueue_refuses_a_path_that_is_not_a_task_at_once():
    """A misspelt path fails in the service that names it, not later in a commit hook."""
    with pytest.raises(ImportError):
        task_enqueue("core.tasks.send_mail", email_id=1)


@pytest.mark.django_db
def test_task_enqueue_once_queues_a_task_once_per_transaction(
    queued, django_capture_on_commit_callbacks
):
    """A burst of changes in one transaction queues one task for each set of arguments."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(3):
            task_enqueue("core.tasks.send_email", once=True, email_id=1)
            task_enqueue("core.tasks.send_email", once=True, email_id=2)

    assert [result.kwargs for result in queued] == [{"email_id": 1}, {"email_id": 2}]


@pytest.mark.django_db
def test_task_enqueue_once_queues_again_after_its_savepoint_rolls_back(
    queued, django_capture_on_commit_callbacks
):
    """The task queued inside a part of the transaction that was undone is no longer queued:
    the next change queues it again."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                task_enqueue("core.tasks.send_email", once=True, email_id=1)
                raise RuntimeError("undone")
        except RuntimeError:
            pass
        task_enqueue("core.tasks.send_email", once=True, email_id=1)
        task_enqueue("core.tasks.send_email", once=True, email_id=1)

    assert [result.kwargs for result in queued] == [{"email_id": 1}]


@pytest.mark.django_db
def test_task_enqueue_once_queues_again_in_the_next_transaction(
    queued, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            task_enqueue("core.tasks.send_email", once=True, email_id=1)

    assert [result.kwargs for result in queued] == [{"email_id": 1}, {"email_id": 1}]

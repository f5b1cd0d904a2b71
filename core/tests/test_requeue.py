"""requeue_stuck_tasks: a task whose worker was killed runs again, and its letter is issued once."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from decisions.enums import DecisionOutcome, DecisionState, LetterReason, LetterState, OutboxState
from decisions.issuing import (
    letter_request_create,
    letter_request_issue,
    letter_request_transition,
    outbox_message_send,
)
from decisions.models import Decision, DecisionLetter, OutboxMessage
from decisions.tasks import issue_letter

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_queue(settings, tmp_path):
    """The real database queue (conftest runs tasks immediately), files in a temporary folder."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def requeue(*args: str) -> str:
    out = StringIO()
    call_command("requeue_stuck_tasks", *args, stdout=out)
    return out.getvalue()


def enqueued_as(status: str, *, started_minutes_ago: float | None, worker: str = "w1"):
    """A queued task (a letter for a decision that doesn't matter here) left in `status`."""
    result = issue_letter.enqueue(letter_request_id=0)
    started_at = (
        timezone.now() - timedelta(minutes=started_minutes_ago)
        if started_minutes_ago is not None
        else None
    )
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, started_at=started_at, worker_ids=[worker] if started_at else []
    )
    return DBTaskResult.objects.get(pk=result.id)


def killed_mid_task(decision: Decision) -> DBTaskResult:
    """The decision's letter task as a worker killed while running it leaves it.

    The task stays RUNNING; a request the worker had claimed stays ISSUING.
    """
    request = decision.letter_requests.get()
    if request.state == LetterState.QUEUED:
        letter_request_transition(request, LetterState.ISSUING)  # claimed, then the worker died
    result = DBTaskResult.objects.get(task_path="decisions.tasks.issue_letter")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
        worker_ids=["killed-worker"],
    )
    return DBTaskResult.objects.get(pk=result.id)


def published_award() -> Decision:
    """A published award whose letter is asked for: its task is in the queue."""
    coordinator = CoordinatorFactory()
    application = ApplicationFactory(status=ApplicationStatus.AWARDED)
    now = timezone.now()
    decision = Decision.objects.create(
        application=application,
        call=application.call,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        decided_by=coordinator,
        state=DecisionState.PUBLISHED,
        published_at=now,
        published_by=coordinator,
        acceptance_deadline=now + timedelta(days=14),
    )
    letter_request_create(decision=decision, reason=LetterReason.PUBLICATION, by=coordinator)
    return decision


def subprocess_database_url() -> str:
    """DATABASE_URL for a subprocess that must use this test run's database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_worker(tmp_path: Path, media_root: Path) -> subprocess.CompletedProcess:
    """`manage.py db_worker --batch` in its own process, as after a restart: runs what is queued."""
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "MIKROGRANTY_VAR_DIR": str(tmp_path / "worker"),
        "DJANGO_EMAIL": "file",
    }
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--worker-id",
            "after-requeue",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stored_files(media_root: Path) -> list[Path]:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def sent_messages(tmp_path: Path) -> int:
    mail_dir = tmp_path / "worker" / "mail"
    if not mail_dir.exists():
        return 0
    return sum(path.read_text().count("\nMessage-ID: ") for path in mail_dir.iterdir())


@pytest.mark.django_db
def test_requeue_stuck_tasks_puts_back_only_tasks_running_longer_than_the_timeout(
    database_queue,
):
    stuck = enqueued_as(TaskResultStatus.RUNNING, started_minutes_ago=45)
    busy = enqueued_as(TaskResultStatus.RUNNING, started_minutes_ago=5)
    done = enqueued_as(TaskResultStatus.SUCCESSFUL, started_minutes_ago=300)
    waiting = enqueued_as(TaskResultStatus.READY, started_minutes_ago=None)

    output = requeue()

    assert output.strip() == "Requeued 1 stuck task(s)."
    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.READY
    assert stuck.started_at is None
    assert stuck.worker_ids == ["w1"]  # the attempt that died stays on record
    assert DBTaskResult.objects.ready().filter(pk=stuck.pk).exists()  # workers will pick it up
    for untouched, status in (
        (busy, TaskResultStatus.RUNNING),
        (done, TaskResultStatus.SUCCESSFUL),
        (waiting, TaskResultStatus.READY),
    ):
        untouched.refresh_from_db()
        assert untouched.status == status


@pytest.mark.django_db
def test_requeue_stuck_tasks_takes_the_timeout_in_minutes(database_queue):
    task = enqueued_as(TaskResultStatus.RUNNING, started_minutes_ago=10)

    assert requeue("--older-than", "15").strip() == "Requeued 0 stuck task(s)."
    assert requeue("--older-than", "5").strip() == "Requeued 1 stuck task(s)."
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


@pytest.mark.django_db
def test_requeue_stuck_tasks_refuses_a_timeout_that_is_not_positive(database_queue):
    with pytest.raises(CommandError):
        requeue("--older-than", "0")


@pytest.mark.django_db(transaction=True)
def test_task_of_a_killed_worker_issues_its_letter_once_after_requeue(database_queue):
    media_root = database_queue / "media"
    decision = published_award()
    task = killed_mid_task(decision)  # killed before the letter was stored

    assert requeue().strip() == "Requeued 1 stuck task(s)."
    worker = run_worker(database_queue, media_root)

    assert worker.returncode == 0, worker.stdout + worker.stderr
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL, task.traceback
    assert task.worker_ids == ["killed-worker", "after-requeue"]
    letter = DecisionLetter.objects.get(decision=decision)
    assert task.return_value == letter.pk
    assert stored_files(media_root) == [media_root / letter.pdf.name]
    assert OutboxMessage.objects.get(letter=letter).state == OutboxState.SENT
    assert sent_messages(database_queue) == 1


@pytest.mark.django_db(transaction=True)
def test_task_killed_after_its_letter_was_issued_leaves_one_letter_after_requeue(
    database_queue,
):
    media_root = database_queue / "media"
    decision = published_award()
    # The worker stored the letter and e-mailed it, then died before marking the task done.
    letter = letter_request_issue(request_id=decision.letter_requests.get().pk)
    assert outbox_message_send(message_id=letter.message.pk)
    task = killed_mid_task(decision)
    files_before = stored_files(media_root)

    requeue()
    worker = run_worker(database_queue, media_root)

    assert worker.returncode == 0, worker.stdout + worker.stderr
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL, task.traceback
    assert task.return_value == letter.pk  # the letter already issued, returned as it is
    assert list(DecisionLetter.objects.filter(decision=decision)) == [letter]
    assert stored_files(media_root) == files_before == [media_root / letter.pdf.name]
    message = OutboxMessage.objects.get(letter=letter)
    assert (message.state, message.attempts) == (OutboxState.SENT, 1)
    assert sent_messages(database_queue) == 0  # the e-mail was claimed already: not sent again

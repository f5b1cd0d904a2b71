"""The worker's housekeeping: finished task rows are pruned wherever a worker runs."""

import subprocess
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tasks import housekeeping, housekeeping_schedule, send_email
from core.tests.support import BASE_DIR, manage_command, run_queued_tasks, worker_environment

HOUSEKEEPING = "core.tasks.housekeeping"
RETENTION_DAYS = 14


@pytest.fixture
def database_queue(settings):
    """The real database queue (conftest runs tasks immediately)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def task_row(status: str, *, age: timedelta) -> str:
    """A task (an e-mail nobody will send) that started `age` ago and, unless RUNNING, finished then."""
    result = send_email.enqueue(email_id=0)
    moment = timezone.now() - age
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status,
        started_at=moment,
        finished_at=None if status == TaskResultStatus.RUNNING else moment,
        worker_ids=["earlier-worker"],
    )
    return result.id


@pytest.mark.django_db(transaction=True)
def test_worker_prunes_finished_task_results_older_than_the_retention(database_queue, tmp_path):
    retention = timedelta(days=RETENTION_DAYS)
    old_success = task_row(TaskResultStatus.SUCCESSFUL, age=retention + timedelta(hours=1))
    old_failure = task_row(TaskResultStatus.FAILED, age=retention + timedelta(days=30))
    recent_success = task_row(TaskResultStatus.SUCCESSFUL, age=retention - timedelta(hours=1))
    recent_failure = task_row(TaskResultStatus.FAILED, age=timedelta(hours=1))
    still_running = task_row(TaskResultStatus.RUNNING, age=retention + timedelta(days=1))
    expired_session = SessionStore()
    expired_session.set_expiry(timezone.now() - timedelta(days=1))
    expired_session.create()
    env = {
        **worker_environment(tmp_path),
        "MIKROGRANTY_TASK_RESULT_RETENTION_DAYS": str(RETENTION_DAYS),
    }

    # What `make run` and each production worker run (here until the queue is empty).
    worker = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        manage_command("worker", "--batch", "--no-reload", "--no-startup-delay"),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert worker.returncode == 0, worker.stdout + worker.stderr
    left = set(DBTaskResult.objects.exclude(task_path=HOUSEKEEPING).values_list("id", flat=True))
    assert {str(pk) for pk in left} == {recent_success, recent_failure, still_running}
    assert old_success not in left and old_failure not in left
    runs = DBTaskResult.objects.filter(task_path=HOUSEKEEPING).order_by("enqueued_at")
    assert [run.status for run in runs] == [TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY]
    assert runs[0].return_value["task_results_pruned"] == 2
    assert runs[1].run_after > timezone.now() + timedelta(minutes=50)  # the next one, in an hour
    assert not Session.objects.filter(session_key=expired_session.session_key).exists()


@pytest.mark.django_db(transaction=True)
def test_housekeeping_keeps_exactly_one_run_waiting(database_queue):
    assert housekeeping_schedule() is True  # a worker starts
    assert housekeeping_schedule() is False  # a second worker starts

    run_queued_tasks()  # the run is due now: it runs and queues the next one

    waiting = DBTaskResult.objects.filter(task_path=HOUSEKEEPING, status=TaskResultStatus.READY)
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + timedelta(minutes=50)
    assert housekeeping_schedule() is False  # a worker restarting adds nothing


@pytest.mark.django_db(transaction=True)
def test_housekeeping_run_twice_by_racing_workers_leaves_one_run_waiting(database_queue):
    housekeeping.enqueue()
    housekeeping.enqueue()  # two workers started at the same moment

    run_queued_tasks()

    waiting = DBTaskResult.objects.filter(task_path=HOUSEKEEPING, status=TaskResultStatus.READY)
    assert waiting.count() == 1


def test_make_run_starts_the_worker_that_schedules_housekeeping():
    serve = (BASE_DIR / "scripts" / "serve.sh").read_text()

    assert "manage.py worker" in serve
    assert "db_worker" not in serve

"""What `manage.py worker` (the one `make run` starts beside the web server) prints."""

import subprocess

import pytest

from core.tasks import send_email
from core.tests.support import BASE_DIR, manage_command, worker_environment
from tests.probe_tasks import fail


@pytest.fixture
def database_queue(settings):
    """The real database queue (conftest runs tasks immediately)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker(tmp_path, *options: str) -> str:
    """Run the worker until the queue is empty; what it printed (stdout and stderr)."""
    worker = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        manage_command("worker", "--batch", "--no-reload", "--no-startup-delay", *options),
        cwd=BASE_DIR,
        env=worker_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    return worker.stdout + worker.stderr


@pytest.mark.django_db(transaction=True)
def test_worker_prints_failed_tasks_but_not_each_task_that_ran(database_queue, tmp_path):
    for _ in range(5):
        send_email.enqueue(email_id=0)  # no such e-mail: the task ends quietly
    fail.enqueue(number=7)

    printed = run_worker(tmp_path)

    assert "core.tasks.send_email" not in printed
    assert "path=tests.probe_tasks.fail state=FAILED" in printed
    assert "probe task 7 failed on purpose" in printed  # with its traceback
    assert "Starting worker" in printed
    assert len(printed.splitlines()) < 40


@pytest.mark.django_db(transaction=True)
def test_worker_prints_every_task_when_asked(database_queue, tmp_path):
    send_email.enqueue(email_id=0)

    printed = run_worker(tmp_path, "-v", "2")

    assert "path=core.tasks.send_email state=SUCCESSFUL" in printed

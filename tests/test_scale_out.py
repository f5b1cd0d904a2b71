"""Several task workers sharing one queue: each task runs exactly once, and every worker works.

Two real `manage.py db_worker` processes run against the test database, on
SQLite and, when DATABASE_URL points at it, on PostgreSQL (where they claim
tasks with SELECT … FOR UPDATE SKIP LOCKED). The rows they read must be
committed, so the tests use `transactional_db`. Both workers are up and polling
before the first task is queued, so neither can finish the work alone by
starting first.

The probe tasks record each run in a file and are not idempotent: a task run
twice shows as two lines. The letters are the real workload (a PDF each, ~0.2 s): 60 of
them, each a task both workers compete for, show a letter issued twice or lost as well as more
would (the double-run check at scale is the 200 probes'), in a third of the CI time that 200
took; MIKROGRANTY_SCALE_TEST_LETTERS sets another number (a longer run, or a quick local one).
"""

import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from core.tests.support import BASE_DIR, manage_command, worker_environment
from decisions.enums import DecisionOutcome, DecisionState, LetterReason, LetterState, OutboxState
from decisions.issuing import letter_request_create
from decisions.models import Decision, DecisionLetter, OutboxMessage
from grants.tests.factories import GrantCallFactory
from tests.probe_tasks import record_run

WORKERS = ("worker-1", "worker-2")
PROBES = 200
LETTERS = int(os.environ.get("MIKROGRANTY_SCALE_TEST_LETTERS", "60"))
ISSUE_LETTER = "decisions.tasks.issue_letter"
SEND_EMAIL = "decisions.tasks.send_decision_email"
UNFINISHED = [TaskResultStatus.READY, TaskResultStatus.RUNNING]


def wait_for(condition, *, what: str, workers: dict[str, subprocess.Popen], var_dir: Path):
    """Poll `condition` until it holds; fail with the workers' logs if one dies or 15 minutes pass."""
    give_up = time.monotonic() + 900
    while not condition():
        dead = [name for name, process in workers.items() if process.poll() is not None]
        if dead or time.monotonic() > give_up:
            pytest.fail(f"{what}: {dead or 'timed out'}\n{worker_logs(var_dir)}")
        time.sleep(0.2)


def worker_logs(var_dir: Path) -> str:
    return "\n".join(
        f"--- {path.name}\n{path.read_text()[-3000:]}" for path in sorted(var_dir.glob("*.log"))
    )


@pytest.fixture
def database_queue(settings, tmp_path):
    """The real database queue (conftest runs tasks immediately), files in a temporary folder."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def running_workers(database_queue):
    """Two `manage.py db_worker` processes on this test's database, up and polling; stopped after."""
    var_dir = database_queue / "workers"
    var_dir.mkdir()
    env = worker_environment(var_dir, media_root=database_queue / "media")
    workers = {}
    for worker_id in WORKERS:
        with (var_dir / f"{worker_id}.log").open("w") as log:  # the child keeps its own copy
            workers[worker_id] = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
                manage_command(
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.1",
                    "--worker-id",
                    worker_id,
                ),
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    try:
        for worker_id in WORKERS:
            log = var_dir / f"{worker_id}.log"
            wait_for(
                lambda log=log, worker_id=worker_id: (
                    f"Starting worker worker_id={worker_id}" in log.read_text()
                ),
                what="a worker did not start",
                workers=workers,
                var_dir=var_dir,
            )
        yield workers, var_dir
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # finishes its current task, then exits
        for process in workers.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_the_queue_is_empty(workers, var_dir) -> None:
    wait_for(
        lambda: not DBTaskResult.objects.filter(status__in=UNFINISHED).exists(),
        what="the queue was not emptied",
        workers=workers,
        var_dir=var_dir,
    )


def unsuccessful(results) -> str:
    failed = [r for r in results if r.status != TaskResultStatus.SUCCESSFUL]
    return (
        f"{len(failed)} not successful, e.g. {failed[0].status}: {failed[0].traceback}"
        if failed
        else ""
    )


@pytest.mark.django_db(transaction=True)
def test_workers_sharing_the_queue_run_each_task_exactly_once(database_queue, running_workers):
    workers, var_dir = running_workers

    for number in range(PROBES):
        record_run.enqueue(number=number)
    wait_until_the_queue_is_empty(workers, var_dir)

    runs = [
        line.split()
        for line in (database_queue / "media" / "probe-runs.log").read_text().splitlines()
    ]
    assert Counter(int(number) for number, _worker in runs) == dict.fromkeys(range(PROBES), 1)
    per_worker = Counter(worker for _number, worker in runs)
    assert set(per_worker) == set(WORKERS), per_worker  # both took a share
    results = list(DBTaskResult.objects.all())
    assert not unsuccessful(results), unsuccessful(results)
    # The queue's own record agrees: one claim per task, by the worker that ran it.
    claimed_by = {r.return_value: r.worker_ids for r in results}
    assert claimed_by == {int(number): [worker] for number, worker in runs}


def published_decisions(count: int) -> list[Decision]:
    """`count` published decisions in one call, half awards and half rejections, no letters yet.

    Rows made directly (a scale test, not a test of publishing): the services
    would render each application's PDF copy on the way. Each decision's letter
    is asked for through the service, which queues its task.
    """
    call = GrantCallFactory()
    coordinator = CoordinatorFactory()
    now = timezone.now()
    decisions = []
    for n in range(count):
        awarded = n % 2 == 0
        application = ApplicationFactory(
            call=call,
            status=ApplicationStatus.AWARDED if awarded else ApplicationStatus.REJECTED,
        )
        decisions.append(
            Decision(
                application=application,
                call=call,
                outcome=DecisionOutcome.AWARDED if awarded else DecisionOutcome.REJECTED,
                amount=application.requested_amount if awarded else None,
                justification="Uzasadnienie komisji.",
                decided_by=coordinator,
                state=DecisionState.PUBLISHED,
                published_at=now,
                published_by=coordinator,
                acceptance_deadline=now + timedelta(days=14) if awarded else None,
            )
        )
    decisions = Decision.objects.bulk_create(decisions)
    for decision in decisions:
        letter_request_create(decision=decision, reason=LetterReason.PUBLICATION, by=coordinator)
    return decisions


def sent_messages(mail_dir: Path) -> int:
    """Messages the file e-mail backend wrote (several may share a file: names are per second)."""
    return sum(path.read_text().count("\nMessage-ID: ") for path in mail_dir.iterdir())


@pytest.mark.django_db(transaction=True)
def test_workers_sharing_the_queue_issue_every_letter_exactly_once(database_queue, running_workers):
    workers, var_dir = running_workers
    decisions = published_decisions(LETTERS)  # their letter tasks are queued

    wait_until_the_queue_is_empty(workers, var_dir)  # the letters' tasks, then the e-mails'

    results = list(DBTaskResult.objects.all())
    assert not unsuccessful(results), unsuccessful(results)
    assert Counter(r.task_path for r in results) == {ISSUE_LETTER: LETTERS, SEND_EMAIL: LETTERS}
    assert all(len(r.worker_ids) == 1 for r in results)
    # Exactly one letter per decision, each a stored PDF, and one e-mail each.
    letters_per_decision = Counter(DecisionLetter.objects.values_list("decision_id", flat=True))
    assert letters_per_decision == dict.fromkeys((d.pk for d in decisions), 1)
    stored = list((database_queue / "media" / "letters").rglob("*.pdf"))
    assert len(stored) == LETTERS  # no orphan or duplicate file either
    assert set(Decision.objects.values_list("letter_state", flat=True)) == {LetterState.ISSUED}
    assert OutboxMessage.objects.filter(state=OutboxState.SENT, attempts=1).count() == LETTERS
    assert sent_messages(var_dir / "mail") == LETTERS
    letters_by_worker = Counter(r.worker_ids[0] for r in results if r.task_path == ISSUE_LETTER)
    assert set(letters_by_worker) == set(WORKERS), letters_by_worker

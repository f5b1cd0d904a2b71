"""Several task workers sharing one queue: every letter is issued once, and both workers work.

The workers are real `manage.py db_worker --batch` processes against the test
database, so the rows they read must be committed: the test uses
`transactional_db`. On PostgreSQL two workers run side by side and claim tasks
with SELECT … FOR UPDATE SKIP LOCKED; on SQLite (one machine, one writer at a
time) the same scenario runs with one worker process.

Each letter is a real PDF (~0.2 s), so the 200 letters take a while;
MIKROGRANTY_SCALE_TEST_LETTERS sets a smaller number for a quick local run.
"""

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from decisions.enums import DecisionOutcome, LetterReason, LetterState, OutboxState
from decisions.issuing import letter_request_create
from decisions.models import Decision, DecisionLetter, OutboxMessage
from grants.tests.factories import GrantCallFactory

BASE_DIR = Path(__file__).resolve().parents[1]
LETTERS = int(os.environ.get("MIKROGRANTY_SCALE_TEST_LETTERS", "200"))
ISSUE_LETTER = "decisions.tasks.issue_letter"
SEND_EMAIL = "decisions.tasks.send_decision_email"


def subprocess_database_url() -> str:
    """DATABASE_URL for a subprocess that must use this test run's database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(worker_id: str, *, media_root: Path, var_dir: Path) -> subprocess.Popen:
    """`manage.py db_worker --batch` in its own process: runs what is queued, then exits."""
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "MIKROGRANTY_VAR_DIR": str(var_dir),
        "DJANGO_EMAIL": "file",  # messages are written to var_dir/mail
    }
    with (var_dir / f"{worker_id}.log").open("w") as log:  # the child keeps its own copy
        return subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                worker_id,
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def sent_messages(mail_dir: Path) -> int:
    """Messages the file e-mail backend wrote (several may share a file: names are per second)."""
    return sum(path.read_text().count("\nMessage-ID: ") for path in mail_dir.iterdir())


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
                published_at=now,
                published_by=coordinator,
                acceptance_deadline=now + timedelta(days=14) if awarded else None,
            )
        )
    decisions = Decision.objects.bulk_create(decisions)
    for decision in decisions:
        letter_request_create(decision=decision, reason=LetterReason.PUBLICATION, by=coordinator)
    return decisions


@pytest.fixture
def database_queue(settings, tmp_path):
    """The real database queue (conftest runs tasks immediately), files in a temporary folder."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_workers_sharing_the_queue_issue_every_letter_exactly_once(database_queue):
    worker_count = 2 if connection.vendor == "postgresql" else 1
    decisions = published_decisions(LETTERS)  # their letter tasks are queued
    var_dir = database_queue / "workers"
    var_dir.mkdir()

    workers = [
        start_worker(f"worker-{n}", media_root=database_queue / "media", var_dir=var_dir)
        for n in range(1, worker_count + 1)
    ]
    try:
        exit_codes = [worker.wait(timeout=900) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:  # timed out: don't leave it running
                worker.kill()
                worker.wait()

    logs = "\n".join(path.read_text()[-3000:] for path in var_dir.glob("*.log"))
    assert exit_codes == [0] * worker_count, logs
    # Every task ran once, successfully: the letters' and, after them, the e-mails'.
    results = list(DBTaskResult.objects.all())
    unsuccessful = [r for r in results if r.status != TaskResultStatus.SUCCESSFUL]
    assert not unsuccessful, (
        f"{len(unsuccessful)} not successful, e.g. {unsuccessful[0].status}: {unsuccessful[0].traceback}"
    )
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
    # Both workers took a share of the work (with a handful of letters, set locally, the
    # first worker to start may finish them all before the second is up).
    letters_by_worker = Counter(r.worker_ids[0] for r in results if r.task_path == ISSUE_LETTER)
    if LETTERS >= 50:
        assert set(letters_by_worker) == {f"worker-{n}" for n in range(1, worker_count + 1)}

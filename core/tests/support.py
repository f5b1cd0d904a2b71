"""Helpers for tests that look at the whole database or run real task workers."""

import os
import sys
from pathlib import Path
from urllib.parse import quote

from django.contrib.sessions.models import Session
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

BASE_DIR = Path(__file__).resolve().parents[2]


def database_text() -> str:
    """Every value of every row of every table, as text, plus each session decoded.

    For asserting that something (a secret, a person's name) is stored nowhere:
    raw SQL over every table the database has, not only the ones with models.
    """
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (a table name from the database itself)
            for row in cursor.fetchall():
                lines.append(f"{table}: " + " | ".join(_as_text(value) for value in row))
    # Session data is signed base64: decode it, or a secret in it would not show.
    for session in Session.objects.all():
        lines.append(f"django_session decoded: {session.get_decoded()!r}")
    return "\n".join(lines)


def _as_text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def run_queued_tasks(worker_id: str = "test-worker") -> None:
    """Run every task that is due, as `manage.py db_worker --batch` does, in this process.

    Needs a transactional test (the worker commits and closes connections as in
    production). E-mails sent by the tasks land in django.core.mail.outbox.
    """
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def subprocess_database_url() -> str:
    """DATABASE_URL for a subprocess that must use this test run's database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(var_dir: Path, media_root: Path | None = None) -> dict[str, str]:
    """The environment of a `manage.py` subprocess working on this test run's database."""
    return {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_MEDIA_ROOT": str(media_root or var_dir / "media"),
        "MIKROGRANTY_VAR_DIR": str(var_dir),
        "DJANGO_EMAIL": "file",  # messages are written to var_dir/mail
    }


def manage_command(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]

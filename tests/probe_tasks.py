"""A task for tests of the queue itself: it records every run, so a task run twice shows."""

import time

from django.conf import settings
from django_tasks import task


@task(takes_context=True)
def record_run(context, *, number: int) -> int:
    """Append "<number> <worker id>" to MEDIA_ROOT/probe-runs.log (not idempotent, on purpose)."""
    time.sleep(0.01)  # about as long as a short real task, so that workers overlap
    worker_id = context.task_result.worker_ids[-1]
    log = settings.MEDIA_ROOT / "probe-runs.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as runs:  # one small O_APPEND write per run
        runs.write(f"{number} {worker_id}\n")
    return number


@task()
def fail(*, number: int) -> int:
    """Fail on purpose: a worker must say so."""
    raise RuntimeError(f"probe task {number} failed on purpose")

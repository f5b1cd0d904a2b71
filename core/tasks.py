"""Background tasks shared by every app: sending queued e-mail, and the worker's housekeeping."""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.enums import EmailState
from core.mail import InvalidEmailTransition, email_message, email_transition, emails_expire_unsent
from core.models import OutgoingEmail
from core.pdf_renders import rendered_pdf_render
from core.selectors import emails_to_retry
from core.signals import housekeeping_ran

logger = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL = timedelta(hours=1)


@task()
def render_stored_pdf(*, rendered_pdf_id: int) -> bool:
    """Render and store a PDF a page asked for (core.pdf_renders), once: whether this run rendered it."""
    return rendered_pdf_render(rendered_pdf_id=rendered_pdf_id) is not None


@task()
def send_email(*, email_id: int) -> bool:
    """Send the stored message `email_id` once; its text is erased when sent.

    Claims the message first (QUEUED or FAILED to SENDING), so of two workers
    running the task, or a retry after the message was sent, only one sends.
    """
    try:
        email = email_transition(OutgoingEmail(pk=email_id), EmailState.SENDING)
    except (InvalidEmailTransition, OutgoingEmail.DoesNotExist):
        return False  # sent, being sent, given up or erased already
    try:
        email_message(email).send()
    except Exception as exc:
        email_transition(email, EmailState.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    email_transition(email, EmailState.SENT)
    return True


@task()
def housekeeping() -> dict[str, int]:
    """Run every HOUSEKEEPING_INTERVAL in the worker (`manage.py worker` starts it).

    Deletes finished task rows older than TASK_RESULT_RETENTION (what
    django-tasks-db's `prune_db_task_results --queue-name '*'` does), gives up
    e-mails not sent within EMAIL_UNSENT_LIFETIME (erasing their text), queues
    failed e-mails again while they have attempts left, and deletes expired
    sessions (what `clearsessions` does). The next run is queued first, so one
    failing step does not stop the schedule.
    """
    housekeeping_schedule(after=HOUSEKEEPING_INTERVAL)
    now = timezone.now()
    pruned, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - settings.TASK_RESULT_RETENTION)
        .delete()
    )
    expired = emails_expire_unsent()
    retried = 0
    for email_id in emails_to_retry().values_list("pk", flat=True):
        send_email.enqueue(email_id=email_id)
        retried += 1
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    # The apps' own periodic work (e.g. projects' reminders of missing signatures).
    for receiver, outcome in housekeeping_ran.send_robust(sender=None):
        if isinstance(outcome, Exception):
            logger.error("Housekeeping step %r failed", receiver, exc_info=outcome)
    return {"task_results_pruned": pruned, "emails_expired": expired, "emails_retried": retried}


def housekeeping_schedule(*, after: timedelta = timedelta(0)) -> bool:
    """Queue housekeeping to run `after` from now, unless a run is already waiting.

    Called by `manage.py worker` when it starts and by each run for the next
    one: however many workers start, one run waits in the queue (two workers
    starting at the same moment may queue two; the first of them to run sees
    the other waiting and does not queue a third). Only a queue that can run
    a task later is scheduled; returns whether a run was queued.
    """
    if not housekeeping.get_backend().supports_defer:
        return False  # e.g. the immediate backend: it would run the next one right now, for ever
    waiting = DBTaskResult.objects.filter(
        task_path=housekeeping.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    housekeeping.using(run_after=timezone.now() + after).enqueue()
    return True

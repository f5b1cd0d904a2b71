"""Put tasks whose worker died mid-task back in the queue.

django-tasks-db marks a task RUNNING when a worker claims it and never looks
at it again: if that worker is killed (out of memory, a machine lost, SIGKILL
during a deploy) the task stays RUNNING forever. Run this from cron or a
systemd timer, e.g. every 10 minutes. Our tasks are idempotent (a letter is
issued once per version, e-mails are claimed before they are sent), so running
one again after a crash is safe.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

DEFAULT_TIMEOUT_MINUTES = 30


class Command(BaseCommand):
    help = "Requeue database tasks that have been RUNNING for longer than --older-than minutes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_TIMEOUT_MINUTES,
            metavar="MINUTES",
            help=(
                "Requeue tasks started more than this many minutes ago "
                f"(default: {DEFAULT_TIMEOUT_MINUTES}). Make it longer than your slowest task."
            ),
        )

    def handle(self, *args, older_than: int, verbosity: int, **options):
        if older_than <= 0:
            raise CommandError("--older-than must be a positive number of minutes.")
        cutoff = timezone.now() - timedelta(minutes=older_than)
        stuck = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
        if verbosity >= 2:
            for task_id, task_path, started_at in stuck.values_list(
                "id", "task_path", "started_at"
            ):
                self.stdout.write(f"{task_id} {task_path} (started {started_at:%Y-%m-%d %H:%M})")
        # One UPDATE, conditional on the row still being RUNNING and old: a
        # task that finished meanwhile is left alone. worker_ids is kept: the
        # library appends to it on every claim, so it records every attempt,
        # including the one that died.
        requeued = stuck.update(status=TaskResultStatus.READY, started_at=None)
        self.stdout.write(f"Requeued {requeued} stuck task(s).")

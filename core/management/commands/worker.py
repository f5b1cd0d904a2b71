"""`manage.py worker`: the task worker (django-tasks-db's `db_worker`) with its housekeeping.

Takes the same options as `db_worker`. Before it starts taking tasks it makes
sure a housekeeping run is queued (core.tasks.housekeeping), which prunes old
task results, gives up unsendable e-mails and clears expired sessions, then
queues itself again an hour later. A queued task, not cron, so that wherever
the product runs a worker (`make run`, each production machine) the cleaning
happens, once for the whole queue however many workers share it.

At the default verbosity it says when it starts and every task that fails (with
its traceback), not each task that ran: `make run` shares its terminal with the
web server, and loading the demo alone queues a few hundred PDF copies and
e-mail tasks. `-v 2` logs every task again (and `-v 3` their queueing).
"""

import logging

from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.tasks import housekeeping_schedule


class Command(DbWorkerCommand):
    help = (
        "Run the database task worker (the options of db_worker), with the hourly "
        "housekeeping queued: old task results pruned, unsent e-mails expired, "
        "expired sessions cleared. Logs failed tasks; -v 2 logs every task."
    )

    def configure_logging(self, verbosity: int) -> None:
        # db_worker's levels one step later: its -v 1 (every task) is our -v 2.
        super().configure_logging(verbosity if verbosity <= 1 else verbosity - 1)
        if verbosity == 1:
            # Failures are logged with logger.exception (ERROR): they still show.
            logging.getLogger(TASKS_LOGGER).setLevel(logging.WARNING)

    def handle(self, *args, **options):
        housekeeping_schedule()
        super().handle(*args, **options)

"""`manage.py worker`: the task worker (django-tasks-db's `db_worker`) with its housekeeping.

Takes the same options as `db_worker`. Before it starts taking tasks it makes
sure a housekeeping run is queued (core.tasks.housekeeping), which prunes old
task results, gives up unsendable e-mails and clears expired sessions, then
queues itself again an hour later. A queued task, not cron, so that wherever
the product runs a worker (`make run`, each production machine) the cleaning
happens, once for the whole queue however many workers share it.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.tasks import housekeeping_schedule


class Command(DbWorkerCommand):
    help = (
        "Run the database task worker (the options of db_worker), with the hourly "
        "housekeeping queued: old task results pruned, unsent e-mails expired, "
        "expired sessions cleared."
    )

    def handle(self, *args, **options):
        housekeeping_schedule()
        super().handle(*args, **options)

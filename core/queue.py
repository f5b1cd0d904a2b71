"""The one way services queue a task: by its path, with ids and flags only."""

from datetime import datetime

from django.db import transaction
from django.utils.module_loading import import_string


def task_enqueue(
    task_path: str,
    /,
    *,
    priority: int | None = None,
    run_after: datetime | None = None,
    **arguments: int | bool | None,
) -> bool:
    """Queue the task at `task_path` once the current transaction commits; whether it was queued.

    Services name tasks by their dotted path, so they never import a tasks
    module (tasks import services). The queue keeps a task's arguments in plain
    text in its own table, readable by anyone with database access and not
    erased with the person they concern: they are ids and flags only. What a
    task needs beyond that (an e-mail's text, a note) is stored in our tables,
    where it can be erased, and the task reads it by id.

    `priority` and `run_after` go to the queue (so no task argument may bear
    those names). A task meant for later is not queued at all by a backend that
    can only run tasks at once (the immediate one, in tests): running it now
    would be wrong, so that returns False.
    """
    for name, value in arguments.items():
        if value is not None and not isinstance(value, int):  # bool is an int
            raise TypeError(
                f"{task_path}: argument {name!r} is a {type(value).__name__}; "
                "tasks take ids and flags, store anything else in a row and pass its id."
            )
    task = import_string(task_path)  # now, so that a wrong path fails in the service, not after
    if run_after is not None and not task.get_backend().supports_defer:
        return False
    task = task.using(priority=priority, run_after=run_after)
    transaction.on_commit(lambda: task.enqueue(**arguments))
    return True

"""The one way services queue a task: by its path, with ids and flags only."""

from django.db import transaction
from django.utils.module_loading import import_string


def task_enqueue(task_path: str, /, **arguments: int | bool | None) -> None:
    """Queue the task at `task_path` once the current transaction commits.

    Services name tasks by their dotted path, so they never import a tasks
    module (tasks import services). The queue keeps a task's arguments in plain
    text in its own table, readable by anyone with database access and not
    erased with the person they concern: they are ids and flags only. What a
    task needs beyond that (an e-mail's text, a note) is stored in our tables,
    where it can be erased, and the task reads it by id.
    """
    for name, value in arguments.items():
        if value is not None and not isinstance(value, int):  # bool is an int
            raise TypeError(
                f"{task_path}: argument {name!r} is a {type(value).__name__}; "
                "tasks take ids and flags, store anything else in a row and pass its id."
            )
    transaction.on_commit(lambda: import_string(task_path).enqueue(**arguments))

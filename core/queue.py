"""The one way services queue a task: by its path, with ids and flags only."""

from datetime import datetime

from django.db import transaction
from django.utils.module_loading import import_string


class _QueueAtCommit:
    """The commit hook that queues one task; it knows its task, arguments and transaction."""

    def __init__(self, task, key: tuple, arguments: dict):
        self.task = task
        self.key = key
        self.arguments = arguments

    def __call__(self) -> None:
        self.task.enqueue(**self.arguments)


def _transaction_key(connection) -> object | None:
    """What names the transaction a commit hook registered now belongs to (None: no transaction
    whose hooks `once` may share).

    In production that is the outermost atomic block. Tests run inside atomic blocks of their
    own (Django's TestCase marks them `_from_testcase`, as its durable check does) that never
    commit; there a service's outermost block of its own stands for the transaction, named by
    its savepoint, so a test sees what production would.
    """
    for index, block in enumerate(connection.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            return "outermost" if index == 0 else connection.savepoint_ids[index - 1]
    return None


def _waiting_for_commit(connection, key: tuple) -> bool:
    """Whether a hook with this key (task, arguments, transaction) waits for the commit.

    Django replaces the list of commit hooks (`run_on_commit`) with a new one
    whenever it drops hooks (a commit, a rollback, a savepoint rolled back) and
    only appends to it otherwise; so the keys noted while the list is the same
    object are all still waiting, and a new list is read afresh once. A burst of
    changes in one transaction costs one look-up each, not a scan of every hook.
    """
    hooks = connection.run_on_commit
    noted = getattr(connection, "_queue_once_noted", None)
    if noted is None or noted[0] is not hooks:
        noted = (
            hooks,
            {hook.key for _savepoints, hook, _robust in hooks if isinstance(hook, _QueueAtCommit)},
        )
        connection._queue_once_noted = noted
    return key in noted[1]


def _note_waiting(connection, hook: _QueueAtCommit) -> None:
    noted = getattr(connection, "_queue_once_noted", None)
    if noted is not None and noted[0] is connection.run_on_commit:
        noted[1].add(hook.key)


def task_enqueue(
    task_path: str,
    /,
    *,
    priority: int | None = None,
    run_after: datetime | None = None,
    once: bool = False,
    **arguments: int | bool | None,
) -> bool:
    """Queue the task at `task_path` once the current transaction commits; whether it was queued.

    Services name tasks by their dotted path, so they never import a tasks
    module (tasks import services). The queue keeps a task's arguments in plain
    text in its own table, readable by anyone with database access and not
    erased with the person they concern: they are ids and flags only. What a
    task needs beyond that (an e-mail's text, a note) is stored in our tables,
    where it can be erased, and the task reads it by id.

    `priority`, `run_after` and `once` go to the queue (so no task argument may
    bear those names). A task meant for later is not queued at all by a backend
    that can only run tasks at once (the immediate one, in tests): running it now
    would be wrong, so that returns False. With `once`, the same task with the
    same arguments already queued by this transaction (and not rolled back) is
    not queued again: a task that brings something up to date, run after the
    commit, covers every change the transaction made (True: it is queued).
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
    connection = transaction.get_connection()
    in_transaction = _transaction_key(connection)
    key = (in_transaction, task_path, priority, run_after, tuple(sorted(arguments.items())))
    if once and in_transaction is not None and _waiting_for_commit(connection, key):
        return True
    hook = _QueueAtCommit(task, key, arguments)
    transaction.on_commit(hook)
    if in_transaction is not None:
        _note_waiting(connection, hook)
    return True

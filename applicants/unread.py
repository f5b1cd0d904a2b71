"""How many unread messages each of a person's applications has, for "My applications".

applicants can't import the conversations app (it comes after it in the pipeline), yet the
applicant's list shows unread messages beside each application. The conversations stage
registers a reader here in its AppConfig.ready(); the list asks it once for all it shows.
"""

from collections.abc import Callable, Iterable

# reader(*, user, application_ids) -> {application id: unread messages}, in one query
UnreadReader = Callable[..., dict[int, int]]

_readers: list[UnreadReader] = []


def register_unread_reader(reader: UnreadReader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def unread_messages_for(*, user, application_ids: Iterable[int]) -> dict[int, int]:
    """Unread messages for `user` among `application_ids` (theirs), by application id."""
    ids = list(application_ids)
    counts: dict[int, int] = {}
    if ids and user.is_authenticated:
        for reader in _readers:
            for pk, count in reader(user=user, application_ids=ids).items():
                counts[pk] = counts.get(pk, 0) + count
    return counts

"""Which rows of a call's parts applicants have used: answers, files, formal checks.

grants can't import the apps that use its parts (imports point back up the
pipeline), and answers are kept in JSON where no foreign key protects a row.
So each app that uses a part registers a counter here when it loads
(AppConfig.ready), and the call's services and pages ask through this module.
"""

from collections import Counter
from collections.abc import Callable, Collection

from grants.models import CallPart, GrantCall

# counter(call=…, pks=…) -> {pk: number of applications that use the row}
PartUsageCounter = Callable[..., dict[int, int]]

_COUNTERS: dict[type[CallPart], list[PartUsageCounter]] = {}


def register_part_usage(part_model: type[CallPart], counter: PartUsageCounter) -> None:
    """Add `counter` to those asked how many applications use rows of `part_model`."""
    counters = _COUNTERS.setdefault(part_model, [])
    if counter not in counters:
        counters.append(counter)


def call_part_usage(
    *, call: GrantCall, part_model: type[CallPart], pks: Collection[int]
) -> dict[int, int]:
    """How many applications use each of the rows `pks` of `call`; unused rows are left out.

    One query per registered counter, however many rows are asked about.
    """
    pks = [pk for pk in pks if pk is not None]
    usage: Counter[int] = Counter()
    if pks:
        for counter in _COUNTERS.get(part_model, []):
            usage.update(counter(call=call, pks=pks))
    return {pk: count for pk, count in usage.items() if count}

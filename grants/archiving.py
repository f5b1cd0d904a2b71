"""What must be settled before a call is archived, asked of the stages after grants.

grants can't import the apps that come after it (imports point back up the
pipeline). An app whose records archiving would leave half-way (e.g. awards
their applicants may still answer) registers a check here when it loads
(AppConfig.ready); call_archive and the archive page ask through this module.
"""

from collections.abc import Callable
from datetime import datetime

from grants.models import GrantCall

# check(call=…, now=…) -> what stops the call from being archived, in sentences for the coordinator
ArchiveCheck = Callable[..., list[str]]

_CHECKS: list[ArchiveCheck] = []


def register_archive_check(check: ArchiveCheck) -> None:
    """Add `check` to those asked before a call is archived."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def call_archive_problems(*, call: GrantCall, now: datetime) -> list[str]:
    """Why `call` can't be archived at `now` (empty when it can); one query or so per check."""
    return [problem for check in _CHECKS for problem in check(call=call, now=now)]

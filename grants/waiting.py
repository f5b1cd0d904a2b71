"""The coordinators' role for the "waiting for you" summaries (core.waiting).

What waits for coordinators is told by the stages that hold it (applicants,
reviews, decisions register their readers); grants only names the role and
its start page, /manage/.
"""

from accounts.rules import is_coordinator
from core.enums import Role
from core.waiting import register_role


def holds_coordinator_role(user) -> bool:
    return is_coordinator.test(user)


def register() -> None:
    register_role(Role.COORDINATOR, holds=holds_coordinator_role, start="manage_root")

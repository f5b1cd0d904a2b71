"""Who may do what with grant calls."""

import rules

from accounts.rules import is_coordinator


@rules.predicate
def is_public_call(user, call) -> bool:
    return call is not None and call.is_public


rules.add_perm("grants.manage_calls", is_coordinator)
rules.add_perm("grants.view_call", is_public_call | is_coordinator)
rules.add_perm("grants.manage_programme", is_coordinator)

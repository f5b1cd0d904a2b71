"""What the navigation needs to know about the user's roles, asked once per page."""

from django.utils.functional import SimpleLazyObject

from accounts.rules import is_coordinator
from accounts.two_factor import two_factor_enabled, two_factor_required


def roles(request) -> dict:
    user = getattr(request, "user", None)
    # Lazy: pages that don't show the navigation ask nothing. The rules predicate
    # reads the user's groups once (one query), where `perms.…` would also ask
    # Django's model backend for user and group permissions.
    return {
        "is_coordinator": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and is_coordinator.test(user))
        ),
        # Whether this person must use two-factor sign-in (coordinators, in production).
        "two_factor_required": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and two_factor_required(user=user))
        ),
        "two_factor_enabled": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and two_factor_enabled(user=user))
        ),
    }

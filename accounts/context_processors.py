"""What the navigation needs to know about the user's roles, asked once per page."""

from django.utils.functional import SimpleLazyObject

from accounts.rules import is_coordinator


def roles(request) -> dict:
    user = getattr(request, "user", None)
    # Lazy: pages that don't show the navigation ask nothing. The rules predicate
    # reads the user's groups once (one query), where `perms.…` would also ask
    # Django's model backend for user and group permissions.
    return {
        "is_coordinator": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and is_coordinator.test(user))
        )
    }

"""Who a signed-in person is to the pages, read once per request in one query: their groups
(what rules.is_group_member asks) and the flags later apps register (e.g. reviews: whether the
person has review work, which the navigation shows).

rules keeps a person's group names on the user object (`_group_names_cache`); accounts.User
computes that attribute on first use with roles_load(), every registered flag in the same
query, so a page that checks a permission and shows the navigation asks once, not twice.
"""

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db.models import CharField, F, Q, Value

from accounts.models import User

# name -> a condition on the person's own user row (a Q, or an expression such as Exists).
_FLAGS: dict[str, Callable[[object], object]] = {}
_GROUP, _FLAG = "g", "f"


def role_flag_register(name: str, condition: Callable[[object], object]) -> None:
    """Read whether `condition(user)` holds for the user's row together with their groups."""
    _FLAGS[name] = condition


def roles_load(user) -> tuple[set[str], set[str]]:
    """(group names, names of the registered flags that hold) of `user`, in one query."""

    def text(value):
        return Value(value, output_field=CharField())

    query = (
        Group.objects.filter(user=user)
        .order_by()
        .annotate(kind=text(_GROUP), label=F("name"))
        .values_list("kind", "label")
    )
    for name, condition in _FLAGS.items():
        holds = condition(user)
        flag = (
            User.objects.filter(pk=user.pk)
            .filter(holds if isinstance(holds, Q) else Q(holds))
            .order_by()
            .annotate(kind=text(_FLAG), label=text(name))
            .values_list("kind", "label")
        )
        query = query.union(flag, all=True)
    groups, flags = set(), set()
    for kind, label in query:
        (groups if kind == _GROUP else flags).add(label)
    return groups, flags


def role_flag(user, name: str) -> bool:
    """Whether the registered flag `name` holds for `user`: read with their groups, once."""
    user._group_names_cache  # noqa: B018 -- loads the groups and the flags together
    flags = getattr(user, "_role_flags", None)
    if flags is None:  # the groups were set without the flags (e.g. by hand)
        _, flags = roles_load(user)
        user._role_flags = flags
    return name in flags

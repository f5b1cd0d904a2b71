"""Who a signed-in person is to the pages, read once per request in one query: their groups
(what rules.is_group_member asks) and the flags later apps register (e.g. reviews: whether the
person has review work, which the navigation shows).

rules keeps a person's group names on the user object (`_group_names_cache`); accounts.User
computes that attribute on first use with roles_load(), every registered flag in the same
query, so a page that checks a permission and shows the navigation asks once, not twice.
"""

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db import connections, router
from django.db.models import CharField, F, Q, Value

from accounts.models import User

# name -> a condition on the person's own user row (a Q, or an expression such as Exists).
_FLAGS: dict[str, Callable[[object], object]] = {}
_GROUP, _FLAG = "g", "f"


def role_flag_register(name: str, condition: Callable[[object], object]) -> None:
    """Read whether `condition(user)` holds for the user's row together with their groups."""
    _FLAGS[name] = condition


def _roles_query(user):
    """The one query of roles_load: the user's groups, then one row per registered flag that holds."""

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
    return query


# Two ids no user has: the query is built for two made-up people who differ in everything, and
# its SQL kept with the places of the id (_USER_ID) when nothing else of them shows in it.
_STAND_INS = (-7_000_000_001, -7_000_000_002)
_USER_ID = object()
# (database alias, flag names) -> (sql, params with _USER_ID where the user's id goes), or None
# when a flag's condition reads more of the person than their id (built each time then).
_COMPILED: dict[tuple, tuple[str, tuple] | None] = {}


def _stand_in(pk: int, first: bool) -> User:
    return User(
        pk=pk,
        email=f"{-pk}@stand-in.invalid",
        full_name=str(pk),
        language="pl" if first else "en",
        is_staff=first,
        is_superuser=first,
        is_active=first,
    )


def _compiled_roles_query(alias: str) -> tuple[str, tuple] | None:
    """The query's SQL for any user, compiled once per process: building and compiling it costs
    more than running it. Kept only if the query depends on nothing but the user's id."""
    key = (alias, tuple(_FLAGS))
    if key not in _COMPILED:
        compiled = []
        for stand_in in _STAND_INS:
            query = _roles_query(_stand_in(stand_in, stand_in == _STAND_INS[0]))
            compiled.append(query.query.get_compiler(alias).as_sql())
        (sql, params), (other_sql, other_params) = compiled
        same_shape = sql == other_sql and len(params) == len(other_params)
        slots = tuple(
            _USER_ID if (mine, theirs) == _STAND_INS else mine
            for mine, theirs in zip(params, other_params, strict=False)
        )
        varies_elsewhere = any(
            mine != theirs and (mine, theirs) != _STAND_INS
            for mine, theirs in zip(params, other_params, strict=False)
        )
        _COMPILED[key] = (sql, slots) if same_shape and not varies_elsewhere else None
    return _COMPILED[key]


def roles_load(user) -> tuple[set[str], set[str]]:
    """(group names, names of the registered flags that hold) of `user`, in one query."""
    alias = router.db_for_read(Group)
    compiled = _compiled_roles_query(alias)
    if compiled is None:
        rows = _roles_query(user)
    else:
        sql, slots = compiled
        params = [user.pk if slot is _USER_ID else slot for slot in slots]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    groups, flags = set(), set()
    for kind, label in rows:
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

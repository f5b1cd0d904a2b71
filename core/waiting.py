"""What is waiting for a person: the "waiting for you" summaries of the start pages.

The work waiting for one person is spread over the stages: applications to
check (applicants), reviews overdue (reviews), letters that failed
(decisions)… and core imports no app. So each stage registers here, in its
AppConfig.ready():

- a role (`register_role`): how to tell whether a user holds it (one query at
  most) and the name of the role's start page;
- what it has waiting for a role (`register_waiting`): a reader that returns
  WaitingItems in a fixed number of queries (one or two), whatever the number
  of rows behind them.

`desk_for(user=…)` asks the readers of every role the user holds. After logging
in, everyone goes to /start/ (core.views.StartView), which sends them to the
start page of their most urgent role (`Desk.landing`); each start page shows
its own role's summary first and the person's other roles beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Role

# A deadline this close (or past) makes its role the one a person lands on.
URGENT_WITHIN = timedelta(days=7)
# Where the roles rank when nothing is urgent: the order of the pipeline's people.
ROLE_ORDER = (Role.COORDINATOR, Role.REVIEWER, Role.APPLICANT)
# The link from another role's start page to this role's.
START_LINKS = {
    Role.COORDINATOR: _("Go to coordination"),
    Role.REVIEWER: _("Go to My reviews"),
    Role.APPLICANT: _("Go to My applications"),
}


@dataclass(frozen=True)
class WaitingItem:
    """One piece of work waiting for a person, e.g. "3 applications to check" in one call.

    `deadline` is the moment by which the person must act (None when the work has
    no date of its own); `overdue` marks work whose date has passed.
    """

    text: str
    url: str
    context: str = ""  # what it is about: a call's or an application's title
    deadline: datetime | None = None
    overdue: bool = False


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    holds: Callable[..., bool]  # holds(user) -> bool, one query at most
    start: str  # the URL name of the role's start page
    default: bool = False  # the role of a person who holds no other


@dataclass
class RoleWork:
    """One of a person's roles and what is waiting for them in it."""

    role: Role
    start_url: str
    items: list[WaitingItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.role.label

    @property
    def start_link(self) -> str:
        return START_LINKS[self.role]

    @property
    def next_deadline(self) -> datetime | None:
        dates = [item.deadline for item in self.items if item.deadline is not None]
        return min(dates) if dates else None


@dataclass
class Desk:
    """Every role a person holds (in ROLE_ORDER), each with what is waiting in it."""

    roles: list[RoleWork]
    now: datetime

    def landing(self) -> RoleWork | None:
        """The role to start in: the one with the nearest deadline if one is close (or past),
        else the first role with anything waiting, else the first role held."""
        if not self.roles:
            return None
        urgent = [
            work
            for work in self.roles
            if work.next_deadline is not None and work.next_deadline - self.now <= URGENT_WITHIN
        ]
        if urgent:
            return min(urgent, key=lambda work: work.next_deadline)
        return next((work for work in self.roles if work.items), self.roles[0])

    def work(self, role: Role) -> RoleWork | None:
        return next((work for work in self.roles if work.role == role), None)

    def others(self, role: Role) -> list[RoleWork]:
        """The person's roles other than `role`, for a start page to show beside its own."""
        return [work for work in self.roles if work.role != role]


_roles: dict[Role, RoleSpec] = {}
_readers: dict[Role, list[Callable[..., list[WaitingItem]]]] = {}


def register_role(role: Role, *, holds: Callable[..., bool], start: str, default=False) -> None:
    """Register (or replace: ready() may run twice) how to tell who holds `role`, and its start page."""
    _roles[role] = RoleSpec(role=role, holds=holds, start=start, default=default)


def register_waiting(role: Role, reader: Callable[..., list[WaitingItem]]) -> None:
    """Add `reader(*, user, now) -> [WaitingItem]` to what is asked for `role`'s summary."""
    readers = _readers.setdefault(role, [])
    if reader not in readers:
        readers.append(reader)


def desk_for(*, user, now: datetime | None = None) -> Desk:
    """The roles `user` holds and what is waiting in each; a person holding none gets the default one.

    A fixed number of queries: one per role asked about and the readers' own
    (one or two each) for the roles held. The default role is asked about only when
    another is held: without one, the person has it anyway.
    """
    now = now or timezone.now()
    specs = [_roles[role] for role in ROLE_ORDER if role in _roles]
    others = {spec.role for spec in specs if not spec.default and spec.holds(user)}
    if others:
        held = [
            spec for spec in specs if spec.role in others or (spec.default and spec.holds(user))
        ]
    else:
        held = [spec for spec in specs if spec.default]
    roles = []
    for spec in held:
        items = [
            item for reader in _readers.get(spec.role, []) for item in reader(user=user, now=now)
        ]
        # Dated work first, soonest (or longest overdue) first; the rest as the readers gave it.
        items.sort(key=lambda item: (item.deadline is None, item.deadline or now))
        roles.append(RoleWork(role=spec.role, start_url=reverse(spec.start), items=items))
    return Desk(roles=roles, now=now)


# A count on a start page stops at this many and shows "99+": there is plenty waiting, and the
# page behind the link lists every one. Counting no further keeps the start page's cost the
# same however many applications or grants wait.
WAITING_CAP = 100


def capped_count(queryset: QuerySet) -> Func:
    """How many rows `queryset` (a `.values(…)` query correlated with OuterRef) returns, counting
    no further than WAITING_CAP: the database stops reading once it has found that many."""
    return Func(
        Subquery(queryset.order_by()[:WAITING_CAP]),
        template="(SELECT COUNT(*) FROM %(expressions)s AS capped)",
        output_field=IntegerField(),
    )


def waiting_count_shown(count: int) -> str:
    """A count from capped_count() as a start page shows it: the number, or "99+" at the cap."""
    return f"{WAITING_CAP - 1}+" if count >= WAITING_CAP else str(count)

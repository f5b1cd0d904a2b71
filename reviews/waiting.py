"""What the review stage has waiting for people (registered with core.waiting).

For reviewers: reviews to do with their due dates (overdue ones apart) and
invitations to join a call's pool. For coordinators: reviews overdue and
applications still short of reviewers. One query per reader.
"""

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.enums import Role
from core.waiting import WaitingItem, register_role, register_waiting
from grants.enums import REVIEWS_FROZEN_STATUSES
from grants.models import GrantCall
from reviews.models_ranking import RankingState
from reviews.selectors import (
    applications_short_of_reviewers,
    assignments_open,
    invitations_to_answer,
)
from reviews.standing import review_standing


def holds_reviewer_role(user) -> bool:
    """In a call's pool, with a live assignment, or invited to a pool (reviews.standing)."""
    return review_standing(user).is_reviewer


def reviewer_waiting(*, user, now) -> list[WaitingItem]:
    """Per call: reviews overdue and reviews to do, each with its nearest due date."""
    rows = (
        assignments_open()
        .filter(reviewer=user)
        .values("call_id", "call__title")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            overdue_since=Min("due_at", filter=Q(due_at__lt=now)),
            next_due=Min("due_at", filter=Q(due_at__gte=now)),
        )
        .order_by("call_id")
    )
    dashboard = reverse("reviews:dashboard")
    items = []
    for row in rows:
        url = f"{dashboard}#call-{row['call_id']}-heading"
        if row["overdue"]:
            text = ngettext(
                "%(count)d review overdue", "%(count)d reviews overdue", row["overdue"]
            ) % {"count": row["overdue"]}
            items.append(
                WaitingItem(
                    text=text,
                    url=url,
                    context=row["call__title"],
                    deadline=row["overdue_since"],
                    overdue=True,
                )
            )
        if due := row["total"] - row["overdue"]:
            text = ngettext("%(count)d review to do", "%(count)d reviews to do", due) % {
                "count": due
            }
            items.append(
                WaitingItem(
                    text=text, url=url, context=row["call__title"], deadline=row["next_due"]
                )
            )
    for invitation in invitations_to_answer(user=user, now=now).select_related("call"):
        items.append(
            WaitingItem(
                text=_("An invitation to review: join the pool of reviewers"),
                url=f"{dashboard}#invitations-heading",
                context=invitation.call.title,
                deadline=invitation.expires_at,
            )
        )
    return items


def coordinator_waiting(*, user, now) -> list[WaitingItem]:
    """Per call: reviews past their due date, and applications with fewer reviewers than the call asks."""
    overdue = (
        assignments_open()
        .filter(due_at__lt=now)
        .order_by()
        .values(call_pk=F("call_id"), call_title=F("call__title"))
        .annotate(kind=Value("overdue"), count=Count("pk"))
    )
    # Applications short of reviewers: the count the call's ranking snapshot stored at its
    # rebuild while it is current (every event that changes the count rebuilds it), counted
    # now only for a call whose snapshot is behind or never built: never stale, and flat.
    open_calls = Q(call__closes_at__lte=now) & ~Q(call__status__in=REVIEWS_FROZEN_STATUSES)
    current = RankingState.objects.filter(RankingState.CURRENT)
    stored = (
        current.filter(open_calls, short_of_reviewers__gt=0)
        .order_by()
        .values(call_pk=F("call_id"), call_title=F("call__title"))
        .annotate(kind=Value("short"), count=F("short_of_reviewers"))
    )
    # Counted per call (a subquery each, by the applications' (call, status) index) for the
    # calls behind only: a filter on the applications themselves would read every application
    # of the programme to find none, when every snapshot is current.
    short_now = (
        applications_short_of_reviewers()
        .filter(call=OuterRef("pk"))
        .order_by()
        .values("call")
        .annotate(count=Count("pk"))
        .values("count")
    )
    counted = (
        GrantCall.objects.filter(closes_at__lte=now)
        .exclude(status__in=REVIEWS_FROZEN_STATUSES)
        .exclude(pk__in=current.values("call_id"))
        .annotate(short_now=Subquery(short_now, output_field=IntegerField()))
        .order_by()
        .values(call_pk=F("pk"), call_title=F("title"))
        .annotate(kind=Value("short"), count=F("short_now"))
    )
    texts = {
        "overdue": lambda count: ngettext(
            "%(count)d review overdue", "%(count)d reviews overdue", count
        ),
        "short": lambda count: ngettext(
            "%(count)d application still needs reviewers",
            "%(count)d applications still need reviewers",
            count,
        ),
    }
    items = []
    # One query (both counts grouped by call, in a UNION); a call's items stay together: the
    # calls with reviews overdue first, then the others, each in the calls' order.
    rows = sorted(
        overdue.union(stored, counted, all=True),
        key=lambda row: (row["kind"] != "overdue", row["call_pk"]),
    )
    by_call: dict[int, list[WaitingItem]] = {}
    for row in rows:
        if not row["count"]:  # a call behind with no application short of reviewers
            continue
        by_call.setdefault(row["call_pk"], []).append(
            WaitingItem(
                text=texts[row["kind"]](row["count"]) % {"count": row["count"]},
                url=reverse("review_manage:assignments", kwargs={"pk": row["call_pk"]}),
                context=row["call_title"],
            )
        )
    for call_items in by_call.values():
        items.extend(call_items)
    return items


def register() -> None:
    register_role(Role.REVIEWER, holds=holds_reviewer_role, start="reviews:dashboard")
    register_waiting(Role.REVIEWER, reviewer_waiting)
    register_waiting(Role.COORDINATOR, coordinator_waiting)

"""What the applying stage has waiting for people (registered with core.waiting).

For applicants: drafts to submit before their call's deadline, and corrections
to send before theirs. For coordinators: applications waiting for the formal
check, new ones and corrected ones returned. One query per reader.
"""

from django.db.models import F, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.enums import ApplicationStatus
from applicants.models import Application
from core.enums import Role
from core.waiting import (
    WaitingItem,
    capped_count,
    register_role,
    register_waiting,
    waiting_count_shown,
)
from grants.enums import CallStatus
from grants.models import GrantCall


def holds_applicant_role(user) -> bool:
    """Anyone on an application's team, lead or editor (everyone else may still apply: the
    default role)."""
    return Application.objects.of_team(user).exists()


def applicant_waiting(*, user, now) -> list[WaitingItem]:
    """The drafts of the user's teams that can still be submitted, and the corrections that can
    still be sent (an editor sees them too: they write them with the lead)."""
    to_submit = Q(
        status=ApplicationStatus.DRAFT,
        call__status=CallStatus.OPEN,
        call__opens_at__lte=now,
        call__closes_at__gt=now,
    )
    to_correct = Q(status=ApplicationStatus.CORRECTION_REQUESTED, correction_deadline__gt=now)
    items = []
    for application in (
        Application.objects.of_team(user)
        .filter(to_submit | to_correct)
        .select_related("call")
        .only("id", "status", "title", "correction_deadline", "call__title", "call__closes_at")
    ):
        if application.is_draft:
            text = _("Finish and submit your draft “%(title)s”")
            deadline = application.call.closes_at
        else:
            text = _("Send the corrections to “%(title)s”")
            deadline = application.correction_deadline
        items.append(
            WaitingItem(
                text=text % {"title": application.display_title},
                url=application.get_absolute_url(),
                context=application.call.title,
                deadline=deadline,
            )
        )
    return items


def coordinator_waiting(*, user, now) -> list[WaitingItem]:
    """Per call: applications waiting for the formal check, new ones and corrected ones apart.

    One query: every call with its two counts, each a capped_count() (at most WAITING_CAP:
    "99+"), read from an index (the new ones: (call, status); the corrected ones: their own
    partial index), so that a count costs what WAITING_CAP rows cost however many wait."""
    submitted = Application.objects.filter(call=OuterRef("pk"), status=ApplicationStatus.SUBMITTED)
    corrected = Q(last_submitted_at__gt=F("first_submitted_at"))
    rows = (
        GrantCall.objects.order_by("closes_at", "pk")
        .values("pk", "title")
        .annotate(
            new=capped_count(submitted.exclude(corrected).values("pk")),
            corrected=capped_count(submitted.filter(corrected).values("pk")),
        )
    )
    items = []
    for row in rows:
        url = (
            reverse("applicants_manage:list", kwargs={"call_pk": row["pk"]})
            + "?"
            + urlencode({"status": ApplicationStatus.SUBMITTED.value})
        )
        if row["new"]:
            text = ngettext(
                "%(count)s application to check (formal check)",
                "%(count)s applications to check (formal check)",
                row["new"],
            )
            items.append(
                WaitingItem(
                    text=text % {"count": waiting_count_shown(row["new"])},
                    url=url,
                    context=row["title"],
                )
            )
        if row["corrected"]:
            text = ngettext(
                "%(count)s correction returned, to check again",
                "%(count)s corrections returned, to check again",
                row["corrected"],
            )
            items.append(
                WaitingItem(
                    text=text % {"count": waiting_count_shown(row["corrected"])},
                    url=url,
                    context=row["title"],
                )
            )
    return items


def register() -> None:
    register_role(
        Role.APPLICANT,
        holds=holds_applicant_role,
        start="applicants:my_applications",
        default=True,
    )
    register_waiting(Role.APPLICANT, applicant_waiting)
    register_waiting(Role.COORDINATOR, coordinator_waiting)

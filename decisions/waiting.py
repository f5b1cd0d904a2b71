"""What the decision stage has waiting for people (registered with core.waiting), and what it
tells applicants of their awards on "My applications" (applicants.awards).

For applicants: awards to accept or decline, with the date to answer by. For
coordinators: calls whose reviews are all in (ready for the committee's
decisions) and letters that failed. One query per reader.
"""

from django.db.models import Count, F, OuterRef, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.awards import AwardNote, register_award_reader
from applicants.enums import ApplicationStatus
from applicants.models import Application
from core.enums import Role
from core.formatting import format_money
from core.waiting import WaitingItem, register_waiting
from decisions.enums import DecisionOutcome, LetterState
from decisions.models import Decision
from grants.enums import CallStatus
from grants.models import GrantCall

# Applications that still hold the committee back: not yet checked, corrected or reviewed.
NOT_READY_STATUSES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.CORRECTION_REQUESTED,
        ApplicationStatus.ACCEPTED_FOR_REVIEW,
        ApplicationStatus.IN_REVIEW,
    }
)


def applicant_waiting(*, user, now) -> list[WaitingItem]:
    """The published awards of the user's teams still to be accepted or declined: the lead's
    to answer, the editors told that the lead answers."""
    return [
        WaitingItem(
            text=(
                _("Accept or decline the grant of %(amount)s for “%(title)s”")
                if decision.application.applicant_id == user.pk
                else _(
                    "Your team's lead accepts or declines the grant of %(amount)s for “%(title)s”"
                )
            )
            % {
                "amount": format_money(decision.amount),
                "title": decision.application.display_title,
            },
            url=reverse("decisions_applicant:decision", kwargs={"pk": decision.application_id}),
            context=decision.call.title,
            deadline=decision.acceptance_deadline,
        )
        for decision in Decision.objects.awaiting_answer(now)
        .filter(application__in=Application.objects.of_team(user))
        .select_related("application", "call")
        .only(
            "id",
            "amount",
            "acceptance_deadline",
            "application__id",
            "application__applicant_id",
            "application__title",
            "call__title",
        )
        .order_by("acceptance_deadline", "pk")
    ]


def calls_ready_for_decisions():
    """Calls in review whose every application is reviewed (or out of the running), at least
    one: (call_pk, call_title, call_closes_at) rows.

    Per call in review, a look at the applications' (call, status) index per status (is one
    reviewed? does one still hold the committee back?): never a count of the call's
    applications, whose number the page's cost would follow."""

    def one_in(status):
        return Subquery(
            Application.objects.filter(call=OuterRef("pk"), status=status)
            .order_by()
            .values("pk")[:1]
        )

    not_ready = {f"not_ready_{status}": one_in(status) for status in sorted(NOT_READY_STATUSES)}
    return (
        GrantCall.objects.filter(status=CallStatus.IN_REVIEW)
        .annotate(one_reviewed=one_in(ApplicationStatus.REVIEWED), **not_ready)
        .filter(one_reviewed__isnull=False, **{f"{name}__isnull": True for name in not_ready})
        .order_by()
        .values(call_pk=F("pk"), call_title=F("title"), call_closes_at=F("closes_at"))
    )


def coordinator_waiting(*, user, now) -> list[WaitingItem]:
    """Calls ready for the committee's decisions (in the order they closed), and letters that
    failed to be issued (per call). One query: both by call, in a UNION."""
    ready = calls_ready_for_decisions().annotate(kind=Value("ready"), count=Value(0))
    failed = (
        Decision.objects.filter(letter_state=LetterState.FAILED)
        .order_by()
        .values(
            call_pk=F("call_id"), call_title=F("call__title"), call_closes_at=F("call__closes_at")
        )
        .annotate(kind=Value("failed"), count=Count("pk"))
    )
    rows = list(ready.union(failed, all=True))
    items = [
        WaitingItem(
            text=_("All reviews are in: ready for the committee's decisions"),
            url=reverse("decisions:call", kwargs={"pk": row["call_pk"]}),
            context=row["call_title"],
        )
        for row in sorted(
            (row for row in rows if row["kind"] == "ready"),
            key=lambda row: (row["call_closes_at"], row["call_pk"]),
        )
    ]
    items += [
        WaitingItem(
            text=ngettext(
                "%(count)d letter failed to be issued",
                "%(count)d letters failed to be issued",
                row["count"],
            )
            % {"count": row["count"]},
            url=reverse("decisions:progress", kwargs={"pk": row["call_pk"]}),
            context=row["call_title"],
        )
        for row in sorted(
            (row for row in rows if row["kind"] == "failed"), key=lambda row: row["call_pk"]
        )
    ]
    return items


def award_notes(*, application_ids) -> dict[int, AwardNote]:
    """The published awards among `application_ids`: the amount, the date to accept by, the answer."""
    now = timezone.now()
    awards = (
        Decision.objects.published()
        .filter(application_id__in=application_ids, outcome=DecisionOutcome.AWARDED)
        .only(
            "id",
            "application_id",
            "amount",
            "state",
            "acceptance_deadline",
            "accepted_at",
            "declined_at",
        )
    )
    return {
        decision.application_id: AwardNote(
            amount=decision.amount,
            answer_url=reverse(
                "decisions_applicant:decision", kwargs={"pk": decision.application_id}
            ),
            accept_by=decision.acceptance_deadline,
            accepted_at=decision.accepted_at,
            declined_at=decision.declined_at,
            awaits_answer=not decision.is_answered
            and decision.acceptance_deadline is not None
            and decision.acceptance_deadline > now,
        )
        for decision in awards
    }


def register() -> None:
    register_waiting(Role.APPLICANT, applicant_waiting)
    register_waiting(Role.COORDINATOR, coordinator_waiting)
    register_award_reader(award_notes)

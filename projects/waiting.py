"""What the projects stage has waiting for people (core.waiting) and tells applicants of their
accepted awards on "My applications" (applicants.awards).

For grantees: what their grant needs from them (budget, bank account, signatories,
the signature before the deadline; later the report due soon or overdue, its
corrections, a return). For coordinators, per call: agreements to send,
countersignatures, payments due, bank account changes to confirm, reports to check
and settled grants to close.
One query per reader, read from the same annotations as the grants list.
"""

from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.awards import ProjectNote, register_project_reader
from applicants.models import Application
from core.enums import Role
from core.waiting import WaitingItem, register_waiting
from projects.enums import SIGNED_STATES, AgreementState, GrantState, ReportKind
from projects.models import Grant, Signatory
from projects.progress import GrantProgress, WaitingWhom, grantee_tasks, waiting_for
from projects.selectors import grants_with_progress, progress_from_row


def grantee_waiting(*, user, now) -> list[WaitingItem]:
    """The grants of the user's teams waiting for the grantee: what to give before the
    agreement, or to sign it (editors see them too; the lead or the signatories act)."""
    grants = grants_with_progress(
        Grant.objects.filter(application__in=Application.objects.of_team(user)).filter(
            state__in=[
                GrantState.AGREEMENT_TO_PREPARE,
                GrantState.AGREEMENT_SENT,
                GrantState.ACTIVE,
                GrantState.SETTLED,
            ]
        )
    ).order_by("signing_deadline", "pk")
    items = []
    for grant in grants:
        progress = progress_from_row(grant)
        waiting = waiting_for(progress)
        url = reverse("projects:grant", kwargs={"pk": grant.pk})
        if grant.state in (GrantState.ACTIVE, GrantState.SETTLED):
            if waiting.whom == WaitingWhom.GRANTEE:
                item = _second_half_item(grant, progress, url=url, now=now)
                if item is not None:
                    items.append(item)
        elif waiting.whom == WaitingWhom.GRANTEE:
            items.append(
                WaitingItem(
                    text=_("Your project needs: %(what)s")
                    % {"what": ", ".join(grantee_tasks(progress))},
                    url=url,
                    context=grant.title,
                )
            )
        elif waiting.whom == WaitingWhom.SIGNATORIES:
            deadline = grant.signing_deadline
            items.append(
                WaitingItem(
                    text=_("Sign the agreement for “%(title)s”") % {"title": grant.title},
                    url=url,
                    context=grant.reference_number,
                    deadline=deadline,
                    overdue=deadline is not None and deadline < now,
                )
            )
    return items


# A report is on the grantee's start page from this many days before it is due.
REPORT_SOON_DAYS = 14


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _second_half_item(grant, progress: GrantProgress, *, url: str, now) -> WaitingItem | None:
    """A grant under way or settled, as its grantee's start page lists it: the report's
    corrections, the report due soon or overdue, or the money to return."""
    title = {"title": grant.title}
    if progress.corrections_due_on is not None:
        deadline = _end_of(progress.corrections_due_on)
        text = _("Correct the report for “%(title)s”") % title
    elif progress.return_due_on is not None and grant.state == GrantState.SETTLED:
        deadline = _end_of(progress.return_due_on)
        text = _("Return the money left from “%(title)s”") % title
    elif progress.report_due_on is not None and progress.report_due_on <= (
        timezone.localdate() + timedelta(days=REPORT_SOON_DAYS)
    ):
        deadline = _end_of(progress.report_due_on)
        label = ReportKind(progress.report_owed or ReportKind.FINAL).label
        text = _("Submit the %(report)s for “%(title)s”") % {
            "report": str(label).lower(),
            **title,
        }
    else:
        return None
    return WaitingItem(
        text=text,
        url=url + "#reports",
        context=grant.reference_number,
        deadline=deadline,
        overdue=deadline < now,
    )


COORDINATOR_COUNTS = {
    # count name: the grants it counts (over grants_with_progress' annotations)
    "to_send": Q(state=GrantState.AGREEMENT_TO_PREPARE, waiting_whom=WaitingWhom.COORDINATOR),
    # Sent, and every signatory signed (or a signed file waits to be checked).
    "to_countersign": Q(state=GrantState.AGREEMENT_SENT, waiting_whom=WaitingWhom.COORDINATOR),
    "payments_due": Q(state__in=list(SIGNED_STATES), payments_due_count__gt=0),
    "account_changes": Q(has_account_change=True) & ~Q(state=GrantState.TERMINATED),
    "reports_to_check": Q(state=GrantState.ACTIVE, report_submitted=True),
    "to_close": Q(state=GrantState.SETTLED, waiting_whom=WaitingWhom.COORDINATOR)
    & Q(payments_due_count=0),
}


def _coordinator_text(name: str, count: int) -> str:
    texts = {
        "to_send": ngettext("%(count)d agreement to send", "%(count)d agreements to send", count),
        "to_countersign": ngettext(
            "%(count)d agreement to countersign", "%(count)d agreements to countersign", count
        ),
        "payments_due": ngettext(
            "%(count)d grant with a payment due", "%(count)d grants with a payment due", count
        ),
        "account_changes": ngettext(
            "%(count)d bank account change to confirm",
            "%(count)d bank account changes to confirm",
            count,
        ),
        "reports_to_check": ngettext(
            "%(count)d report to check", "%(count)d reports to check", count
        ),
        "to_close": ngettext("%(count)d grant to close", "%(count)d grants to close", count),
    }
    return texts[name] % {"count": count}


def coordinator_waiting(*, user, now) -> list[WaitingItem]:
    """Per call, the grants waiting for a coordinator: what to send, countersign, pay, confirm."""
    rows = (
        grants_with_progress(Grant.objects.exclude(state=GrantState.TERMINATED))
        .values("call_id", "call__title")
        .annotate(
            **{
                name: Count("pk", filter=condition)
                for name, condition in COORDINATOR_COUNTS.items()
            }
        )
        .order_by("call_id")
    )
    items = []
    for row in rows:
        for name in COORDINATOR_COUNTS:
            if row[name]:
                query = "?waiting=coordinator" if name != "account_changes" else ""
                page = "projects_manage:grants"
                if name == "reports_to_check":
                    page, query = "projects_manage:reports", "?show=to_check"
                items.append(
                    WaitingItem(
                        text=_coordinator_text(name, row[name]),
                        url=reverse(page, kwargs={"pk": row["call_id"]}) + query,
                        context=row["call__title"],
                    )
                )
    return items


def project_notes(*, application_ids) -> dict[int, ProjectNote]:
    """The funded projects of `application_ids`: the grantee's page and the state."""
    return {
        grant.application_id: ProjectNote(
            url=grant.get_absolute_url(),
            state_label=str(grant.get_state_display()),
            badge=grant.state_badge,
        )
        for grant in Grant.objects.filter(application_id__in=application_ids).only(
            "id", "application_id", "state"
        )
    }


def signatory_waiting(*, user, now) -> list[WaitingItem]:
    """Agreements of other people's grants that `user` is named to sign and hasn't signed yet
    (a group's member, an organisation's representative): linked to their account, or named
    by an address the account has confirmed."""
    confirmed = (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    signatories = (
        Signatory.objects.annotate(address=Lower("email"))
        .filter(
            Q(user=user) | Q(user__isnull=True, address__in=confirmed),
            grant__state=GrantState.AGREEMENT_SENT,
        )
        .exclude(grant__application__applicant=user)
        .exclude(signatures__agreement__state=AgreementState.SENT)
        .select_related("grant")
        .order_by("grant__signing_deadline", "pk")
    )
    return [
        WaitingItem(
            text=_("Sign the agreement for “%(title)s”") % {"title": signatory.grant.title},
            url=reverse("projects:sign", kwargs={"pk": signatory.grant_id}),
            context=signatory.grant.grantee_name,
            deadline=signatory.grant.signing_deadline,
            overdue=signatory.grant.signing_deadline is not None
            and signatory.grant.signing_deadline < now,
        )
        for signatory in signatories
    ]


def register() -> None:
    register_waiting(Role.APPLICANT, grantee_waiting)
    register_waiting(Role.APPLICANT, signatory_waiting)
    register_waiting(Role.COORDINATOR, coordinator_waiting)
    register_project_reader(project_notes)

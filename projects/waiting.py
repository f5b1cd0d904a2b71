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
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.awards import ProjectNote, register_project_reader
from applicants.models import Application
from core.enums import Role
from core.waiting import WaitingItem, register_waiting
from projects.enums import (
    SIGNED_STATES,
    AgreementState,
    BankAccountState,
    GrantState,
    PaymentState,
    ReportKind,
    ReportState,
)
from projects.models import BankAccount, Grant, Payment, Report, Signatory
from projects.progress import GrantProgress, WaitingWhom, grantee_tasks, waiting_for
from projects.selectors import grants_with_progress, progress_from_row

GRANTEE_STATES = (
    GrantState.AGREEMENT_TO_PREPARE,
    GrantState.AGREEMENT_SENT,
    GrantState.ACTIVE,
    GrantState.SETTLED,
)


def grantee_waiting(*, user, now) -> list[WaitingItem]:
    """The grants of the user's teams waiting for the grantee: what to give before the
    agreement, or to sign it (editors see them too; the lead or the signatories act); and the
    agreements of other people's grants the user is named to sign (signatory_items()).

    One query, read from the person's own rows: their teams' grants and the signatories
    naming them (by their ids), never a scan of every grant."""
    team = Application.objects.of_team(user)
    of_team = Grant.objects.filter(application__in=team, state__in=GRANTEE_STATES)
    to_sign = _signatories_to_sign(user)
    grants = (
        grants_with_progress(
            Grant.objects.filter(
                pk__in=of_team.order_by()
                .values("pk")
                .union(to_sign.order_by().values("grant_id"), all=True)
            )
        )
        .annotate(
            is_team=Exists(team.filter(pk=OuterRef("application_id"))),
            to_sign=Exists(to_sign.filter(grant=OuterRef("pk"))),
        )
        .order_by("signing_deadline", "pk")
    )
    items, signing = [], []
    for grant in grants:
        if grant.to_sign:
            signing.append(_signatory_item(grant, now=now))
        if grant.is_team and grant.state in GRANTEE_STATES:
            item = _grantee_item(grant, now=now)
            if item is not None:
                items.append(item)
    return items + signing


def _grantee_item(grant, *, now) -> WaitingItem | None:
    progress = progress_from_row(grant)
    waiting = waiting_for(progress)
    url = reverse("projects:grant", kwargs={"pk": grant.pk})
    if grant.state in (GrantState.ACTIVE, GrantState.SETTLED):
        if waiting.whom == WaitingWhom.GRANTEE:
            return _second_half_item(grant, progress, url=url, now=now)
        return None
    if waiting.whom == WaitingWhom.GRANTEE:
        return WaitingItem(
            text=_("Your project needs: %(what)s") % {"what": ", ".join(grantee_tasks(progress))},
            url=url,
            context=grant.title,
        )
    if waiting.whom == WaitingWhom.SIGNATORIES:
        deadline = grant.signing_deadline
        return WaitingItem(
            text=_("Sign the agreement for “%(title)s”") % {"title": grant.title},
            url=url,
            context=grant.reference_number,
            deadline=deadline,
            overdue=deadline is not None and deadline < now,
        )
    return None


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


def _per_call(queryset, kind, *, grant: str = "") -> QuerySet:
    """How many grants of `queryset` (rows of Grant, or of a row that belongs to a grant through
    `grant`) wait in each call, as (call, call's title, kind, count) rows for a UNION; `kind` is
    a name, or an expression the rows are grouped by too."""
    prefix = f"{grant}__" if grant else ""
    return (
        queryset.order_by()
        .values(
            call_pk=F(f"{prefix}call_id"),
            call_title=F(f"{prefix}call__title"),
            counted=kind if not isinstance(kind, str) else Value(kind),
        )
        .annotate(count=Count(grant or "pk", distinct=bool(grant)))
    )


# The grants waiting for a coordinator, by their state: what that state's count is called.
COUNTED_BY_STATE = {
    GrantState.AGREEMENT_TO_PREPARE: "to_send",
    # Sent, and every signatory signed (or a signed file waits to be checked).
    GrantState.AGREEMENT_SENT: "to_countersign",
    # Settled, nothing to pay (the last instalment is counted with the payments due).
    GrantState.SETTLED: "to_close",
}


def _coordinator_counts() -> QuerySet:
    """Each count from its own narrow rows, so that its cost is that of what waits, never of
    every grant: the grants in the states where they can wait for a coordinator (the (state,
    call) index; whom each waits for worked out once, and only for them), and the rows that
    wait (a payment due, an account change, a submitted report: their state's index)."""
    waiting_grants = (
        grants_with_progress(Grant.objects.filter(state__in=list(COUNTED_BY_STATE)))
        .filter(waiting_whom=WaitingWhom.COORDINATOR)
        .exclude(state=GrantState.SETTLED, payments_due_count__gt=0)
    )
    parts = [
        _per_call(waiting_grants, F("state")),
        _per_call(
            Payment.objects.filter(state=PaymentState.DUE, grant__state__in=list(SIGNED_STATES)),
            "payments_due",
            grant="grant",
        ),
        _per_call(
            BankAccount.objects.filter(state=BankAccountState.PENDING).exclude(
                grant__state=GrantState.TERMINATED
            ),
            "account_changes",
            grant="grant",
        ),
        _per_call(
            Report.objects.filter(state=ReportState.SUBMITTED, grant__state=GrantState.ACTIVE),
            "reports_to_check",
            grant="grant",
        ),
    ]
    return parts[0].union(*parts[1:], all=True)


# The counts in the order a call's items are shown.
COORDINATOR_COUNTS = (
    "to_send",
    "to_countersign",
    "payments_due",
    "account_changes",
    "reports_to_check",
    "to_close",
)


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
    """Per call, the grants waiting for a coordinator: what to send, countersign, pay, confirm.
    One query (a UNION of the counts), whatever the number of grants that wait for nobody."""
    counts: dict[int, dict[str, int]] = {}
    titles: dict[int, str] = {}
    for row in _coordinator_counts():
        if row["count"]:
            kind = COUNTED_BY_STATE.get(row["counted"], row["counted"])
            counts.setdefault(row["call_pk"], {})[kind] = row["count"]
            titles[row["call_pk"]] = row["call_title"]
    items = []
    for call_id in sorted(counts):
        for name in COORDINATOR_COUNTS:
            if count := counts[call_id].get(name):
                query = "?waiting=coordinator" if name != "account_changes" else ""
                page = "projects_manage:grants"
                if name == "reports_to_check":
                    page, query = "projects_manage:reports", "?show=to_check"
                items.append(
                    WaitingItem(
                        text=_coordinator_text(name, count),
                        url=reverse(page, kwargs={"pk": call_id}) + query,
                        context=titles[call_id],
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


def _signatories_to_sign(user) -> QuerySet:
    """The signatories `user` is, on agreements of other people's grants sent and not signed
    yet (a group's member, an organisation's representative): linked to their account, or
    named by an address the account has confirmed."""
    confirmed = (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    return (
        Signatory.objects.annotate(address=Lower("email"))
        .filter(
            Q(user=user) | Q(user__isnull=True, address__in=confirmed),
            grant__state=GrantState.AGREEMENT_SENT,
        )
        .exclude(grant__application__applicant=user)
        .exclude(signatures__agreement__state=AgreementState.SENT)
    )


def _signatory_item(grant, *, now) -> WaitingItem:
    deadline = grant.signing_deadline
    return WaitingItem(
        text=_("Sign the agreement for “%(title)s”") % {"title": grant.title},
        url=reverse("projects:sign", kwargs={"pk": grant.pk}),
        context=grant.grantee_name,
        deadline=deadline,
        overdue=deadline is not None and deadline < now,
    )


def register() -> None:
    register_waiting(Role.APPLICANT, grantee_waiting)
    register_waiting(Role.COORDINATOR, coordinator_waiting)
    register_project_reader(project_notes)

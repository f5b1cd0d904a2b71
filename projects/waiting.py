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
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import core.waiting
from applicants.awards import ProjectNote, register_project_reader
from applicants.models import Application
from core.enums import Role
from core.waiting import WaitingItem, capped_count, register_waiting, waiting_count_shown
from grants.enums import CallStatus
from grants.models import GrantCall
from projects.enums import (
    SIGNED_STATES,
    AgreementState,
    BankAccountState,
    GrantState,
    PaymentState,
    ReportKind,
    ReportState,
    SignedDocumentState,
)
from projects.models import (
    BankAccount,
    Grant,
    Payment,
    Report,
    Signatory,
    Signature,
    SignedDocument,
)
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


# The grants waiting for a coordinator, by their state: what that state's count is called.
COUNTED_BY_STATE = {
    GrantState.AGREEMENT_TO_PREPARE: "to_send",
    # Sent, and every signatory signed (or a signed file waits to be checked).
    GrantState.AGREEMENT_SENT: "to_countersign",
    # Settled, nothing to pay (the last instalment is counted with the payments due).
    GrantState.SETTLED: "to_close",
}


def _coordinator_counts() -> QuerySet:
    """The calls in use, each with its counts (capped_count(): at most WAITING_CAP each, so that
    a count costs what WAITING_CAP rows cost, however many grants the call has): the grants of
    a state that wait for a coordinator (the (call, state) index, whom each waits for worked out
    only until the cap), and the grants with a row that waits (a payment due, an account
    change, a submitted report: their (state, grant) index)."""
    waiting_grants = (
        grants_with_progress(Grant.objects.filter(call=OuterRef("pk")))
        .filter(waiting_whom=WaitingWhom.COORDINATOR)
        .exclude(state=GrantState.SETTLED, payments_due_count__gt=0)
    )
    # An agreement waits to be countersigned only once someone signed it or a signed file came:
    # two cheap probes that spare the rest of the progress of the sent grants nobody signed yet.
    signed_some = Exists(
        Signature.objects.filter(agreement__grant=OuterRef("pk"), signatory__isnull=False)
    ) | Exists(
        SignedDocument.objects.filter(
            agreement__grant=OuterRef("pk"), state=SignedDocumentState.WAITING
        )
    )
    counts = {
        name: capped_count(
            waiting_grants.filter(
                Q(state=state) & (signed_some if state == GrantState.AGREEMENT_SENT else Q())
            ).values("pk")
        )
        for state, name in COUNTED_BY_STATE.items()
    }
    # The payments due in grant order, each grant looked up by its key (a join would read the
    # call's grants until the first one with a payment due).
    counts["payments_due"] = capped_count(
        Payment.objects.filter(state=PaymentState.DUE)
        .filter(
            Exists(
                Grant.objects.filter(
                    pk=OuterRef("grant_id"),
                    call=OuterRef(OuterRef("pk")),
                    state__in=list(SIGNED_STATES),
                )
            )
        )
        .values("grant_id")
        .distinct()
    )
    counts["account_changes"] = capped_count(
        BankAccount.objects.filter(state=BankAccountState.PENDING, grant__call=OuterRef("pk"))
        .exclude(grant__state=GrantState.TERMINATED)
        .values("grant_id")
        .distinct()
    )
    counts["reports_to_check"] = capped_count(
        Report.objects.filter(
            state=ReportState.SUBMITTED,
            grant__call=OuterRef("pk"),
            grant__state=GrantState.ACTIVE,
        )
        .values("grant_id")
        .distinct()
    )
    # The calls with a grant: each call's first grant in the (call, state) index's order, so
    # that the index is read, a few entries per call. (An EXISTS here becomes a join that reads
    # every grant of the programme, and an unordered first grant a scan of every grant for a
    # call with none.)
    first_grant = Grant.objects.filter(call=OuterRef("pk")).order_by("state").values("pk")[:1]
    return (
        GrantCall.objects.exclude(status=CallStatus.ARCHIVED)
        .annotate(first_grant=Subquery(first_grant))
        .filter(first_grant__isnull=False)
        .order_by("pk")
        .values("pk", "title")
        .annotate(**counts)
    )


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
        "to_send": ngettext("%(count)s agreement to send", "%(count)s agreements to send", count),
        "to_countersign": ngettext(
            "%(count)s agreement to countersign", "%(count)s agreements to countersign", count
        ),
        "payments_due": ngettext(
            "%(count)s grant with a payment due", "%(count)s grants with a payment due", count
        ),
        "account_changes": ngettext(
            "%(count)s bank account change to confirm",
            "%(count)s bank account changes to confirm",
            count,
        ),
        "reports_to_check": ngettext(
            "%(count)s report to check", "%(count)s reports to check", count
        ),
        "to_close": ngettext("%(count)s grant to close", "%(count)s grants to close", count),
    }
    return texts[name] % {"count": waiting_count_shown(count)}


# _coordinator_counts()'s SQL, compiled once per process: (database alias, vendor, cap) -> (sql, params).
_counts_compiled: dict[tuple, tuple[str, tuple]] = {}


def _coordinator_count_rows() -> list[dict]:
    """_coordinator_counts()'s rows. Its query holds no date and no person: it is the same for
    every request, and building and compiling it (six copies of the grants' progress
    annotations) takes ten times longer than running it. So it is compiled once per process
    (per database, and per cap: a test may lower it) and only run after that."""
    connection = connections[DEFAULT_DB_ALIAS]
    key = (connection.alias, connection.vendor, core.waiting.WAITING_CAP)
    if key not in _counts_compiled:
        _counts_compiled[key] = _coordinator_counts().query.sql_with_params()
    sql, params = _counts_compiled[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def coordinator_waiting(*, user, now) -> list[WaitingItem]:
    """Per call, the grants waiting for a coordinator: what to send, countersign, pay, confirm.
    One query (the calls in use with their counts, each capped at WAITING_CAP: "99+")."""
    items = []
    for call in _coordinator_count_rows():
        for name in COORDINATOR_COUNTS:
            if count := call[name]:
                query = "?waiting=coordinator" if name != "account_changes" else ""
                page = "projects_manage:grants"
                if name == "reports_to_check":
                    page, query = "projects_manage:reports", "?show=to_check"
                items.append(
                    WaitingItem(
                        text=_coordinator_text(name, count),
                        url=reverse(page, kwargs={"pk": call["pk"]}) + query,
                        context=call["title"],
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

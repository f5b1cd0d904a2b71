"""Reads of the reports: one report for its pages, and a call's reports for the coordinators'
list (due dates, states, overdue days) in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from grants.models import GrantCall
from projects.enums import REPORT_ACCEPTED_STATES, GrantState, ReportKind, ReportState
from projects.models import FinancialDocument, Grant, Report

# Grants that owe or owed a final report.
REPORTING_STATES = (GrantState.ACTIVE, GrantState.SETTLED, GrantState.CLOSED)

REPORT_FILTERS = {
    "overdue": _("Overdue"),
    "to_check": _("To check"),
    "corrections": _("Corrections requested"),
    "accepted": _("Accepted"),
}


def report_may_be_written(grant: Grant) -> bool:
    """Reports are written while the project is under way."""
    return grant.state == GrantState.ACTIVE


def report_kinds_of(
    grant: Grant,
) -> list[str]:
    """The reports the grant owes: the interim one when the call asks for it, and the final."""
    kinds = []
    if grant.interim_report_due_on is not None:
        kinds.append(ReportKind.INTERIM)
    kinds.append(ReportKind.FINAL)
    return kinds


def report_due_on(grant: Grant, kind: str):
    return grant.interim_report_due_on if kind == ReportKind.INTERIM else grant.final_report_due_on


def report_of_grant(*, grant: Grant, kind: str) -> Report | None:
    """The grant's report of `kind` (from the prefetched `reports` where the page has them)."""
    return next((r for r in grant.reports.all() if r.kind == kind), None)


def report_get_for_grantee(*, grant: Grant, kind: str) -> Report:
    return get_object_or_404(
        Report.objects.select_related("grant").prefetch_related("photos"), grant=grant, kind=kind
    )


def report_get_for_coordinator(*, pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related(
            "grant__call", "grant__application__applicant", "submitted_by"
        ).prefetch_related("photos", "changes__by"),
        pk=pk,
    )


def report_documents(report: Report) -> list[FinancialDocument]:
    """The grant's documents as they are now (the coordinator marks ineligible parts)."""
    return list(
        FinancialDocument.objects.filter(grant_id=report.grant_id, removed_at__isnull=True)
        .prefetch_related("allocations__budget_line")
        .order_by("issued_on", "pk")
    )


@dataclass(frozen=True)
class ReportRow:
    grant: Grant
    due_on: date | None
    state: str  # the final report's state, "" when not started
    state_label: str
    badge: str
    overdue_days: int
    report_id: int | None

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state == ReportState.SUBMITTED


def call_report_rows(*, call: GrantCall, show: str = "", today: date) -> list[ReportRow]:
    """The call's grants under way or settled, each with its final report's due date, state
    and overdue days; `show` narrows them (a key of REPORT_FILTERS). Two queries."""
    return report_rows(call_report_grants(call=call, show=show, today=today), today=today)


def _final_report(**states) -> Exists:
    return Exists(Report.objects.filter(grant=OuterRef("pk"), kind=ReportKind.FINAL, **states))


def call_report_grants(*, call: GrantCall, show: str = "", today: date) -> QuerySet[Grant]:
    """The call's grants under way or settled, by final report due date; `show` narrows them
    (a key of REPORT_FILTERS). Their final reports are read by report_rows, for the page's
    grants only (nothing is worked out per grant of the whole call)."""
    grants = Grant.objects.filter(call=call, state__in=REPORTING_STATES).order_by(
        "final_report_due_on", "reference_number", "pk"
    )
    if show == "overdue":
        grants = grants.filter(
            ~_final_report(state__in=[s for s in ReportState if s != ReportState.DRAFT]),
            state=GrantState.ACTIVE,
            final_report_due_on__lt=today,
        )
    elif show == "to_check":
        grants = grants.filter(_final_report(state=ReportState.SUBMITTED))
    elif show == "corrections":
        grants = grants.filter(_final_report(state=ReportState.CORRECTIONS))
    elif show == "accepted":
        grants = grants.filter(_final_report(state__in=list(REPORT_ACCEPTED_STATES)))
    return grants


def report_rows(grants, *, today: date) -> list[ReportRow]:
    """Grants of call_report_grants() (a page of them) as rows: due date, state, overdue days.
    One query: the final reports of these grants."""
    grants = list(grants)
    finals = {
        report.grant_id: report
        for report in Report.objects.filter(
            grant__in=[grant.pk for grant in grants], kind=ReportKind.FINAL
        ).only("pk", "grant_id", "state")
    }
    rows = []
    for grant in grants:
        final = finals.get(grant.pk)
        state = final.state if final is not None else ""
        owed = grant.state == GrantState.ACTIVE and state in ("", ReportState.DRAFT)
        due_on = grant.final_report_due_on
        overdue = (today - due_on).days if owed and due_on and due_on < today else 0
        rows.append(
            ReportRow(
                grant=grant,
                due_on=due_on,
                state=state,
                state_label=str(ReportState(state).label) if state else str(_("Not started")),
                badge=ReportState(state).badge if state else "text-bg-light border",
                overdue_days=overdue,
                report_id=final.pk if final is not None else None,
            )
        )
    return rows

from dataclasses import dataclass
from datetime import date

from django import template
from django.utils import timezone

from projects.enums import SIGNED_STATES, ReportKind, ReportState
from projects.models import Grant, Report
from projects.report_selectors import report_kinds_of, report_may_be_written, report_of_grant

register = template.Library()


@dataclass(frozen=True)
class ReportLine:
    kind: str
    label: str
    due_on: date | None
    report: Report | None
    may_write: bool
    overdue_days: int


@register.simple_tag
def grant_reports(grant: Grant) -> list[ReportLine]:
    """`{% grant_reports grant as reports %}`: the grant's reports with their due dates
    (reads the prefetched `reports`); none before the agreement is signed."""
    if grant.state not in SIGNED_STATES:
        return []
    today = timezone.localdate()
    lines = []
    for kind in report_kinds_of(grant):
        report = report_of_grant(grant=grant, kind=kind)
        due_on = (
            grant.interim_report_due_on if kind == ReportKind.INTERIM else grant.final_report_due_on
        )
        owed = report is None or report.state == ReportState.DRAFT
        lines.append(
            ReportLine(
                kind=kind,
                label=str(ReportKind(kind).label),
                due_on=due_on,
                report=report,
                may_write=report_may_be_written(grant),
                overdue_days=(today - due_on).days if owed and due_on and due_on < today else 0,
            )
        )
    return lines

"""Reminders of reports due: a week before the due date, the day after it, and every week
while it is overdue (four times at most), sent by the worker's housekeeping.

Idempotent: each reminder is a ReportReminder row (unique per grant, report, due date and
day), so the hourly housekeeping sends it once; a moved due date starts afresh.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from projects.enums import GrantState, ReportKind, ReportState
from projects.models import Grant, Report, ReportReminder
from projects.notices import grantee_notify

# Days from the due date (negative: before it).
REMINDER_DAYS = (-7, 1, 8, 15, 22)
# A report in these states needs no reminder (it is with the coordinator or done).
NOT_OWED_STATES = (
    ReportState.SUBMITTED,
    ReportState.CORRECTIONS,
    ReportState.ACCEPTED,
    ReportState.PARTIALLY_ACCEPTED,
)
DUE_FIELDS = {
    ReportKind.INTERIM: "interim_report_due_on",
    ReportKind.FINAL: "final_report_due_on",
}


def reminder_due(*, due_on: date, today: date) -> int | None:
    """Which reminder (days from the due date) is due `today`: the latest one reached, so a
    grant first seen late gets one reminder, not several."""
    offset = (today - due_on).days
    reached = [days for days in REMINDER_DAYS if days <= offset]
    if not reached or offset > REMINDER_DAYS[-1] + 6:
        return None
    return reached[-1]


def report_reminders_send(*, today: date | None = None) -> int:
    """Remind the grantees of reports due soon or overdue; returns how many were sent."""
    today = today or timezone.localdate()
    earliest = today - timedelta(days=REMINDER_DAYS[-1] + 6)
    latest = today - timedelta(days=REMINDER_DAYS[0])
    sent = 0
    for kind, field in DUE_FIELDS.items():
        grants = (
            Grant.objects.filter(
                state=GrantState.ACTIVE, **{f"{field}__gte": earliest, f"{field}__lte": latest}
            )
            .exclude(
                Exists(
                    Report.objects.filter(
                        grant=OuterRef("pk"), kind=kind, state__in=NOT_OWED_STATES
                    )
                )
            )
            .select_related("application__applicant", "call")
            .order_by("pk")
        )
        for grant in grants:
            due_on = getattr(grant, field)
            days = reminder_due(due_on=due_on, today=today)
            if days is None:
                continue
            try:
                with transaction.atomic():
                    ReportReminder.objects.create(grant=grant, kind=kind, due_on=due_on, days=days)
                    grantee_notify(
                        grant,
                        template="report_reminder",
                        kind=kind,
                        kind_label=ReportKind(kind).label,
                        due_on=due_on,
                        overdue_days=max(0, (today - due_on).days),
                    )
            except IntegrityError:
                continue  # reminded already
            sent += 1
    return sent


def housekeeping_report_reminders(sender=None, **kwargs) -> int:
    """Receiver of core.signals.housekeeping_ran."""
    return report_reminders_send()

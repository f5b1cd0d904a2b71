"""A grant's reports: the grantee writes and submits them; the coordinator checks them, asks
for corrections by a date, and accepts them in whole or in part.

Every state move goes through report_transition().
"""

from django.db import transaction
from django.utils import timezone

from core.states import InvalidMove
from projects.enums import REPORT_TRANSITIONS, ReportState
from projects.models import Report, ReportStateChange
from projects.signals import report_state_changed


class InvalidReportTransition(InvalidMove):
    subject = "A report"


@transaction.atomic
def report_transition(report: Report, to: str, *, by, note: str = "") -> Report:
    """Move `report` to `to`, record who did it and why, and tell the receivers of
    report_state_changed (the settlement follows an accepted final report).

    Submitting stamps who submitted and when; asking for corrections needs the
    message (`note`), kept on the report for the grantee.
    """
    locked = Report.objects.select_for_update().get(pk=report.pk)
    old = locked.state
    if to not in REPORT_TRANSITIONS[old]:
        raise InvalidReportTransition(old, to)
    update_fields = ["state", "updated_at"]
    if to == ReportState.SUBMITTED:
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        update_fields += ["submitted_at", "submitted_by"]
    elif to == ReportState.CORRECTIONS:
        if not note.strip():
            raise InvalidReportTransition(old, to, "a request for corrections says what")
        locked.correction_message = note
        update_fields.append("correction_message")
    locked.state = to
    locked.save(update_fields=update_fields)
    ReportStateChange.objects.create(report=locked, old_state=old, new_state=to, by=by, note=note)
    report_state_changed.send(
        sender=Report, report=locked, old_state=old, new_state=to, by=by, note=note
    )
    return locked

"""When a grant's reports are due: computed from the project's dates (as amended) and the
call's terms, and stored on the grant so lists can filter and sort by them.

Nothing else writes Grant.interim_report_due_on or final_report_due_on: the grant's
creation, an amendment that moves the end date and a change of the call's terms all
call grant_report_dates_refresh(), so the dates never drift from the agreement.
"""

from datetime import date, timedelta

from projects.enums import FINAL_GRANT_STATES
from projects.models import CallGrantTerms, Grant
from projects.selectors import call_terms

# The interim report is due this many days after the middle of the project.
INTERIM_DAYS_AFTER_MIDDLE = 14


def report_due_dates(
    *, starts_on: date | None, ends_on: date | None, terms: CallGrantTerms
) -> tuple[date | None, date | None]:
    """(interim, final) due dates; None where the call has no such report or the dates are
    unknown."""
    if ends_on is None:
        return None, None
    final = ends_on + timedelta(days=terms.final_report_days)
    interim = None
    if terms.interim_report and starts_on is not None and starts_on < ends_on:
        middle = starts_on + (ends_on - starts_on) / 2
        interim = middle + timedelta(days=INTERIM_DAYS_AFTER_MIDDLE)
    return interim, final


def grant_report_dates_refresh(*, grant: Grant, terms: CallGrantTerms | None = None) -> Grant:
    """Recompute and store `grant`'s report due dates (a no-op when they are unchanged)."""
    terms = terms if terms is not None else call_terms(grant.call)
    interim, final = report_due_dates(starts_on=grant.starts_on, ends_on=grant.ends_on, terms=terms)
    if (grant.interim_report_due_on, grant.final_report_due_on) != (interim, final):
        grant.interim_report_due_on, grant.final_report_due_on = interim, final
        grant.save(update_fields=["interim_report_due_on", "final_report_due_on", "updated_at"])
    return grant


def call_report_dates_refresh(*, terms: CallGrantTerms) -> int:
    """Recompute the report dates of every grant of the call still running; how many moved."""
    moved = 0
    for grant in Grant.objects.filter(call_id=terms.call_id).exclude(
        state__in=list(FINAL_GRANT_STATES)
    ):
        before = (grant.interim_report_due_on, grant.final_report_due_on)
        grant_report_dates_refresh(grant=grant, terms=terms)
        moved += before != (grant.interim_report_due_on, grant.final_report_due_on)
    return moved

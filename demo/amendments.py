"""Demo amendments: on the pilot call's grants under way, one notified change (a small shift
within the call's 10 %), one approved amendment with its annex PDF (a bigger shift), and one
request waiting for the coordinator (a later end date).

Each shift raises the first line's unit cost and pays for it with more own contribution on
the largest line, so the grant's share stays the award. Made through the services a
grantee and a coordinator use; a grant that has amendments already is left as it is.
"""

import logging
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError

from accounts.models import User
from grants.models import GrantCall
from projects.amendment_annex import amendment_annex_issue
from projects.amendment_requests import amendment_approve, amendment_request
from projects.enums import GrantState
from projects.models import Grant

logger = logging.getLogger(__name__)

PILOT = "pilot"  # the key of demo.programme's calls


def _shift(grant: Grant, share: str) -> tuple[list[dict], Decimal]:
    """Raise the first line by about `share` of its cost, paid by own contribution on the
    largest other line."""
    lines = list(grant.budget_lines.all())
    first, payer = lines[0], max(lines[1:], key=lambda line: line.total)
    step = (first.unit_cost * Decimal(share)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    extra = step * first.quantity
    return [
        {"id": first.pk, "unit_cost": first.unit_cost + step},
        {"id": payer.pk, "own_contribution": payer.own_contribution + extra},
    ], extra


def demo_amendments_load(*, calls: dict[str, GrantCall], coordinator: User) -> int:
    """Make the demo's amendments unless made before; how many were made."""
    from demo.projects import _story_at  # demo.projects calls this module

    call = calls.get(PILOT)
    if call is None:
        return 0
    grants = list(
        Grant.objects.filter(call=call, state=GrantState.ACTIVE)
        .select_related("application__applicant", "call")
        .prefetch_related("budget_lines")
        .order_by("reference_number")
    )
    # One grant's story: a notified shift, an approved amendment, and a request waiting.
    if not grants or any(grant.amendments.exists() for grant in grants):
        return 0
    notified = approved = waiting = grants[0]
    made = 0
    try:
        with _story_at(None):
            lines, _extra = _shift(notified, "0.05")
            amendment_request(
                grant=notified,
                by=notified.application.applicant,
                justification="Ceny materiałów wzrosły; różnicę dokładamy z wkładu własnego.",
                lines=lines,
            )
            made += 1
            approved.refresh_from_db()
            lines, _extra = _shift(approved, "0.30")
            requested = amendment_request(
                grant=approved,
                by=approved.application.applicant,
                justification=(
                    "Zgłosiło się dwa razy więcej uczestników: potrzebujemy więcej materiałów. "
                    "Sponsor lokalny dokłada resztę do warsztatów."
                ),
                lines=lines,
            )
            answered = amendment_approve(amendment=requested, by=coordinator)
            amendment_annex_issue(amendment_id=answered.pk)
            made += 1
            waiting.refresh_from_db()
            amendment_request(
                grant=waiting,
                by=waiting.application.applicant,
                justification="Sadzenie przesunęło się przez deszczową wiosnę; prosimy o miesiąc.",
                ends_on=(waiting.ends_on or call.opens_at.date()) + timedelta(days=31),
            )
            made += 1
    except ValidationError as error:  # a demo whose budgets don't allow the shift
        logger.warning("Demo amendments skipped: %s", " ".join(error.messages))
    return made

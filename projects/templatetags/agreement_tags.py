"""What the agreement panel shows, worked out from the grant the page already holds."""

from django import template

from projects.enums import PREPARING_STATES, AgreementState
from projects.progress import unfinished_agreement_request
from projects.readiness import (
    agreement_readiness,
    budget_from_grant,
    budget_is_reduced,
    grant_budget_editable,
)

register = template.Library()


@register.simple_tag
def agreement_panel(grant) -> dict:
    """The panel's facts: readiness problems, the budget's state, the agreement in force and the
    withdrawn versions. Reads the relations the grant pages prefetch (no query of its own)."""
    agreements = list(grant.agreements.all())
    current = next((a for a in agreements if a.state != AgreementState.WITHDRAWN), None)
    preparing = grant.state in PREPARING_STATES
    return {
        # Shown only while the agreement is prepared (its consents cost five queries).
        "problems": agreement_readiness(grant) if preparing else [],
        "reduced": budget_is_reduced(grant),
        "budget_editable": grant_budget_editable(grant),
        "budget_asked": budget_from_grant(grant),
        "current": current,
        # Sent and not yet signed: waiting for signatures, and the coordinator may withdraw it.
        "awaiting_signatures": current is not None and current.state == AgreementState.SENT,
        "preparing": preparing,
        # The coordinator pressed "Send": a task worker prepares it, or it failed (retry).
        "request": unfinished_agreement_request(grant) if preparing else None,
        "withdrawn": [a for a in reversed(agreements) if a.state == AgreementState.WITHDRAWN],
    }

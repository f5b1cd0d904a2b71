"""A grant's settlement: issued when its final report is accepted; the last instalment is
made due, or the money to return is asked for by a date and marked received.

Every state move goes through settlement_transition(), which also records a new
settlement in its first state.
"""

from datetime import date

from django.db import transaction

from core.states import InvalidMove
from projects.enums import SETTLEMENT_TRANSITIONS, SettlementState
from projects.models import Settlement, SettlementStateChange


class InvalidSettlementTransition(InvalidMove):
    subject = "A settlement"


@transaction.atomic
def settlement_transition(
    settlement: Settlement,
    to: str,
    *,
    by,
    note: str = "",
    received_on: date | None = None,
    reference: str = "",
) -> Settlement:
    """Move `settlement` to `to` and record it; an unsaved settlement is saved here in its
    first state (balanced, or a return due). A return is received on a date; a
    withdrawal says why."""
    if settlement.pk is None:
        locked, old = settlement, ""
    else:
        locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
        old = locked.state
    if to not in SETTLEMENT_TRANSITIONS[old]:
        raise InvalidSettlementTransition(old, to)
    locked.state = to
    update_fields = ["state"]
    if to == SettlementState.RETURN_RECEIVED:
        if received_on is None:
            raise InvalidSettlementTransition(old, to, "a return is received on a date")
        locked.return_received_on = received_on
        locked.return_reference = reference
        update_fields += ["return_received_on", "return_reference"]
    elif to == SettlementState.WITHDRAWN and not note.strip():
        raise InvalidSettlementTransition(old, to, "a withdrawal says why")
    if locked.pk is None:
        locked.save()
    else:
        locked.save(update_fields=update_fields)
    SettlementStateChange.objects.create(
        settlement=locked, old_state=old, new_state=to, by=by, note=note
    )
    return locked

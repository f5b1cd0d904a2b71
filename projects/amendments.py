"""Amendments ("aneks"): the grantee asks to change the budget, add a line, move the end date
or change the activities; a change within the call's tolerance is recorded at once as a
notified change, others wait for the coordinator's answer.

Every state move goes through amendment_transition(), which also records a new request.

`before` and `after` are kept in the shapes of an application version's content
({"budget": {"lines": [...], "total_cost", "own_contribution", "requested_amount"},
"schedule": [...], "starts_on", "ends_on"}; each line also carries its GrantBudgetLine's
"id", None for a line to add), so applicants.diff shows what changes. The tolerance is
measured from the budget the coordinator agreed to — the agreement's, or the last approved
amendment's — so notified shifts can't creep, one 10 % after another.

What follows a request is in projects.amendment_requests (request, answers, the annex).
"""

from django.db import transaction
from django.utils import timezone

from core.states import InvalidMove
from projects.enums import AMENDMENT_IN_FORCE_STATES, AMENDMENT_TRANSITIONS, AmendmentState
from projects.models import Amendment, AmendmentStateChange
from projects.signals import amendment_in_force


class InvalidAmendmentTransition(InvalidMove):
    subject = "An amendment"


ANSWERED_STATES = frozenset(
    {AmendmentState.APPROVED, AmendmentState.REFUSED, AmendmentState.NOTIFIED}
)


@transaction.atomic
def amendment_transition(amendment: Amendment, to: str, *, by, note: str = "") -> Amendment:
    """Move `amendment` to `to` and record who did it and why; an unsaved amendment is the
    grantee's new request, saved here in its first state (requested, or notified).

    A refusal needs a reason (`note`), kept as the answer the grantee reads. When the
    change comes into force (notified, approved) amendment_in_force is sent in this
    transaction, and its receivers apply it to the grant.
    """
    if amendment.pk is None:
        locked, old = amendment, ""
    else:
        locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
        old = locked.state
    if to not in AMENDMENT_TRANSITIONS[old]:
        raise InvalidAmendmentTransition(old, to)
    if to == AmendmentState.REFUSED and not note.strip():
        raise InvalidAmendmentTransition(old, to, "a refusal says why")
    locked.state = to
    if to in ANSWERED_STATES and old:
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.answer = note
    if locked.pk is None:
        locked.save()
    else:
        locked.save(update_fields=["state", "answered_by", "answered_at", "answer"])
    AmendmentStateChange.objects.create(
        amendment=locked, old_state=old, new_state=to, by=by, note=note
    )
    if to in AMENDMENT_IN_FORCE_STATES:
        amendment_in_force.send(sender=Amendment, amendment=locked, by=by)
    return locked

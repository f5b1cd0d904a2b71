"""Workshop mode: a call's few hours in which a whole room signs up from one network address.

A school's class behind one address would hit the per-address sign-up limit
(settings.ACCOUNT_RATE_LIMITS["signup_address"]). A coordinator opens workshop mode for a
call for up to MAX_WORKSHOP_HOURS; sign-ups that came through the call's workshop link
(grants.views.workshop.WorkshopJoinView) while it is open skip that limit, and only allauth's
ceiling ("signup") holds. Anyone else signing up meanwhile keeps the usual limit.

Writes (open, end, count a sign-up) and the reads the pages need.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import GrantCall, Workshop

MAX_WORKSHOP_HOURS = 8
# Where the workshop link leaves its mark: the browser's session, until it signs up.
WORKSHOP_SESSION_KEY = "workshop_id"


# --- Writes ------------------------------------------------------------------


@transaction.atomic
def workshop_open(*, call: GrantCall, by, hours: int) -> Workshop:
    """Open workshop mode for `call` from now for `hours` (1 to MAX_WORKSHOP_HOURS)."""
    call = GrantCall.objects.select_for_update().get(pk=call.pk)  # no twin opened meanwhile
    if not 1 <= hours <= MAX_WORKSHOP_HOURS:
        raise ValidationError(
            _("Workshop mode lasts from 1 to %(max)d hours.") % {"max": MAX_WORKSHOP_HOURS}
        )
    if call.is_archived:
        raise ValidationError(_("The call is archived: nothing in it can change."))
    if not call.is_public:
        raise ValidationError(_("Publish the call first: the workshop link leads to its page."))
    if Workshop.objects.filter(call=call).running().exists():
        raise ValidationError(_("Workshop mode is already on for this call."))
    now = timezone.now()
    workshop = Workshop(call=call, opened_by=by, opened_at=now, until=now + timedelta(hours=hours))
    workshop.full_clean()
    workshop.save()
    return workshop


@transaction.atomic
def workshop_end(*, workshop: Workshop, by) -> Workshop:
    """End a running workshop now (the record keeps who ended it and when)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not workshop.is_running():
        raise ValidationError(_("This workshop has already ended."))
    workshop.ended_at = timezone.now()
    workshop.ended_by = by
    workshop.save(update_fields=["ended_at", "ended_by"])
    return workshop


def workshop_sign_up_count(*, workshop_id: int) -> None:
    """One more account was made through the workshop's link."""
    Workshop.objects.filter(pk=workshop_id).update(sign_ups=F("sign_ups") + 1)


# --- Reads -------------------------------------------------------------------


def workshop_running_for_call(*, call: GrantCall) -> Workshop | None:
    return Workshop.objects.filter(call=call).running().select_related("opened_by").first()


def workshop_running_by_id(*, pk) -> Workshop | None:
    """The workshop with this id if it is open now (for a browser that came through its link)."""
    if not isinstance(pk, int):
        return None
    return Workshop.objects.running().filter(pk=pk).select_related("call").first()


def workshop_history(*, call: GrantCall, limit: int = 20) -> QuerySet[Workshop]:
    """The call's workshops, newest first, with who opened and ended them."""
    return (
        Workshop.objects.filter(call=call)
        .select_related("opened_by", "ended_by")
        .order_by("-opened_at", "-pk")[:limit]
    )

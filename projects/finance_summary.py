"""Keeping each call's finance summary current (projects.models.FinanceSummary).

Every write of a figure the summary sums (a grant made, moved or terminated, an
instalment planned, paid or cancelled, a settlement and its return, a financial
document added, changed or removed, and their parts) calls finance_changed() in
its own transaction: the receivers below follow every save and delete of those
rows, and the few bulk writes call it themselves. The finance page reads the
stored sums while they are current and recomputes them (with the same four
queries as ever) once after a change, storing them for the next reader.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.services import change_count
from projects.enums import SIGNED_STATES, GrantState, PaymentState, SettlementState
from projects.models import (
    DocumentAllocation,
    FinanceSummary,
    FinancialDocument,
    Grant,
    Payment,
    Settlement,
)

ZERO = Decimal("0.00")

# The fields of each row the summary sums: a save naming only other fields changes nothing.
SUMMED_FIELDS = {
    Grant: frozenset({"amount", "state", "call"}),
    Payment: frozenset({"amount", "state", "grant"}),
    Settlement: frozenset({"eligible", "awarded", "return_amount", "state", "grant"}),
    FinancialDocument: frozenset({"removed_at", "grant"}),
    DocumentAllocation: frozenset({"from_grant", "document"}),
}


def _money(amount) -> Decimal:
    """To the grosz (SQLite's sums come back without the trailing zeros)."""
    return Decimal(amount or ZERO).quantize(ZERO)


def finance_sums_now(*, call_id: int) -> dict:
    """The sums of the call's finance summary computed now, in four queries."""
    live = ~Q(state=GrantState.TERMINATED)
    grants = Grant.objects.filter(call_id=call_id).aggregate(
        awarded=Coalesce(Sum("amount", filter=live), ZERO),
        signed=Coalesce(Sum("amount", filter=Q(state__in=SIGNED_STATES)), ZERO),
        count=Count("pk", filter=live),
        closed=Count("pk", filter=Q(state=GrantState.CLOSED)),
    )
    spent = DocumentAllocation.objects.filter(
        document__grant__call_id=call_id, document__removed_at__isnull=True
    ).aggregate(total=Coalesce(Sum("from_grant"), ZERO))["total"]
    in_force = Settlement.objects.filter(grant__call_id=call_id).exclude(
        state=SettlementState.WITHDRAWN
    )
    settled = in_force.aggregate(
        eligible_total=Coalesce(Sum("eligible"), ZERO),
        awarded_total=Coalesce(Sum("awarded"), ZERO),
        returns=Coalesce(Sum("return_amount"), ZERO),
        due=Coalesce(Sum("return_amount", filter=Q(state=SettlementState.RETURN_DUE)), ZERO),
        received=Coalesce(
            Sum("return_amount", filter=Q(state=SettlementState.RETURN_RECEIVED)), ZERO
        ),
    )
    paid_rows = Payment.objects.filter(grant__call_id=call_id, state=PaymentState.PAID)
    payments = paid_rows.aggregate(
        paid=Coalesce(Sum("amount"), ZERO),
        paid_live=Coalesce(Sum("amount", filter=~Q(grant__state=GrantState.TERMINATED)), ZERO),
    )
    return {
        "awarded": _money(grants["awarded"]),
        "signed": _money(grants["signed"]),
        "grants": grants["count"],
        "closed": grants["closed"],
        "spent": _money(spent),
        "eligible": _money(settled["eligible_total"]),
        "settled_awarded": _money(settled["awarded_total"]),
        "returns": _money(settled["returns"]),
        "returns_due": _money(settled["due"]),
        "returns_received": _money(settled["received"]),
        "paid": _money(payments["paid"]),
        "paid_live": _money(payments["paid_live"]),
    }


def finance_sums(*, call_id: int) -> dict:
    """The sums of the call's finance summary: the stored ones while current, else computed now
    and stored (one query when current).

    The count of changes is read before computing, so a change committed meanwhile
    leaves the stored sums marked stale; two readers take turns for the short write,
    and an older computation never replaces a newer one.
    """
    state, _created = FinanceSummary.objects.get_or_create(call_id=call_id)
    if state.is_current:
        return state.sums()
    seen = state.changes
    sums = finance_sums_now(call_id=call_id)
    with transaction.atomic():
        locked = FinanceSummary.objects.select_for_update().get(call_id=call_id)
        if locked.built_at is None or locked.built_changes < seen:
            FinanceSummary.objects.filter(call_id=call_id).update(
                built_changes=seen, built_at=timezone.now(), **sums
            )
    return sums


def finance_changed(*, call_id: int | None, create: bool = True) -> None:
    """Count a change of the call's finance sums (in the caller's transaction).

    `create=False` (a row being deleted) only counts on a summary already stored: a call
    being deleted must not get a new one.
    """
    if call_id is not None:
        change_count(FinanceSummary, call_id=call_id, create=create)


def summed_row_call(instance) -> int | None:
    if isinstance(instance, Grant):
        return instance.call_id
    if isinstance(instance, DocumentAllocation):
        grants = FinancialDocument.objects.filter(pk=instance.document_id)
        return grants.values_list("grant__call_id", flat=True).first()
    return Grant.objects.filter(pk=instance.grant_id).values_list("call_id", flat=True).first()


# --- Receivers (connected in projects.apps) -----------------------------------------------------


def finance_follow_save(*, sender, instance, update_fields=None, **kwargs) -> None:
    """post_save of a summed row: its call's sums change (unless the save named other fields)."""
    if update_fields is not None and not SUMMED_FIELDS[sender] & set(update_fields):
        return
    finance_changed(call_id=summed_row_call(instance))


def finance_follow_delete(*, sender, instance, **kwargs) -> None:
    """post_delete of a summed row: its call's sums change."""
    finance_changed(call_id=summed_row_call(instance), create=False)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in SUMMED_FIELDS:
        post_save.connect(
            finance_follow_save, sender=model, dispatch_uid=f"finance_save_{model.__name__}"
        )
        post_delete.connect(
            finance_follow_delete, sender=model, dispatch_uid=f"finance_delete_{model.__name__}"
        )

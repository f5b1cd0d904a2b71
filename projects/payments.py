"""A grant's instalments: scheduled when the agreement is signed, due when their condition is
met, marked paid by coordinators (never twice, never above the award), cancelled when the
agreement is terminated.

Every state move goes through projects.services.payment_transition(). Marking paid locks
the grant's row first, so two coordinators (or two clicks) paying instalments of the same
grant take turns: the second sees the first's payment and is told it is already paid.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import format_money
from projects.bank_accounts import bank_account_in_use
from projects.enums import FINAL_GRANT_STATES, GrantState, PaymentCondition, PaymentState
from projects.instalments import instalment_plan
from projects.models import Grant, Payment
from projects.notices import grantee_notify
from projects.selectors import call_terms
from projects.services import grant_transition, payment_transition

UNPAID_STATES = frozenset({PaymentState.PLANNED, PaymentState.DUE})


class PaymentRefused(Exception):
    """A payment can't be marked paid; the message says why, for the coordinator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PaymentAlreadyPaid(PaymentRefused):
    """Someone (or an earlier click) marked it paid first."""


@transaction.atomic
def payments_schedule(*, grant: Grant, by=None) -> list[Payment]:
    """Create `grant`'s instalments from its call's terms and make those due on signing due.

    Scheduling twice returns the instalments that exist.
    """
    existing = list(Payment.objects.filter(grant=grant).order_by("number"))
    if existing:
        return existing
    plan = instalment_plan(grant.amount, call_terms(grant.call).advance_percent)
    payments = []
    for number, (amount, condition) in enumerate(plan, start=1):
        payment = Payment(grant=grant, number=number, amount=amount, condition=condition)
        payment.full_clean(exclude=["grant", "marked_paid_by"])
        payment.save()
        if condition == PaymentCondition.AGREEMENT_SIGNED:
            payment = payment_transition(payment, PaymentState.DUE, by=by)
        payments.append(payment)
    return payments


@transaction.atomic
def payments_due_after_report(*, grant: Grant, by) -> list[Payment]:
    """Make the instalments that wait for the final report due (the report was accepted)."""
    return [
        payment_transition(payment, PaymentState.DUE, by=by)
        for payment in Payment.objects.filter(
            grant=grant,
            condition=PaymentCondition.FINAL_REPORT_ACCEPTED,
            state=PaymentState.PLANNED,
        ).order_by("number")
    ]


@transaction.atomic
def payments_last_instalment_set(
    *, grant: Grant, amount: Decimal, by, note: str = ""
) -> list[Payment]:
    """Make `amount` the last instalment of `grant` (its settlement says so) and make it due.

    The amount is not a state: the instalment that waits for the final report (or,
    for a corrected settlement, the last one not paid yet) takes the new amount and
    is made due through payments_due_after_report(); any other instalment not paid
    yet is cancelled, and 0 cancels them all, so that the grant is never paid more
    than its settlement says. Returns the instalments still to pay.
    """
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < 0 or paid_total(grant=grant) + amount > grant.amount:
        raise PaymentRefused(
            _("The last instalment of %(reference)s can't be %(amount)s.")
            % {"reference": grant.reference_number, "amount": format_money(amount)}
        )
    unpaid = list(
        Payment.objects.select_for_update()
        .filter(grant=grant, state__in=UNPAID_STATES)
        .order_by("-number")
    )
    waiting = [p for p in unpaid if p.condition == PaymentCondition.FINAL_REPORT_ACCEPTED]
    keep = (waiting or unpaid or [None])[0] if amount > 0 else None
    for payment in unpaid:
        if payment != keep:
            payment_transition(payment, PaymentState.CANCELLED, by=by, note=note)
    if keep is None and amount > 0:
        number = (Payment.objects.filter(grant=grant).order_by("-number").first()).number + 1
        keep = Payment(
            grant=grant,
            number=number,
            amount=amount,
            condition=PaymentCondition.FINAL_REPORT_ACCEPTED,
        )
        keep.full_clean(exclude=["grant", "marked_paid_by"])
        keep.save()
    if keep is None:
        return []
    if keep.amount != amount:
        keep.amount = amount
        keep.save(update_fields=["amount"])
    if (
        keep.state == PaymentState.PLANNED
        and keep.condition != PaymentCondition.FINAL_REPORT_ACCEPTED
    ):
        payment_transition(keep, PaymentState.DUE, by=by, note=note)
    payments_due_after_report(grant=grant, by=by)
    return list(Payment.objects.filter(grant=grant, state__in=UNPAID_STATES).order_by("number"))


@transaction.atomic
def payments_cancel_unpaid(*, grant: Grant, by, note: str = "") -> list[Payment]:
    """Cancel every instalment of `grant` not paid yet (its agreement was terminated)."""
    return [
        payment_transition(payment, PaymentState.CANCELLED, by=by, note=note)
        for payment in Payment.objects.filter(grant=grant, state__in=UNPAID_STATES).order_by(
            "number"
        )
    ]


def payments_follow_grant(sender=None, *, grant: Grant, new_state: str, by, note="", **kwargs):
    """Receiver of projects.signals.grant_state_changed: schedule on signing, cancel on
    termination (in the grant's own transaction)."""
    if new_state == GrantState.SIGNED:
        payments_schedule(grant=grant, by=by)
    elif new_state == GrantState.TERMINATED:
        payments_cancel_unpaid(grant=grant, by=by, note=note)


def paid_total(*, grant: Grant) -> Decimal:
    return Payment.objects.filter(grant=grant, state=PaymentState.PAID).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")


@transaction.atomic
def payment_mark_paid(*, payment: Payment, by, paid_on: date, bank_reference: str = "") -> Payment:
    """Record that instalment `payment` was transferred on `paid_on` (reference from the bank).

    Raises PaymentAlreadyPaid when it is paid already, PaymentRefused when it is not due,
    the date is in the future, no account is in use, or the grant would be paid more than
    it was awarded. The first instalment paid starts the project (signed → active);
    the grantee gets an e-mail once this commits.
    """
    if paid_on > timezone.localdate():
        raise PaymentRefused(_("The date paid can't be in the future."))
    # The grant first: every payment of one grant is marked paid in turn.
    grant = Grant.objects.select_for_update().get(pk=payment.grant_id)
    current = Payment.objects.get(pk=payment.pk)
    if grant.state in FINAL_GRANT_STATES:
        message = (
            _("%(reference)s is closed: nothing more is paid.")
            if grant.state == GrantState.CLOSED
            else _("%(reference)s is terminated: nothing more is paid.")
        )
        raise PaymentRefused(message % {"reference": grant.reference_number})
    if current.state == PaymentState.PAID:
        raise PaymentAlreadyPaid(
            _("Instalment %(number)s of %(reference)s is already marked paid (on %(date)s).")
            % {
                "number": current.number,
                "reference": grant.reference_number,
                "date": current.paid_on.strftime("%d.%m.%Y"),
            }
        )
    if current.state != PaymentState.DUE:
        raise PaymentRefused(
            _("Instalment %(number)s of %(reference)s is not due (%(state)s).")
            % {
                "number": current.number,
                "reference": grant.reference_number,
                "state": current.get_state_display(),
            }
        )
    if paid_total(grant=grant) + current.amount > grant.amount:
        raise PaymentRefused(
            _("Paying instalment %(number)s would pay %(reference)s more than it was awarded.")
            % {"number": current.number, "reference": grant.reference_number}
        )
    account = bank_account_in_use(grant=grant)
    if account is None:
        raise PaymentRefused(
            _("%(reference)s has no bank account in use yet.")
            % {"reference": grant.reference_number}
        )
    paid = payment_transition(
        current,
        PaymentState.PAID,
        by=by,
        paid_on=paid_on,
        bank_reference=" ".join(bank_reference.split())[:100],
        paid_to_iban=account.iban,
    )
    if grant.state == GrantState.SIGNED:
        grant_transition(grant, GrantState.ACTIVE, by=by)
    grantee_notify(grant, template="payment_sent", payment=paid, account=account)
    return paid


@dataclass(frozen=True)
class BulkPaymentOutcome:
    paid: list[Payment]
    refused: list[tuple[Payment, str]]  # each with why, for the coordinator


def payments_mark_paid_bulk(
    *,
    payments: Iterable[Payment],
    by,
    paid_on: date,
    references: Mapping[int, str] | None = None,
) -> BulkPaymentOutcome:
    """Mark several instalments paid on one date, each with its own bank reference (by pk).

    Each instalment in its own transaction: one already paid (or refused) is reported and
    the others are still paid.
    """
    if paid_on > timezone.localdate():
        raise PaymentRefused(_("The date paid can't be in the future."))
    references = references or {}
    paid, refused = [], []
    for payment in payments:
        try:
            paid.append(
                payment_mark_paid(
                    payment=payment,
                    by=by,
                    paid_on=paid_on,
                    bank_reference=references.get(payment.pk, ""),
                )
            )
        except PaymentRefused as refusal:
            refused.append((payment, refusal.message))
    return BulkPaymentOutcome(paid=paid, refused=refused)

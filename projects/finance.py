"""Reads of a call's money: its instalments for the coordinators and the accountant, and the
finance summary. The pages and their downloads take their figures from here, so what is
on screen and what is exported are the same numbers."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from core.search import search_fold
from grants.models import GrantCall
from projects.enums import (
    BankAccountState,
    PaymentState,
)
from projects.finance_summary import _money, finance_sums
from projects.models import BankAccount, Payment

ZERO = Decimal("0.00")

# The payments list's filter: which instalments it shows ("" shows all).
PAYMENT_FILTERS = {
    "due": (pgettext_lazy("payments shown", "Due"), Q(state=PaymentState.DUE)),
    "paid": (pgettext_lazy("payments shown", "Paid"), Q(state=PaymentState.PAID)),
    "planned": (pgettext_lazy("payments shown", "Planned"), Q(state=PaymentState.PLANNED)),
    "cancelled": (pgettext_lazy("payments shown", "Cancelled"), Q(state=PaymentState.CANCELLED)),
    "all": (pgettext_lazy("payments shown", "All"), Q()),
}
DEFAULT_PAYMENT_FILTER = "due"


def payments_of_call(*, call: GrantCall, show: str = DEFAULT_PAYMENT_FILTER, query: str = ""):
    """The call's instalments for its payments page and the accountant's list.

    Each with its grant and `grant.accounts_in_use` (a list of at most one account),
    in two queries whatever the number of rows.
    """
    payments = Payment.objects.filter(grant__call=call).filter(
        PAYMENT_FILTERS.get(show, PAYMENT_FILTERS[DEFAULT_PAYMENT_FILTER])[1]
    )
    folded = search_fold(query)
    if folded:
        payments = payments.filter(grant__search_text__contains=folded)
    return (
        payments.select_related("grant")
        .prefetch_related(
            Prefetch(
                "grant__bank_accounts",
                queryset=BankAccount.objects.filter(state=BankAccountState.IN_USE),
                to_attr="accounts_in_use",
            )
        )
        .order_by("grant__reference_number", "grant_id", "number")
    )


def payment_account(payment: Payment) -> tuple[str, str]:
    """(IBAN, holder) the instalment goes (or went) to: the number it was paid to once paid,
    else the account in use now ("", "" when the grantee has given none)."""
    accounts = getattr(payment.grant, "accounts_in_use", None)
    if accounts is None:
        accounts = list(payment.grant.bank_accounts.filter(state=BankAccountState.IN_USE))
    account = accounts[0] if accounts else None
    if payment.state == PaymentState.PAID and payment.paid_to_iban:
        holder = account.holder_name if account and account.iban == payment.paid_to_iban else ""
        return payment.paid_to_iban, holder
    if account is None:
        return "", ""
    return account.iban, account.holder_name


def transfer_title(payment: Payment) -> str:
    """The title of the transfer, as the grantee will find it on their statement."""
    return _("%(reference)s – grant") % {"reference": payment.grant.reference_number}


def payment_list_headers() -> list[str]:
    return [
        _("Reference number"),
        _("Grantee"),
        _("Account number (IBAN)"),
        _("Account holder"),
        _("Transfer title"),
        _("Amount (zł)"),
        _("Instalment"),
        _("State"),
        _("Paid on"),
        _("Bank reference"),
    ]


def payment_list_rows(payments) -> list[list]:
    """One row per instalment for the accountant: text, the amount as Decimal, the date."""
    rows = []
    for payment in payments:
        iban, holder = payment_account(payment)
        rows.append(
            [
                payment.grant.reference_number,
                payment.grant.grantee_name,
                iban,
                holder,
                transfer_title(payment),
                payment.amount,
                payment.number,
                str(payment.get_state_display()),
                payment.paid_on,
                payment.bank_reference,
            ]
        )
    return rows


@dataclass(frozen=True)
class CallFinance:
    """A call's money in one place. Amounts in zł.

    awarded: the grants not terminated; signed: those whose agreement is signed;
    paid: every instalment paid (a terminated grant's advance too); to_pay: what the
    grants not terminated have not been paid yet (a settled grant: only its last
    instalment); budget_left: the call's budget less what is awarded; spent: what
    the grants' financial documents paid from the grants; eligible: what the
    settlements in force found eligible; returns_due / returns_received: the money
    the settlements ask back, not yet and already received; closed: grants closed.
    """

    total_budget: Decimal
    awarded: Decimal
    signed: Decimal
    paid: Decimal
    to_pay: Decimal
    budget_left: Decimal
    grants: int
    spent: Decimal = ZERO
    eligible: Decimal = ZERO
    returns_due: Decimal = ZERO
    returns_received: Decimal = ZERO
    closed: int = 0

    def rows(self) -> list[tuple[str, Decimal]]:
        """The figures in the order the page and the downloads show them."""
        return [
            (pgettext("finance summary", "Call budget"), self.total_budget),
            (pgettext("finance summary", "Awarded"), self.awarded),
            (pgettext("finance summary", "Signed"), self.signed),
            (pgettext("finance summary", "Paid"), self.paid),
            (pgettext("finance summary", "Still to pay"), self.to_pay),
            (pgettext("finance summary", "Budget left"), self.budget_left),
            (pgettext("finance summary", "Spent from the grants"), self.spent),
            (pgettext("finance summary", "Eligible in settlements"), self.eligible),
            (pgettext("finance summary", "Returns due"), self.returns_due),
            (pgettext("finance summary", "Returns received"), self.returns_received),
        ]


def call_finance(*, call: GrantCall) -> CallFinance:
    """The finance summary of `call`: its stored sums while current (one query), else the
    four queries whatever the number of grants (projects.finance_summary)."""
    sums = finance_sums(call_id=call.pk)
    total_budget = _money(call.total_budget)
    awarded = sums["awarded"]
    # A settled grant is owed what its settlement found eligible, not its award: what is
    # left to pay it is its last instalment (eligible − paid), or nothing when it returns.
    to_pay = (
        awarded - sums["paid_live"] - (sums["settled_awarded"] - sums["eligible"]) + sums["returns"]
    )
    return CallFinance(
        total_budget=total_budget,
        awarded=awarded,
        signed=sums["signed"],
        paid=sums["paid"],
        to_pay=to_pay,
        budget_left=total_budget - awarded,
        grants=sums["grants"],
        spent=sums["spent"],
        eligible=sums["eligible"],
        returns_due=sums["returns_due"],
        returns_received=sums["returns_received"],
        closed=sums["closed"],
    )

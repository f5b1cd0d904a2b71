"""What the grant page's account and payments panels read from a grant already fetched
(projects.selectors prefetches the accounts and payments): no query of their own."""

from dataclasses import dataclass

from django import template

from projects.enums import BankAccountState, PaymentCondition
from projects.instalments import instalment_plan
from projects.models import BankAccount, Grant, format_iban

register = template.Library()


@register.filter
def iban(value: str) -> str:
    """`{{ number|iban }}`: an account number in groups of four."""
    return format_iban(value or "")


@dataclass(frozen=True)
class GrantAccounts:
    in_use: BankAccount | None
    pending: BankAccount | None
    # The newest refused change, when it is the grantee's latest entry (they should hear why).
    refused: BankAccount | None


@register.simple_tag
def grant_accounts(grant: Grant) -> GrantAccounts:
    accounts = getattr(grant, "live_bank_accounts", None)
    if accounts is None:
        accounts = list(grant.bank_accounts.exclude(state=BankAccountState.REPLACED))
    by_state: dict[str, list[BankAccount]] = {}
    for account in accounts:  # newest first (the model's ordering)
        by_state.setdefault(account.state, []).append(account)
    in_use = (by_state.get(BankAccountState.IN_USE) or [None])[0]
    pending = (by_state.get(BankAccountState.PENDING) or [None])[0]
    refused = (by_state.get(BankAccountState.REFUSED) or [None])[0]
    newest = accounts[0] if accounts else None
    return GrantAccounts(
        in_use=in_use,
        pending=pending,
        refused=refused if refused is not None and refused is newest else None,
    )


@register.simple_tag
def planned_instalments(grant: Grant, terms) -> list[dict]:
    """The instalments the grant will have once signed, by the call's terms."""
    return [
        {"number": number, "amount": amount, "condition": PaymentCondition(condition).label}
        for number, (amount, condition) in enumerate(
            instalment_plan(grant.amount, terms.advance_percent), start=1
        )
    ]

"""What the grant page's settlement panel reads from a grant already fetched
(projects.selectors prefetches its settlements, payments and accounts): no query of its own."""

from dataclasses import dataclass, field

from django import template
from django.utils.translation import gettext as _

from core.formatting import format_money
from projects.enums import GrantState, PaymentState, SettlementState
from projects.models import Grant, Payment, Settlement

register = template.Library()

UNPAID = (PaymentState.PLANNED, PaymentState.DUE)


@dataclass
class SettlementPanel:
    shown: bool
    current: Settlement | None = None
    withdrawn: list[Settlement] = field(default_factory=list)
    last_instalment: Payment | None = None
    outstanding: list[str] = field(default_factory=list)
    can_close: bool = False
    can_withdraw: bool = False
    settled: bool = False
    closed: bool = False
    return_due: bool = False
    return_received: bool = False


@register.simple_tag
def settlement_panel(grant: Grant) -> SettlementPanel:
    if grant.state not in (GrantState.ACTIVE, GrantState.SETTLED, GrantState.CLOSED):
        return SettlementPanel(shown=False)
    settlements = sorted(grant.settlements.all(), key=lambda row: row.version, reverse=True)
    current = next((s for s in settlements if s.state != SettlementState.WITHDRAWN), None)
    unpaid = [p for p in grant.payments.all() if p.state in UNPAID]
    outstanding = [
        _("Instalment %(number)s (%(amount)s) is not paid yet.")
        % {"number": p.number, "amount": format_money(p.amount)}
        for p in unpaid
    ]
    if current is not None and current.state == SettlementState.RETURN_DUE:
        outstanding.append(_("The grantee's return is not received yet."))
    settled = grant.state == GrantState.SETTLED
    return SettlementPanel(
        shown=True,
        settled=settled,
        closed=grant.state == GrantState.CLOSED,
        return_due=current is not None and current.state == SettlementState.RETURN_DUE,
        return_received=current is not None and current.state == SettlementState.RETURN_RECEIVED,
        current=current,
        withdrawn=[s for s in settlements if s.state == SettlementState.WITHDRAWN],
        last_instalment=unpaid[-1] if unpaid else None,
        outstanding=outstanding,
        can_close=settled and current is not None and not outstanding,
        can_withdraw=settled
        and current is not None
        and current.state in (SettlementState.BALANCED, SettlementState.RETURN_DUE),
    )

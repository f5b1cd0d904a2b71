"""Each call's finance summary as last computed, and whether it is still current.

projects.finance.call_finance sums over every grant of the call; at thousands of
grants that costs more than a page may. The sums are kept here, one row per call
(projects.finance_summary keeps them current): every write that changes one of
them adds one to `changes` in its own transaction, and the page recomputes them
only when `built_changes` is behind.
"""

from decimal import Decimal

from django.db import models

from core.models import ChangeCounted
from grants.models import GrantCall

ZERO = Decimal("0.00")


def _money() -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)


class FinanceSummary(ChangeCounted):
    """The sums of a call's finance summary (the call's budget is read from the call)."""

    # The sums, in the names projects.finance_summary.finance_sums_now() gives them.
    SUMS = (
        "awarded",
        "signed",
        "grants",
        "closed",
        "spent",
        "eligible",
        "settled_awarded",
        "returns",
        "returns_due",
        "returns_received",
        "paid",
        "paid_live",
    )

    call = models.OneToOneField(
        GrantCall, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    awarded = _money()
    signed = _money()
    grants = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    spent = _money()
    eligible = _money()
    settled_awarded = _money()
    returns = _money()
    returns_due = _money()
    returns_received = _money()
    paid = _money()
    paid_live = _money()

    def sums(self) -> dict:
        return {name: getattr(self, name) for name in self.SUMS}


__all__ = ["FinanceSummary"]

"""Budget arithmetic, the same on the server as in the browser: totals, shares, rounding.

Every amount is a Decimal in złoty rounded to the grosz (0.01) half-up, the way
Polish accounting rounds. A line's total is quantity × unit cost, rounded once.
The requested amount is what the total cost leaves after the own contribution.
The own contribution's share is shown rounded down, so that it never reads as
meeting a rule it misses (9.9995% shows as 9,99%, not as 10,00%).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")


def to_grosze(value: Decimal) -> Decimal:
    return Decimal(value).quantize(GROSZ, rounding=ROUND_HALF_UP)


def line_total(quantity: Decimal | None, unit_cost: Decimal | None) -> Decimal:
    if quantity is None or unit_cost is None:
        return ZERO
    return to_grosze(Decimal(quantity) * Decimal(unit_cost))


@dataclass(frozen=True)
class BudgetTotals:
    total_cost: Decimal
    own_contribution: Decimal
    requested_amount: Decimal

    @property
    def own_share_percent(self) -> Decimal:
        """Own contribution as a percentage of the total cost, rounded down to two decimals.

        Rounded down, a share shown as at least the call's rule (two decimals) meets it,
        and one that misses it never shows as enough. 0 when there is no cost.
        """
        if self.total_cost <= 0:
            return ZERO
        return (self.own_contribution * 100 / self.total_cost).quantize(GROSZ, rounding=ROUND_DOWN)


def budget_totals(
    lines: Iterable[tuple[Decimal | None, Decimal | None, Decimal | None]],
) -> BudgetTotals:
    """Totals of (quantity, unit cost, own contribution) lines."""
    total = ZERO
    own = ZERO
    for quantity, unit_cost, own_contribution in lines:
        total += line_total(quantity, unit_cost)
        own += to_grosze(own_contribution or ZERO)
    return BudgetTotals(total_cost=total, own_contribution=own, requested_amount=total - own)


def own_share_meets(totals: BudgetTotals, required_percent: Decimal) -> bool:
    """Whether the own contribution is at least `required_percent` of the total cost.

    Compared exactly (own × 100 ≥ required × total), so rounding the displayed
    share never lets a budget slip under the rule.
    """
    return totals.own_contribution * 100 >= Decimal(required_percent) * totals.total_cost

"""Budget arithmetic, property-based: totals, shares, rounding to grosze, the call's limits."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from applicants.budget import budget_totals, line_total, own_share_meets, to_grosze

quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)
costs = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2)


@st.composite
def budget_lines(draw):
    quantity, unit_cost = draw(quantities), draw(costs)
    total = line_total(quantity, unit_cost)
    own = draw(st.decimals(min_value=Decimal("0"), max_value=total, places=2))
    return quantity, unit_cost, own


@given(quantities, costs)
def test_line_total_is_rounded_to_grosze(quantity, unit_cost):
    total = line_total(quantity, unit_cost)
    assert total == total.quantize(Decimal("0.01"))
    assert abs(total - quantity * unit_cost) <= Decimal("0.005")


@given(st.lists(budget_lines(), max_size=30))
def test_budget_totals_add_up(lines):
    totals = budget_totals(lines)
    assert totals.total_cost == sum((line_total(q, c) for q, c, _ in lines), Decimal("0"))
    assert totals.own_contribution + totals.requested_amount == totals.total_cost
    assert totals.requested_amount >= 0


@given(st.lists(budget_lines(), min_size=1, max_size=30))
def test_own_share_is_a_percentage_between_0_and_100(lines):
    totals = budget_totals(lines)
    assert Decimal("0") <= totals.own_share_percent <= Decimal("100")


@given(
    st.lists(budget_lines(), min_size=1, max_size=10),
    st.decimals(min_value=0, max_value=99, places=2),
)
def test_own_share_rule_is_exact_not_rounded(lines, required):
    totals = budget_totals(lines)
    meets = own_share_meets(totals, required)
    assert meets == (totals.own_contribution * 100 >= required * totals.total_cost)
    if meets and totals.total_cost > 0:
        assert totals.own_share_percent >= to_grosze(required) - Decimal("0.01")


def test_half_a_grosz_rounds_up():
    assert line_total(Decimal("1"), Decimal("0.005")) == Decimal("0.01")
    assert line_total(Decimal("3"), Decimal("0.335")) == Decimal("1.01")


def test_share_just_under_the_rule_fails():
    # 99.99 of 1000 is 9.999%: displayed as 10.00% but below a 10% rule.
    totals = budget_totals([(Decimal("1"), Decimal("1000"), Decimal("99.99"))])
    assert totals.own_share_percent == Decimal("10.00")
    assert not own_share_meets(totals, Decimal("10"))

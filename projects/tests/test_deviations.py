"""The call's deviation rules, applied alike to spending and to requested changes."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projects.deviations import (
    BreachCode,
    PlannedLine,
    change_breaches,
    line_allowance,
    spending_breaches,
)

LINES = [
    PlannedLine(1, "Sadzonki", Decimal("1500.00")),
    PlannedLine(2, "Warsztaty", Decimal("2000.00")),
]


def spend(**overrides):
    figures = {
        "agreed": LINES,
        "spent": {1: Decimal("1500.00"), 2: Decimal("2000.00")},
        "tolerance_percent": Decimal("10"),
        "awarded": Decimal("3000.00"),
        "spent_from_grant": Decimal("3000.00"),
        "starts_on": date(2027, 4, 1),
        "ends_on": date(2027, 6, 30),
        "document_dates": [date(2027, 5, 3)],
    }
    return spending_breaches(**{**figures, **overrides})


def test_spending_as_planned_breaks_nothing():
    assert spend() == []


def test_a_line_ten_per_cent_over_is_allowed_and_a_grosz_more_is_not():
    assert spend(spent={1: Decimal("1650.00"), 2: Decimal("1850.00")}) == []
    [breach] = spend(spent={1: Decimal("1650.01"), 2: Decimal("1849.99")})
    assert breach.code == BreachCode.LINE_OVER and breach.key == 1
    assert "Sadzonki" in breach.message and "1650,00" in breach.message.replace("\xa0", "")


def test_more_from_the_grant_than_awarded_and_documents_after_the_end_are_breaches():
    codes = [
        b.code
        for b in spend(spent_from_grant=Decimal("3000.01"), document_dates=[date(2027, 7, 1)])
    ]
    assert codes == [BreachCode.GRANT_TOTAL, BreachCode.OUTSIDE_PERIOD]


def test_a_shift_within_tolerance_is_a_notified_change():
    assert (
        change_breaches(
            agreed=LINES,
            proposed={1: Decimal("1600.00"), 2: Decimal("1900.00")},
            tolerance_percent=Decimal("10"),
            agreed_ends_on=date(2027, 6, 30),
            proposed_ends_on=date(2027, 6, 30),
        )
        == []
    )


def test_a_new_line_a_big_shift_and_a_later_end_need_approval():
    breaches = change_breaches(
        agreed=LINES,
        proposed={1: Decimal("1000.00"), 2: Decimal("2500.00")},
        new_lines=["Plakaty"],
        tolerance_percent=Decimal("10"),
        agreed_ends_on=date(2027, 6, 30),
        proposed_ends_on=date(2027, 7, 31),
    )
    assert [b.code for b in breaches] == [
        BreachCode.LINE_OVER,
        BreachCode.NEW_LINE,
        BreachCode.LATER_END,
    ]


@given(
    planned=st.decimals(min_value=Decimal("0"), max_value=Decimal("999999.99"), places=2),
    percent=st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
)
def test_line_allowance_is_never_below_the_plan_nor_above_the_tolerance(planned, percent):
    allowance = line_allowance(planned, percent)
    assert planned <= allowance <= planned * (1 + percent / 100)
    assert allowance == allowance.quantize(Decimal("0.01"))

"""Budget arithmetic: line totals to the grosz, totals, the own contribution's share and rule.

Expected numbers are worked out by hand, or, for the properties, in whole grosze
with integer arithmetic: never with the functions under test.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applicants.budget import budget_totals, line_total, own_share_meets
from applicants.tests.builders import complete_draft
from core.formatting import NBSP
from grants.tests.factories import GrantCallFactory

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "total"),
    [
        ("3", "33.33", "99.99"),
        ("2.5", "12.34", "30.85"),
        ("1.5", "0.01", "0.02"),  # 0.015: half a grosz rounds up
        ("0.5", "0.01", "0.01"),  # 0.005
        ("1.25", "0.99", "1.24"),  # 1.2375
        ("0.33", "0.33", "0.11"),  # 0.1089
        ("12", "0", "0.00"),
        ("10000", "100000", "1000000000.00"),
    ],
)
def test_line_total_is_quantity_times_unit_cost_rounded_half_up_to_the_grosz(
    quantity, unit_cost, total
):
    assert line_total(D(quantity), D(unit_cost)) == D(total)


def test_line_total_of_a_line_not_filled_in_is_zero():
    assert line_total(None, D("10")) == line_total(D("2"), None) == D("0.00")


def test_budget_totals_of_a_real_budget():
    totals = budget_totals(
        [
            (D("40"), D("50"), D("200")),  # plants: 2000.00, 200 of it our own
            (D("3"), D("250.50"), D("0")),  # digger, hours: 751.50
            (D("12"), D("7.99"), D("0")),  # gloves: 95.88
        ]
    )
    assert totals.total_cost == D("2847.38")
    assert totals.own_contribution == D("200.00")
    assert totals.requested_amount == D("2647.38")
    assert totals.own_share_percent == D("7.02")  # 200 / 2847.38 = 7.024…%


def test_budget_totals_of_an_empty_budget_are_zero():
    totals = budget_totals([])
    assert (totals.total_cost, totals.own_contribution, totals.requested_amount) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    assert totals.own_share_percent == D("0.00")


@pytest.mark.parametrize(
    ("own", "share", "meets"),
    [
        ("200.00", "10.00", True),  # exactly 10% of 2000
        ("199.99", "9.99", False),  # 9.9995%: shown as 9,99%, never as 10,00%
        ("200.01", "10.00", True),  # 10.0005%
        ("0.00", "0.00", False),
    ],
)
def test_own_share_against_a_ten_per_cent_rule(own, share, meets):
    totals = budget_totals([(D("1"), D("2000"), D(own))])
    assert totals.own_share_percent == D(share)
    assert own_share_meets(totals, D("10")) is meets


def test_own_share_against_a_rule_with_a_fraction():
    # 12.5% of 800 is 100.
    assert own_share_meets(budget_totals([(D("1"), D("800"), D("100"))]), D("12.5"))
    assert not own_share_meets(budget_totals([(D("1"), D("800"), D("99.99"))]), D("12.5"))


# --- properties, against arithmetic in whole grosze ------------------------------------

# Quantities and prices as the form takes them: two decimals, here in hundredths.
hundredths_of_quantity = st.integers(min_value=1, max_value=1_000_000)
grosze_of_cost = st.integers(min_value=0, max_value=10_000_000)


def in_grosze(amount: Decimal) -> int:
    assert amount == amount.quantize(D("0.01"))
    return int(amount * 100)


def line_in_grosze(quantity: int, cost: int) -> int:
    """quantity/100 × cost/100 złoty in grosze, half up: (q·c/100 + ½) rounded down."""
    return (quantity * cost + 50) // 100


@given(hundredths_of_quantity, grosze_of_cost)
def test_line_total_matches_whole_grosze_arithmetic(quantity, cost):
    total = line_total(D(quantity) / 100, D(cost) / 100)
    assert in_grosze(total) == line_in_grosze(quantity, cost)


@st.composite
def lines_in_grosze(draw):
    quantity, cost = draw(hundredths_of_quantity), draw(grosze_of_cost)
    own = draw(st.integers(min_value=0, max_value=line_in_grosze(quantity, cost)))
    return quantity, cost, own


@given(st.lists(lines_in_grosze(), max_size=40))
def test_budget_totals_match_whole_grosze_arithmetic(lines):
    totals = budget_totals((D(q) / 100, D(c) / 100, D(own) / 100) for q, c, own in lines)
    total = sum(line_in_grosze(q, c) for q, c, _ in lines)
    own = sum(own for _, _, own in lines)
    assert in_grosze(totals.total_cost) == total
    assert in_grosze(totals.own_contribution) == own
    assert in_grosze(totals.requested_amount) == total - own
    if total:
        # Hundredths of a per cent, rounded down.
        assert in_grosze(totals.own_share_percent) == own * 10_000 // total


@given(st.lists(lines_in_grosze(), min_size=1, max_size=10), st.integers(0, 9_900))
def test_own_share_rule_matches_whole_grosze_arithmetic(lines, required):
    totals = budget_totals((D(q) / 100, D(c) / 100, D(own) / 100) for q, c, own in lines)
    total = sum(line_in_grosze(q, c) for q, c, _ in lines)
    own = sum(own for _, _, own in lines)
    meets = own_share_meets(totals, D(required) / 100)
    assert meets == (own * 10_000 >= required * total)
    if total:
        # What the applicant reads agrees with the rule.
        assert meets == (totals.own_share_percent >= D(required) / 100)


# --- what the applicant sees -------------------------------------------------------------


@pytest.mark.django_db
def test_budget_page_and_submit_page_show_the_totals_computed_on_the_server(client):
    call = GrantCallFactory(own_contribution_percent=D("10"))
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:section", args=[application.pk, "budget"]),
        {
            "budget-TOTAL_FORMS": "2",
            "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0",
            "budget-MAX_NUM_FORMS": "40",
            "budget-0-category": "materials",
            "budget-0-item": "Farby",
            "budget-0-unit": "l",
            "budget-0-quantity": "3",
            "budget-0-unit_cost": "33.33",
            "budget-0-own_contribution": "0",
            "budget-1-category": "services",
            "budget-1-item": "Autobus",
            "budget-1-unit": "kurs",
            "budget-1-quantity": "2",
            "budget-1-unit_cost": "1200",
            "budget-1-own_contribution": "249.99",
            "go": "stay",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    # 99.99 + 2400.00 = 2499.99; 249.99 is 9.9996% of it.
    assert f"data-total-cost>2{NBSP}499,99{NBSP}zł<" in page
    assert f"data-own-total>249,99{NBSP}zł<" in page
    assert f"data-requested>2{NBSP}250,00{NBSP}zł<" in page
    submit = client.get(reverse("applicants:submit", args=[application.pk])).text
    assert "(9,99%)" in submit
    assert "Twój wkład własny to 9,99% kosztu całkowitego" in submit


# --- amounts typed the Polish way, and the call's rules beside the total ------------------


def budget_post(client, application, lines, *, go="stay"):
    data = {
        "budget-TOTAL_FORMS": str(len(lines)),
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "40",
        "go": go,
    }
    for index, line in enumerate(lines):
        data.update({f"budget-{index}-{key}": value for key, value in line.items()})
    return client.post(reverse("applicants:section", args=[application.pk, "budget"]), data)


def line(*, quantity="1", unit_cost, own="0", item="Farby"):
    return {
        "category": "materials",
        "item": item,
        "unit": "szt.",
        "quantity": quantity,
        "unit_cost": unit_cost,
        "own_contribution": own,
    }


def problems_beside_the_total(page: str) -> str:
    """The text of the warning box under the budget's total ("" when it is hidden)."""
    start = page.index("data-budget-problems")
    box = page[start : page.index("</div>", start)]
    return "" if " hidden>" in box else box


@pytest.mark.django_db
def test_budget_page_reads_a_unit_cost_typed_with_a_decimal_comma(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = budget_post(
        client, application, [line(quantity="2", unit_cost="185,50"), line(unit_cost="1 234,56")]
    )
    assert response.status_code == 302
    stored = list(application.budget_lines.order_by("position"))
    assert stored[0].unit_cost == D("185.50")
    assert stored[1].unit_cost == D("1234.56")
    page = client.get(response["Location"]).text
    assert 'value="185,50"' in page
    assert f'value="1{NBSP}234,56"' in page
    assert 'inputmode="decimal"' in page
    assert 'type="number"' not in page
    # 2 × 185,50 + 1 234,56
    assert f"data-total-cost>1{NBSP}605,56{NBSP}zł<" in page


@pytest.mark.django_db
def test_budget_page_refuses_a_garbled_amount_beside_the_field_and_keeps_it(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = budget_post(client, application, [line(unit_cost="12,3,4")])
    assert response.status_code == 200
    assert response.context["budget"].forms[0].errors["unit_cost"] == [
        f"Wpisz kwotę cyframi, np. 185,50 albo 1{NBSP}234,56."
    ]
    assert 'value="12,3,4"' in response.text
    assert application.budget_lines.count() == 2  # the saved budget is untouched


@pytest.mark.django_db
def test_budget_over_the_calls_maximum_is_saved_with_the_problem_beside_the_total(client):
    call = GrantCallFactory(max_amount=D("10000"), total_budget=D("50000"))
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = budget_post(client, application, [line(unit_cost="12 500")])
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.requested_amount == D("12500.00")  # nothing lost
    page = client.get(response["Location"]).text
    expected = (
        f"Wnioskowana kwota 12{NBSP}500,00{NBSP}zł przekracza maksimum naboru "
        f"(10{NBSP}000,00{NBSP}zł) o 2{NBSP}500,00{NBSP}zł."
    )
    assert expected in problems_beside_the_total(page)
    assert "Zapisano, ale budżet nie spełnia jeszcze zasad naboru" in page
    assert ">Zapisano.<" not in page
    # Reloading shows it again; the submit page lists it as a problem.
    assert expected in problems_beside_the_total(client.get(response["Location"]).text)
    assert expected in client.get(reverse("applicants:submit", args=[application.pk])).text


@pytest.mark.django_db
def test_budget_saved_and_left_for_the_next_section_says_what_is_wrong(client):
    call = GrantCallFactory(max_amount=D("10000"), total_budget=D("50000"))
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = budget_post(client, application, [line(unit_cost="12 500")], go="next")
    page = client.get(response["Location"]).text
    assert "przekracza maksimum naboru" in page


@pytest.mark.django_db
def test_budget_below_the_minimum_and_the_own_share_are_shown_beside_the_total(client):
    call = GrantCallFactory(min_amount=D("1000"), own_contribution_percent=D("10"))
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = budget_post(client, application, [line(unit_cost="800")])
    box = problems_beside_the_total(client.get(response["Location"]).text)
    assert (
        f"Wnioskowana kwota 800,00{NBSP}zł jest niższa od minimum naboru "
        f"(1{NBSP}000,00{NBSP}zł) o 200,00{NBSP}zł." in box
    )
    assert "Twój wkład własny to 0,00% kosztu całkowitego; ten nabór wymaga co najmniej 10%." in box


@pytest.mark.django_db
def test_budget_within_the_calls_rules_is_just_saved(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = budget_post(client, application, [line(unit_cost="2 500,00")])
    page = client.get(response["Location"]).text
    assert problems_beside_the_total(page) == ""
    assert "Zapisano." in page


@pytest.mark.django_db
def test_budget_page_is_one_table_with_a_row_per_line_and_column_headings(client):
    application = complete_draft(call=GrantCallFactory())  # two lines: Rośliny, Koparka
    client.force_login(application.applicant)

    page = client.get(reverse("applicants:section", args=[application.pk, "budget"])).text

    table = page.split('class="table table-sm budget-table budget-table-edit"', 1)[1]
    table = table.split("</table>", 1)[0]
    head, body = table.split("<tbody data-formset-list>", 1)
    for heading in ("Kategoria i pozycja", "Jednostka", "Ilość", "Wartość pozycji"):
        assert heading in head
    rows = body.split("<tr ")[1:]
    assert len(rows) == 3  # the two lines and an empty one to fill in
    assert 'value="Rośliny"' in rows[0] and 'value="Koparka"' in rows[1]
    for row in rows:  # each field keeps its label, for screen readers and the phone's cards
        assert row.count("<label") >= 6
    # A line added in the browser is a table row too.
    template = page.split("<template data-formset-template>", 1)[1].split("</template>", 1)[0]
    assert template.lstrip().startswith("<tr ") and "budget-__prefix__-item" in template

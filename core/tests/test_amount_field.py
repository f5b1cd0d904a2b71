"""Amounts typed the Polish way: what the form reads, what it refuses and how it shows them back."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from core.forms import AmountField

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


class BudgetLine(forms.Form):
    unit_cost = AmountField(label="Cena jednostkowa", min_value=Decimal("0"))
    quantity = AmountField(label="Liczba", money=False, min_value=Decimal("0.01"), required=False)


def cleaned(value: str, name: str = "unit_cost"):
    form = BudgetLine({name: value, **({} if name == "unit_cost" else {"unit_cost": "1"})})
    assert form.is_valid(), form.errors
    return form.cleaned_data[name]


def errors(value: str, name: str = "unit_cost") -> list[str]:
    with translation.override("pl"):
        form = BudgetLine({"unit_cost": "1", name: value})
        assert not form.is_valid()
        return form.errors[name]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("185,50", Decimal("185.50")),
        ("185.50", Decimal("185.50")),
        ("1 234,56", Decimal("1234.56")),
        (f"1{NBSP}234,56", Decimal("1234.56")),
        (f"1{NARROW_NBSP}234,56", Decimal("1234.56")),
        ("1 234 567,8", Decimal("1234567.8")),
        ("  185,5  ", Decimal("185.5")),
        ("185,50 zł", Decimal("185.50")),
        ("185", Decimal("185")),
        (",50", Decimal("0.50")),
        ("0", Decimal("0")),
    ],
)
def test_amount_field_reads_what_people_type(typed, expected):
    assert cleaned(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1,5", Decimal("1.5")), ("2", Decimal("2")), ("0.25", Decimal("0.25"))],
)
def test_amount_field_reads_quantities_with_a_decimal_comma(typed, expected):
    assert cleaned(typed, "quantity") == expected


@pytest.mark.parametrize("typed", ["12,3,4", "abc", "1.234,56", "12 34", "1,234.56", "--5", "5-"])
def test_amount_field_refuses_garbage_with_a_polish_example(typed):
    assert errors(typed) == [f"Wpisz kwotę cyframi, np. 185,50 albo 1{NBSP}234,56."]


def test_amount_field_refuses_more_than_two_decimals():
    assert errors("185,505") == [
        f"Po przecinku mogą być najwyżej 2 cyfry. Tysiące oddziel spacją (1{NBSP}234), nie przecinkiem."
    ]


def test_amount_field_refuses_a_comma_as_thousands_separator_rather_than_guess():
    # "1,234" is 1.234 to a Pole and 1234 to an English speaker: neither is taken.
    assert errors("1,234") == [
        f"Po przecinku mogą być najwyżej 2 cyfry. Tysiące oddziel spacją (1{NBSP}234), nie przecinkiem."
    ]


def test_amount_field_refuses_a_negative_amount():
    assert errors("-5") == ["Kwota nie może być ujemna."]
    assert errors("\u22125") == ["Kwota nie może być ujemna."]


def test_amount_field_writes_its_minimum_the_polish_way():
    assert errors("0", "quantity") == ["Wpisz co najmniej 0,01."]


def test_amount_field_shows_a_stored_amount_polish_style():
    with translation.override("pl"):
        form = BudgetLine(initial={"unit_cost": Decimal("1234.5"), "quantity": Decimal("2.50")})
        html = str(form["unit_cost"]) + str(form["quantity"])
    assert f'value="1{NBSP}234,50"' in html
    assert 'value="2,5"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="text"' in html
    assert 'type="number"' not in html


def test_amount_field_shows_a_stored_amount_with_a_dot_in_english():
    with translation.override("en"):
        form = BudgetLine(initial={"unit_cost": Decimal("1234.5")})
        assert 'value="1234.50"' in str(form["unit_cost"])


def test_amount_field_keeps_what_was_typed_when_refused():
    with translation.override("pl"):
        form = BudgetLine({"unit_cost": "12,3,4"})
        assert not form.is_valid()
        assert 'value="12,3,4"' in str(form["unit_cost"])

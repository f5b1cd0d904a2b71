from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formatting import format_money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234.56"), f"1{NBSP}234,56{NBSP}zł"),
        (Decimal("3500"), f"3{NBSP}500,00{NBSP}zł"),  # four digits are grouped too, on purpose
        (Decimal("999.99"), f"999,99{NBSP}zł"),
        (Decimal("0"), f"0,00{NBSP}zł"),
        (Decimal("1234567.8"), f"1{NBSP}234{NBSP}567,80{NBSP}zł"),
        (Decimal("0.005"), f"0,01{NBSP}zł"),  # half a grosz rounds up
        (Decimal("-1500"), f"\u22121{NBSP}500,00{NBSP}zł"),
        (2500, f"2{NBSP}500,00{NBSP}zł"),
    ],
)
def test_format_money_groups_with_no_break_spaces(amount, expected):
    assert format_money(amount) == expected


def test_format_money_never_uses_an_ordinary_space():
    assert " " not in format_money(Decimal("12345678.90"))


def test_format_money_of_nothing_is_empty():
    assert format_money(None) == ""


def test_pln_filter_renders_polish_amount():
    html = Template("{% load core_tags %}{{ amount|pln }}").render(
        Context({"amount": Decimal("60000")})
    )
    assert html == f"60{NBSP}000,00{NBSP}zł"

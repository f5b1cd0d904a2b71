"""Amounts in words, as the letters state them ("słownie: …")."""

from decimal import Decimal

import pytest

from decisions.wording import amount_in_words

# Every expected text below is written out by hand, as a Polish letter must say it:
# the noun agrees with the last word of the number (1 złoty; 2–4, 22–24… złote, but
# 12–14 złotych; 5–21 złotych), and only a bare 1 is singular.


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "zero złotych 00/100"),
        ("1", "jeden złoty 00/100"),
        ("2", "dwa złote 00/100"),
        ("3", "trzy złote 00/100"),
        ("4", "cztery złote 00/100"),
        ("5", "pięć złotych 00/100"),
        ("11", "jedenaście złotych 00/100"),
        ("12", "dwanaście złotych 00/100"),
        ("13", "trzynaście złotych 00/100"),
        ("14", "czternaście złotych 00/100"),
        ("21", "dwadzieścia jeden złotych 00/100"),
        ("22", "dwadzieścia dwa złote 00/100"),
        ("24", "dwadzieścia cztery złote 00/100"),
        ("25", "dwadzieścia pięć złotych 00/100"),
        ("101", "sto jeden złotych 00/100"),
        ("102", "sto dwa złote 00/100"),
        ("112", "sto dwanaście złotych 00/100"),
        ("114", "sto czternaście złotych 00/100"),
        ("122", "sto dwadzieścia dwa złote 00/100"),
        ("1000", "tysiąc złotych 00/100"),
        ("1001", "tysiąc jeden złotych 00/100"),
        ("1002", "tysiąc dwa złote 00/100"),
        ("2000", "dwa tysiące złotych 00/100"),
        ("3500", "trzy tysiące pięćset złotych 00/100"),
        ("5000", "pięć tysięcy złotych 00/100"),
        ("12000", "dwanaście tysięcy złotych 00/100"),
        ("22000", "dwadzieścia dwa tysiące złotych 00/100"),
        ("3500.5", "trzy tysiące pięćset złotych 50/100"),
        ("2551.07", "dwa tysiące pięćset pięćdziesiąt jeden złotych 07/100"),
        ("0.99", "zero złotych 99/100"),
        ("1000000", "milion złotych 00/100"),
        ("1000002", "milion dwa złote 00/100"),
        ("1000012", "milion dwanaście złotych 00/100"),
        ("2000000", "dwa miliony złotych 00/100"),
        ("5000000", "pięć milionów złotych 00/100"),
    ],
)
def test_amount_in_words_polish(amount, words):
    assert amount_in_words(Decimal(amount), "pl") == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "zero zlotys 00/100"),
        ("1", "one zloty 00/100"),
        ("1.01", "one zloty 01/100"),
        ("2", "two zlotys 00/100"),
        ("12", "twelve zlotys 00/100"),
        ("21", "twenty-one zlotys 00/100"),
        ("101", "one hundred and one zlotys 00/100"),
        ("3500", "three thousand five hundred zlotys 00/100"),
        ("1234.56", "one thousand two hundred and thirty-four zlotys 56/100"),
        ("1000000", "one million zlotys 00/100"),
        (
            "1234567.89",
            "one million two hundred and thirty-four thousand five hundred and sixty-seven "
            "zlotys 89/100",
        ),
    ],
)
def test_amount_in_words_english(amount, words):
    assert amount_in_words(Decimal(amount), "en") == words


def test_amount_in_words_rounds_half_up_to_the_grosz():
    assert amount_in_words(Decimal("9.995"), "pl") == "dziesięć złotych 00/100"


def test_amount_in_words_accepts_a_regional_language_code():
    assert amount_in_words(Decimal("2"), "en-gb") == "two zlotys 00/100"


@pytest.mark.parametrize(("amount", "language"), [(Decimal("-1"), "pl"), (Decimal("1"), "de")])
def test_amount_in_words_refuses_negative_amounts_and_other_languages(amount, language):
    with pytest.raises(ValueError):
        amount_in_words(amount, language)

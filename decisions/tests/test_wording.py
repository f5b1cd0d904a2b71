"""Amounts in words, as the letters state them ("słownie: …")."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from decisions.wording import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "zero złotych 00/100"),
        ("1", "jeden złoty 00/100"),
        ("2", "dwa złote 00/100"),
        ("4", "cztery złote 00/100"),
        ("5", "pięć złotych 00/100"),
        ("12", "dwanaście złotych 00/100"),
        ("14", "czternaście złotych 00/100"),
        ("21", "dwadzieścia jeden złotych 00/100"),
        ("22", "dwadzieścia dwa złote 00/100"),
        ("112", "sto dwanaście złotych 00/100"),
        ("1000", "tysiąc złotych 00/100"),
        ("1001", "tysiąc jeden złotych 00/100"),
        ("1002", "tysiąc dwa złote 00/100"),
        ("3500", "trzy tysiące pięćset złotych 00/100"),
        ("3500.5", "trzy tysiące pięćset złotych 50/100"),
        ("2551.07", "dwa tysiące pięćset pięćdziesiąt jeden złotych 07/100"),
        ("0.99", "zero złotych 99/100"),
        ("1000000", "milion złotych 00/100"),
    ],
)
def test_amount_in_words_polish(amount, words):
    assert amount_in_words(Decimal(amount), "pl") == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1", "one zloty 00/100"),
        ("2", "two zlotys 00/100"),
        ("3500", "three thousand five hundred zlotys 00/100"),
        ("1234.56", "one thousand two hundred and thirty-four zlotys 56/100"),
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


def _expected_polish_noun(zloty: int) -> str:
    # The rule spelled out differently from the code: by the last two digits.
    last_two = zloty % 100
    if zloty == 1:
        return "złoty"
    if last_two in (12, 13, 14):
        return "złotych"
    return "złote" if last_two % 10 in (2, 3, 4) else "złotych"


@given(
    zloty=st.integers(min_value=0, max_value=10**9), grosze=st.integers(min_value=0, max_value=99)
)
def test_amount_in_words_polish_is_the_number_the_inflected_noun_and_the_grosze(zloty, grosze):
    words = amount_in_words(Decimal(zloty) + Decimal(grosze) / 100, "pl")

    assert words == f"{num2words(zloty, lang='pl')} {_expected_polish_noun(zloty)} {grosze:02d}/100"


@given(
    zloty=st.integers(min_value=0, max_value=10**9), grosze=st.integers(min_value=0, max_value=99)
)
def test_amount_in_words_english_has_no_commas_and_ends_with_the_grosze(zloty, grosze):
    words = amount_in_words(Decimal(zloty) + Decimal(grosze) / 100, "en")

    assert "," not in words
    assert words.endswith(f" {'zloty' if zloty == 1 else 'zlotys'} {grosze:02d}/100")

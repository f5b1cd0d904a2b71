"""Amounts written out in words, the way a Polish grant letter states them ("słownie: …")."""

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

HUNDREDTH = Decimal("0.01")


def _polish_currency_word(zloty: int) -> str:
    """The form of "złoty" that follows the number: 1 złoty, 2–4 złote (not 12–14), else złotych.

    Polish agrees the noun with the last word of the number, so 22 takes "złote"
    but 1 001 takes "złotych" ("tysiąc jeden złotych"): only a bare 1 is singular.
    """
    if zloty == 1:
        return "złoty"
    if zloty % 10 in (2, 3, 4) and zloty % 100 not in (12, 13, 14):
        return "złote"
    return "złotych"


def _english_currency_word(zloty: int) -> str:
    return "zloty" if zloty == 1 else "zlotys"


def amount_in_words(amount: Decimal | int | str, language: str) -> str:
    """`amount` in words with the grosze as a fraction, e.g. 3500 → "trzy tysiące pięćset złotych 00/100".

    The złoty part is written out (num2words) and followed by the currency word
    in the grammatical form the number needs; the grosze are "NN/100", as on a
    bank transfer form. English: "three thousand five hundred zlotys 00/100".
    Amounts are rounded half up to the grosz. Raises ValueError for a negative
    amount or a language other than Polish or English.
    """
    value = Decimal(str(amount)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError(f"An amount in words can't be negative: {amount}")
    zloty = int(value)
    grosze = int((value - zloty) * 100)
    code = (language or "").split("-")[0].lower()
    if code == "pl":
        # num2words writes 1000 as "tysiąc" and 1 000 000 as "milion", as Polish does.
        words = f"{num2words(zloty, lang='pl')} {_polish_currency_word(zloty)}"
    elif code == "en":
        # num2words puts commas between thousands and hundreds; a letter reads better without.
        words = f"{num2words(zloty, lang='en').replace(',', '')} {_english_currency_word(zloty)}"
    else:
        raise ValueError(f"No amounts in words for language {language!r}")
    return f"{words} {grosze:02d}/100"

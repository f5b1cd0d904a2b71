"""Money and date formatting shared by pages, e-mails and PDF letters.

Grouping rule, chosen on purpose: every amount of 1000 zł or more is grouped in
threes with a no-break space (U+00A0), including four-digit amounts
("1 234,56 zł"), so that columns of amounts line up and a number is never
broken across lines. The decimal separator is a comma, there are always two
decimal places, and the currency follows after another no-break space.
"""

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"


def format_money(amount: Decimal | int | float | str | None, *, currency: str = "zł") -> str:
    """Return `amount` in Polish style, e.g. Decimal("1234.5") -> "1 234,50 zł"."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = MINUS if value < 0 else ""
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = f"{sign}{NBSP.join(groups)},{fraction}"
    return f"{number}{NBSP}{currency}" if currency else number

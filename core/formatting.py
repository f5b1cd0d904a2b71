"""Money, numbers, dates and deadlines as pages, e-mails and PDF letters write them.

Grouping rule, chosen on purpose: every amount of 1000 zł or more is grouped in
threes with a no-break space (U+00A0), including four-digit amounts
("1 234,56 zł"), so that columns of amounts line up and a number is never
broken across lines. The decimal separator is a comma, there are always two
decimal places, and the currency follows after another no-break space.

Other numbers follow the same rule in every language of the interface, as
money does: a decimal comma ("74,16", "21,99%"), never "74.16" on one page and
"74,16" on the next. A score always has SCORE_PLACES decimals, on the web and
in the letter alike.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from core.deadlines import WARSAW, is_end_of_day

NBSP = "\u00a0"
MINUS = "\u2212"
SCORE_PLACES = 2


def format_decimal(
    value: Decimal | int | float | str | None, places: int, *, trim: bool = False
) -> str:
    """`value` with `places` decimals after a comma, thousands grouped: 1234.5 -> "1 234,50".

    With `trim`, a whole number loses its decimals ("60" rather than "60,00"), as
    floatformat's negative precision does.
    """
    if value is None or value == "":
        return ""
    exponent = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    sign = MINUS if number < 0 else ""
    whole, _, fraction = f"{abs(number):.{places}f}".partition(".")
    if trim and not fraction.strip("0"):
        fraction = ""
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{NBSP.join(groups)}" + (f",{fraction}" if fraction else "")


def format_money(amount: Decimal | int | float | str | None, *, currency: str = "zł") -> str:
    """Return `amount` in Polish style, e.g. Decimal("1234.5") -> "1 234,50 zł"."""
    number = format_decimal(amount, 2)
    if not number:
        return ""
    return f"{number}{NBSP}{currency}" if currency else number


def format_score(score: Decimal | float | None) -> str:
    """A score (a total, a mean, points, a spread) with SCORE_PLACES decimals: "74,16"."""
    return format_decimal(score, SCORE_PLACES)


def format_percent(value: Decimal | float | None, places: int = 2, *, trim: bool = False) -> str:
    """A percentage with a decimal comma: "21,99%" (or "10%" with `trim`)."""
    number = format_decimal(value, places, trim=trim)
    return f"{number}%" if number else ""


def format_date(value: date | datetime | str | None) -> str:
    """A day in words in the active language: "14 grudnia 2026" / "14 December 2026".

    Takes a date, an aware datetime (its day in Poland) or an ISO date string, as
    submitted versions store them ("2026-12-14").
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    elif isinstance(value, datetime):
        value = timezone.localtime(value, WARSAW) if timezone.is_aware(value) else value
    return date_format(value, "j E Y")


def format_deadline(moment: datetime | None) -> str:
    """A deadline as the day it ends: "14 grudnia 2026 r." / "14 December 2026".

    A deadline that does not end at 23:59 Polish time (set before deadlines
    were whole days, or chosen to the minute) keeps its time, so the words never
    promise more than the server allows: "14 grudnia 2026 r., godz. 15:37".
    """
    if moment is None:
        return ""
    local = timezone.localtime(moment, WARSAW)
    day = date_format(local, "j E Y")
    if is_end_of_day(moment):
        return pgettext("a deadline: the day it ends", "%(date)s") % {"date": day}
    return pgettext("a deadline: the day and time it ends", "%(date)s, %(time)s") % {
        "date": day,
        "time": date_format(local, "H:i"),
    }

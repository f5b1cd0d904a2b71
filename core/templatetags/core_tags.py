"""Template filters shared by every app: money, numbers, dates, deadlines, and who runs the
programme."""

from datetime import datetime

from django import template
from django.utils import timezone

from core.formatting import (
    format_date,
    format_deadline,
    format_decimal,
    format_money,
    format_percent,
    format_score,
)
from core.selectors import programme_profile as programme_profile_read

register = template.Library()


@register.filter
def pln(amount):
    """Format an amount in PLN Polish-style: 1 234,56 zł (no-break spaces)."""
    return format_money(amount)


@register.filter
def score(value):
    """A score with the one precision used everywhere (2 decimals): 74,16."""
    return format_score(value)


@register.filter
def percent(value, places=2):
    """A percentage with a decimal comma: 21,99%. A negative `places` drops ",00" from whole numbers."""
    places = int(places)
    return format_percent(value, abs(places), trim=places < 0)


@register.filter
def number(value, places=0):
    """A number with a decimal comma and grouped thousands, like floatformat but the same in every language."""
    places = int(places)
    return format_decimal(value, abs(places), trim=places < 0)


@register.filter
def date_words(value):
    """A day in words: 14 grudnia 2026 (takes dates, datetimes and ISO date strings)."""
    return format_date(value)


@register.filter
def deadline(moment):
    """A deadline given to a person, as the day it ends: 14 grudnia 2026 r."""
    return format_deadline(moment)


@register.filter
def in_future(moment) -> bool:
    """True when an aware datetime lies after now."""
    return moment is not None and moment > timezone.now()


@register.filter
def filesize_pl(size) -> str:
    """A file size in kB or MB, Polish-style decimals: 2,4 MB."""
    if size is None:
        return ""
    size = int(size)
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}\u00a0kB"
    return f"{format_decimal(size / (1024 * 1024), 1)}\u00a0MB"


@register.simple_tag(name="programme_profile")
def programme_profile_tag():
    """`{% programme_profile as programme %}`: who runs the programme (cached; see core.selectors)."""
    return programme_profile_read()


@register.filter
def datetime_attribute(moment) -> str:
    """A moment as <time datetime="…"> takes it: to the second, with its offset (never microseconds)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()  # a date

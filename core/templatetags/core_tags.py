"""Template filters shared by every app: money and deadlines."""

from datetime import datetime

from django import template
from django.utils import timezone

from core.formatting import format_money

register = template.Library()


@register.filter
def pln(amount):
    """Format an amount in PLN Polish-style: 1 234,56 zł (no-break spaces)."""
    return format_money(amount)


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
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + "\u00a0MB"


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

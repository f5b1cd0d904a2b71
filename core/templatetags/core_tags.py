"""Template filters shared by every app: money, deadlines, and who runs the programme."""

from django import template
from django.utils import timezone

from core.formatting import format_money
from core.selectors import programme_profile as programme_profile_read

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


@register.simple_tag(name="programme_profile")
def programme_profile_tag():
    """`{% programme_profile as programme %}`: who runs the programme (cached; see core.selectors)."""
    return programme_profile_read()

"""Template filters of amendments."""

from django import template

from projects.enums import AmendmentState

register = template.Library()


@register.filter
def any_waiting(amendments) -> bool:
    """Whether one of `amendments` (already fetched) waits for the coordinator's answer."""
    return any(amendment.state == AmendmentState.REQUESTED for amendment in amendments)

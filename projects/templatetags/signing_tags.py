"""The signing panel's reading of a grant: {% signing_status grant terms as signing %}."""

from django import template

from projects.signing_status import signing_status as _signing_status

register = template.Library()


@register.simple_tag(name="signing_status")
def signing_status_tag(grant, terms):
    return _signing_status(grant=grant, terms=terms)

from django import template

from grants.views.navigation import call_nav

register = template.Library()


@register.simple_tag
def call_nav_groups(call, active, part_links=None):
    """`{% call_nav_groups call active part_links as groups %}`: see grants.views.navigation."""
    return call_nav(call=call, active=active, part_links=part_links)

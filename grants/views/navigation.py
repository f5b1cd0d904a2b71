"""The coordinators' navigation inside one call: its pages in four groups, in pipeline order.

The first level is the groups (set-up, applications, reviews, decisions and letters),
the second the pages of the group the current page belongs to. Pages name themselves
by a key (`active` in the templates): "details" and the slugs of CALL_PARTS for the
set-up, "applications", "pool", "assignments", "ranking", "decisions",
"letter_texts", "letters", "outbox", and the grants' pages "grants",
"agreement_terms", "payments", "finance", "amendments" and "reports".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grants.models import GrantCall


@dataclass(frozen=True)
class CallNavPage:
    key: str
    label: Promise | str
    url: str
    count: int | None = None  # rows of a set-up part, when the page was given them
    current: bool = False


@dataclass(frozen=True)
class CallNavGroup:
    key: str
    label: Promise
    pages: list[CallNavPage]
    current: bool = False

    @property
    def url(self) -> str:
        """A group leads to its first page."""
        return self.pages[0].url


# The later stages' pages by URL name: grants imports none of their code, only their addresses.
_LATER_PAGES: dict[str, list[tuple[str, Promise, str]]] = {
    "applications": [("applications", _("Applications"), "applicants_manage:list")],
    "reviews": [
        ("pool", _("Reviewers"), "review_manage:pool"),
        ("assignments", _("Assignments"), "review_manage:assignments"),
        ("ranking", _("Ranking"), "review_manage:ranking"),
    ],
    "decisions": [
        ("decisions", _("Decisions"), "decisions:call"),
        ("letter_texts", _("Letter texts"), "decisions:letter_templates"),
        ("letters", _("Letters"), "decisions:progress"),
        ("outbox", _("Outbox"), "decisions:outbox"),
    ],
    "grants": [
        ("grants", _("Grants"), "projects_manage:grants"),
        ("agreement_terms", _("Agreement and terms"), "projects_manage:terms"),
        ("payments", _("Payments"), "projects_manage:payments"),
        ("finance", _("Finance summary"), "projects_manage:finance"),
        ("amendments", _("Amendments"), "projects_manage:amendments"),
        ("reports", _("Reports"), "projects_manage:reports"),
    ],
}
GROUP_LABELS: dict[str, Promise] = {
    "setup": pgettext_lazy("call navigation group", "Set-up"),
    "applications": pgettext_lazy("call navigation group", "Applications"),
    "reviews": pgettext_lazy("call navigation group", "Reviews"),
    "decisions": pgettext_lazy("call navigation group", "Decisions and letters"),
    "grants": pgettext_lazy("call navigation group", "Grants"),
}


def call_nav(*, call: GrantCall, active: str, part_links: Iterable[Any] = ()) -> list[CallNavGroup]:
    """The groups of `call`'s pages, the one holding page `active` marked current.

    `part_links` (grants.views.manage.call_part_links: slug, title, count) are the
    set-up's own parts; the set-up pages pass them, the others need not (their
    group shows only its first page's address). A page whose address does not
    exist in this site's URLs is left out.
    """
    setup = [CallNavPage("details", _("Call details"), reverse("manage:call_edit", args=[call.pk]))]
    setup += [
        CallNavPage(
            link.slug,
            link.title,
            reverse("manage:call_parts", args=[call.pk, link.slug]),
            count=link.count,
        )
        for link in part_links or ()
    ]
    pages_by_group = {"setup": setup}
    for group, pages in _LATER_PAGES.items():
        pages_by_group[group] = []
        for key, label, url_name in pages:
            try:
                url = reverse(url_name, args=[call.pk])
            except NoReverseMatch:
                continue
            pages_by_group[group].append(CallNavPage(key, label, url))
    groups = []
    for group, pages in pages_by_group.items():
        if not pages:
            continue
        marked = [
            CallNavPage(p.key, p.label, p.url, p.count, current=p.key == active) for p in pages
        ]
        current = any(page.current for page in marked)
        groups.append(CallNavGroup(group, GROUP_LABELS[group], marked, current=current))
    return groups

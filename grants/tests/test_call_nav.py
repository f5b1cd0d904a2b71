"""A call's navigation for coordinators: four groups in pipeline order, then the group's pages."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from grants.models import EligibilityQuestion
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db


class NavLinks(HTMLParser):
    """The links of the call's navigation: (row, href, aria-current, text)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str | None, str]] = []
        self._in_nav = False
        self._row = ""
        self._link: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "call-nav" in (attrs.get("class") or ""):
            self._in_nav = True
        elif self._in_nav and tag in {"ol", "ul"}:
            self._row = "groups" if tag == "ol" else "pages"
        elif self._in_nav and tag == "a":
            self._link = {"href": attrs["href"], "current": attrs.get("aria-current"), "text": ""}
        elif self._link is not None and tag == "span" and attrs.get("aria-hidden") == "true":
            self._link["hidden"] = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "span" and self._link is not None:
            self._link.pop("hidden", None)
        elif tag == "a" and self._link is not None:
            link = self._link
            self.links.append(
                (self._row, link["href"], link["current"], " ".join(link["text"].split()))
            )
            self._link = None

    def handle_data(self, data):
        if self._link is not None and not self._link.get("hidden"):
            self._link["text"] += data


def nav_links(response) -> list[tuple[str, str, str | None, str]]:
    parser = NavLinks()
    parser.feed(response.content.decode())
    return parser.links


@pytest.fixture
def coordinator_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(CoordinatorFactory())
    return client


def test_call_nav_shows_five_groups_in_pipeline_order_and_the_set_up_pages(coordinator_client):
    call = GrantCallFactory()
    EligibilityQuestion.objects.create(call=call, text="Czy masz 16–30 lat?", position=1)

    links = nav_links(coordinator_client.get(reverse("manage:call_edit", args=[call.pk])))

    groups = [(text, current) for row, _href, current, text in links if row == "groups"]
    assert groups == [
        ("Set-up", "true"),
        ("Applications", None),
        ("Reviews", None),
        ("Decisions and letters", None),
        ("Grants", None),
    ]
    pages = [(text, current) for row, _href, current, text in links if row == "pages"]
    assert pages == [
        ("Call details", "page"),
        ("Eligibility screener 1", None),  # with the number of its rows
        ("Questions of the call 0", None),
        ("Attachments the call asks for 0", None),
        ("Required indicators 0", None),
        ("Formal-check checklist 0", None),
        ("Documents to download 0", None),
        ("Questions and answers (FAQ) 0", None),
        ("Report checklist 0", None),  # the projects stage's own part
    ]


PAGES = [
    # (address, its group, its name in the nav)
    ("manage:call_edit", "Set-up", "Call details"),
    ("applicants_manage:list", "Applications", "Applications"),
    ("review_manage:pool", "Reviews", "Reviewers"),
    ("review_manage:assignments", "Reviews", "Assignments"),
    ("review_manage:ranking", "Reviews", "Ranking"),
    ("decisions:call", "Decisions and letters", "Decisions"),
    ("decisions:letter_templates", "Decisions and letters", "Letter texts"),
    ("decisions:progress", "Decisions and letters", "Letters"),
    ("decisions:outbox", "Decisions and letters", "Outbox"),
    ("projects_manage:grants", "Grants", "Grants"),
    ("projects_manage:terms", "Grants", "Agreement and terms"),
    ("projects_manage:payments", "Grants", "Payments"),
    ("projects_manage:finance", "Grants", "Finance summary"),
    ("projects_manage:reports", "Grants", "Reports"),
]


@pytest.mark.parametrize(("name", "group", "label"), PAGES)
def test_call_nav_marks_the_page_and_its_group_as_current(coordinator_client, name, group, label):
    call = GrantCallFactory()
    url = reverse(name, args=[call.pk])

    links = nav_links(coordinator_client.get(url))

    current_groups = [text for row, _href, current, text in links if row == "groups" and current]
    assert current_groups == [group]
    current_pages = [(href, text) for _row, href, current, text in links if current == "page"]
    assert current_pages == [(url, label)]


def test_call_nav_shows_only_the_current_groups_pages(coordinator_client):
    call = GrantCallFactory()

    links = nav_links(coordinator_client.get(reverse("review_manage:ranking", args=[call.pk])))

    pages = [text for row, _href, _current, text in links if row == "pages"]
    assert pages == ["Reviewers", "Assignments", "Ranking"]
    group_hrefs = {text: href for row, href, _current, text in links if row == "groups"}
    assert group_hrefs == {
        "Set-up": reverse("manage:call_edit", args=[call.pk]),
        "Applications": reverse("applicants_manage:list", args=[call.pk]),
        "Reviews": reverse("review_manage:pool", args=[call.pk]),
        "Decisions and letters": reverse("decisions:call", args=[call.pk]),
        "Grants": reverse("projects_manage:grants", args=[call.pk]),
    }

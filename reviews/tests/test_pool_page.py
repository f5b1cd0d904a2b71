"""The coordinator's pool page: its reviewers a page at a time, each with their own workload,
and a search that finds one of them however the name is typed."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from reviews.models import ReviewAssignment
from reviews.services import pool_add
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    submit_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return call_with_criteria(title="Klimat na podwórku 2027", reviewers_per_application=1)


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _pool(call, *names):
    by = CoordinatorFactory()
    people = [UserFactory(full_name=name) for name in names]
    for person in people:
        pool_add(call=call, reviewer=person, by=by)
    return people


def _rows(response) -> dict[str, tuple[int, int]]:
    return {
        member.display_name: (member.assigned_count, member.submitted_count)
        for member in response.context["page_obj"].object_list
    }


def test_pool_page_lists_reviewers_a_page_at_a_time_each_with_their_own_work(
    coordinator_client, call, monkeypatch
):
    monkeypatch.setattr("reviews.views.manage.REVIEWERS_PER_PAGE", 2)
    (zofia,) = _pool(call, "Zofia Zięba")
    accepted_application(call)
    assign_all(call)  # one reviewer per application: Zofia is the only one yet
    submit_review(ReviewAssignment.objects.get(reviewer=zofia), {"Pomysł": 8, "Budżet": 4})
    _pool(call, "Anna Adamska", "Bartek Bąk")
    url = reverse("review_manage:pool", args=[call.pk])

    first = coordinator_client.get(url)
    assert _rows(first) == {"Anna Adamska": (0, 0), "Bartek Bąk": (0, 0)}
    assert "Zofia Zięba" not in first.text
    assert "Showing 1–2 of 3." in first.text

    last = coordinator_client.get(url + "?page=2")
    assert _rows(last) == {"Zofia Zięba": (1, 1)}
    assert "Showing 3–3 of 3." in last.text


def test_pool_search_finds_a_reviewer_by_name_or_email_without_diacritics(coordinator_client, call):
    lucja, _other = _pool(call, "Łucja Żak", "Piotr Nowak")
    url = reverse("review_manage:pool", args=[call.pk])

    found = coordinator_client.get(url, {"q": "lucja zak"})
    assert list(_rows(found)) == ["Łucja Żak"]
    by_email = coordinator_client.get(url, {"q": lucja.email.split("@")[0].upper()})
    assert list(_rows(by_email)) == ["Łucja Żak"]

    nobody = coordinator_client.get(url, {"q": "Kowalska"})
    assert _rows(nobody) == {}
    assert "Nobody in this call's pool matches “Kowalska”." in nobody.text


def test_pool_page_pages_keep_the_search(coordinator_client, call, monkeypatch):
    monkeypatch.setattr("reviews.views.manage.REVIEWERS_PER_PAGE", 1)
    _pool(call, "Ewa Nowak", "Jan Nowak", "Ola Kowalska")
    url = reverse("review_manage:pool", args=[call.pk])

    response = coordinator_client.get(url, {"q": "nowak"})
    assert list(_rows(response)) == ["Ewa Nowak"]
    assert "?q=nowak&amp;page=2" in response.text
    assert list(_rows(coordinator_client.get(url, {"q": "nowak", "page": 2}))) == ["Jan Nowak"]


def test_assignments_page_links_a_few_pages_around_the_current_one_not_every_page(
    coordinator_client, call, monkeypatch
):
    monkeypatch.setattr("reviews.views.manage.APPLICATIONS_PER_PAGE", 1)
    _pool(call, "Anna Adamska")
    for _ in range(12):
        accepted_application(call)
    assign_all(call)
    url = reverse("review_manage:assignments", args=[call.pk])

    html = coordinator_client.get(url, {"page": 6}).text
    pages = html.split('class="pagination', 1)[1].split("</ul>", 1)[0]
    linked = {int(n) for n in re.findall(r"\?page=(\d+)", pages)}
    assert linked == {1, 4, 5, 7, 8, 12}  # neighbours, the ends, and the previous/next
    assert pages.count("…") == 2
    assert "Showing 6–6 of 12." in html

"""The coordinators' list of a call's grants reads each grant's progress for the rows of its
page only: every page, with or without the "waiting for" filter, shows what a from-scratch
reading of every grant gives, in the same number of queries for a few grants or many."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from grants.tests.factories import GrantCallFactory
from projects.models import Grant
from projects.progress import progress_of, waiting_for
from projects.tests.progress_rows import grant_at

pytestmark = pytest.mark.django_db

PER_PAGE = 2
STAGES = ["new", "ready", "sent", "signed_by_grantee", "payment_due", "active", "account_change"]


@pytest.fixture
def per_page(monkeypatch):
    monkeypatch.setattr("projects.views.manage.GRANTS_PER_PAGE", PER_PAGE)


def _call_with_grants(count, stages=STAGES):
    call = GrantCallFactory()
    for n in range(count):
        grant_at(stages[n % len(stages)], application__call=call)
    return call


def _from_scratch(call, whom=None) -> list[tuple[int, str, tuple]]:
    """(pk, whom, what) of the call's grants in reference order, each read on its own."""
    rows = []
    for grant in Grant.objects.filter(call=call).order_by("reference_number", "pk"):
        waiting = waiting_for(progress_of(grant))
        if whom is None or waiting.whom == whom:
            rows.append((grant.pk, waiting.whom, tuple(str(what) for what in waiting.what)))
    return rows


def _shown(response) -> list[tuple[int, str, tuple]]:
    return [
        (grant.pk, grant.waiting_for.whom, tuple(str(what) for what in grant.waiting_for.what))
        for grant in response.context["grants"]
    ]


@pytest.mark.parametrize("whom", [None, "coordinator", "grantee"])
def test_grant_list_every_page_shows_what_each_grant_waits_for_as_read_on_its_own(
    client, per_page, whom
):
    call = _call_with_grants(len(STAGES))
    client.force_login(CoordinatorFactory())
    expected = _from_scratch(call, whom)
    url = reverse("projects_manage:grants", args=[call.pk])
    query = f"waiting={whom}&" if whom else ""

    pages = [
        client.get(f"{url}?{query}page={number}")
        for number in range(1, -(-len(expected) // PER_PAGE) + 1)
    ]

    assert [row for page in pages for row in _shown(page)] == expected
    assert all(page.context["page_obj"].paginator.count == len(expected) for page in pages)


@pytest.mark.parametrize("query", ["", "waiting=coordinator&", "state=active&"])
def test_grant_list_takes_the_same_queries_for_a_few_grants_or_many(
    client, per_page, django_assert_max_num_queries, query
):
    # A row of each filter among the few: an empty page would skip reading its rows.
    few, many = _call_with_grants(2, ["ready", "active"]), _call_with_grants(3 * len(STAGES))
    client.force_login(CoordinatorFactory())
    few_url = reverse("projects_manage:grants", args=[few.pk])
    client.get(few_url)
    with django_assert_max_num_queries(12) as counted:
        client.get(f"{few_url}?{query}")

    with django_assert_max_num_queries(len(counted.captured_queries)):
        response = client.get(f"{reverse('projects_manage:grants', args=[many.pk])}?{query}page=2")

    assert len(response.context["grants"]) == PER_PAGE

"""The committee's page lists the ranked applications fifty at a time, from the ranking snapshot."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from applicants.models import Application
from decisions.tests.test_manage_pages import post_decision
from reviews.models import RankingState
from reviews.tests.builders import bulk_ranked_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(CoordinatorFactory())
    return client


def table_rows(html: str) -> list[int]:
    """Positions shown in the ranked table, top to bottom, and 0 where the funding line is drawn."""
    table = html.split("decisions-table", 1)[1].split("</table>", 1)[0]
    marks = re.findall(
        r'<tr (?:class="funding-line" data-funding-line|[^>]*data-position="(\d+)")', table
    )
    return [int(mark) if mark else 0 for mark in marks]


def test_call_page_shows_50_ranked_rows_a_page_with_the_funding_line_once(coordinator_client):
    call = bulk_ranked_call(130)
    line_after = RankingState.objects.get(call=call).line_after_final
    url = reverse("decisions:call", args=[call.pk])

    first = table_rows(coordinator_client.get(url).text)
    second = table_rows(coordinator_client.get(f"{url}?page=2").text)
    third = table_rows(coordinator_client.get(f"{url}?page=3").text)

    assert [p for p in first if p] == list(range(1, 51))
    assert [p for p in second if p] == list(range(51, 101))
    assert [p for p in third if p] == list(range(101, 131))
    both = first + second + third
    assert both.count(0) == 1  # the line, drawn on the page of the last row it covers
    assert both[both.index(0) - 1] == line_after


def test_call_page_brings_the_committee_back_to_the_page_of_the_row_it_decided(
    coordinator_client,
):
    call = bulk_ranked_call(130)
    response = coordinator_client.get(reverse("decisions:call", args=[call.pk]) + "?page=2")
    last = re.findall(r'id="row-(\d+)"', response.text)[-1]
    application = Application.objects.get(pk=int(last))

    response = post_decision(
        coordinator_client, application, outcome="rejected", justification="Za mało punktów."
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=2#row-{application.pk}")


def test_call_page_reads_the_same_queries_on_any_page_of_a_large_call(
    coordinator_client, django_assert_max_num_queries
):
    small, large = bulk_ranked_call(3), bulk_ranked_call(130)
    coordinator_client.get(reverse("decisions:call", args=[small.pk]))  # session warm
    with django_assert_max_num_queries(12) as few:
        coordinator_client.get(reverse("decisions:call", args=[small.pk]))
    for query in ("", "?page=2"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = coordinator_client.get(reverse("decisions:call", args=[large.pk]) + query)
        assert response.status_code == 200


def test_call_page_describes_each_rows_fields_only_by_texts_the_page_shows(coordinator_client):
    call = bulk_ranked_call(3)
    application = Application.objects.filter(call=call).order_by("pk").first()
    url = reverse("decisions:call", args=[call.pk])

    shown = coordinator_client.get(url).text
    # A refused row comes back with its errors beside the fields.
    refused = post_decision(coordinator_client, application, outcome="awarded", amount="-5").text

    for html in (shown, refused):
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described
        missing = {ref for refs in described for ref in refs.split() if ref not in ids}
        assert missing == set()
    assert 'aria-describedby="decision-rules"' in shown
    assert "-error decision-rules" in refused

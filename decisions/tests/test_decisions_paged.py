"""The committee's page lists the ranked applications fifty at a time, from the ranking snapshot."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application
from decisions.enums import DecisionLapse, DecisionOutcome, DecisionState
from decisions.models import Decision
from decisions.services import decision_record, decisions_award_above_line
from decisions.tests.test_manage_pages import post_decision
from reviews.models import RankingState
from reviews.models_ranking import RankingEntry
from reviews.ranking_snapshot import ranking_rebuild
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


# --- Below the ranking: the formally rejected and the lapsed, bounded ------------------------


def bulk_applications(call, numbers, *, status: str, title: str, **fields) -> list[Application]:
    """Applications of `call` with these numbers in `status`, written in bulk (rows for reading)."""
    return Application.objects.bulk_create(
        Application(
            call=call,
            applicant=None,
            status=status,
            number_in_call=number,
            reference_number=f"{call.reference_code}/2027/{number:04d}",
            title=f"{title} nr {number}",
            applicant_kind=ApplicantKind.GROUP,
            applicant_name=f"Grupa nr {number}",
            last_submitted_at=timezone.now(),
            **{"requested_amount": Decimal("1000.00"), **fields},
        )
        for number in numbers
    )


def bulk_formally_rejected(call, count: int, *, first_number: int = 1000) -> list[Application]:
    return bulk_applications(
        call,
        range(first_number, first_number + count),
        status=ApplicationStatus.FORMALLY_REJECTED,
        title="Odrzucony",
        rejection_reasons="Brak podpisanego oświadczenia.",
    )


def bulk_lapsed(call, count: int, *, amount=Decimal("500.00")) -> list[Decision]:
    """`count` draft awards lapsed because their applications were withdrawn (rows for reading)."""
    coordinator = CoordinatorFactory()
    applications = bulk_applications(
        call,
        range(5000, 5000 + count),
        status=ApplicationStatus.WITHDRAWN,
        title="Wycofany",
        requested_amount=amount,
    )
    return Decision.objects.bulk_create(
        Decision(
            application=application,
            call=call,
            outcome=DecisionOutcome.AWARDED,
            amount=amount,
            decided_by=coordinator,
            state=DecisionState.LAPSED,
            lapsed_at=timezone.now(),
            lapsed_reason=DecisionLapse.WITHDRAWN,
        )
        for application in applications
    )


def rejected_rows(html: str) -> list[str]:
    section = html.split('id="formal-rejections"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row" class="text-nowrap"><a href="[^"]+">([^<]+)</a>', section)


def test_formally_rejected_applications_are_listed_fifty_a_page_in_number_order(
    coordinator_client,
):
    call = bulk_ranked_call(3)
    rejected = bulk_formally_rejected(call, 120)
    numbers = [application.reference_number for application in rejected]
    url = reverse("decisions:call", args=[call.pk])

    first = coordinator_client.get(url).text
    second = coordinator_client.get(f"{url}?rejected=2").text
    third = coordinator_client.get(f"{url}?page=1&rejected=3").text
    beyond = coordinator_client.get(f"{url}?rejected=9").text

    assert rejected_rows(first) == numbers[:50]
    assert rejected_rows(second) == numbers[50:100]
    assert rejected_rows(third) == numbers[100:]
    assert rejected_rows(beyond) == numbers[:50]  # past the last page: the first one
    assert 'href="?rejected=2#formal-rejections" rel="next"' in first
    assert 'rel="prev"' not in first.split('id="formal-rejections"', 1)[1]
    assert 'href="?page=1&amp;rejected=2#formal-rejections" rel="prev"' in third
    assert 'rel="next"' not in third.split('id="formal-rejections"', 1)[1]


def test_recording_a_formal_rejection_comes_back_to_its_page_of_the_list(coordinator_client):
    call = bulk_ranked_call(3)
    rejected = bulk_formally_rejected(call, 120)
    application = rejected[110]

    response = coordinator_client.post(reverse("decisions:record", args=[application.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?rejected=3#row-{application.pk}")
    assert Decision.objects.get(application=application).outcome == (
        DecisionOutcome.FORMALLY_REJECTED
    )
    page = coordinator_client.get(response["Location"]).text
    assert application.reference_number in rejected_rows(page)


def test_lapsed_decisions_show_the_first_fifty_and_free_the_money_of_all(coordinator_client):
    call = bulk_ranked_call(3)
    bulk_lapsed(call, 60)

    html = coordinator_client.get(reverse("decisions:call", args=[call.pk])).text

    assert html.count("data-lapsed-decision=") == 50
    assert "The first 50 of 60 lapsed decisions" in html
    # 60 × 500 zł lapsed: the hint counts every one of them, not only those listed.
    hint = html.split("data-lapsed-hint", 1)[1].split("</div>", 1)[0]
    assert re.search(r"30[\s\u00a0]000,00", hint), hint


def test_call_page_with_many_rejected_and_lapsed_reads_as_few_queries_as_with_none(
    coordinator_client, django_assert_max_num_queries
):
    quiet, busy = bulk_ranked_call(3), bulk_ranked_call(60)
    bulk_formally_rejected(quiet, 1)
    bulk_lapsed(quiet, 1)
    bulk_formally_rejected(busy, 130)
    bulk_lapsed(busy, 70)
    coordinator_client.get(reverse("decisions:call", args=[quiet.pk]))  # session warm
    with django_assert_max_num_queries(12) as few:
        coordinator_client.get(reverse("decisions:call", args=[quiet.pk]))
    for query in ("", "?rejected=2&page=2"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = coordinator_client.get(reverse("decisions:call", args=[busy.pk]) + query)
        assert response.status_code == 200


def award_above_line_offer(html: str) -> int:
    match = re.search(r"This awards the requested amount to (\d+) application", html)
    return int(match.group(1)) if match else 0


def test_award_above_line_offer_counts_what_the_bulk_award_then_awards(coordinator_client):
    call = bulk_ranked_call(40)
    call.min_score = Decimal("15")  # the builder's scores are low for forty rows
    call.save(update_fields=["min_score"])
    ranking_rebuild(call_id=call.pk)
    coordinator = CoordinatorFactory()
    above = list(
        RankingEntry.objects.filter(call=call, above_line_final=True)
        .order_by("position_final")
        .values_list("application_id", flat=True)
    )
    below = list(
        RankingEntry.objects.filter(call=call, above_line_final=False).values_list(
            "application_id", flat=True
        )
    )
    assert len(above) >= 8 and below
    applications = Application.objects.in_bulk(above + below[:2])
    # Awarded above the line: done. Rejected or on the reserve list (drafts): still to award.
    for pk in above[:3]:
        decision_record(
            application=applications[pk],
            outcome=DecisionOutcome.AWARDED,
            amount=applications[pk].requested_amount,
            by=coordinator,
        )
    decision_record(
        application=applications[above[3]],
        outcome=DecisionOutcome.REJECTED,
        justification="Nie.",
        by=coordinator,
    )
    decision_record(application=applications[above[4]], outcome="reserve", by=coordinator)
    # Below the line, awarded: does not lower the count of those above it.
    decision_record(
        application=applications[below[0]],
        outcome=DecisionOutcome.AWARDED,
        amount=applications[below[0]].requested_amount,
        below_threshold_reason="Wyróżnienie jury za pomysł.",
        by=coordinator,
    )
    url = reverse("decisions:call", args=[call.pk])

    offered = award_above_line_offer(coordinator_client.get(url).text)

    assert offered == len(above) - 3
    assert decisions_award_above_line(call=call, by=coordinator) == offered
    assert award_above_line_offer(coordinator_client.get(url).text) == 0

"""The reviewer's dashboard: open work first (the soonest due first), finished calls last, a page
at a time, in the same number of queries however many assignments there are."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from grants.enums import CallStatus
from grants.tests.factories import GrantCallFactory
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import PoolMember, Review, ReviewAssignment
from reviews.selectors import DASHBOARD_PAGE_SIZE

pytestmark = pytest.mark.django_db


def call_in_review(title: str, *, closed_days_ago: int = 10, status=CallStatus.IN_REVIEW):
    now = timezone.now()
    return GrantCallFactory(
        title=title,
        status=status,
        opens_at=now - timedelta(days=closed_days_ago + 30),
        closes_at=now - timedelta(days=closed_days_ago),
    )


def assigned(reviewer, call, *, due_in_days: int, submitted=False, application_status=None):
    application = ApplicationFactory(
        call=call, status=application_status or ApplicationStatus.IN_REVIEW
    )
    PoolMember.objects.get_or_create(call=call, reviewer=reviewer)
    assignment = ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=reviewer,
        status=AssignmentStatus.DECLARED if submitted else AssignmentStatus.ASSIGNED,
        due_at=timezone.now() + timedelta(days=due_in_days),
    )
    if submitted:
        Review.objects.create(
            assignment=assignment,
            status=ReviewStatus.SUBMITTED,
            total=Decimal("60"),
            submitted_at=timezone.now(),
        )
    return assignment


def call_headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="call-\d+-heading" class="h4 mb-1">([^<]+)</h2>', html)


def test_dashboard_lists_calls_with_open_work_first_soonest_due_first_and_finished_calls_last(
    client,
):
    reviewer = UserFactory()
    done_recently = call_in_review("Zrobione niedawno", closed_days_ago=2)
    assigned(reviewer, done_recently, due_in_days=-1, submitted=True)
    decided = call_in_review("Wyniki ogłoszone", closed_days_ago=40, status=CallStatus.DECIDED)
    assigned(reviewer, decided, due_in_days=-20, application_status=ApplicationStatus.AWARDED)
    later = call_in_review("Termin za dziesięć dni")
    assigned(reviewer, later, due_in_days=10)
    sooner = call_in_review("Termin za dwa dni", closed_days_ago=30)
    assigned(reviewer, sooner, due_in_days=2)
    assigned(reviewer, sooner, due_in_days=20, submitted=True)

    client.force_login(reviewer)
    html = client.get(reverse("reviews:dashboard")).content.decode()

    assert call_headings(html) == [
        "Termin za dwa dni",
        "Termin za dziesięć dni",
        "Zrobione niedawno",  # finished: the latest call first
        "Wyniki ogłoszone",
    ]


def test_dashboard_lists_a_calls_open_assignments_by_due_date_before_its_finished_ones(client):
    reviewer = UserFactory()
    call = call_in_review("Jeden nabór")
    finished = assigned(reviewer, call, due_in_days=1, submitted=True)
    third = assigned(reviewer, call, due_in_days=9)
    first = assigned(reviewer, call, due_in_days=-2)  # overdue
    second = assigned(reviewer, call, due_in_days=4)

    client.force_login(reviewer)
    response = client.get(reverse("reviews:dashboard"))

    (group,) = response.context["groups"]
    assert [row.assignment for row in group.rows] == [first, second, third, finished]
    assert [row.overdue for row in group.rows] == [True, False, False, False]
    assert (group.total, group.submitted, group.to_declare, group.overdue) == (4, 1, 3, 1)


def test_dashboard_shows_a_page_at_a_time_with_the_calls_counts_over_every_page(client):
    reviewer = UserFactory()
    call = call_in_review("Duży nabór")
    count = 2 * DASHBOARD_PAGE_SIZE + 5
    for index in range(count):
        assigned(reviewer, call, due_in_days=index + 1, submitted=index % 3 == 0)

    client.force_login(reviewer)
    first = client.get(reverse("reviews:dashboard"))
    (group,) = first.context["groups"]
    assert len(group.rows) == DASHBOARD_PAGE_SIZE
    assert group.total == count  # the progress counts every page, not only this one
    html = " ".join(first.content.decode().split())
    assert f"Wyświetlane: 1–{DASHBOARD_PAGE_SIZE} z {count}." in html
    assert 'href="?page=2" rel="next"' in html

    last = client.get(reverse("reviews:dashboard") + "?page=3")
    (group,) = last.context["groups"]
    assert len(group.rows) == 5
    assert all(row.state == "submitted" for row in group.rows)  # finished work on the last page
    seen = {
        row.assignment.pk
        for page in (1, 2, 3)
        for group in client.get(reverse("reviews:dashboard") + f"?page={page}").context["groups"]
        for row in group.rows
    }
    assert len(seen) == count  # no assignment is skipped or shown twice


def dashboard_queries(client, reviewer, page=1) -> int:
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:dashboard") + f"?page={page}").status_code == 200
    return len(queries)


def test_dashboard_takes_the_same_queries_for_five_or_sixty_assignments_on_any_page(
    client, django_assert_max_num_queries
):
    few_reviewer, many_reviewer = UserFactory(), UserFactory()
    for index in range(5):
        assigned(few_reviewer, call_in_review(f"Mały nabór {index}"), due_in_days=index)
    calls = [call_in_review(f"Nabór {index}") for index in range(6)]
    for index in range(60):
        assigned(many_reviewer, calls[index % 6], due_in_days=index - 5, submitted=index % 4 == 0)
    few = dashboard_queries(client, few_reviewer)
    for page in (1, 3):
        client.force_login(many_reviewer)
        with django_assert_max_num_queries(few):
            client.get(reverse("reviews:dashboard") + f"?page={page}")

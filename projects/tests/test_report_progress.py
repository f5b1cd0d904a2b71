"""Whom a grant waits for in its second half (under way, reports, settled, closed): the grant
pages (Python, from prefetched rows) and the list (SQL) agree, and the start pages say it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from core.formatting import format_date
from projects.models import Grant
from projects.progress import WaitingWhom, grantee_next_step, progress_of, waiting_for
from projects.selectors import (
    grant_get_for_coordinator,
    grants_with_progress,
    progress_from_row,
)
from projects.tests.progress_rows import grant_at

pytestmark = pytest.mark.django_db


def in_days(days: int) -> str:
    """A date `days` from today, as the pages write it: worked out when the test runs (a suite
    that crosses midnight in Warsaw would otherwise expect yesterday's dates)."""
    return format_date(timezone.localdate() + timedelta(days=days))


SECOND_HALF = [
    ("report_due", WaitingWhom.GRANTEE, ["sprawozdanie do {in_10_days}", "dokumenty na bieżąco"]),
    (
        "report_overdue",
        WaitingWhom.GRANTEE,
        ["sprawozdanie spóźnione o 12 dni", "dokumenty na bieżąco"],
    ),
    ("report_submitted", WaitingWhom.COORDINATOR, ["sprawozdanie do sprawdzenia"]),
    (
        "report_corrections",
        WaitingWhom.GRANTEE,
        ["poprawki sprawozdania do {in_7_days}", "dokumenty na bieżąco"],
    ),
    ("settled_return", WaitingWhom.GRANTEE, ["zwrot 250,00\xa0zł do {in_14_days}"]),
    ("settled_payment", WaitingWhom.COORDINATOR, ["wypłata do zrobienia"]),
    ("settled", WaitingWhom.COORDINATOR, ["grant do zamknięcia"]),
    ("closed", WaitingWhom.NOBODY, []),
]


@pytest.mark.parametrize(("stage", "whom", "what"), SECOND_HALF)
def test_waiting_for_second_half_agrees_between_pages_and_list(stage, whom, what):
    dates = {f"in_{days}_days": in_days(days) for days in (7, 10, 14)}
    what = [text.format(**dates) for text in what]
    grant = grant_at(stage)

    on_page = waiting_for(progress_of(grant_get_for_coordinator(pk=grant.pk)))
    row = grants_with_progress(Grant.objects.filter(pk=grant.pk)).get()
    in_list = waiting_for(progress_from_row(row))

    assert (on_page.whom, on_page.what) == (whom, what)
    assert (in_list.whom, in_list.what) == (whom, what)
    assert row.waiting_whom == whom  # the SQL filter


def test_grant_list_filters_the_second_half_by_whom_it_waits_for(client):
    due = grant_at("report_due")
    call = due.call
    submitted = grant_at("report_submitted", application__call=call)
    closed = grant_at("closed", application__call=call)
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:grants", kwargs={"pk": call.pk})

    def shown(whom):
        return {g.pk for g in client.get(url, {"waiting": whom}).context["grants"]}

    assert shown("grantee") == {due.pk}
    assert shown("coordinator") == {submitted.pk}
    assert shown("nobody") == {closed.pk}


def test_grantee_next_step_names_the_report_due_and_the_documents():
    grant = grant_at("report_overdue")

    step = grantee_next_step(progress_of(grant_get_for_coordinator(pk=grant.pk)))

    assert [todo.where for todo in step.todo] == ["documents", "reports"]
    assert str(step.todo[1]) == "Złóż sprawozdanie końcowe: termin minął 12 dni temu."
    assert step.tone == "warning"


def test_start_pages_list_reports_to_check_and_grants_to_close(client):
    submitted = grant_at("report_submitted")
    grant_at("settled", application__call=submitted.call)
    client.force_login(CoordinatorFactory())

    page = " ".join(client.get(reverse("manage_root")).content.decode().split())

    assert "1 sprawozdanie do sprawdzenia" in page
    assert "1 grant do zamknięcia" in page


def test_grantee_start_page_lists_the_report_due(client):
    grant = grant_at("report_overdue")
    client.force_login(grant.application.applicant)

    page = " ".join(client.get(reverse("applicants:my_applications")).content.decode().split())

    assert "Złóż sprawozdanie końcowe" in page

"""The amendment pages: the grantee's form with its check, their list, the panels, the
coordinator's answer page and the call's list of requests waiting."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from projects.amendment_requests import amendment_approve, amendment_request
from projects.enums import AmendmentState
from projects.models import Amendment
from projects.tests.factories import SCHEDULE, accepted_grants, active_grant

pytestmark = pytest.mark.django_db


def form_data(grant, *totals, action="send", why="Sadzonki podrożały.", ends_on="2027-06-30"):
    """The form as the browser sends it, each existing line set to quantity 1 × `totals`."""
    lines = list(grant.budget_lines.all())
    data = {
        "budget-TOTAL_FORMS": str(len(lines)),
        "budget-INITIAL_FORMS": str(len(lines)),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "40",
        "schedule-TOTAL_FORMS": str(len(SCHEDULE)),
        "schedule-INITIAL_FORMS": str(len(SCHEDULE)),
        "schedule-MIN_NUM_FORMS": "0",
        "schedule-MAX_NUM_FORMS": "30",
        "ends_on": ends_on,
        "justification": why,
        "action": action,
    }
    for i, (line, total) in enumerate(zip(lines, totals, strict=True)):
        data.update(
            {
                f"budget-{i}-line": str(line.pk),
                f"budget-{i}-category": line.category,
                f"budget-{i}-item": line.item,
                f"budget-{i}-unit": line.unit,
                f"budget-{i}-quantity": "1",
                f"budget-{i}-unit_cost": total,
                f"budget-{i}-own_contribution": str(line.own_contribution),
            }
        )
    for i, row in enumerate(SCHEDULE):
        data.update({f"schedule-{i}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def grant():
    return active_grant()


def test_amendment_form_shows_the_current_lines_and_end_date(client, grant):
    client.force_login(grant.application.applicant)

    page = client.get(reverse("projects:amendment_new", kwargs={"pk": grant.pk})).content.decode()

    assert "Sadzonki i ziemia" in page and "Warsztaty z ogrodnikiem" in page
    assert 'value="2027-06-30"' in page


def test_amendment_form_check_says_it_needs_approval_and_why(client, grant):
    client.force_login(grant.application.applicant)
    url = reverse("projects:amendment_new", kwargs={"pk": grant.pk})

    page = client.post(url, form_data(grant, "1650,01", "1849,99", action="check")).content.decode()

    assert 'data-verdict="approval"' in page
    assert "Sadzonki i ziemia" in page and "1650,01" in page.replace("\xa0", "").replace(" ", "")
    assert not Amendment.objects.exists()


def test_amendment_form_htmx_check_answers_with_the_verdict_only(client, grant):
    client.force_login(grant.application.applicant)
    url = reverse("projects:amendment_new", kwargs={"pk": grant.pk})

    response = client.post(
        url, form_data(grant, "1650,00", "1850,00", why=""), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert 'data-verdict="notified"' in page
    assert "<html" not in page
    assert not Amendment.objects.exists()


def test_amendment_form_send_records_a_request_for_the_coordinator(client, grant):
    client.force_login(grant.application.applicant)
    url = reverse("projects:amendment_new", kwargs={"pk": grant.pk})

    response = client.post(url, form_data(grant, "2000,00", "1500,00"))

    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.state == AmendmentState.REQUESTED
    listing = client.get(response["Location"]).content.decode()
    assert 'data-amendment-state="requested"' in listing
    assert "Sadzonki podrożały." in listing


def test_amendment_form_refuses_a_budget_that_leaves_the_award(client, grant):
    client.force_login(grant.application.applicant)
    url = reverse("projects:amendment_new", kwargs={"pk": grant.pk})

    page = client.post(url, form_data(grant, "1800,00", "2000,00")).content.decode()

    assert 'data-verdict="problems"' in page
    assert not Amendment.objects.exists()


def test_amendment_grant_pages_show_the_panel_with_the_annex(
    client, grant, django_capture_on_commit_callbacks
):
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Później.",
        ends_on=date(2027, 8, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        amendment_approve(amendment=amendment, by=CoordinatorFactory())
    number = f"{grant.reference_number}/A1"

    client.force_login(grant.application.applicant)
    mine = client.get(grant.get_absolute_url()).content.decode()
    assert number in mine and "data-annex-pdf" in mine
    pdf = client.get(
        reverse("projects:amendment_pdf", kwargs={"pk": grant.pk, "amendment_pk": amendment.pk})
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    client.force_login(CoordinatorFactory())
    theirs = client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})).content.decode()
    assert number in theirs


def test_amendment_answer_page_shows_before_and_after_and_approves(client, grant):
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Więcej sadzonek.",
        lines=[
            {"id": line.pk, "quantity": 1, "unit_cost": total}
            for line, total in zip(grant.budget_lines.all(), ("2000.00", "1500.00"), strict=True)
        ],
    )
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:amendment", kwargs={"pk": amendment.pk})

    page = client.get(url).content.decode().replace("\xa0", " ")
    assert "Więcej sadzonek." in page
    assert "1 500,00 zł" in page and "2 000,00 zł" in page

    refused = client.post(url, {"decision": "refuse", "reason": ""})
    assert refused.status_code == 200
    assert Amendment.objects.get().state == AmendmentState.REQUESTED

    client.post(url, {"decision": "approve"})
    approved = Amendment.objects.get()
    assert approved.state == AmendmentState.APPROVED
    assert approved.number == f"{grant.reference_number}/A1"


def test_amendment_call_list_shows_requests_waiting_in_fixed_queries(
    client, django_assert_max_num_queries
):
    grants = accepted_grants(3)
    from projects.amendments import amendment_transition

    def waiting(grant):
        amendment_transition(
            Amendment(grant=grant, kinds=["extension"], justification="x"),
            AmendmentState.REQUESTED,
            by=grant.application.applicant,
        )

    waiting(grants[0])
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:amendments", kwargs={"pk": grants[0].call_id})
    with django_assert_max_num_queries(12) as one:
        page = client.get(url).content.decode()
    assert page.count("data-amendment=") == 1
    waiting(grants[1])
    waiting(grants[2])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("data-amendment=") == 3
    assert grants[2].reference_number in page


def test_amendment_annex_is_being_prepared_until_the_worker_renders_it(
    client, grant, django_capture_on_commit_callbacks
):
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Później.",
        ends_on=date(2027, 8, 31),
    )
    with django_capture_on_commit_callbacks(execute=False):  # the worker hasn't run yet
        amendment_approve(amendment=amendment, by=CoordinatorFactory())
    client.force_login(grant.application.applicant)
    page = client.get(grant.get_absolute_url()).content.decode()
    assert "data-annex-preparing" in page and "data-annex-pdf" not in page

    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:amendment", kwargs={"pk": amendment.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "annex"})

    assert Amendment.objects.get().pdf
    assert "data-annex-pdf" in client.get(url).content.decode()

"""The settlement panel on both grant pages: the figures, the PDF, what the grantee must do, and
the coordinator's return received, correction and closing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from core.formatting import format_money
from projects.enums import GrantState, ReportState
from projects.models import Grant
from projects.settlement_pdf import settlement_pdf_store
from projects.settlements import settlement_withdraw
from projects.tests.factories import active_grant
from projects.tests.settlement_helpers import final_report, spend

pytestmark = pytest.mark.django_db


def manage_url(grant):
    return reverse("projects_manage:grant", kwargs={"pk": grant.pk})


def grantee_url(grant):
    return reverse("projects:grant", kwargs={"pk": grant.pk})


@pytest.fixture
def with_return():
    """A grant whose partly accepted final report leaves 550,50 zł to return; its PDF stored."""
    grant = active_grant()
    spend(grant, number="FV/1", l0=("1500", "0"))
    spend(grant, number="FV/2", ineligible="250.50", l1=("1200", "500"))
    settlement = final_report(grant, state=ReportState.PARTIALLY_ACCEPTED).settlements.get()
    return grant, settlement_pdf_store(settlement_id=settlement.pk)


def test_settlement_panel_tells_the_grantee_what_to_return_by_when(client, with_return):
    grant, settlement = with_return
    client.force_login(grant.application.applicant)
    page = client.get(grantee_url(grant)).content.decode()
    assert f"Zwróć {format_money(Decimal('550.50'))} do" in page
    assert settlement.number in page
    assert "Zamknij grant" not in page and "Oznacz zwrot" not in page
    pdf = client.get(reverse("projects:settlement_pdf", args=[grant.pk, settlement.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_settlement_panel_close_is_refused_then_done_after_the_return(client, with_return):
    grant, settlement = with_return
    client.force_login(CoordinatorFactory())
    page = client.get(manage_url(grant)).content.decode()
    assert "Zwrot od grantobiorcy jeszcze nie wpłynął." in page
    refused = client.post(reverse("projects_manage:close", args=[grant.pk]), follow=True)
    assert "Grantu nie można jeszcze zamknąć" in refused.content.decode()
    assert Grant.objects.get(pk=grant.pk).state == GrantState.SETTLED

    client.post(
        reverse("projects_manage:settlement_returned", args=[grant.pk, settlement.pk]),
        {"received_on": timezone.localdate().isoformat(), "reference": "PRZELEW 77"},
    )
    page = client.get(manage_url(grant)).content.decode()
    assert "PRZELEW 77" in page and "Zamknij grant" in page
    closed = client.post(reverse("projects_manage:close", args=[grant.pk]), follow=True)
    assert "Grant zamknięty" in closed.content.decode()

    client.force_login(grant.application.applicant)
    page = client.get(grantee_url(grant)).content.decode()
    assert "Grant został zamknięty" in page


def test_settlement_panel_refuses_a_future_return_date(client, with_return):
    grant, settlement = with_return
    client.force_login(CoordinatorFactory())
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(
        reverse("projects_manage:settlement_returned", args=[grant.pk, settlement.pk]),
        {"received_on": tomorrow.isoformat()},
        follow=True,
    )
    assert "Data wpływu nie może być z przyszłości." in response.content.decode()
    settlement.refresh_from_db()
    assert settlement.state == "return_due"


def test_settlement_panel_withdraw_issues_the_next_version(client, with_return):
    grant, settlement = with_return
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("projects_manage:settlement_withdraw", args=[grant.pk, settlement.pk]),
        {"reason": "Błędna kwota na FV/2"},
        follow=True,
    )
    page = response.content.decode()
    assert f"{grant.reference_number}/R2" in page
    assert "Wcześniejsze wersje" in page


def test_settlement_panel_shows_the_last_instalment_due(client):
    grant = active_grant(advance="80")
    spend(grant, l0=("1500", "0"), l1=("1500", "0"))
    final_report(grant)
    client.force_login(grant.application.applicant)
    page = client.get(grantee_url(grant)).content.decode()
    assert f"Wypłacimy Ci ostatnią transzę: {format_money(Decimal('600'))}" in page


def test_settlement_panel_keeps_the_grant_pages_queries_fixed(client, with_return):
    grant, settlement = with_return
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as one:
        client.get(manage_url(grant))
    second = settlement_withdraw(settlement=settlement, by=coordinator, reason="korekta 1")
    settlement_withdraw(settlement=second, by=coordinator, reason="korekta 2")
    with CaptureQueriesContext(connection) as three:
        page = client.get(manage_url(grant)).content.decode()
    assert f"{grant.reference_number}/R3" in page
    assert len(three.captured_queries) <= len(one.captured_queries)


def test_settled_grant_page_offers_no_termination(client, with_return):
    grant, _settlement = with_return
    client.force_login(CoordinatorFactory())
    page = client.get(manage_url(grant)).content.decode()
    assert reverse("projects_manage:terminate", args=[grant.pk]) not in page

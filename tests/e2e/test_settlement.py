"""The settlement in a browser: from an accepted final report, the coordinator sees the
settlement with its return, downloads the PDF, marks the return received and closes the grant;
the grantee sees it closed (var/screenshots/settlement-*.png at 1366 and 390 px)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from projects.enums import ReportState
from projects.tests.factories import active_grant
from projects.tests.settlement_helpers import final_report, spend
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def settled_grant():
    """A grant whose final report was partly accepted: one receipt partly not eligible, so
    550,50 zł is to be returned. Its PDF is rendered by the (immediate) task queue on commit."""
    grant = active_grant()
    spend(grant, number="FV/2027/05/3", l0=("1500", "0"))
    spend(grant, number="PAR/118", ineligible="250.50", l1=("1200", "500"))
    final_report(grant, state=ReportState.PARTIALLY_ACCEPTED)
    return grant


def test_coordinator_settles_receives_the_return_and_closes_the_grant(
    page, live_server, axe, screenshot, settled_grant
):
    grant = settled_grant
    log_in(page, live_server.url, grant.application.applicant.email)
    page.goto(live_server.url + reverse("projects:grant", kwargs={"pk": grant.pk}))
    panel = page.locator("[data-settlement-panel]")
    assert "Zwróć 550,50\xa0zł do" in panel.inner_text()
    screenshot("settlement-grantee-return")
    axe(page, "grantee settlement")

    page.context.clear_cookies()
    log_in(page, live_server.url, CoordinatorFactory().email)
    page.goto(live_server.url + reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    panel = page.locator("[data-settlement-panel]")
    assert "550,50\xa0zł" in panel.locator("[data-return-amount]").inner_text()
    assert "Zwrot od grantobiorcy jeszcze nie wpłynął." in panel.inner_text()
    axe(page, "coordinator settlement")
    screenshot("settlement-coordinator-return")

    with page.expect_download() as download:
        panel.locator("[data-settlement-pdf]").click()
    pdf = download.value
    assert pdf.suggested_filename == f"{grant.reference_number.replace('/', '-')}-R1.pdf"
    with open(pdf.path(), "rb") as source:
        reader = PdfReader(io.BytesIO(source.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert f"{grant.reference_number}/R1" in text and "550,50 zł" in text

    panel.locator("[data-return-received-form] input[name=reference]").fill("PRZELEW 2027/118")
    panel.get_by_role("button", name="Oznacz zwrot jako otrzymany").click()
    assert "Zwrot oznaczony jako otrzymany" in page.locator("body").inner_text()
    page.get_by_role("button", name="Zamknij grant").click()
    assert "Grant zamknięty" in page.locator("body").inner_text()
    screenshot("settlement-coordinator-closed")

    page.context.clear_cookies()
    log_in(page, live_server.url, grant.application.applicant.email)
    page.goto(live_server.url + reverse("projects:grant", kwargs={"pk": grant.pk}))
    assert page.locator("[data-grant-state]").inner_text() == "Zamknięty"
    assert "Grant został zamknięty" in page.locator("[data-grant-closed]").inner_text()
    axe(page, "grantee closed grant")
    screenshot("settlement-grantee-closed")

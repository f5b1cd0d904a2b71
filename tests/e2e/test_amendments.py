"""Amendments in a browser: the grantee asks for a budget shift on a phone and sees at once
that it needs approval; the coordinator approves it from the call's list; the annex PDF
downloads (var/screenshots/amendment-*.png at 1366 and 390 px)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory
from projects.enums import AmendmentState
from projects.models import Amendment
from projects.tests.factories import active_grant
from tests.e2e.test_grant_lifecycle import as_user, download, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def test_grantee_asks_for_a_shift_on_a_phone_and_the_coordinator_approves(
    page, live_server, axe, screenshot
):
    grant = active_grant()
    coordinator = CoordinatorFactory()
    base = live_server.url

    page.set_viewport_size({"width": 390, "height": 844})
    as_user(page, base, grant.application.applicant.email)
    page.goto(base + grant.get_absolute_url())
    page.get_by_role("link", name="Poproś o zmianę").click()
    # Materials 10 × 150 → 10 × 200 zł (a third more); the workshops' own contribution pays.
    type_into(page, "#id_budget-0-unit_cost", "200,00")
    type_into(page, "#id_budget-1-own_contribution", "1000,00")
    page.locator("#id_justification").click()
    verdict = page.locator("[data-amendment-verdict]")
    expect(verdict.locator('[data-verdict="approval"]')).to_be_visible()
    assert "wymaga zgody" in verdict.inner_text()
    assert "Sadzonki i ziemia" in verdict.inner_text()
    page.locator("#id_justification").fill("Zgłosiło się dwa razy więcej dzieci.")
    axe(page, "amendment request")
    screenshot("amendment-request")
    page.get_by_role("button", name="Wyślij zmianę").click()
    expect(page.locator('[data-amendment-state="requested"]')).to_be_visible()
    axe(page, "grantee amendments")
    screenshot("amendment-list")

    page.set_viewport_size({"width": 1366, "height": 768})
    as_user(page, base, coordinator.email)
    page.goto(base + reverse("projects_manage:amendments", kwargs={"pk": grant.call_id}))
    axe(page, "call amendments")
    screenshot("amendment-call-list")
    page.locator("[data-amendments-waiting] a").first.click()
    assert (
        "Zgłosiło się dwa razy więcej dzieci." in page.locator("[data-justification]").inner_text()
    )
    axe(page, "amendment answer")
    screenshot("amendment-answer")
    page.get_by_label("Zatwierdź").check()
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.locator('[data-amendment-state="approved"]')).to_be_visible()
    name, pdf = download(page, lambda: page.locator("[data-annex-pdf]").click())
    assert name == f"{grant.reference_number.replace('/', '-')}-A1.pdf"
    assert pdf.startswith(b"%PDF")
    assert Amendment.objects.get().state == AmendmentState.APPROVED

    as_user(page, base, grant.application.applicant.email)
    page.goto(base + grant.get_absolute_url())
    expect(page.locator("[data-amendments-panel] [data-annex-pdf]")).to_be_visible()
    axe(page, "grantee grant page with an annex")
    screenshot("amendment-grant-panel")

"""The grant's pages in a browser, as the grantee and a coordinator see them, and the call's
grants list (var/screenshots/grant-*.png at 1366 and 390 px)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from grants.tests.factories import GrantCallFactory
from projects.tests.factories import GrantFactory
from projects.tests.progress_rows import add_bank_account, grant_at
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_grantee_reads_what_to_do_next_on_their_grant(page, live_server, axe, screenshot):
    # Awarded less than asked (3,000 zł): the budget waits for the grantee's adjustment.
    grant = GrantFactory(title="Ogród deszczowy przy szkole na Bałutach", amount=Decimal("2500"))
    add_bank_account(grant)
    log_in(page, live_server.url, grant.application.applicant.email)
    page.goto(live_server.url + reverse("projects:grant", kwargs={"pk": grant.pk}))
    box = page.locator("[data-next-step]")
    assert "Co musisz teraz zrobić" in box.inner_text()
    assert "Sprawdź budżet" in box.inner_text()
    assert "Podaj numer konta" not in box.inner_text()
    axe(page, "grantee grant page")
    screenshot("grant-grantee")


def test_coordinator_sees_the_call_grants_and_one_grant(page, live_server, axe, screenshot):
    call = GrantCallFactory(title="Klimat w mieście 2027")
    stages = ["new", "ready", "sent", "signed_by_grantee", "payment_due", "account_change"]
    grants = [grant_at(stage, application__call=call) for stage in stages]
    coordinator = CoordinatorFactory()
    log_in(page, live_server.url, coordinator.email)
    page.goto(live_server.url + reverse("projects_manage:grants", kwargs={"pk": call.pk}))
    assert page.locator("[data-grant-row]").count() == len(stages)
    # "Select all" ticks every row (bulk-select.js with the grants' checkboxes).
    page.locator("#select-all").check()
    assert page.locator('input[name="grants"]:checked').count() == len(stages)
    axe(page, "grants list")
    screenshot("grant-list")

    page.goto(live_server.url + reverse("projects_manage:grant", kwargs={"pk": grants[3].pk}))
    assert "kontrasygnata" in page.locator("[data-waiting]").inner_text()
    axe(page, "coordinator grant page")
    screenshot("grant-coordinator")

    page.get_by_role("link", name="Rozwiąż umowę").click()
    page.locator("#id_reason").fill("Grupa zrezygnowała z projektu.")
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Rozwiąż umowę").click()
    assert "Umowa jest rozwiązana" in page.locator("body").inner_text()
    screenshot("grant-terminated")

"""A guardian consents through the link from the outbox e-mail, and the young applicant can
then submit (var/screenshots/guardian-consent-*.png at 1366 and 390 px)."""

import re

import pytest
from django.urls import reverse

from applicants.models import Application
from applicants.tests.consent_helpers import (
    born_days_from_birthday,
    draft_with_lead_born,
    outbox_link,
)
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_guardian_consents_by_the_link_and_the_application_is_submitted(
    page, live_server, axe, screenshot
):
    base = live_server.url
    application = draft_with_lead_born(born_days_from_birthday(17, 60))
    applicant = application.applicant
    log_in(page, base, applicant.email)

    # The submit page says what is missing and links to where to ask for it.
    page.goto(base + reverse("applicants:submit", args=[application.pk]))
    assert "zgoda rodzica lub opiekuna" in page.locator("#problems").inner_text()
    page.get_by_role("link", name="Poproś o zgody").click()
    field = f"#id_g{applicant.pk}-"
    page.locator(field + "guardian_name").fill("Anna Kowalska")
    page.locator(field + "guardian_email").fill("mama@example.org")
    page.get_by_role("button", name="Wyślij link opiekunowi").click()
    assert "Czeka na opiekuna" in page.locator("[data-young-person]").inner_text()
    axe(page, "team consents")

    # The guardian, without an account, opens the link from the e-mail.
    page.context.clear_cookies()
    page.goto(base + outbox_link("applicants/guardian_consent", "mama@example.org"))
    text = page.locator("main").inner_text()
    assert "Zosia Kowalska" in text
    assert application.title in text
    assert "Jakie dane osobowe i kto je przetwarza" in text
    axe(page, "guardian consent")
    screenshot("guardian-consent")
    page.locator("#id_signed_name").fill("Anna Kowalska")
    page.get_by_role("button", name="Wyrażam zgodę").click()
    assert "Dziękujemy" in page.locator("[data-consent-state]").inner_text()
    axe(page, "guardian consent given")

    # The applicant submits.
    log_in(page, base, applicant.email)
    page.goto(base + reverse("applicants:submit", args=[application.pk]))
    assert "Zgoda wyrażona" in page.locator("#id_guardians").inner_text()
    for checkbox in page.locator('input[type="checkbox"][name^="consent_"]').all():
        checkbox.check()
    page.get_by_role("button", name="Złóż wniosek").click()
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    application = Application.objects.get(pk=application.pk)
    assert application.reference_number

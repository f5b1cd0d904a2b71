"""A guardian consents through the link from the outbox e-mail, and the young applicant can
then submit (var/screenshots/guardian-consent-*.png at 1366 and 390 px); a patron organisation
confirms an informal group the same way (var/screenshots/patron-confirmation-*.png)."""

import re

import pytest
from django.urls import reverse

from applicants.models import Application, PatronConfirmation
from applicants.tests.consent_helpers import (
    born_days_from_birthday,
    draft_with_lead_born,
    group_draft,
    outbox_link,
)
from grants.tests.factories import GrantCallFactory
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


def test_patron_confirms_by_the_link_and_the_group_sees_it(page, live_server, axe, screenshot):
    base = live_server.url
    call = GrantCallFactory(
        patron_confirmation_required=True,
        patron_obligations="Podpiszemy umowę za grupę i przyjmiemy grant na nasze konto.",
    )
    application = group_draft(call=call)
    log_in(page, base, application.applicant.email)

    # The group's consents page asks for the patron organisation's representative.
    page.goto(base + reverse("applicants:consents", args=[application.pk]))
    patron = page.locator("[data-patron]")
    assert "Młodzieżowy Dom Kultury w Lublinie" in patron.inner_text()
    page.locator("#id_patron-representative_name").fill("Jan Dyrektor")
    page.locator("#id_patron-representative_email").fill("mdk@example.org")
    page.get_by_role("button", name="Wyślij link organizacji").click()
    axe(page, "patron asked")

    # The representative, without an account, reads the summary and the obligations.
    page.context.clear_cookies()
    page.goto(base + outbox_link("applicants/patron_confirmation", "mdk@example.org"))
    text = page.locator("main").inner_text()
    assert application.title in text
    assert "przyjmiemy grant na nasze konto" in text
    axe(page, "patron confirmation")
    screenshot("patron-confirmation")
    page.locator("#id_signed_name").fill("Jan Dyrektor")
    page.get_by_role("button", name="Potwierdzam patronat").click()
    page.locator('[data-patron-state="confirmed"]').wait_for()
    assert PatronConfirmation.objects.get(application=application).signed_name == "Jan Dyrektor"

    # The group sees the confirmation where it asked for it.
    log_in(page, base, application.applicant.email)
    page.goto(base + reverse("applicants:consents", args=[application.pk]))
    assert "Potwierdził(a): Jan Dyrektor" in page.locator("[data-patron]").inner_text()

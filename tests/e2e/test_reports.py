"""The final report in a browser: the grantee fills and submits it on a phone (390 px), the
coordinator asks for a correction, the grantee corrects and submits again, the coordinator
accepts (var/screenshots/report-*.png at 1366 and 390 px; axe-core on every page)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from projects.models import Grant, Report, ReportCheckItem
from projects.tests.factories import active_grant
from projects.tests.report_rows import financial_document
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def switch_to(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email)


def test_final_report_submitted_corrected_and_accepted(page, live_server, axe, screenshot):
    grant = active_grant()
    Grant.objects.filter(pk=grant.pk).update(
        planned_indicators=[{"name": "uczestnicy warsztatów", "unit": "osób", "planned": "40"}]
    )
    financial_document(grant, amount="640.00")
    ReportCheckItem.objects.create(call=grant.call, text="Zdjęcia i listy obecności są")
    coordinator = CoordinatorFactory()
    grantee_email = grant.application.applicant.email
    base = live_server.url

    # The grantee, on a phone.
    page.set_viewport_size(PHONE)
    log_in(page, base, grantee_email)
    page.goto(base + grant.get_absolute_url())
    assert "21 lipca 2027" in page.locator('[data-report-line="final"]').inner_text()
    page.locator('[data-start-report="final"]').click()
    page.locator("#id_activity_0_done_0").check()
    page.locator("#id_activity_1_done_1").check()
    page.locator("#id_activity_1_comment").fill("Jeden warsztat przerwał deszcz.")
    page.locator("#id_summary").fill("Posadziliśmy 30 drzew i zrobiliśmy trzy warsztaty.")
    page.locator("#id_indicator_0_achieved").fill("37")
    page.locator("#id_participants").fill("37")
    page.locator("#id_volunteer_hours").fill("42,5")
    page.locator("#id_publicity_links").fill("https://example.org/relacja")
    page.locator("#id_publish_consent").check()
    # Consent without the story: the submission says what is missing, nothing is lost.
    page.locator("[data-submit-report]").click()
    assert "Napisz krótką historię" in page.locator("body").inner_text()
    assert page.locator("#id_summary").input_value().startswith("Posadziliśmy")
    page.locator("#id_story").fill("Podwórko na Bałutach jest zielone.")
    axe(page, "grantee report form")
    page.set_viewport_size(DESKTOP)  # the screenshots: desktop, then the phone again
    screenshot("report-grantee-form")
    page.set_viewport_size(PHONE)
    page.locator("[data-submit-report]").click()
    assert "sprawozdanie jest złożone" in page.locator("body").inner_text().lower()
    report = Report.objects.get(grant=grant)
    assert report.financial["totals"]["spent_from_grant"] == "640.00"

    # The coordinator asks for a correction.
    page.set_viewport_size(DESKTOP)
    switch_to(page, base, coordinator.email)
    page.goto(base + reverse("projects_manage:reports", kwargs={"pk": grant.call_id}))
    axe(page, "call reports page")
    screenshot("report-call-list")
    page.get_by_role("link", name="Sprawdź sprawozdanie").click()
    assert "640,00" in page.locator("[data-report-financial]").inner_text()
    axe(page, "coordinator report check")
    screenshot("report-check")
    page.locator("#id_message").fill("Dodajcie zdjęcia z warsztatów.")
    deadline = timezone.localdate() + timedelta(days=7)
    page.locator("#id_deadline").fill(deadline.isoformat())
    page.locator("[data-ask-corrections]").click()
    assert page.locator("[data-report-state]").get_attribute("data-report-state") == "corrections"

    # The grantee corrects and submits again.
    page.set_viewport_size(PHONE)
    switch_to(page, base, grantee_email)
    page.goto(base + grant.get_absolute_url())
    page.get_by_role("link", name="Popraw sprawozdanie", exact=True).click()
    assert (
        "Dodajcie zdjęcia z warsztatów." in page.locator("[data-correction-request]").inner_text()
    )
    page.locator("#id_activity_1_comment").fill("Jeden warsztat przełożyliśmy na lipiec.")
    axe(page, "grantee report corrections")
    page.set_viewport_size(DESKTOP)
    screenshot("report-grantee-corrections")
    page.set_viewport_size(PHONE)
    page.locator("[data-submit-report]").click()
    assert "sprawozdanie jest złożone" in page.locator("body").inner_text().lower()

    # The coordinator ticks the checklist and accepts.
    page.set_viewport_size(DESKTOP)
    switch_to(page, base, coordinator.email)
    page.goto(base + reverse("projects_manage:report", kwargs={"pk": report.pk}))
    page.get_by_label("Zdjęcia i listy obecności są").check()
    page.locator("[data-accept]").click()
    assert page.locator("[data-report-state]").get_attribute("data-report-state") == "accepted"
    axe(page, "accepted report")
    screenshot("report-accepted")
    report.refresh_from_db()
    assert report.checklist == [{"text": "Zdjęcia i listy obecności są", "ticked": True}]

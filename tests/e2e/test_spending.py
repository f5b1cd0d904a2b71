"""Receipt-first settlement in a browser: a grantee adds a receipt from a phone (390 px) and sees
plan vs spent change; the coordinator sees the same on their grant page
(var/screenshots/spending-*.png at 1366 and 390 px)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import CoordinatorFactory
from projects.models import CallGrantTerms, GrantBudgetLine
from projects.tests.progress_rows import grant_at
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _grant():
    today = timezone.localdate()
    grant = grant_at(
        "active",
        title="Ogród deszczowy przy szkole na Bałutach",
        amount=Decimal("3000.00"),
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    for position, (item, quantity, cost, own) in enumerate(
        [
            ("Sadzonki i ziemia", 10, 150, 0),
            ("Warsztaty z ogrodnikiem", 20, 100, 500),
        ]
    ):
        GrantBudgetLine.objects.create(
            grant=grant,
            position=position,
            category="materials",
            item=item,
            unit="szt.",
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
            own_contribution=Decimal(own),
        )
    CallGrantTerms.objects.create(call=grant.call)
    return grant


def text(locator) -> str:
    return locator.inner_text().replace("\xa0", " ")


def _receipt_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 1400), (250, 250, 245)).save(out, "JPEG")
    return out.getvalue()


def test_grantee_adds_a_receipt_from_a_phone_and_sees_plan_vs_spent(
    page, live_server, axe, screenshot
):
    grant = _grant()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, grant.application.applicant.email)
    page.goto(live_server.url + reverse("projects:grant", kwargs={"pk": grant.pk}))
    panel = page.locator("[data-spending-panel]")
    assert "0,00 zł z 3 000,00 zł" in text(panel.locator("[data-spent-from-grant]"))

    panel.get_by_role("link", name="Dodaj paragon lub fakturę").click()
    file_input = page.locator("#id_file")
    assert file_input.get_attribute("capture") == "environment"
    assert "image/*" in file_input.get_attribute("accept")
    axe(page, "add a document")
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot("spending-add-form")  # at 1366 and 390 px
    page.set_viewport_size({"width": 390, "height": 844})

    file_input.set_input_files(
        {"name": "paragon.jpg", "mimeType": "image/jpeg", "buffer": _receipt_photo()}
    )
    page.locator("#id_amount").click()
    page.keyboard.type("185,50")
    options = " ".join(page.locator("#id_line_0 option").all_inner_texts()).replace("\xa0", " ")
    assert "Sadzonki i ziemia — zostało 1 500,00 zł z 1 500,00 zł" in options
    page.locator("#id_line_0").select_option(str(grant.budget_lines.first().pk))
    page.locator("#id_number").fill("PAR 0412")
    page.locator("#id_issued_on").fill(timezone.localdate().isoformat())
    page.locator("#id_issuer_name").fill("Market Budowlany")
    page.locator("#id_description").fill("Ziemia do donic")
    page.get_by_role("button", name="Zapisz dokument").click()

    panel = page.locator("[data-spending-panel]")
    assert "Dokument zapisany" in text(page.locator("body"))
    assert "185,50 zł z 3 000,00 zł" in text(panel.locator("[data-spent-from-grant]"))
    first_line = panel.locator("[data-spending-line]").first
    assert "185,50 zł z 1 500,00 zł (12%)" in text(first_line)
    assert "PAR 0412" in text(panel.locator("[data-documents]"))
    axe(page, "grantee grant page with a document")
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot("spending-grant-grantee")


def test_add_form_keeps_the_photo_after_an_error(page, live_server):
    grant = _grant()
    log_in(page, live_server.url, grant.application.applicant.email)
    page.goto(live_server.url + reverse("projects:document_add", kwargs={"pk": grant.pk}))
    page.locator("#id_file").set_input_files(
        {"name": "paragon.jpg", "mimeType": "image/jpeg", "buffer": _receipt_photo()}
    )
    page.locator("#id_amount").click()
    page.keyboard.type("99")
    page.locator("#id_number").fill("PAR 1")
    page.locator("#id_issued_on").fill(timezone.localdate().isoformat())
    page.locator("#id_issuer_name").fill("Sklep")
    page.locator("#id_description").fill("Farba")
    page.locator("#id_issuer_nip").fill("1234563219")  # a wrong checksum
    page.get_by_role("button", name="Zapisz dokument").click()

    assert "To nie jest poprawny NIP" in text(page.locator("body"))
    assert "Zachowaliśmy Twój plik „paragon.jpg”" in text(page.locator("[data-kept-file]"))
    page.locator("#id_issuer_nip").fill("123-456-32-18")
    page.locator("#id_line_0").select_option(index=1)
    page.get_by_role("button", name="Zapisz dokument").click()

    assert "Dokument zapisany" in text(page.locator("body"))
    assert "PAR 1" in text(page.locator("[data-documents]"))


def test_coordinator_sees_spending_and_the_breach(page, live_server, axe, screenshot):
    from projects.spending import DocumentPart, document_add
    from projects.tests.test_spending import pdf

    grant = _grant()
    materials = grant.budget_lines.first()
    document_add(
        grant=grant,
        by=grant.application.applicant,
        upload=pdf(),
        values={
            "kind": "invoice",
            "number": "FV/2026/118",
            "issued_on": timezone.localdate(),
            "amount": Decimal("1700.00"),
            "issuer_name": "Zielony Zakątek sp. z o.o.",
            "issuer_nip": "1234563218",
            "paid_on": None,
            "description": "Sadzonki krzewów",
        },
        parts=[DocumentPart(materials, Decimal("1700.00"), Decimal("0"))],
    )
    log_in(page, live_server.url, CoordinatorFactory().email)
    page.goto(live_server.url + reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    panel = page.locator("[data-spending-panel]")
    assert "Ponad dozwolony limit" in text(panel)
    assert "FV/2026/118" in text(panel)
    axe(page, "coordinator grant page with spending")
    screenshot("spending-grant-coordinator")

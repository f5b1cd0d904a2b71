"""A call's documents and FAQ in a browser: a coordinator adds a document and a question in
/manage/, an anonymous visitor reads the answer and downloads the file from the call's page
(var/screenshots/call-documents-*.png at 1366 and 390 px)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from demo.call_documents import demo_call_documents_load
from grants.tests.factories import CriterionFactory, GrantCallFactory
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_coordinator_adds_a_document_and_a_question_a_visitor_downloads_and_reads(
    page, live_server, axe, screenshot
):
    call = GrantCallFactory(
        title="Klimat w sąsiedztwie 2027", own_contribution_percent=Decimal("5")
    )
    CriterionFactory(call=call, name="Pomysł i potrzeba")
    coordinator = CoordinatorFactory()
    # The demo's regulations, template and five questions: the page as applicants will see it.
    demo_call_documents_load(calls={"open": call}, coordinator=coordinator)
    log_in(page, live_server.url, coordinator.email)

    page.goto(live_server.url + reverse("manage:call_parts", args=[call.pk, "documents"]))
    new_row = page.locator("[data-formset-list] [data-formset-row]").last
    new_row.locator("input[name$='-title']").fill("Karta zgłoszenia wolontariusza")
    new_row.locator("input[type=file]").set_input_files(
        {"name": "Karta wolontariusza.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    axe(page, "call documents (manage)")
    screenshot("call-documents-manage")
    page.get_by_role("button", name="Zapisz zmiany").click()
    assert "Karta_wolontariusza.pdf" in page.locator("body").inner_text()

    page.goto(live_server.url + reverse("manage:call_parts", args=[call.pk, "faq"]))
    new_row = page.locator("[data-formset-list] [data-formset-row]").last
    new_row.locator("input[name$='-question']").fill("Czy możemy kupić nagrody dla uczestników?")
    new_row.locator("textarea[name$='-answer']").fill("Tak, rzeczowe — do 10% budżetu.")
    page.get_by_role("button", name="Zapisz zmiany").click()
    assert page.locator(".alert-success").count() == 1

    # Signed out: an anonymous visitor.
    page.context.clear_cookies()
    page.goto(live_server.url + call.get_absolute_url())
    assert page.get_by_role("link", name="Zaloguj się").count() >= 1
    documents = page.locator("#documents")
    assert documents.locator("[data-call-document]").all_inner_texts() == [
        "Regulamin naboru",
        "Wzór harmonogramu i budżetu",
        "Karta zgłoszenia wolontariusza",
    ]
    assert "(DOCX," in documents.inner_text()
    answer = page.get_by_text("Tak, rzeczowe — do 10% budżetu.")
    assert not answer.is_visible()
    page.get_by_text("Czy możemy kupić nagrody dla uczestników?").click()
    assert answer.is_visible()
    with page.expect_download() as download_info:
        documents.get_by_role("link", name="Karta zgłoszenia wolontariusza").click()
    download = download_info.value
    assert download.suggested_filename == "Karta_wolontariusza.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF_BYTES
    axe(page, "call page with documents and FAQ")
    page.locator("[data-faq-entry] summary").first.click()
    screenshot("call-documents")

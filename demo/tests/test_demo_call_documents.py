"""The demo's open call offers its regulations, a template and an FAQ on its page."""

import io
import zipfile
from decimal import Decimal

import pytest
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from demo.call_documents import demo_call_documents_load
from grants.call_documents import CallDocument, FaqEntry
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db


def test_demo_call_documents_open_call_offers_regulations_template_and_faq(client):
    call = GrantCallFactory(own_contribution_percent=Decimal("5"))
    demo_call_documents_load(calls={"open": call}, coordinator=CoordinatorFactory())

    page = client.get(call.get_absolute_url()).text
    assert "Regulamin naboru" in page and "(PDF," in page
    assert "Wzór harmonogramu i budżetu" in page and "(DOCX," in page
    assert page.count("data-faq-entry") == 5
    assert "Mamy po 16–17 lat. Czy możemy złożyć wniosek jako grupa?" in page

    regulations, template = CallDocument.objects.filter(call=call)
    pdf = b"".join(client.get(regulations.get_download_url()).streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "co najmniej 5% całkowitego kosztu" in text
    assert call.title in " ".join(text.split())
    docx = b"".join(client.get(template.get_download_url()).streaming_content)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert "Wzór harmonogramu i budżetu projektu" in package.read("word/document.xml").decode()


def test_demo_call_documents_loaded_twice_add_nothing():
    call = GrantCallFactory()
    coordinator = CoordinatorFactory()
    demo_call_documents_load(calls={"open": call}, coordinator=coordinator)
    demo_call_documents_load(calls={"open": call}, coordinator=coordinator)
    assert CallDocument.objects.filter(call=call).count() == 2
    assert FaqEntry.objects.filter(call=call).count() == 5

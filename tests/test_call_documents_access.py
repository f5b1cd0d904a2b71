"""A reviewer is no coordinator: a call's documents and FAQ pages in /manage/ refuse them,
and a draft call's documents stay hidden from them (the rest of the table: grants/tests)."""

import pytest
from django.urls import reverse

from grants.call_documents import CallDocument
from grants.tests.call_document_files import pdf_upload
from reviews.tests.builders import call_with_criteria, reviewers_in_pool

pytestmark = pytest.mark.django_db


def test_call_documents_pages_refuse_a_reviewer_of_the_call(client):
    call = call_with_criteria(draft=True)
    document = CallDocument.objects.create(
        call=call,
        title="Regulamin",
        file=pdf_upload(),
        original_name="Regulamin.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=10,
    )
    [reviewer] = reviewers_in_pool(call, 1)
    client.force_login(reviewer)
    for part in ("documents", "faq"):
        assert client.get(reverse("manage:call_parts", args=[call.pk, part])).status_code == 403
    assert client.get(document.get_download_url()).status_code == 404

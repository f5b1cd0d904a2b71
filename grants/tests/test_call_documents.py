"""A call's page offers documents to download and an FAQ; coordinators edit both in /manage/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.call_documents import CallDocument, FaqEntry
from grants.limits import MAX_CALL_DOCUMENT_MB
from grants.services import call_publish
from grants.tests.call_document_files import PDF_BYTES, PNG_BYTES, docx_bytes, pdf_upload
from grants.tests.factories import CriterionFactory, GrantCallFactory

pytestmark = pytest.mark.django_db


def parts_url(call, part: str) -> str:
    return reverse("manage:call_parts", args=[call.pk, part])


def formset_data(rows: list[dict], initial: int = 0) -> dict:
    data = {
        "parts-TOTAL_FORMS": str(len(rows)),
        "parts-INITIAL_FORMS": str(initial),
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"parts-{index}-{field}": value for field, value in row.items()})
    return data


def add_document(call, title: str, upload=None, *, position: int = 0) -> CallDocument:
    """A document saved through the coordinators' page, as a coordinator adds it."""
    from grants.forms_call_documents import CallDocumentForm
    from grants.services import call_parts_save

    form = CallDocumentForm(
        {"title": title, "description": ""},
        {"file": upload or pdf_upload()},
        instance=CallDocument(call=call),
    )
    assert form.is_valid(), form.errors
    rows = list(CallDocument.objects.filter(call=call))
    rows.insert(position, form.save(commit=False))
    call_parts_save(call=call, part_model=CallDocument, rows_to_save=rows, by=None)
    return CallDocument.objects.get(call=call, title=title)


def add_faq(call, question: str, answer: str = "Tak.", *, position: int = 0) -> FaqEntry:
    return FaqEntry.objects.create(call=call, question=question, answer=answer, position=position)


def download(client, document):
    return client.get(document.get_download_url())


# --- Coordinators add, check, order and remove documents -----------------------------


def test_call_documents_page_adds_a_document_shown_on_the_call_page(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    row = {"title": "Regulamin naboru", "description": "Zasady w 6 punktach", "file": pdf_upload()}
    client.post(parts_url(call, "documents"), formset_data([row]))
    document = CallDocument.objects.get(call=call)
    assert (document.original_name, document.content_type) == (
        "Regulamin_naboru.pdf",
        "application/pdf",
    )
    page = client.get(call.get_absolute_url()).text
    assert "Regulamin naboru" in page
    assert "Zasady w 6 punktach" in page
    assert "(PDF, 1\u00a0kB)" in page
    assert document.get_download_url() in page


def test_call_documents_page_refuses_a_text_file_named_pdf(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    spoofed = SimpleUploadedFile("regulamin.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(
        parts_url(call, "documents"), formset_data([{"title": "Regulamin", "file": spoofed}])
    )
    assert response.status_code == 200
    assert "„regulamin.pdf” nie jest plikiem w akceptowanym formacie" in response.text
    assert not CallDocument.objects.exists()


def test_call_documents_page_refuses_a_picture(client):
    """Applicants may attach photos; a call offers documents only."""
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    picture = SimpleUploadedFile("plakat.png", PNG_BYTES, "image/png")
    response = client.post(
        parts_url(call, "documents"), formset_data([{"title": "Plakat", "file": picture}])
    )
    assert "PDF, DOCX, ODT, XLSX, ODS" in response.text
    assert not CallDocument.objects.exists()


def test_call_documents_page_refuses_a_docx_named_pdf(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    renamed = SimpleUploadedFile("wzor.pdf", docx_bytes(), "application/pdf")
    response = client.post(
        parts_url(call, "documents"), formset_data([{"title": "Wzór", "file": renamed}])
    )
    assert "to w rzeczywistości plik DOCX" in response.text
    assert not CallDocument.objects.exists()


def test_call_documents_page_refuses_a_file_over_the_limit(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    huge = pdf_upload(content=PDF_BYTES + b"0" * (MAX_CALL_DOCUMENT_MB * 1024 * 1024))
    response = client.post(
        parts_url(call, "documents"), formset_data([{"title": "Za duży", "file": huge}])
    )
    assert f"jest większy niż {MAX_CALL_DOCUMENT_MB} MB" in response.text
    assert not CallDocument.objects.exists()


def test_call_documents_page_needs_a_file_for_a_new_document(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    response = client.post(parts_url(call, "documents"), formset_data([{"title": "Bez pliku"}]))
    assert response.status_code == 200  # the page again, with the error; saving redirects
    assert "Dokument 1 – Plik" in response.text
    assert not CallDocument.objects.exists()


def test_call_documents_keep_the_order_the_coordinator_sets(client):
    call = GrantCallFactory()
    first = add_document(call, "Regulamin", position=0)
    second = add_document(call, "Wzór budżetu", position=1)
    client.force_login(CoordinatorFactory())
    rows = [
        {"id": str(first.pk), "title": "Regulamin", "ORDER": "2"},
        {"id": str(second.pk), "title": "Wzór budżetu", "ORDER": "1"},
    ]
    client.post(parts_url(call, "documents"), formset_data(rows, initial=2))
    page = client.get(call.get_absolute_url()).text
    assert page.index("Wzór budżetu") < page.index("Regulamin")


def test_call_documents_keep_their_file_when_only_the_title_changes(client):
    call = GrantCallFactory()
    document = add_document(call, "Regulamin")
    client.force_login(CoordinatorFactory())
    row = {"id": str(document.pk), "title": "Regulamin naboru 2027", "ORDER": "1"}
    client.post(parts_url(call, "documents"), formset_data([row], initial=1))
    assert b"".join(download(client, document).streaming_content) == PDF_BYTES
    assert "Regulamin naboru 2027" in client.get(call.get_absolute_url()).text


def test_call_documents_replaced_or_removed_files_leave_the_storage(
    client, django_capture_on_commit_callbacks
):
    call = GrantCallFactory()
    kept = add_document(call, "Regulamin", position=0)
    removed = add_document(call, "Stary wzór", position=1)
    old_name, removed_name = kept.file.name, removed.file.name
    storage = kept.file.storage
    client.force_login(CoordinatorFactory())
    rows = [
        {"id": str(kept.pk), "title": "Regulamin", "ORDER": "1", "file": pdf_upload("nowy.pdf")},
        {"id": str(removed.pk), "title": "Stary wzór", "ORDER": "2", "DELETE": "on"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(parts_url(call, "documents"), formset_data(rows, initial=2))
    kept.refresh_from_db()
    assert kept.original_name == "nowy.pdf"
    assert not CallDocument.objects.filter(pk=removed.pk).exists()
    assert not storage.exists(old_name)
    assert not storage.exists(removed_name)
    assert storage.exists(kept.file.name)


def test_call_documents_changes_after_publication_name_the_file_not_its_storage(client):
    call = GrantCallFactory(draft=True)
    CriterionFactory(call=call)
    call_publish(call=call, by=CoordinatorFactory())
    document = add_document(call, "Regulamin")
    client.force_login(CoordinatorFactory())
    row = {"id": str(document.pk), "title": "Regulamin", "ORDER": "1", "file": pdf_upload("v2.pdf")}
    client.post(parts_url(call, "documents"), formset_data([row], initial=1))
    history = client.get(parts_url(call, "documents")).text.split("history-heading")[-1]
    assert "Regulamin_naboru.pdf" in history and "v2.pdf" in history
    assert "calls/" not in history


# --- The FAQ ---------------------------------------------------------------------------


def test_call_faq_page_adds_questions_shown_on_the_call_page_in_order(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    rows = [
        {
            "question": "Czy grupa niepełnoletnich może złożyć wniosek?",
            "answer": "Tak.",
            "ORDER": "2",
        },
        {"question": "Co to jest wkład własny?", "answer": "Twoja część kosztów.", "ORDER": "1"},
    ]
    client.post(parts_url(call, "faq"), formset_data(rows))
    page = client.get(call.get_absolute_url()).text
    assert page.index("Co to jest wkład własny?") < page.index("Czy grupa niepełnoletnich")
    assert '<summary class="fw-semibold">Co to jest wkład własny?</summary>' in page
    assert "Twoja część kosztów." in page


def test_call_faq_entry_can_be_removed(client):
    call = GrantCallFactory()
    entry = add_faq(call, "Czy mogę złożyć dwa wnioski?")
    client.force_login(CoordinatorFactory())
    row = {"id": str(entry.pk), "question": entry.question, "answer": "Nie.", "DELETE": "on"}
    client.post(parts_url(call, "faq"), formset_data([row], initial=1))
    assert "Czy mogę złożyć dwa wnioski?" not in client.get(call.get_absolute_url()).text


def test_call_page_without_documents_or_faq_shows_neither_section(client):
    page = client.get(GrantCallFactory().get_absolute_url()).text
    assert 'id="documents"' not in page and 'id="faq"' not in page


# --- Who may download, who may edit ------------------------------------------------------


def test_call_document_download_of_a_published_call_is_public(client):
    call = GrantCallFactory()
    document = add_document(
        call, "Regulamin", pdf_upload("Regulamin naboru – wersja ostateczna.pdf")
    )
    response = download(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Regulamin_naboru_wersja_ostateczna.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_call_document_download_gives_a_docx_its_type(client):
    call = GrantCallFactory()
    upload = SimpleUploadedFile("Wzór budżetu.docx", docx_bytes())
    document = add_document(call, "Wzór budżetu", upload)
    response = download(client, document)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "filename*=utf-8''Wz%C3%B3r_bud%C5%BCetu.docx" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["anonymous", "applicant"])
def test_call_document_download_of_a_draft_call_is_not_found(client, who):
    call = GrantCallFactory(draft=True)
    document = add_document(call, "Regulamin")
    if who == "applicant":
        client.force_login(UserFactory())
    assert download(client, document).status_code == 404


def test_call_document_download_of_a_draft_call_works_for_coordinators(client):
    call = GrantCallFactory(draft=True)
    document = add_document(call, "Regulamin")
    client.force_login(CoordinatorFactory())
    assert download(client, document).status_code == 200


def test_call_document_download_under_another_calls_address_is_not_found(client):
    document = add_document(GrantCallFactory(), "Regulamin")
    other = GrantCallFactory()
    url = reverse("grants:call_document", args=[other.slug, document.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "applicant"])
@pytest.mark.parametrize("part", ["documents", "faq"])
def test_call_documents_and_faq_pages_refuse_everyone_but_coordinators(client, who, part):
    call = GrantCallFactory()
    document = add_document(call, "Regulamin")
    entry = add_faq(call, "Pytanie?")
    if who == "applicant":
        client.force_login(UserFactory())
    rows = {
        "documents": [{"id": str(document.pk), "title": "Przejęty", "DELETE": "on"}],
        "faq": [{"id": str(entry.pk), "question": "Przejęte?", "answer": "x", "DELETE": "on"}],
    }[part]
    url = parts_url(call, part)
    for response in (client.get(url), client.post(url, formset_data(rows, initial=1))):
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 403
        assert b"Regulamin" not in response.content
    assert CallDocument.objects.filter(title="Regulamin").exists()
    assert FaqEntry.objects.filter(question="Pytanie?").exists()


# --- The apply page points to them --------------------------------------------------------


def test_apply_page_links_to_the_documents_and_faq(client):
    call = GrantCallFactory()
    add_faq(call, "Co to jest wkład własny?")
    client.force_login(UserFactory())
    page = client.get(reverse("applicants:apply", args=[call.slug])).text
    assert f'href="{call.get_absolute_url()}#faq"' in page


def test_apply_page_without_documents_or_faq_has_no_such_link(client):
    call = GrantCallFactory()
    client.force_login(UserFactory())
    page = client.get(reverse("applicants:apply", args=[call.slug])).text
    assert "data-call-reading" not in page


# --- A fixed number of queries ------------------------------------------------------------


def test_call_page_runs_fixed_number_of_queries(client, django_assert_max_num_queries):
    call = GrantCallFactory()
    CriterionFactory(call=call)
    add_document(call, "Dokument 0")
    add_faq(call, "Pytanie 0?")
    with django_assert_max_num_queries(10) as few:
        client.get(call.get_absolute_url())
    for number in range(1, 8):
        add_document(call, f"Dokument {number}", position=number)
        add_faq(call, f"Pytanie {number}?", position=number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(call.get_absolute_url()).text
    assert page.count("data-call-document") == 8
    assert page.count("data-faq-entry") == 8


@pytest.mark.parametrize("part", ["documents", "faq"])
def test_call_documents_and_faq_pages_run_fixed_number_of_queries(
    client, django_assert_max_num_queries, part
):
    call = GrantCallFactory()
    add_document(call, "Dokument 0")
    add_faq(call, "Pytanie 0?")
    client.force_login(CoordinatorFactory())
    with django_assert_max_num_queries(10) as few:
        client.get(parts_url(call, part))
    for number in range(1, 12):
        add_document(call, f"Dokument {number}", position=number)
        add_faq(call, f"Pytanie {number}?", position=number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(parts_url(call, part))
    # The rows, the empty extra one and the <template>.
    assert response.text.count("data-formset-row") == 12 + 2

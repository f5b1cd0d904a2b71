"""PDFs pages ask for: rendered by a task worker once, then served from storage; never in a request."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory, UserFactory
from core.enums import RenderedPdfState
from core.models import RenderedPdf
from core.pdf import renders_started
from core.pdf_renders import pdf_render_request, rendered_pdf_render, rendered_pdfs_sweep
from core.tasks import render_stored_pdf

pytestmark = pytest.mark.django_db

HTML = '<!DOCTYPE html><html lang="pl"><head><title>-</title></head><body><p>Zażółć gęślą jaźń</p></body></html>'


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _ask(by, html=HTML) -> RenderedPdf:
    return pdf_render_request(html=html, title="Próba", filename="proba.pdf", by=by)


def test_rendered_pdf_request_renders_nothing_and_the_page_says_it_is_being_prepared(
    client, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    before = renders_started()
    with django_capture_on_commit_callbacks() as queued:
        pdf = _ask(coordinator)
    page = client.get(reverse("rendered_pdf", args=[pdf.key]) + "?back=/manage/")

    assert renders_started() == before
    assert len(queued) == 1  # the task, for a worker
    assert page.status_code == 202
    assert "PDF jest przygotowywany" in page.text
    assert '<meta http-equiv="refresh"' in page.text  # it reloads itself until ready
    assert 'href="/manage/"' in page.text


def test_rendered_pdf_is_rendered_once_by_the_worker_then_served_from_storage(
    client, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    before = renders_started()
    with django_capture_on_commit_callbacks(execute=True):
        pdf = _ask(coordinator)
    pdf.refresh_from_db()
    stored_name = pdf.file.name

    # The same document asked for again, the task run again (a retry, a twin worker): no render.
    again = _ask(coordinator)
    assert rendered_pdf_render(rendered_pdf_id=pdf.pk) is None
    assert render_stored_pdf.call(rendered_pdf_id=pdf.pk) is False
    first = client.get(reverse("rendered_pdf", args=[pdf.key]))
    second = client.get(reverse("rendered_pdf", args=[pdf.key]))

    assert renders_started() == before + 1
    assert again.pk == pdf.pk and again.state == RenderedPdfState.READY
    again.refresh_from_db()
    assert again.file.name == stored_name
    for response in (first, second):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "Zażółć gęślą jaźń" in _text(b"".join(response.streaming_content))
    assert list(pdf.changes.values_list("old_state", "new_state")) == [
        ("pending", "rendering"),
        ("rendering", "ready"),
    ]
    assert pdf.html == ""  # the source goes once rendered


def test_rendered_pdf_is_only_for_the_person_who_asked(client, django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pdf = _ask(coordinator)
    url = reverse("rendered_pdf", args=[pdf.key])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(CoordinatorFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_rendered_pdf_abandoned_by_a_dead_worker_is_queued_again(
    django_capture_on_commit_callbacks,
):
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks():
        pdf = _ask(coordinator)
    from core.pdf_renders import rendered_pdf_transition

    rendered_pdf_transition(
        pdf, RenderedPdfState.RENDERING, changes={"started_at": timezone.now() - timedelta(hours=1)}
    )
    before = renders_started()
    with django_capture_on_commit_callbacks(execute=True):
        again = _ask(coordinator)

    again.refresh_from_db()
    assert again.state == RenderedPdfState.READY
    assert renders_started() == before + 1


def test_rendered_pdf_that_fails_says_why_on_its_page(client, django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    html = "<p>" + "<div>" * 50_000 + "x" + "</div>" * 50_000 + "</p>"
    with django_capture_on_commit_callbacks(execute=True):
        pdf = pdf_render_request(
            html=html, title="Za dużo", filename="za-duzo.pdf", by=coordinator, timeout=0.01
        )
    page = client.get(reverse("rendered_pdf", args=[pdf.key]))

    assert page.status_code == 503
    assert "Nie udało się przygotować tego PDF-a" in page.text
    assert '<meta http-equiv="refresh"' not in page.text


def test_rendered_pdfs_sweep_deletes_old_previews_and_their_files(
    django_capture_on_commit_callbacks,
):
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        old = _ask(coordinator)
        fresh = _ask(coordinator, html=HTML.replace("Zażółć", "Świeży"))
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    RenderedPdf.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        deleted = rendered_pdfs_sweep()

    assert deleted == 1
    assert not RenderedPdf.objects.filter(pk=old.pk).exists()
    assert not storage.exists(name)
    assert RenderedPdf.objects.filter(pk=fresh.pk).exists()

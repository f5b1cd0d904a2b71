"""Serving a PDF a page asked a task worker for (core.pdf_renders): the stored file, or its state."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core.models import RenderedPdf

# How often the "being prepared" page reloads itself (seconds).
REFRESH_SECONDS = 2


def rendered_pdf_redirect(request, pdf: RenderedPdf, *, back_url: str):
    """Send the browser to `pdf`'s page: the file once it is stored, "being prepared…" until then."""
    url = reverse("rendered_pdf", args=[pdf.key])
    return redirect(f"{url}?{urlencode({'back': back_url})}" if back_url else url)


class RenderedPdfView(LoginRequiredMixin, View):
    """The stored PDF, inline; never renders. Only the person who asked for it sees it.

    Until a task worker has stored it: a page saying it is being prepared that
    reloads itself (202); if it could not be made, why (503).
    """

    def get(self, request, key):
        pdf = get_object_or_404(RenderedPdf, key=key, requested_by=request.user)
        if pdf.is_ready:
            response = FileResponse(
                pdf.file.open("rb"), filename=pdf.filename, content_type="application/pdf"
            )
            response["Cache-Control"] = "private, no-store"
            response["X-Content-Type-Options"] = "nosniff"
            return response
        back = request.GET.get("back", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        response = TemplateResponse(
            request,
            "core/rendered_pdf_waiting.html",
            {"pdf": pdf, "back_url": back, "refresh_seconds": REFRESH_SECONDS},
            status=503 if pdf.is_failed else 202,
        )
        if not pdf.is_failed:
            response["Retry-After"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

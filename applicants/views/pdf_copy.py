"""Serving the stored PDF copy of a submitted version, for whichever page may offer it."""

from django.http import FileResponse, HttpResponse
from django.template.response import TemplateResponse

from applicants.enums import VersionPdfStatus
from applicants.models import ApplicationVersion
from applicants.pdf_copies import version_pdf_filename, version_pdf_request


def version_pdf_response(
    request, *, version: ApplicationVersion, kind: str, back_url: str, retry_url: str = ""
) -> HttpResponse:
    """The stored copy of `version` for `kind` as a download; never renders one.

    A copy that is not ready yet gets a page saying it is being prepared (202,
    refresh in a moment); one that failed says so (503), with a retry button
    for coordinators (`retry_url`).
    """
    pdf = version_pdf_request(version=version, kind=kind)
    if pdf.is_ready:
        response = FileResponse(
            pdf.file.open("rb"),
            as_attachment=True,
            filename=version_pdf_filename(version),
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    failed = pdf.status == VersionPdfStatus.FAILED
    response = TemplateResponse(
        request,
        "applicants/pdf_not_ready.html",
        {
            "pdf": pdf,
            "version": version,
            "failed": failed,
            "back_url": back_url,
            "retry_url": retry_url,
        },
        status=503 if failed else 202,
    )
    if not failed:
        response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response

"""The project's one PDF renderer: HTML in, archival (PDF/A, tagged) PDF bytes out.

Documents are built from what users typed, so the renderer loads nothing that
the HTML points at except `data:` URIs and the project's own static files:
no network request, no file outside the static directories, no redirect.
Everything else is refused by `StaticFilesURLFetcher`; WeasyPrint logs the
refusal and renders the document without that resource.

Every render runs in a child process with a time and a memory limit (see
core.pdf.renderers), so one document can't hold up or take down the others.
"""

import core.pdf.libraries  # noqa: F401 — first: WeasyPrint's libraries, no compiler run
from core.pdf.document import render_pdf_in_this_process
from core.pdf.errors import (
    FetchRefused,
    RenderFailed,
    RenderOutOfMemory,
    RenderTimedOut,
    render_refusal,
)
from core.pdf.fetcher import StaticFilesURLFetcher, static_base_url, static_file_for_url
from core.pdf.renderers import render_pdf, renderers_stop, renders_started

__all__ = [
    "FetchRefused",
    "RenderFailed",
    "RenderOutOfMemory",
    "RenderTimedOut",
    "StaticFilesURLFetcher",
    "render_pdf",
    "render_pdf_in_this_process",
    "render_refusal",
    "renderers_stop",
    "renders_started",
    "static_base_url",
    "static_file_for_url",
]

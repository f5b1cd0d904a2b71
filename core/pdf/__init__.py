"""The project's one PDF renderer: HTML in, archival (PDF/A, tagged) PDF bytes out.

Documents are built from what users typed, so the renderer loads nothing that
the HTML points at except `data:` URIs and the project's own static files:
no network request, no file outside the static directories, no redirect.
Everything else is refused by `StaticFilesURLFetcher`; WeasyPrint logs the
refusal and renders the document without that resource.

Every render runs in a renderer: a child process of the caller's, with a
wall-clock time limit (it is killed when that is reached) and a limit on how
much memory it may add. A document that is too big, too deep or too slow
fails with RenderFailed (RenderTimedOut, RenderOutOfMemory) instead of taking
the process, or every other render waiting behind it, down with it; renders
never wait for each other. The calling process renders one tiny document
once (the warm-up) so that every renderer starts with fonts and the
stylesheet loaded, and keeps one for the next render.
"""

from core.pdf.document import render_pdf_in_this_process
from core.pdf.errors import FetchRefused, RenderFailed, RenderOutOfMemory, RenderTimedOut
from core.pdf.fetcher import StaticFilesURLFetcher, static_base_url, static_file_for_url
from core.pdf.renderers import render_pdf, renderers_stop

__all__ = [
    "FetchRefused",
    "RenderFailed",
    "RenderOutOfMemory",
    "RenderTimedOut",
    "StaticFilesURLFetcher",
    "render_pdf",
    "render_pdf_in_this_process",
    "renderers_stop",
    "static_base_url",
    "static_file_for_url",
]

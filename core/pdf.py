"""The project's one PDF renderer: HTML in, archival (PDF/A, tagged) PDF bytes out.

Documents are built from what users typed, so the renderer loads nothing that
the HTML points at except `data:` URIs and the project's own static files:
no network request, no file outside the static directories, no redirect.
Everything else is refused by `StaticFilesURLFetcher`; WeasyPrint logs the
refusal and renders the document without that resource.
"""

import mimetypes
import threading
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import DataHandler, Request, url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_STYLESHEET = "pdf/base.css"

# The footer of base.css says "strona X z Y"; other languages the site offers
# get their own words here (CSS cannot pick @page content by :lang()).
PAGE_FOOTER_WORDS = {"en": ("page", "of")}

# WeasyPrint gives no thread-safety guarantee and the font configuration is
# shared, so renders in one process (e.g. a threaded web server) take turns.
_render_lock = threading.Lock()


class FetchRefused(ValueError):
    """A resource the PDF renderer will not load: anything but data: URIs and static files."""


def static_base_url() -> str:
    """The base URL documents are rendered against: a file: URL of STATIC_URL's path.

    `<img src="/static/img/logo.svg">` and `<img src="img/logo.svg">` both
    resolve to file:///static/img/logo.svg, which the fetcher maps to the file
    the static files finders find. (An absolute STATIC_URL on another host,
    e.g. a CDN, is never fetched: only its path counts.)
    """
    prefix = urlsplit(settings.STATIC_URL).path or "/"
    if not prefix.endswith("/"):
        prefix += "/"
    return f"file://{prefix}"


def _static_roots() -> list[Path]:
    roots = []
    for entry in settings.STATICFILES_DIRS:
        # An entry is a path or a (prefix, path) pair.
        directory = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(directory).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_file_for_url(url: str) -> Path:
    """The static file a file: URL stands for, or FetchRefused.

    Accepts URLs under the static base URL (looked up with the static files
    finders, then in STATIC_ROOT) and file: URLs of files inside
    STATICFILES_DIRS or STATIC_ROOT. Paths are resolved (`..`, symlinks)
    before the check, so nothing outside those directories gets through.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"Not a local file URL: {url}")
    path = url2pathname(parts.path)
    static_prefix = urlsplit(static_base_url()).path
    candidates: list[str | Path | None]
    if path.startswith(static_prefix):
        relative = path.removeprefix(static_prefix)
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation as error:
            raise FetchRefused(f"Not a static file: {url}") from error
        candidates = [found]
        if settings.STATIC_ROOT:
            candidates.append(Path(settings.STATIC_ROOT) / relative)
    else:
        candidates = [path]
    roots = _static_roots()
    for candidate in candidates:
        if not candidate:
            continue
        resolved = Path(candidate).resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
            return resolved
    raise FetchRefused(f"Not a static file: {url}")


class StaticFilesURLFetcher(URLFetcher):
    """Serves data: URIs and the project's static files; refuses every other URL.

    Never opens a network connection: http, https, ftp and every other scheme
    raise FetchRefused before anything is opened, and redirects cannot happen.
    """

    def __init__(self, **kwargs):
        # The base class keeps these for its own fetch(), which is never
        # called; they are set anyway so that nothing falls back to a wider one.
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # urllib's data: decoder on its own, without an opener (no proxies, no handlers).
            response = DataHandler().data_open(Request(url))  # noqa: S310 (a data: URI, decoded in memory)
            return URLFetcherResponse(url, body=response.read(), headers=dict(response.headers))
        if scheme == "file":
            path = static_file_for_url(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )
        raise FetchRefused(f"The PDF renderer loads only static files and data: URIs, not {url}")


@cache
def _font_config() -> FontConfiguration:
    # One per process: faster, and memory stays flat (a new one per render grows).
    return FontConfiguration()


@cache
def _base_stylesheet() -> CSS:
    path = finders.find(BASE_STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"static/{BASE_STYLESHEET} is missing")
    return CSS(
        filename=path,
        url_fetcher=StaticFilesURLFetcher(),
        font_config=_font_config(),
    )


@cache
def _footer_stylesheet(language: str) -> CSS | None:
    words = PAGE_FOOTER_WORDS.get(language.split("-")[0].lower())
    if words is None:
        return None
    page, of = words
    return CSS(
        string=f'@page {{ @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); }} }}',
        url_fetcher=StaticFilesURLFetcher(),
        font_config=_font_config(),
    )


def render_pdf(
    html: str,
    *,
    title: str,
    author: str = "Mikrogranty",
    language: str = "pl",
    pdf_variant: str | None = "pdf/a-3u",
) -> bytes:
    """Render an HTML document to tagged PDF bytes, loading only static files and data: URIs.

    The document's title, author and language in the PDF are the ones given
    here, whatever the HTML's <title>, <meta name="author"> and <html lang> say.
    """
    with _render_lock:
        stylesheets = [_base_stylesheet()]
        if footer := _footer_stylesheet(language):
            stylesheets.append(footer)
        options = {"stylesheets": stylesheets, "pdf_variant": pdf_variant, "pdf_tags": True}
        fetcher = StaticFilesURLFetcher()
        document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
            font_config=_font_config(), **options
        )
        document.metadata.title = title
        document.metadata.authors = [author]
        document.metadata.lang = language
        return document.write_pdf(**options)

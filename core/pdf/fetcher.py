"""What a document may load while it renders: data: URIs and the project's static files, nothing else."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import DataHandler, Request, url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.pdf.errors import FetchRefused


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

"""The project's one PDF renderer: HTML in, archival (PDF/A, tagged) PDF bytes out.

Documents are built from what users typed, so the renderer loads nothing that
the HTML points at except `data:` URIs and the project's own static files:
no network request, no file outside the static directories, no redirect.
Everything else is refused by `StaticFilesURLFetcher`; WeasyPrint logs the
refusal and renders the document without that resource.

Every render runs in a child process forked for it, with a wall-clock time
limit (killed when it is reached) and a limit on how much memory it may add.
A document that is too big, too deep or too slow fails with RenderFailed
(RenderTimedOut, RenderOutOfMemory) instead of taking the process, or every
other render waiting behind it, down with it; renders never wait for each
other. The parent process renders one tiny document once (the warm-up) so
that every child starts with fonts and stylesheets already loaded.
"""

import fcntl
import gc
import logging
import math
import mimetypes
import os
import resource
import selectors
import signal
import struct
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from functools import cache, partial
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

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """A resource the PDF renderer will not load: anything but data: URIs and static files."""


class RenderFailed(Exception):
    """A document could not be rendered to PDF; the message says why (for the logs and coordinators)."""


class RenderTimedOut(RenderFailed):
    """The render took longer than its time limit and was stopped."""


class RenderOutOfMemory(RenderFailed):
    """The render needed more memory than a single render may take."""


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


def render_pdf_in_this_process(
    html: str,
    *,
    title: str,
    author: str = "Mikrogranty",
    language: str = "pl",
    pdf_variant: str | None = "pdf/a-3u",
) -> bytes:
    """Render in the calling process, with no time or memory limit: what each child runs.

    Only for the child, the parent's one-off warm-up and benchmarks (the floor
    that isolation is measured against); everything else calls render_pdf().
    """
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


def render_pdf(
    html: str,
    *,
    title: str,
    author: str = "Mikrogranty",
    language: str = "pl",
    pdf_variant: str | None = "pdf/a-3u",
    timeout: float | None = None,
) -> bytes:
    """Render an HTML document to tagged PDF bytes, loading only static files and data: URIs.

    The document's title, author and language in the PDF are the ones given
    here, whatever the HTML's <title>, <meta name="author"> and <html lang> say.
    Runs in a child process for at most `timeout` seconds (PDF_RENDER_TIMEOUT by
    default) and PDF_RENDER_MEMORY_MB more memory; raises RenderTimedOut,
    RenderOutOfMemory or RenderFailed (with the child's error) instead.
    """
    work = partial(
        render_pdf_in_this_process,
        html,
        title=title,
        author=author,
        language=language,
        pdf_variant=pdf_variant,
    )
    return _run_in_child(
        work,
        timeout=settings.PDF_RENDER_TIMEOUT if timeout is None else timeout,
        memory_mb=settings.PDF_RENDER_MEMORY_MB,
    )


# --- Isolation: one child process per render ------------------------------------------

# What the child writes to the pipe: one byte saying what follows, and its length.
_HEADER = struct.Struct("!cQ")
_DONE, _ERROR, _OUT_OF_MEMORY = b"K", b"E", b"M"
# Without pidfds (not Linux), how often the parent checks whether the child died.
_CHILD_CHECK_SECONDS = 0.1

_WARM_UP_HTML = (
    '<!DOCTYPE html><html lang="pl"><head><title>-</title></head><body>'
    '<img src="/static/img/logo.svg" alt="Mikrogranty"><h1>Zażółć</h1><p><strong>gęślą</strong> '
    "<em>jaźń</em></p><table><tr><th>1</th><td>2</td></tr></table></body></html>"
)
_warm = False
_warm_lock = threading.Lock()


def _warm_up() -> None:
    """Render one tiny document here, once per process, before the first fork.

    Loading fonts and the stylesheet is a third of a small letter's time; done
    in the parent, every child inherits it. Until it is done nobody forks (a
    child must never inherit the font machinery half-way through a render);
    after that the parent never renders again, so forking is safe from any thread.
    """
    global _warm
    if _warm:
        return
    with _warm_lock:
        if _warm:
            return
        try:
            render_pdf_in_this_process(_WARM_UP_HTML, title="-")
        except Exception:
            # The child will meet the same problem and report it as RenderFailed.
            logger.warning("The PDF renderer's warm-up failed", exc_info=True)
        _warm = True


def _address_space_bytes() -> int | None:
    """How much address space this process has mapped now (Linux), or None if unknown."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_child(*, memory_mb: int, timeout: float) -> None:
    """Bound what the child may take: memory beyond what it inherited, and CPU time.

    The CPU limit is a backstop for a child whose parent died and so can no
    longer kill it at the deadline; the kernel does it instead.
    """
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
        signal.signal(signum, signal.SIG_DFL)  # the worker's own handlers are not the child's
    now = _address_space_bytes()
    if memory_mb and now is not None:
        limit = now + memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seconds = math.ceil(timeout) + 1
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _child(work: Callable[[], bytes], write_fd: int, *, memory_mb: int, timeout: float):
    """Run `work` and write its result (or why it failed) to `write_fd`; never returns."""
    code = 1
    try:
        # Everything inherited is the parent's: the child's garbage collections skip
        # it, so its pages are not copied just to be scanned (~10 ms a letter).
        gc.freeze()
        try:
            _limit_child(memory_mb=memory_mb, timeout=timeout)
            pdf = work()
        except MemoryError:
            kind, payload = _OUT_OF_MEMORY, b""
        except BaseException as error:  # everything is reported, nothing escapes the child
            kind, payload = _ERROR, f"{type(error).__name__}: {error}"[:2000].encode()
        else:
            kind, payload = _DONE, pdf
        _write_all(write_fd, _HEADER.pack(kind, len(payload)))
        _write_all(write_fd, payload)
        code = 0
    finally:
        # No clean-up of the parent's state (database connections, temporary files,
        # atexit handlers): it is the parent's, not the child's.
        os._exit(code)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux, or a kernel before 5.3
        return None


def _run_in_child(work: Callable[[], bytes], *, timeout: float, memory_mb: int) -> bytes:
    """Fork a child that runs `work`; its bytes, or RenderFailed/RenderTimedOut/RenderOutOfMemory.

    The child is killed at the deadline. Several children may run at once,
    from several threads: nothing here waits for another render.
    """
    _warm_up()
    read_fd, write_fd = os.pipe()
    with suppress(AttributeError, OSError):  # a bigger pipe: fewer wake-ups for a long PDF
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    try:
        pid = os.fork()
    except OSError as error:
        os.close(read_fd)
        os.close(write_fd)
        raise RenderFailed(f"Could not start a renderer process: {error}") from error
    if pid == 0:
        os.close(read_fd)
        _child(work, write_fd, memory_mb=memory_mb, timeout=timeout)
    os.close(write_fd)
    reaped = False
    try:
        message, status = _collect(pid, read_fd, timeout=timeout)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:  # timed out, or interrupted: the child must not outlive the wait
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return _result(message, status)


def _collect(pid: int, read_fd: int, *, timeout: float) -> tuple[bytes, int]:
    """Read what the child writes until it has said everything or exited; RenderTimedOut at the deadline.

    Returns the bytes read and the child's wait status. Does not rely on the
    pipe's end-of-file: a child forked meanwhile by another thread holds a copy
    of this pipe's writing end, and its render must not delay this one.
    """
    deadline = time.monotonic() + timeout
    os.set_blocking(read_fd, False)
    pidfd = _pidfd(pid)
    buffer = bytearray()
    expected: int | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(read_fd, selectors.EVENT_READ)
        if pidfd is not None:
            selector.register(pidfd, selectors.EVENT_READ)
        try:
            while True:
                if expected is None and len(buffer) >= _HEADER.size:
                    expected = _HEADER.size + _HEADER.unpack_from(buffer)[1]
                if expected is not None and len(buffer) >= expected:
                    return bytes(buffer), os.waitpid(pid, 0)[1]  # it exits right after writing
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RenderTimedOut(
                        f"The render took longer than {timeout:g} s and was stopped."
                    )
                wait = remaining if pidfd is not None else min(remaining, _CHILD_CHECK_SECONDS)
                selector.select(timeout=wait)
                _read_available(read_fd, buffer)
                finished, status = os.waitpid(pid, os.WNOHANG)
                if finished:
                    _read_available(read_fd, buffer)
                    return bytes(buffer), status
        finally:
            if pidfd is not None:
                os.close(pidfd)


def _read_available(read_fd: int, buffer: bytearray) -> None:
    """Append whatever the pipe holds now to `buffer`, without waiting for more."""
    while True:
        try:
            chunk = os.read(read_fd, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            return
        buffer += chunk


def _result(message: bytes, status: int) -> bytes:
    """The PDF from the child's message, or the RenderFailed it stands for."""
    if len(message) >= _HEADER.size:
        kind, length = _HEADER.unpack_from(message)
        payload = message[_HEADER.size : _HEADER.size + length]
        if len(payload) == length:
            if kind == _DONE:
                return payload
            if kind == _OUT_OF_MEMORY:
                raise RenderOutOfMemory("The render needed more memory than it may take.")
            raise RenderFailed(payload.decode(errors="replace"))
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        if signum == signal.SIGXCPU:
            raise RenderTimedOut("The render used up its CPU time and was stopped.")
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        # A library that cannot allocate memory often aborts or crashes instead of
        # raising MemoryError: the likeliest cause, but only a guess.
        raise RenderFailed(f"The renderer process was killed by {name} (out of memory?).")
    raise RenderFailed(f"The renderer process ended without a result (status {status}).")

"""Renderer processes: each render runs in a child process with a time and a memory limit.

Every render runs in a renderer: a child process of the caller's, with a
wall-clock time limit (it is killed when that is reached) and a limit on how
much memory it may add. A document that is too big, too deep or too slow
fails with RenderFailed (RenderTimedOut, RenderOutOfMemory) instead of taking
the process, or every other render waiting behind it, down with it; renders
never wait for each other. The calling process renders one tiny document
once (the warm-up) so that every renderer starts with fonts and the
stylesheet loaded, and keeps one for the next render.
"""

import fcntl
import gc
import logging
import math
import os
import pickle
import resource
import select
import selectors
import signal
import stat
import struct
import threading
import time
from contextlib import suppress

from django.conf import settings

from core.pdf.document import render_pdf_in_this_process
from core.pdf.errors import RenderFailed, RenderOutOfMemory, RenderTimedOut

logger = logging.getLogger(__name__)


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
    Runs in a renderer process for at most `timeout` seconds (PDF_RENDER_TIMEOUT
    by default) and PDF_RENDER_MEMORY_MB more memory; raises RenderTimedOut,
    RenderOutOfMemory or RenderFailed (with the renderer's error) instead.
    """
    options = {"title": title, "author": author, "language": language, "pdf_variant": pdf_variant}
    timeout = settings.PDF_RENDER_TIMEOUT if timeout is None else timeout
    _renders_count_up()
    _warm_up()
    renderer = _renderer_take(memory_mb=settings.PDF_RENDER_MEMORY_MB)
    try:
        pdf = renderer.render(html, options, timeout=timeout)
    except BaseException:
        renderer.stop()  # timed out, failed or interrupted: never reused
        raise
    _renderer_give_back(renderer)
    return pdf


_renders = 0
_renders_lock = threading.Lock()


def _renders_count_up() -> None:
    global _renders
    with _renders_lock:
        _renders += 1


def renders_started() -> int:
    """How many documents this process has asked a renderer for (warm-ups not counted).

    For tests that check something is never rendered twice, or not in a web request:
    read it before and after.
    """
    return _renders


# --- Isolation: renderer processes ------------------------------------------------------
#
# A renderer is a child process forked from this one (so it starts with the fonts
# and the stylesheet already loaded) that renders one document at a time, sent
# over a pipe. It is reused while it behaves: a render that fails, runs out of
# time (the renderer is killed) or of memory takes its renderer with it, and
# the next render gets a fresh one. Each thread that renders takes an idle
# renderer or forks a new one, so renders never wait for each other.

# A message on a pipe: one byte saying what follows, and its length.
_HEADER = struct.Struct("!cQ")
_REQUEST, _DONE, _ERROR, _OUT_OF_MEMORY = b"R", b"K", b"E", b"M"
# Without pidfds (not Linux), how often the parent checks whether a renderer died.
_CHILD_CHECK_SECONDS = 0.1
# How often an idle renderer checks that its parent is still alive (it exits if not).
_ORPHAN_CHECK_SECONDS = 1.0
# Idle renderers kept per process (each holds what its last render left in its
# memory), and documents one renderer renders before it is replaced (whatever
# a long-lived process accumulates goes with it).
MAX_IDLE_RENDERERS = 1
RENDERS_PER_RENDERER = 200

_WARM_UP_HTML = (
    '<!DOCTYPE html><html lang="pl"><head><title>-</title></head><body>'
    '<img src="/static/img/logo.svg" alt="Mikrogranty"><h1>Zażółć</h1><p><strong>gęślą</strong> '
    "<em>jaźń</em></p><table><tr><th>1</th><td>2</td></tr></table></body></html>"
)
_warm = False
_warm_lock = threading.Lock()
_idle: list["_Renderer"] = []
_idle_lock = threading.Lock()  # held only to take or put back a renderer, never while rendering


def _warm_up() -> None:
    """Render one tiny document here, once per process, before the first fork.

    Loading fonts and the stylesheet is a third of a small letter's time; done
    in the parent, every renderer inherits it. Until it is done nobody forks (a
    child must never inherit the font machinery half-way through a render);
    after that this process never renders again, so forking is safe from any thread.
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
            # The renderer will meet the same problem and report it as RenderFailed.
            logger.warning("The PDF renderer's warm-up failed", exc_info=True)
        _warm = True


def renderers_stop() -> None:
    """Stop the idle renderers: the next render forks a fresh one from this process as it is now.

    For tests that change what a renderer would inherit (a patched WeasyPrint, settings).
    """
    with _idle_lock:
        stopping = list(_idle)
        _idle.clear()
    for renderer in stopping:
        renderer.stop()


def _renderer_take(*, memory_mb: int) -> "_Renderer":
    with _idle_lock:
        while _idle:
            renderer = _idle.pop()
            if renderer.memory_mb == memory_mb and renderer.alive():
                return renderer
            renderer.stop()
    return _Renderer(memory_mb=memory_mb)


def _renderer_give_back(renderer: "_Renderer") -> None:
    if renderer.worn_out():
        renderer.stop()
        return
    with _idle_lock:
        if len(_idle) < MAX_IDLE_RENDERERS:
            _idle.append(renderer)
            return
    renderer.stop()


def _address_space_bytes(pid: int | str = "self") -> int | None:
    """How much address space a process has mapped now (Linux), or None if unknown."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class _Renderer:
    """A child process that renders documents one at a time for this process."""

    def __init__(self, *, memory_mb: int):
        self.memory_mb = memory_mb
        self.renders = 0
        self.started_with = _address_space_bytes()  # the child starts as big as this process
        self._status: int | None = None
        request_read, self._requests = os.pipe()
        self._responses, response_write = os.pipe()
        with suppress(AttributeError, OSError):  # bigger pipes: fewer wake-ups for a long PDF
            fcntl.fcntl(response_write, fcntl.F_SETPIPE_SZ, 1 << 20)
            fcntl.fcntl(self._requests, fcntl.F_SETPIPE_SZ, 1 << 20)
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError as error:
            for fd in (request_read, self._requests, self._responses, response_write):
                os.close(fd)
            raise RenderFailed(f"Could not start a renderer process: {error}") from error
        if pid == 0:
            os.close(self._requests)
            os.close(self._responses)
            _serve(request_read, response_write, parent=parent, memory_mb=memory_mb)
        os.close(request_read)
        os.close(response_write)
        self.pid = pid
        self._pidfd = _pidfd(pid)
        os.set_blocking(self._responses, False)

    def render(self, html: str, options: dict, *, timeout: float) -> bytes:
        """The PDF of `html`, or the RenderFailed the renderer reported (or died of)."""
        request = pickle.dumps((html, options, timeout), protocol=pickle.HIGHEST_PROTOCOL)
        with suppress(BrokenPipeError):  # it died: _collect() finds out how
            _write_all(self._requests, _HEADER.pack(_REQUEST, len(request)) + request)
        message, status = _collect(self.pid, self._pidfd, self._responses, timeout=timeout)
        self.renders += 1
        if status is not None:
            self._status = status
        return _result(message, status)

    def alive(self) -> bool:
        if self._status is None:
            finished, status = os.waitpid(self.pid, os.WNOHANG)
            if finished:
                self._status = status
        return self._status is None

    def worn_out(self) -> bool:
        """Rendered its share, or grew by half its memory allowance: replaced by a fresh one."""
        if self.renders >= RENDERS_PER_RENDERER or not self.alive():
            return True
        now = _address_space_bytes(self.pid)
        return bool(
            self.memory_mb
            and now is not None
            and self.started_with is not None
            and now - self.started_with > self.memory_mb * 1024 * 1024 // 2
        )

    def stop(self) -> None:
        """Kill the renderer (whatever it is doing) and reap it."""
        if self._status is None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with suppress(ChildProcessError):
                self._status = os.waitpid(self.pid, 0)[1]
        for fd in (self._requests, self._responses, self._pidfd):
            if fd is not None:
                with suppress(OSError):
                    os.close(fd)
        self._requests = self._responses = self._pidfd = None


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux, or a kernel before 5.3
        return None


# --- In the renderer process ----------------------------------------------------------


def _close_inherited_sockets() -> None:
    """Close the sockets the renderer inherited (database, clients of other requests, the listener).

    They are the parent's: a copy held here would keep a connection open after
    the parent closed it (a client waiting for the end of its response, a
    database connection the server never sees closed). A renderer never uses
    the network. Linux only; elsewhere nothing is closed.
    """
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        with suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)


def _limit_renderer(*, memory_mb: int) -> None:
    """Bound the memory the renderer may take beyond what it inherited; its own signal handling."""
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
        signal.signal(signum, signal.SIG_DFL)  # the worker's own handlers are not the renderer's
    now = _address_space_bytes()
    if memory_mb and now is not None:
        limit = now + memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _limit_cpu(timeout: float) -> None:
    """A CPU-time limit for the next render: a backstop should the parent die and never kill it."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = math.ceil(used.ru_utime + used.ru_stime + timeout) + 1
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, hard))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _next_request(request_fd: int, *, parent: int) -> tuple | None:
    """The next document to render; None when the parent is gone or has closed the pipe."""
    poller = select.poll()
    poller.register(request_fd, select.POLLIN)
    while not poller.poll(_ORPHAN_CHECK_SECONDS * 1000):
        if os.getppid() != parent:
            return None
    header = _read_exactly(request_fd, _HEADER.size)
    if header is None:
        return None
    _kind, length = _HEADER.unpack(header)
    body = _read_exactly(request_fd, length)
    return None if body is None else pickle.loads(body)  # noqa: S301 (from our own parent)


def _serve(request_fd: int, response_fd: int, *, parent: int, memory_mb: int):
    """The renderer's life: render each request, answer it; exit after a failure. Never returns."""
    code = 1
    try:
        # Everything inherited is the parent's: the renderer's garbage collections
        # skip it, so its pages are not copied just to be scanned.
        gc.freeze()
        _close_inherited_sockets()
        _limit_renderer(memory_mb=memory_mb)
        while (request := _next_request(request_fd, parent=parent)) is not None:
            html, options, timeout = request
            _limit_cpu(timeout)
            try:
                pdf = render_pdf_in_this_process(html, **options)
            except MemoryError:
                _write_all(response_fd, _HEADER.pack(_OUT_OF_MEMORY, 0))
                break
            except BaseException as error:  # reported; a fresh renderer takes the next one
                reason = f"{type(error).__name__}: {error}"[:2000].encode()
                _write_all(response_fd, _HEADER.pack(_ERROR, len(reason)) + reason)
                break
            _write_all(response_fd, _HEADER.pack(_DONE, len(pdf)))
            _write_all(response_fd, pdf)
        code = 0
    finally:
        # No clean-up of the parent's state (database connections, temporary files,
        # atexit handlers): it is the parent's, not the renderer's.
        os._exit(code)


# --- Back in the parent ---------------------------------------------------------------------


def _collect(
    pid: int, pidfd: int | None, read_fd: int, *, timeout: float
) -> tuple[bytes, int | None]:
    """Read the renderer's answer until it is complete or the renderer died; RenderTimedOut at the deadline.

    Returns the bytes read and, if the renderer has exited, its wait status.
    Never relies on end-of-file: a renderer forked meanwhile by another thread
    holds copies of this renderer's pipes.
    """
    deadline = time.monotonic() + timeout
    buffer = bytearray()
    expected: int | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(read_fd, selectors.EVENT_READ)
        if pidfd is not None:
            selector.register(pidfd, selectors.EVENT_READ)
        while True:
            if expected is None and len(buffer) >= _HEADER.size:
                expected = _HEADER.size + _HEADER.unpack_from(buffer)[1]
            if expected is not None and len(buffer) >= expected:
                return bytes(buffer), None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RenderTimedOut(f"The render took longer than {timeout:g} s and was stopped.")
            wait = remaining if pidfd is not None else min(remaining, _CHILD_CHECK_SECONDS)
            selector.select(timeout=wait)
            _read_available(read_fd, buffer)
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                _read_available(read_fd, buffer)
                return bytes(buffer), status


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


def _result(message: bytes, status: int | None) -> bytes:
    """The PDF from the renderer's answer, or the RenderFailed it stands for."""
    if len(message) >= _HEADER.size:
        kind, length = _HEADER.unpack_from(message)
        payload = message[_HEADER.size : _HEADER.size + length]
        if len(payload) == length:
            if kind == _DONE:
                return payload
            if kind == _OUT_OF_MEMORY:
                raise RenderOutOfMemory("The render needed more memory than it may take.")
            raise RenderFailed(payload.decode(errors="replace"))
    if status is not None and os.WIFSIGNALED(status):
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

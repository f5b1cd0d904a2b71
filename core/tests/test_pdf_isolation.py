"""Every render runs in a renderer process: bounded in time and memory, never waiting for another.

The slow, greedy or crashing "documents" here are WeasyPrint's render replaced
by one that blocks, allocates or dies. It is patched in this process before
a renderer is forked from it, so the renderer runs the replacement; the
warm-up (a real render in this process) is done first, unpatched, and the
renderer it left is stopped.
"""

import multiprocessing
import os
import signal
import socket
import threading

import pytest
import weasyprint

from core.pdf import (
    RenderFailed,
    RenderOutOfMemory,
    RenderTimedOut,
    render_pdf,
    renderers_stop,
)

HTML = "<!DOCTYPE html><html lang='pl'><body><p>Zażółć gęślą jaźń</p></body></html>"


def _stuck(*args, **kwargs):
    """A render that never ends (it gives up after a minute, so a broken limit fails, not hangs)."""
    threading.Event().wait(60)


@pytest.fixture(autouse=True)
def _warm_renderer():
    """The once-per-process warm-up, with the real WeasyPrint, before any test patches it.

    Its renderer is stopped, so the test's renders fork from the test as it patches things.
    """
    assert render_pdf(HTML, title="Rozgrzewka").startswith(b"%PDF-")
    renderers_stop()


def _no_child_left() -> bool:
    """This process has no child, running or unreaped."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_render_pdf_stops_a_render_that_runs_past_the_time_limit(settings, monkeypatch):
    settings.PDF_RENDER_TIMEOUT = 1
    monkeypatch.setattr(weasyprint.HTML, "render", _stuck)

    with pytest.raises(RenderTimedOut):
        render_pdf(HTML, title="Bez końca")

    assert _no_child_left()  # the child was killed and reaped, not left running


def test_render_pdf_time_limit_can_be_given_per_call(monkeypatch):
    monkeypatch.setattr(weasyprint.HTML, "render", _stuck)

    with pytest.raises(RenderTimedOut):
        render_pdf(HTML, title="Bez końca", timeout=0.5)


def test_render_pdf_refuses_a_render_that_needs_too_much_memory(settings, monkeypatch):
    settings.PDF_RENDER_MEMORY_MB = 64

    def greedy(*args, **kwargs):
        hoard = bytearray(256 * 1024**2)  # 256 MiB: four times what this render may take
        return hoard

    monkeypatch.setattr(weasyprint.HTML, "render", greedy)

    with pytest.raises(RenderOutOfMemory):
        render_pdf(HTML, title="Zachłanny")


def test_render_pdf_reports_an_error_in_the_document_as_render_failed(monkeypatch):
    def too_deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(weasyprint.HTML, "render", too_deep)

    with pytest.raises(RenderFailed, match="RecursionError"):
        render_pdf(HTML, title="Za głęboko")


def test_render_pdf_survives_a_renderer_that_is_killed(monkeypatch):
    # As the kernel's out-of-memory killer, or a crash in a C library, would do it.
    monkeypatch.setattr(
        weasyprint.HTML, "render", lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
    )

    with pytest.raises(RenderFailed, match="SIGKILL"):
        render_pdf(HTML, title="Awaria")

    monkeypatch.undo()
    assert render_pdf(HTML, title="Po awarii").startswith(b"%PDF-")  # this process is fine


def test_render_pdf_two_renders_run_side_by_side(monkeypatch):
    """Each render waits in WeasyPrint until the other one has started too.

    If renders took turns (behind a lock, in one worker), the first would wait
    for the second in vain, the barrier would break, and both would fail.
    """
    barrier = multiprocessing.get_context("fork").Barrier(2, timeout=60)
    real_render = weasyprint.HTML.render

    def render_once_both_have_started(self, *args, **kwargs):
        barrier.wait()
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", render_once_both_have_started)
    results: dict[int, object] = {}

    def render(index: int) -> None:
        try:
            results[index] = render_pdf(HTML, title=f"Równolegle {index}")
        except Exception as error:  # reported below, with the other thread's result
            results[index] = error

    threads = [threading.Thread(target=render, args=(index,)) for index in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [type(results[index]) for index in (1, 2)] == [bytes, bytes], results
    assert all(results[index].startswith(b"%PDF-") for index in (1, 2))


def test_render_pdf_keeps_a_renderer_that_behaved_and_drops_one_that_failed(monkeypatch):
    assert render_pdf(HTML, title="Pierwszy").startswith(b"%PDF-")
    assert render_pdf(HTML, title="Drugi").startswith(b"%PDF-")
    assert not _no_child_left()  # kept for the next render

    def too_deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(weasyprint.HTML, "render", too_deep)
    renderers_stop()  # the next renderer is forked with the patch
    with pytest.raises(RenderFailed):
        render_pdf(HTML, title="Za głęboko")

    assert _no_child_left()  # the failed renderer is gone, not kept for the next render
    monkeypatch.undo()
    assert render_pdf(HTML, title="Po błędzie").startswith(b"%PDF-")


def test_renderer_keeps_no_copy_of_this_process_sockets():
    """A client's connection closed here ends there, even while a renderer (forked meanwhile) lives on."""
    here, client_side = socket.socketpair()
    with here, client_side:
        assert render_pdf(HTML, title="Gniazda").startswith(b"%PDF-")  # forks a renderer, kept idle
        assert not _no_child_left()
        here.close()  # the response is sent: this process closes the connection
        client_side.settimeout(10)

        assert (
            client_side.recv(1) == b""
        )  # the client sees the end at once, not when the renderer exits

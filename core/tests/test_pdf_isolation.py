"""Every render runs in its own process: bounded in time and memory, never waiting for another.

The slow, greedy or crashing "documents" here are WeasyPrint's render replaced
by one that blocks, allocates or dies. It is patched in this process before
render_pdf() forks, so the child runs the replacement; the warm-up (a real
render in this process) is done first, unpatched.
"""

import multiprocessing
import os
import signal
import threading

import pytest
import weasyprint

from core.pdf import RenderFailed, RenderOutOfMemory, RenderTimedOut, render_pdf

HTML = "<!DOCTYPE html><html lang='pl'><body><p>Zażółć gęślą jaźń</p></body></html>"


def _stuck(*args, **kwargs):
    """A render that never ends (it gives up after a minute, so a broken limit fails, not hangs)."""
    threading.Event().wait(60)


@pytest.fixture(autouse=True)
def _warm_renderer():
    """The once-per-process warm-up, with the real WeasyPrint, before any test patches it."""
    assert render_pdf(HTML, title="Rozgrzewka").startswith(b"%PDF-")


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

"""Browser tests: Playwright for Python driving Debian's Chromium against live_server."""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from concurrent.futures import Future
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError

from tests.html_checker import CheckerService, as_document, checker_missing, is_fragment, report

# Playwright's sync API keeps an event loop running in the test thread; the
# ORM calls the tests make there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The live server listens on the loopback address only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# What Chromium says when a script meets a document that a navigation is replacing.
NAVIGATION_SIGNS = (
    "reading 'appendChild'",
    "Execution context was destroyed",
    "Cannot find context with specified id",
    "axe is not defined",
)
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
HTML_CHECK_REPORT = BASE_DIR / "var" / "html-check.txt"
CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    # Chromium's own controls (the file picker's "Choose File") in Polish, as applicants see them.
    "--lang=pl",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # bypass_csp lets the tests inject axe-core; the pages themselves keep their CSP.
    # 1366 px: the desktop width screenshots are looked at (the phone's is 390 px).
    return {
        **browser_context_args,
        "bypass_csp": True,
        "locale": "pl-PL",
        "viewport": {"width": 1366, "height": 768},
    }


@pytest.fixture
def axe(page):
    """Call axe(page, name) to assert no serious or critical WCAG 2.1 A/AA violation."""
    source = AXE_JS.read_text()

    def run(target):
        target.wait_for_load_state("load")
        target.add_script_tag(content=source)
        return target.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )

    def check(target, name: str) -> None:
        # A click on a link may still be turning into a navigation when the check starts:
        # the new document has no <head> yet, or the old one goes away under axe. Such a
        # check is run again on the page the navigation lands on (a real failure of axe
        # itself is raised on the last try).
        for attempt in range(3):
            try:
                result = run(target)
                break
            except PlaywrightError as error:
                navigating = any(sign in str(error) for sign in NAVIGATION_SIGNS)
                if not navigating or attempt == 2:
                    raise
        bad = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not bad, f"axe on {name} ({target.url}):\n" + json.dumps(bad, indent=2)

    return check


@pytest.fixture
def screenshot(page):
    """Save desktop and phone-width screenshots of the current page for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        size = page.viewport_size
        page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
        # Nothing may make a phone scroll sideways (wide tables scroll inside their box).
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(size)
        assert width <= 391, f"{name}: the page is {width}px wide on a 390px phone"

    return take


@pytest.fixture
def no_foreign_requests(page, live_server):
    """Fail if any page asks for anything from another host."""
    foreign: list[str] = []

    def record(request):
        url = request.url
        if not (url.startswith(live_server.url) or url.startswith("data:")):
            foreign.append(url)

    page.on("request", record)
    yield
    assert foreign == []


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- the demo programme, loaded once per session ----------------------------------------------

# The copy of the database (a SQLite file) and of the media folder as `load_demo` left them.
_demo_template: dict[str, Path] = {}


@pytest.fixture
def demo(transactional_db, settings, tmp_path_factory):
    """The demo programme in the test's database and media folder, as `load_demo` leaves them.

    Loading it takes a minute on the 2-core machine, so it is loaded once, by the first test
    that asks (its tasks run at once, as every browser test's do: the PDF copies are
    rendered), and copied: the SQLite database file with SQLite's backup API, the media
    folder file by file. Each later test gets the copy in its own empty database (the
    database is emptied after every browser test) and its own media folder. On any other
    database the demo is loaded for each test.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor != "sqlite":
        call_command("load_demo", stdout=StringIO())
        return
    connection.ensure_connection()
    if not _demo_template:
        folder = tmp_path_factory.mktemp("demo-template")
        tasks_at_once = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        with override_settings(MEDIA_ROOT=folder / "media", TASKS=tasks_at_once):
            call_command("load_demo", stdout=StringIO())
        copy = sqlite3.connect(folder / "demo.sqlite3")
        with copy:
            connection.connection.backup(copy)
        copy.close()
        _demo_template.update(database=folder / "demo.sqlite3", media=folder / "media")
    else:
        template = sqlite3.connect(_demo_template["database"])
        template.backup(connection.connection)
        template.close()
        # What this process remembers of the rows it replaced: forgotten.
        ContentType.objects.clear_cache()
    shutil.copytree(_demo_template["media"], settings.MEDIA_ROOT, dirs_exist_ok=True)
    # The programme profile's cached copy ("none saved yet") and anything else cached before.
    cache.clear()


# --- every page the browsers receive is checked by the Nu Html Checker ----------------------

# sha256 of a URL and its page (without CSRF tokens) -> the errors found (a Future: pages are
# checked in a thread of their own while the test goes on).
_checked: dict[str, Future] = {}
_html_summary = {"pages": 0, "seconds": 0.0, "cpu": 0.0, "failures": [], "not_read": []}


@pytest.fixture(scope="session")
def html_checker():
    """The Nu Html Checker's service, started once (it loads while the first test runs)."""
    if missing := checker_missing():
        pytest.fail(
            f"The browser tests check every page with the Nu Html Checker: {missing} is missing."
        )
    service = CheckerService()
    yield service
    _html_summary["cpu"] = service.cpu_seconds()
    service.stop()


@pytest.fixture(autouse=True)
def _every_page_valid_html(request, browser, live_server, html_checker, monkeypatch):
    """Fail a test if any HTML page of ours that its browsers received has an HTML error.

    Every context of the test's browser is watched (the `page` fixture's and those a test
    opens itself with browser.new_context()/new_page()): each response of the live server
    that is HTML is checked as the server sent it (not the DOM after scripts ran). Whole
    documents are checked as they are, including error pages; fragments an XHR/fetch
    receives (htmx partials) are checked wrapped in a minimal document. Redirects and
    downloads have no HTML to check. The checks run beside the test; it fails at its end.
    """
    results: list[Future] = []

    def keep(response) -> None:
        kind = response.request.resource_type
        if (
            not response.url.startswith(live_server.url)
            or kind not in {"document", "xhr", "fetch"}
            or not response.headers.get("content-type", "").startswith("text/html")
            or not 200 <= response.status < 600
            or 300 <= response.status < 400
            or response.status == 204
        ):
            return
        url = response.url.removeprefix(live_server.url)
        try:
            body = response.body()
        except PlaywrightError:
            # The page went on before its body arrived: said in the summary, not checked.
            _html_summary["not_read"].append(url)
            return
        document = as_document(body, fragment=kind != "document" and is_fragment(body))
        # The same page again differs only in its CSRF tokens: checked once.
        key = hashlib.sha256(url.encode() + CSRF_VALUE.sub(b"", document)).hexdigest()
        if key not in _checked:
            _checked[key] = html_checker.submit(url, document)
        results.append(_checked[key])

    original_new_context, original_new_page = browser.new_context, browser.new_page

    def new_context(*args, **kwargs):
        context = original_new_context(*args, **kwargs)
        context.on("response", keep)
        return context

    def new_page(*args, **kwargs):
        page = original_new_page(*args, **kwargs)
        page.context.on("response", keep)
        return page

    monkeypatch.setattr(browser, "new_context", new_context)
    monkeypatch.setattr(browser, "new_page", new_page)
    yield results  # test_checks.py looks at what was kept
    started = time.monotonic()
    errors = [error for result in results for error in result.result()]
    _html_summary["pages"] += len(results)
    _html_summary["seconds"] += time.monotonic() - started
    if errors:
        text = report(errors)
        _html_summary["failures"].append(f"{request.node.nodeid}\n{text}")
        pytest.fail(text, pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if not _html_summary["pages"]:
        return
    failures = _html_summary["failures"]
    HTML_CHECK_REPORT.parent.mkdir(parents=True, exist_ok=True)
    HTML_CHECK_REPORT.write_text("\n\n".join(failures) + "\n" if failures else "No HTML errors.\n")
    terminalreporter.write_line(
        f"Nu Html Checker: {_html_summary['pages']} pages received, {len(_checked)} different ones checked; "
        f"{_html_summary['seconds']:.1f} s waited for at the tests' ends, the checker used "
        f"{_html_summary['cpu']:.1f} s of processor time; {len(failures)} test(s) with HTML errors"
        + (f" (all listed in {HTML_CHECK_REPORT.relative_to(BASE_DIR)})" if failures else "")
    )
    if not_read := _html_summary["not_read"]:
        terminalreporter.write_line(
            f"Nu Html Checker: {len(not_read)} page(s) left before their HTML arrived, not checked: "
            + ", ".join(not_read)
        )

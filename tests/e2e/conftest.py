"""Browser tests: Playwright for Python driving Debian's Chromium against live_server."""

import json
import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; the
# ORM calls the tests make there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The live server listens on the loopback address only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
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

    def check(target, name: str) -> None:
        target.add_script_tag(content=source)
        result = target.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
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

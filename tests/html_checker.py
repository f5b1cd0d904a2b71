"""The Nu Html Checker (vnu.jar from the npm package vnu-jar, run with Java) for the tests.

Two ways to run it, both one Java process for many pages (starting the JVM takes seconds):
- `check_documents()` runs the command line once over a batch of documents (the page test
  with Django's test client);
- `CheckerService` starts the checker's own HTTP service on the loopback address once per
  browser-test session; each page a test receives is posted to it from a thread while the
  test goes on (tens of milliseconds a page), and each test fails with its own pages' errors.

Only errors count (warnings and info messages are left out, like `vnu --errors-only`).
`report()` lists them by URL, line and column, with the checker's extract of the source.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A fragment (what htmx swaps into a page) is checked inside a minimal document; the wrapper
# stays on the fragment's first line so the line numbers reported are the fragment's own.
FRAGMENT_BEFORE = (
    '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>fragment</title></head>'
    "<body>"
)
FRAGMENT_AFTER = "</body></html>"
# The JIT's first tier only and the simplest garbage collector: half the processor time for
# runs of a few hundred pages (measured on the 2-core machine); that tier needs a larger stack.
JAVA_OPTIONS = ["-Xss8m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
SERVICE_START_SECONDS = 120
PR_SET_PDEATHSIG = 1  # prctl(2)  # the checker loads its schemas on a busy 2-core machine


@dataclass(frozen=True)
class HtmlError:
    """One error the checker found in a page."""

    url: str
    line: int | None
    column: int | None
    message: str
    extract: str

    def describe(self) -> str:
        where = f"line {self.line}" if self.line else "the document"
        if self.line and self.column:
            where += f", column {self.column}"
        text = f"  {where}: {self.message}"
        if self.extract:
            text += "\n      " + " ".join(self.extract.split())
        return text


def checker_missing() -> str:
    """Why the checker can't run on this machine, or "" when it can."""
    missing = []
    if not shutil.which("java"):
        missing.append("Java (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"{VNU_JAR.relative_to(BASE_DIR)} (npm ci)")
    return " and ".join(missing)


def as_document(body: bytes, *, fragment: bool) -> bytes:
    """What the checker is given for a response: a document as it is, a fragment wrapped."""
    if not fragment:
        return body
    return FRAGMENT_BEFORE.encode() + body + FRAGMENT_AFTER.encode()


def is_fragment(body: bytes) -> bool:
    """A response that is not a whole document (no doctype), such as an htmx partial."""
    return not body.lstrip()[:15].lower().startswith(b"<!doctype html")


def _errors(url: str, messages: Iterable[dict]) -> list[HtmlError]:
    """The errors among the checker's messages, in the order of the page's lines."""
    found = [
        HtmlError(
            url=url,
            line=m.get("firstLine") or m.get("lastLine"),
            column=m.get("firstColumn") or m.get("lastColumn"),
            message=m.get("message", ""),
            extract=m.get("extract", ""),
        )
        for m in messages
        # "error" is invalid HTML; "non-document-error" means the checker could not read it.
        if m.get("type") in {"error", "non-document-error"}
    ]
    return sorted(found, key=lambda e: (e.line or 0, e.column or 0))


def check_documents(documents: Mapping[str, bytes]) -> list[HtmlError]:
    """Check every document (named by its URL) in one run of the checker; return the errors."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names = {}
        for number, (url, body) in enumerate(documents.items()):
            path = Path(folder) / f"page-{number:04d}.html"
            path.write_bytes(body)
            names[path.name] = url
        result = subprocess.run(  # noqa: S603 — a fixed command line over our own temporary files
            [
                shutil.which("java") or "java",
                *JAVA_OPTIONS,
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--format",
                "json",
                "--stdout",
                "--exit-zero-always",
                *sorted(str(Path(folder) / name) for name in names),
            ],
            capture_output=True,
            check=False,
            timeout=600,
        )
        if result.returncode != 0 or not result.stdout.strip():
            raise RuntimeError(f"vnu.jar failed ({result.returncode}): {result.stderr.decode()}")
        messages = json.loads(result.stdout)["messages"]
    found = []
    for name, url in names.items():
        found += _errors(url, [m for m in messages if m.get("url", "").endswith("/" + name)])
    return found


def _stop_with_parent() -> None:
    """In the checker's process before Java starts: Linux stops it if the test run is killed."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class CheckerService:
    """The checker's HTTP service on 127.0.0.1, started once and asked about page after page."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # The checker's own output, read only if it fails to start; closed in stop().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 — it lives as long as the service
        self.process = subprocess.Popen(  # noqa: S603 — a fixed command line
            [
                shutil.which("java") or "java",
                *JAVA_OPTIONS,
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_stop_with_parent,
        )
        self.ready = False
        # Pages are checked one at a time, beside whatever asked for them.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vnu")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + SERVICE_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    self.ready = True
                    return
            except OSError:
                time.sleep(0.2)
        self.log.seek(0)
        raise RuntimeError(
            f"the Nu Html Checker did not start:\n{self.log.read().decode()[-3000:]}"
        )

    def check(self, url: str, document: bytes) -> list[HtmlError]:
        """The errors in one document (named by its URL in what is reported)."""
        if not self.ready:
            self._wait_until_ready()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json&level=error",
            data=document,
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        # S310: the URL is our own checker's, on the loopback address.
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return _errors(url, json.load(response)["messages"])

    def submit(self, url: str, document: bytes) -> Future:
        """Check a document in the service's own thread; the Future gives its errors."""
        return self._thread.submit(self.check, url, document)

    def cpu_seconds(self) -> float:
        """The processor time the checker has used so far (user and system, all its threads)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self._thread.shutdown(cancel_futures=True)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def report(errors: Iterable[HtmlError]) -> str:
    """The errors page by page: URL, then line, column, message and the source around it."""
    by_url: dict[str, list[HtmlError]] = {}
    for error in errors:
        by_url.setdefault(error.url, []).append(error)
    count = sum(len(e) for e in by_url.values())
    lines = [
        f"The Nu Html Checker found {count} error(s) in {len(by_url)} page(s) (vnu.jar --errors-only):"
    ]
    for url, found in by_url.items():
        lines.append("")
        lines.append(url)
        lines += [e.describe() for e in found]
    return "\n".join(lines)

#!/usr/bin/env python3
"""The deadline rush: many applicants submitting at once while the call closes.

`make loadtest` (SQLite) or `make loadtest DB=postgres` (a throwaway PostgreSQL 15,
started by scripts/pg_throwaway.sh, which sets DATABASE_URL). What it does:

1. prepares a fresh database (SQLite in var/loadtest/ unless DATABASE_URL is set),
   migrates it and creates a coordinator, three reviewers (with assignments in an
   earlier call, so their dashboards have rows), the applicants (verified e-mail,
   a profile each) and a call with a criterion that closes during the run;
2. serves the project with gunicorn on 127.0.0.1 with production settings
   (DEBUG off, hashed static files) and runs the task worker beside it;
3. lets the applicants log in, start the application, save every section several
   times (schedule row, budget line, a PDF attachment) and submit — most before the
   deadline, a few just before it and a few deliberately after it — while the
   reviewers browse their dashboards and the coordinator the call's application list;
4. checks the outcome in the database: no 5xx, every submission that was answered
   as a success stored once with all the content typed, reference numbers 0001…N
   without gaps or duplicates, late submissions refused and still drafts with their
   content, one live application per applicant, one confirmation e-mail task each.

Prints requests per second, p50/p99 latency and errors, then PASS or FAIL (exit 1).
Only the Python standard library on the client side; every loop is bounded in count
and time, and only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import ipaddress
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"  # the only address this script ever talks to
PASSWORD = "deadline-rush-2027"  # noqa: S105 — the made-up people of a throwaway database
REQUEST_TIMEOUT = 30.0  # seconds, for each HTTP request
MAX_ERRORS_LISTED = 25


# --- Options ---------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument(
        "--late", type=int, default=5, help="applicants who submit a few seconds after the deadline"
    )
    parser.add_argument(
        "--last-minute",
        type=int,
        default=5,
        help="applicants who wait and submit one to three seconds before the deadline",
    )
    parser.add_argument("--reviewers", type=int, default=3)
    parser.add_argument(
        "--close-after",
        type=float,
        default=90.0,
        help="seconds from the start to the deadline (more on a slow or busy machine)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="times each applicant saves sections")
    parser.add_argument("--timeout", type=float, default=180.0, help="the whole rush, in seconds")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--no-task-worker", action="store_true", help="don't run the e-mail/PDF task worker"
    )
    parser.add_argument("--var-dir", default="var/loadtest")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    if args.late + args.last_minute > args.applicants:
        parser.error("--late plus --last-minute can't exceed --applicants")
    return args


# --- Preparing the database and the server -----------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(args, var_dir: Path) -> dict[str, str]:
    """Production settings on plain HTTP, pointed at the load test's database and folder."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'loadtest.sqlite3'}"
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        # The load test stands in for the reverse proxy: it tells the application each
        # person's own address in X-Forwarded-For, as nginx would (see Browser).
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": database_url,
        "MIKROGRANTY_VAR_DIR": str(var_dir),
        "DJANGO_EMAIL": "file",
        "MIKROGRANTY_SITE_URL": "http://127.0.0.1",
    }


def manage(*command: str, timeout: float = 300) -> None:
    result = subprocess.run(  # noqa: S603 — our own manage.py, arguments from this file
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"manage.py {' '.join(command)} failed")


def prepare_database(var_dir: Path, database_url: str) -> None:
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    manage("migrate", "-v0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "-v0")
    print(f"  database: {database_url.split('@')[-1]}")


@dataclass
class World:
    """What the seed created, as plain values (threads never share ORM objects)."""

    call_pk: int
    call_slug: str
    reference_prefix: str
    coordinator: str
    reviewers: list[str]
    applicants: list[str]
    eligibility_field: str
    requirement_pk: int


def seed(args) -> World:
    """Create the people and the call through the project's services, like a coordinator would."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.enums import COORDINATORS_GROUP
    from accounts.models import User
    from applicants.enums import ApplicantKind, FormalCheckOutcome
    from applicants.models import ApplicantProfile
    from applicants.services import (
        application_budget_save,
        application_schedule_save,
        application_start,
        application_submit,
        application_update,
        attachment_add,
        formal_check_record,
        profile_save,
    )
    from applicants.uploads import attachment_check
    from grants.models import AttachmentRequirement, Criterion, EligibilityQuestion, GrantCall
    from grants.services import call_close, call_parts_save, call_publish, call_save
    from reviews.services import assignments_auto, pool_add

    if User.objects.exists():
        # DATABASE_URL points at a database with people in it: never seed into that.
        raise SystemExit("The load test needs an empty database; this one has users in it.")
    # One hash for everybody: hashing 50 passwords one by one takes half a minute.
    password_hash = make_password(PASSWORD)

    def person(email: str, full_name: str) -> User:
        user = User.objects.create(email=email, full_name=full_name, password=password_hash)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    coordinator = person("koordynatorka@loadtest.example.org", "Koordynatorka Obciążenia")
    coordinator.groups.add(coordinators)
    reviewers = [
        person(f"recenzent{n}@loadtest.example.org", f"Recenzent {n}")
        for n in range(1, args.reviewers + 1)
    ]
    applicants = []
    for n in range(1, args.applicants + 1):
        user = person(f"wnioskodawca{n:02d}@loadtest.example.org", f"Wnioskodawczyni {n:02d}")
        profile_save(
            profile=ApplicantProfile(
                user=user,
                kind=ApplicantKind.INDIVIDUAL,
                contact_name=user.full_name,
                city="Łódź",
                date_of_birth=date(2001, 1 + n % 12, 1 + n % 28),
            ),
            members=[],
        )
        applicants.append(user)

    now = timezone.now()

    def new_call(slug: str, code: str, title: str) -> GrantCall:
        call = call_save(
            call=GrantCall(
                programme="Test obciążenia",
                title=title,
                slug=slug,
                reference_code=code,
                description="Nabór do testu obciążenia.",
                eligibility="Każdy.",
                min_amount=Decimal("1000"),
                max_amount=Decimal("8000"),
                total_budget=Decimal("400000"),
                own_contribution_percent=Decimal("10"),
                # Moved to "now + --close-after" when the rush starts.
                opens_at=now - timedelta(days=14),
                closes_at=now + timedelta(days=1),
            ),
            criteria_to_save=[Criterion(name="Pomysł i potrzeba", max_points=20)],
            by=coordinator,
        )
        return call_publish(call=call, by=coordinator)

    # An earlier call, already in review, so the reviewers' dashboards have rows to show.
    earlier = new_call("wczesniejszy-nabor", "WN", "Wcześniejszy nabór")
    for user in applicants[:6]:
        application = application_start(call=earlier, applicant=user, eligibility_answers={})
        application_update(application=application, fields=complete_texts(user.email, "w"))
        application_schedule_save(
            application=application,
            items=[
                {"starts_on": date(2027, 5, 1), "ends_on": date(2027, 5, 2), "activity": "Start"}
            ],
        )
        application_budget_save(application=application, lines=[BUDGET_LINE_VALUES])
        upload = SimpleUploadedFile("plan.pdf", tiny_pdf(user.email), "application/pdf")
        checked = attachment_check(upload, max_mb=earlier.max_attachment_mb)
        attachment_add(application=application, upload=upload, checked=checked)
        application_submit(
            application=application,
            by=user,
            consents=[{"key": "privacy", "text": "-"}, {"key": "truth", "text": "-"}],
            arrived_at=timezone.now(),
        )
        formal_check_record(
            application=application, outcome=FormalCheckOutcome.ACCEPTED, by=coordinator
        )
    call_close(call=earlier, by=coordinator)
    for reviewer in reviewers:
        pool_add(call=earlier, reviewer=reviewer, by=coordinator)
    assignments_auto(call=earlier, due_at=now + timedelta(days=14), by=coordinator)

    # The call of the rush: a screener question and one required attachment.
    call = new_call("wielki-termin", "WT", "Nabór z terminem w trakcie testu")
    call_parts_save(
        call=call,
        part_model=EligibilityQuestion,
        rows_to_save=[
            EligibilityQuestion(
                text="Czy projekt jest niekomercyjny?", failure_explanation="Tylko niekomercyjne."
            )
        ],
    )
    call_parts_save(
        call=call,
        part_model=AttachmentRequirement,
        rows_to_save=[AttachmentRequirement(name="Plan działań (PDF)", required=True)],
    )
    for reviewer in reviewers:
        pool_add(call=call, reviewer=reviewer, by=coordinator)
    question = EligibilityQuestion.objects.get(call=call)
    requirement = AttachmentRequirement.objects.get(call=call)
    return World(
        call_pk=call.pk,
        call_slug=call.slug,
        reference_prefix=f"{call.reference_code}/{call.reference_year}/",
        coordinator=coordinator.email,
        reviewers=[r.email for r in reviewers],
        applicants=[a.email for a in applicants],
        eligibility_field=f"e{question.pk}",
        requirement_pk=requirement.pk,
    )


def start_processes(args, env: dict[str, str], var_dir: Path, port: int) -> list[subprocess.Popen]:
    full_env = {**os.environ, **env}
    # The production configuration file where there is one; the options given here
    # (address, workers, threads) take precedence over it.
    production = (
        ["-c", "config/gunicorn.conf.py"] if (ROOT / "config/gunicorn.conf.py").exists() else []
    )
    log = open(var_dir / "gunicorn.log", "ab")  # noqa: SIM115 — closed with the process
    gunicorn = subprocess.Popen(  # noqa: S603 — the venv's gunicorn, arguments from this file
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            *production,
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.web_workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--keep-alive",
            "5",
            # gunicorn's control socket defaults to one path in the home folder, shared
            # with any other gunicorn on the machine.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=log,
    )
    processes = [gunicorn]
    if not args.no_task_worker:
        worker_log = open(var_dir / "db_worker.log", "ab")  # noqa: SIM115 — closed with the process
        processes.append(
            subprocess.Popen(  # noqa: S603 — our own manage.py
                [PYTHON, "manage.py", "db_worker", "--interval", "0.5"],
                cwd=ROOT,
                env=full_env,
                stdout=worker_log,
                stderr=worker_log,
            )
        )
    return processes


def wait_until_up(port: int, process: subprocess.Popen, limit: float = 30.0) -> None:
    """Poll the login page until gunicorn answers 200 (at most `limit` seconds)."""
    ends = time.monotonic() + limit
    while time.monotonic() < ends:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited while starting; see var/loadtest/gunicorn.log")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port} within {limit:.0f} s")


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process we started (by its pid), SIGKILL after 15 s."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- What the applicants type ------------------------------------------------------------

TEXT_FIELDS = {
    "basics": ["title", "summary"],
    "problem": ["problem", "goals", "target_group"],
    "activities": ["activities"],
    "results": ["expected_results", "results_measurement"],
    "team": ["team_description"],
}
SECTION_ORDER = ["basics", "problem", "activities", "results", "team", "budget"]
# Saved at the same moment from two tabs by some applicants, last before submitting.
TWO_TABS = ("problem", "budget")
BUDGET_LINE_VALUES = {
    "category": "materials",
    "item": "Farby i pędzle",
    "unit": "zestaw",
    "quantity": Decimal("2.00"),
    "unit_cost": Decimal("1500.00"),
    "own_contribution": Decimal("300.00"),
}


def complete_texts(who: str, revision: str) -> dict[str, str]:
    """Every text field filled in, each value marked with who typed it and in which round."""
    mark = f"[{who} #{revision}]"
    return {
        "title": f"Zielone podwórko – żółta ławka {mark}",
        "summary": f"Sadzimy drzewa i budujemy ławki na podwórku. {mark}",
        "problem": f"Podwórko jest zaniedbane i nikt z niego nie korzysta. {mark}",
        "goals": f"Miejsce spotkań sąsiadów, więcej zieleni. {mark}",
        "target_group": f"Mieszkańcy kamienic przy ul. Łąkowej. {mark}",
        "activities": f"Warsztaty, sadzenie, budowa ławek, piknik. {mark}",
        "expected_results": f"Dziesięć drzew, trzy ławki, jeden piknik. {mark}",
        "results_measurement": f"Zdjęcia przed i po, lista obecności. {mark}",
        "team_description": f"Trzy osoby z doświadczeniem w wolontariacie. {mark}",
    }


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF whose content (and so its SHA-256) is unique to `text`."""
    safe = re.sub(r"[^A-Za-z0-9@. -]", "", text)
    stream = f"BT /F1 12 Tf 72 780 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- A small browser: cookies, CSRF, forms as the page has them ---------------------------


class FormReader(HTMLParser):
    """Collects each <form> with the values a browser would send (template contents excluded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._template_depth = 0
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "template":
            self._template_depth += 1
            return
        if self._template_depth:
            return
        if tag == "form":
            self._form = {
                "action": attributes.get("action") or "",
                "method": (attributes.get("method") or "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._form["fields"].append([name, attributes.get("value", default)])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attributes:
                self._select["chosen"] = value

    def handle_endtag(self, tag):
        if tag == "template":
            self._template_depth = max(0, self._template_depth - 1)
        elif self._template_depth:
            return
        elif tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            # Like a browser: the selected option, otherwise the first one.
            chosen = self._select["chosen"]
            value = chosen if chosen is not None else self._select["first"]
            if value is not None:
                self._form["fields"].append([self._select["name"], value])
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None and not self._template_depth:
            self._textarea[1] += data


def page_form(html: str, *, path: str = "", with_field: str = "") -> list[list[str]]:
    """The fields of the page's own POST form: the one posting back to `path` (no action, or
    that path), or the one with a field called `with_field`. The language switcher and the
    logout button in the navigation bar are forms too, posting elsewhere."""
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        if form["method"] != "post":
            continue
        if with_field and any(name == with_field for name, _ in form["fields"]):
            return [list(pair) for pair in form["fields"]]
        if not with_field and form["action"] in ("", path):
            return [list(pair) for pair in form["fields"]]
    raise LookupError(f"no POST form for {with_field or path!r} on the page")


def fill(fields: list[list[str]], values: dict[str, str]) -> list[tuple[str, str]]:
    """The form's fields with `values` typed over them (new names are added at the end)."""
    result = []
    seen = set()
    for name, value in fields:
        if name in values:
            if name in seen:
                continue
            seen.add(name)
            result.append((name, values[name]))
        else:
            result.append((name, value))
    result += [(name, value) for name, value in values.items() if name not in seen]
    return result


@dataclass
class Sample:
    kind: str
    method: str
    status: int  # 0: no response (timeout, connection error)
    started: float  # time.time() when the request was sent
    finished: float
    latency_ms: float


class Recorder:
    """Every request of the run, and every unexpected answer, from all threads."""

    def __init__(self, folder: Path | None = None):
        self.samples: list[Sample] = []
        self.problems: list[str] = []
        self.folder = folder
        self.kept = 0
        self.reconnects = 0
        self._lock = threading.Lock()

    def sample(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def problem(self, text: str) -> None:
        with self._lock:
            self.problems.append(text)

    def count_reconnect(self) -> None:
        with self._lock:
            self.reconnects += 1

    def keep_page(self, who: str, method: str, path: str, response) -> None:
        """Save the first few unexpected answers in var/loadtest/unexpected/ to read later."""
        if self.folder is None:
            return
        with self._lock:
            self.kept += 1
            number = self.kept
        if number <= 20:
            name = (
                f"{number:02d}-{method}-{re.sub(r'[^a-z0-9]+', '-', path)}-{response.status}.html"
            )
            self.folder.mkdir(exist_ok=True)
            (self.folder / name).write_text(f"<!-- {who} -->\n{response.body}")


@dataclass
class Response:
    status: int
    location: str
    body: str
    sent_at: float
    received_at: float
    path: str = ""


class Browser:
    """One person's browser: a keep-alive connection to 127.0.0.1 and a cookie jar."""

    def __init__(self, port: int, recorder: Recorder, who: str, stop: threading.Event, number: int):
        self.port = port
        self.recorder = recorder
        self.who = who
        self.stop = stop
        self.number = number
        # Each person's own address, as a proxy in front would report it: only a header
        # (nothing is ever sent to it), from a private range.
        self.client_address = str(ipaddress.IPv4Address("10.77.0.0") + number)
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None
        self._used = False

    def twin(self) -> Browser:
        """A second tab with the same cookies and its own connection (for double clicks)."""
        other = Browser(self.port, self.recorder, self.who, self.stop, self.number)
        other.cookies = dict(self.cookies)
        return other

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _store_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def _send(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple:
        # A kept-alive connection the server has meanwhile closed fails before any answer;
        # browsers then retry once on a new connection, and so do we.
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=REQUEST_TIMEOUT
                )
                self._used = False
            reused = self._used
            try:
                self._connection.request(method, path, body=body, headers=headers)
                self._used = True
                response = self._connection.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response, payload
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused or attempt == 2:
                    raise
                self.recorder.count_reconnect()
        raise AssertionError("unreachable")

    def request(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        fields: list[tuple[str, str]] | None = None,
        files: list[tuple[str, str, bytes, str]] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Response:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "User-Agent": "mikrogranty-loadtest",
            "X-Forwarded-For": self.client_address,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            headers["Origin"] = f"http://{HOST}:{self.port}"
            if files:
                boundary = uuid.uuid4().hex
                body = multipart(fields or [], files, boundary)
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urlencode(fields or []).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        sent_at = time.time()
        started = time.perf_counter()
        try:
            response, payload = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            finished = time.time()
            self.recorder.sample(
                Sample(kind, method, 0, sent_at, finished, 1000 * (time.perf_counter() - started))
            )
            self.recorder.problem(f"{self.who}: {method} {path} failed: {exc!r}")
            self.close()
            return Response(0, "", "", sent_at, finished, path)
        received_at = time.time()
        latency = 1000 * (time.perf_counter() - started)
        self.recorder.sample(Sample(kind, method, response.status, sent_at, received_at, latency))
        self._store_cookies(response)
        location = response.getheader("Location", "")
        if location.startswith("http"):
            location = urlsplit(location)._replace(scheme="", netloc="").geturl()
        result = Response(
            response.status,
            location,
            payload.decode("utf-8", "replace"),
            sent_at,
            received_at,
            path,
        )
        if response.status not in expect:
            self.recorder.keep_page(self.who, method, path, result)
            where = f" → {location}" if location else ""
            self.recorder.problem(
                f"{self.who}: {method} {path} answered {response.status}{where} "
                f"(expected {'/'.join(map(str, expect))})"
            )
        return result

    def get(self, path: str, *, kind: str = "page", expect=(200,)) -> Response:
        return self.request("GET", path, kind=kind, expect=expect)

    def follow(self, response: Response, *, kind: str = "page") -> Response | None:
        """Open the page a redirect points to, as a browser does."""
        if response.status in (301, 302, 303) and response.location:
            return self.get(response.location, kind=kind)
        return None

    def login(self, email: str) -> bool:
        page = self.get("/accounts/login/", kind="login")
        if page.status != 200:
            return False
        form = page_form(page.body, with_field="login")
        response = self.request(
            "POST",
            "/accounts/login/",
            kind="login",
            fields=fill(form, {"login": email, "password": PASSWORD}),
            expect=(302,),
        )
        self.follow(response)
        return response.status == 302


def multipart(fields, files, boundary: str) -> bytes:
    lines: list[bytes] = []
    for name, value in fields:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            str(value).encode(),
        ]
    for name, filename, content, content_type in files:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
            f"Content-Type: {content_type}".encode(),
            b"",
            content,
        ]
    lines += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(lines)


# --- The people ---------------------------------------------------------------------------

PUNCTUAL, LAST_MINUTE, LATE = "punctual", "last minute", "late"


@dataclass
class Attempt:
    status: int
    location: str
    sent_at: float
    received_at: float


@dataclass
class ApplicantRun:
    """One applicant's plan, what they typed last, and what the server answered."""

    email: str
    timing: str
    double_start: bool
    double_submit: bool
    application_pk: int | None = None
    start_pks: list[int] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    schedule_activity: str = ""
    budget_item: str = ""
    attachment_name: str = ""
    attachment_sha256: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    finished: bool = False
    gave_up: str = ""


class Rush:
    def __init__(self, args, world: World, port: int, closes_at: float, rng_seed: int):
        self.args = args
        self.world = world
        self.port = port
        self.closes_at = closes_at
        self.recorder = Recorder(ROOT / args.var_dir / "unexpected")
        self.stop = threading.Event()  # the whole rush ran out of time
        self.applicants_done = threading.Event()
        self.seed = rng_seed

    def pause(self, rng: random.Random, low=0.05, high=0.4) -> None:
        """A short think time between two steps (never beyond the end of the rush)."""
        self.stop.wait(rng.uniform(low, high))

    def wait_until(self, moment: float) -> None:
        self.stop.wait(max(0.0, moment - time.time()))

    def checked(self, run: ApplicantRun, response: Response | None, what: str) -> bool:
        if self.stop.is_set():
            run.gave_up = run.gave_up or "the rush ran out of time"
            return False
        if response is None or response.status == 0 or response.status >= 500:
            run.gave_up = run.gave_up or f"{what}: no usable answer"
            return False
        return True

    # The applicant --------------------------------------------------------------------

    def applicant(self, run: ApplicantRun, index: int) -> None:
        rng = random.Random(f"{self.seed}/{run.email}")  # noqa: S311 — think times, not secrets
        browser = Browser(self.port, self.recorder, run.email, self.stop, number=index)
        try:
            self.stop.wait(rng.uniform(0, 5))  # arrivals spread over the first seconds
            if not browser.login(run.email):
                run.gave_up = "login failed"
                return
            slug = self.world.call_slug
            self.pause(rng)
            browser.get(f"/calls/{slug}/")
            apply_page = browser.get(f"/calls/{slug}/apply/")
            if not self.checked(run, apply_page, "apply page"):
                return
            form = fill(
                page_form(apply_page.body, path=f"/calls/{slug}/apply/"),
                {self.world.eligibility_field: "yes"},
            )
            if run.double_start:
                # Two tabs press "start" at the same moment: one draft, both land on it.
                other = browser.twin()
                with ThreadPoolExecutor(2) as pair:
                    answers = list(
                        pair.map(
                            lambda b: b.request(
                                "POST",
                                f"/calls/{slug}/apply/",
                                kind="start",
                                fields=form,
                                expect=(302,),
                            ),
                            [browser, other],
                        )
                    )
                other.close()
            else:
                answers = [
                    browser.request(
                        "POST", f"/calls/{slug}/apply/", kind="start", fields=form, expect=(302,)
                    )
                ]
            for answer in answers:
                found = re.match(r"^/applications/(\d+)/", answer.location)
                if found:
                    run.start_pks.append(int(found.group(1)))
            if not run.start_pks:
                run.gave_up = "starting the application failed"
                return
            run.application_pk = pk = run.start_pks[0]
            page = browser.follow(answers[0])

            for round_number in range(1, self.args.rounds + 1):
                sections = list(SECTION_ORDER)
                if round_number > 1:
                    sections = [s for s in SECTION_ORDER if rng.random() < 0.5]
                    if round_number == self.args.rounds:
                        sections = sorted(
                            set(sections) | {"basics", "activities", "budget"},
                            key=SECTION_ORDER.index,
                        )
                for slug_ in sections:
                    self.pause(rng)
                    path = f"/applications/{pk}/{slug_}/"
                    if page is None or page.path != path:
                        page = browser.get(path)
                    if not self.checked(run, page, f"{slug_} page"):
                        return
                    page = self.save_section(browser, run, page, path, slug_, f"r{round_number}")
                    if not self.checked(run, page, f"saving {slug_}"):
                        return
                if round_number == 1:
                    if not self.attach(browser, run, pk, index, rng, page):
                        return
                    page = None
            if run.double_start and not self.two_tabs(browser, run, pk):
                return

            # The last look before pressing the button.
            self.pause(rng)
            submit_page = browser.get(f"/applications/{pk}/submit/")
            if not self.checked(run, submit_page, "submit page"):
                return
            form = page_form(submit_page.body, path=f"/applications/{pk}/submit/")
            consents = {"consent_privacy": "on", "consent_truth": "on"}
            if run.timing == LAST_MINUTE:
                self.wait_until(self.closes_at - rng.uniform(1.0, 3.0))
            elif run.timing == LATE:
                self.wait_until(self.closes_at + rng.uniform(2.0, 5.0))
            if self.stop.is_set():
                run.gave_up = "the rush ran out of time"
                return
            fields = fill(form, consents)
            submit_path = f"/applications/{pk}/submit/"
            browsers = [browser, browser.twin()] if run.double_submit else [browser]
            with ThreadPoolExecutor(len(browsers)) as tabs:
                answers = list(
                    tabs.map(
                        lambda b: b.request(
                            "POST", submit_path, kind="submit", fields=fields, expect=(302, 400)
                        ),
                        browsers,
                    )
                )
            for extra in browsers[1:]:
                extra.close()
            for answer in answers:
                run.attempts.append(
                    Attempt(answer.status, answer.location, answer.sent_at, answer.received_at)
                )
            browser.follow(answers[0])
            run.finished = True
        except Exception as exc:  # any crash of a simulated person is reported, not raised
            run.gave_up = f"crashed: {exc!r}"
            self.recorder.problem(f"{run.email}: the simulated applicant crashed: {exc!r}")
        finally:
            browser.close()

    def two_tabs(self, browser: Browser, run: ApplicantRun, pk: int) -> bool:
        """Two tabs save two sections at the same moment; neither save may be lost."""
        tabs = [browser, browser.twin()]
        paths = [f"/applications/{pk}/{slug}/" for slug in TWO_TABS]
        pages = [tab.get(path) for tab, path in zip(tabs, paths, strict=True)]
        if not all(self.checked(run, page, "a section page") for page in pages):
            return False
        with ThreadPoolExecutor(2) as pair:
            saved = list(
                pair.map(
                    lambda job: self.save_section(*job, "tabs"),
                    [
                        (tab, run, page, path, slug)
                        for tab, page, path, slug in zip(tabs, pages, paths, TWO_TABS, strict=True)
                    ],
                )
            )
        tabs[1].close()
        return all(self.checked(run, answer, "saving in two tabs") for answer in saved)

    def save_section(self, browser, run, page, path, slug, revision: str) -> Response | None:
        """Type this revision's values over the page's form and save; remember what was saved."""
        form = page_form(page.body, path=path)
        values: dict[str, str] = {}
        texts = complete_texts(run.email, revision)
        for name in TEXT_FIELDS.get(slug, []):
            values[name] = texts[name]
        if slug == "activities":
            activity = f"Warsztaty {run.email} {revision}"
            values.update(
                {
                    "schedule-0-starts_on": "2027-05-01",
                    "schedule-0-ends_on": "2027-05-31",
                    "schedule-0-activity": activity,
                }
            )
        if slug == "budget":
            item = f"Farby i pędzle {run.email} {revision}"
            values.update(
                {
                    "budget-0-category": BUDGET_LINE_VALUES["category"],
                    "budget-0-item": item,
                    "budget-0-unit": BUDGET_LINE_VALUES["unit"],
                    "budget-0-quantity": "2",
                    "budget-0-unit_cost": "1500",
                    "budget-0-own_contribution": "300",
                }
            )
        values["go"] = "next"
        response = browser.request(
            "POST", path, kind="save", fields=fill(form, values), expect=(302,)
        )
        if response.status == 302:
            # What the server confirmed as saved is what must be there at the end.
            for name in TEXT_FIELDS.get(slug, []):
                run.texts[name] = texts[name]
            if slug == "activities":
                run.schedule_activity = activity
            if slug == "budget":
                run.budget_item = item
            return browser.follow(response)
        if response.status == 200:
            errors = re.findall(r"invalid-feedback[^>]*>\s*(?:<strong>)?([^<]+)", response.body)
            self.recorder.problem(f"{run.email}: saving {slug} was refused: {errors[:3]}")
        return response if response.status >= 500 or response.status == 0 else None

    def attach(self, browser, run, pk, index, rng, page) -> bool:
        self.pause(rng)
        path = f"/applications/{pk}/attachments/"
        if page is None or page.path != path:
            page = browser.get(path)
        if not self.checked(run, page, "attachments page"):
            return False
        form = page_form(page.body, with_field="requirement")
        content = tiny_pdf(f"Plan dzialan {run.email} {index}")
        name = f"plan-dzialan-{index:02d}.pdf"
        response = browser.request(
            "POST",
            path,
            kind="upload",
            fields=fill(form, {"requirement": str(self.world.requirement_pk)}),
            files=[("file", name, content, "application/pdf")],
            expect=(302,),
        )
        if response.status != 302:
            run.gave_up = f"upload answered {response.status}"
            return False
        run.attachment_name = name
        run.attachment_sha256 = hashlib.sha256(content).hexdigest()
        browser.follow(response)
        return True

    # The reviewers and the coordinator, reading while the applicants write ----------------

    def reader(self, email: str, number: int, pages) -> int:
        rng = random.Random(f"{self.seed}/{email}")  # noqa: S311 — think times, not secrets
        browser = Browser(self.port, self.recorder, email, self.stop, number)
        views = 0
        try:
            if not browser.login(email):
                return views
            # Bounded twice: by the rush's clock and by a number of page views.
            for step in range(2000):
                if self.applicants_done.is_set() or self.stop.is_set():
                    break
                for path, kind in pages(step, browser):
                    browser.get(path, kind=kind)
                    views += 1
                self.stop.wait(rng.uniform(0.3, 1.0))
        finally:
            browser.close()
        return views

    def reviewer_pages(self, step: int, browser: Browser):
        yield "/reviews/", "dashboard"
        if step % 3 == 2:
            # Open one of the earlier call's assignments (the declaration page).
            dashboard = browser.get("/reviews/", kind="dashboard")
            links = re.findall(r'href="(/reviews/assignments/\d+/)"', dashboard.body)
            if links:
                yield links[step % len(links)], "dashboard"

    def coordinator_pages(self, step: int, browser: Browser):
        base = f"/manage/calls/{self.world.call_pk}/applications/"
        if step % 5 == 4:
            yield base + "?export=csv", "list"
        elif step % 2:
            yield base + "?sort=-submitted", "list"
        else:
            yield base, "list"

    def run(self, runs: list[ApplicantRun]) -> None:
        people = len(runs) + len(self.world.reviewers) + 1
        with ThreadPoolExecutor(max_workers=people) as pool:
            applicant_futures = [
                pool.submit(self.applicant, run, index) for index, run in enumerate(runs, start=1)
            ]
            reader_futures = [
                pool.submit(self.reader, email, 1000 + number, self.reviewer_pages)
                for number, email in enumerate(self.world.reviewers)
            ]
            reader_futures.append(
                pool.submit(self.reader, self.world.coordinator, 2000, self.coordinator_pages)
            )
            _, not_done = wait(applicant_futures, timeout=self.args.timeout)
            if not_done:
                self.recorder.problem(
                    f"{len(not_done)} applicants still busy after {self.args.timeout:.0f} s"
                )
                self.stop.set()
            self.applicants_done.set()
            # Every request has its own timeout, so the threads finish soon after `stop`.
            wait(applicant_futures + reader_futures, timeout=REQUEST_TIMEOUT + 10)


# --- Checking the outcome in the database -------------------------------------------------


def verify(world: World, runs: list[ApplicantRun], closes_at: datetime, notes: dict) -> list[str]:
    """Everything that is wrong in the database after the rush (an empty list: all is well).

    Adds to `notes["arrival_lags"]` how long after sending each accepted submission the
    server stamped its arrival (the moment the deadline is judged by)."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from applicants.enums import ApplicationStatus
    from applicants.models import Application, ApplicationVersion, CallSequence, StatusChange

    failures: list[str] = []
    deadline = closes_at.timestamp()
    applications = {
        a.pk: a
        for a in Application.objects.filter(call_id=world.call_pk)
        .select_related("applicant")
        .prefetch_related("schedule", "budget_lines", "attachments", "versions")
    }

    # One live application per applicant: double "start" clicks made no second draft.
    twice = (
        Application.objects.filter(call_id=world.call_pk)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values("applicant")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in twice:
        failures.append(f"applicant {row['applicant']} has {row['n']} live applications")

    for run in runs:
        if len(set(run.start_pks)) > 1:
            failures.append(f"{run.email}: two starts made two applications {run.start_pks}")
        if run.application_pk is None:
            failures.append(f"{run.email}: never got an application ({run.gave_up})")
            continue
        application = applications.get(run.application_pk)
        if application is None or application.applicant.email != run.email:
            failures.append(
                f"{run.email}: application {run.application_pk} is missing or not theirs"
            )
            continue
        failures += content_failures(run, application)
        successes = [a for a in run.attempts if a.status == 302]
        refusals = [a for a in run.attempts if a.status == 400]
        versions = list(application.versions.all())
        if application.status == ApplicationStatus.SUBMITTED:
            if not successes:
                failures.append(f"{run.email}: submitted in the database, but nobody was told so")
            if len(versions) != 1:
                failures.append(f"{run.email}: {len(versions)} versions instead of one")
            if not application.reference_number:
                failures.append(f"{run.email}: submitted without a reference number")
            for version in versions:
                if successes:
                    sent = min(a.sent_at for a in successes)
                    notes.setdefault("arrival_lags", []).append(
                        version.submitted_at.timestamp() - sent
                    )
                if version.submitted_at >= closes_at:
                    failures.append(
                        f"{run.email}: accepted at {version.submitted_at:%H:%M:%S.%f}, "
                        f"after the deadline {closes_at:%H:%M:%S.%f}"
                    )
                failures += version_failures(run, version)
        elif application.status == ApplicationStatus.DRAFT:
            if successes:
                failures.append(f"{run.email}: told 'submitted' but the application is a draft")
            if versions or application.reference_number:
                failures.append(f"{run.email}: a draft with a version or a reference number")
        else:
            failures.append(f"{run.email}: unexpected status {application.status}")
        for attempt in run.attempts:
            if attempt.status == 400 and attempt.received_at < deadline:
                failures.append(f"{run.email}: refused although answered before the deadline")
            if attempt.status == 302 and attempt.sent_at > deadline and not refusals:
                failures.append(f"{run.email}: accepted although sent after the deadline")
        if run.timing == LATE and application.status != ApplicationStatus.DRAFT:
            failures.append(f"{run.email}: submitted after the deadline and not refused")
        if run.timing == LATE and run.finished and not refusals:
            failures.append(f"{run.email}: a late submission that was not answered 400")

    # Reference numbers 0001…N in the call, no gaps, no duplicates, and the counter agrees.
    submitted = [a for a in applications.values() if a.reference_number]
    numbers = sorted(a.number_in_call for a in submitted)
    if numbers != list(range(1, len(submitted) + 1)):
        failures.append(f"reference numbers are not 1…{len(submitted)}: {numbers}")
    for application in submitted:
        expected = f"{world.reference_prefix}{application.number_in_call:04d}"
        if application.reference_number != expected:
            failures.append(f"{application.reference_number} should read {expected}")
    if len({a.reference_number for a in submitted}) != len(submitted):
        failures.append("duplicate reference numbers")
    sequence = CallSequence.objects.filter(call_id=world.call_pk).first()
    if submitted and (sequence is None or sequence.last_number != len(submitted)):
        failures.append(f"the call's counter says {sequence and sequence.last_number}")

    # Each submission moved the status once and queued exactly one confirmation.
    moves = Counter(
        StatusChange.objects.filter(
            application__call_id=world.call_pk, new_status=ApplicationStatus.SUBMITTED
        ).values_list("application_id", flat=True)
    )
    for application in submitted:
        if moves[application.pk] != 1:
            failures.append(f"{application.reference_number}: {moves[application.pk]} status moves")
    version_ids = set(
        ApplicationVersion.objects.filter(application__call_id=world.call_pk).values_list(
            "pk", flat=True
        )
    )
    queued = Counter(
        (row.get("kwargs") or {}).get("version_id")
        for row in DBTaskResult.objects.filter(
            task_path__endswith="send_submission_confirmation"
        ).values_list("args_kwargs", flat=True)
    )
    for version_id in version_ids:
        if queued[version_id] != 1:
            failures.append(f"version {version_id}: {queued[version_id]} confirmation tasks")
    return failures


def content_failures(run: ApplicantRun, application) -> list[str]:
    """The working copy holds exactly what the server last confirmed as saved."""
    failures = []
    for name, value in run.texts.items():
        if getattr(application, name) != value:
            failures.append(
                f"{run.email}: {name} is {getattr(application, name)!r}, saved {value!r}"
            )
    schedule = [item.activity for item in application.schedule.all()]
    if run.schedule_activity and schedule != [run.schedule_activity]:
        failures.append(f"{run.email}: schedule {schedule}, saved [{run.schedule_activity!r}]")
    lines = list(application.budget_lines.all())
    if run.budget_item:
        if [line.item for line in lines] != [run.budget_item]:
            failures.append(
                f"{run.email}: budget {[line.item for line in lines]}, saved {run.budget_item!r}"
            )
        elif application.requested_amount != Decimal("2700.00"):
            failures.append(f"{run.email}: requested amount {application.requested_amount}")
    attachments = [a for a in application.attachments.all() if a.removed_at is None]
    if run.attachment_name:
        if [a.original_name for a in attachments] != [run.attachment_name]:
            failures.append(f"{run.email}: attachments {[a.original_name for a in attachments]}")
        else:
            stored = attachments[0]
            on_disk = Path(stored.file.path)
            if not on_disk.exists():
                failures.append(f"{run.email}: the attachment's file is missing: {on_disk}")
            elif hashlib.sha256(on_disk.read_bytes()).hexdigest() != run.attachment_sha256:
                failures.append(f"{run.email}: the attachment's file differs from the upload")
    if run.finished and not (run.texts and run.budget_item and run.attachment_name):
        failures.append(f"{run.email}: finished without every section saved")
    return failures


def version_failures(run: ApplicantRun, version) -> list[str]:
    """The frozen version holds what the applicant typed (title, schedule, budget, file)."""
    content = version.content
    failures = []
    for name, value in run.texts.items():
        if content.get(name) != value:
            failures.append(f"{run.email}: the submitted {name} is {content.get(name)!r}")
    if [row["activity"] for row in content["schedule"]] != [run.schedule_activity]:
        failures.append(f"{run.email}: the submitted schedule is {content['schedule']}")
    if [line["item"] for line in content["budget"]["lines"]] != [run.budget_item]:
        failures.append(f"{run.email}: the submitted budget is {content['budget']['lines']}")
    if [a["name"] for a in content["attachments"]] != [run.attachment_name]:
        failures.append(f"{run.email}: the submitted attachments are {content['attachments']}")
    if version.attachments.count() != 1:
        failures.append(f"{run.email}: the version lists {version.attachments.count()} files")
    return failures


def wait_for_tasks(limit: float) -> tuple[int, int, int]:
    """Let the worker finish queued e-mails (at most `limit` s); (done, failed, waiting)."""
    from django.db import close_old_connections
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ends = time.monotonic() + limit
    while True:
        close_old_connections()
        counts = Counter(DBTaskResult.objects.values_list("status", flat=True))
        # Reminders queued for next week are not waiting; what is due now or running is.
        waiting = (
            DBTaskResult.objects.ready().count()
            + DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
        )
        if not waiting or time.monotonic() > ends:
            return counts[TaskResultStatus.SUCCESSFUL], counts[TaskResultStatus.FAILED], waiting
        time.sleep(1)


# --- The report ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(rush: Rush, runs: list[ApplicantRun], database: str, started: float) -> dict:
    samples = rush.recorder.samples
    answered = [s for s in samples if s.status]
    first = min((s.started for s in samples), default=started)
    last = max((s.finished for s in samples), default=started)
    # The late applicants idle until the deadline; the busy part ends with the last
    # punctual submission, which is where throughput is measured.
    busy_until = max(
        (a.received_at for r in runs if r.timing == PUNCTUAL for a in r.attempts), default=last
    )
    busy = [s for s in samples if s.finished <= busy_until]
    latencies = [s.latency_ms for s in answered]
    server_errors = sum(1 for s in samples if s.status >= 500)
    no_answer = sum(1 for s in samples if s.status == 0)
    figures = {
        "database": database,
        "requests": len(samples),
        "seconds": last - first,
        "rps": len(busy) / max(0.001, busy_until - first),
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "server_errors": server_errors,
        "no_answer": no_answer,
    }
    print()
    print(
        f"== The deadline rush on {database}: {len(runs)} applicants, "
        f"{len(rush.world.reviewers)} reviewers, 1 coordinator"
    )
    print(
        f"  requests: {len(samples)} in {figures['seconds']:.1f} s; "
        f"{figures['rps']:.1f} requests/s until the last punctual submission "
        f"({busy_until - first:.1f} s)"
    )
    print(
        f"  latency: p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms, "
        f"max {max(latencies, default=0):.0f} ms"
    )
    by_kind = defaultdict(list)
    for sample in answered:
        by_kind[sample.kind].append(sample.latency_ms)
    for kind in ["login", "page", "start", "save", "upload", "submit", "dashboard", "list"]:
        values = by_kind.get(kind)
        if values:
            print(
                f"    {kind:<9} {len(values):>5} requests   p50 {percentile(values, 0.5):>6.0f} ms"
                f"   p99 {percentile(values, 0.99):>6.0f} ms"
            )
    statuses = Counter(s.status for s in samples)
    print(f"  answers: {dict(sorted(statuses.items()))}")
    print(
        f"  errors: {server_errors} answered 5xx, {no_answer} without an answer "
        f"({rush.recorder.reconnects} requests sent again on a new connection after the "
        "server had closed a kept-alive one, as browsers do)"
    )
    return figures


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = (ROOT / args.var_dir).resolve()
    env = server_environment(args, var_dir)
    os.environ.update(env)
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"== Preparing a fresh {database} database in {args.var_dir}")
    prepare_database(var_dir, env["DATABASE_URL"])

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from grants.models import GrantCall

    clock = time.monotonic()
    world = seed(args)
    print(
        f"  seeded {len(world.applicants)} applicants, {len(world.reviewers)} reviewers, "
        f"1 coordinator in {time.monotonic() - clock:.1f} s"
    )

    rng = random.Random(args.seed)  # noqa: S311 — who is late, not secrets
    emails = list(world.applicants)
    rng.shuffle(emails)
    timings = (
        [LATE] * args.late
        + [LAST_MINUTE] * args.last_minute
        + [PUNCTUAL] * (len(emails) - args.late - args.last_minute)
    )
    runs = [
        ApplicantRun(
            email=email,
            timing=timing,
            double_start=position % 10 == 3,
            double_submit=position % 10 == 7 and timing == PUNCTUAL,
        )
        for position, (email, timing) in enumerate(zip(emails, timings, strict=True))
    ]

    # CPU of the migrations and collectstatic, so that only the server's is reported.
    setup = resource.getrusage(resource.RUSAGE_CHILDREN)
    setup_cpu = setup.ru_utime + setup.ru_stime
    port = free_port()
    processes = start_processes(args, env, var_dir, port)
    try:
        wait_until_up(port, processes[0])
        print(
            f"== gunicorn on http://{HOST}:{port}/ ({args.web_workers} workers × "
            f"{args.threads} threads, DEBUG off){'' if args.no_task_worker else ' + task worker'}"
        )
        started = time.time()
        closes_at = timezone.now() + timedelta(seconds=args.close_after)
        # A coordinator moving the deadline; the rush starts now.
        GrantCall.objects.filter(pk=world.call_pk).update(closes_at=closes_at)
        connection.close()
        print(
            f"== The call closes at {timezone.localtime(closes_at):%H:%M:%S} "
            f"({args.close_after:.0f} s from now); the rush is on"
        )
        rush = Rush(args, world, port, closes_at.timestamp(), args.seed)
        cpu_before = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        rush.run(runs)
        cpu_client = resource.getrusage(resource.RUSAGE_SELF)
        rush_seconds = time.monotonic() - cpu_before[1]
        done, failed, waiting = (0, 0, 0)
        if not args.no_task_worker:
            done, failed, waiting = wait_for_tasks(limit=60)
    finally:
        stop_processes(processes)

    figures = report(rush, runs, database, started)
    # The server's share of the 2 cores, against the simulated browsers' own.
    client_cpu = (cpu_client.ru_utime + cpu_client.ru_stime) - (
        cpu_before[0].ru_utime + cpu_before[0].ru_stime
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = children.ru_utime + children.ru_stime - setup_cpu
    print(
        f"  CPU: server (gunicorn + task worker) {server_cpu:.0f} s, simulated browsers "
        f"{client_cpu:.0f} s, over {rush_seconds:.0f} s on {os.cpu_count()} cores"
    )
    failures = list(rush.recorder.problems)
    notes: dict = {}
    failures += verify(world, runs, closes_at, notes)
    lags = notes.get("arrival_lags") or []
    if lags:
        print(
            f"  accepted submissions: arrival stamped {1000 * percentile(lags, 0.5):.0f} ms "
            f"(p50) / {1000 * max(lags):.0f} ms (max) after the browser sent them"
        )
    submitted = [r for r in runs if any(a.status == 302 for a in r.attempts)]
    refused = [r for r in runs if r.attempts and all(a.status == 400 for a in r.attempts)]
    in_time = [r for r in runs if r.timing == PUNCTUAL and r in submitted]
    punctual = [r for r in runs if r.timing == PUNCTUAL]
    print(
        f"  submitted in time: {len(submitted)} (punctual {len(in_time)}/{len(punctual)}, "
        f"last minute {sum(1 for r in submitted if r.timing == LAST_MINUTE)}/{args.last_minute}); "
        f"refused after the deadline: {len(refused)}/{args.late + 0}"
    )
    delays = [a.received_at - a.sent_at for r in runs for a in r.attempts if a.status in (302, 400)]
    if delays:
        print(f"  submit answered within {max(delays):.2f} s at worst")
    if not args.no_task_worker:
        print(
            f"  confirmation e-mails (task worker): {done} done, {failed} failed, {waiting} still queued"
        )
        if failed:
            failures.append(f"{failed} background tasks failed (see the DBTaskResult table)")
    # The rush tests the deadline as designed only if most came in time; fewer means the
    # server was too slow for 50 applicants in --close-after seconds.
    if len(in_time) <= len(punctual) / 2:
        failures.append(
            f"only {len(in_time)} of {len(punctual)} punctual applicants submitted before the "
            "deadline: too slow"
        )
    if len(refused) < args.late:
        failures.append(f"only {len(refused)} of {args.late} late submissions were refused")
    for run in runs:
        if run.gave_up:
            failures.append(f"{run.email} ({run.timing}): gave up: {run.gave_up}")
    log = (var_dir / "gunicorn.log").read_text(errors="replace")
    tracebacks = log.count("Traceback")
    if tracebacks:
        failures.append(f"gunicorn.log holds {tracebacks} tracebacks")
    if figures["server_errors"] or figures["no_answer"]:
        failures.append(
            f"{figures['server_errors']} 5xx answers, {figures['no_answer']} unanswered"
        )

    print(
        f"  checked in the database: {len(world.applicants)} applicants' applications, "
        f"versions, reference numbers, files and queued e-mails"
    )
    if failures:
        unique = list(dict.fromkeys(failures))
        for failure in unique[:MAX_ERRORS_LISTED]:
            print(f"  ✗ {failure}")
        if len(unique) > MAX_ERRORS_LISTED:
            print(f"  … and {len(unique) - MAX_ERRORS_LISTED} more")
        print(f"FAIL: the deadline rush on {database} — {len(unique)} problems")
        return 1
    print(
        f"PASS: the deadline rush on {database} — {figures['rps']:.1f} requests/s, "
        f"p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms, 0 errors"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

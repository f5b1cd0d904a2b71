#!/usr/bin/env python3
"""The deadline rush: applicants submit while the call closes; each is judged by its arrival.

`make loadtest` (SQLite in var/loadtest/) or `make loadtest DB=postgres` (a throwaway
PostgreSQL 15 started by scripts/pg_throwaway.sh, which sets DATABASE_URL).

1. A fresh database: a coordinator, reviewers (with assignments in an earlier call, so
   their dashboards have rows), applicants with a profile each, and a call with a
   screener question and a required attachment.
2. gunicorn on 127.0.0.1 with the production settings (DEBUG off, a random secret key,
   config/gunicorn.conf.py) and the task worker beside it.
3. Filling in: every applicant logs in, starts the application (some in two tabs at
   once), saves every section `--rounds` times, uploads a PDF and opens the submit page,
   while the reviewers and the coordinator browse. Each has a complete draft.
4. The deadline: the coordinator moves it `--lead` seconds ahead, and every applicant
   clicks "submit" at a planned moment within `--spread` seconds of it, as many before
   as after and densest at the deadline itself; some click twice. The answer to each
   form tells the moment the server stamped its arrival (`X-Arrived-At`, from
   core/middleware.py), which is what the deadline is judged by.
5. The report: every submission with when it was sent, when it arrived, the answer and
   the judgement (accepted iff it arrived before the deadline), then the database:
   every draft holds what was last saved, every submitted application exactly one
   version holding it, stamped with the arrival of the click that submitted it,
   reference numbers 0001…N without gaps or duplicates, one confirmation e-mail each.
   Exit status 1 on any violation, or if the clicks did not straddle the deadline.

The client is `requests` with a small HTML form reader; only 127.0.0.1 is contacted and
every request has a timeout.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import resource
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import requests
from django.urls import resolve, reverse
from page_forms import form_data  # scripts/page_forms.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"  # the only address this script ever talks to
PASSWORD = "deadline-rush-2027"  # noqa: S105 — the made-up people of a throwaway database
TIMEOUT = 60.0  # seconds, for each request
ARRIVALS = 20.0  # seconds over which the applicants come and log in
KEPT_ALIVE = 2.0  # seconds a browser reuses an idle connection (gunicorn closes at 5 s)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument("--double-clicks", type=int, default=10, help="applicants clicking twice")
    parser.add_argument("--reviewers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="times each section is saved")
    parser.add_argument(
        "--lead", type=float, default=5.0, help="seconds from 'drafts ready' to the deadline"
    )
    parser.add_argument(
        "--spread", type=float, default=2.0, help="clicks are sent within this many s of it"
    )
    parser.add_argument(
        "--web-workers", type=int, help="gunicorn processes (default: config/gunicorn.conf.py's)"
    )
    parser.add_argument("--threads", type=int, help="threads per process (default: the same)")
    parser.add_argument("--no-task-worker", action="store_true", help="no e-mail/PDF worker")
    parser.add_argument("--var-dir", default="var/loadtest")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    if not 0 <= args.double_clicks <= args.applicants:
        parser.error("--double-clicks must be between 0 and --applicants")
    if args.lead < args.spread + 1:
        parser.error("--lead must be at least --spread + 1 s")
    return args


# --- The server ----------------------------------------------------------------------------


def server_environment(args, var_dir: Path, port: int) -> dict[str, str]:
    """Production settings on plain HTTP, pointed at the load test's database and folder."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        # Production refuses the built-in development key; a new one for every run.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        # Its coordinators log in with a password (no authenticator app in a benchmark).
        "MIKROGRANTY_REQUIRE_STAFF_2FA": "0",
        "DJANGO_HSTS_SECONDS": "0",
        # The script stands in for the reverse proxy: each person's own address arrives
        # in X-Forwarded-For, so login throttling counts people, not the proxy.
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'db.sqlite3'}",
        "MIKROGRANTY_VAR_DIR": str(var_dir),
        "DJANGO_EMAIL": "file",
        "MIKROGRANTY_SITE_URL": "http://127.0.0.1",
        # gunicorn's own settings (config/gunicorn.conf.py): where, and how many.
        "HOST": HOST,
        "PORT": str(port),
        **({"WEB_CONCURRENCY": str(args.web_workers)} if args.web_workers else {}),
        **({"GUNICORN_THREADS": str(args.threads)} if args.threads else {}),
    }


def manage(*command: str) -> None:
    result = subprocess.run(  # noqa: S603 — our own manage.py, arguments from this file
        [PYTHON, "manage.py", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"manage.py {' '.join(command)} failed")


def start_server(args, var_dir: Path) -> list[subprocess.Popen]:
    """gunicorn with the production configuration, and the task worker beside it."""
    commands = {
        "gunicorn": [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            *("-c", "config/gunicorn.conf.py"),
            "--no-control-socket",  # its default path is shared with any other gunicorn
        ],
    }
    if not args.no_task_worker:
        # Niced: rendering the confirmations' PDFs must not starve the web processes, as
        # a production machine would run it too (or run it elsewhere).
        worker = [PYTHON, "manage.py", "db_worker", "--interval", "0.5"]
        commands["db_worker"] = ["nice", "-n", "10", *worker]
    processes = []
    for name, command in commands.items():
        log = open(var_dir / f"{name}.log", "ab")  # noqa: SIM115 — lives as long as the process
        processes.append(
            subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
        )
    ends = time.monotonic() + 30
    while time.monotonic() < ends and processes[0].poll() is None:
        try:
            home = f"http://{HOST}:{os.environ['PORT']}/"
            if requests.get(home, timeout=2).status_code == 200:
                return processes
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop_server(processes)
    raise SystemExit(f"gunicorn did not answer within 30 s; see {var_dir}/gunicorn.log")


def stop_server(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process we started (by its handle), SIGKILL after 15 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- The people and the call, created through the services -----------------------------------


@dataclass
class World:
    call_pk: int
    call_slug: str
    reference_prefix: str
    eligibility_field: str
    requirement_pk: int
    coordinator: str
    reviewers: dict[str, list[int]]  # e-mail → their assignments in the earlier call
    applicants: list[str]


def published_call(
    *, slug: str, code: str, title: str, programme: str, description: str, by, now: datetime
):
    """An open call with one criterion, published by `by` through the services (closes in a
    day; the load test moves its deadline later). scripts/scale_out.py makes its calls here too."""
    from grants.models import Criterion, GrantCall
    from grants.services import call_publish, call_save

    call = GrantCall(
        programme=programme,
        title=title,
        slug=slug,
        reference_code=code,
        description=description,
        eligibility="Każdy.",
        min_amount=Decimal("1000"),
        max_amount=Decimal("8000"),
        total_budget=Decimal("400000"),
        own_contribution_percent=Decimal("10"),
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=1),
    )
    call = call_save(call=call, criteria_to_save=[Criterion(name="Pomysł", max_points=20)], by=by)
    return call_publish(call=call, by=by)


def complete_draft(*, call, applicant, revision: str):
    """An application of `applicant` to `call` with every section, the schedule and the budget
    filled in, ready to submit (scripts/scale_out.py builds its applications here too)."""
    from applicants.services import (
        application_budget_save,
        application_schedule_save,
        application_start,
        application_update,
    )

    application = application_start(call=call, applicant=applicant, eligibility_answers={})
    application_update(application=application, fields=section_texts(applicant.email, revision))
    application_schedule_save(
        application=application,
        items=[{"starts_on": date(2027, 5, 1), "ends_on": date(2027, 5, 2), "activity": "W"}],
    )
    application_budget_save(
        application=application,
        lines=[
            {
                "category": "materials",
                "item": "Farby",
                "unit": "zestaw",
                "quantity": Decimal("2"),
                "unit_cost": Decimal("1500"),
                "own_contribution": Decimal("300"),
            }
        ],
    )
    return application


def seed(args) -> World:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.enums import COORDINATORS_GROUP
    from accounts.models import User
    from applicants.enums import ApplicantKind, FormalCheckOutcome
    from applicants.models import ApplicantProfile
    from applicants.services import (
        application_submit,
        formal_check_record,
        profile_save,
    )
    from grants.models import AttachmentRequirement, EligibilityQuestion
    from grants.services import call_close, call_parts_save
    from reviews.models import ReviewAssignment
    from reviews.services import assignments_auto, pool_add

    if User.objects.exists():  # never seed into a database with people in it
        raise SystemExit("The load test needs an empty database; this one has users in it.")
    password_hash = make_password(PASSWORD)  # one hash for all: hashing is slow on purpose

    def person(email: str, full_name: str) -> User:
        user = User.objects.create(email=email, full_name=full_name, password=password_hash)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    coordinator = person("koordynatorka@loadtest.example.org", "Koordynatorka Obciążenia")
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    reviewers = [
        person(f"recenzent{n}@loadtest.example.org", f"Recenzent {n}")
        for n in range(1, args.reviewers + 1)
    ]
    applicants = []
    for n in range(1, args.applicants + 1):
        user = person(f"wnioskodawca{n:02d}@loadtest.example.org", f"Wnioskodawczyni {n:02d}")
        profile = ApplicantProfile(
            user=user,
            kind=ApplicantKind.INDIVIDUAL,
            contact_name=user.full_name,
            street=f"ul. Piotrkowska {n}",
            postcode="90-006",
            city="Łódź",
            date_of_birth=date(2001, 1 + n % 12, 1 + n % 28),
        )
        profile_save(profile=profile, members=[])
        applicants.append(user)

    now = timezone.now()

    # The rush's call's deadline is moved to a few seconds ahead later.
    new_call = partial(
        published_call,
        programme="Test obciążenia",
        description="Nabór do testu obciążenia.",
        by=coordinator,
        now=now,
    )

    # An earlier call in review, so that the reviewers' dashboards have rows to show.
    earlier = new_call(slug="wczesniejszy-nabor", code="WN", title="Wcześniejszy nabór")
    for user in applicants[:6]:
        application = complete_draft(call=earlier, applicant=user, revision="w")
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

    # The call of the rush.
    call = new_call(slug="wielki-termin", code="WT", title="Nabór z terminem w trakcie testu")
    question = EligibilityQuestion(text="Czy projekt jest niekomercyjny?", failure_explanation="-")
    call_parts_save(call=call, part_model=EligibilityQuestion, rows_to_save=[question])
    requirement = AttachmentRequirement(name="Plan działań (PDF)", required=True)
    call_parts_save(call=call, part_model=AttachmentRequirement, rows_to_save=[requirement])
    return World(
        call_pk=call.pk,
        call_slug=call.slug,
        reference_prefix=f"{call.reference_code}/{call.reference_year}/",
        eligibility_field=f"e{EligibilityQuestion.objects.get(call=call).pk}",
        requirement_pk=AttachmentRequirement.objects.get(call=call).pk,
        coordinator=coordinator.email,
        reviewers={
            r.email: list(ReviewAssignment.objects.filter(reviewer=r).values_list("pk", flat=True))
            for r in reviewers
        },
        applicants=[a.email for a in applicants],
    )


# --- What the applicants type --------------------------------------------------------------

SECTION_TEXTS = {
    "basics": {"title": "Zielone podwórko", "summary": "Sadzimy drzewa i budujemy ławki."},
    "problem": {
        "problem": "Podwórko jest zaniedbane.",
        "goals": "Miejsce spotkań sąsiadów.",
        "target_group": "Mieszkańcy ul. Łąkowej.",
    },
    "activities": {"activities": "Warsztaty, sadzenie, piknik."},
    "results": {"expected_results": "Dziesięć drzew.", "results_measurement": "Zdjęcia."},
    "team": {"team_description": "Trzy osoby z doświadczeniem."},
    "budget": {},
}
TEXT_NAMES = [name for texts in SECTION_TEXTS.values() for name in texts]


def section_texts(who: str, revision: str, section: str | None = None) -> dict[str, str]:
    """The section's texts (all of them without `section`), marked with who and which save."""
    sections = [section] if section else list(SECTION_TEXTS)
    return {
        name: f"{text} [{who} {revision}]"
        for s in sections
        for name, text in SECTION_TEXTS[s].items()
    }


def section_values(who: str, revision: str, section: str) -> dict[str, str]:
    """What the applicant types over the section's form (the rest stays as the page has it)."""
    values = section_texts(who, revision, section)
    mark = f"[{who} {revision}]"
    if section == "activities":
        values |= {
            "schedule-0-starts_on": "2027-05-01",
            "schedule-0-ends_on": "2027-05-31",
            "schedule-0-activity": f"Warsztaty {mark}",
        }
    if section == "budget":
        values |= {
            "budget-0-category": "materials",
            "budget-0-item": f"Farby i pędzle {mark}",
            "budget-0-unit": "zestaw",
            "budget-0-quantity": "2",
            "budget-0-unit_cost": "1500",
            "budget-0-own_contribution": "300",
        }
    return values


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF whose bytes (and so its SHA-256) are unique to `text`."""
    stream = f"BT /F1 12 Tf 72 780 Td ({re.sub(r'[^A-Za-z0-9@. -]', '', text)}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
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


# --- A browser: a requests session (cookies, keep-alive) -------------------------------------


@dataclass
class Answer:
    kind: str
    status: int  # 0: no answer (timeout, connection refused)
    sent: float  # wall clock, like the server's stamps
    answered: float
    arrived: datetime | None = None  # the server's stamp (X-Arrived-At, answers to forms)
    location: str = ""
    text: str = ""


class Trouble(Exception):
    """A simulated person could not go on (the reason is reported)."""


class Browser:
    """One person's browser tab: cookies and a kept-alive connection to 127.0.0.1."""

    def __init__(self, rush: Rush, who: str, number: int, cookies=None):
        self.rush, self.who, self.number = rush, who, number
        self.session = requests.Session()
        # Each person's own address, as the reverse proxy would report it (only a header).
        address = f"10.77.{number // 250}.{number % 250 + 1}"
        self.session.headers.update({"User-Agent": "loadtest", "X-Forwarded-For": address})
        if cookies is not None:
            self.session.cookies.update(cookies)
        self.used = 0.0  # when the connection was last used

    def tab(self) -> Browser:
        """A second tab: the same cookies, its own connection."""
        return Browser(self.rush, self.who, self.number, self.session.cookies)

    def request(self, method: str, path: str, *, kind: str, **kwargs) -> Answer:
        if time.time() - self.used > KEPT_ALIVE:
            # gunicorn closes a connection idle for 5 s: a request sent just as it does so
            # would meet a reset, so after a pause, a new connection (as browsers do).
            self.session.close()
        sent = self.used = time.time()
        try:
            response = self.session.request(
                method, self.rush.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            answer = Answer(kind, 0, sent, time.time())
            self.rush.record(answer, f"{self.who}: {method} {path}: no answer: {exc!r}")
            return answer
        stamp = response.headers.get("X-Arrived-At")
        arrived = datetime.fromisoformat(stamp) if stamp else None
        location = response.headers.get("Location", "")
        self.used = time.time()
        answer = Answer(
            kind, response.status_code, sent, self.used, arrived, location, response.text
        )
        self.rush.record(answer)
        return answer

    def page(self, path: str, kind: str = "page") -> Answer:
        answer = self.request("GET", path, kind=kind)
        if answer.status != 200:
            raise Trouble(f"{path} answered {answer.status}")
        return answer

    def post(self, path: str, data, *, kind: str, expect=(302,), files=None) -> Answer:
        """Send a form as the browser does; any answer but `expect` is trouble (None: none is)."""
        headers = {"Origin": self.rush.base}
        answer = self.request("POST", path, kind=kind, data=data, files=files, headers=headers)
        if expect and answer.status not in expect:
            raise Trouble(f"{kind} {path} answered {answer.status}")
        return answer


# --- The rush -----------------------------------------------------------------------------------


@dataclass
class Applicant:
    email: str
    number: int
    double_start: bool  # "start" from two tabs at once
    double_click: bool  # "submit" clicked twice
    pk: int | None = None
    starts: set[int] = field(default_factory=set)  # the applications "start" led to
    saved: dict[str, str] = field(default_factory=dict)  # what the server confirmed last
    attachment: tuple[str, str] = ("", "")  # (name, sha256)
    submit_form: list = field(default_factory=list)  # the submit page's form, ready to send
    browser: Browser | None = None
    clicks: list[tuple[int, Answer]] = field(default_factory=list)  # (click number, answer)
    trouble: str = ""

    @property
    def name(self) -> str:
        return self.email.split("@")[0]


class Rush:
    def __init__(self, args, world: World, port: int):
        self.args, self.world = args, world
        self.base = f"http://{HOST}:{port}"
        self.answers: list[Answer] = []
        self.cpu = 0.0  # seconds the server's processes used
        self.problems: list[str] = []
        self.readers_stop = threading.Event()
        self._lock = threading.Lock()

    def record(self, answer: Answer, problem: str = "") -> None:
        with self._lock:
            self.answers.append(Answer(answer.kind, answer.status, answer.sent, answer.answered))
            if problem:
                self.problems.append(problem)

    def login(self, me: Browser) -> None:
        path = reverse("account_login")
        page = me.page(path, kind="login")
        data = form_data(page.text, {"login": me.who, "password": PASSWORD}, with_field="login")
        me.post(path, data, kind="login")

    def fill_in(self, run: Applicant) -> None:
        """Log in, start the application, save every section, upload the plan: a complete
        draft, with what the server confirmed remembered in `run`."""
        rng = random.Random(f"{self.args.seed}/{run.email}")  # noqa: S311 — think times
        me = run.browser = Browser(self, run.email, run.number)
        time.sleep(rng.uniform(0, ARRIVALS))
        try:
            self.login(me)
            me.page(reverse("grants:call_detail", args=[self.world.call_slug]))
            apply = reverse("applicants:apply", args=[self.world.call_slug])
            data = form_data(me.page(apply).text, {self.world.eligibility_field: "yes"})
            tabs = [me, me.tab()] if run.double_start else [me]
            with ThreadPoolExecutor(len(tabs)) as pair:
                starts = list(pair.map(lambda tab: tab.post(apply, data, kind="start"), tabs))
            run.starts = {resolve(answer.location).kwargs["pk"] for answer in starts}
            run.pk = min(run.starts)
            for revision in range(1, self.args.rounds + 1):
                for section in SECTION_TEXTS:
                    path = reverse("applicants:section", args=[run.pk, section])
                    values = section_values(run.email, f"#{revision}", section)
                    data = form_data(me.page(path).text, values | {"go": "stay"}, action=path)
                    me.post(path, data, kind="save")
                    run.saved |= values
                    time.sleep(rng.uniform(0.05, 0.3))
            path = reverse("applicants:attachments", args=[run.pk])
            values = {"requirement": str(self.world.requirement_pk)}
            data = form_data(me.page(path).text, values, with_field="requirement")
            name, content = f"plan-{run.name}.pdf", tiny_pdf(f"Plan dzialan {run.email}")
            me.post(path, data, kind="upload", files=[("file", (name, content, "application/pdf"))])
            run.attachment = (name, hashlib.sha256(content).hexdigest())
            # The last look before the deadline: the submit page, its consents ticked.
            path = reverse("applicants:submit", args=[run.pk])
            ticked = {"consent_privacy": "on", "consent_truth": "on"}
            run.submit_form = form_data(me.page(path, kind="submit page").text, ticked, action=path)
        except Exception as exc:  # a simulated person's trouble is reported, not raised
            run.trouble = str(exc) if isinstance(exc, Trouble) else repr(exc)

    def click(self, run: Applicant, number: int, send_at: float) -> None:
        """Click "submit" on the page opened when filling in, at `send_at` (a second click
        is a double click: the same form again, from a second connection)."""
        tab = run.browser if number == 1 else run.browser.tab()
        path = reverse("applicants:submit", args=[run.pk])
        time.sleep(max(0.0, send_at - time.time()))
        answer = tab.post(path, run.submit_form, kind="submit", expect=None)
        answer.text = ""
        run.clicks.append((number, answer))  # whatever the answer: judge_clicks() judges it

    def read(self, email: str, number: int, pages: list[tuple[str, str]]) -> None:
        """A reviewer or the coordinator going round their pages until the rush is over."""
        rng = random.Random(f"{self.args.seed}/{email}")  # noqa: S311 — think times
        me = Browser(self, email, number)
        try:
            self.login(me)
        except Trouble as trouble:
            self.problems.append(f"{email}: {trouble}")
            return
        for step in range(100_000):
            if self.readers_stop.wait(rng.uniform(0.3, 1.0)):
                return
            try:
                me.page(*pages[step % len(pages)])
            except Trouble as trouble:
                self.problems.append(f"{email}: {trouble}")


def readers(world: World) -> list[tuple[str, int, list[tuple[str, str]]]]:
    """The reviewers (their dashboard and assignments) and the coordinator (the call's
    list, sorted, and its CSV export), each with the pages they go round."""
    listing = reverse("applicants_manage:list", args=[world.call_pk])
    coordinator = ["", "?sort=-submitted", "?export=csv"]
    return [
        (
            email,
            1000 + n,
            [(reverse("reviews:dashboard"), "dashboard")]
            + [(reverse("reviews:assignment", args=[pk]), "dashboard") for pk in pks[:3]],
        )
        for n, (email, pks) in enumerate(world.reviewers.items())
    ] + [(world.coordinator, 2000, [(listing + query, "list") for query in coordinator])]


def plan_clicks(runs: list[Applicant], spread: float, seed: int) -> list:
    """(applicant, click number, when to click in s from the deadline): as many before as
    after it and densest at it (the square of an even spread). A second click follows the
    first by 30–250 ms, as a double click or a second tab does."""
    rng = random.Random(seed + 1)  # noqa: S311 — a schedule, not a secret
    evenly = [2 * (i + 0.5) / len(runs) - 1 for i in range(len(runs))]
    offsets = [spread * u * abs(u) for u in evenly]
    rng.shuffle(offsets)
    plan = []
    for run, offset in zip(runs, offsets, strict=True):
        plan.append((run, 1, offset))
        if run.double_click:
            plan.append((run, 2, offset + rng.uniform(0.03, 0.25)))
    return plan


# --- Checking in the database --------------------------------------------------------------------


def saved_content(run: Applicant) -> dict:
    """What the applicant saved last, as the server confirmed it."""
    return {
        **{name: run.saved[name] for name in TEXT_NAMES},
        "schedule": [run.saved["schedule-0-activity"]],
        "budget": [run.saved["budget-0-item"]],
        "requested": "2700.00",
        "files": [run.attachment[0]],
    }


def draft_content(application) -> dict:
    return {
        **{name: getattr(application, name) for name in TEXT_NAMES},
        "schedule": [item.activity for item in application.schedule.all()],
        "budget": [line.item for line in application.budget_lines.all()],
        "requested": f"{application.requested_amount:.2f}",
        "files": [a.original_name for a in application.attachments.all() if a.removed_at is None],
    }


def version_content(version) -> dict:
    content = version.content
    return {
        **{name: content.get(name) for name in TEXT_NAMES},
        "schedule": [row["activity"] for row in content["schedule"]],
        "budget": [line["item"] for line in content["budget"]["lines"]],
        "requested": content["budget"]["requested_amount"],
        "files": [a["name"] for a in content["attachments"]],
    }


def differences(run: Applicant, what: str, content: dict) -> list[str]:
    return [
        f"{run.name}: the {what}'s {key} is {content.get(key)!r}, saved {value!r}"
        for key, value in saved_content(run).items()
        if content.get(key) != value
    ]


@dataclass
class Findings:
    rows: list = field(default_factory=list)  # (applicant, click number, answer, outcome, ok)
    failures: list[str] = field(default_factory=list)
    submitted: list = field(default_factory=list)  # the submitted applications
    intact: int = 0  # drafts holding what was saved last, the file's bytes included


def judge_clicks(run: Applicant, application, deadline: datetime) -> list[tuple]:
    """Each click against its arrival: accepted iff it arrived before the deadline (the
    version is stamped with its arrival); a click after its twin submitted lands on the
    submitted application; any other is refused."""
    versions = list(application.versions.all())
    version = versions[0] if len(versions) == 1 else None
    rows = []
    for number, click in sorted(run.clicks, key=lambda pair: pair[0]):
        arrived = click.arrived
        if arrived is None or click.status not in (302, 400):
            outcome, ok = f"answered {click.status}", False
        elif version and arrived == version.submitted_at:
            outcome = f"accepted: {application.reference_number}"
            ok = click.status == 302 and arrived < deadline
        elif click.status == 302:
            outcome = "already submitted by its other click"
            ok = bool(version) and version.submitted_at < deadline
            ok = ok and click.location == application.get_absolute_url()
        elif arrived >= deadline:
            outcome, ok = "refused: arrived after the deadline", True
        else:
            outcome, ok = "refused although it arrived in time", False
        rows.append((run, number, click, outcome, ok))
    return rows


def judge(runs: list[Applicant], world: World, deadline: datetime) -> Findings:
    """The clicks against their arrivals, the database against what the applicants saved."""
    from applicants.enums import ApplicationStatus
    from applicants.models import Application, CallSequence, StatusChange

    found = Findings()
    applications = Application.objects.filter(call_id=world.call_pk).prefetch_related(
        "applicant", "schedule", "budget_lines", "attachments", "versions"
    )
    by_applicant = defaultdict(list)
    for application in applications:
        by_applicant[application.applicant.email].append(application)
        if application.status == ApplicationStatus.SUBMITTED:
            found.submitted.append(application)
    for run in runs:
        if run.trouble or len(by_applicant[run.email]) != 1:
            found.failures.append(f"{run.name}: {run.trouble or by_applicant[run.email]}")
        if len(by_applicant[run.email]) != 1 or not run.attachment[0]:
            continue
        [application] = by_applicant[run.email]
        problems = differences(run, "draft", draft_content(application))
        [upload] = [a for a in application.attachments.all() if a.removed_at is None] or [None]
        if not problems and sha256_of(upload) != run.attachment[1]:
            problems.append(f"{run.name}: the attachment's bytes on disk differ from the upload")
        found.failures += problems
        found.intact += not problems

        rows = judge_clicks(run, application, deadline)
        found.rows += rows
        found.failures += [f"{r[0].name}, click {r[1]}: {r[3]}" for r in rows if not r[4]]
        versions = list(application.versions.all())
        in_time = [c.arrived for _, c in run.clicks if c.arrived and c.arrived < deadline]
        if not in_time and (versions or application.status != ApplicationStatus.DRAFT):
            found.failures.append(f"{run.name}: arrived late, yet {application.status}")
        elif in_time and (len(versions) != 1 or versions[0].submitted_at not in in_time):
            found.failures.append(f"{run.name}: {len(versions)} versions, not one stamped in time")
        elif in_time:
            stamps = {application.first_submitted_at, application.last_submitted_at}
            if stamps != {versions[0].submitted_at}:
                found.failures.append(f"{run.name}: the submission stamps disagree: {stamps}")
            found.failures += differences(run, "version", version_content(versions[0]))

    # Reference numbers 0001…N in the call, no gaps, no duplicates; the counter agrees.
    numbered = [a for a in applications if a.reference_number]
    numbers = sorted(a.number_in_call for a in numbered)
    if numbers != list(range(1, len(numbered) + 1)):
        found.failures.append(f"reference numbers are not 1…{len(numbered)}: {numbers}")
    found.failures += [
        f"{a.reference_number} should read {world.reference_prefix}{a.number_in_call:04d}"
        for a in numbered
        if a.reference_number != f"{world.reference_prefix}{a.number_in_call:04d}"
    ]
    counter = CallSequence.objects.filter(call_id=world.call_pk).first()
    if numbered and getattr(counter, "last_number", None) != len(numbered):
        found.failures.append(f"the call's counter says {getattr(counter, 'last_number', None)}")
    moves = Counter(
        StatusChange.objects.filter(
            application__call_id=world.call_pk, new_status=ApplicationStatus.SUBMITTED
        ).values_list("application_id", flat=True)
    )
    found.failures += [
        f"{a.reference_number}: {moves[a.pk]} moves to submitted"
        for a in numbered
        if moves[a.pk] != 1
    ]
    return found


def sha256_of(attachment) -> str:
    """The SHA-256 of the stored file's bytes on disk."""
    return hashlib.sha256(Path(attachment.file.path).read_bytes()).hexdigest() if attachment else ""


def confirmations(submitted, limit: float) -> tuple[Counter, list[str]]:
    """Let the task worker send the confirmations (at most `limit` s): statuses, problems."""
    from django.db import close_old_connections
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    versions = {version.pk for a in submitted for version in a.versions.all()}
    ends = time.monotonic() + limit
    waiting = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    while True:
        close_old_connections()
        tasks = [
            task
            for task in DBTaskResult.objects.filter(
                task_path__endswith="send_submission_confirmation"
            )
            if task.args_kwargs["kwargs"].get("version_id") in versions
        ]
        statuses = Counter(task.status for task in tasks)
        # A confirmation is queued once its version's PDF copy is rendered (it attaches it).
        renders_waiting = DBTaskResult.objects.filter(
            task_path__endswith="render_version_pdf", status__in=waiting
        ).exists()
        if time.monotonic() > ends or not (
            statuses[TaskResultStatus.READY] + statuses[TaskResultStatus.RUNNING] or renders_waiting
        ):
            break
        time.sleep(1)
    queued = Counter(task.args_kwargs["kwargs"]["version_id"] for task in tasks)
    problems = [
        f"version {v}: {queued[v]} confirmations queued" for v in versions if queued[v] != 1
    ]
    problems += [f"{n} confirmations {s.lower()}" for s, n in statuses.items() if s != "SUCCESSFUL"]
    return statuses, problems


# --- The report -----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{1000 * seconds:+.0f} ms"


def print_clicks(rows, deadline: float) -> None:
    print("\n== Every click on 'submit', by arrival; times from the deadline (lag: sent → arrived)")
    print(
        f"    {'applicant':<16}{'click':>5}{'sent':>11}{'arrived':>11}{'lag':>9}{'answer':>7}  judged"
    )
    for run, number, click, outcome, ok in sorted(
        rows, key=lambda row: row[2].arrived or datetime.max.replace(tzinfo=UTC)
    ):
        arrived = click.arrived.timestamp() if click.arrived else None
        print(
            f"  {'✓' if ok else '✗'} {run.name:<16}{number:>5}{ms(click.sent - deadline):>11}"
            f"{ms(arrived and arrived - deadline):>11}{ms(arrived and arrived - click.sent)[1:]:>9}"
            f"{click.status:>7}  {outcome}"
        )


def print_summary(database, rush, runs, found, deadline, statuses, times) -> list[str]:
    """The summary table; returns what is wrong with the timing (the clicks must straddle)."""
    clicks = [row[2] for row in found.rows]
    sent_before = sum(c.sent < deadline for c in clicks)
    offsets = [c.arrived.timestamp() - deadline for c in clicks if c.arrived]
    before, after = [o for o in offsets if o < 0], [o for o in offsets if o >= 0]
    near = {
        limit: (sum(o >= -limit for o in before), sum(o <= limit for o in after))
        for limit in (0.05, 0.5)
    }
    in_flight = sum(c.sent < deadline <= c.answered for c in clicks)
    overtaken = sum(c.sent < deadline <= c.arrived.timestamp() for c in clicks if c.arrived)
    outcomes = ", ".join(
        f"{k} {n}" for k, n in Counter(r[3].split(":")[0] for r in found.rows).items()
    )
    judged = sum(row[4] for row in found.rows)
    refs = sorted(a.reference_number for a in found.submitted if a.reference_number)
    versions = Counter(len(a.versions.all()) for a in found.submitted)
    versions_each = "1 each" if set(versions) <= {1} else f"{dict(versions)} (count: applications)"
    e_mails = ", ".join(f"{n} {status.lower()}" for status, n in statuses.items()) or "—"
    answers = rush.answers
    errors, unanswered = sum(a.status >= 500 for a in answers), sum(not a.status for a in answers)
    started, filled, ended = times
    filling = sum(a.sent < filled for a in answers)
    table = [
        (
            "clicks on 'submit'",
            f"{len(clicks)}, {sum(r.double_click for r in runs)} applicants clicked twice",
        ),
        ("sent before / after the deadline", f"{sent_before} / {len(clicks) - sent_before}"),
        ("arrived before / after the deadline", f"{len(before)} / {len(after)}"),
        *(
            (f"arrived within ±{limit * 1000:.0f} ms of it", f"{b + a} ({b} before, {a} after)")
            for limit, (b, a) in near.items()
        ),
        ("in flight as the deadline passed", f"{in_flight} (sent before it, answered after it)"),
        ("  of them arrived after it", f"{overtaken} (refused: the arrival is what counts)"),
        ("answers", outcomes),
        ("judged by arrival (accepted iff before)", f"{judged}/{len(found.rows)} clicks"),
        (
            "submitted / still drafts",
            f"{len(found.submitted)} / {len(runs) - len(found.submitted)}",
        ),
        ("versions per submitted application", versions_each),
        ("reference numbers", f"{refs[0]} … {refs[-1]}" if refs else "none"),
        ("drafts holding what was saved last", f"{found.intact}/{len(runs)}"),
        ("confirmation e-mails (task worker)", e_mails),
        ("requests", f"{len(answers)} in {ended - started:.0f} s"),
        ("  answered 5xx / unanswered", f"{errors} / {unanswered}"),
        ("  while filling in", f"{filling / max(1.0, filled - started):.1f} per s"),
        ("CPU of gunicorn and the task worker", f"{rush.cpu:.0f} s on {os.cpu_count()} cores"),
    ]
    by_kind = defaultdict(list)
    for answer in answers:
        if answer.status:
            by_kind[answer.kind].append(1000 * (answer.answered - answer.sent))
    for kind, values in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        table.append(
            (f"  {kind}", f"{len(values):4} requests, p50 {p50:5.0f} ms, p99 {p99:6.0f} ms")
        )
    print(f"\n== Summary: the deadline rush on {database}")
    for label, value in table:
        print(f"  {label:<40} {value}")

    problems = []
    if not all(near[0.5]):
        problems.append("the clicks did not straddle the deadline (none within 500 ms on one side)")
    if not in_flight:
        problems.append("no click was in flight as the deadline passed")
    if errors or unanswered:
        problems.append(f"{errors} answers 5xx, {unanswered} requests unanswered")
    return problems


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = (ROOT / args.var_dir).resolve()
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    os.environ.update(server_environment(args, var_dir, port))  # for every process alike
    database = "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"== A fresh {database} database in {args.var_dir}")
    for command in (["migrate"], ["createcachetable"], ["collectstatic", "--noinput"]):
        manage(*command, "-v0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from grants.models import GrantCall

    world = seed(args)
    connection.close()
    print(f"  {len(world.applicants)} applicants, {len(world.reviewers)} reviewers, 1 coordinator")
    setup_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    processes = start_server(args, var_dir)
    config = runpy.run_path(str(ROOT / "config/gunicorn.conf.py"))
    print(
        f"== gunicorn on {HOST}:{port} with config/gunicorn.conf.py ({config['workers']} "
        f"processes × {config['threads']} threads), DEBUG off"
        + ("" if args.no_task_worker else "; the task worker beside it")
    )
    rng = random.Random(args.seed)  # noqa: S311 — who clicks twice, not a secret
    runs = [
        Applicant(email, n, double_start=n % 10 == 3, double_click=n <= args.double_clicks)
        for n, email in enumerate(rng.sample(world.applicants, len(world.applicants)), start=1)
    ]
    rush = Rush(args, world, port)
    try:
        with ThreadPoolExecutor(len(world.reviewers) + 1) as reading:
            for email, number, pages in readers(world):
                reading.submit(rush.read, email, number, pages)
            started = time.time()
            with ThreadPoolExecutor(len(runs)) as filling:
                filling.map(rush.fill_in, runs)
            filled = time.time()
            ready = [run for run in runs if not run.trouble]
            print(
                f"== Filling in: {len(ready)}/{len(runs)} complete drafts in {filled - started:.0f} s"
            )

            # The coordinator moves the deadline a few seconds ahead; the clicks straddle it.
            closes_at = timezone.now() + timedelta(seconds=args.lead)
            GrantCall.objects.filter(pk=world.call_pk).update(closes_at=closes_at)
            connection.close()
            deadline = closes_at.timestamp()
            plan = plan_clicks(ready, args.spread, args.seed)
            print(
                f"== The call closes at {timezone.localtime(closes_at):%H:%M:%S.%f}, in "
                f"{args.lead:g} s; {len(plan)} clicks on 'submit' planned within "
                f"±{args.spread:g} s of it, densest at it"
            )
            with ThreadPoolExecutor(len(plan)) as clicking:
                for run, number, offset in plan:
                    clicking.submit(rush.click, run, number, deadline + offset)
            rush.readers_stop.set()
        ended = time.time()
        found = judge(runs, world, closes_at)
        statuses, problems = Counter(), []
        if not args.no_task_worker:
            statuses, problems = confirmations(found.submitted, limit=90)
    finally:
        stop_server(processes)
    server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    rush.cpu = server_cpu.ru_utime + server_cpu.ru_stime - setup_cpu.ru_utime - setup_cpu.ru_stime

    print_clicks(found.rows, deadline)
    failures = found.failures + problems + rush.problems
    failures += print_summary(
        database, rush, runs, found, deadline, statuses, (started, filled, ended)
    )
    tracebacks = (var_dir / "gunicorn.log").read_text(errors="replace").count("Traceback")
    if tracebacks:
        failures.append(f"gunicorn.log holds {tracebacks} tracebacks")
    if failures:
        unique = list(dict.fromkeys(failures))
        for failure in unique[:40]:
            print(f"  ✗ {failure}")
        print(f"FAIL: the deadline rush on {database}: {len(unique)} problems")
        return 1
    print(f"PASS: the deadline rush on {database}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

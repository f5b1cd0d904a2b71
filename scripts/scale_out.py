#!/usr/bin/env python3
"""The production profile with its real parts on one machine: `make test-scale-out`.

Run by scripts/test_scale_out.sh inside a throwaway PostgreSQL 15 (scripts/pg_throwaway.sh
sets DATABASE_URL). This script starts the rest, on 127.0.0.1 only:

- Redis (Debian's redis-server, nothing saved): the cache and the sessions (cached_db);
- an S3-compatible server (moto's server mode) holding the bucket: uploads, PDF copies, letters;
- two gunicorn web processes on two ports (config/gunicorn.conf.py, DEBUG off) and two
  `manage.py db_worker` task workers, all with the production settings.

Then people use it through `requests`, each step through one web process or the other:

1. An applicant logs in on web A, uploads an attachment (3 MB: more than Django would keep
   in memory by default) and submits; the object store holds the attachment and the
   application's PDF copy (a PDF), rendered by a task worker.
2. Her session lands on web B: her application's page and her PDF copy are served there.
3. A coordinator logs in on web B and publishes the decisions of a call with several
   applications; the letters are rendered by the task workers (both must have rendered
   some: the queue records who ran each task), stored in the bucket, and downloaded through
   web A (PDFs whose text, read back with pypdf, names the applicant).
4. Nothing was written to local disk: MEDIA_ROOT and the var folder point to folders that
   do not exist (and still don't at the end); every Python process we start carries an
   audit hook reporting any file opened for writing outside /dev and /proc; and no file
   appeared in the project tree, nor in the processes' own HOME and TMPDIR.

Prints each step, a PASS/FAIL summary; exit status 1 on any failure. Every process it started
is stopped and its folder deleted, whatever happens.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from functools import partial
from pathlib import Path

import requests
from loadtest import (  # scripts/loadtest.py, beside this file
    complete_draft,
    published_call,
    tiny_pdf,
)
from page_forms import form_data

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
HOST = "127.0.0.1"  # the only address this script ever talks to
PASSWORD = "scale-out-2027"  # noqa: S105 — the made-up people of a throwaway database
TIMEOUT = 60.0  # seconds, for each request
LETTERS = 10  # decisions published at once: enough for both workers to take some
WORKER_IDS = ("worker-1", "worker-2")
BUCKET = "mikrogranty-scale-out"
WRITE_MARK = "LOCAL-WRITE"

# Imported by every Python process this run starts (PYTHONPATH): reports, on standard error
# (already open: reporting opens nothing), every file opened for writing and every folder
# made, outside /dev (/dev/shm is memory) and /proc. Forked PDF renderers inherit it.
AUDIT_HOOK = f'''
import os, sys

_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_FREE = ("/dev/", "/proc/")


def _report(what, path):
    if isinstance(path, int) or path is None:
        return
    path = os.path.abspath(os.fsdecode(path))
    if not path.startswith(_FREE):
        frames, frame = [], sys._getframe(2)
        while frame is not None and len(frames) < 4:
            name = frame.f_code.co_filename
            if "/python3." not in name or "site-packages" in name:
                frames.append(f"{{name.rsplit('/', 2)[-2:]}}:{{frame.f_lineno}}")
            frame = frame.f_back
        sys.stderr.write(f"{WRITE_MARK} pid={{os.getpid()}} {{what}} {{path}} by {{frames}}\\n")
        sys.stderr.flush()


def _hook(event, args):
    if event == "open":
        path, mode, flags = args
        if (flags or 0) & _WRITING or (isinstance(mode, str) and set(mode) & set("wax+")):
            _report("open", path)
    elif event in ("os.mkdir", "os.rename", "os.symlink", "os.link", "shutil.copyfile"):
        _report(event, args[0] if event == "os.mkdir" else args[1])


sys.addaudithook(_hook)
'''


class Failed(Exception):
    """A check failed (the message says which)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


BEGAN = time.monotonic()


def step(text: str) -> None:
    print(f"== [{time.monotonic() - BEGAN:5.1f} s] {text}", flush=True)


# --- The processes -------------------------------------------------------------------------


class Processes:
    """Everything this run started, by handle; stop() ends them all (SIGTERM, then SIGKILL)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}
        self.stopped_after: dict[str, float] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        with (self.logs / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            process = subprocess.Popen(  # noqa: S603 — our own commands, arguments from here
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        dead = {name: p.returncode for name, p in self.running.items() if p.poll() is not None}
        if dead:
            raise Failed(f"stopped early: {dead}")

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()  # graceful, as a service manager stops them
        began = time.monotonic()
        for name, process in self.running.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            self.stopped_after[name] = time.monotonic() - began


def wait_until(condition, *, what: str, processes: Processes, limit: float = 60) -> None:
    ends = time.monotonic() + limit
    while not condition():
        processes.check_alive()
        if time.monotonic() > ends:
            raise Failed(f"{what}: not within {limit:.0f} s")
        time.sleep(0.2)


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code < 500
    except requests.RequestException:
        return False


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def profile_environment(run: Path, ports: dict[str, int]) -> dict[str, str]:
    """The production profile: DEBUG off, PostgreSQL, Redis, S3; no local folder to write to."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # one for the run, shared by all
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback: no proxy in front
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        # The coordinator logs in with a password (no authenticator app in this run).
        "MIKROGRANTY_REQUIRE_STAFF_2FA": "0",
        "REDIS_URL": f"redis://{HOST}:{ports['redis']}/0",
        "MIKROGRANTY_S3_BUCKET": BUCKET,
        "MIKROGRANTY_S3_ENDPOINT_URL": f"http://{HOST}:{ports['s3']}",
        "MIKROGRANTY_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "scale-out",
        "AWS_SECRET_ACCESS_KEY": "scale-out",
        # Folders that do not exist: whatever would write there fails or shows.
        "DJANGO_MEDIA_ROOT": str(run / "no-media"),
        "MIKROGRANTY_VAR_DIR": str(run / "no-var"),
        # Collected once before the run (a deploy step), only read by whitenoise.
        "DJANGO_STATIC_ROOT": str(run / "static"),
        "DJANGO_EMAIL": "console",  # to the process's log (production: smtp)
        "MIKROGRANTY_SITE_URL": f"http://{HOST}:{ports['web-a']}",
        # A deployed image carries its compiled bytecode; here none is written.
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def start_parts(run: Path, ports: dict, env: dict, processes: Processes) -> None:
    step(f"Redis on {HOST}:{ports['redis']} (cache and sessions), nothing saved")
    (run / "redis").mkdir()
    processes.start(
        "redis",
        [
            "redis-server",
            *("--bind", HOST, "--port", str(ports["redis"]), "--dir", str(run / "redis")),
            *("--save", "", "--appendonly", "no"),
        ],
        env=os.environ.copy(),
    )
    wait_until(lambda: redis_answers(ports["redis"]), what="Redis", processes=processes)

    step(f"S3-compatible object storage (moto) on {HOST}:{ports['s3']}, bucket {BUCKET}")
    processes.start(
        "s3",
        [str(BIN / "moto_server"), "-H", HOST, "-p", str(ports["s3"])],
        env={**os.environ, "HOME": str(run / "s3-home"), "TMPDIR": str(run / "s3-home")},
    )
    (run / "s3-home").mkdir()
    wait_until(
        lambda: answers(f"http://{HOST}:{ports['s3']}/"), what="moto_server", processes=processes
    )
    s3_client(env).create_bucket(Bucket=BUCKET)


def s3_client(env: dict):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["MIKROGRANTY_S3_ENDPOINT_URL"],
        region_name=env["MIKROGRANTY_S3_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def start_app(run: Path, ports: dict, env: dict, processes: Processes) -> dict[str, str]:
    """Two gunicorn processes and two task workers, watched for local writes."""
    guard = run / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(AUDIT_HOOK)
    for folder in ("home", "tmp"):
        (run / folder).mkdir()
    watched = {
        **os.environ,  # the profile (set in main) and DATABASE_URL
        "PYTHONPATH": str(guard),
        "HOME": str(run / "home"),  # must stay empty (caches, dotfiles)
        "TMPDIR": str(run / "tmp"),  # must stay empty (temporary files)
    }
    for web in ("web-a", "web-b"):
        processes.start(
            web,
            [
                *(
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    "-c",
                    "config/gunicorn.conf.py",
                ),
                # Stopped once the walk is done: no request is left to finish.
                *("--graceful-timeout", "2"),
            ],
            env={**watched, "HOST": HOST, "PORT": str(ports[web]), "WEB_CONCURRENCY": "1"},
        )
    for worker_id in WORKER_IDS:
        processes.start(
            worker_id,
            [
                PYTHON,
                *("manage.py", "db_worker", "--no-reload", "--no-startup-delay"),
                *("--interval", "0.2", "--worker-id", worker_id),
            ],
            env=watched,
        )
    bases = {web: f"http://{HOST}:{ports[web]}" for web in ("web-a", "web-b")}
    for web, base in bases.items():
        wait_until(lambda base=base: answers(base + "/"), what=web, processes=processes)
    for worker_id in WORKER_IDS:
        wait_until(
            lambda worker_id=worker_id: f"worker_id={worker_id}" in processes.log(worker_id),
            what=worker_id,
            processes=processes,
        )
    step(
        f"Web A {bases['web-a']} and web B {bases['web-b']} (gunicorn, "
        f"DEBUG off); task workers {', '.join(WORKER_IDS)}"
    )
    return bases


# --- The people and the calls, made through the services ---------------------------------------


def seed() -> dict:
    """A coordinator; an applicant with a complete draft in an open call that asks for a plan;
    a closed call with LETTERS applications submitted, checked and decided, not published."""
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
    from decisions.enums import DecisionOutcome
    from decisions.services import decision_record
    from grants.models import AttachmentRequirement, GrantCall
    from grants.services import call_close, call_parts_save

    password_hash = make_password(PASSWORD)
    now = timezone.now()

    def person(email: str, full_name: str, number: int) -> User:
        user = User.objects.create(email=email, full_name=full_name, password=password_hash)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        profile = ApplicantProfile(
            user=user,
            kind=ApplicantKind.INDIVIDUAL,
            contact_name=full_name,
            street=f"ul. Piotrkowska {number}",
            postcode="90-006",
            city="Łódź",
            date_of_birth=date(2001, 1 + number % 12, 1 + number % 28),
        )
        profile_save(profile=profile, members=[])
        return user

    coordinator = User.objects.create(
        email="koordynatorka@skala.example.org",
        full_name="Koordynatorka Skali",
        password=password_hash,
    )
    EmailAddress.objects.create(user=coordinator, email=coordinator.email, verified=True)
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])

    new_call = partial(
        published_call,
        programme="Test skali",
        description="Nabór testu skali.",
        by=coordinator,
        now=now,
    )

    def draft(call: GrantCall, user: User):
        return complete_draft(call=call, applicant=user, revision="#1")

    # The call with decisions to publish.
    decided = new_call(slug="nabor-z-decyzjami", code="ND", title="Nabór z decyzjami")
    names = {}
    for n in range(1, LETTERS + 1):
        user = person(f"wnioskodawca{n:02d}@skala.example.org", f"Wnioskodawca Skali {n:02d}", n)
        application = draft(decided, user)
        application_submit(
            application=application,
            by=user,
            consents=[{"key": "privacy", "text": "-"}, {"key": "truth", "text": "-"}],
            arrived_at=timezone.now(),
        )
        formal_check_record(
            application=application, outcome=FormalCheckOutcome.ACCEPTED, by=coordinator
        )
        names[application.pk] = user.full_name
    call_close(call=decided, by=coordinator)
    for n, pk in enumerate(names):
        from applicants.models import Application

        application = Application.objects.get(pk=pk)
        awarded = n % 2 == 0
        decision_record(
            application=application,
            outcome=DecisionOutcome.AWARDED if awarded else DecisionOutcome.REJECTED,
            amount=application.requested_amount if awarded else None,
            justification="Uzasadnienie komisji.",
            below_threshold_reason="Test skali.",
            by=coordinator,
        )

    # The open call, where the applicant uploads her plan and submits on web A.
    open_call = new_call(slug="nabor-otwarty", code="NO", title="Nabór otwarty")
    requirement = AttachmentRequirement(name="Plan działań (PDF)", required=True)
    call_parts_save(call=open_call, part_model=AttachmentRequirement, rows_to_save=[requirement])
    applicant = person("zofia@skala.example.org", "Zofia Skalowalna", 99)
    application = draft(open_call, applicant)
    return {
        "coordinator": coordinator.email,
        "applicant": applicant.email,
        "applicant_name": applicant.full_name,
        "application": application.pk,
        "requirement": AttachmentRequirement.objects.get(call=open_call).pk,
        "decided_call": decided.pk,
        "names": names,  # application pk → applicant's name
    }


# --- A browser ----------------------------------------------------------------------------------


class Browser:
    """A person's cookies, sent to whichever web process the step names."""

    def __init__(self, bases: dict[str, str]):
        self.bases = bases
        self.session = requests.Session()
        # No kept-alive connections: gunicorn stops at once instead of waiting for them.
        self.session.headers["Connection"] = "close"

    def get(self, web: str, path: str, *, expect: int = 200) -> requests.Response:
        response = self.session.get(self.bases[web] + path, timeout=TIMEOUT, allow_redirects=False)
        if response.status_code != expect:
            raise Failed(f"GET {path} on {web} answered {response.status_code}, not {expect}")
        return response

    def post(self, web: str, path: str, data, *, files=None, expect: int = 302):
        response = self.session.post(
            self.bases[web] + path,
            data=data,
            files=files,
            headers={"Origin": self.bases[web]},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        if response.status_code != expect:
            raise Failed(
                f"POST {path} on {web} answered {response.status_code}, not {expect}: "
                f"{response.text[:300]!r}"
            )
        return response

    def login(self, web: str, email: str) -> None:
        from django.urls import reverse

        path = reverse("account_login")
        page = self.get(web, path)
        self.post(
            web,
            path,
            form_data(page.text, {"login": email, "password": PASSWORD}, with_field="login"),
        )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    if not content.startswith(b"%PDF-"):
        raise Failed(f"not a PDF: {content[:20]!r}")
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def queue_drained(processes: Processes, limit: float = 120) -> None:
    from django.db import close_old_connections
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def empty() -> bool:
        close_old_connections()
        return not DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).exists()

    wait_until(empty, what="the task queue emptied", processes=processes, limit=limit)


# --- The walk -----------------------------------------------------------------------------------


def walk(world: dict, bases: dict, env: dict, processes: Processes, passed: list[str]) -> None:
    from django.urls import reverse
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from applicants.models import Application, Attachment, VersionPdf
    from decisions.models import DecisionLetter

    s3 = s3_client(env)

    def stored(key: str) -> bytes:
        return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    # 1. The applicant on web A: log in, upload the plan, submit.
    zofia = Browser(bases)
    zofia.login("web-a", world["applicant"])
    pk = world["application"]
    path = reverse("applicants:attachments", args=[pk])
    data = form_data(
        zofia.get("web-a", path).text,
        {"requirement": str(world["requirement"])},
        with_field="requirement",
    )
    # 3 MB: more than Django keeps in memory by default (2.5 MB), so it would go to /tmp.
    plan = tiny_pdf("Plan dzialan Zofii") + b"%" + b"0" * (3 * 1024 * 1024) + b"\n"
    zofia.post("web-a", path, data, files=[("file", ("plan-zofii.pdf", plan, "application/pdf"))])
    path = reverse("applicants:submit", args=[pk])
    ticked = {"consent_privacy": "on", "consent_truth": "on"}
    zofia.post("web-a", path, form_data(zofia.get("web-a", path).text, ticked, action=path))
    application = Application.objects.get(pk=pk)
    if not application.reference_number:
        raise Failed(f"the application was not submitted: {application.status}")
    upload = Attachment.objects.get(application=application, removed_at__isnull=True)
    if stored(upload.file.name) != plan:
        raise Failed(f"the bucket's {upload.file.name} differs from the uploaded plan")
    passed.append(f"applicant submitted {application.reference_number} on web A; plan in bucket")
    step(passed[-1])

    queue_drained(processes)  # the PDF copies (this one and the decided call's)
    pdfs = list(VersionPdf.objects.filter(version__application=application))
    if not pdfs or not all(pdf.is_ready for pdf in pdfs):
        raise Failed(f"the PDF copies are not rendered: {[(p.kind, p.status) for p in pdfs]}")
    for pdf in pdfs:
        text = pdf_text(stored(pdf.file.name))
        if application.reference_number not in text:
            raise Failed(f"{pdf.file.name} does not name {application.reference_number}")
    passed.append(
        f"{len(pdfs)} PDF copies of the application rendered by the workers, stored in the bucket"
    )
    step(passed[-1])

    # 2. Her session on web B: her application and her PDF copy.
    page = zofia.get("web-b", application.get_absolute_url())
    if application.reference_number not in page.text:
        raise Failed("web B does not show her application's reference number")
    copy = zofia.get("web-b", reverse("applicants:version_pdf", args=[pk, 1]))
    if application.reference_number not in pdf_text(copy.content):
        raise Failed("her PDF copy through web B does not name her application")
    passed.append("her session (logged in on web A) works on web B: page and PDF copy")
    step(passed[-1])

    # 3. The coordinator publishes on web B; the letters are read through web A.
    coordinator = Browser(bases)
    coordinator.login("web-b", world["coordinator"])
    path = reverse("decisions:publish", args=[world["decided_call"]])
    page = coordinator.get("web-b", path)
    coordinator.post("web-b", path, form_data(page.text, {}, action=path))
    started = time.monotonic()
    queue_drained(processes)
    letters = list(
        DecisionLetter.objects.filter(decision__call_id=world["decided_call"]).select_related(
            "decision"
        )
    )
    if len(letters) != LETTERS:
        raise Failed(f"{len(letters)} letters issued, not {LETTERS}")
    tasks = list(DBTaskResult.objects.filter(task_path="decisions.tasks.issue_letter"))
    failed = [t for t in tasks if t.status != TaskResultStatus.SUCCESSFUL]
    if failed:
        raise Failed(f"{len(failed)} letter tasks failed: {failed[0].traceback[-500:]}")
    by_worker = Counter(worker for t in tasks for worker in t.worker_ids)
    if set(by_worker) != set(WORKER_IDS):
        raise Failed(f"the letters were not rendered by both workers: {dict(by_worker)}")
    passed.append(
        f"coordinator published {LETTERS} decisions on web B; letters rendered in "
        f"{time.monotonic() - started:.1f} s by both workers ({dict(by_worker)})"
    )
    step(passed[-1])
    for letter in letters:
        name = world["names"][letter.decision.application_id]
        if name not in pdf_text(stored(letter.pdf.name)):
            raise Failed(f"the bucket's {letter.pdf.name} does not name {name}")
        download = coordinator.get("web-a", reverse("decisions:letter_pdf", args=[letter.pk]))
        if name not in pdf_text(download.content):
            raise Failed(f"letter {letter.number} downloaded through web A does not name {name}")
    passed.append(
        f"{LETTERS} letters in the bucket, downloaded through web A (coordinator's session from "
        "web B), each naming its applicant"
    )
    step(passed[-1])

    # An applicant of the decided call reads her letter on web A.
    first = letters[0]
    reader = Browser(bases)
    reader.login("web-b", first.decision.application.applicant.email)
    download = reader.get("web-a", reverse("decisions_applicant:letter", args=[first.decision_id]))
    if world["names"][first.decision.application_id] not in pdf_text(download.content):
        raise Failed("the applicant's own letter through web A does not name her")
    passed.append("an applicant logged in on web B downloads her letter through web A")
    step(passed[-1])


# --- Nothing on local disk ------------------------------------------------------------------------


def local_writes(run: Path, marker: float, processes: Processes) -> list[str]:
    """What our processes wrote to local disk: the audit hook's reports, files newer than the
    start in the project tree, anything in their HOME and TMPDIR, the folders that must not be."""
    found = []
    for name in ("web-a", "web-b", *WORKER_IDS):
        found += [
            f"{name}: {line}" for line in processes.log(name).splitlines() if WRITE_MARK in line
        ]
    skip = {".git", "node_modules", ".venv"}
    for folder, _dirs, files in os.walk(ROOT):
        _dirs[:] = [d for d in _dirs if d not in skip]
        for file in files:
            path = Path(folder) / file
            try:
                if path.stat().st_mtime >= marker:
                    found.append(
                        f"new in the project tree: {path.relative_to(ROOT)} (or written by "
                        "something else working in this tree meanwhile, e.g. a test run)"
                    )
            except FileNotFoundError:
                pass
    for folder in ("home", "tmp"):
        found += [f"left in {folder}: {p}" for p in (run / folder).rglob("*")]
    found += [f"{p} exists" for p in (run / "no-media", run / "no-var") if p.exists()]
    return found


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Run through scripts/test_scale_out.sh (`make test-scale-out`): it needs PostgreSQL.")
        return 2
    began = time.monotonic()
    sys.dont_write_bytecode = True
    run = Path(tempfile.mkdtemp(prefix="mikrogranty-scale-out."))
    processes = Processes(run)
    passed: list[str] = []
    failure = ""

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    try:
        ports = {name: free_port() for name in ("redis", "s3", "web-a", "web-b")}
        env = profile_environment(run, ports)
        os.environ.update(env)
        start_parts(run, ports, env, processes)
        step("Deploy steps: bytecode compiled, PostgreSQL 15 migrated, static files collected")
        deploy = {
            # What an image would carry: the running processes then write no bytecode.
            "compileall": [
                PYTHON,
                "-m",
                "compileall",
                "-q",
                "-x",
                r"/(\.venv|node_modules|\.git)/",
                ".",
            ],
            "migrate": [PYTHON, "manage.py", "migrate", "-v0"],
            "collectstatic": [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        }
        running = {
            name: subprocess.Popen(  # noqa: S603 — our own commands
                command,
                cwd=ROOT,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for name, command in deploy.items()
        }
        try:
            for name, process in running.items():
                output = process.communicate()[0]
                if process.returncode:
                    raise Failed(f"{name} failed: {output[-3000:]}")
        finally:
            for process in running.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
        step("deployed; people and calls next")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection

        world = seed()
        connection.close()
        step(f"{LETTERS + 1} applicants, a coordinator, two calls")
        marker = time.time() - 1  # file times may be rounded down to the second
        time.sleep(1)
        bases = start_app(run, ports, env, processes)
        walk(world, bases, env, processes, passed)
        stopping = time.monotonic()
        processes.stop()  # their last words (and writes) before looking
        step(
            f"stopped in {time.monotonic() - stopping:.1f} s "
            f"({', '.join(f'{n} {t:.1f}' for n, t in processes.stopped_after.items())}); "
            "looking for local writes"
        )
        writes = local_writes(run, marker, processes)
        if writes:
            raise Failed("written to local disk:\n    " + "\n    ".join(writes[:30]))
        passed.append(
            "nothing written to local disk (audit hook, project tree, HOME, TMPDIR, MEDIA_ROOT)"
        )
        step(passed[-1])
        tracebacks = [n for n in processes.running if "Traceback" in processes.log(n)]
        if tracebacks:
            raise Failed(f"tracebacks in the logs of {tracebacks}")
    except (Failed, KeyboardInterrupt) as exc:
        failure = str(exc) or type(exc).__name__
    except Exception as exc:  # a crash of the script is a failure too, with its story
        import traceback

        failure = "".join(traceback.format_exception(exc))
    finally:
        processes.stop()
        if failure:
            for name in processes.running:
                tail = processes.log(name)[-2500:]
                if tail.strip():
                    print(f"--- {name}.log (end)\n{tail}")
        shutil.rmtree(run, ignore_errors=True)

    print("\n== Summary: the production profile with its real parts")
    for line in passed:
        print(f"  ✓ {line}")
    elapsed = time.monotonic() - began
    if failure:
        print(f"  ✗ {failure}")
        print(f"FAIL: test-scale-out ({elapsed:.0f} s)")
        return 1
    print(f"PASS: test-scale-out ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

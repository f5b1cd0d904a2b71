"""The deadline rush (`make loadtest`) in small: real concurrent requests and submissions,
each thread with its own database connection, judged by the moment each one arrived."""

import threading
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from applicants.enums import ApplicationStatus, VersionPdfKind
from applicants.models import (
    Application,
    ApplicationVersion,
    CallSequence,
    StatusChange,
    VersionPdf,
)
from applicants.services import SubmissionRefused, application_submit
from applicants.tests.builders import CONSENTS, TEXTS, complete_draft
from grants.tests.factories import GrantCallFactory

SUBMIT_FORM = {"consent_privacy": "on", "consent_truth": "on"}


@pytest.fixture
def confirmations_queued(settings):
    """The full PDF copies queued for rendering, counted by version: the confirmation
    e-mail follows each one, with it attached (queued only: no PDF is rendered in the
    test's threads)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    pdf_ids: list[int] = []

    def count(sender, task_result, **kwargs):
        if task_result.task.name == "render_version_pdf":
            pdf_ids.append(task_result.kwargs["pdf_id"])

    task_enqueued.connect(count)
    yield QueuedCopies(pdf_ids)
    task_enqueued.disconnect(count)


class QueuedCopies:
    """Compares equal to {version id: number of full copies queued}."""

    def __init__(self, pdf_ids: list[int]):
        self.pdf_ids = pdf_ids

    def counts(self) -> Counter:
        kinds = dict(VersionPdf.objects.filter(pk__in=self.pdf_ids).values_list("pk", "kind"))
        versions = dict(
            VersionPdf.objects.filter(pk__in=self.pdf_ids).values_list("pk", "version_id")
        )
        return Counter(
            versions[pdf_id] for pdf_id in self.pdf_ids if kinds.get(pdf_id) == VersionPdfKind.FULL
        )

    def __eq__(self, other) -> bool:
        return self.counts() == other

    def __repr__(self) -> str:
        return repr(self.counts())


class Together:
    """Jobs in threads released at the same moment, each with its own database connection."""

    def __init__(self, *jobs):
        self.results: list = [None] * len(jobs)
        barrier = threading.Barrier(len(jobs))

        def run(number, job):
            try:
                barrier.wait(timeout=10)
                self.results[number] = job()
            except Exception as exc:  # handed to the test, which asserts on it
                self.results[number] = exc
            finally:
                connection.close()

        self.threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
        for thread in self.threads:
            thread.start()

    def results_when_done(self) -> list:
        for thread in self.threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in self.threads)
        return self.results


class HeldLock:
    """Another request holding the application's row lock (on SQLite, the database's
    write lock) until the block ends, so that requests queue behind it as in a rush."""

    def __init__(self, application):
        self.application = application
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=self.application.pk)
                self.locked.set()
                self.release.wait(timeout=30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=10)

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def arrival(response) -> datetime:
    """The moment the server says the request arrived (core.middleware)."""
    return datetime.fromisoformat(response["X-Arrived-At"])


@pytest.mark.django_db
def test_budget_saved_again_as_the_browser_sends_it_keeps_its_lines(client):
    """The page offers an empty row below the saved lines; a browser sends its category
    select's first option with it. That untouched row must be ignored, not refused."""
    application = complete_draft()
    lines = list(application.budget_lines.all())
    client.force_login(application.applicant)
    data = {
        "budget-TOTAL_FORMS": str(len(lines) + 1),
        "budget-INITIAL_FORMS": str(len(lines)),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "go": "stay",
    }
    for number, line in enumerate(lines):
        data.update(
            {
                f"budget-{number}-category": line.category,
                f"budget-{number}-item": line.item,
                f"budget-{number}-unit": line.unit,
                f"budget-{number}-quantity": str(line.quantity),
                f"budget-{number}-unit_cost": str(line.unit_cost),
                f"budget-{number}-own_contribution": str(line.own_contribution),
            }
        )
    empty = len(lines)
    data.update(
        {
            f"budget-{empty}-category": "materials",
            f"budget-{empty}-item": "",
            f"budget-{empty}-unit": "",
            f"budget-{empty}-quantity": "",
            f"budget-{empty}-unit_cost": "",
            f"budget-{empty}-own_contribution": "0",
        }
    )
    response = client.post(reverse("applicants:section", args=[application.pk, "budget"]), data)
    assert response.status_code == 302
    assert [line.item for line in application.budget_lines.all()] == [l.item for l in lines]  # noqa: E741 — a budget line


@pytest.mark.django_db(transaction=True)
def test_submit_double_click_makes_one_version_and_both_clicks_land_on_it(confirmations_queued):
    """Two clicks on "submit" (or two tabs) wait for the same lock: one version, one number,
    one e-mail, and neither click is told that the application was not submitted."""
    application = complete_draft()
    path = reverse("applicants:submit", args=[application.pk])
    tabs = [logged_in_client(application.applicant) for _ in range(2)]
    with HeldLock(application):
        clicks = Together(*(lambda tab=tab: tab.post(path, SUBMIT_FORM) for tab in tabs))
        # Time for both clicks to read the draft and queue at the lock. (A slower click
        # finds the application submitted when it comes, which must be answered alike.)
        time.sleep(1)
    answers = clicks.results_when_done()
    assert not [a for a in answers if isinstance(a, Exception)], answers

    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer["Location"] for answer in answers} == {application.get_absolute_url()}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    version = application.versions.get()
    assert version.submitted_at in {arrival(answer) for answer in answers}
    assert application.number_in_call == 1
    assert CallSequence.objects.get(call=application.call).last_number == 1
    assert StatusChange.objects.filter(application=application, new_status="submitted").count() == 1
    assert confirmations_queued == {version.pk: 1}


@pytest.mark.django_db(transaction=True)
def test_submit_arriving_before_the_deadline_is_accepted_after_waiting_past_it():
    """The click arrives in time and waits for the lock until after the deadline: it is
    accepted, stamped with its arrival, which the answer tells."""
    deadline = timezone.now() + timedelta(seconds=1.5)
    call = GrantCallFactory(opens_at=deadline - timedelta(days=30), closes_at=deadline)
    application = complete_draft(call=call)
    client = logged_in_client(application.applicant)
    path = reverse("applicants:submit", args=[application.pk])
    with HeldLock(application):
        click = Together(lambda: client.post(path, SUBMIT_FORM))
        time.sleep(max(0, (deadline - timezone.now()).total_seconds()) + 0.2)
    [answer] = click.results_when_done()
    assert not isinstance(answer, Exception), answer

    assert arrival(answer) < deadline
    assert answer.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.versions.get().submitted_at == arrival(answer)
    moved = StatusChange.objects.get(application=application, new_status="submitted")
    assert moved.at > deadline  # written after the deadline had passed, and still accepted


def test_submit_view_refusing_a_late_click_tells_when_it_arrived(db):
    deadline = timezone.now() - timedelta(milliseconds=1)
    call = GrantCallFactory(opens_at=deadline - timedelta(days=30), closes_at=deadline)
    application = complete_draft(call=call)
    client = logged_in_client(application.applicant)
    response = client.post(reverse("applicants:submit", args=[application.pk]), SUBMIT_FORM)
    assert response.status_code == 400
    assert arrival(response) >= deadline
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference_number is None


# Arrivals around the deadline, in microseconds; the deadline itself is already too late.
OFFSETS = [-2_000_000, -50_000, -1_000, -3, -1, 0, 1, 2, 1_000, 50_000, 2_000_000]


@pytest.mark.django_db(transaction=True)
def test_submit_rush_around_the_deadline_is_judged_by_arrival(confirmations_queued):
    """Many drafts submitted at once, arriving microseconds to seconds either side of the
    deadline, two of them twice (a double click straddling the deadline; two in-time
    clicks). All of it runs after the deadline has passed in real time, in whatever order
    the locks allow: the arrival alone decides, and nothing is lost or numbered twice."""
    deadline = timezone.now() - timedelta(seconds=1)
    call = GrantCallFactory(opens_at=deadline - timedelta(days=30), closes_at=deadline)
    drafts = [complete_draft(call=call, texts={"title": f"Wniosek {n}"}) for n in OFFSETS]
    clicks = [
        (draft, deadline + timedelta(microseconds=offset))
        for draft, offset in zip(drafts, OFFSETS, strict=True)
    ]
    clicks += [
        (drafts[4], deadline + timedelta(microseconds=5)),  # in time at -1 µs, then late
        (drafts[3], deadline - timedelta(microseconds=2)),  # in time at -3 µs and at -2 µs
    ]

    def click(application, arrived_at):
        return lambda: application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=arrived_at,
        )

    results = Together(*(click(draft, at) for draft, at in clicks)).results_when_done()

    assert all(isinstance(r, ApplicationVersion | SubmissionRefused) for r in results), results
    accepted = [r for r in results if isinstance(r, ApplicationVersion)]
    for draft in drafts:
        draft.refresh_from_db()
        in_time = [at for d, at in clicks if d == draft and at < deadline]
        if in_time:
            version = draft.versions.get()
            assert draft.status == ApplicationStatus.SUBMITTED
            assert version.submitted_at in in_time
            assert draft.first_submitted_at == draft.last_submitted_at == version.submitted_at
            assert version.content["title"] == draft.title
        else:
            assert draft.status == ApplicationStatus.DRAFT
            assert not draft.versions.exists()
            assert draft.reference_number is None
            assert draft.summary == TEXTS["summary"]
            assert draft.budget_lines.count() == 2
    submitted = [d for d in drafts if d.status == ApplicationStatus.SUBMITTED]
    assert len(submitted) == len(accepted) == sum(offset < 0 for offset in OFFSETS)
    assert sorted(d.number_in_call for d in submitted) == list(range(1, len(submitted) + 1))
    assert len({d.reference_number for d in submitted}) == len(submitted)
    assert CallSequence.objects.get(call=call).last_number == len(submitted)
    assert confirmations_queued == {version.pk: 1 for version in accepted}

"""The stored PDF copies of submitted versions: rendered once in the task queue, then only served."""

import io
import threading
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
import weasyprint
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import applicants.pdf
from accounts.tests.factories import CoordinatorFactory
from applicants.enums import VersionPdfKind, VersionPdfStatus
from applicants.models import VersionPdf, VersionPdfChange
from applicants.pdf_copies import (
    InvalidPdfTransition,
    version_pdf_render,
    version_pdf_request,
    version_pdf_transition,
    version_pdfs_rerender,
)
from applicants.privacy import account_delete
from applicants.tasks import render_version_pdf, send_submission_confirmation
from applicants.tests.builders import render_waiting_pdf_copies, submitted_application
from applicants.tests.factories import ApplicationFactory
from core.pdf import render_pdf, renderers_stop
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare
from reviews.tests.builders import assign_all, call_with_criteria, reviewers_in_pool

pytestmark = pytest.mark.django_db

FULL, REVIEWER = VersionPdfKind.FULL, VersionPdfKind.REVIEWER
S = VersionPdfStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def renders(monkeypatch):
    """The titles of the application copies rendered during the test (each really renders)."""
    titles = []
    real = applicants.pdf.render_pdf

    def counting(html, **kwargs):
        titles.append(kwargs["title"])
        return real(html, **kwargs)

    monkeypatch.setattr(applicants.pdf, "render_pdf", counting)
    return titles


@pytest.fixture
def no_rendering(monkeypatch):
    """Any render of an application copy fails the test."""

    def refuse(html, **kwargs):
        raise AssertionError("an application copy was rendered")

    monkeypatch.setattr(applicants.pdf, "render_pdf", refuse)


def submitted(capture, **kwargs):
    """An application submitted with the queued work done, as the task worker would."""
    with capture(execute=True):
        return submitted_application(**kwargs)


def copies(application) -> dict[str, VersionPdf]:
    return {pdf.kind: pdf for pdf in VersionPdf.objects.filter(version__application=application)}


def stored_bytes(pdf: VersionPdf) -> bytes:
    with pdf.file.open("rb") as stored:
        return stored.read()


def replace_stored_file(pdf: VersionPdf, content: bytes) -> None:
    storage, name = pdf.file.storage, pdf.file.name
    storage.delete(name)
    assert storage.save(name, ContentFile(content)) == name


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _stuck(*args, **kwargs):
    threading.Event().wait(60)


# --- rendered once, in the task queue ---------------------------------------------------


def test_submission_renders_each_copy_once_in_the_task_queue(
    renders, django_capture_on_commit_callbacks
):
    application = submitted(django_capture_on_commit_callbacks)

    pdfs = copies(application)
    assert {kind: pdf.status for kind, pdf in pdfs.items()} == {
        FULL: S.RENDERED,
        REVIEWER: S.RENDERED,
    }
    assert len(renders) == 2
    full, reviewers = stored_bytes(pdfs[FULL]), stored_bytes(pdfs[REVIEWER])
    assert full.startswith(b"%PDF-") and reviewers.startswith(b"%PDF-") and full != reviewers
    assert pdfs[FULL].size == len(full)
    (message,) = mail.outbox
    assert message.attachments[0][1] == full  # the e-mail attaches the stored file

    # The task again (a retry, a second worker): nothing is rendered or sent twice.
    assert render_version_pdf.call(pdf_id=pdfs[FULL].pk) is False
    assert send_submission_confirmation.call(version_id=pdfs[FULL].version_id) is False
    assert len(renders) == 2
    assert len(mail.outbox) == 1


def test_confirmation_email_waits_for_the_copy_and_never_renders_it(renders):
    application = submitted_application()  # the queued work has not run yet
    version = application.versions.get()

    assert send_submission_confirmation.call(version_id=version.pk) is False
    assert mail.outbox == [] and renders == []

    render_waiting_pdf_copies()
    assert len(renders) == 2
    assert send_submission_confirmation.call(version_id=version.pk) is True
    assert send_submission_confirmation.call(version_id=version.pk) is False
    (message,) = mail.outbox
    assert message.attachments[0][1] == stored_bytes(copies(application)[FULL])
    assert len(renders) == 2


# --- downloads serve the stored files ------------------------------------------------------


@pytest.fixture
def reviewed_application():
    """An application accepted for review, its copies rendered, and a reviewer who declared impartiality."""
    from reviews.tests.builders import accepted_application

    call = call_with_criteria(reviewers_per_application=1)
    application = accepted_application(call)
    render_waiting_pdf_copies()
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
    assignment_declare(assignment=assignment, impartial=True, by=reviewer)
    return application, reviewer


def test_downloads_serve_the_stored_copies_and_never_render(
    client, reviewed_application, no_rendering
):
    application, reviewer = reviewed_application
    pdfs = copies(application)
    # Stand-ins whose bytes no render would ever produce: what is served is what is stored.
    replace_stored_file(pdfs[FULL], b"%PDF-1.7 stored full copy")
    replace_stored_file(pdfs[REVIEWER], b"%PDF-1.7 stored reviewers' copy")

    client.force_login(application.applicant)
    assert (
        downloaded(client.get(reverse("applicants:version_pdf", args=[application.pk, 1])))
        == b"%PDF-1.7 stored full copy"
    )
    client.force_login(CoordinatorFactory())
    assert (
        downloaded(client.get(reverse("applicants_manage:version_pdf", args=[application.pk, 1])))
        == b"%PDF-1.7 stored full copy"
    )
    assert (
        downloaded(
            client.get(reverse("applicants_manage:version_reviewer_pdf", args=[application.pk, 1]))
        )
        == b"%PDF-1.7 stored reviewers' copy"
    )
    client.force_login(reviewer)
    assert (
        downloaded(client.get(reverse("reviews:application_pdf", args=[application.pk])))
        == b"%PDF-1.7 stored reviewers' copy"
    )


def test_download_of_a_copy_not_ready_says_so_politely(client, no_rendering):
    application = submitted_application()  # copies waiting for the worker
    client.force_login(application.applicant)

    response = client.get(reverse("applicants:version_pdf", args=[application.pk, 1]))

    assert response.status_code == 202
    assert response["Retry-After"]
    assert "Kopia PDF wersji 1 jest w przygotowaniu. Odśwież tę stronę za chwilę." in response.text
    detail = client.get(application.get_absolute_url()).text
    assert "Kopia PDF jest w przygotowaniu." in detail


def test_download_of_a_version_stored_before_copies_existed_queues_them(
    client, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()  # its version 1 has no copies, as after an upgrade
    client.force_login(application.applicant)
    url = reverse("applicants:version_pdf", args=[application.pk, 1])

    with django_capture_on_commit_callbacks() as queued:
        response = client.get(url)

    assert response.status_code == 202
    assert copies(application)[FULL].status == S.PENDING
    for enqueue in queued:  # the worker's turn
        enqueue()
    assert copies(application)[FULL].status == S.RENDERED
    assert downloaded(client.get(url)).startswith(b"%PDF-")


# --- bounded renders: a failure is clean, and the coordinator sees it ---------------------


def test_render_past_the_time_limit_fails_cleanly_and_the_coordinator_retries_it(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    render_pdf("<p>Rozgrzewka</p>", title="-")  # the process's warm-up, before the patch
    settings.PDF_RENDER_TIMEOUT = 1
    monkeypatch.setattr(weasyprint.HTML, "render", _stuck)
    renderers_stop()  # renderers forked from now on run the patched render
    coordinator = CoordinatorFactory()

    application = submitted(django_capture_on_commit_callbacks)

    pdfs = copies(application)
    assert {pdf.status for pdf in pdfs.values()} == {S.FAILED}
    assert "longer than 1 s" in pdfs[FULL].error
    # The applicant is told the submission arrived, without the copy ...
    (confirmation,) = [m for m in mail.outbox if m.to == [application.applicant.email]]
    assert confirmation.attachments == []
    # ... and the coordinators that the copies failed, with a link to retry.
    failures = [m for m in mail.outbox if coordinator.email in m.to]
    assert len(failures) == 2
    assert application.reference_number in failures[0].subject
    assert reverse("applicants_manage:detail", args=[application.pk]) in failures[0].body

    client.force_login(coordinator)
    page = client.get(reverse("applicants_manage:detail", args=[application.pk])).text
    retry = reverse("applicants_manage:version_pdf_retry", args=[application.pk, 1, FULL])
    assert "Nie udało się przygotować kopii PDF." in page
    assert f'action="{retry}"' in page

    monkeypatch.undo()
    settings.PDF_RENDER_TIMEOUT = 120  # the real render, however loaded the machine
    renderers_stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    pdfs = copies(application)
    assert (pdfs[FULL].status, pdfs[REVIEWER].status) == (S.RENDERED, S.FAILED)
    assert list(pdfs[FULL].changes.values_list("old_status", "new_status", "by")) == [
        ("", S.PENDING, None),
        (S.PENDING, S.RENDERING, None),
        (S.RENDERING, S.FAILED, None),
        (S.FAILED, S.PENDING, coordinator.pk),
        (S.PENDING, S.RENDERING, None),
        (S.RENDERING, S.RENDERED, None),
    ]
    assert len([m for m in mail.outbox if m.to == [application.applicant.email]]) == 1


def test_retry_is_for_coordinators_only(client, monkeypatch):
    application = submitted_application()
    pdf = copies(application)[FULL]
    version_pdf_transition(pdf, S.RENDERING)
    version_pdf_transition(pdf, S.FAILED, note="test")
    client.force_login(application.applicant)

    response = client.post(
        reverse("applicants_manage:version_pdf_retry", args=[application.pk, 1, FULL])
    )

    assert response.status_code == 403
    pdf.refresh_from_db()
    assert pdf.status == S.FAILED


# --- the state's one owner ---------------------------------------------------------------------


def test_version_pdf_transition_refuses_moves_outside_the_table():
    pdf = copies(submitted_application())[FULL]
    for to in (S.RENDERED, S.FAILED):
        with pytest.raises(InvalidPdfTransition):
            version_pdf_transition(pdf, to)  # pending can only be claimed
    pdf.refresh_from_db()
    assert pdf.status == S.PENDING
    assert not pdf.changes.exclude(old_status="").exists()


def test_abandoned_render_is_queued_again():
    application = submitted_application()
    pdf = version_pdf_transition(copies(application)[FULL], S.RENDERING)  # a worker claimed it ...
    VersionPdf.objects.filter(pk=pdf.pk).update(started_at=timezone.now() - timedelta(hours=1))
    # ... and died; the next download (or render_version_pdfs) takes the claim back.

    pdf = version_pdf_request(version=application.versions.get(), kind=FULL)

    assert pdf.status == S.PENDING
    assert pdf.changes.last().note.startswith("abandoned")
    assert version_pdf_render(pdf_id=pdf.pk).status == S.RENDERED


def test_render_whose_claim_was_taken_back_stores_nothing(monkeypatch, settings):
    application = submitted_application()
    version = application.versions.get()
    real = applicants.pdf.render_pdf

    def render_while_the_snapshot_changes(html, **kwargs):
        version_pdfs_rerender(versions=[version], note="the snapshot changed meanwhile")
        return real(html, **kwargs)

    monkeypatch.setattr(applicants.pdf, "render_pdf", render_while_the_snapshot_changes)
    pdf = copies(application)[FULL]

    assert version_pdf_render(pdf_id=pdf.pk) is None

    pdf.refresh_from_db()
    assert (pdf.status, pdf.file.name) == (S.PENDING, "")
    stored = list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert stored == []  # the stale result was not kept


def test_account_deletion_renders_the_copies_again_without_the_person(
    django_capture_on_commit_callbacks,
):
    application = submitted(django_capture_on_commit_callbacks)
    applicant = application.applicant
    before = copies(application)
    assert applicant.email in text_of(stored_bytes(before[FULL]))

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=applicant)

    after = copies(application)
    assert {pdf.status for pdf in after.values()} == {S.RENDERED}
    for kind in (FULL, REVIEWER):
        assert not before[kind].file.storage.exists(before[kind].file.name)
        text = text_of(stored_bytes(after[kind]))
        assert applicant.email not in text
        assert applicant.full_name not in text


# --- the management command --------------------------------------------------------------


def test_render_version_pdfs_makes_the_missing_copies_and_retries_failed_ones():
    old = ApplicationFactory()  # a version from before copies were stored
    failed = copies(submitted_application())[FULL]
    version_pdf_transition(failed, S.RENDERING)
    version_pdf_transition(failed, S.FAILED, note="test")

    call_command("render_version_pdfs", "--here", "--retry-failed", stdout=io.StringIO())

    assert {pdf.status for pdf in copies(old).values()} == {S.RENDERED}
    assert len(copies(old)) == 2
    failed.refresh_from_db()
    assert failed.status == S.RENDERED
    assert VersionPdfChange.objects.filter(pdf=failed, note__contains="retried").exists()

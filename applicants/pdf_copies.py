"""The stored PDF copies of submitted versions: rendered once in the task queue, then only served.

Each submitted version gets two copies (VersionPdfKind): the full one, for the
applicant and the coordinators, and the reviewers' one, made through
applicants.disclosure. A copy's state moves only through
version_pdf_transition(), along VERSION_PDF_TRANSITIONS:

    pending → rendering → rendered
                        → failed → pending (a coordinator retries)
              rendering → pending (the worker died: abandoned)
    rendered → pending (rendered again from a changed snapshot)

and every move writes a VersionPdfChange row. Side effects run after commit:
a copy that becomes pending is queued for rendering; when the full copy is
rendered or has failed, the submission e-mail goes out (with the copy, or
without it); a failure is e-mailed to the coordinators.

Renders run in the worker, each bounded by core.pdf (its own process, a time
and a memory limit). Nothing here renders in a web request: a page that
asks for a copy that is not ready gets its state, and a missing copy (a
version from before copies were stored) is queued.
"""

import hashlib
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone, translation

from applicants.enums import (
    VERSION_PDF_FINISHED_STATUSES,
    VERSION_PDF_TRANSITIONS,
    VersionPdfKind,
    VersionPdfStatus,
)
from applicants.models import ApplicationVersion, VersionPdf, VersionPdfChange
from core.queue import task_enqueue
from core.states import InvalidMove

logger = logging.getLogger(__name__)

P = VersionPdfStatus

# The reviewers' copies are needed days later: the full copies (and the
# submission e-mails waiting for them) go first during a deadline rush.
RENDER_PRIORITY = {VersionPdfKind.FULL: 0, VersionPdfKind.REVIEWER: -10}
# A claim older than the render's time limit plus this was left by a worker that died.
ABANDONED_AFTER_TIME_LIMIT = timedelta(minutes=5)


class InvalidPdfTransition(InvalidMove):
    """A stored PDF copy was asked to move to a state not allowed from its current one."""

    subject = "A stored PDF copy"


def _delete_file_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def version_pdf_transition(
    pdf: VersionPdf,
    to: str,
    *,
    by=None,
    note: str = "",
    changes: dict | None = None,
    attempt: int | None = None,
) -> VersionPdf:
    """Move a stored copy to state `to` (with field `changes`), record it, and queue what follows.

    The row is locked first. `attempt`, when given, must still be the copy's
    attempt number: a render whose claim was taken back (abandoned, or reset
    because the snapshot changed) cannot store its now stale result.
    Raises InvalidPdfTransition otherwise.
    """
    locked = VersionPdf.objects.select_for_update().get(pk=pdf.pk)
    old = locked.status
    if to not in VERSION_PDF_TRANSITIONS[old] or (
        attempt is not None and locked.attempts != attempt
    ):
        raise InvalidPdfTransition(old, to)
    change = VersionPdfChange.objects.create(
        pdf=locked, old_status=old, new_status=to, by=by, note=note[:2000]
    )
    fields = {"status": to, **(changes or {})}
    if to == P.PENDING and locked.file.name:
        # Rendered again: the old file goes (it may hold what was since anonymised).
        _delete_file_after_commit(locked.file.storage, locked.file.name)
        fields.update(file="", size=None, sha256="", rendered_at=None)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    if expressions := [
        name for name, value in fields.items() if hasattr(value, "resolve_expression")
    ]:
        locked.refresh_from_db(fields=expressions)  # e.g. attempts + 1, computed by the database

    if to == P.PENDING:
        task_enqueue(
            "applicants.tasks.render_version_pdf",
            pdf_id=locked.pk,
            priority=RENDER_PRIORITY[locked.kind],
        )
    if to in VERSION_PDF_FINISHED_STATUSES and locked.kind == VersionPdfKind.FULL:
        # Idempotent: the e-mail is claimed once per version, so a re-render sends nothing.
        task_enqueue("applicants.tasks.send_submission_confirmation", version_id=locked.version_id)
    if to == P.FAILED:
        task_enqueue("applicants.tasks.notify_coordinators_of_pdf_failure", change_id=change.pk)
    return locked


def _create(version: ApplicationVersion, kind: str, *, note: str) -> VersionPdf | None:
    """A new, pending copy of `version` (recorded and queued); None if one exists already."""
    try:
        with transaction.atomic():
            pdf = VersionPdf.objects.create(version=version, kind=kind)
            VersionPdfChange.objects.create(pdf=pdf, old_status="", new_status=P.PENDING, note=note)
            task_enqueue(
                "applicants.tasks.render_version_pdf", pdf_id=pdf.pk, priority=RENDER_PRIORITY[kind]
            )
    except IntegrityError:
        return None
    return pdf


@transaction.atomic
def version_pdfs_create(*, version: ApplicationVersion) -> list[VersionPdf]:
    """Both copies of a just-submitted version, pending; their renders are queued after commit."""
    return [
        pdf
        for kind in VersionPdfKind
        if (pdf := _create(version, kind, note="submitted")) is not None
    ]


def _abandoned_before():
    return (
        timezone.now() - timedelta(seconds=settings.PDF_RENDER_TIMEOUT) - ABANDONED_AFTER_TIME_LIMIT
    )


def _is_abandoned(pdf: VersionPdf) -> bool:
    return (
        pdf.status == P.RENDERING
        and pdf.started_at is not None
        and pdf.started_at < _abandoned_before()
    )


def _take_back(pdf: VersionPdf) -> VersionPdf:
    """An abandoned claim back to pending (queued again); unchanged if someone got there first."""
    try:
        return version_pdf_transition(
            pdf, P.PENDING, note="abandoned: the worker rendering it stopped", attempt=pdf.attempts
        )
    except InvalidPdfTransition:
        return VersionPdf.objects.get(pk=pdf.pk)


def version_pdf_request(*, version: ApplicationVersion, kind: str) -> VersionPdf:
    """The stored copy a download or an e-mail needs, in whatever state it is.

    Renders nothing, and writes only when it must: a copy that does not exist
    yet (a version submitted before copies were stored) is created and queued;
    one whose worker died is queued again. (A plain read otherwise: on SQLite
    every transaction takes the write lock.)
    """
    pdf = VersionPdf.objects.filter(version=version, kind=kind).first()
    if pdf is None:
        pdf = _create(version, kind, note="requested") or VersionPdf.objects.get(
            version=version, kind=kind
        )
    elif _is_abandoned(pdf):
        pdf = _take_back(pdf)
    return pdf


def version_pdfs_request(*, version: ApplicationVersion) -> dict[str, VersionPdf]:
    """Every copy of `version` by kind (see version_pdf_request); uses prefetched `pdfs` if there."""
    found = {pdf.kind: pdf for pdf in version.pdfs.all()}
    return {
        kind: (
            version_pdf_request(version=version, kind=kind)
            if kind not in found or _is_abandoned(found[kind])
            else found[kind]
        )
        for kind in VersionPdfKind
    }


def version_pdf_retry(*, pdf: VersionPdf, by) -> VersionPdf:
    """A coordinator tries a failed copy again: back to pending, queued."""
    return version_pdf_transition(pdf, P.PENDING, by=by, note="retried")


def version_pdfs_rerender(*, versions: Iterable[ApplicationVersion], note: str, by=None) -> int:
    """Render every stored copy of `versions` again (their snapshot changed); returns how many.

    Rendered copies lose their file (deleted after commit), copies being
    rendered lose their claim (their result will not be stored), failed ones
    are retried. Call it in the transaction that changes the snapshots.
    """
    count = 0
    pdfs = VersionPdf.objects.filter(version__in=list(versions)).exclude(status=P.PENDING)
    for pdf in pdfs:
        version_pdf_transition(pdf, P.PENDING, by=by, note=note)
        count += 1
    return count


def _claim(pdf_id: int) -> VersionPdf | None:
    """Take a pending copy for rendering (one worker wins); None if there is nothing to do."""
    pdf = VersionPdf.objects.filter(pk=pdf_id).first()
    if pdf is None:
        return None
    if _is_abandoned(pdf):
        _take_back(pdf)  # queues a fresh render, which does the work
        return None
    if pdf.status != P.PENDING:
        return None
    try:
        return version_pdf_transition(
            pdf,
            P.RENDERING,
            changes={"started_at": timezone.now(), "attempts": F("attempts") + 1, "error": ""},
        )
    except InvalidPdfTransition:
        return None


def _language_for(version: ApplicationVersion, kind: str) -> str:
    """The full copy speaks the applicant's language (as the e-mail it goes with); the reviewers' the site's."""
    applicant = version.application.applicant
    if kind == VersionPdfKind.FULL and applicant is not None and applicant.language:
        return applicant.language
    return settings.LANGUAGE_CODE


def version_pdf_render(*, pdf_id: int) -> VersionPdf | None:
    """Render and store one waiting copy; the copy, rendered or failed, or None if it was not waiting.

    Claims the copy first, so two workers (or a worker and the management
    command) render it once. No transaction is held while rendering. Any
    failure — too slow, too big, a broken template, the storage — ends in
    `failed` with the reason, which the coordinators see and can retry.
    """
    pdf = _claim(pdf_id)
    if pdf is None:
        return None
    from applicants.pdf import (  # WeasyPrint loads only where something renders
        application_version_pdf,
        reviewer_version_pdf,
    )

    version = ApplicationVersion.objects.select_related(
        "application__call", "application__applicant"
    ).get(pk=pdf.version_id)
    pdf.version = version
    language = _language_for(version, pdf.kind)
    render = (
        reviewer_version_pdf if pdf.kind == VersionPdfKind.REVIEWER else application_version_pdf
    )
    stored = ""
    try:
        with translation.override(language):
            content = render(version)
        name = pdf.file.field.generate_filename(pdf, "copy.pdf")
        stored = pdf.file.storage.save(name, ContentFile(content))
        return version_pdf_transition(
            pdf,
            P.RENDERED,
            attempt=pdf.attempts,
            changes={
                "file": stored,
                "language": language,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "rendered_at": timezone.now(),
            },
        )
    except InvalidPdfTransition:
        # Taken back while rendering (abandoned or reset): the result is stale.
        logger.warning("The PDF copy %s was taken back while it rendered; result dropped", pdf)
        if stored:
            pdf.file.storage.delete(stored)
        return None
    except Exception as error:  # every failure is the copy's, reported, never the worker's
        logger.exception("The PDF copy %s could not be rendered", pdf)
        if stored:
            pdf.file.storage.delete(stored)
        reason = str(error) or type(error).__name__
        try:
            return version_pdf_transition(
                pdf, P.FAILED, attempt=pdf.attempts, note=reason, changes={"error": reason[:2000]}
            )
        except InvalidPdfTransition:
            return None


def version_pdfs_sweep(*, retry_failed: bool = False) -> list[int]:
    """Make every stored copy that should exist exist and be on its way; the ids now pending.

    Creates (and queues) the copies of versions that have none (submitted
    before copies were stored), queues abandoned renders again and, with
    `retry_failed`, failed ones. Copies already pending are left to their
    queued task. For the management command and the demo loader.
    """
    ids = []
    missing = (
        ApplicationVersion.objects.annotate(copies=Count("pdfs"))
        .filter(copies__lt=len(VersionPdfKind))
        .select_related("application")
        .order_by("pk")
    )
    for version in missing:
        with transaction.atomic():
            for kind in VersionPdfKind:
                if (pdf := _create(version, kind, note="stored afterwards")) is not None:
                    ids.append(pdf.pk)
    stale = VersionPdf.objects.filter(status=P.RENDERING, started_at__lt=_abandoned_before())
    for pdf in stale:
        with transaction.atomic():
            if _take_back(pdf).status == P.PENDING:
                ids.append(pdf.pk)
    if retry_failed:
        for pdf in VersionPdf.objects.filter(status=P.FAILED):
            with transaction.atomic():
                version_pdf_transition(pdf, P.PENDING, note="retried (render_version_pdfs)")
            ids.append(pdf.pk)
    return ids


def version_pdfs_pending() -> list[int]:
    """The ids of every copy waiting to be rendered, the full copies first."""
    return list(
        VersionPdf.objects.filter(status=P.PENDING)
        .order_by("kind", "pk")  # "full" before "reviewer"
        .values_list("pk", flat=True)
    )


def version_pdf_filename(version: ApplicationVersion) -> str:
    """A copy's download name: the reference number ("/" not allowed in names) and the version."""
    application = version.application
    number = (application.reference_number or str(application.pk)).replace("/", "-")
    return f"{number}-v{version.number}.pdf"

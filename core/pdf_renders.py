"""PDFs a page asks for, rendered by a task worker once and then only served from storage.

A page that needs a PDF made on the spot (a coordinator's preview of a letter
or an agreement) builds the document's HTML, which is quick, and asks for it
here (`pdf_render_request()`); the render itself, the slow part, runs in a
task worker. The page says the PDF is being prepared and refreshes until it is
ready; the download then serves the stored file (the default storage: S3 in
production). No web request renders.

Never twice: a document is found by its key, the SHA-256 of who asked and of
everything that makes it (the HTML, the renderer's options). Asking again for
the same document finds the same row in whatever state it is; the worker
claims a row under its lock (PENDING → RENDERING) before rendering, so a task
queued twice, retried, or run by two workers renders it once.

`rendered_pdf_transition()` alone writes `RenderedPdf.state`, along
RENDERED_PDF_TRANSITIONS, with a RenderedPdfChange row for every move:

    pending → rendering → ready
                        → failed
              rendering → pending (its worker died: queued again)

Stored PDFs are previews: housekeeping deletes them, files with them, after KEEP_FOR.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.enums import RENDERED_PDF_TRANSITIONS, RenderedPdfState
from core.models import RenderedPdf, RenderedPdfChange
from core.queue import task_enqueue
from core.states import InvalidMove

logger = logging.getLogger(__name__)

S = RenderedPdfState
TASK = "core.tasks.render_stored_pdf"
# How long a rendered preview is kept (housekeeping deletes it after).
KEEP_FOR = timedelta(days=1)
# A claim older than the render's time limit plus this was left by a worker that died.
ABANDONED_AFTER_TIME_LIMIT = timedelta(minutes=5)


class InvalidRenderedPdfTransition(InvalidMove):
    """A rendered PDF was asked to move to a state not allowed from its current one."""

    subject = "A rendered PDF"


@transaction.atomic
def rendered_pdf_transition(
    pdf: RenderedPdf, to: str, *, note: str = "", attempt: int | None = None, changes=None
) -> RenderedPdf:
    """Move `pdf` to `to` under its lock, record it, and queue its render on a move to PENDING.

    `attempt`, when given, must still be the row's number of attempts (a worker
    whose claim was taken back meanwhile stores nothing). `changes` are the
    other fields saved with the move. Raises InvalidRenderedPdfTransition.
    """
    locked = RenderedPdf.objects.select_for_update().get(pk=pdf.pk)
    old = locked.state
    if to not in RENDERED_PDF_TRANSITIONS[old] or (
        attempt is not None and locked.attempts != attempt
    ):
        raise InvalidRenderedPdfTransition(old, to)
    RenderedPdfChange.objects.create(pdf=locked, old_state=old, new_state=to, note=note[:2000])
    fields = {"state": to, **(changes or {})}
    if to in (S.READY, S.FAILED):
        fields["html"] = ""  # the document is rendered (or never will be): its source goes
    RenderedPdf.objects.filter(pk=locked.pk).update(**fields)
    locked.refresh_from_db()
    if to == S.PENDING:
        task_enqueue(TASK, rendered_pdf_id=locked.pk)
    return locked


def _key(*, by, html: str, options: dict) -> str:
    source = json.dumps([by.pk if by else None, html, options], sort_keys=True)
    return hashlib.sha256(source.encode()).hexdigest()


def _options(*, title: str, author: str, language: str, timeout: float | None) -> dict:
    return {"title": title, "author": author, "language": language, "timeout": timeout}


def rendered_pdf_stored(
    *,
    html: str,
    by,
    title: str,
    author: str = "Mikrogranty",
    language: str = "pl",
    timeout: float | None = None,
) -> bool:
    """Whether `by` asked for this very document before and a worker has rendered it (it renders)."""
    options = _options(title=title, author=author, language=language, timeout=timeout)
    key = _key(by=by, html=html, options=options)
    return RenderedPdf.objects.filter(key=key, state=S.READY).exists()


def _is_abandoned(pdf: RenderedPdf) -> bool:
    if pdf.state != S.RENDERING or pdf.started_at is None:
        return False
    limit = pdf.options.get("timeout") or settings.PDF_RENDER_TIMEOUT
    return pdf.started_at < timezone.now() - timedelta(seconds=limit) - ABANDONED_AFTER_TIME_LIMIT


def pdf_render_request(
    *,
    html: str,
    title: str,
    filename: str,
    by,
    author: str = "Mikrogranty",
    language: str = "pl",
    timeout: float | None = None,
) -> RenderedPdf:
    """The stored PDF of `html` for `by`: rendered already, or queued for a task worker now.

    Never renders here. The same document asked for again is the same row (and
    the same file, rendered once); one whose worker died is queued again.
    """
    options = _options(title=title, author=author, language=language, timeout=timeout)
    key = _key(by=by, html=html, options=options)
    pdf = RenderedPdf.objects.filter(key=key).first()
    if pdf is None:
        try:
            with transaction.atomic():
                pdf = RenderedPdf.objects.create(
                    key=key, requested_by=by, html=html, options=options, filename=filename
                )
                task_enqueue(TASK, rendered_pdf_id=pdf.pk)
        except IntegrityError:  # the same document asked for twice at once
            pdf = RenderedPdf.objects.get(key=key)
    if _is_abandoned(pdf):
        pdf = _take_back(pdf)
    return pdf


def _take_back(pdf: RenderedPdf) -> RenderedPdf:
    try:
        return rendered_pdf_transition(pdf, S.PENDING, note="taken back from a worker that stopped")
    except InvalidRenderedPdfTransition:
        return RenderedPdf.objects.get(pk=pdf.pk)


def _claim(pdf_id: int) -> RenderedPdf | None:
    """Take a waiting PDF for this worker (one worker wins); None when there is nothing to render."""
    with transaction.atomic():
        pdf = RenderedPdf.objects.select_for_update().filter(pk=pdf_id).first()
        if pdf is None or pdf.state != S.PENDING:
            return None  # ready, being rendered by a twin, failed, or deleted
        return rendered_pdf_transition(
            pdf,
            S.RENDERING,
            changes={"started_at": timezone.now(), "attempts": F("attempts") + 1, "error": ""},
        )


def rendered_pdf_render(*, rendered_pdf_id: int) -> RenderedPdf | None:
    """Render and store one waiting PDF (the task's work); the row, or None if it wasn't waiting.

    No transaction is held while rendering. Any failure (too slow, too big, the
    storage) ends FAILED with the reason, which the page shows.
    """
    pdf = _claim(rendered_pdf_id)
    if pdf is None:
        return None
    from core.pdf import render_pdf  # WeasyPrint loads only where something renders

    options = pdf.options
    stored = ""
    try:
        content = render_pdf(
            pdf.html,
            title=options["title"],
            author=options["author"],
            language=options["language"],
            timeout=options.get("timeout"),
        )
        stored = pdf.file.storage.save(
            pdf.file.field.generate_filename(pdf, "preview.pdf"), ContentFile(content)
        )
        return rendered_pdf_transition(
            pdf,
            S.READY,
            attempt=pdf.attempts,
            changes={"file": stored, "rendered_at": timezone.now()},
        )
    except InvalidRenderedPdfTransition:
        logger.warning("The rendered PDF %s was taken back while it rendered; result dropped", pdf)
        if stored:
            pdf.file.storage.delete(stored)
        return None
    except Exception as error:  # the document's failure, reported on its page, never the worker's
        logger.exception("The PDF %s could not be rendered", pdf)
        if stored:
            pdf.file.storage.delete(stored)
        reason = str(error) or type(error).__name__
        try:
            return rendered_pdf_transition(
                pdf, S.FAILED, attempt=pdf.attempts, note=reason, changes={"error": reason[:2000]}
            )
        except InvalidRenderedPdfTransition:
            return None


def rendered_pdfs_sweep(**kwargs) -> int:
    """Housekeeping: delete previews older than KEEP_FOR (their files after commit), queue
    abandoned renders again. How many were deleted."""
    old = RenderedPdf.objects.filter(created_at__lt=timezone.now() - KEEP_FOR)
    files = [(pdf.file.storage, pdf.file.name) for pdf in old.exclude(file="").only("file")]
    with transaction.atomic():
        deleted = old.exclude(state=S.RENDERING).delete()[1].get(RenderedPdf._meta.label, 0)

        def delete_files() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)
    for pdf in RenderedPdf.objects.filter(state=S.RENDERING).order_by("pk"):
        if _is_abandoned(pdf):
            _take_back(pdf)
    return deleted


# --- Claims on a stored document's PDF ---------------------------------------------------------
# For rows that keep their own PDF (`pdf`) rendered by a task (a settlement, an annex): before it
# renders, a worker claims the row (`pdf_claimed_at`) with one conditional UPDATE, so a task
# queued twice, retried, or run by two workers at once renders the PDF once.


def pdf_claim(rows: QuerySet, *, pk: int) -> bool:
    """Claim the PDF of row `pk` for this worker: whether it is ours to render.

    Not when the PDF is stored, nor while another worker's claim is younger than
    the render's time limit plus ABANDONED_AFTER_TIME_LIMIT (older: that worker died).
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PDF_RENDER_TIMEOUT) - ABANDONED_AFTER_TIME_LIMIT
    free = Q(pdf_claimed_at__isnull=True) | Q(pdf_claimed_at__lt=stale)
    return rows.filter(free, pk=pk, pdf="").update(pdf_claimed_at=now) == 1


def pdf_claim_release(rows: QuerySet, *, pk: int) -> None:
    """Give the claim back (the render failed): the next run of the task renders it."""
    rows.filter(pk=pk).update(pdf_claimed_at=None)

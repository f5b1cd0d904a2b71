"""States shared by every app: the e-mails the task worker sends."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")

    @classmethod
    def erased(cls) -> set["EmailState"]:
        """States in which the message's text is gone and only the record remains."""
        return {cls.SENT, cls.EXPIRED}


# A failed message is tried again (by housekeeping) until it expires; a message
# stuck "sending" (its worker died) is never sent twice, it expires. Sent and
# expired are final.
ALLOWED_EMAIL_TRANSITIONS: dict[EmailState, set[EmailState]] = {
    EmailState.QUEUED: {EmailState.SENDING, EmailState.EXPIRED},
    EmailState.SENDING: {EmailState.SENT, EmailState.FAILED, EmailState.EXPIRED},
    EmailState.FAILED: {EmailState.SENDING, EmailState.EXPIRED},
    EmailState.SENT: set(),
    EmailState.EXPIRED: set(),
}

# Not sent yet (waiting, being sent or failed): given up when too old (core.mail.emails_expire_unsent).
EXPIRABLE_EMAIL_STATES = frozenset(
    state for state, moves in ALLOWED_EMAIL_TRANSITIONS.items() if EmailState.EXPIRED in moves
)


class Role(models.TextChoices):
    """What a person does in the programme; one person may hold several (core.waiting)."""

    COORDINATOR = "coordinator", _("Coordination")
    REVIEWER = "reviewer", _("Your reviews")
    APPLICANT = "applicant", _("Your applications")


class RenderedPdfState(models.TextChoices):
    """A PDF a page asked a task worker for (core.pdf_renders): waiting, being rendered, stored."""

    PENDING = "pending", _("Waiting to be prepared")
    RENDERING = "rendering", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# Rendered once, then only served. A worker that died mid-render leaves RENDERING: it goes
# back to PENDING (queued again). A failed render stays failed: the same document fails again.
RENDERED_PDF_TRANSITIONS: dict[str, set[str]] = {
    RenderedPdfState.PENDING: {RenderedPdfState.RENDERING},
    RenderedPdfState.RENDERING: {
        RenderedPdfState.READY,
        RenderedPdfState.FAILED,
        RenderedPdfState.PENDING,
    },
    RenderedPdfState.READY: set(),
    RenderedPdfState.FAILED: set(),
}

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

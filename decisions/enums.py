"""Outcomes of decisions, kinds of letters, states of letters and e-mails."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionOutcome(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected on merit")
    FORMALLY_REJECTED = "formally_rejected", _("Formally rejected")


class LetterKind(models.TextChoices):
    """One letter template per kind; a reduced award has its own wording."""

    AWARD = "award", _("Award")
    REDUCED_AWARD = "reduced_award", _("Reduced award")
    RESERVE = "reserve", _("Reserve list")
    REJECTION = "rejection", _("Rejection on merit")
    FORMAL_REJECTION = "formal_rejection", _("Formal rejection")


class LetterState(models.TextChoices):
    NONE = "none", _("Not issued")
    QUEUED = "queued", _("Queued")
    ISSUED = "issued", _("Issued")
    FAILED = "failed", _("Failed")


class OutboxState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")

"""States of a grant call and the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Published: visible to everyone. Whether it is "upcoming", "accepting
    # applications" or "past its deadline" follows from the dates (CallPhase).
    OPEN = "open", _("Published")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    DECIDED = "decided", _("Decided")
    ARCHIVED = "archived", _("Archived")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    CallStatus.DRAFT: {CallStatus.OPEN},
    CallStatus.OPEN: {CallStatus.CLOSED},
    CallStatus.CLOSED: {CallStatus.IN_REVIEW, CallStatus.ARCHIVED},
    CallStatus.IN_REVIEW: {CallStatus.DECIDED},
    CallStatus.DECIDED: {CallStatus.ARCHIVED},
    CallStatus.ARCHIVED: set(),
}


class CallPhase(models.TextChoices):
    """What a visitor sees of a call right now (derived, never stored)."""

    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Upcoming")
    ACCEPTING = "accepting", _("Accepting applications")
    CLOSED = "closed", _("Closed")


class FinalScoreRule(models.TextChoices):
    """How an application's final score is formed from its reviews."""

    MEAN_ALL = "mean_all", _("Mean of all reviews")
    CLOSEST_TWO = "closest_two", _("Mean of the two closest reviews")

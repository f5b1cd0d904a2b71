"""Outcomes and states of decisions, kinds of letters, states of letters and e-mails, with the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionOutcome(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected on merit")
    FORMALLY_REJECTED = "formally_rejected", _("Formally rejected")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this outcome (one place for the colours)."""
        return OUTCOME_BADGES[self]


OUTCOME_BADGES = {
    DecisionOutcome.AWARDED: "text-bg-success",
    DecisionOutcome.RESERVE: "text-bg-warning",
    DecisionOutcome.REJECTED: "text-bg-secondary",
    DecisionOutcome.FORMALLY_REJECTED: "text-bg-dark",
}

# The outcomes the committee chooses between on merit (formal rejection has its own table),
# in the order the forms offer them.
MERIT_OUTCOMES = (DecisionOutcome.AWARDED, DecisionOutcome.RESERVE, DecisionOutcome.REJECTED)


class DecisionState(models.TextChoices):
    """Where a decision is in its life: a draft until published; a published award is answered.

    Written only by decisions.services.decision_transition(), which stamps the
    moment of each state (published_at, accepted_at, declined_at, lapsed_at).
    """

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this state (one place for the colours)."""
        return DECISION_STATE_BADGES[self]


D = DecisionState  # a decision's state

DECISION_STATE_BADGES = {
    D.DRAFT: "text-bg-light border",
    D.PUBLISHED: "text-bg-primary",
    D.ACCEPTED: "text-bg-success",
    D.DECLINED: "text-bg-danger",
    D.LAPSED: "text-bg-warning",
}

ALLOWED_DECISION_TRANSITIONS: dict[str, set[str]] = {
    # LAPSED: the application's life ended (withdrawn, formally rejected) before publication.
    D.DRAFT: {D.PUBLISHED, D.LAPSED},
    # PUBLISHED again: a published reserve-list decision is offered the grant (its outcome
    # becomes an award); ACCEPTED and DECLINED answer a published award.
    D.PUBLISHED: {D.PUBLISHED, D.ACCEPTED, D.DECLINED},
    D.ACCEPTED: set(),
    D.DECLINED: set(),
    D.LAPSED: set(),
}

# Published: the applicant reads it (answered or not); nothing in it changes but by an offer.
PUBLISHED_DECISION_STATES = frozenset({D.PUBLISHED, D.ACCEPTED, D.DECLINED})
# An award in these states no longer counts against the call's budget.
RELEASED_DECISION_STATES = frozenset({D.DECLINED, D.LAPSED})


class DecisionLapse(models.TextChoices):
    """Why a draft decision lapsed: its application's life ended before the results were published."""

    WITHDRAWN = "withdrawn", _("The applicant withdrew the application")
    FORMALLY_REJECTED = "formally_rejected", _("The application was formally rejected")


class LetterKind(models.TextChoices):
    """One letter template per kind; a reduced award has its own wording."""

    AWARD = "award", _("Award")
    REDUCED_AWARD = "reduced_award", _("Reduced award")
    RESERVE = "reserve", _("Reserve list")
    REJECTION = "rejection", _("Rejection on merit")
    FORMAL_REJECTION = "formal_rejection", _("Formal rejection")

    @property
    def is_award(self) -> bool:
        """A letter that awards a grant (in full or reduced)."""
        return self in AWARD_LETTER_KINDS


AWARD_LETTER_KINDS = frozenset({LetterKind.AWARD, LetterKind.REDUCED_AWARD})


class LetterReason(models.TextChoices):
    """Why a version of a letter is issued."""

    PUBLICATION = "publication", _("Results published")
    CORRECTION = "correction", _("Corrected letter")
    RESERVE_OFFER = "reserve_offer", _("Offered from the reserve list")


class LetterState(models.TextChoices):
    """Where a letter request is (and, on a decision, where its newest request is)."""

    NONE = "none", _("Not issued")
    QUEUED = "queued", _("Queued")
    ISSUING = "issuing", _("Being issued")
    ISSUED = "issued", _("Issued")
    FAILED = "failed", _("Failed")

    @property
    def badge(self) -> str:
        """The Bootstrap badge class that shows this state."""
        return LETTER_STATE_BADGES[self]


LETTER_STATE_BADGES = {
    LetterState.NONE: "text-bg-light border",
    LetterState.QUEUED: "text-bg-secondary",
    LetterState.ISSUING: "text-bg-info",
    LetterState.ISSUED: "text-bg-success",
    LetterState.FAILED: "text-bg-danger",
}

L = LetterState

# Every path ends ISSUED or FAILED; FAILED goes back to QUEUED only by a retry,
# which issues exactly what failed (the same request: its reason, note and version).
LETTER_TRANSITIONS: dict[str, set[str]] = {
    L.NONE: {L.QUEUED},
    L.QUEUED: {L.ISSUING, L.FAILED},
    # QUEUED again: a worker stopped mid-way (killed, restarted) and the task runs again.
    L.ISSUING: {L.ISSUED, L.FAILED, L.QUEUED},
    L.FAILED: {L.QUEUED},
    L.ISSUED: set(),
}

# A letter request still to be worked on (a retry or a worker will move it on).
LETTER_OPEN_STATES = frozenset({L.QUEUED, L.ISSUING})
# A decision's letter still to come: not yet asked for, or asked for and on its way.
LETTER_TO_COME_STATES = frozenset({L.NONE, *LETTER_OPEN_STATES})


class OutboxState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")

    @property
    def badge(self) -> str:
        return OUTBOX_STATE_BADGES[self]


OUTBOX_STATE_BADGES = {
    OutboxState.QUEUED: "text-bg-secondary",
    OutboxState.SENDING: "text-bg-info",
    OutboxState.SENT: "text-bg-success",
    OutboxState.FAILED: "text-bg-danger",
}

M = OutboxState  # a message's state

OUTBOX_TRANSITIONS: dict[str, set[str]] = {
    M.QUEUED: {M.SENDING},
    # QUEUED again: the coordinator's Resend takes over a message whose worker died mid-send.
    M.SENDING: {M.SENT, M.FAILED, M.QUEUED},
    M.SENT: {M.QUEUED},  # the coordinator's Resend
    M.FAILED: {M.QUEUED},  # the coordinator's Resend after a failure
}

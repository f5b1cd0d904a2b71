"""States of a grant call and the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Published: visible to everyone. Whether it is "upcoming", "accepting
    # applications" or "past its deadline" follows from the dates (CallPhase).
    OPEN = "open", _("Published")
    # Closed early by a coordinator (call_close); a call past its deadline stays "open".
    CLOSED = "closed", _("Closed")
    # Reviewing started after the deadline: the first assignments (reviews.services).
    IN_REVIEW = "in_review", _("In review")
    # The first results were published (decisions.services.results_publish): from
    # then on the call's reviews, scores and ranking are frozen.
    DECIDED = "decided", _("Decided")
    # Put away by a coordinator (call_archive): read-only, listed apart.
    ARCHIVED = "archived", _("Archived")


S = CallStatus

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.OPEN},
    # In review / decided only once the deadline has passed (the services check the dates).
    # Straight to decided when every review was done before the deadline, or when the
    # only decisions are formal rejections.
    S.OPEN: {S.CLOSED, S.IN_REVIEW, S.DECIDED},
    S.CLOSED: {S.IN_REVIEW, S.DECIDED, S.ARCHIVED},
    S.IN_REVIEW: {S.DECIDED},
    S.DECIDED: {S.ARCHIVED},
    S.ARCHIVED: set(),
}

# Published: visible to everyone, applications listed for the coordinators.
PUBLIC_STATUSES = frozenset(s for s in CallStatus if s != S.DRAFT)
# Published results freeze the call's reviews, assignments, declarations and ranking.
REVIEWS_FROZEN_STATUSES = frozenset({S.DECIDED, S.ARCHIVED})
# Statuses from which reviewing can start (first assignments) once the deadline has passed.
REVIEW_START_STATUSES = frozenset(
    s for s, moves in ALLOWED_TRANSITIONS.items() if S.IN_REVIEW in moves
)
# Statuses whose call a coordinator may close early.
CLOSABLE_STATUSES = frozenset(s for s, moves in ALLOWED_TRANSITIONS.items() if S.CLOSED in moves)
# Statuses whose call a coordinator may archive.
ARCHIVABLE_STATUSES = frozenset(
    s for s, moves in ALLOWED_TRANSITIONS.items() if S.ARCHIVED in moves
)


class CallPhase(models.TextChoices):
    """What a visitor sees of a call right now (derived from status and dates, never stored)."""

    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Upcoming")
    ACCEPTING = "accepting", _("Accepting applications")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("Applications in review")
    DECIDED = "decided", _("Results published")
    ARCHIVED = "archived", _("Archived")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this phase (one place for the colours)."""
        return PHASE_BADGES[self]

    @property
    def is_past_deadline(self) -> bool:
        """No longer taking applications: the phases listed as closed calls."""
        return self in PAST_DEADLINE_PHASES

    @property
    def is_accepting(self) -> bool:
        return self == CallPhase.ACCEPTING

    @property
    def is_upcoming(self) -> bool:
        return self == CallPhase.UPCOMING

    @property
    def visitor_note(self) -> str:
        """What the call's public page says of this phase ("" when the dates say it all)."""
        return PHASE_VISITOR_NOTES.get(self, "")


PHASE_BADGES = {
    CallPhase.DRAFT: "text-bg-warning",
    CallPhase.UPCOMING: "text-bg-info",
    CallPhase.ACCEPTING: "text-bg-success",
    CallPhase.CLOSED: "text-bg-secondary",
    CallPhase.IN_REVIEW: "text-bg-primary",
    CallPhase.DECIDED: "text-bg-dark",
    CallPhase.ARCHIVED: "text-bg-light border",
}

PHASE_VISITOR_NOTES = {
    CallPhase.IN_REVIEW: _(
        "The applications are being reviewed. Every applicant will get a decision letter."
    ),
    CallPhase.DECIDED: _("The results are published: applicants have their decision letters."),
    CallPhase.ARCHIVED: _("This call is archived."),
}

PAST_DEADLINE_PHASES = frozenset({CallPhase.CLOSED, CallPhase.IN_REVIEW, CallPhase.DECIDED})


class FinalScoreRule(models.TextChoices):
    """How an application's final score is formed from its reviews."""

    MEAN_ALL = "mean_all", _("Mean of all reviews")
    CLOSEST_TWO = "closest_two", _("Mean of the two closest reviews")

"""Kinds of applicants and the states of an application, with the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Informal group")
    NGO = "ngo", _("Organisation (NGO)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    FORMALLY_REJECTED = "formally_rejected", _("Formally rejected")
    ACCEPTED_FOR_REVIEW = "accepted_for_review", _("Accepted for review")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    # Set when the committee's decisions are published (decisions app).
    AWARDED = "awarded", _("Grant awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Not funded")
    DECLINED = "declined", _("Grant declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this status (one place for the colours)."""
        return APPLICATION_STATUS_BADGES[self]


class HistoryNote(models.TextChoices):
    """What the system writes in an application's history, stored as a code and worded when read.

    The reader's language decides the words: a coordinator working in Polish and an
    applicant reading in English see the same entry in their own language. What a
    person wrote (a withdrawal's reason, the formal check's message) stays as typed.
    Labels may take parameters, stored beside the code (StatusChange.note_params).
    """

    CORRECTED_VERSION = "corrected_version", _("Corrected version %(number)s")
    REVIEWERS_ASSIGNED = "reviewers_assigned", _("Reviewers assigned")
    ALL_REVIEWS_SUBMITTED = "all_reviews_submitted", _("All reviews submitted")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    GRANT_DECLINED = "grant_declined", _("Grant declined")
    OFFERED_FROM_RESERVE = "offered_from_reserve", _("Offered from the reserve list")
    ACCOUNT_DELETED = "account_deleted", _("The applicant deleted their account.")
    ACCOUNT_DELETED_GRANT_DECLINED = (
        "account_deleted_grant_declined",
        _("The applicant deleted their account: the grant is declined."),
    )
    # The team (applicants/team.py): who did it is the row's `by`; names stay out of the
    # note, so an erased account leaves nothing of itself in the others' history.
    TEAM_MEMBER_JOINED = "team_member_joined", _("A team member joined.")
    TEAM_MEMBER_LEFT = "team_member_left", _("A team member left the team.")
    TEAM_MEMBER_REMOVED = "team_member_removed", _("The lead removed a team member.")
    LEAD_HANDED_OVER = "lead_handed_over", _("The lead role was handed over to another member.")

    def worded(self, params: dict | None = None) -> str:
        """The note in the active language, its parameters filled in."""
        return str(self.label) % (params or {}) if params else str(self.label)


S = ApplicationStatus

APPLICATION_STATUS_BADGES = {
    S.DRAFT: "text-bg-warning",
    S.SUBMITTED: "text-bg-primary",
    S.CORRECTION_REQUESTED: "text-bg-danger",
    S.FORMALLY_REJECTED: "text-bg-dark",
    S.ACCEPTED_FOR_REVIEW: "text-bg-success",
    S.IN_REVIEW: "text-bg-success",
    S.REVIEWED: "text-bg-success",
    S.AWARDED: "text-bg-success",
    S.RESERVE: "text-bg-info",
    S.REJECTED: "text-bg-secondary",
    S.DECLINED: "text-bg-secondary",
    S.WITHDRAWN: "text-bg-secondary",
}

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ACCEPTED_FOR_REVIEW, S.CORRECTION_REQUESTED, S.FORMALLY_REJECTED, S.WITHDRAWN},
    S.CORRECTION_REQUESTED: {S.SUBMITTED, S.FORMALLY_REJECTED, S.WITHDRAWN},
    S.FORMALLY_REJECTED: set(),
    S.ACCEPTED_FOR_REVIEW: {S.IN_REVIEW, S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN},
    S.IN_REVIEW: {S.REVIEWED, S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN},
    S.REVIEWED: {S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN},
    S.RESERVE: {S.AWARDED, S.REJECTED},
    S.AWARDED: {S.DECLINED},
    S.REJECTED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}

# The groups of statuses the other modules and the pages ask about: each group is
# spelled out here only (templates ask the Application's properties built on them).

# The applicant may change the working copy only in these states.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.CORRECTION_REQUESTED})
# States in which the applicant may withdraw (any time before a decision).
WITHDRAWABLE_STATUSES = frozenset(
    status for status, moves in ALLOWED_TRANSITIONS.items() if S.WITHDRAWN in moves
)
# States after a submission (what reviewers and coordinators work with).
SUBMITTED_STATUSES = frozenset(s for s in ApplicationStatus if s not in {S.DRAFT, S.WITHDRAWN})
# Accepted in the formal check and not yet decided: reviewers may be given, a decision recorded.
REVIEW_STAGE_STATUSES = frozenset({S.ACCEPTED_FOR_REVIEW, S.IN_REVIEW, S.REVIEWED})
# The decision is published (decisions.services.results_publish moves applications here):
# the applicant reads it, and the application's reviews are frozen even while its call is open.
DECIDED_STATUSES = frozenset({S.AWARDED, S.RESERVE, S.REJECTED, S.DECLINED})


class FormalCheckOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted for review")
    CORRECTION = "correction", _("Correction requested")
    REJECTED = "rejected", _("Formally rejected")


# Formal-check outcomes that must tell the applicant what to correct or why it is rejected.
MESSAGE_REQUIRED_OUTCOMES = frozenset({FormalCheckOutcome.CORRECTION, FormalCheckOutcome.REJECTED})


class BudgetCategory(models.TextChoices):
    MATERIALS = "materials", _("Materials and supplies")
    SERVICES = "services", _("Services")
    EQUIPMENT = "equipment", _("Equipment")
    PROMOTION = "promotion", _("Promotion and printing")
    TRAVEL = "travel", _("Travel and transport")
    CATERING = "catering", _("Catering")
    FEES = "fees", _("Fees and honoraria")
    OTHER = "other", _("Other")


class VersionPdfKind(models.TextChoices):
    """Who a stored PDF copy of a submitted version is for."""

    FULL = "full", _("Full copy (applicant and coordinators)")
    REVIEWER = "reviewer", _("Reviewers' copy (no contact details)")


class VersionPdfStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be prepared")
    RENDERING = "rendering", _("Being prepared")
    RENDERED = "rendered", _("Ready")
    FAILED = "failed", _("Failed")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this state."""
        return VERSION_PDF_STATUS_BADGES[self]


P = VersionPdfStatus

VERSION_PDF_STATUS_BADGES = {
    P.PENDING: "text-bg-secondary",
    P.RENDERING: "text-bg-secondary",
    P.RENDERED: "text-bg-success",
    P.FAILED: "text-bg-danger",
}
# The render has ended, well or not: the submission's confirmation e-mail may go.
VERSION_PDF_FINISHED_STATUSES = frozenset({P.RENDERED, P.FAILED})

VERSION_PDF_TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.RENDERING},
    # Back to PENDING when the worker rendering it died (the claim is abandoned).
    P.RENDERING: {P.RENDERED, P.FAILED, P.PENDING},
    # Rendered again when the snapshot changed under it (an account deleted: anonymised).
    P.RENDERED: {P.PENDING},
    # A coordinator (or render_version_pdfs --retry-failed) tries again.
    P.FAILED: {P.PENDING},
}


class InvitationState(models.TextChoices):
    """An invitation to an application's team (applicants/team.py). Expiry is a moment on the
    row (expires_at), not a state: an expired invitation is a pending one past it."""

    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


INVITATION_TRANSITIONS: dict[str, set[str]] = {
    InvitationState.PENDING: {InvitationState.ACCEPTED, InvitationState.CANCELLED},
    InvitationState.ACCEPTED: set(),
    InvitationState.CANCELLED: set(),
}

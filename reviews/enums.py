"""States of review assignments and reviews, with the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")  # waiting for the declaration of impartiality
    DECLARED = "declared", _("Impartiality declared")
    CONFLICT = "conflict", _("Conflict of interest")  # released: the reviewer won't score it
    REMOVED = "removed", _("Removed by the coordinator")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this status (one place for the colours)."""
        return ASSIGNMENT_STATUS_BADGES[self]


A = AssignmentStatus

# A live assignment shows its progress (ReviewProgress) instead; a released one its status.
ASSIGNMENT_STATUS_BADGES = {
    A.ASSIGNED: "text-bg-secondary",
    A.DECLARED: "text-bg-info",
    A.CONFLICT: "text-bg-dark",
    A.REMOVED: "text-bg-dark",
}

# The moves an assignment may make (reviews.services.assignment_transition is the only writer).
ALLOWED_ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    # The reviewer declares impartiality or a conflict; the coordinator may take it back.
    A.ASSIGNED: {A.DECLARED, A.CONFLICT, A.REMOVED},
    A.DECLARED: {A.REMOVED},
    # Released: a new assignment is made instead, never this one revived.
    A.CONFLICT: set(),
    A.REMOVED: set(),
}

# Assignments that count towards an application's reviewers and a reviewer's load.
# (The groups of applications' statuses the review stage asks about live in applicants.enums.)
ACTIVE_ASSIGNMENT_STATUSES = frozenset({A.ASSIGNED, A.DECLARED})


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


# The moves a review may make (reviews.services.review_transition is the only writer):
# submitted by its reviewer, sent back to them by a coordinator (reopened).
ALLOWED_REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewStatus.DRAFT: {ReviewStatus.SUBMITTED},
    ReviewStatus.SUBMITTED: {ReviewStatus.DRAFT},
}


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    FUND_WITH_CHANGES = "fund_with_changes", _("Fund with changes")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class ReviewProgress(models.TextChoices):
    """Where one assignment stands, as the coordinator's progress page shows it."""

    ASSIGNED = "assigned", _("Assigned")
    DECLARED = "declared", _("Declared")
    DRAFTED = "drafted", _("Drafted")
    SUBMITTED = "submitted", _("Submitted")
    OVERDUE = "overdue", _("Overdue")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this progress (one place for the colours)."""
        return REVIEW_PROGRESS_BADGES[self]


REVIEW_PROGRESS_BADGES = {
    ReviewProgress.ASSIGNED: "text-bg-secondary",
    ReviewProgress.DECLARED: "text-bg-info",
    ReviewProgress.DRAFTED: "text-bg-primary",
    ReviewProgress.SUBMITTED: "text-bg-success",
    ReviewProgress.OVERDUE: "text-bg-danger",
}


class ReviewerTaskState(models.TextChoices):
    """Where one assignment stands for its reviewer, as their dashboard shows it."""

    TO_DECLARE = "to_declare", _("to declare")
    DRAFTING = "drafting", _("drafting")
    SUBMITTED = "submitted", _("submitted")
    # The results were published first: nothing more can be done.
    CLOSED = "closed", _("closed: results published")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this state (one place for the colours)."""
        return REVIEWER_TASK_BADGES[self]

    @property
    def action(self) -> str:
        """What the assignment's button on the dashboard says."""
        return REVIEWER_TASK_ACTIONS.get(self, _("View"))

    @property
    def is_open(self) -> bool:
        """Work is still expected from the reviewer (late past the due date)."""
        return self in OPEN_REVIEWER_TASK_STATES


REVIEWER_TASK_BADGES = {
    ReviewerTaskState.TO_DECLARE: "text-bg-warning",
    ReviewerTaskState.DRAFTING: "text-bg-info",
    ReviewerTaskState.SUBMITTED: "text-bg-success",
    ReviewerTaskState.CLOSED: "text-bg-secondary",
}
REVIEWER_TASK_ACTIONS = {
    ReviewerTaskState.TO_DECLARE: _("Declare"),
    ReviewerTaskState.DRAFTING: _("Score"),
}
OPEN_REVIEWER_TASK_STATES = frozenset({ReviewerTaskState.TO_DECLARE, ReviewerTaskState.DRAFTING})

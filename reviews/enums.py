"""States of review assignments and reviews, with the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.enums import ApplicationStatus


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")  # waiting for the declaration of impartiality
    DECLARED = "declared", _("Impartiality declared")
    CONFLICT = "conflict", _("Conflict of interest")  # released: the reviewer won't score it
    REMOVED = "removed", _("Removed by the coordinator")


A = AssignmentStatus

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
ACTIVE_ASSIGNMENT_STATUSES = {A.ASSIGNED, A.DECLARED}


# Applications that may be given reviewers: accepted in the formal check, not yet decided.
REVIEW_STAGE_STATUSES = (
    ApplicationStatus.ACCEPTED_FOR_REVIEW,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.REVIEWED,
)
# Applications whose decision is published (decisions.services.results_publish moves them
# here): their reviews are frozen even while the call itself is still open.
DECIDED_APPLICATION_STATUSES = {
    ApplicationStatus.AWARDED,
    ApplicationStatus.RESERVE,
    ApplicationStatus.REJECTED,
    ApplicationStatus.DECLINED,
}


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

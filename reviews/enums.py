"""States of review assignments and reviews."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")  # waiting for the declaration of impartiality
    DECLARED = "declared", _("Impartiality declared")
    CONFLICT = "conflict", _("Conflict of interest")  # released: the reviewer won't score it
    REMOVED = "removed", _("Removed by the coordinator")


# Assignments that count towards an application's reviewers and a reviewer's load.
ACTIVE_ASSIGNMENT_STATUSES = {AssignmentStatus.ASSIGNED, AssignmentStatus.DECLARED}


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


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

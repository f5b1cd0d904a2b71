"""Who may do what in the review stage."""

import rules

from accounts.rules import is_coordinator
from reviews.enums import ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus


@rules.predicate
def is_assigned_reviewer(user, assignment) -> bool:
    """The reviewer of an assignment that is still theirs (not released by a conflict or removed)."""
    return (
        assignment is not None
        and user.is_authenticated
        and assignment.reviewer_id == user.pk
        and assignment.status in ACTIVE_ASSIGNMENT_STATUSES
    )


@rules.predicate
def has_declared_impartiality(user, assignment) -> bool:
    return assignment is not None and assignment.status == AssignmentStatus.DECLARED


rules.add_perm("reviews.view_assignment", is_assigned_reviewer)
rules.add_perm("reviews.read_application", is_assigned_reviewer & has_declared_impartiality)
rules.add_perm("reviews.manage_reviews", is_coordinator)

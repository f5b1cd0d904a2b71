"""Writes of the review stage: pools, invitations, assignments, declarations, reviews.

Every change of an assignment's status goes through assignment_transition(), and
every change of a review's status through review_transition(): each checks the
move against its table in reviews.enums, records a ReviewEvent and schedules
the e-mails after the commit. Once the call's results are published (the call is
decided or archived, or the application has its decision), nothing here changes
its reviews any more; review_correct() is the one recorded way to correct one.
"""

from reviews.services.assignments import (
    assignment_add,
    assignment_declare,
    assignment_remove,
    assignment_replace,
    assignments_auto,
    extra_reviewer_add,
)
from reviews.services.pools import (
    invitation_accept,
    invitation_resend,
    invitation_send,
    pool_add,
    pool_invite,
)
from reviews.services.reviewing import (
    review_correct,
    review_problems,
    review_reopen,
    review_save,
    review_submit,
)
from reviews.services.states import (
    ASSIGNMENT_EVENTS,
    REMINDER_BEFORE_DUE,
    REVIEW_EVENTS,
    InvalidAssignmentTransition,
    InvalidReviewTransition,
    NotDeclared,
    ReviewLocked,
    ReviewsFrozen,
    assignment_transition,
    review_transition,
)

__all__ = [
    "ASSIGNMENT_EVENTS",
    "REMINDER_BEFORE_DUE",
    "REVIEW_EVENTS",
    "InvalidAssignmentTransition",
    "InvalidReviewTransition",
    "NotDeclared",
    "ReviewLocked",
    "ReviewsFrozen",
    "assignment_add",
    "assignment_declare",
    "assignment_remove",
    "assignment_replace",
    "assignment_transition",
    "assignments_auto",
    "extra_reviewer_add",
    "invitation_accept",
    "invitation_resend",
    "invitation_send",
    "pool_add",
    "pool_invite",
    "review_correct",
    "review_problems",
    "review_reopen",
    "review_save",
    "review_submit",
    "review_transition",
]

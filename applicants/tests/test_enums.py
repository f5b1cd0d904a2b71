"""The groups of application statuses hold what the pipeline can do with them."""

from applicants.enums import (
    ALLOWED_TRANSITIONS,
    DECIDED_STATUSES,
    REVIEW_STAGE_STATUSES,
    ApplicationStatus,
)

MERIT_OUTCOMES = {ApplicationStatus.AWARDED, ApplicationStatus.RESERVE, ApplicationStatus.REJECTED}


def test_review_stage_statuses_can_each_move_to_every_outcome_on_merit():
    """A decision is recorded for these; publishing it must be allowed to move the application."""
    assert all(ALLOWED_TRANSITIONS[status] >= MERIT_OUTCOMES for status in REVIEW_STAGE_STATUSES)


def test_decided_statuses_are_where_publication_and_declining_lead_and_nothing_leaves_them_but_a_decline():
    reached_by_deciding = {
        to
        for status in REVIEW_STAGE_STATUSES
        for to in ALLOWED_TRANSITIONS[status]
        if to in MERIT_OUTCOMES
    } | {ApplicationStatus.DECLINED}

    assert reached_by_deciding == DECIDED_STATUSES
    assert all(ALLOWED_TRANSITIONS[status] <= DECIDED_STATUSES for status in DECIDED_STATUSES)

"""The history of an application in review reads in the reader's language.

The reviewers' assignment is noted by a Polish-speaking coordinator; an applicant
reading in English sees it in English (applicants/tests/test_history_language.py
covers the codes, the people's own words and the migration of older rows).
"""

import pytest
from django.utils import translation

from applicants.enums import ApplicationStatus, HistoryNote
from applicants.tests.test_history_language import read_in, timeline_text
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review():
    """An application a Polish-speaking coordinator checked and sent to reviewers."""
    call = call_with_criteria()
    with translation.override("pl"):
        application = accepted_application(call)
        reviewers_in_pool(call, 2)
        assign_all(call)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    return application


def test_timeline_in_english_for_an_applicant_who_reads_english(client, in_review):
    client.force_login(in_review.applicant)
    read_in(client, "en")

    timeline = timeline_text(client, in_review)

    assert "Reviewers assigned" in timeline
    assert "In review" in timeline
    assert "Przydzielono recenzentów" not in timeline


def test_timeline_in_polish_for_a_polish_reader_of_the_same_history(client, in_review):
    client.force_login(in_review.applicant)
    read_in(client, "pl")

    timeline = timeline_text(client, in_review)

    assert "Przydzielono recenzentów" in timeline
    assert "Reviewers assigned" not in timeline


def test_history_stores_what_happened_as_a_code_not_words(in_review):
    change = in_review.status_changes.get(new_status=ApplicationStatus.IN_REVIEW)

    assert change.note == ""
    assert change.note_code == HistoryNote.REVIEWERS_ASSIGNED

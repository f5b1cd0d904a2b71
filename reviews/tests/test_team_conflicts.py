"""Nobody reviews an application whose team they are on: the lead nor any editor."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.tests.factories import ApplicationMemberFactory
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db


def test_team_editor_in_the_pool_is_never_assigned_to_their_teams_application():
    call = call_with_criteria(reviewers_per_application=3)  # the whole pool, but the editor
    application = accepted_application(call)
    editor, *others = reviewers_in_pool(call, 3)
    ApplicationMemberFactory(application=application, user=editor)
    assign_all(call)
    assigned = set(
        ReviewAssignment.objects.filter(application=application).values_list("reviewer", flat=True)
    )
    assert assigned == {other.pk for other in others}


def test_team_editor_assigned_by_hand_is_refused():
    from reviews.services import assignment_add

    call = call_with_criteria()
    application = accepted_application(call)
    (editor,) = reviewers_in_pool(call, 1)
    ApplicationMemberFactory(application=application, user=editor)
    with pytest.raises(ValidationError):
        assignment_add(
            application=application,
            reviewer=editor,
            due_at=timezone.now() + timedelta(days=7),
            by=CoordinatorFactory(),
        )
    assert not ReviewAssignment.objects.exists()

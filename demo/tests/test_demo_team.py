"""The demo's shared application: a lead, two editors (one 16 today) and an invitation waiting."""

import pytest
from django.utils import timezone

from applicants.enums import ApplicationStatus, InvitationState
from demo.team import born_years_ago, demo_team
from grants.enums import CallStatus

pytestmark = pytest.mark.django_db


def test_demo_team_is_a_draft_with_a_lead_two_editors_and_a_pending_invitation(loaded_demo):
    team = demo_team()
    assert team.application.status == ApplicationStatus.DRAFT
    assert team.application.call.status == CallStatus.OPEN
    assert team.application.team.count() == 2
    today = timezone.localdate()
    assert team.minor_editor.date_of_birth == born_years_ago(16, today)
    assert team.adult_editor.date_of_birth < born_years_ago(18, today)
    assert team.invitation.state == InvitationState.PENDING
    assert team.invitation.expires_at > timezone.now()

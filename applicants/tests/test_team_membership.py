"""Who is on an application's team: the lead (its applicant) and the editors who joined."""

import pytest

from accounts.tests.factories import UserFactory
from applicants.models import Application
from applicants.selectors import application_team_users
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory

pytestmark = pytest.mark.django_db


def test_of_team_lists_the_lead_and_each_editor_once_and_nobody_else():
    application = ApplicationFactory(draft=True)
    editors = [ApplicationMemberFactory(application=application).user for _ in range(3)]
    stranger = UserFactory()
    ApplicationMemberFactory(user=stranger)  # on another application's team

    for user in [application.applicant, *editors]:
        assert list(Application.objects.of_team(user)) == [application]
    assert not Application.objects.of_team(stranger).filter(pk=application.pk).exists()
    # Editors don't lead: what is the lead's alone (submitting, their data) stays theirs.
    assert not Application.objects.owned_by(editors[0]).exists()


def test_team_users_puts_the_lead_first(django_assert_num_queries):
    application = ApplicationFactory(draft=True)
    editors = [ApplicationMemberFactory(application=application).user for _ in range(2)]
    with django_assert_num_queries(1):
        users = application_team_users(application)
    assert users[0] == application.applicant
    assert set(users[1:]) == set(editors)

"""RODO for teams: "My data" lists the teams a person edits, the export carries them, and
deleting an editor's account takes their membership but leaves the application to its lead."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from applicants.models import Application, ApplicationMember, TeamInvitation
from applicants.privacy import account_delete, personal_data_export
from applicants.team import team_invite
from applicants.tests.builders import complete_draft
from applicants.tests.factories import ApplicationMemberFactory

pytestmark = pytest.mark.django_db


def test_team_my_data_lists_the_teams_the_person_edits(client):
    application = complete_draft(texts={"title": "Rowerowa szkoła"})
    editor = ApplicationMemberFactory(application=application).user
    client.force_login(editor)
    page = client.get(reverse("privacy:overview")).text
    assert "Zespoły, w których pracujesz" in page and "Rowerowa szkoła" in page


def test_team_export_carries_the_membership_and_the_invitation(client):
    application = complete_draft(texts={"title": "Rowerowa szkoła"})
    editor = UserFactory(email="ola@example.org")
    team_invite(application=application, email="ola@example.org", by=application.applicant)
    ApplicationMemberFactory(application=application, user=editor, full_name="Ola Nowak")
    with zipfile.ZipFile(io.BytesIO(personal_data_export(user=editor))) as archive:
        data = json.loads(archive.read("data.json"))
    (membership,) = data["team"]["memberships"]
    assert (membership["application"], membership["full_name"]) == ("Rowerowa szkoła", "Ola Nowak")
    assert [i["email"] for i in data["team"]["invitations_received"]] == ["ola@example.org"]


def test_team_deleting_an_editors_account_keeps_the_application_with_its_lead():
    application = complete_draft(texts={"title": "Rowerowa szkoła"})
    lead = application.applicant
    editor = UserFactory(email="ola@example.org")
    team_invite(application=application, email="ola@example.org", by=lead)
    ApplicationMemberFactory(application=application, user=editor, full_name="Ola Nowak")
    account_delete(user=editor)
    assert not User.objects.filter(pk=editor.pk).exists()
    assert not ApplicationMember.objects.exists()
    assert not TeamInvitation.objects.exists()
    application = Application.objects.get(pk=application.pk)
    assert (application.applicant, application.title) == (lead, "Rowerowa szkoła")


def test_team_account_deletion_page_warns_a_lead_with_a_team(client):
    application = complete_draft(texts={"title": "Rowerowa szkoła"})
    ApplicationMemberFactory(application=application)
    client.force_login(application.applicant)
    page = " ".join(client.get(reverse("privacy:delete")).text.split())
    assert "najpierw przekaż komuś z nich prowadzenie" in page and "Rowerowa szkoła" in page

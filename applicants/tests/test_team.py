"""Shared applications: the lead invites by e-mail, the invited person joins through the link,
editors edit but don't submit, withdraw or answer the decision, the lead hands over, and
nobody outside the team gets anything."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus, HistoryNote, InvitationState
from applicants.models import Application, ApplicationMember, TeamInvitation
from applicants.team import (
    TEAM_MAX_EDITORS,
    TeamRefused,
    lead_hand_over,
    member_remove,
    team_invite,
)
from applicants.tests.builders import complete_draft, profile_for
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

JOIN_LINK = re.compile(r"https?://\S+/applications/join/([\w-]+)/")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _invite(client, application, email) -> str:
    """The lead invites `email` through the Team page; the raw token from the e-mail."""
    client.force_login(application.applicant)
    response = client.post(reverse("applicants:team", args=[application.pk]), {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    message = OutgoingEmail.objects.filter(to__iexact=email).latest("pk")
    return JOIN_LINK.search(message.body).group(1)


def _join(client, user, token, *, born="2009-03-01", name="Ola Nowak"):
    client.force_login(user)
    return client.post(
        reverse("applicants:team_join", args=[token]),
        {"full_name": name, "date_of_birth": born},
    )


def test_team_invitation_link_lets_the_invited_address_join_and_see_the_application(client):
    application = complete_draft(texts={"title": "Ogród na dachu szkoły"})
    invitee = UserFactory(email="ola@example.org")
    token = _invite(client, application, "Ola@Example.org")
    assert TeamInvitation.objects.get().expires_at > timezone.now() + timedelta(days=13)

    client.logout()
    page = client.get(reverse("applicants:team_join", args=[token]))
    assert page.status_code == 200 and 'data-state="login"' in page.text
    assert "next=%2Fapplications%2Fjoin%2F" in page.text  # they come back after logging in

    response = _join(client, invitee, token)
    assert response.status_code == 302
    member = ApplicationMember.objects.get(application=application)
    assert (member.user, member.full_name, member.date_of_birth) == (
        invitee,
        "Ola Nowak",
        date(2009, 3, 1),
    )
    detail = client.get(application.get_absolute_url())
    assert detail.status_code == 200 and "Ogród na dachu szkoły" in detail.text
    listing = client.get(reverse("applicants:my_applications"))
    assert "Ogród na dachu szkoły" in listing.text
    assert application.status_changes.filter(note_code=HistoryNote.TEAM_MEMBER_JOINED).exists()


def test_team_join_with_another_account_says_which_address_to_use(client):
    application = complete_draft()
    token = _invite(client, application, "ola@example.org")
    someone = UserFactory(email="kuba@example.org")
    client.force_login(someone)
    page = client.get(reverse("applicants:team_join", args=[token]))
    assert page.status_code == 200
    assert "ola@example.org" in page.text and 'data-state="wrong_account"' in page.text
    assert _join(client, someone, token).status_code != 302
    assert not ApplicationMember.objects.exists()


@pytest.mark.parametrize("how", ["expired", "cancelled", "used", "resent"])
def test_team_invitation_link_that_cannot_be_used_says_so_and_joins_nobody(client, how):
    application = complete_draft(texts={"title": "Tajny tytuł wniosku"})
    token = _invite(client, application, "ola@example.org")
    invitation = TeamInvitation.objects.get()
    invitee = UserFactory(email="ola@example.org")
    if how == "expired":
        TeamInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif how == "cancelled":
        client.post(
            reverse("applicants:team_invitation_cancel", args=[application.pk, invitation.pk])
        )
    elif how == "used":
        _join(client, invitee, token)
        client.get(reverse("applicants:my_applications"))  # reads the welcome message
        ApplicationMember.objects.all().delete()  # removed since: the link stays used
    elif how == "resent":
        client.post(
            reverse("applicants:team_invitation_resend", args=[application.pk, invitation.pk])
        )
    client.force_login(invitee)
    page = client.get(reverse("applicants:team_join", args=[token]))
    expected = "unknown" if how == "resent" else how
    assert page.status_code in (404, 410)
    assert f'data-state="{expected}"' in page.text
    assert "Tajny tytuł wniosku" not in page.text
    _join(client, invitee, token)
    assert not ApplicationMember.objects.exists()


def test_team_resent_invitation_gives_a_new_link_that_works(client):
    application = complete_draft()
    _invite(client, application, "ola@example.org")
    invitation = TeamInvitation.objects.get()
    TeamInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client.post(reverse("applicants:team_invitation_resend", args=[application.pk, invitation.pk]))
    token = JOIN_LINK.search(OutgoingEmail.objects.latest("pk").body).group(1)
    assert _join(client, UserFactory(email="ola@example.org"), token).status_code == 302
    assert ApplicationMember.objects.filter(application=application).count() == 1


def test_team_is_limited_to_nine_editors():
    application = ApplicationFactory(draft=True)
    for n in range(TEAM_MAX_EDITORS):
        team_invite(
            application=application, email=f"osoba{n}@example.org", by=application.applicant
        )
    with pytest.raises(TeamRefused):
        team_invite(
            application=application, email="dziesiata@example.org", by=application.applicant
        )


def test_team_editor_edits_a_section_but_cannot_submit_withdraw_or_change_the_team(client):
    application = complete_draft()
    editor = ApplicationMemberFactory(application=application).user
    client.force_login(editor)
    saved = client.post(
        reverse("applicants:section", args=[application.pk, "basics"]),
        {"title": "Tytuł od redaktorki", "summary": application.summary, "go": "stay"},
    )
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.title == "Tytuł od redaktorki"

    submit = reverse("applicants:submit", args=[application.pk])
    assert client.get(submit).status_code == 200  # they see what is missing
    assert client.post(submit, {}).status_code == 403
    assert client.get(reverse("applicants:withdraw", args=[application.pk])).status_code == 403
    assert client.post(reverse("applicants:withdraw", args=[application.pk])).status_code == 403
    invite = client.post(
        reverse("applicants:team", args=[application.pk]), {"email": "x@example.org"}
    )
    assert invite.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not TeamInvitation.objects.exists()


def test_team_editor_leaves_and_sees_nothing_more(client):
    application = complete_draft()
    editor = ApplicationMemberFactory(application=application).user
    client.force_login(editor)
    client.post(reverse("applicants:team_leave", args=[application.pk]))
    assert not ApplicationMember.objects.exists()
    assert client.get(application.get_absolute_url()).status_code == 404


def test_team_hand_over_makes_the_editor_lead_and_the_lead_an_editor(client):
    application = complete_draft()
    old_lead = application.applicant
    member = ApplicationMemberFactory(application=application)
    profile_for(member.user)
    client.force_login(old_lead)
    confirm = reverse("applicants:team_hand_over", args=[application.pk, member.pk])
    assert client.get(confirm).status_code == 200
    assert Application.objects.get(pk=application.pk).applicant == old_lead  # asked first
    client.post(confirm)
    application.refresh_from_db()
    assert application.applicant == member.user
    assert list(application.team.values_list("user", flat=True)) == [old_lead.pk]
    # Now the old lead may not submit, the new one may.
    submit = reverse("applicants:submit", args=[application.pk])
    assert client.post(submit, {}).status_code == 403


def test_team_hand_over_refused_when_the_editor_already_leads_an_application_in_the_call():
    application = complete_draft()
    member = ApplicationMemberFactory(application=application)
    profile_for(member.user)
    ApplicationFactory(call=application.call, applicant=member.user, draft=True)
    with pytest.raises(TeamRefused, match="prowadzi już inny wniosek w tym naborze"):
        lead_hand_over(application=application, member=member, by=application.applicant)
    application.refresh_from_db()
    assert application.team.get().user == member.user


def test_team_hand_over_refused_for_an_editor_without_an_applicant_profile():
    application = complete_draft()
    member = ApplicationMemberFactory(application=application)
    with pytest.raises(TeamRefused, match="nie ma jeszcze profilu wnioskodawcy"):
        lead_hand_over(application=application, member=member, by=application.applicant)


def _outsiders(application):
    """Everyone who must get nothing of `application`."""
    other = ApplicationFactory(draft=True)
    other_editor = ApplicationMemberFactory(application=other).user
    removed = ApplicationMemberFactory(application=application)
    member_remove(member=removed, by=application.applicant)
    reviewer = UserFactory()
    from reviews.models import ReviewAssignment

    ReviewAssignment.objects.create(
        application=application,
        call=application.call,
        reviewer=reviewer,
        status="declared",
        due_at=timezone.now() + timedelta(days=7),
    )
    return {
        "anonymous": None,
        "an editor of another application": other_editor,
        "a removed editor": removed.user,
        "a reviewer of the application": reviewer,
        "the lead of another application": other.applicant,
    }


def test_team_pages_give_outsiders_nothing(client):
    application = complete_draft(texts={"title": "Wniosek tylko dla zespołu"})
    member = ApplicationMemberFactory(application=application, full_name="Redaktorka Zespołu")
    invitation = team_invite(
        application=application, email="ktos@example.org", by=application.applicant
    )
    pk = application.pk
    pages = [
        reverse("applicants:application_detail", args=[pk]),
        reverse("applicants:section", args=[pk, "basics"]),
        reverse("applicants:attachments", args=[pk]),
        reverse("applicants:submit", args=[pk]),
        reverse("applicants:withdraw", args=[pk]),
        reverse("applicants:team", args=[pk]),
        reverse("applicants:team_leave", args=[pk]),
        reverse("applicants:team_invitation_resend", args=[pk, invitation.pk]),
        reverse("applicants:team_invitation_cancel", args=[pk, invitation.pk]),
        reverse("applicants:team_member_remove", args=[pk, member.pk]),
        reverse("applicants:team_hand_over", args=[pk, member.pk]),
        reverse("decisions_applicant:decision", args=[pk]),
        reverse("decisions_applicant:answer", args=[pk]),
    ]
    leaks = []
    for label, person in _outsiders(application).items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in pages:
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"email": "zly@example.org"})
                if person is None:
                    ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
                else:
                    ok = response.status_code in (403, 404, 405)
                body = getattr(response, "content", b"").decode()
                if not ok or "Wniosek tylko dla zespołu" in body or "Redaktorka" in body:
                    leaks.append((label, method, url, response.status_code))
    assert leaks == []
    assert application.team.count() == 1
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert TeamInvitation.objects.count() == 1


def test_team_my_applications_shows_the_role_with_fixed_queries(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    profile_for(user)
    led = complete_draft(user=user, texts={"title": "Mój własny wniosek"})
    edited = complete_draft(texts={"title": "Wniosek koleżanki"})
    ApplicationMemberFactory(application=edited, user=user)
    ApplicationMemberFactory(application=led)  # someone edits mine: still one card
    client.force_login(user)
    with django_assert_max_num_queries(14) as few:
        response = client.get(reverse("applicants:my_applications"))
    page = " ".join(response.text.split())
    assert page.count("Mój własny wniosek") >= 1 and "Wniosek koleżanki" in page
    assert page.count("data-role") == 2
    for _ in range(6):
        ApplicationMemberFactory(application=complete_draft(), user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("applicants:my_applications"))
    assert response.text.count("data-role") == 8


def test_team_editor_is_never_assigned_to_review_the_application():
    from reviews.assignment import CandidateApplication, CandidateReviewer, may_review

    application = CandidateApplication(1, applicant_id=10, team_ids=frozenset({11}))
    assert not may_review(application, CandidateReviewer(11), set())
    assert may_review(application, CandidateReviewer(12), set())


def test_team_coordinator_still_sees_the_application(client):
    application = ApplicationFactory()
    ApplicationMemberFactory(application=application)
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("applicants_manage:detail", args=[application.pk])).status_code == 200

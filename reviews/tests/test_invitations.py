"""Finding 9: invitations to review expire, and can't be accepted into a call past its review stage."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory, UserFactory
from core.deadlines import end_of_day
from core.formatting import format_deadline
from grants.enums import CallStatus
from grants.services import call_archive, call_close, call_decide
from reviews.models import Invitation, PoolMember, invitation_expiry
from reviews.services import invitation_accept, invitation_resend, pool_invite
from reviews.tests.builders import call_with_criteria, invitation_link

pytestmark = pytest.mark.django_db

EMAIL = "nowa.recenzentka@example.org"


@pytest.fixture
def inviter():
    return CoordinatorFactory(full_name="Koordynatorka Ewa Zielińska", email="ewa@example.org")


@pytest.fixture
def call():
    return call_with_criteria(title="Klimat na podwórku 2027")


def invite(call, inviter, *, days_ago=0):
    """An invitation sent `days_ago` days ago, as pool_invite sends it, and its e-mail's link."""
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        pool_invite(call=call, emails=[EMAIL], by=inviter)
    invitation = Invitation.objects.get(email=EMAIL)
    (message,) = mail.outbox
    invitation.link = invitation_link(message)
    if days_ago:
        sent = timezone.now() - timedelta(days=days_ago)
        Invitation.objects.filter(pk=invitation.pk).update(
            invited_at=sent, expires_at=invitation_expiry(sent)
        )
        invitation.refresh_from_db()
    return invitation


def decide(call, by):
    call_close(call=call, by=by)
    call_decide(call=call, by=by)
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED


def page(invitation):
    """The invitation page, through the link its e-mail carried."""
    return invitation.link


# --- expiry ---------------------------------------------------------------------------------


def test_invitation_expires_after_the_configured_days(settings, call, inviter):
    settings.REVIEWER_INVITATION_DAYS = 3
    invitation = invite(call, inviter)
    # The end of the third day after today, 23:59 Polish time.
    assert invitation.expires_at == end_of_day(
        timezone.localdate(invitation.invited_at) + timedelta(days=3)
    )


def test_invitation_days_come_from_the_environment(monkeypatch):
    from config import settings as project_settings

    assert project_settings.REVIEWER_INVITATION_DAYS == 14  # the default
    monkeypatch.setenv("MIKROGRANTY_INVITATION_DAYS", "30")
    try:
        assert importlib.reload(project_settings).REVIEWER_INVITATION_DAYS == 30
    finally:
        monkeypatch.delenv("MIKROGRANTY_INVITATION_DAYS")
        importlib.reload(project_settings)


def test_invitation_accept_expired_is_refused(call, inviter):
    invitation = invite(call, inviter, days_ago=15)
    user = UserFactory(email=EMAIL)
    with pytest.raises(ValidationError) as refused:
        invitation_accept(invitation=invitation, user=user)
    assert refused.value.code == "expired"
    assert not PoolMember.objects.filter(call=call).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_accept_within_its_days_joins_the_pool(call, inviter):
    invitation = invite(call, inviter, days_ago=13)
    invitation_accept(invitation=invitation, user=UserFactory(email=EMAIL))
    assert PoolMember.objects.filter(call=call).count() == 1


def test_invitation_page_for_an_expired_invitation_says_so_and_whom_to_ask(client, call, inviter):
    invitation = invite(call, inviter, days_ago=20)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(UserFactory(email=EMAIL))
    response = client.get(page(invitation))
    html = response.content.decode()
    assert "This invitation has expired" in html
    assert "Koordynatorka Ewa Zielińska (ewa@example.org)" in html
    assert "Join the pool" not in html
    response = client.post(page(invitation))
    assert response.status_code == 409
    assert "This invitation has expired" in response.content.decode()
    assert not PoolMember.objects.filter(call=call).exists()


def test_invitation_page_in_polish_by_default(client, call, inviter):
    invitation = invite(call, inviter, days_ago=20)
    html = client.get(page(invitation)).content.decode()
    assert "Zaproszenie wygasło" in html


# --- calls past their review stage ------------------------------------------------------------


def test_invitation_accept_for_a_decided_call_is_refused(call, inviter):
    invitation = invite(call, inviter)
    decide(call, inviter)
    with pytest.raises(ValidationError) as refused:
        invitation_accept(invitation=invitation, user=UserFactory(email=EMAIL))
    assert refused.value.code == "call_closed"
    assert not PoolMember.objects.filter(call=call).exists()


def test_invitation_page_for_a_decided_call_says_it_no_longer_reviews(client, call, inviter):
    invitation = invite(call, inviter)
    decide(call, inviter)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(UserFactory(email=EMAIL))
    html = client.get(page(invitation)).content.decode()
    assert "This call is no longer reviewing applications" in html
    assert "ewa@example.org" in html
    response = client.post(page(invitation))
    assert response.status_code == 409
    assert not PoolMember.objects.filter(call=call).exists()


def test_invitation_accept_for_an_archived_call_is_refused(call, inviter):
    invitation = invite(call, inviter)
    decide(call, inviter)
    call_archive(call=call, by=inviter)
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, user=UserFactory(email=EMAIL))
    assert not PoolMember.objects.exists()


# --- the coordinator sees expired invitations and sends them again ------------------------------


def test_pool_page_lists_expired_invitations_apart_with_a_send_again_button(client, call, inviter):
    expired = invite(call, inviter, days_ago=30)
    pool_invite(call=call, emails=["swieza@example.org"], by=inviter)
    client.force_login(inviter)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(reverse("review_manage:pool", args=[call.pk]))
    assert [i.email for i in response.context["expired_invitations"]] == [EMAIL]
    assert [i.email for i in response.context["invitations"]] == ["swieza@example.org"]
    html = response.content.decode()
    resend_url = reverse("review_manage:invitation_resend", args=[call.pk, expired.pk])
    assert resend_url in html.split('id="expired-invitations-heading"', 1)[1]


def test_invitation_resend_gives_a_fresh_expiry_and_e_mails_the_link(
    client, call, inviter, django_capture_on_commit_callbacks
):
    expired = invite(call, inviter, days_ago=30)
    mail.outbox.clear()
    client.force_login(inviter)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review_manage:invitation_resend", args=[call.pk, expired.pk])
        )
    assert response.status_code == 302
    assert any("is sent again" in str(m) for m in get_messages(response.wsgi_request))
    expired.refresh_from_db()
    assert not expired.is_expired()
    assert expired.expires_at > timezone.now() + timedelta(days=13)
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    client.force_login(UserFactory(email=EMAIL))
    assert client.post(invitation_link(message)).status_code == 302
    assert PoolMember.objects.filter(call=call).exists()


def test_invitation_resend_of_an_accepted_invitation_is_refused(call, inviter):
    invitation = invite(call, inviter)
    invitation_accept(invitation=invitation, user=UserFactory(email=EMAIL))
    with pytest.raises(ValidationError):
        invitation_resend(invitation=invitation, by=inviter)


def test_invitation_resend_for_a_decided_call_is_refused(client, call, inviter):
    invitation = invite(call, inviter, days_ago=30)
    decide(call, inviter)
    client.force_login(inviter)
    response = client.post(
        reverse("review_manage:invitation_resend", args=[call.pk, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.is_expired()


def test_invitation_resend_of_another_calls_invitation_is_404(client, call, inviter):
    invitation = invite(call, inviter, days_ago=30)
    other = call_with_criteria()
    client.force_login(inviter)
    response = client.post(
        reverse("review_manage:invitation_resend", args=[other.pk, invitation.pk])
    )
    assert response.status_code == 404


def test_invitation_email_says_until_when_the_link_works(
    call, inviter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pool_invite(call=call, emails=[EMAIL], by=inviter)
    invitation = Invitation.objects.get(email=EMAIL)
    with translation.override("pl"):
        until = format_deadline(invitation.expires_at)
    (message,) = mail.outbox
    assert f"Link działa do {until}\n" in message.body
    assert until.endswith(" r.")


# --- links: only a hash is stored, a fresh link with every e-mail ---------------------------


def every_stored_text() -> str:
    """Every value of every row the project stores (the task queue too), as one text."""
    values = []
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values_list():
            values.extend(str(value) for value in row)
    return "\n".join(values)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_invitation_token_is_not_stored_anywhere_after_inviting(call, inviter):
    invitation = invite(call, inviter)
    token = token_of(invitation.link)
    assert len(token) >= 40
    stored = every_stored_text()
    assert invitation.token_hash in stored
    assert token not in stored


def test_invitation_link_from_the_email_works_once(client, call, inviter):
    invitation = invite(call, inviter)
    invitee = UserFactory(email=EMAIL)
    client.force_login(invitee)
    assert client.post(page(invitation)).status_code == 302
    assert PoolMember.objects.filter(call=call, reviewer=invitee).exists()
    client.force_login(UserFactory())
    response = client.post(page(invitation))
    assert response.status_code == 409
    assert PoolMember.objects.filter(call=call).count() == 1


def test_invitation_link_sent_before_a_resend_no_longer_works(client, call, inviter):
    invitation = invite(call, inviter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation_resend(invitation=invitation, by=inviter)
    fresh = invitation_link(mail.outbox[-1])
    assert fresh != page(invitation)
    client.force_login(UserFactory(email=EMAIL))
    assert client.get(page(invitation)).status_code == 404
    assert client.post(page(invitation)).status_code == 404
    assert not PoolMember.objects.filter(call=call).exists()
    assert client.post(fresh).status_code == 302
    assert PoolMember.objects.filter(call=call).exists()


def test_invitation_link_sent_before_inviting_the_address_again_no_longer_works(
    client, call, inviter
):
    first = invite(call, inviter)
    second = invite(call, inviter)  # the pool page's "Invite" with the same address
    assert second.pk == first.pk
    assert client.get(page(first)).status_code == 404
    assert client.get(page(second)).status_code == 200

"""A coordinator terminates a grant with a reason; the grantee is told and sees it."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from projects.enums import GrantState
from projects.models import Grant
from projects.termination import TerminationRefused, grant_terminate
from projects.tests.factories import GrantFactory
from projects.tests.progress_rows import grant_at

pytestmark = pytest.mark.django_db

REASON = "Grupa zrezygnowała z projektu: dwie osoby wyjechały na studia."


def terminate_url(grant):
    return reverse("projects_manage:terminate", kwargs={"pk": grant.pk})


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_grant_terminate_records_the_reason_and_who_and_emails_the_grantee(
    django_capture_on_commit_callbacks,
):
    grant = grant_at("sent")
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        grant_terminate(grant=grant, by=coordinator, reason=f"  {REASON}  ")
    grant.refresh_from_db()
    assert grant.state == GrantState.TERMINATED
    assert grant.terminated_reason == REASON
    last = grant.state_changes.last()
    assert (last.new_state, last.by, last.note) == (GrantState.TERMINATED, coordinator, REASON)
    (message,) = mail.outbox
    assert message.to == [grant.application.applicant.email]
    assert grant.reference_number in message.subject
    assert "rozwiązana" in message.subject
    assert REASON in message.body
    assert reverse("projects:grant", kwargs={"pk": grant.pk}) in message.body


def test_grant_terminate_sends_nothing_when_the_transaction_is_undone(
    django_capture_on_commit_callbacks,
):
    grant = GrantFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        grant_terminate(grant=grant, by=CoordinatorFactory(), reason=REASON)
    assert mail.outbox == []  # only after commit
    assert len(callbacks) >= 1


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_grant_terminate_refuses_without_a_reason(reason):
    grant = GrantFactory()
    with pytest.raises(TerminationRefused):
        grant_terminate(grant=grant, by=CoordinatorFactory(), reason=reason)
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE


def test_grant_terminate_refuses_a_grant_already_terminated():
    grant = GrantFactory(state=GrantState.TERMINATED, terminated_reason="Wcześniej.")
    with pytest.raises(TerminationRefused):
        grant_terminate(grant=grant, by=CoordinatorFactory(), reason=REASON)
    assert Grant.objects.get(pk=grant.pk).terminated_reason == "Wcześniej."


def test_terminate_page_asks_for_a_reason_and_a_confirmation(client):
    grant = grant_at("ready")
    client.force_login(CoordinatorFactory())
    page = text(client.get(terminate_url(grant)))
    assert "nie da się tego cofnąć" in page
    response = client.post(terminate_url(grant), {"reason": "  ", "confirm": "on"})
    assert response.status_code == 200
    assert "To pole jest wymagane." in text(response)
    response = client.post(terminate_url(grant), {"reason": REASON})
    assert response.status_code == 200  # not confirmed
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE


def test_terminate_page_terminates_and_the_grantee_sees_why(
    client, django_capture_on_commit_callbacks
):
    grant = grant_at("payment_due")
    client.force_login(CoordinatorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            terminate_url(grant), {"reason": REASON, "confirm": "on"}, follow=True
        )
    page = text(response)
    assert "Umowa jest rozwiązana. Grantobiorca dostanie e-mail." in page
    assert REASON in page
    assert len(mail.outbox) == 1
    # Terminated: the page offers no second termination, and asking again says so.
    assert terminate_url(grant) not in page
    again = client.get(terminate_url(grant), follow=True)
    assert "Ta umowa jest już rozwiązana." in text(again)

    client.force_login(grant.application.applicant)
    grantee_page = text(client.get(reverse("projects:grant", kwargs={"pk": grant.pk})))
    assert "Umowa została rozwiązana" in grantee_page
    assert REASON in grantee_page


@pytest.mark.parametrize("who", ["grantee", "another grantee", "reviewer", "anonymous"])
def test_terminate_page_is_for_coordinators_only(client, who):
    grant = GrantFactory()
    if who == "grantee":
        client.force_login(grant.application.applicant)
    elif who == "another grantee":
        client.force_login(GrantFactory().application.applicant)
    elif who == "reviewer":
        client.force_login(UserFactory())
    get = client.get(terminate_url(grant))
    post = client.post(terminate_url(grant), {"reason": REASON, "confirm": "on"})
    for response in (get, post):
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE
    assert mail.outbox == []


def test_grant_terminate_withdraws_an_agreement_still_out_for_signature():
    from projects.enums import AgreementState
    from projects.termination import grant_terminate
    from projects.tests.progress_rows import grant_at

    grant = grant_at("sent")
    coordinator = CoordinatorFactory()
    grant_terminate(grant=grant, by=coordinator, reason="Grupa się rozwiązała.")
    (agreement,) = grant.agreements.all()
    assert agreement.state == AgreementState.WITHDRAWN
    assert agreement.state_changes.last().note == "Grupa się rozwiązała."

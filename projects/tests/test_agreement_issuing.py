"""Issuing agreements in the task queue: "Send" returns at once, a worker renders; the pages say
"being prepared…", a failure shows its error with a Retry and is e-mailed; a task run twice issues once."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from projects.agreement_issuing import (
    InvalidAgreementRequestTransition,
    agreement_issue,
    agreement_request_issue,
    agreement_request_transition,
)
from projects.agreements import AgreementNotReady
from projects.enums import AgreementRequestState, BankAccountState, GrantState
from projects.models import Agreement, AgreementRequest, AgreementRequestChange
from projects.services import bank_account_transition
from projects.tasks import issue_agreement
from projects.tests.factories import accepted_grant
from projects.tests.test_agreements import ready_grant, stored_text
from projects.tests.test_grant_list import list_url, waiting_cell

pytestmark = pytest.mark.django_db

R = AgreementRequestState


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def coordinator():
    return CoordinatorFactory(email="koordynatorka@example.org")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def grant_page(client, grant) -> str:
    return page_text(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))


def send(client, grant):
    return client.post(reverse("projects_manage:agreement_issue", kwargs={"pk": grant.pk}))


def renderer_fails(monkeypatch, error="Renderer gave up after 120 s"):
    def render(*args, **kwargs):
        raise RuntimeError(error)

    monkeypatch.setattr("projects.agreement_issuing.render_agreement_pdf", render)


# --- "Send" returns at once; the worker renders ---------------------------------------------


def test_send_returns_before_rendering_and_pages_say_the_agreement_is_being_prepared(
    coordinator_client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = send(coordinator_client, grant)

    assert response.status_code == 302
    assert not grant.agreements.exists()  # nothing rendered in the request
    assert "Umowa jest przygotowywana…" in grant_page(coordinator_client, grant)
    assert "Wystaw i wyślij" not in grant_page(coordinator_client, grant)
    listed = coordinator_client.get(list_url(grant.call))
    assert waiting_cell(listed, grant) == "umowa w przygotowaniu…"
    issue_page = page_text(
        coordinator_client.get(reverse("projects_manage:agreement_issue", kwargs={"pk": grant.pk}))
    )
    assert "Umowa jest już przygotowywana." in issue_page

    for callback in queued:  # the worker takes the task
        callback()

    grant.refresh_from_db()
    agreement = grant.agreements.get()
    assert grant.state == GrantState.AGREEMENT_SENT
    assert agreement.number == f"{grant.reference_number}/U1"
    assert f"{grant.reference_number}/U1" in stored_text(agreement)
    page = grant_page(coordinator_client, grant)
    assert "Umowa jest przygotowywana…" not in page
    assert agreement.number in page


def test_grantee_reads_that_their_agreement_is_being_prepared(
    client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    with django_capture_on_commit_callbacks(execute=False):
        agreement_issue(grant=grant, by=CoordinatorFactory())
    client.force_login(grant.application.applicant)
    page = page_text(client.get(grant.get_absolute_url()))
    assert "Przygotowujemy Twoją umowę…" in page


def test_send_twice_while_being_prepared_is_refused_with_a_reason(
    coordinator_client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    with django_capture_on_commit_callbacks(execute=False):
        send(coordinator_client, grant)
        again = send(coordinator_client, grant)
    assert again.status_code == 409
    assert "Umowa jest już przygotowywana." in page_text(again)
    assert AgreementRequest.objects.filter(grant=grant).count() == 1


def test_send_refuses_a_grant_that_isnt_ready_at_once(coordinator_client):
    grant = accepted_grant()
    response = send(coordinator_client, grant)
    assert response.status_code == 409
    assert "Grantobiorca nie podał jeszcze rachunku bankowego." in page_text(response)
    assert not AgreementRequest.objects.filter(grant=grant).exists()


def test_bulk_send_queues_the_ready_grants_and_names_the_others(
    coordinator_client, django_capture_on_commit_callbacks
):
    ready = ready_grant()
    other = ready_grant(call=ready.call)
    not_ready = accepted_grant(call=ready.call)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = coordinator_client.post(
            list_url(ready.call),
            {"action": "send_agreements", "grants": [ready.pk, other.pk, not_ready.pk]},
            follow=True,
        )
    page = page_text(response)
    assert "Przygotowujemy 2 umowy – pójdą do podpisu, gdy będą gotowe." in page
    assert f"{not_ready.reference_number} (" in page
    assert "Grantobiorca nie podał jeszcze rachunku bankowego." in page
    assert waiting_cell(response, ready) == "umowa w przygotowaniu…"
    assert not Agreement.objects.exists()

    for callback in queued:
        callback()

    assert sorted(Agreement.objects.values_list("grant_id", flat=True)) == sorted(
        [ready.pk, other.pk]
    )
    assert set(AgreementRequest.objects.values_list("state", flat=True)) == {R.ISSUED}


# --- A failure: shown, e-mailed, retried --------------------------------------------------


def test_failed_agreement_shows_the_error_and_a_retry_and_emails_the_coordinators(
    coordinator_client, monkeypatch, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    renderer_fails(monkeypatch)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send(coordinator_client, grant)

    grant.refresh_from_db()
    request = AgreementRequest.objects.get(grant=grant)
    assert (request.state, grant.state) == (R.FAILED, GrantState.AGREEMENT_TO_PREPARE)
    page = grant_page(coordinator_client, grant)
    assert "Nie udało się przygotować umowy, więc nie została wysłana." in page
    assert "Renderer gave up after 120 s" in page
    assert "Ponów" in page
    listed = coordinator_client.get(list_url(grant.call))
    assert waiting_cell(listed, grant) == "Koordynatora nie udało się przygotować umowy: ponów"
    (email,) = [m for m in mail.outbox if "koordynatorka@example.org" in m.to]
    assert email.subject.endswith(f"Nie udało się przygotować umowy {grant.reference_number}/U1")
    assert "Renderer gave up after 120 s" in email.body
    assert reverse("projects_manage:grant", kwargs={"pk": grant.pk}) in email.body


def test_retry_after_a_failure_issues_the_same_version(
    coordinator_client, monkeypatch, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    with monkeypatch.context() as patched:
        renderer_fails(patched)
        with django_capture_on_commit_callbacks(execute=True):
            send(coordinator_client, grant)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(coordinator_client, grant)  # the Retry button posts here

    assert response.status_code == 302
    request = AgreementRequest.objects.get(grant=grant)
    agreement = grant.agreements.get()
    assert (request.state, request.agreement_id, request.attempts) == (R.ISSUED, agreement.pk, 2)
    assert agreement.number == f"{grant.reference_number}/U1"
    assert "Nie udało się przygotować umowy" not in grant_page(coordinator_client, grant)
    assert list(request.state_changes.values_list("new_state", flat=True)) == [
        R.QUEUED,
        R.ISSUING,
        R.FAILED,
        R.QUEUED,
        R.ISSUING,
        R.ISSUED,
    ]


def test_worker_checks_readiness_again_and_fails_with_the_reason(
    django_capture_on_commit_callbacks,
):
    grant = ready_grant()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        agreement_issue(grant=grant, by=CoordinatorFactory())
    account = grant.bank_accounts.get()
    bank_account_transition(account, BankAccountState.REPLACED, by=None)  # gone meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    request = AgreementRequest.objects.get(grant=grant)
    grant.refresh_from_db()
    assert request.state == R.FAILED
    assert request.error == "Grantobiorca nie podał jeszcze rachunku bankowego."
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE
    assert not grant.agreements.exists()


# --- Safe to run twice --------------------------------------------------------------------


def test_issue_agreement_task_run_twice_issues_and_emails_once(
    django_capture_on_commit_callbacks,
):
    grant = ready_grant()
    with django_capture_on_commit_callbacks(execute=False):
        request = agreement_issue(grant=grant, by=CoordinatorFactory())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = issue_agreement.call(agreement_request_id=request.pk)
        second = issue_agreement.call(agreement_request_id=request.pk)

    assert first == second == grant.agreements.get().pk
    assert len(mail.outbox) == 2  # the grantee and the signatory, once each
    request.refresh_from_db()
    assert request.attempts == 1


def test_issue_agreement_takes_over_from_a_worker_that_stopped(
    django_capture_on_commit_callbacks,
):
    grant = ready_grant()
    with django_capture_on_commit_callbacks(execute=False):
        request = agreement_issue(grant=grant, by=CoordinatorFactory())
    agreement_request_transition(request, R.ISSUING)  # claimed, then the worker died

    agreement = agreement_request_issue(request_id=request.pk)

    request.refresh_from_db()
    assert (request.state, request.agreement_id, request.attempts) == (R.ISSUED, agreement.pk, 2)
    assert grant.agreements.count() == 1
    assert AgreementRequestChange.objects.filter(request=request, new_state=R.QUEUED).count() == 2


def test_agreement_request_transition_refuses_moves_off_its_table():
    grant = ready_grant()
    request = agreement_issue(grant=grant, by=None)
    with pytest.raises(InvalidAgreementRequestTransition):
        agreement_request_transition(request, R.ISSUED, agreement=None)
    with pytest.raises(InvalidAgreementRequestTransition):
        agreement_request_transition(request, R.QUEUED)
    with pytest.raises(AgreementNotReady):
        agreement_issue(grant=grant, by=None)  # one request at a time

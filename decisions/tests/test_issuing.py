"""Letters and their e-mails: one owner per state, every path ends issued or failed, retry re-issues what failed."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import CoordinatorFactory
from decisions.enums import DecisionOutcome, LetterKind, LetterReason, LetterState, OutboxState
from decisions.issuing import (
    InvalidLetterTransition,
    InvalidOutboxTransition,
    letter_correction_request,
    letter_request_transition,
    outbox_message_transition,
)
from decisions.models import (
    Decision,
    DecisionLetter,
    LetterRequest,
    LetterStateChange,
    OutboxMessage,
    OutboxStateChange,
)
from decisions.services import award_decline, decision_record, results_publish
from decisions.tasks import issue_letter
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

CORRECTION = "Poprawiony numer umowy w piśmie."


@pytest.fixture(autouse=True)
def _media_and_fake_pdf(settings, tmp_path, monkeypatch):
    """Letters rendered in no time (their content is tested in test_letters.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(coordinator)
    return client


@pytest.fixture
def published_award(coordinator, django_capture_on_commit_callbacks):
    """A published award whose first letter was issued and e-mailed."""
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("10000"))
    application = ranked_application(call, score=90)
    decision = decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal("3000"),
        by=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    mail.outbox.clear()
    decision.refresh_from_db()
    assert decision.letter_state == LetterState.ISSUED
    return decision


def render_fails_for(monkeypatch, *, versions, error="Renderer gave up"):
    """The renderer fails for letters of these versions (e.g. /D2), as a broken renderer would."""

    def render(decision, *, language, number, issued_at):
        if any(number.endswith(f"/D{version}") for version in versions):
            raise RuntimeError(error)
        return fake_letter_pdf(decision, language=language, number=number, issued_at=issued_at)

    monkeypatch.setattr("decisions.letters.render_letter_pdf", render)


def render_works(monkeypatch):
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


# --- The confirmed bug: retry after a failed correction or reserve offer ----------------------


def test_letter_retry_reissues_a_failed_correction_with_its_note(
    coordinator_client, published_award, monkeypatch, django_capture_on_commit_callbacks
):
    decision = published_award
    render_fails_for(monkeypatch, versions=[2], error="Renderer gave up on v2")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("decisions:letter_correct", args=[decision.pk]), {"note": CORRECTION}
        )
    decision.refresh_from_db()
    progress = coordinator_client.get(
        reverse("decisions:progress_counts", args=[decision.call_id])
    ).content.decode()
    assert decision.letter_state == LetterState.FAILED
    assert "Renderer gave up on v2" in progress
    assert mail.outbox == []

    render_works(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:retry", args=[decision.pk]))

    decision.refresh_from_db()
    assert decision.letter_state == LetterState.ISSUED
    assert decision.letter_error == ""
    assert list(decision.letters.values_list("version", "note")) == [(1, ""), (2, CORRECTION)]
    (email,) = mail.outbox
    assert email.to == [decision.application.applicant.email]
    assert email.attachments[0][1] == decision.letters.get(version=2).pdf.open("rb").read()


def test_letter_retry_reissues_a_failed_reserve_offer_as_the_award_letter(
    coordinator_client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("3000"))
    awarded, reserve = ranked_application(call, score=90), ranked_application(call, score=70)
    decision_record(
        application=awarded, outcome=DecisionOutcome.AWARDED, amount=Decimal("3000"), by=coordinator
    )
    decision_record(application=reserve, outcome=DecisionOutcome.RESERVE, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    award_decline(decision=Decision.objects.get(application=awarded), by=awarded.applicant)
    decision = Decision.objects.get(application=reserve)
    mail.outbox.clear()
    render_fails_for(monkeypatch, versions=[2])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:offer", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.letter_state == LetterState.FAILED

    render_works(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:retry", args=[decision.pk]))

    decision.refresh_from_db()
    assert decision.letter_state == LetterState.ISSUED
    offer = decision.letters.get(version=2)
    assert offer.kind == LetterKind.AWARD
    with translation.override("en"):
        assert offer.reason_text == "Offered from the reserve list"
    assert decision.letters.get(version=1).kind == LetterKind.RESERVE
    (email,) = mail.outbox
    assert email.to == [reserve.applicant.email]
    assert email.attachments[0][0] == f"{reserve.reference_number.replace('/', '-')}-D2.pdf"


def test_letter_correction_task_carries_the_request_id_not_the_note(
    coordinator_client, published_award, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    decision = published_award

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("decisions:letter_correct", args=[decision.pk]), {"note": CORRECTION}
        )

    (task,) = DBTaskResult.objects.all()
    request = decision.letter_requests.get(version=2)
    assert task.args_kwargs == {"args": [], "kwargs": {"letter_request_id": request.pk}}
    assert CORRECTION not in str(task.args_kwargs)
    assert (request.reason, request.note, request.state) == (
        LetterReason.CORRECTION,
        CORRECTION,
        LetterState.QUEUED,
    )


# --- Crashes mid-way leave something a retry can finish ------------------------------------------


def test_letter_request_issue_failing_after_the_claim_ends_failed_then_retry_issues(
    coordinator_client, published_award, monkeypatch, django_capture_on_commit_callbacks
):
    decision = published_award

    def disk_full(self, name, content, max_length=None):
        raise OSError("No space left on device")

    # The PDF renders; storing it fails, after the worker has claimed the request.
    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.save", disk_full)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("decisions:letter_correct", args=[decision.pk]), {"note": CORRECTION}
        )
    request = decision.letter_requests.get(version=2)
    assert (request.state, request.error) == (LetterState.FAILED, "No space left on device")
    assert request.attempts == 1
    assert not decision.letters.filter(version=2).exists()
    monkeypatch.undo()
    render_works(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:retry", args=[decision.pk]))

    request.refresh_from_db()
    assert (request.state, request.attempts) == (LetterState.ISSUED, 2)
    assert request.letter == decision.letters.get(version=2)
    assert [
        (change.old_state, change.new_state)
        for change in LetterStateChange.objects.filter(request=request)
    ] == [
        ("none", "queued"),
        ("queued", "issuing"),
        ("issuing", "failed"),
        ("failed", "queued"),
        ("queued", "issuing"),
        ("issuing", "issued"),
    ]


def test_letter_task_of_a_killed_worker_is_taken_over_when_it_runs_again(
    coordinator, published_award, monkeypatch, django_capture_on_commit_callbacks
):
    decision = published_award

    def killed(decision, **kwargs):
        raise SystemExit("worker killed")  # not an Exception: nothing in the task can catch it

    monkeypatch.setattr("decisions.letters.render_letter_pdf", killed)
    request = letter_correction_request(decision=decision, note=CORRECTION, by=coordinator)
    with pytest.raises(SystemExit):
        issue_letter.call(letter_request_id=request.pk)
    request.refresh_from_db()
    assert request.state == LetterState.ISSUING  # left as the killed worker left it
    render_works(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        letter_id = issue_letter.call(letter_request_id=request.pk)  # after requeue_stuck_tasks

    request.refresh_from_db()
    assert request.state == LetterState.ISSUED
    assert letter_id == request.letter_id == decision.letters.get(version=2).pk
    assert len(mail.outbox) == 1
    assert issue_letter.call(letter_request_id=request.pk) == letter_id  # once more: nothing new
    assert decision.letters.count() == 2


def test_render_timeout_ends_failed_with_the_error_for_the_coordinator(
    coordinator_client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    class RenderTimeout(Exception):
        """Stands in for the renderer's own timeout exception."""

    def slow(html, **kwargs):
        raise RenderTimeout("Rendering took longer than 30 s and was stopped.")

    monkeypatch.undo()  # the real render_letter_pdf, with a renderer that times out
    monkeypatch.setattr("decisions.letters.render_pdf", slow)
    call = GrantCallFactory(past_deadline=True)
    decision = decision_record(
        application=ranked_application(call, score=60),
        outcome=DecisionOutcome.REJECTED,
        by=coordinator,
    )

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)

    decision.refresh_from_db()
    assert decision.letter_state == LetterState.FAILED
    page = coordinator_client.get(reverse("decisions:progress", args=[call.pk])).content.decode()
    assert "Rendering took longer than 30 s and was stopped." in page
    assert reverse("decisions:retry", args=[decision.pk]) in page


def test_letters_retry_failed_queues_every_failed_letter_of_the_call(
    coordinator_client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    call = GrantCallFactory(past_deadline=True)
    for score in (50, 40, 30):
        decision_record(
            application=ranked_application(call, score=score),
            outcome=DecisionOutcome.REJECTED,
            by=coordinator,
        )
    render_fails_for(monkeypatch, versions=[1])
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    render_works(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:retry_failed", args=[call.pk]))

    assert set(Decision.objects.filter(call=call).values_list("letter_state", flat=True)) == {
        LetterState.ISSUED
    }
    assert DecisionLetter.objects.filter(decision__call=call).count() == 3
    assert len(mail.outbox) == 3


# --- Illegal moves raise ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (LetterState.NONE, LetterState.ISSUED),
        (LetterState.QUEUED, LetterState.ISSUED),
        (LetterState.FAILED, LetterState.ISSUING),
        (LetterState.ISSUED, LetterState.QUEUED),
        (LetterState.ISSUED, LetterState.FAILED),
    ],
)
def test_letter_request_transition_refuses_a_move_the_table_does_not_allow(
    published_award, start, to
):
    request = LetterRequest.objects.create(
        decision=published_award, version=5, reason=LetterReason.CORRECTION, state=start
    )
    letter = published_award.letters.get()

    with pytest.raises(InvalidLetterTransition):
        letter_request_transition(request, to, letter=letter)

    request.refresh_from_db()
    assert request.state == start
    assert not LetterStateChange.objects.filter(request=request).exists()


def test_letter_retry_of_a_letter_that_did_not_fail_changes_nothing(
    coordinator_client, published_award, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = coordinator_client.post(
            reverse("decisions:retry", args=[published_award.pk]), follow=True
        )

    assert callbacks == []
    assert "nothing to retry" in response.content.decode()
    assert published_award.letter_requests.get().state == LetterState.ISSUED


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (OutboxState.QUEUED, OutboxState.SENT),
        (OutboxState.QUEUED, OutboxState.FAILED),
        (OutboxState.SENT, OutboxState.SENDING),
        (OutboxState.FAILED, OutboxState.SENT),
    ],
)
def test_outbox_message_transition_refuses_a_move_the_table_does_not_allow(
    published_award, start, to
):
    message = OutboxMessage.objects.get(decision=published_award)
    OutboxMessage.objects.filter(pk=message.pk).update(state=start)  # arranged: any state
    changes_before = OutboxStateChange.objects.filter(message=message).count()

    with pytest.raises(InvalidOutboxTransition):
        outbox_message_transition(message, to)

    message.refresh_from_db()
    assert message.state == start
    assert OutboxStateChange.objects.filter(message=message).count() == changes_before


# --- E-mails ----------------------------------------------------------------------------------


def test_outbox_failed_send_shows_the_error_and_resend_sends_it(
    coordinator_client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "decisions.tests.test_issuing.RefusingBackend"
    call = GrantCallFactory(past_deadline=True)
    decision = decision_record(
        application=ranked_application(call, score=60),
        outcome=DecisionOutcome.REJECTED,
        by=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    message = OutboxMessage.objects.get(decision=decision)
    assert (message.state, message.error) == (OutboxState.FAILED, "550 Mailbox unavailable")
    page = coordinator_client.get(reverse("decisions:outbox", args=[call.pk])).content.decode()
    assert "550 Mailbox unavailable" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:resend", args=[message.pk]))

    message.refresh_from_db()
    assert (message.state, message.attempts, message.error) == (OutboxState.SENT, 2, "")
    assert [m.to for m in mail.outbox] == [[decision.application.applicant.email]]
    assert list(
        OutboxStateChange.objects.filter(message=message).values_list("new_state", "by")
    ) == [
        ("queued", None),
        ("sending", None),
        ("failed", None),
        ("queued", coordinator.pk),
        ("sending", None),
        ("sent", None),
    ]


class RefusingBackend:
    """An e-mail backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("550 Mailbox unavailable")


def test_publish_with_an_applicant_whose_account_is_gone_issues_the_letter_without_email(
    coordinator, django_capture_on_commit_callbacks
):
    call = GrantCallFactory(past_deadline=True)
    application = ranked_application(call, score=60)
    decision = decision_record(
        application=application, outcome=DecisionOutcome.REJECTED, by=coordinator
    )
    type(application).objects.filter(pk=application.pk).update(applicant=None)

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)

    decision.refresh_from_db()
    assert decision.letter_state == LetterState.ISSUED
    assert decision.letters.count() == 1
    assert not OutboxMessage.objects.filter(decision=decision).exists()

"""The coordinator's decision pages: recording, publishing, letters, the outbox, history."""

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from core.deadlines import deadline_in
from decisions.enums import DecisionOutcome, DecisionState, LetterState, OutboxState
from decisions.models import Decision, DecisionLetter, OutboxMessage, Publication
from decisions.services import award_decline, decision_record
from decisions.tasks import issue_letter, send_decision_email
from grants.tests.factories import GrantCallFactory
from reviews.models import Review, ReviewAssignment
from reviews.ranking_snapshot import ranking_rebuild

pytestmark = pytest.mark.django_db

AWARDED, RESERVE, REJECTED = (
    DecisionOutcome.AWARDED,
    DecisionOutcome.RESERVE,
    DecisionOutcome.REJECTED,
)


# --- Building data fast -------------------------------------------------------------------


def ranked_application(call, *, score, requested="3000.00", **kwargs):
    """A reviewed application with one submitted review of `score` points (its final score)."""
    application = ApplicationFactory(
        call=call,
        status=ApplicationStatus.REVIEWED,
        requested_amount=Decimal(requested),
        **kwargs,
    )
    assignment = ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=UserFactory(),
        status="declared",
        due_at=timezone.now() + timedelta(days=7),
    )
    Review.objects.create(
        assignment=assignment, status="submitted", total=Decimal(score), submitted_at=timezone.now()
    )
    return application


def formally_rejected_application(call, **kwargs):
    return ApplicationFactory(
        call=call,
        status=ApplicationStatus.FORMALLY_REJECTED,
        rejection_reasons="Brak podpisanego oświadczenia.",
        **kwargs,
    )


def fake_letter_pdf(decision, *, language, number, issued_at) -> bytes:
    return f"%PDF-1.7\n% {number} ({language})\n%%EOF\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fake_pdf(monkeypatch):
    """Letters rendered in no time (their content is tested in test_letters.py)."""
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    """A coordinator's browser, in English: the tests read the msgids, whatever is translated."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(coordinator)
    return client


def form_field(application, name) -> str:
    return f"decision-{application.pk}-{name}"


def post_decision(client, application, **fields):
    data = {form_field(application, name): value for name, value in fields.items()}
    return client.post(reverse("decisions:record", args=[application.pk]), data)


def publish_all(client, call, *, public_results=False):
    decisions = Decision.objects.filter(call=call, published_at__isnull=True)
    data = {"decisions": [str(d.pk) for d in decisions]}
    if public_results:
        data["public_results"] = "on"
    return client.post(reverse("decisions:publish", args=[call.pk]), data)


def error_beside(html: str, application, name: str) -> str:
    """The text of the error shown right under one field of a row's form ("" if none)."""
    match = re.search(
        rf'<div class="invalid-feedback d-block" id="id_{form_field(application, name)}-error">(.*?)</div>',
        html,
        re.S,
    )
    return match.group(1).strip() if match else ""


# --- Permissions ----------------------------------------------------------------------------

# Every page and action, with a pk that doesn't exist: the permission comes first,
# so nobody but a coordinator learns even that (a coordinator gets 404).
URLS = [
    ("get", "decisions:call"),
    ("post", "decisions:award_above_line"),
    ("post", "decisions:record"),
    ("get", "decisions:publish"),
    ("post", "decisions:publish"),
    ("get", "decisions:progress"),
    ("get", "decisions:progress_counts"),
    ("post", "decisions:retry"),
    ("post", "decisions:retry_failed"),
    ("get", "decisions:outbox"),
    ("post", "decisions:resend"),
    ("get", "decisions:letters_zip"),
    ("get", "decisions:detail"),
    ("post", "decisions:letter_correct"),
    ("post", "decisions:offer"),
    ("get", "decisions:letter_pdf"),
]


@pytest.mark.parametrize(("method", "name"), URLS)
def test_pages_anonymous_is_sent_to_login(client, method, name):
    response = getattr(client, method)(reverse(name, args=[999999]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "name"), URLS)
def test_pages_refuse_non_coordinators_before_any_lookup(client, method, name):
    client.force_login(UserFactory())

    response = getattr(client, method)(reverse(name, args=[999999]))

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "name"), URLS)
def test_pages_coordinator_gets_not_found_for_unknown_objects(coordinator_client, method, name):
    response = getattr(coordinator_client, method)(reverse(name, args=[999999]))

    assert response.status_code == 404


def test_pages_refuse_reviewers_and_applicants_of_the_call(client, fake_pdf):
    call = GrantCallFactory(past_deadline=True)
    application = ranked_application(call, score=80)
    decision = decision_record(
        application=application, outcome=AWARDED, amount=Decimal("3000"), by=CoordinatorFactory()
    )
    reviewer = ReviewAssignment.objects.get(application=application).reviewer
    for user in (reviewer, application.applicant):
        client.force_login(user)
        assert client.get(reverse("decisions:call", args=[call.pk])).status_code == 403
        assert client.get(reverse("decisions:detail", args=[decision.pk])).status_code == 403


# --- The committee's page: recording decisions ---------------------------------------------


def test_call_page_shows_ranking_budget_and_decisions(coordinator_client, coordinator):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("10000"))
    top = ranked_application(call, score=90)
    ranked_application(call, score=80)
    decision_record(
        application=top,
        outcome=AWARDED,
        amount=Decimal("2500"),
        justification="Mniej na catering.",
        by=coordinator,
    )

    response = coordinator_client.get(reverse("decisions:call", args=[call.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert top.reference_number in html
    assert "10\xa0000,00\xa0zł" in html
    assert re.search(r"data-budget-left>\s*" + re.escape("7\xa0500,00\xa0zł"), html)
    assert "reduced" in html
    assert f'for="id_{form_field(top, "outcome")}"' in html
    assert f"Outcome for {top.reference_number}" in html
    assert "funding-line" in html
    assert html.count('name="csrfmiddlewaretoken"') >= html.count('<form method="post"') > 2


def test_record_award_of_the_requested_amount(coordinator_client, coordinator):
    call = GrantCallFactory(past_deadline=True)
    application = ranked_application(call, score=80)

    response = post_decision(coordinator_client, application, outcome="awarded", amount="3000.00")

    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{application.pk}")
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.amount, decision.decided_by) == (
        AWARDED,
        Decimal("3000.00"),
        coordinator,
    )
    assert not decision.is_published


def test_record_reduced_award_with_justification(coordinator_client):
    application = ranked_application(GrantCallFactory(past_deadline=True), score=80)

    post_decision(
        coordinator_client,
        application,
        outcome="awarded",
        amount="2000",
        justification="Bez cateringu.",
    )

    decision = Decision.objects.get(application=application)
    assert decision.amount == Decimal("2000.00")
    assert decision.is_reduced
    assert decision.justification == "Bez cateringu."


def test_record_reserve_numbers_the_reserve_list_and_keeps_a_place_on_resave(coordinator_client):
    call = GrantCallFactory(past_deadline=True)
    first, second = ranked_application(call, score=70), ranked_application(call, score=65)

    post_decision(coordinator_client, first, outcome="reserve")
    post_decision(coordinator_client, second, outcome="reserve")
    post_decision(coordinator_client, first, outcome="reserve", justification="Pierwsza na liście.")

    assert Decision.objects.get(application=first).reserve_position == 1
    assert Decision.objects.get(application=second).reserve_position == 2
    assert Decision.objects.get(application=first).amount is None


def test_record_rejection_on_merit(coordinator_client):
    application = ranked_application(GrantCallFactory(past_deadline=True), score=40)

    post_decision(
        coordinator_client,
        application,
        outcome="rejected",
        amount="3000",
        justification="Za mało konkretów.",
    )

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.amount) == (REJECTED, None)
    assert decision.justification == "Za mało konkretów."


def test_record_formal_rejection_takes_the_reasons_of_the_formal_check(coordinator_client):
    call = GrantCallFactory(past_deadline=True)
    application = formally_rejected_application(call)

    page = coordinator_client.get(reverse("decisions:call", args=[call.pk])).content.decode()
    response = coordinator_client.post(reverse("decisions:record", args=[application.pk]))

    assert "Record formal rejection" in page
    assert response.status_code == 302
    decision = Decision.objects.get(application=application)
    assert decision.outcome == DecisionOutcome.FORMALLY_REJECTED
    assert decision.justification == "Brak podpisanego oświadczenia."


def test_record_changes_a_draft_decision(coordinator_client):
    application = ranked_application(GrantCallFactory(past_deadline=True), score=80)
    post_decision(coordinator_client, application, outcome="reserve")

    post_decision(coordinator_client, application, outcome="awarded", amount="3000")

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.reserve_position) == (AWARDED, None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"outcome": "awarded", "amount": "3500", "justification": "Więcej!"},
            "amount",
            "more than the requested",
        ),
        (
            {"outcome": "awarded", "amount": "500", "justification": "Mniej."},
            "amount",
            "less than the call",
        ),
        (
            {"outcome": "awarded", "amount": "2000", "justification": ""},
            "justification",
            "lower than requested",
        ),
        (
            {"outcome": "awarded", "amount": "", "justification": "Notatka"},
            "amount",
            "Enter the awarded amount",
        ),
    ],
    ids=["above-requested", "below-minimum", "reduced-without-justification", "no-amount"],
)
def test_record_refusal_is_shown_beside_the_field_and_keeps_what_was_typed(
    coordinator_client, fields, field, message
):
    call = GrantCallFactory(past_deadline=True, min_amount=Decimal("1000"))
    application = ranked_application(call, score=80)

    response = post_decision(coordinator_client, application, **fields)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in error_beside(html, application, field)
    # The error first, then the rules said once above the table.
    assert f'aria-describedby="id_{form_field(application, field)}-error decision-rules"' in html
    if fields["amount"]:
        assert f'value="{fields["amount"]}"' in html
    if fields["justification"]:
        assert f"{fields['justification']}</textarea>" in html
    assert 'value="awarded" selected' in html
    assert not Decision.objects.filter(application=application).exists()


def test_record_over_the_budget_is_refused_beside_the_amount(coordinator_client, coordinator):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("5000"))
    first, second = ranked_application(call, score=90), ranked_application(call, score=80)
    decision_record(application=first, outcome=AWARDED, amount=Decimal("3000"), by=coordinator)

    response = post_decision(
        coordinator_client, second, outcome="awarded", amount="2500", justification="Tyle zostało?"
    )

    html = response.content.decode()
    assert response.status_code == 400
    error = error_beside(html, second, "amount")
    assert "Only" in error
    assert "2\xa0000,00\xa0zł" in error
    assert 'value="2500"' in html
    assert "Tyle zostało?</textarea>" in html
    assert not Decision.objects.filter(application=second).exists()


def test_record_refuses_a_published_decision(coordinator_client, coordinator, fake_pdf):
    call = GrantCallFactory(past_deadline=True)
    application = ranked_application(call, score=80)
    post_decision(coordinator_client, application, outcome="rejected")
    publish_all(coordinator_client, call)

    response = post_decision(coordinator_client, application, outcome="awarded", amount="3000")

    assert response.status_code == 302
    assert Decision.objects.get(application=application).outcome == REJECTED


def test_award_above_line_awards_exactly_the_rows_above_the_line(coordinator_client):
    call = GrantCallFactory(
        past_deadline=True, total_budget=Decimal("10000"), min_score=Decimal("60")
    )
    above = [ranked_application(call, score=score) for score in (90, 80, 70)]
    below = [ranked_application(call, score=65), ranked_application(call, score=50)]

    page = coordinator_client.get(reverse("decisions:call", args=[call.pk])).content.decode()
    response = coordinator_client.post(
        reverse("decisions:award_above_line", args=[call.pk]), follow=True
    )

    assert "Award everything above the funding line" in page
    awarded = Decision.objects.filter(call=call, outcome=AWARDED)
    assert {d.application_id for d in awarded} == {a.pk for a in above}
    assert all(d.amount == Decimal("3000.00") for d in awarded)
    assert not Decision.objects.filter(application__in=below).exists()
    html = response.content.decode()
    assert re.search(r"data-budget-left>\s*" + re.escape("1\xa0000,00\xa0zł"), html)
    assert re.search(r"data-awarded>\s*" + re.escape("9\xa0000,00\xa0zł"), html)


def test_award_above_line_twice_awards_nothing_more(coordinator_client):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("10000"))
    for score in (90, 80):
        ranked_application(call, score=score)
    url = reverse("decisions:award_above_line", args=[call.pk])
    coordinator_client.post(url)

    coordinator_client.post(url)

    assert Decision.objects.filter(call=call, outcome=AWARDED).count() == 2


def test_call_page_shows_next_on_the_reserve_list_when_an_award_was_declined(
    coordinator_client, coordinator, fake_pdf, django_capture_on_commit_callbacks
):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("6000"))
    awarded = [ranked_application(call, score=s) for s in (90, 80)]
    reserve = ranked_application(call, score=70)
    for application in awarded:
        post_decision(coordinator_client, application, outcome="awarded", amount="3000")
    post_decision(coordinator_client, reserve, outcome="reserve")
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=awarded[0])
    award_decline(decision=decision, by=awarded[0].applicant)

    html = coordinator_client.get(reverse("decisions:call", args=[call.pk])).content.decode()

    hint = re.search(r"data-reserve-hint>(.*?)</div>", html, re.S).group(1)
    assert "3\xa0000,00\xa0zł" in hint
    assert reserve.reference_number in hint
    reserve_decision = Decision.objects.get(application=reserve)
    assert reverse("decisions:detail", args=[reserve_decision.pk]) in hint


def _call_with_rows(count: int):
    """A call with `count` ranked applications in every state the page shows, and 3 formally rejected."""
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("1000000"))
    coordinator = CoordinatorFactory()
    now = timezone.now()
    for number in range(count):
        application = ranked_application(call, score=40 + number % 60)
        outcome = [AWARDED, RESERVE, REJECTED, None][number % 4]
        if outcome is None:
            continue
        Decision.objects.create(
            application=application,
            call=call,
            outcome=outcome,
            amount=Decimal("2500") if outcome == AWARDED else None,
            reserve_position=number if outcome == RESERVE else None,
            justification="Uzasadnienie.",
            decided_by=coordinator,
            state=(
                DecisionState.DECLINED
                if number == 0
                else DecisionState.PUBLISHED
                if number % 3 == 0
                else DecisionState.DRAFT
            ),
            published_at=now if number % 3 == 0 else None,
            declined_at=now if number == 0 else None,
        )
    for _ in range(3):
        formally_rejected_application(call)
    # Written past the services: the ranking snapshot is built here, as bulk builders do.
    ranking_rebuild(call_id=call.pk)
    return call


def test_call_page_query_count_does_not_grow_with_the_rows(coordinator_client):
    small, large = _call_with_rows(5), _call_with_rows(60)
    coordinator_client.get(reverse("decisions:call", args=[small.pk]))  # session, caches warm

    with CaptureQueriesContext(connection) as few:
        assert coordinator_client.get(reverse("decisions:call", args=[small.pk])).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = coordinator_client.get(reverse("decisions:call", args=[large.pk]))

    assert response.content.decode().count('class="decision-form"') > 30
    assert len(many) == len(few)
    assert len(many) <= 12


# --- Publishing -----------------------------------------------------------------------------


@pytest.fixture
def decided_call(coordinator):
    """A call with one award (an English-speaking applicant), one reserve, one rejection and one formal rejection."""
    call = GrantCallFactory(past_deadline=True, acceptance_days=10, total_budget=Decimal("10000"))
    awarded = ranked_application(call, score=90, applicant=UserFactory(language="en"))
    reserve = ranked_application(call, score=70, applicant=UserFactory(language="pl"))
    rejected = ranked_application(call, score=30, applicant=UserFactory(language="pl"))
    formal = formally_rejected_application(call, applicant=UserFactory(language="pl"))
    decision_record(application=awarded, outcome=AWARDED, amount=Decimal("3000"), by=coordinator)
    decision_record(application=reserve, outcome=RESERVE, by=coordinator)
    decision_record(application=rejected, outcome=REJECTED, justification="Słabe.", by=coordinator)
    decision_record(application=formal, outcome=DecisionOutcome.FORMALLY_REJECTED, by=coordinator)
    return call, {"awarded": awarded, "reserve": reserve, "rejected": rejected, "formal": formal}


def test_publish_page_lists_the_drafts_all_ticked(coordinator_client, decided_call):
    call, applications = decided_call
    call.public_results = True
    call.save()

    html = coordinator_client.get(reverse("decisions:publish", args=[call.pk])).content.decode()

    for application in applications.values():
        decision = Decision.objects.get(application=application)
        assert re.search(
            rf'name="decisions" value="{decision.pk}" id="publish-{decision.pk}" checked', html
        )
    assert re.search(r'name="public_results"[^>]*checked', html)


def test_publish_moves_applications_issues_letters_and_mails_them(
    coordinator_client, coordinator, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call

    with django_capture_on_commit_callbacks(execute=True):
        response = publish_all(coordinator_client, call, public_results=True)

    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:progress", args=[call.pk])
    statuses = {key: type(a).objects.get(pk=a.pk).status for key, a in applications.items()}
    assert statuses == {
        "awarded": ApplicationStatus.AWARDED,
        "reserve": ApplicationStatus.RESERVE,
        "rejected": ApplicationStatus.REJECTED,
        "formal": ApplicationStatus.FORMALLY_REJECTED,
    }
    award = Decision.objects.get(application=applications["awarded"])
    assert award.published_by == coordinator
    assert award.acceptance_deadline == deadline_in(10, now=award.published_at)
    assert Decision.objects.get(application=applications["reserve"]).acceptance_deadline is None
    call.refresh_from_db()
    assert call.public_results
    assert set(Decision.objects.filter(call=call).values_list("letter_state", flat=True)) == {
        LetterState.ISSUED
    }
    assert DecisionLetter.objects.filter(decision__call=call).count() == 4
    messages = OutboxMessage.objects.filter(decision__call=call)
    assert messages.count() == 4
    assert {m.state for m in messages} == {OutboxState.SENT}
    assert len(mail.outbox) == 4
    for letter in DecisionLetter.objects.filter(decision__call=call).select_related(
        "decision__application__applicant"
    ):
        applicant = letter.decision.application.applicant
        (email,) = [m for m in mail.outbox if m.to == [applicant.email]]
        (attachment,) = email.attachments
        assert attachment[0] == letter.number.replace("/", "-") + ".pdf"
        assert attachment[2] == "application/pdf"
        assert attachment[1] == letter.pdf.open("rb").read()
        assert letter.language == applicant.language
    english = next(m for m in mail.outbox if m.to == [applications["awarded"].applicant.email])
    number = applications["awarded"].reference_number
    assert english.subject == f"[Mikrogranty] Decision on your application {number}"
    assert b"(en)" in english.attachments[0][1]


def test_publish_twice_publishes_nothing_twice(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, _applications = decided_call
    ids = [str(pk) for pk in Decision.objects.filter(call=call).values_list("pk", flat=True)]
    url = reverse("decisions:publish", args=[call.pk])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, {"decisions": ids})

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = coordinator_client.post(url, {"decisions": ids}, follow=True)

    assert response.status_code == 200
    assert callbacks == []
    assert Publication.objects.filter(call=call).count() == 1
    assert DecisionLetter.objects.filter(decision__call=call).count() == 4
    assert len(mail.outbox) == 4


def test_publish_only_the_ticked_decisions(coordinator_client, decided_call, fake_pdf):
    call, applications = decided_call
    award = Decision.objects.get(application=applications["awarded"])

    coordinator_client.post(reverse("decisions:publish", args=[call.pk]), {"decisions": [award.pk]})

    assert list(Decision.objects.filter(call=call, published_at__isnull=False)) == [award]


def test_publish_with_nothing_ticked_says_so_beside_the_list(coordinator_client, decided_call):
    call, _applications = decided_call

    response = coordinator_client.post(
        reverse("decisions:publish", args=[call.pk]), {"public_results": "on"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Tick at least one decision to publish." in html
    assert re.search(r'name="public_results"[^>]*checked', html)
    assert not Decision.objects.filter(call=call, published_at__isnull=False).exists()


def test_retrying_the_tasks_never_duplicates_a_letter_or_an_email(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=applications["awarded"])

    letter = decision.letters.get()
    with django_capture_on_commit_callbacks(execute=True):
        # Run again as a restarted worker would: the letter is returned, the e-mail not re-sent.
        assert issue_letter.call(letter_request_id=decision.letter_requests.get().pk) == letter.pk
        assert send_decision_email.call(message_id=letter.message.pk) is False
        coordinator_client.post(reverse("decisions:retry", args=[decision.pk]))

    assert decision.letters.count() == 1
    assert OutboxMessage.objects.filter(decision=decision).count() == 1
    assert len(mail.outbox) == 4


# --- Letters' progress, retry, outbox -------------------------------------------------------


def test_progress_counts_poll_while_letters_are_left(coordinator_client, decided_call, fake_pdf):
    call, _applications = decided_call
    publish_all(coordinator_client, call)  # the letters are queued, not run (no commit in a test)

    html = coordinator_client.get(
        reverse("decisions:progress_counts", args=[call.pk])
    ).content.decode()

    assert 'data-count="left">4<' in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{reverse("decisions:progress_counts", args=[call.pk])}"' in html
    assert "<html" not in html


def test_progress_counts_stop_polling_when_nothing_is_left_and_list_failures(
    coordinator_client, decided_call, monkeypatch, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    failing = applications["rejected"].reference_number

    def render(decision, *, language, number, issued_at):
        if number.startswith(failing):
            raise RuntimeError("Brak szablonu pisma")
        return fake_letter_pdf(decision, language=language, number=number, issued_at=issued_at)

    monkeypatch.setattr("decisions.letters.render_letter_pdf", render)
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)

    html = coordinator_client.get(
        reverse("decisions:progress_counts", args=[call.pk])
    ).content.decode()
    page = coordinator_client.get(reverse("decisions:progress", args=[call.pk])).content.decode()

    assert 'data-count="done">3<' in html
    assert 'data-count="failed">1<' in html
    assert 'data-count="left">0<' in html
    assert "hx-trigger" not in html
    assert "Brak szablonu pisma" in html
    failed = Decision.objects.get(application=applications["rejected"])
    assert reverse("decisions:retry", args=[failed.pk]) in html
    assert 'id="letter-progress"' in page
    assert "js/progress.js" in page


def test_retry_issues_the_failed_letter_once(
    coordinator_client, decided_call, monkeypatch, django_capture_on_commit_callbacks
):
    call, applications = decided_call

    def broken(decision, **kwargs):
        raise RuntimeError("Brak czcionki")

    monkeypatch.setattr("decisions.letters.render_letter_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=applications["awarded"])
    assert decision.letter_state == LetterState.FAILED
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)
    url = reverse("decisions:retry", args=[decision.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url)

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.letter_state == LetterState.ISSUED
    assert decision.letters.count() == 1
    assert [m.to for m in mail.outbox] == [[applications["awarded"].applicant.email]]


def test_outbox_lists_messages_and_resend_sends_again(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    message = OutboxMessage.objects.get(decision__application=applications["awarded"])

    html = coordinator_client.get(reverse("decisions:outbox", args=[call.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("decisions:resend", args=[message.pk]))

    assert message.to in html
    assert message.letter.number in html
    assert response["Location"] == reverse("decisions:outbox", args=[call.pk])
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.SENT, 2)
    assert len(mail.outbox) == 5
    assert mail.outbox[-1].to == [applications["awarded"].applicant.email]


def test_outbox_query_count_does_not_grow_with_the_messages(
    coordinator_client, coordinator, fake_pdf, django_capture_on_commit_callbacks
):
    calls = []
    for count in (3, 20):
        call = GrantCallFactory(past_deadline=True, total_budget=Decimal("1000000"))
        for _ in range(count):
            decision_record(
                application=ranked_application(call, score=50), outcome=REJECTED, by=coordinator
            )
        with django_capture_on_commit_callbacks(execute=True):
            publish_all(coordinator_client, call)
        calls.append(call)
    coordinator_client.get(reverse("decisions:outbox", args=[calls[0].pk]))

    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(reverse("decisions:outbox", args=[calls[0].pk]))
    with CaptureQueriesContext(connection) as many:
        response = coordinator_client.get(reverse("decisions:outbox", args=[calls[1].pk]))

    assert response.content.decode().count("data-message=") == 20
    assert len(many) == len(few)


# --- The letters page: every issued letter ------------------------------------------------


def letters_page(client, call) -> str:
    return client.get(reverse("decisions:progress", args=[call.pk])).content.decode()


def test_letters_page_lists_every_issued_letter_with_its_pdf_and_decision(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)

    html = letters_page(coordinator_client, call)

    section = html.split('id="issued-letters"', 1)[1]
    letters = DecisionLetter.objects.filter(decision__call=call)
    assert letters.count() == 4
    for letter in letters:
        assert letter.number in section
        assert reverse("decisions:letter_pdf", args=[letter.pk]) in section
        assert reverse("decisions:detail", args=[letter.decision_id]) in section
    assert applications["awarded"].title in section


def test_letters_page_lists_the_current_version_of_a_corrected_letter(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=applications["rejected"])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("decisions:letter_correct", args=[decision.pk]), {"note": "Literówka."}
        )
    first, second = decision.letters.order_by("version")

    section = letters_page(coordinator_client, call).split('id="issued-letters"', 1)[1]

    assert reverse("decisions:letter_pdf", args=[second.pk]) in section
    assert reverse("decisions:letter_pdf", args=[first.pk]) not in section
    assert section.count("data-letter=") == 4


def test_letters_page_says_when_no_letter_was_issued(coordinator_client):
    call = GrantCallFactory()

    html = letters_page(coordinator_client, call)

    assert "No letter has been issued for this call yet." in html


def test_letters_page_query_count_does_not_grow_with_the_letters(
    coordinator_client,
    coordinator,
    fake_pdf,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    calls = []
    for count in (2, 12):
        call = GrantCallFactory(total_budget=Decimal("1000000"), past_deadline=True)
        for _ in range(count):
            decision_record(
                application=ranked_application(call, score=50),
                outcome=REJECTED,
                by=coordinator,
            )
        with django_capture_on_commit_callbacks(execute=True):
            publish_all(coordinator_client, call)
        calls.append(call)
    letters_page(coordinator_client, calls[0])

    with django_assert_max_num_queries(12) as few:
        letters_page(coordinator_client, calls[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = letters_page(coordinator_client, calls[1])

    assert html.count("data-letter=") == 12


# --- Letters: ZIP, versions, corrections ----------------------------------------------------


def test_letters_zip_has_the_current_letter_of_every_decision(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    corrected = Decision.objects.get(application=applications["rejected"])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("decisions:letter_correct", args=[corrected.pk]),
            {"note": "Literówka w uzasadnieniu."},
        )

    response = coordinator_client.get(reverse("decisions:letters_zip", args=[call.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    current = {
        letter.number.replace("/", "-") + ".pdf": letter
        for letter in DecisionLetter.objects.filter(decision__call=call)
        if letter.version == letter.decision.letters.count()
    }
    assert sorted(archive.namelist()) == sorted(current)
    assert (
        f"{applications['rejected'].reference_number.replace('/', '-')}-D2.pdf"
        in archive.namelist()
    )
    for name, letter in current.items():
        assert archive.read(name) == letter.pdf.open("rb").read()


def test_corrected_letter_is_a_new_version_and_the_old_one_stays_downloadable(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=applications["awarded"])
    first = decision.letters.get()
    first_bytes = first.pdf.open("rb").read()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("decisions:letter_correct", args=[decision.pk]), {"note": "Zły numer konta."}
        )

    assert response.status_code == 302
    assert list(decision.letters.values_list("version", "note")) == [
        (1, ""),
        (2, "Zły numer konta."),
    ]
    old = coordinator_client.get(reverse("decisions:letter_pdf", args=[first.pk]))
    assert b"".join(old.streaming_content) == first_bytes
    html = coordinator_client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    for letter in decision.letters.all():
        assert reverse("decisions:letter_pdf", args=[letter.pk]) in html
    assert len(mail.outbox) == 5  # the corrected letter is e-mailed too


def test_corrected_letter_needs_a_note_shown_beside_the_field(
    coordinator_client, decided_call, fake_pdf, django_capture_on_commit_callbacks
):
    call, applications = decided_call
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=applications["awarded"])

    response = coordinator_client.post(
        reverse("decisions:letter_correct", args=[decision.pk]), {"note": "  "}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="note-error">[^<]+<', html)
    assert decision.letters.count() == 1


def test_decision_history_shows_a_change_made_by_the_coordinator(coordinator_client, coordinator):
    coordinator.full_name = "Koordynatorka Zofia Nowak"
    coordinator.save()
    application = ranked_application(GrantCallFactory(past_deadline=True), score=80)
    post_decision(coordinator_client, application, outcome="reserve")
    post_decision(coordinator_client, application, outcome="awarded", amount="3000")
    decision = Decision.objects.get(application=application)

    html = coordinator_client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()

    history = html[html.index('id="history-heading"') :]
    assert history.count("Koordynatorka Zofia Nowak") == 2
    assert re.search(r"<del>\s*Reserve list\s*</del>\s*→\s*<ins>\s*Awarded\s*</ins>", history)
    assert "3\xa0000,00\xa0zł" in history


def test_reserve_offer_awards_the_grant_when_money_is_free(
    coordinator_client, coordinator, fake_pdf, django_capture_on_commit_callbacks
):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("3000"))
    awarded, reserve = ranked_application(call, score=90), ranked_application(call, score=70)
    post_decision(coordinator_client, awarded, outcome="awarded", amount="3000")
    post_decision(coordinator_client, reserve, outcome="reserve")
    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)
    decision = Decision.objects.get(application=reserve)
    before = coordinator_client.get(
        reverse("decisions:detail", args=[decision.pk])
    ).content.decode()
    award_decline(decision=Decision.objects.get(application=awarded), by=awarded.applicant)
    after = coordinator_client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("decisions:offer", args=[decision.pk]))

    offer_url = reverse("decisions:offer", args=[decision.pk])
    assert offer_url not in before
    assert offer_url in after
    decision.refresh_from_db()
    assert (decision.outcome, decision.amount) == (AWARDED, Decimal("3000.00"))
    assert decision.letters.count() == 2
    reserve.refresh_from_db()
    assert reserve.status == ApplicationStatus.AWARDED


def test_publish_attaches_a_real_pdf_letter_in_the_applicants_language(
    coordinator_client, coordinator, django_capture_on_commit_callbacks
):
    """End to end with the real renderer (the letter's wording is tested in test_letters.py)."""
    call = GrantCallFactory(past_deadline=True)
    english = ranked_application(call, score=90, applicant=UserFactory(language="en"))
    polish = ranked_application(call, score=80, applicant=UserFactory(language="pl"))
    decision_record(application=english, outcome=AWARDED, amount=Decimal("3000"), by=coordinator)
    decision_record(application=polish, outcome=REJECTED, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        publish_all(coordinator_client, call)

    for application, language in ((english, "en"), (polish, "pl")):
        (email,) = [m for m in mail.outbox if m.to == [application.applicant.email]]
        (attachment,) = email.attachments
        pdf = pypdf.PdfReader(io.BytesIO(attachment[1]))
        assert attachment[1].startswith(b"%PDF-")
        assert str(pdf.trailer["/Root"]["/Lang"]) == language
    english_email = next(m for m in mail.outbox if m.to == [english.applicant.email])
    assert english_email.subject.endswith(
        f"Decision on your application {english.reference_number}"
    )


def test_record_reads_an_award_typed_the_polish_way(coordinator_client, coordinator):
    application = ranked_application(GrantCallFactory(past_deadline=True), score=80)

    response = post_decision(
        coordinator_client,
        application,
        outcome="awarded",
        amount="2\u00a0999,50",
        justification="Bez jednego namiotu.",
    )

    assert response.status_code == 302
    assert Decision.objects.get(application=application).amount == Decimal("2999.50")
    html = coordinator_client.get(reverse("decisions:call", args=[application.call_id])).text
    # The coordinator reads English here: the amount is shown back with a decimal point.
    assert f'name="{form_field(application, "amount")}" value="2999.50"' in html

"""Results are published only for a closed call whose formal check is finished; reviews still
unfinished are listed and must be confirmed, with their number, before publishing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from decisions.enums import DecisionOutcome, DecisionState
from decisions.models import Decision, Publication
from decisions.services import PublicationRefused, decision_record, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory, deadline_passes
from reviews.models import Review, ReviewAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)  # in Polish, as the coordinators read it
    return client


def call_with_an_award(coordinator, **call_fields):
    """A call with one scored application awarded in a draft decision."""
    call = GrantCallFactory(total_budget=Decimal("10000"), **call_fields)
    application = ranked_application(call, score=80)
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        by=coordinator,
    )
    return call, application


def unfinished_review(application, *, reviewer_name="Roman Recenzent"):
    """A second reviewer who declared impartiality and saved a draft, not submitted."""
    assignment = ReviewAssignment.objects.create(
        application=application,
        call=application.call,
        reviewer=UserFactory(full_name=reviewer_name),
        status="declared",
        due_at=timezone.now() + timedelta(days=3),
    )
    Review.objects.create(assignment=assignment, status="draft")
    return assignment


def publish_post(client, call, **extra):
    decisions = Decision.objects.filter(call=call, state=DecisionState.DRAFT)
    data = {"decisions": [str(d.pk) for d in decisions], **extra}
    return client.post(reverse("decisions:publish", args=[call.pk]), data)


def published(call) -> bool:
    return Publication.objects.filter(call=call).exists()


# --- the service ------------------------------------------------------------------------------


def test_results_publish_refuses_a_call_still_open(coordinator):
    call, _application = call_with_an_award(coordinator)

    with pytest.raises(PublicationRefused) as refused:
        results_publish(call=call, by=coordinator)

    assert refused.value.code == "call_not_closed"
    assert refused.value.messages[0].startswith(
        "Wyniki można opublikować dopiero po zamknięciu naboru"
    )
    assert not published(call)
    assert Decision.objects.get(call=call).state == DecisionState.DRAFT


def test_results_publish_refuses_while_an_application_waits_for_the_formal_check(coordinator):
    call, _application = call_with_an_award(coordinator, past_deadline=True)
    waiting = ApplicationFactory(call=call, status=ApplicationStatus.SUBMITTED)

    with pytest.raises(PublicationRefused) as refused:
        results_publish(call=call, by=coordinator)

    assert refused.value.code == "formal_check_unfinished"
    assert refused.value.messages == [
        f"1 wniosek czeka jeszcze na ocenę formalną: {waiting.reference_number}. "
        "Sprawdź go przed publikacją."
    ]
    assert not published(call)


def test_results_publish_waits_for_a_correction_still_in_time_but_not_for_one_too_late(
    coordinator,
):
    call, _application = call_with_an_award(coordinator, past_deadline=True)
    correcting = ApplicationFactory(
        call=call,
        status=ApplicationStatus.CORRECTION_REQUESTED,
        correction_deadline=timezone.now() + timedelta(days=2),
    )
    with pytest.raises(PublicationRefused) as refused:
        results_publish(call=call, by=coordinator)
    assert correcting.reference_number in refused.value.messages[0]

    correcting.correction_deadline = timezone.now() - timedelta(minutes=1)
    correcting.save(update_fields=["correction_deadline"])
    assert results_publish(call=call, by=coordinator) is not None


def test_results_publish_needs_the_unfinished_reviews_confirmed(coordinator):
    call, application = call_with_an_award(coordinator, past_deadline=True)
    unfinished_review(application)
    unfinished_review(application, reviewer_name="Rita Recenzentka")

    with pytest.raises(PublicationRefused) as refused:
        results_publish(call=call, by=coordinator)
    assert refused.value.code == "unfinished_reviews"
    assert refused.value.messages == [
        "2 recenzje nie zostały przesłane. Zaznacz potwierdzenie, aby opublikować wyniki bez nich."
    ]
    # Confirming fewer than there are is not confirming them.
    with pytest.raises(PublicationRefused):
        results_publish(call=call, by=coordinator, unfinished_reviews_confirmed=1)
    assert not published(call)

    results_publish(call=call, by=coordinator, unfinished_reviews_confirmed=2)

    assert Decision.objects.get(call=call).state == DecisionState.PUBLISHED


def test_results_publish_of_a_closed_call_with_everything_checked_and_reviewed(coordinator):
    call, application = call_with_an_award(coordinator)
    deadline_passes(call)

    results_publish(call=call, by=coordinator)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWARDED


# --- the page ---------------------------------------------------------------------------------


def test_publish_page_of_an_open_call_says_why_and_offers_no_button(
    coordinator_client, coordinator
):
    call, _application = call_with_an_award(coordinator)

    html = coordinator_client.get(reverse("decisions:publish", args=[call.pk])).text

    assert "Wyników nie można jeszcze opublikować" in html
    assert "dopiero po zamknięciu naboru" in html
    assert "Opublikuj zaznaczone decyzje" not in html


def test_publish_page_lists_applications_without_a_formal_check_outcome(
    coordinator_client, coordinator
):
    call, _application = call_with_an_award(coordinator, past_deadline=True)
    waiting = ApplicationFactory(call=call, status=ApplicationStatus.SUBMITTED, title="Łąka")

    html = coordinator_client.get(reverse("decisions:publish", args=[call.pk])).text

    assert "czeka jeszcze na ocenę formalną" in html
    assert reverse("applicants_manage:detail", args=[waiting.pk]) in html
    assert "Opublikuj zaznaczone decyzje" not in html


def test_publish_post_for_an_open_call_publishes_nothing_and_says_why(
    coordinator_client, coordinator
):
    call, _application = call_with_an_award(coordinator)

    response = publish_post(coordinator_client, call)

    assert response.status_code == 400
    assert "dopiero po zamknięciu naboru" in response.text
    assert not published(call)


def test_publish_page_lists_unfinished_reviews_with_a_confirmation_naming_their_number(
    coordinator_client, coordinator
):
    call, application = call_with_an_award(coordinator, past_deadline=True)
    unfinished_review(application)

    html = coordinator_client.get(reverse("decisions:publish", args=[call.pk])).text

    assert "Nieprzesłane recenzje" in html
    assert "Roman Recenzent" in html
    assert re.search(
        r'<input[^>]*type="checkbox" name="unfinished_reviews_confirmed" value="1"', html
    )
    assert "Opublikuj bez 1 nieprzesłanej recenzji" in html
    assert "Opublikuj zaznaczone decyzje" in html


def test_publish_without_ticking_the_unfinished_reviews_is_refused_beside_the_checkbox(
    coordinator_client, coordinator
):
    call, application = call_with_an_award(coordinator, past_deadline=True)
    unfinished_review(application)

    response = publish_post(coordinator_client, call)

    assert response.status_code == 400
    assert not published(call)
    error = re.search(r'id="unfinished-reviews-error">(.*?)</div>', response.text, re.S)
    assert error.group(1).strip() == (
        "1 recenzja nie została przesłana. Zaznacz potwierdzenie, aby opublikować wyniki bez niej."
    )

    response = publish_post(coordinator_client, call, unfinished_reviews_confirmed="1")

    assert response.status_code == 302
    assert Decision.objects.get(call=call).state == DecisionState.PUBLISHED


def test_publish_page_runs_a_fixed_number_of_queries(
    coordinator_client, coordinator, django_assert_max_num_queries
):
    call, application = call_with_an_award(coordinator, past_deadline=True)
    unfinished_review(application)
    url = reverse("decisions:publish", args=[call.pk])
    coordinator_client.get(url)
    with django_assert_max_num_queries(30) as few:
        coordinator_client.get(url)
    for _ in range(5):
        more = ranked_application(call, score=70)
        unfinished_review(more)
        ApplicationFactory(call=call, status=ApplicationStatus.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert coordinator_client.get(url).status_code == 200

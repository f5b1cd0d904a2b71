"""An archived call is read-only on the decision side too; it is archived once every award is answered.

The coordinator's writes (decisions, awards above the line, reserve offers,
corrected letters, publication) are refused by the services and by the pages,
whose buttons are gone. Archiving waits until no published award can still be
accepted or declined, so no applicant is left with an answer they can't give.
"""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from decisions.enums import DecisionOutcome
from decisions.issuing import letter_correction_request
from decisions.models import Decision, LetterRequest
from decisions.services import (
    award_accept,
    decision_record,
    decisions_award_above_line,
    reserve_offer,
    results_publish,
)
from grants.enums import CallStatus
from grants.services import call_archive, call_close
from reviews.tests.builders import accepted_application, call_with_criteria

pytestmark = pytest.mark.django_db

ARCHIVED = "The call is archived: nothing in it can change."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def published(coordinator):
    """A closed call: an award and a reserve place published, one application still undecided."""
    call = call_with_criteria()
    awarded, reserve, undecided = (accepted_application(call) for _ in range(3))
    call_close(call=call, by=coordinator)
    decision_record(
        application=awarded,
        outcome=DecisionOutcome.AWARDED,
        amount=awarded.requested_amount,
        by=coordinator,
    )
    decision_record(application=reserve, outcome=DecisionOutcome.RESERVE, by=coordinator)
    results_publish(call=call, by=coordinator)
    call.refresh_from_db()
    return {
        "call": call,
        "award": Decision.objects.get(application=awarded),
        "reserve": Decision.objects.get(application=reserve),
        "undecided": undecided,
    }


@pytest.fixture
def archived(published, coordinator):
    award_accept(decision=published["award"], by=published["award"].application.applicant)
    call_archive(call=published["call"], by=coordinator)
    published["call"].refresh_from_db()
    assert published["call"].status == CallStatus.ARCHIVED
    return published


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- archiving waits for the answers ------------------------------------------------------------


def test_call_archive_while_an_award_awaits_its_answer_is_refused(published, coordinator):
    with pytest.raises(ValidationError) as refused:
        call_archive(call=published["call"], by=coordinator)
    assert [error.code for error in refused.value.error_list] == ["call_unsettled"]
    published["call"].refresh_from_db()
    assert published["call"].status == CallStatus.DECIDED
    # The applicant can still answer.
    award_accept(decision=published["award"], by=published["award"].application.applicant)


def test_call_archive_once_the_time_to_answer_has_passed_is_allowed(published, coordinator):
    Decision.objects.filter(pk=published["award"].pk).update(
        acceptance_deadline=timezone.now() - timedelta(minutes=1)
    )
    call_archive(call=published["call"], by=coordinator)
    published["call"].refresh_from_db()
    assert published["call"].status == CallStatus.ARCHIVED


def test_archive_page_says_which_awards_await_an_answer_and_offers_no_button(
    published, coordinator_client
):
    url = reverse("manage:call_archive", args=[published["call"].pk])
    html = unescape(coordinator_client.get(url).text)
    assert "The call can't be archived yet" in html
    assert "1 published award still awaits its applicant's answer, until" in html
    assert "Archive the call</button>" not in html
    response = coordinator_client.post(url, {"note": ""})
    assert response.status_code == 302
    assert any("still awaits its applicant's answer" in m for m in flashed(response))
    published["call"].refresh_from_db()
    assert published["call"].status == CallStatus.DECIDED


def test_archive_page_archives_a_call_whose_awards_are_answered(published, coordinator_client):
    award_accept(decision=published["award"], by=published["award"].application.applicant)
    url = reverse("manage:call_archive", args=[published["call"].pk])
    assert "Archive the call</button>" in coordinator_client.get(url).text
    assert coordinator_client.post(url, {"note": ""}).status_code == 302
    published["call"].refresh_from_db()
    assert published["call"].status == CallStatus.ARCHIVED


# --- the services refuse ------------------------------------------------------------------------


def test_decision_record_in_an_archived_call_is_refused(archived, coordinator):
    with pytest.raises(ValidationError) as refused:
        decision_record(
            application=archived["undecided"], outcome=DecisionOutcome.REJECTED, by=coordinator
        )
    assert refused.value.code == "call_archived"
    assert not Decision.objects.filter(application=archived["undecided"]).exists()


def test_decisions_award_above_line_in_an_archived_call_is_refused(archived, coordinator):
    with pytest.raises(ValidationError) as refused:
        decisions_award_above_line(call=archived["call"], by=coordinator)
    assert refused.value.code == "call_archived"


def test_reserve_offer_in_an_archived_call_is_refused(archived, coordinator):
    with pytest.raises(ValidationError) as refused:
        reserve_offer(decision=archived["reserve"], by=coordinator)
    assert refused.value.code == "call_archived"
    reserve = Decision.objects.select_related("application").get(pk=archived["reserve"].pk)
    assert reserve.outcome == DecisionOutcome.RESERVE
    assert reserve.application.status == ApplicationStatus.RESERVE


def test_letter_correction_in_an_archived_call_is_refused(archived, coordinator):
    requests = LetterRequest.objects.count()
    with pytest.raises(ValidationError) as refused:
        letter_correction_request(decision=archived["award"], note="Literówka", by=coordinator)
    assert refused.value.code == "call_archived"
    assert LetterRequest.objects.count() == requests


def test_results_publish_in_an_archived_call_is_refused(archived, coordinator):
    with pytest.raises(ValidationError) as refused:
        results_publish(call=archived["call"], by=coordinator)
    assert refused.value.code == "call_archived"


# --- the pages refuse and offer nothing ---------------------------------------------------------


def test_decisions_page_of_an_archived_call_offers_no_decision_forms(archived, coordinator_client):
    response = coordinator_client.get(reverse("decisions:call", args=[archived["call"].pk]))
    html = response.text
    assert response.status_code == 200
    assert ARCHIVED in html
    assert reverse("decisions:record", args=[archived["undecided"].pk]) not in html
    assert reverse("decisions:award_above_line", args=[archived["call"].pk]) not in html
    assert reverse("decisions:publish", args=[archived["call"].pk]) not in html


def test_decision_record_posted_to_an_archived_call_is_refused(archived, coordinator_client):
    undecided = archived["undecided"]
    prefix = f"decision-{undecided.pk}"
    response = coordinator_client.post(
        reverse("decisions:record", args=[undecided.pk]),
        {f"{prefix}-outcome": DecisionOutcome.REJECTED, f"{prefix}-justification": "Za mało"},
    )
    assert response.status_code == 302
    assert flashed(response) == [ARCHIVED]
    assert not Decision.objects.filter(application=undecided).exists()


def test_award_above_line_posted_to_an_archived_call_is_refused(archived, coordinator_client):
    response = coordinator_client.post(
        reverse("decisions:award_above_line", args=[archived["call"].pk])
    )
    assert response.status_code == 302
    assert flashed(response) == [f"Nothing was awarded: {ARCHIVED}"]


def test_decision_page_of_an_archived_call_offers_no_correction_or_offer(
    archived, coordinator_client
):
    for decision in (archived["award"], archived["reserve"]):
        html = coordinator_client.get(reverse("decisions:detail", args=[decision.pk])).text
        assert reverse("decisions:letter_correct", args=[decision.pk]) not in html
        assert reverse("decisions:offer", args=[decision.pk]) not in html


def test_reserve_offer_posted_to_an_archived_call_is_refused(archived, coordinator_client):
    reserve = archived["reserve"]
    response = coordinator_client.post(reverse("decisions:offer", args=[reserve.pk]))
    assert response.status_code == 302
    assert flashed(response) == [ARCHIVED]
    reserve.refresh_from_db()
    assert reserve.outcome == DecisionOutcome.RESERVE


def test_letter_correction_posted_to_an_archived_call_is_refused(archived, coordinator_client):
    award = archived["award"]
    requests = LetterRequest.objects.count()
    response = coordinator_client.post(
        reverse("decisions:letter_correct", args=[award.pk]), {"note": "Literówka w nazwisku"}
    )
    assert response.status_code == 400
    assert ARCHIVED in response.text
    assert LetterRequest.objects.count() == requests


@pytest.fixture
def archived_with_a_draft(published, coordinator):
    """Archived with a draft decision left unpublished (recorded before archiving)."""
    draft = decision_record(
        application=published["undecided"], outcome=DecisionOutcome.REJECTED, by=coordinator
    )
    award_accept(decision=published["award"], by=published["award"].application.applicant)
    call_archive(call=published["call"], by=coordinator)
    return {**published, "draft": draft}


def test_publish_page_of_an_archived_call_offers_nothing_and_refuses_a_post(
    archived_with_a_draft, coordinator_client
):
    call, draft = archived_with_a_draft["call"], archived_with_a_draft["draft"]
    decisions_page = coordinator_client.get(reverse("decisions:call", args=[call.pk])).text
    assert reverse("decisions:publish", args=[call.pk]) not in decisions_page
    url = reverse("decisions:publish", args=[call.pk])
    assert "Publish the ticked decisions" not in coordinator_client.get(url).text
    response = coordinator_client.post(url, {"decisions": [draft.pk]})
    assert response.status_code == 302
    assert flashed(response) == [ARCHIVED]
    draft.refresh_from_db()
    assert draft.published_at is None

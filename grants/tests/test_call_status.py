"""A call's status through its life: the moves allowed, archiving, and what the pages show."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.enums import ALLOWED_TRANSITIONS, CallPhase, CallStatus
from grants.exceptions import InvalidCallTransition
from grants.models import CallQuestion
from grants.services import (
    call_archive,
    call_close,
    call_decide,
    call_parts_save,
    call_review_start,
)
from grants.tests.factories import CriterionFactory, GrantCallFactory
from grants.tests.test_manage_views import call_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def decided_call(by, **kwargs):
    call = GrantCallFactory(past_deadline=True, **kwargs)
    CriterionFactory(call=call, name="Pomysł", max_points=10)
    call_review_start(call=call, by=by)
    call_decide(call=call, by=by)
    call.refresh_from_db()
    return call


def test_every_status_is_reached_by_some_move_and_archived_is_the_end():
    reached = set().union(*ALLOWED_TRANSITIONS.values())
    assert reached == set(CallStatus) - {CallStatus.DRAFT}
    assert ALLOWED_TRANSITIONS[CallStatus.ARCHIVED] == set()


def test_call_past_its_deadline_goes_in_review_then_decided(coordinator):
    call = decided_call(coordinator)
    assert call.status == CallStatus.DECIDED
    assert list(call.status_changes.values_list("old_status", "new_status")) == [
        (CallStatus.OPEN, CallStatus.IN_REVIEW),
        (CallStatus.IN_REVIEW, CallStatus.DECIDED),
    ]
    assert call.phase() == CallPhase.DECIDED


def test_call_still_accepting_is_not_decided_by_early_results(coordinator):
    """Results published before the deadline (formal rejections) leave the call taking applications."""
    call = GrantCallFactory()
    call_decide(call=call, by=coordinator)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert call.is_accepting


def test_call_decide_twice_records_one_move(coordinator):
    call = decided_call(coordinator)
    call_decide(call=call, by=coordinator)
    assert call.status_changes.filter(new_status=CallStatus.DECIDED).count() == 1


def test_call_archive_from_open_is_refused(coordinator):
    call = GrantCallFactory()
    with pytest.raises(InvalidCallTransition):
        call_archive(call=call, by=coordinator)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_coordinator_archives_a_decided_call_on_its_page(coordinator_client, coordinator):
    call = decided_call(coordinator)
    page = coordinator_client.get(reverse("manage:call_edit", args=[call.pk])).content.decode()
    assert reverse("manage:call_archive", args=[call.pk]) in page
    response = coordinator_client.post(
        reverse("manage:call_archive", args=[call.pk]), {"note": "Rozliczony"}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.ARCHIVED
    assert call.status_changes.last().note == "Rozliczony"


def test_archive_button_is_offered_only_when_the_call_can_be_archived(coordinator_client):
    call = GrantCallFactory()
    page = coordinator_client.get(reverse("manage:call_edit", args=[call.pk])).content.decode()
    assert reverse("manage:call_archive", args=[call.pk]) not in page
    response = coordinator_client.post(reverse("manage:call_archive", args=[call.pk]), {})
    assert any("can be archived" in str(m) for m in get_messages(response.wsgi_request))
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_call_archive_is_refused_to_non_coordinators(client, coordinator):
    call = decided_call(coordinator)
    client.force_login(UserFactory())
    response = client.post(reverse("manage:call_archive", args=[call.pk]))
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED


def test_archived_call_is_read_only(coordinator_client, coordinator):
    call = decided_call(coordinator, title="Stary nabór")
    call_archive(call=call, by=coordinator)
    page = coordinator_client.get(reverse("manage:call_edit", args=[call.pk])).content.decode()
    assert "<fieldset disabled>" in page
    assert 'name="save"' not in page
    data = call_post_data(
        title="Zmieniony tytuł", slug=call.slug, reference_code=call.reference_code
    )
    response = coordinator_client.post(reverse("manage:call_edit", args=[call.pk]), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Stary nabór"
    parts = coordinator_client.post(
        reverse("manage:call_parts", args=[call.pk, "questions"]),
        {"parts-TOTAL_FORMS": "1", "parts-INITIAL_FORMS": "0", "parts-0-label": "Nowe?"},
    )
    assert parts.status_code == 302
    assert not call.questions.exists()


def test_coordinator_list_shows_statuses_and_lists_archived_calls_apart(
    coordinator_client, coordinator
):
    GrantCallFactory(title="Trwający nabór")
    decided_call(coordinator, title="Rozstrzygnięty nabór")
    archived = decided_call(coordinator, title="Zarchiwizowany nabór")
    call_archive(call=archived, by=coordinator)
    response = coordinator_client.get(reverse("manage:home"))
    assert [c.title for c in response.context["archived_calls"]] == ["Zarchiwizowany nabór"]
    html = response.content.decode()
    in_use, apart = html.split('id="archived-heading"', 1)
    assert "Zarchiwizowany nabór" not in in_use and "Zarchiwizowany nabór" in apart
    assert 'data-call-status="decided">Results published<' in in_use
    assert 'data-call-status="accepting">Accepting applications<' in in_use


def test_coordinator_list_keeps_a_fixed_number_of_queries(
    coordinator_client, coordinator, django_assert_max_num_queries
):
    decided_call(coordinator)
    with django_assert_max_num_queries(20) as few:
        coordinator_client.get(reverse("manage:home"))
    for _ in range(5):
        call_archive(call=decided_call(coordinator), by=coordinator)
        GrantCallFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(reverse("manage:home"))


def test_public_pages_show_where_a_past_call_stands(client, coordinator):
    in_review = GrantCallFactory(title="Nabór w ocenie", past_deadline=True)
    call_review_start(call=in_review, by=coordinator)
    decided = decided_call(coordinator, title="Nabór rozstrzygnięty")
    archived = decided_call(coordinator, title="Nabór archiwalny")
    call_archive(call=archived, by=coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(reverse("home")).content.decode()
    closed = html[
        html.index('id="closed-calls-heading"') : html.index('id="archived-calls-heading"')
    ]
    assert "Nabór w ocenie" in closed and "Applications in review" in closed
    assert "Nabór rozstrzygnięty" in closed and "Results published" in closed
    assert "Nabór archiwalny" not in closed
    assert "Nabór archiwalny" in html[html.index('id="archived-calls-heading"') :]
    detail = client.get(decided.get_absolute_url()).content.decode()
    assert 'data-call-status="decided"' in detail
    assert client.get(archived.get_absolute_url()).status_code == 200


def test_closed_call_first_assignment_moves_it_in_review(coordinator):
    call = GrantCallFactory()
    call_close(call=call, by=coordinator)
    call_review_start(call=call, by=coordinator)
    call.refresh_from_db()
    assert call.status == CallStatus.IN_REVIEW
    assert call.phase() == CallPhase.IN_REVIEW


def test_call_parts_save_refuses_an_archived_call_even_without_the_page(coordinator):
    call = decided_call(coordinator, title="Nabór w archiwum")
    call_archive(call=call, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        call_parts_save(
            call=call,
            part_model=CallQuestion,
            rows_to_save=[CallQuestion(label="Pytanie dopisane po archiwizacji")],
            by=coordinator,
        )
    assert refused.value.code == "call_archived"
    assert not call.questions.exists()

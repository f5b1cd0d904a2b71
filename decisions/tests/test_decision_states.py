"""A decision's state has one owner, decision_transition: an allowed-moves table, the moment
stamped with the move, an audit row, and an error for any move the table doesn't allow."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.services import application_withdraw
from core.deadlines import deadline_in
from decisions.enums import (
    ALLOWED_DECISION_TRANSITIONS,
    DecisionLapse,
    DecisionOutcome,
    DecisionState,
    LetterReason,
)
from decisions.models import Decision, DecisionStateChange, Publication
from decisions.selectors import awarded_total
from decisions.services import (
    InvalidDecisionTransition,
    award_accept,
    award_decline,
    decision_record,
    decision_transition,
    reserve_offer,
    results_publish,
)
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

S = DecisionState
AWARDED, RESERVE, REJECTED = (
    DecisionOutcome.AWARDED,
    DecisionOutcome.RESERVE,
    DecisionOutcome.REJECTED,
)


@pytest.fixture(autouse=True)
def _media_and_fake_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def draft(coordinator, outcome=AWARDED, *, call=None) -> Decision:
    call = call or GrantCallFactory(total_budget=Decimal("9000"), past_deadline=True)
    return decision_record(
        application=ranked_application(call, score=80),
        outcome=outcome,
        amount=Decimal("3000") if outcome == AWARDED else None,
        by=coordinator,
    )


def decision_in(state: str, coordinator, outcome=AWARDED) -> Decision:
    """A decision brought to `state` by the services the people of the programme use."""
    decision = draft(coordinator, outcome)
    applicant = decision.application.applicant
    if state == S.LAPSED:
        application_withdraw(application=decision.application, by=applicant)
    elif state != S.DRAFT:
        results_publish(call=decision.call, by=coordinator)
    if state == S.ACCEPTED:
        award_accept(decision=decision, by=applicant)
    elif state == S.DECLINED:
        award_decline(decision=decision, by=applicant)
    decision.refresh_from_db()
    assert decision.state == state
    return decision


def moves(decision) -> list[tuple[str, str]]:
    return list(decision.state_changes.order_by("pk").values_list("old_state", "new_state"))


# --- the table ---------------------------------------------------------------------------------


def test_allowed_decision_transitions_cover_every_state_and_name_only_states():
    assert set(ALLOWED_DECISION_TRANSITIONS) == set(DecisionState)
    assert set().union(*ALLOWED_DECISION_TRANSITIONS.values()) <= set(DecisionState)


REFUSED = [
    (old, new)
    for old, new in itertools.product(DecisionState, DecisionState)
    if new not in ALLOWED_DECISION_TRANSITIONS[old]
]


@pytest.mark.parametrize(("old", "new"), REFUSED, ids=lambda state: str(state))
def test_decision_transition_refuses_every_move_not_in_the_table(coordinator, old, new):
    decision = decision_in(old, coordinator)
    before = moves(decision)
    changes = {"lapsed_reason": DecisionLapse.WITHDRAWN} if new == S.LAPSED else None

    with pytest.raises(InvalidDecisionTransition):
        decision_transition(decision, new, by=coordinator, changes=changes)

    decision.refresh_from_db()
    assert decision.state == old
    assert moves(decision) == before


def test_decision_record_writes_the_birth_of_a_draft_and_nothing_for_a_change(coordinator):
    decision = draft(coordinator)
    decision_record(
        application=decision.application,
        outcome=AWARDED,
        amount=Decimal("2500"),
        justification="Mniej sprzętu.",
        by=coordinator,
    )

    decision.refresh_from_db()
    assert (decision.state, decision.amount) == (S.DRAFT, Decimal("2500.00"))
    birth = decision.state_changes.get()
    assert (birth.old_state, birth.new_state, birth.by) == ("", S.DRAFT, coordinator)


# --- each allowed move, through the service that makes it ---------------------------------------


def test_publish_moves_the_draft_to_published_with_the_publications_moment(coordinator):
    decision = draft(coordinator)

    publication = results_publish(call=decision.call, by=coordinator)

    decision.refresh_from_db()
    assert decision.state == S.PUBLISHED
    assert (decision.published_at, decision.published_by) == (
        publication.published_at,
        coordinator,
    )
    # The end of the day the call's days to accept point to, 23:59 Polish time.
    assert decision.acceptance_deadline == deadline_in(
        decision.call.acceptance_days, now=publication.published_at
    )
    change = decision.state_changes.get(new_state=S.PUBLISHED)
    assert (change.old_state, change.by, change.at, change.note) == (
        S.DRAFT,
        coordinator,
        publication.published_at,
        "Opublikowano wyniki",
    )
    assert list(decision.letter_requests.values_list("reason", flat=True)) == [
        LetterReason.PUBLICATION
    ]


def test_award_accept_moves_the_award_to_accepted_and_records_the_applicant(coordinator):
    decision = decision_in(S.PUBLISHED, coordinator)
    applicant = decision.application.applicant

    award_accept(decision=decision, by=applicant)

    decision.refresh_from_db()
    assert decision.state == S.ACCEPTED
    assert decision.accepted_at is not None
    change = decision.state_changes.get(new_state=S.ACCEPTED)
    assert (change.old_state, change.by, change.at) == (
        S.PUBLISHED,
        applicant,
        decision.accepted_at,
    )
    assert awarded_total(decision.call) == Decimal("3000.00")  # an accepted award still counts


def test_award_decline_moves_the_award_to_declined_and_frees_the_money(coordinator):
    decision = decision_in(S.PUBLISHED, coordinator)
    applicant = decision.application.applicant

    award_decline(decision=decision, by=applicant)

    decision.refresh_from_db()
    assert decision.state == S.DECLINED
    assert decision.declined_at is not None
    assert decision.application.status == ApplicationStatus.DECLINED
    change = decision.state_changes.get(new_state=S.DECLINED)
    assert (change.old_state, change.by, change.note) == (
        S.PUBLISHED,
        applicant,
        "Rezygnacja z grantu",
    )
    assert awarded_total(decision.call) == Decimal("0.00")


def test_withdrawal_lapses_the_draft_and_records_why(coordinator):
    decision = draft(coordinator)
    applicant = decision.application.applicant

    application_withdraw(application=decision.application, by=applicant)

    decision.refresh_from_db()
    assert (decision.state, decision.lapsed_reason) == (S.LAPSED, DecisionLapse.WITHDRAWN)
    assert decision.lapsed_at is not None
    change = decision.state_changes.get(new_state=S.LAPSED)
    assert (change.old_state, change.by, change.note) == (
        S.DRAFT,
        applicant,
        "Wnioskodawca wycofał wniosek",
    )
    assert awarded_total(decision.call) == Decimal("0.00")


def test_reserve_offer_keeps_the_decision_published_and_records_the_change(coordinator):
    call = GrantCallFactory(total_budget=Decimal("9000"), past_deadline=True)
    reserve = draft(coordinator, RESERVE, call=call)
    results_publish(call=call, by=coordinator)

    reserve_offer(decision=reserve, by=coordinator)

    reserve.refresh_from_db()
    assert (reserve.state, reserve.outcome, reserve.amount) == (
        S.PUBLISHED,
        AWARDED,
        Decimal("3000.00"),
    )
    change = reserve.state_changes.order_by("pk").last()
    assert (change.old_state, change.new_state, change.by, change.note) == (
        S.PUBLISHED,
        S.PUBLISHED,
        coordinator,
        "Grant zaproponowany z listy rezerwowej",
    )
    assert list(reserve.letter_requests.order_by("version").values_list("reason", flat=True)) == [
        LetterReason.PUBLICATION,
        LetterReason.RESERVE_OFFER,
    ]


# --- what the table alone can't say -------------------------------------------------------------


@pytest.mark.parametrize("to", [S.ACCEPTED, S.DECLINED])
def test_decision_transition_refuses_to_answer_anything_but_an_award(coordinator, to):
    decision = decision_in(S.PUBLISHED, coordinator, outcome=REJECTED)

    with pytest.raises(InvalidDecisionTransition):
        decision_transition(decision, to, by=decision.application.applicant)

    decision.refresh_from_db()
    assert (decision.state, decision.accepted_at, decision.declined_at) == (S.PUBLISHED, None, None)


@pytest.mark.parametrize("outcome", [AWARDED, REJECTED])
def test_published_decision_changes_only_by_an_offer_from_the_reserve_list(coordinator, outcome):
    decision = decision_in(S.PUBLISHED, coordinator, outcome=outcome)
    before = moves(decision)

    with pytest.raises(InvalidDecisionTransition):
        decision_transition(
            decision, S.PUBLISHED, by=coordinator, changes={"justification": "Inne uzasadnienie."}
        )

    decision.refresh_from_db()
    assert (decision.outcome, decision.justification) == (outcome, "")
    assert moves(decision) == before


def test_decision_transition_refuses_a_lapse_without_its_reason(coordinator):
    decision = draft(coordinator)

    with pytest.raises(InvalidDecisionTransition):
        decision_transition(decision, S.LAPSED, by=coordinator)

    decision.refresh_from_db()
    assert (decision.state, decision.lapsed_at) == (S.DRAFT, None)


@pytest.mark.parametrize("field", ["state", "published_at", "accepted_at", "lapsed_at"])
def test_decision_transition_writes_the_state_and_moments_itself(coordinator, field):
    decision = decision_in(S.PUBLISHED, coordinator)
    before = moves(decision)

    with pytest.raises(ValueError):
        decision_transition(decision, S.ACCEPTED, by=coordinator, changes={field: timezone.now()})

    decision.refresh_from_db()
    assert decision.state == S.PUBLISHED
    assert moves(decision) == before


# --- what the coordinator sees ------------------------------------------------------------------


def test_decision_page_shows_the_state_and_its_moves_in_the_history(client, coordinator):
    decision = decision_in(S.ACCEPTED, coordinator)
    client.force_login(coordinator)

    html = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()

    assert f'<span class="badge {S.ACCEPTED.badge}">Przyjęto</span>' in html
    assert "<del>Szkic</del> → <ins>Opublikowany</ins>" in html
    assert "<del>Opublikowany</del> → <ins>Przyjęto</ins>" in html


def test_call_page_shows_a_lapsed_decision_as_lapsed_not_as_a_draft(client, coordinator):
    decision = decision_in(S.LAPSED, coordinator)
    client.force_login(coordinator)

    html = client.get(reverse("decisions:call", args=[decision.call_id])).content.decode()

    assert f'<span class="badge {S.LAPSED.badge}">Wygasła</span>' in html
    assert f'<span class="badge {S.DRAFT.badge}">Szkic</span>' not in html


def test_publication_moment_is_the_same_for_the_publication_and_its_decisions(coordinator):
    call = GrantCallFactory(total_budget=Decimal("9000"), past_deadline=True)
    decisions = [draft(coordinator, outcome, call=call) for outcome in (AWARDED, REJECTED)]

    results_publish(call=call, by=coordinator)

    moment = Publication.objects.get(call=call).published_at
    assert {d.published_at for d in Decision.objects.filter(pk__in=[d.pk for d in decisions])} == {
        moment
    }
    assert set(
        DecisionStateChange.objects.filter(new_state=S.PUBLISHED).values_list("at", flat=True)
    ) == {moment}

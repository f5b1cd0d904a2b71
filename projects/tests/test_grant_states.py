"""An accepted award becomes a grant; the grant's state moves only as its table allows."""

from decimal import Decimal

import pytest

from projects.enums import GrantState
from projects.models import Grant, GrantStateChange
from projects.services import InvalidGrantTransition, grant_transition
from projects.tests.factories import GrantFactory, accepted_grant

pytestmark = pytest.mark.django_db


def test_grant_create_for_award_makes_the_grant_when_the_applicant_accepts():
    grant = accepted_grant(amount="2500.00")
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE
    assert grant.amount == Decimal("2500.00")
    assert grant.reference_number == grant.application.reference_number
    assert grant.grantee_name == grant.application.applicant_name
    # The project's period and budget come from the submitted version.
    assert (str(grant.starts_on), str(grant.ends_on)) == ("2027-04-01", "2027-06-30")
    assert [line.item for line in grant.budget_lines.all()] == [
        "Sadzonki i ziemia",
        "Warsztaty z ogrodnikiem",
    ]
    assert [line.from_grant for line in grant.budget_lines.all()] == [
        Decimal("1500.00"),
        Decimal("1500.00"),
    ]
    (birth,) = grant.state_changes.all()
    assert (birth.old_state, birth.new_state) == ("", GrantState.AGREEMENT_TO_PREPARE)


def test_grant_create_for_award_makes_one_grant_per_award():
    from projects.services import grant_create_for_award

    grant = accepted_grant()
    assert grant_create_for_award(decision=grant.decision) == grant
    assert Grant.objects.filter(decision=grant.decision).count() == 1


def test_grant_transition_records_who_moved_it_and_refuses_moves_out_of_the_table():
    grant = GrantFactory()
    coordinator = grant.decision.decided_by
    grant = grant_transition(grant, GrantState.AGREEMENT_SENT, by=coordinator)
    assert grant.state == GrantState.AGREEMENT_SENT
    with pytest.raises(InvalidGrantTransition):
        grant_transition(grant, GrantState.ACTIVE, by=coordinator)  # not signed yet
    assert Grant.objects.get(pk=grant.pk).state == GrantState.AGREEMENT_SENT
    change = GrantStateChange.objects.filter(grant=grant).last()
    assert (change.old_state, change.new_state, change.by) == (
        GrantState.AGREEMENT_TO_PREPARE,
        GrantState.AGREEMENT_SENT,
        coordinator,
    )


def test_grant_transition_terminates_only_with_a_reason_and_then_nothing_moves():
    grant = GrantFactory()
    coordinator = grant.decision.decided_by
    with pytest.raises(InvalidGrantTransition):
        grant_transition(grant, GrantState.TERMINATED, by=coordinator, note="  ")
    grant = grant_transition(
        grant, GrantState.TERMINATED, by=coordinator, note="Grupa zrezygnowała z projektu."
    )
    assert grant.terminated_reason == "Grupa zrezygnowała z projektu."
    for state in GrantState:
        with pytest.raises(InvalidGrantTransition):
            grant_transition(grant, state, by=coordinator, note="x")


def test_instalment_plan_pays_an_advance_and_the_rest_after_the_report():
    from projects.instalments import instalment_plan

    assert instalment_plan(Decimal("3333.33"), Decimal("80")) == [
        (Decimal("2666.66"), "signed"),
        (Decimal("666.67"), "report"),
    ]
    assert instalment_plan(Decimal("3000"), Decimal("100")) == [(Decimal("3000.00"), "signed")]

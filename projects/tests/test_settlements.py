"""The settlement: issued when the final report is accepted, the last instalment or the return,
the return received, a correction, and closing the grant."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.tests.factories import CoordinatorFactory
from core.formatting import format_money
from core.models import OutgoingEmail
from projects.enums import GrantState, PaymentState, ReportKind, ReportState, SettlementState
from projects.models import Grant, Payment, SettlementStateChange
from projects.payments import payment_mark_paid
from projects.settlements import (
    SettlementRefused,
    grant_close,
    settlement_figures,
    settlement_return_received,
    settlement_withdraw,
)
from projects.tests.factories import active_grant
from projects.tests.settlement_helpers import final_report, spend

pytestmark = pytest.mark.django_db

money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


@given(awarded=money, spent=money, ineligible=money, paid_share=st.integers(0, 100))
def test_settlement_figures_add_up_to_the_grosz(awarded, spent, ineligible, paid_share):
    paid = (awarded * paid_share / 100).quantize(Decimal("0.01"))
    figures = settlement_figures(
        awarded=awarded, spent_from_grant=spent, ineligible=ineligible, paid_before=paid
    )
    assert Decimal("0") <= figures.eligible <= awarded
    assert figures.final_instalment >= 0 and figures.return_amount >= 0
    assert (
        figures.paid_before + figures.final_instalment - figures.return_amount == figures.eligible
    )
    assert figures.final_instalment == 0 or figures.return_amount == 0
    for value in (figures.eligible, figures.final_instalment, figures.return_amount):
        assert value == value.quantize(Decimal("0.01"))


def settled(grant):
    return Grant.objects.get(pk=grant.pk)


def test_settlement_issue_full_advance_fully_spent_is_balanced_with_nothing_due():
    grant = active_grant()  # 100 % paid on signing
    spend(grant, l0=("1500", "0"), l1=("1500", "500"))
    report = final_report(grant)
    settlement = report.settlements.get()
    assert settlement.state == SettlementState.BALANCED
    assert (settlement.eligible, settlement.final_instalment, settlement.return_amount) == (
        Decimal("3000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert settlement.number == f"{grant.reference_number}/R1"
    assert settled(grant).state == GrantState.SETTLED
    assert not grant.payments.filter(state__in=[PaymentState.PLANNED, PaymentState.DUE]).exists()


def test_settlement_issue_with_an_80_percent_advance_makes_the_last_instalment_due():
    grant = active_grant(advance="80")  # 2,400 paid, 600 planned after the report
    spend(grant, l0=("1400", "0"), l1=("1400", "500"))
    settlement = final_report(grant).settlements.get()
    assert settlement.paid_before == Decimal("2400.00")
    assert settlement.final_instalment == Decimal("400.00")
    last = grant.payments.get(number=2)
    assert (last.state, last.amount) == (PaymentState.DUE, Decimal("400.00"))
    payment_mark_paid(payment=last, by=CoordinatorFactory(), paid_on=timezone.localdate())
    assert grant_close(grant=grant, by=CoordinatorFactory()).state == GrantState.CLOSED


def test_settlement_issue_with_an_80_percent_advance_underspent_cancels_the_last_instalment():
    grant = active_grant(advance="80")
    spend(grant, l0=("1000", "0"), l1=("1000", "0"))
    settlement = final_report(grant).settlements.get()
    assert settlement.state == SettlementState.RETURN_DUE
    assert settlement.return_amount == Decimal("400.00")
    assert grant.payments.get(number=2).state == PaymentState.CANCELLED


def test_settlement_issue_partial_acceptance_with_ineligible_documents_asks_for_the_return():
    grant = active_grant()
    spend(grant, number="FV/1", l0=("1500", "0"))
    spend(grant, number="FV/2", ineligible="250.50", l1=("1200", "500"))
    settlement = final_report(grant, state=ReportState.PARTIALLY_ACCEPTED).settlements.get()
    assert settlement.spent_from_grant == Decimal("2700.00")
    assert settlement.ineligible == Decimal("250.50")
    assert settlement.eligible == Decimal("2449.50")
    assert settlement.return_amount == Decimal("550.50")
    assert settlement.return_due_on == timezone.localdate() + timedelta(days=14)
    assert settlement.own_contribution_spent == Decimal("500.00")
    assert settlement.content["documents"][1]["ineligible"] == "250.50"
    assert settlement.content["indicators"][0]["achieved"] == "37"


def test_settlement_issue_never_for_an_interim_report():
    grant = active_grant()
    final_report(grant, kind=ReportKind.INTERIM)
    assert not grant.settlements.exists()
    assert settled(grant).state == GrantState.ACTIVE


def test_settlement_issue_records_the_state_and_emails_the_grantee():
    grant = active_grant()
    spend(grant, l0=("1000", "0"))
    settlement = final_report(grant).settlements.get()
    change = SettlementStateChange.objects.get(settlement=settlement)
    assert (change.old_state, change.new_state) == ("", SettlementState.RETURN_DUE)
    assert grant.state_changes.filter(new_state=GrantState.SETTLED).exists()
    message = OutgoingEmail.objects.get(kind="projects/settlement_issued")
    assert settlement.number in message.subject
    assert format_money(Decimal("2000")) in message.body  # to return
    assert settlement.return_due_on.strftime("%Y") in message.body


def test_grant_close_refused_while_a_return_is_outstanding():
    grant = active_grant()
    spend(grant, l0=("1000", "0"))
    settlement = final_report(grant).settlements.get()
    coordinator = CoordinatorFactory()
    with pytest.raises(SettlementRefused, match="Zwrot od grantobiorcy"):
        grant_close(grant=grant, by=coordinator)
    settlement_return_received(
        settlement=settlement, by=coordinator, received_on=timezone.localdate(), reference="TR 1"
    )
    closed = grant_close(grant=grant, by=coordinator)
    assert closed.state == GrantState.CLOSED and closed.closed_at is not None


def test_grant_close_refused_while_the_last_instalment_is_due():
    grant = active_grant(advance="80")
    spend(grant, l0=("1500", "0"), l1=("1500", "0"))
    final_report(grant)
    with pytest.raises(SettlementRefused, match="Transza 2"):
        grant_close(grant=grant, by=CoordinatorFactory())


def test_settlement_return_received_refuses_a_future_date():
    grant = active_grant()
    settlement = final_report(grant).settlements.get()
    with pytest.raises(SettlementRefused):
        settlement_return_received(
            settlement=settlement,
            by=CoordinatorFactory(),
            received_on=timezone.localdate() + timedelta(days=1),
        )


def test_settlement_withdraw_issues_r2_from_the_corrected_figures():
    grant = active_grant()
    document = spend(grant, ineligible="500", l0=("1500", "0"), l1=("1500", "0"))
    first = final_report(grant).settlements.get()
    assert first.return_amount == Decimal("500.00")
    document.ineligible_amount = Decimal("0")
    document.save()
    second = settlement_withdraw(settlement=first, by=CoordinatorFactory(), reason="Błąd w FV/1")
    first.refresh_from_db()
    assert first.state == SettlementState.WITHDRAWN
    assert second.number == f"{grant.reference_number}/R2"
    assert (second.state, second.return_amount) == (SettlementState.BALANCED, Decimal("0.00"))
    assert settled(grant).state == GrantState.SETTLED


def test_settlement_withdraw_to_a_last_instalment_after_a_return_was_asked():
    grant = active_grant(advance="80")
    document = spend(grant, ineligible="1000", l0=("1500", "0"), l1=("1500", "0"))
    first = final_report(grant).settlements.get()
    assert first.return_amount == Decimal("400.00")
    document.ineligible_amount = Decimal("0")
    document.save()
    second = settlement_withdraw(settlement=first, by=CoordinatorFactory(), reason="korekta")
    assert second.final_instalment == Decimal("600.00")
    due = Payment.objects.get(grant=grant, state=PaymentState.DUE)
    assert due.amount == Decimal("600.00")


def test_settlement_withdraw_needs_a_reason():
    grant = active_grant()
    settlement = final_report(grant).settlements.get()
    with pytest.raises(SettlementRefused):
        settlement_withdraw(settlement=settlement, by=CoordinatorFactory(), reason=" ")


def test_payment_mark_paid_says_a_closed_grant_is_closed():
    from projects.payments import PaymentRefused

    grant = active_grant()
    spend(grant, l0=("1500", "0"), l1=("1500", "0"))
    final_report(grant)
    coordinator = CoordinatorFactory()
    grant_close(grant=grant, by=coordinator)
    stray = Payment.objects.create(
        grant=grant, number=9, amount=Decimal("1.00"), condition="report", state=PaymentState.DUE
    )
    with pytest.raises(PaymentRefused, match="jest zamknięty"):
        payment_mark_paid(payment=stray, by=coordinator, paid_on=timezone.localdate())

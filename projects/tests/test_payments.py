"""A grant's instalments: scheduled on signing, due when their condition is met, paid once and
never above the award, cancelled with the agreement."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.tests.factories import CoordinatorFactory, UserFactory
from core.models import OutgoingEmail
from projects.bank_accounts import bank_account_give
from projects.enums import AccountOwner, GrantState, PaymentCondition, PaymentState
from projects.instalments import instalment_plan
from projects.models import CallGrantTerms, Grant, Payment
from projects.payments import (
    PaymentAlreadyPaid,
    PaymentRefused,
    payment_mark_paid,
    payments_due_after_report,
    payments_mark_paid_bulk,
)
from projects.services import grant_transition, payment_transition
from projects.tests.factories import GrantFactory

IBAN = "PL61109010140000071219812874"


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def with_account(grant: Grant) -> Grant:
    bank_account_give(
        grant=grant,
        iban=IBAN,
        holder_name="Ola Nowak",
        owner=AccountOwner.GRANTEE,
        by=grant.application.applicant,
    )
    return grant


def signed(grant: Grant) -> Grant:
    """Sent and signed through the owner of the grant's state (real signing is another part's)."""
    grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)
    return grant_transition(grant, GrantState.SIGNED, by=None)


def signed_grant(*, advance: str | None = None, amount: str = "3000.00") -> Grant:
    grant = GrantFactory(amount=Decimal(amount))
    if advance is not None:
        CallGrantTerms.objects.create(call=grant.call, advance_percent=Decimal(advance))
    return signed(with_account(grant))


# --- The plan (property tests) --------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
percents = st.decimals(min_value=Decimal("1"), max_value=Decimal("100"), places=2)


@given(amount=amounts, percent=percents)
def test_instalment_plan_always_adds_up_to_the_award_to_the_grosz(amount, percent):
    plan = instalment_plan(amount, percent)
    assert sum(part for part, _ in plan) == amount
    assert all(part > 0 and part == part.quantize(Decimal("0.01")) for part, _ in plan)


@given(amount=amounts, percent=percents)
def test_instalment_plan_never_advances_more_than_the_percent(amount, percent):
    plan = instalment_plan(amount, percent)
    advance, condition = plan[0]
    assert condition == PaymentCondition.AGREEMENT_SIGNED
    if len(plan) == 2:
        assert advance <= amount * percent / 100
        assert plan[1][1] == PaymentCondition.FINAL_REPORT_ACCEPTED
    else:
        assert advance == amount


# --- Scheduling -----------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_signing_schedules_the_whole_grant_due_at_once_by_default():
    grant = signed_grant()
    payments = list(grant.payments.all())
    assert [(p.amount, p.condition, p.state) for p in payments] == [
        (Decimal("3000.00"), PaymentCondition.AGREEMENT_SIGNED, PaymentState.DUE)
    ]


@pytestmark_db
def test_signing_schedules_an_advance_due_and_the_rest_after_the_report():
    grant = signed_grant(advance="80", amount="3333.33")
    payments = list(grant.payments.all())
    assert [(p.number, p.amount, p.state) for p in payments] == [
        (1, Decimal("2666.66"), PaymentState.DUE),
        (2, Decimal("666.67"), PaymentState.PLANNED),
    ]
    assert sum(p.amount for p in payments) == grant.amount


@pytestmark_db
def test_payments_due_after_report_makes_the_final_instalment_due():
    grant = signed_grant(advance="80")
    made_due = payments_due_after_report(grant=grant, by=CoordinatorFactory())
    assert [p.number for p in made_due] == [2]
    assert set(grant.payments.values_list("state", flat=True)) == {PaymentState.DUE}
    assert payments_due_after_report(grant=grant, by=None) == []


@pytestmark_db
def test_termination_cancels_the_unpaid_instalments_and_keeps_the_paid_one():
    grant = signed_grant(advance="80")
    coordinator = CoordinatorFactory()
    advance = grant.payments.get(number=1)
    payment_mark_paid(payment=advance, by=coordinator, paid_on=timezone.localdate())
    grant_transition(grant, GrantState.TERMINATED, by=coordinator, note="Projekt nie ruszył.")
    assert dict(grant.payments.values_list("number", "state")) == {
        1: PaymentState.PAID,
        2: PaymentState.CANCELLED,
    }


@pytestmark_db
def test_grant_page_shows_the_grantee_the_plan_before_signing_and_the_schedule_after(client):
    grant = GrantFactory(amount=Decimal("3000.00"))
    CallGrantTerms.objects.create(call=grant.call, advance_percent=Decimal("80"))
    client.force_login(grant.application.applicant)
    before = page_text(client.get(grant.get_absolute_url()))
    assert "Po podpisaniu umowy grant wypłacimy w tych transzach" in before
    assert "2 400,00 zł" in before and "600,00 zł" in before
    signed(with_account(grant))
    payment_mark_paid(
        payment=grant.payments.get(number=1),
        by=CoordinatorFactory(),
        paid_on=timezone.localdate() - timedelta(days=1),
    )
    after = page_text(client.get(grant.get_absolute_url()))
    assert "Wypłacona" in after and "Zaplanowana" in after
    assert (timezone.localdate() - timedelta(days=1)).strftime("%Y") in after
    assert "Oznacz transzę" not in after  # the grantee has no mark-paid form


# --- Marking paid ---------------------------------------------------------------------------


@pytestmark_db
def test_payment_mark_paid_records_the_account_starts_the_project_and_tells_the_grantee():
    grant = signed_grant()
    coordinator = CoordinatorFactory()
    payment = payment_mark_paid(
        payment=grant.payments.get(),
        by=coordinator,
        paid_on=timezone.localdate(),
        bank_reference=" PKO 123/456 ",
    )
    assert payment.state == PaymentState.PAID
    assert (payment.paid_to_iban, payment.bank_reference) == (IBAN, "PKO 123/456")
    assert payment.marked_paid_by == coordinator
    grant.refresh_from_db()
    assert grant.state == GrantState.ACTIVE
    email = OutgoingEmail.objects.get(kind="projects/payment_sent")
    assert email.to == grant.application.applicant.email
    assert "3 000,00 zł" in " ".join(email.body.split())
    assert "…" in email.body and IBAN not in email.body  # the account is masked in e-mail


@pytestmark_db
def test_payment_mark_paid_twice_says_it_is_already_paid():
    grant = signed_grant()
    payment = grant.payments.get()
    coordinator = CoordinatorFactory()
    payment_mark_paid(payment=payment, by=coordinator, paid_on=timezone.localdate())
    with pytest.raises(PaymentAlreadyPaid):
        payment_mark_paid(payment=payment, by=coordinator, paid_on=timezone.localdate())
    assert payment.changes.filter(new_state=PaymentState.PAID).count() == 1
    assert OutgoingEmail.objects.filter(kind="projects/payment_sent").count() == 1


@pytestmark_db
def test_payment_mark_paid_refuses_a_date_in_the_future():
    grant = signed_grant()
    with pytest.raises(PaymentRefused):
        payment_mark_paid(
            payment=grant.payments.get(),
            by=CoordinatorFactory(),
            paid_on=timezone.localdate() + timedelta(days=1),
        )
    assert grant.payments.get().state == PaymentState.DUE


@pytestmark_db
def test_payment_mark_paid_refuses_an_instalment_not_due_yet():
    grant = signed_grant(advance="80")
    with pytest.raises(PaymentRefused, match=r"not due|nie czeka"):
        payment_mark_paid(
            payment=grant.payments.get(number=2),
            by=CoordinatorFactory(),
            paid_on=timezone.localdate(),
        )


@pytestmark_db
def test_payment_mark_paid_never_pays_more_than_the_award():
    grant = signed_grant()
    # An instalment too many (e.g. added by hand in the database): paying it too would
    # pay the grantee more than they were awarded.
    extra = payment_transition(
        Payment.objects.create(
            grant=grant,
            number=2,
            amount=Decimal("0.01"),
            condition=PaymentCondition.AGREEMENT_SIGNED,
        ),
        PaymentState.DUE,
        by=None,
    )
    coordinator = CoordinatorFactory()
    payment_mark_paid(
        payment=grant.payments.get(number=1), by=coordinator, paid_on=timezone.localdate()
    )
    with pytest.raises(PaymentRefused):
        payment_mark_paid(payment=extra, by=coordinator, paid_on=timezone.localdate())
    extra.refresh_from_db()
    assert extra.state == PaymentState.DUE


@pytestmark_db
def test_payment_mark_paid_needs_an_account_in_use():
    grant = signed(GrantFactory())
    with pytest.raises(PaymentRefused):
        payment_mark_paid(
            payment=grant.payments.get(), by=CoordinatorFactory(), paid_on=timezone.localdate()
        )


@pytestmark_db
def test_payments_mark_paid_bulk_pays_the_due_ones_and_reports_the_paid_one():
    first, second = signed_grant(), signed_grant()
    coordinator = CoordinatorFactory()
    already = first.payments.get()
    payment_mark_paid(payment=already, by=coordinator, paid_on=timezone.localdate())
    outcome = payments_mark_paid_bulk(
        payments=[already, second.payments.get()],
        by=coordinator,
        paid_on=timezone.localdate(),
        references={second.payments.get().pk: "REF-2"},
    )
    assert [p.grant_id for p in outcome.paid] == [second.pk]
    assert outcome.paid[0].bank_reference == "REF-2"
    assert [p.pk for p, _why in outcome.refused] == [already.pk]


# --- The coordinator's buttons --------------------------------------------------------------


@pytestmark_db
def test_mark_paid_button_clicked_twice_says_already_paid_not_an_error(client):
    grant = signed_grant()
    payment = grant.payments.get()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:payment_paid", args=[payment.pk])
    data = {"paid_on": timezone.localdate().isoformat(), "bank_reference": "X1"}
    first = client.post(url, data, follow=True)
    assert "oznaczona jako wypłacona" in page_text(first)
    second = client.post(url, data, follow=True)
    assert second.status_code == 200
    assert "jest już oznaczona jako wypłacona" in page_text(second)


@pytestmark_db
def test_mark_paid_button_refuses_a_future_date_with_a_message(client):
    grant = signed_grant()
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("projects_manage:payment_paid", args=[grant.payments.get().pk]),
        {"paid_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
        follow=True,
    )
    assert "Data wypłaty nie może być w przyszłości" in page_text(response)
    assert grant.payments.get().state == PaymentState.DUE


@pytestmark_db
@pytest.mark.parametrize("who", ["grantee", "another user", "anonymous"])
def test_mark_paid_is_for_coordinators_only(client, who):
    grant = signed_grant()
    payment = grant.payments.get()
    if who == "grantee":
        client.force_login(grant.application.applicant)
    elif who == "another user":
        client.force_login(UserFactory())
    response = client.post(
        reverse("projects_manage:payment_paid", args=[payment.pk]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    payment.refresh_from_db()
    assert payment.state == PaymentState.DUE


@pytestmark_db
def test_coordinator_grant_page_offers_mark_paid_for_a_due_instalment(client):
    grant = signed_grant()
    client.force_login(CoordinatorFactory())
    page = page_text(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))
    assert "Oznacz transzę 1 jako wypłaconą" in page
    assert "csrfmiddlewaretoken" in page


# --- Concurrent clicks (real transactions and threads; run on SQLite and PostgreSQL) --------

THREADS = 6


def all_at_once(work, arguments):
    """Run work(*args) for each args from its own thread and connection, released together."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(arguments))
    outcomes: list[str] = []

    def run(*args):
        try:
            barrier.wait(timeout=30)
            work(*args)
            outcomes.append("paid")
        except PaymentAlreadyPaid:
            outcomes.append("already paid")
        except PaymentRefused:
            outcomes.append("refused")
        except Exception as exc:  # reported by the assertions, with its type
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_payment_marked_paid_by_concurrent_clicks_is_paid_once():
    grant = signed_grant()
    payment = grant.payments.get()
    coordinators = [CoordinatorFactory() for _ in range(THREADS)]

    outcomes = all_at_once(
        lambda coordinator: payment_mark_paid(
            payment=payment, by=coordinator, paid_on=timezone.localdate(), bank_reference="R"
        ),
        [(coordinator,) for coordinator in coordinators],
    )

    assert outcomes == ["already paid"] * (THREADS - 1) + ["paid"], outcomes
    assert payment.changes.filter(new_state=PaymentState.PAID).count() == 1
    assert OutgoingEmail.objects.filter(kind="projects/payment_sent").count() == 1
    grant.refresh_from_db()
    assert grant.state == GrantState.ACTIVE


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_of_one_grant_never_exceed_the_award():
    grant = signed_grant()
    # Extra instalments (as if added by hand): each alone fits, together they pay too much.
    extras = [
        payment_transition(
            Payment.objects.create(
                grant=grant,
                number=number,
                amount=Decimal("1.00"),
                condition=PaymentCondition.AGREEMENT_SIGNED,
            ),
            PaymentState.DUE,
            by=None,
        )
        for number in range(2, 2 + THREADS - 1)
    ]
    payments = [grant.payments.get(number=1), *extras]
    coordinator = CoordinatorFactory()

    outcomes = all_at_once(
        lambda payment: payment_mark_paid(
            payment=payment, by=coordinator, paid_on=timezone.localdate()
        ),
        [(payment,) for payment in payments],
    )

    paid = Payment.objects.filter(grant=grant, state=PaymentState.PAID)
    assert sum(p.amount for p in paid) <= grant.amount
    assert outcomes.count("paid") == paid.count() >= 1, outcomes
    assert set(outcomes) <= {"paid", "refused"}, outcomes

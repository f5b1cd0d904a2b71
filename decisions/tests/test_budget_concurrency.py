"""Awards never exceed the call's budget, even when coordinators award at the same moment.

Real transactions and real threads, each with its own database connection: on
PostgreSQL the call's row lock serialises the awards, on SQLite the IMMEDIATE
transactions do. Run on both (bash /tmp/pgrun.sh for PostgreSQL).
"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.services import application_withdraw
from applicants.tests.factories import ApplicationFactory
from decisions.enums import DecisionOutcome, DecisionState
from decisions.models import Decision
from decisions.services import (
    BudgetExceeded,
    award_accept,
    award_decline,
    awarded_total,
    decision_record,
    results_publish,
)
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


@pytest.fixture(autouse=True)
def _media_and_fake_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(
        "decisions.letters.render_letter_pdf",
        lambda decision, **kwargs: b"%PDF-1.7\n%%EOF\n",
    )


@pytest.fixture
def call_and_applications():
    """A budget of 10 000 zł and six reviewed applications asking for 3 000 zł each."""
    call = GrantCallFactory(
        past_deadline=True, total_budget=Decimal("10000"), min_amount=Decimal("1000")
    )
    applications = [
        ApplicationFactory(
            call=call, status=ApplicationStatus.REVIEWED, requested_amount=Decimal("3000")
        )
        for _ in range(THREADS)
    ]
    return call, applications


def award_all_at_once(applications, coordinators):
    """Each application awarded 3 000 zł from its own thread, all released together."""
    barrier = threading.Barrier(len(applications))
    outcomes: dict[int, str] = {}

    def award(application, coordinator):
        try:
            barrier.wait(timeout=30)
            decision_record(
                application=application,
                outcome=DecisionOutcome.AWARDED,
                amount=Decimal("3000"),
                by=coordinator,
            )
            outcomes[application.pk] = "awarded"
        except BudgetExceeded:
            outcomes[application.pk] = "budget exceeded"
        except Exception as exc:  # reported by the assertion below, with its type
            outcomes[application.pk] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=award, args=(application, coordinator))
        for application, coordinator in zip(applications, coordinators, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_concurrent_awards_never_exceed_the_budget(call_and_applications):
    call, applications = call_and_applications
    coordinators = [CoordinatorFactory() for _ in applications]

    outcomes = award_all_at_once(applications, coordinators)

    assert sorted(outcomes.values()) == ["awarded"] * 3 + ["budget exceeded"] * 3, outcomes
    assert Decision.objects.filter(call=call, outcome=DecisionOutcome.AWARDED).count() == 3
    assert awarded_total(call) == Decimal("9000.00")
    assert awarded_total(call) <= call.total_budget


def test_declined_award_frees_the_money_for_a_fourth(call_and_applications):
    call, applications = call_and_applications
    coordinators = [CoordinatorFactory() for _ in applications]
    outcomes = award_all_at_once(applications, coordinators)
    awarded = [a for a in applications if outcomes[a.pk] == "awarded"]
    waiting = [a for a in applications if outcomes[a.pk] != "awarded"]
    coordinator = coordinators[0]
    with pytest.raises(BudgetExceeded):
        decision_record(
            application=waiting[0],
            outcome=DecisionOutcome.AWARDED,
            amount=Decimal("3000"),
            by=coordinator,
        )
    declined = Decision.objects.get(application=awarded[0])
    results_publish(call=call, by=coordinator, decisions=[declined])

    award_decline(decision=declined, by=awarded[0].applicant)
    fourth = decision_record(
        application=waiting[0],
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal("3000"),
        by=coordinator,
    )

    assert fourth.amount == Decimal("3000.00")
    assert awarded_total(call) == Decimal("9000.00")
    assert Decision.objects.filter(call=call, outcome=DecisionOutcome.AWARDED).count() == 4


def test_awards_racing_a_withdrawal_never_exceed_the_budget(call_and_applications):
    """Two coordinators award while an applicant with a draft award withdraws, all at once."""
    call, applications = call_and_applications
    coordinator = CoordinatorFactory()
    awarded, waiting = applications[:3], applications[3:5]
    for application in awarded:  # 9 000 of 10 000 zł
        decision_record(
            application=application,
            outcome=DecisionOutcome.AWARDED,
            amount=Decimal("3000"),
            by=coordinator,
        )
    withdrawing = awarded[0]
    barrier = threading.Barrier(3)
    outcomes: dict[str, str] = {}

    def run(name, action):
        try:
            barrier.wait(timeout=30)
            action()
            outcomes[name] = "done"
        except BudgetExceeded:
            outcomes[name] = "budget exceeded"
        except Exception as exc:  # reported by the assertion below, with its type
            outcomes[name] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    def award(application):
        return lambda: decision_record(
            application=application,
            outcome=DecisionOutcome.AWARDED,
            amount=Decimal("3000"),
            by=coordinator,
        )

    threads = [
        threading.Thread(target=run, args=("award-1", award(waiting[0]))),
        threading.Thread(target=run, args=("award-2", award(waiting[1]))),
        threading.Thread(
            target=run,
            args=(
                "withdraw",
                lambda: application_withdraw(application=withdrawing, by=withdrawing.applicant),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcomes["withdraw"] == "done", outcomes
    assert {outcomes["award-1"], outcomes["award-2"]} <= {"done", "budget exceeded"}, outcomes
    # Whatever the order: at most one of the two fits (the withdrawal frees 3 000 zł, 1 000 zł were left).
    assert sorted([outcomes["award-1"], outcomes["award-2"]]).count("done") <= 1, outcomes
    assert awarded_total(call) <= call.total_budget
    assert Decision.objects.get(application=withdrawing).state == DecisionState.LAPSED
    live = Decision.objects.live_awards().filter(call=call)
    assert sum(d.amount for d in live) == awarded_total(call)


def test_award_accepted_and_declined_at_once_is_answered_once(call_and_applications):
    """A double submission from two tabs: one answer wins, the other is told it came too late."""
    call, applications = call_and_applications
    coordinator = CoordinatorFactory()
    application = applications[0]
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal("3000"),
        by=coordinator,
    )
    results_publish(call=call, by=coordinator)
    decision = Decision.objects.get(application=application)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def answer(name, service):
        try:
            barrier.wait(timeout=30)
            service(decision=decision, by=application.applicant)
            outcomes[name] = "done"
        except ValidationError as exc:
            outcomes[name] = " ".join(exc.messages)
        except Exception as exc:  # reported by the assertion below, with its type
            outcomes[name] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(DecisionState.ACCEPTED, award_accept)),
        threading.Thread(target=answer, args=(DecisionState.DECLINED, award_decline)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    decision.refresh_from_db()
    (winner,) = [name for name, outcome in outcomes.items() if outcome == "done"]
    (loser,) = [outcome for outcome in outcomes.values() if outcome != "done"]
    assert decision.state == winner, outcomes
    assert loser == "Twoja odpowiedź jest już zapisana.", outcomes
    assert decision.state_changes.filter(old_state=DecisionState.PUBLISHED).count() == 1
    assert (decision.accepted_at is None) != (decision.declined_at is None)
    assert awarded_total(call) == (
        Decimal("3000.00") if winner == DecisionState.ACCEPTED else Decimal("0.00")
    )

"""An application whose life ends before publication settles its draft decision: the money is free again."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from decisions.enums import DecisionLapse, DecisionOutcome
from decisions.models import Decision
from decisions.services import (
    BudgetExceeded,
    award_decline,
    awarded_total,
    decision_record,
    reserve_offer,
    results_publish,
)
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

AWARDED = DecisionOutcome.AWARDED


@pytest.fixture(autouse=True)
def _media_and_fake_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def full_budget(coordinator):
    """A budget of 6 000 zł spent on two draft awards of 3 000 zł; a third application waits."""
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("6000"))
    first, second, waiting = (ranked_application(call, score=score) for score in (90, 80, 70))
    for application in (first, second):
        decision_record(
            application=application, outcome=AWARDED, amount=Decimal("3000"), by=coordinator
        )
    return call, first, second, waiting


def withdraw_as_applicant(client, application, reason="Zmieniliśmy plany."):
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:withdraw", args=[application.pk]), {"reason": reason}
    )
    client.logout()
    return response


def test_withdraw_after_a_draft_award_frees_the_money_for_another_award(
    client, coordinator, full_budget
):
    call, first, _second, waiting = full_budget
    with pytest.raises(BudgetExceeded):
        decision_record(
            application=waiting, outcome=AWARDED, amount=Decimal("3000"), by=coordinator
        )

    withdraw_as_applicant(client, first)

    first.refresh_from_db()
    assert first.status == ApplicationStatus.WITHDRAWN
    kept = Decision.objects.get(application=first)  # on record, not deleted
    assert (kept.outcome, kept.amount) == (AWARDED, Decimal("3000.00"))
    assert kept.lapsed_reason == DecisionLapse.WITHDRAWN
    assert kept.lapsed_at is not None
    assert awarded_total(call) == Decimal("3000.00")
    fitted = decision_record(
        application=waiting, outcome=AWARDED, amount=Decimal("3000"), by=coordinator
    )
    assert fitted.amount == Decimal("3000.00")
    assert awarded_total(call) == call.total_budget


def test_call_decisions_page_shows_the_withdrawal_after_a_draft_award(
    client, coordinator, full_budget
):
    call, first, _second, _waiting = full_budget
    withdraw_as_applicant(client, first)
    client.force_login(coordinator)

    html = client.get(
        reverse("decisions:call", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert re.search(r"data-budget-left>\s*3\s000,00\szł", html)
    lapsed = html[html.index('id="lapsed"') :]
    assert first.reference_number in lapsed
    assert "The applicant withdrew the application" in lapsed
    assert "3 000,00 zł is free again." in lapsed.replace("\xa0", " ")
    assert "data-lapsed-hint" in html


def test_decision_detail_shows_that_the_decision_lapsed(client, coordinator, full_budget):
    _call, first, _second, _waiting = full_budget
    withdraw_as_applicant(client, first)
    client.force_login(coordinator)
    decision = Decision.objects.get(application=first)

    html = client.get(
        reverse("decisions:detail", args=[decision.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    lapsed = re.search(r"data-lapsed>(.*?)</dd>", html, re.S).group(1)
    assert "The applicant withdrew the application" in lapsed
    assert "no longer counts against the budget" in lapsed


def test_publish_leaves_a_lapsed_decision_unpublished(client, coordinator, full_budget):
    call, first, second, _waiting = full_budget
    withdraw_as_applicant(client, first)

    publication = results_publish(call=call, by=coordinator)

    assert list(publication.decisions.all()) == [Decision.objects.get(application=second)]
    assert Decision.objects.get(application=first).published_at is None
    first.refresh_from_db()
    assert first.status == ApplicationStatus.WITHDRAWN


def test_decision_record_refuses_to_change_a_lapsed_decision(client, coordinator, full_budget):
    _call, first, _second, _waiting = full_budget
    withdraw_as_applicant(client, first)

    with pytest.raises(
        ValidationError, match=r"Ta decyzja wygasła: wnioskodawca wycofał wniosek\."
    ):
        decision_record(application=first, outcome=AWARDED, amount=Decimal("3000"), by=coordinator)

    assert Decision.objects.get(application=first).lapsed_at is not None


def test_withdraw_without_a_decision_settles_nothing(client, coordinator):
    call = GrantCallFactory(past_deadline=True)
    application = ranked_application(call, score=50)

    withdraw_as_applicant(client, application)

    assert not Decision.objects.filter(application=application).exists()


def test_reserve_offer_uses_money_freed_by_a_withdrawal(client, coordinator):
    """Part of the call is published (the reserve list); a draft award elsewhere is withdrawn."""
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("6000"))
    reserve, draft_a, draft_b = (ranked_application(call, score=score) for score in (60, 90, 80))
    reserve_decision = decision_record(
        application=reserve, outcome=DecisionOutcome.RESERVE, by=coordinator
    )
    for application in (draft_a, draft_b):
        decision_record(
            application=application, outcome=AWARDED, amount=Decimal("3000"), by=coordinator
        )
    results_publish(call=call, by=coordinator, decisions=[reserve_decision])
    with pytest.raises(BudgetExceeded):
        reserve_offer(decision=reserve_decision, by=coordinator)

    withdraw_as_applicant(client, draft_a)
    client.force_login(coordinator)
    html = client.get(
        reverse("decisions:call", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    offered = reserve_offer(decision=reserve_decision, by=coordinator)

    hint = html[html.index("data-lapsed-hint") :]
    assert reserve.reference_number in hint[: hint.index("</div>")]
    assert (offered.outcome, offered.amount) == (AWARDED, Decimal("3000.00"))
    assert awarded_total(call) == Decimal("6000.00")


def test_declined_published_award_still_frees_the_money(client, coordinator):
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("3000"))
    awarded, waiting = ranked_application(call, score=90), ranked_application(call, score=80)
    decision = decision_record(
        application=awarded, outcome=AWARDED, amount=Decimal("3000"), by=coordinator
    )
    results_publish(call=call, by=coordinator, decisions=[decision])

    award_decline(decision=decision, by=awarded.applicant)

    assert Decision.objects.get(pk=decision.pk).lapsed_at is None  # declined, not lapsed
    assert awarded_total(call) == Decimal("0.00")
    decision_record(application=waiting, outcome=AWARDED, amount=Decimal("3000"), by=coordinator)

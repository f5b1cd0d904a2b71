"""An award or a reserve place for an application scored below the call's minimum needs a reason,
kept on the decision, on its page and in its history."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from decisions.enums import DecisionOutcome
from decisions.models import Decision
from decisions.services import decision_record
from decisions.tests.test_manage_pages import error_beside, post_decision, ranked_application
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

REASON = "Jedyny projekt z dzielnicy, w której nie było jeszcze żadnego grantu."


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)  # in Polish, as the coordinators read it
    return client


@pytest.fixture
def below_minimum():
    """An application whose final score, 54.5, is below the call's minimum of 60."""
    call = GrantCallFactory(past_deadline=True, min_score=Decimal("60"))
    return ranked_application(call, score="54.5")


def test_decision_record_refuses_a_reserve_place_below_the_minimum_without_a_reason(
    coordinator, below_minimum
):
    with pytest.raises(ValidationError) as refused:
        decision_record(application=below_minimum, outcome=DecisionOutcome.RESERVE, by=coordinator)

    assert refused.value.message_dict == {
        "below_threshold_reason": [
            "Ocena wniosku (54,50) jest niższa od minimum naboru (60,00). "
            "Napisz, dlaczego mimo to trafia na listę rezerwową."
        ]
    }
    assert not Decision.objects.exists()


def test_decision_record_refuses_an_award_below_the_minimum_without_a_reason(
    coordinator, below_minimum
):
    with pytest.raises(ValidationError) as refused:
        decision_record(
            application=below_minimum,
            outcome=DecisionOutcome.AWARDED,
            amount=below_minimum.requested_amount,
            by=coordinator,
        )

    assert (
        "dlaczego mimo to przyznajecie grant"
        in refused.value.message_dict["below_threshold_reason"][0]
    )


def test_decision_record_keeps_the_reason_for_a_reserve_place_below_the_minimum(
    coordinator, below_minimum
):
    decision = decision_record(
        application=below_minimum,
        outcome=DecisionOutcome.RESERVE,
        below_threshold_reason=f"  {REASON}  ",
        by=coordinator,
    )

    decision.refresh_from_db()
    assert decision.below_threshold_reason == REASON
    assert decision.outcome == DecisionOutcome.RESERVE


def test_decision_record_needs_no_reason_to_reject_below_the_minimum(coordinator, below_minimum):
    decision = decision_record(
        application=below_minimum,
        outcome=DecisionOutcome.REJECTED,
        below_threshold_reason=REASON,  # not kept: a rejection needs no such reason
        by=coordinator,
    )

    assert decision.below_threshold_reason == ""


def test_decision_record_needs_no_reason_at_the_minimum(coordinator):
    at_minimum = ranked_application(
        GrantCallFactory(past_deadline=True, min_score=Decimal("60")), score="60"
    )

    decision = decision_record(
        application=at_minimum, outcome=DecisionOutcome.RESERVE, by=coordinator
    )

    assert decision.below_threshold_reason == ""


def test_decisions_page_asks_for_the_reason_only_in_rows_below_the_minimum(
    coordinator_client, below_minimum
):
    above = ranked_application(below_minimum.call, score="80")

    html = coordinator_client.get(reverse("decisions:call", args=[below_minimum.call_id])).text

    def row(application) -> str:
        start = html.index(f'id="row-{application.pk}"')
        return html[start : html.index("</tr>", start)]

    assert "Dlaczego mimo oceny poniżej minimum" in row(below_minimum)
    assert "przyznanie grantu lub miejsca na liście rezerwowej wymaga uzasadnienia" in row(
        below_minimum
    )
    assert "below_threshold_reason" not in row(above)


def test_reserve_place_below_the_minimum_without_a_reason_is_refused_beside_the_field(
    coordinator_client, below_minimum
):
    response = post_decision(coordinator_client, below_minimum, outcome="reserve")

    assert response.status_code == 400
    assert error_beside(response.text, below_minimum, "below_threshold_reason").startswith(
        "Ocena wniosku (54,50) jest niższa od minimum naboru (60,00)."
    )
    assert not Decision.objects.exists()


def test_reserve_place_below_the_minimum_with_a_reason_is_shown_on_the_decision_and_its_history(
    coordinator_client, below_minimum
):
    response = post_decision(
        coordinator_client, below_minimum, outcome="reserve", below_threshold_reason=REASON
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=below_minimum)
    assert decision.below_threshold_reason == REASON

    html = coordinator_client.get(reverse("decisions:detail", args=[decision.pk])).text

    shown = re.search(r"data-below-threshold-reason>(.*?)</dd>", html, re.S)
    assert shown.group(1).strip() == REASON
    history = html[html.index('id="history-heading"') :]
    assert re.search(
        r"Dlaczego mimo oceny poniżej minimum:</span>\s*<ins>" + re.escape(REASON), history
    )

"""The committee's justification keeps its limit however a decision is recorded."""

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import CoordinatorFactory
from decisions.enums import DecisionOutcome
from decisions.models import Decision
from decisions.services import decision_record
from reviews.tests.builders import accepted_application, call_with_criteria

pytestmark = pytest.mark.django_db


def test_decision_record_refuses_a_justification_over_its_limit():
    application = accepted_application(call_with_criteria())
    with pytest.raises(ValidationError) as refused:
        decision_record(
            application=application,
            outcome=DecisionOutcome.REJECTED,
            justification="Za mało szczegółów. " * 260,
            by=CoordinatorFactory(),
        )
    assert list(refused.value.message_dict) == ["justification"]
    assert not Decision.objects.exists()

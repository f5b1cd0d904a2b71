"""Once reviewers have scored a call, its criteria keep their points, weights and number.

The coordinator tries each change through the call's edit page, as a browser
sends it; the wording of a criterion can still be fixed, and is recorded.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from grants.models import Criterion
from grants.tests.test_manage_views import call_post_data
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory(full_name="Koordynatorka Zofia Nowak")


@pytest.fixture
def call():
    return call_with_criteria(title="Klimat na podwórku 2027", reviewers_per_application=2)


def scored(call):
    """One review of one application submitted: both criteria have scores."""
    application = accepted_application(call)
    reviewers_in_pool(call, 2)
    assign_all(call)
    submit_review(
        ReviewAssignment.objects.filter(application=application).first(),
        {"Pomysł": 8, "Budżet": 4},
    )


def edit_post(call, **changes) -> dict[str, str]:
    """The call's edit page as sent with its criteria as they are, then `changes`."""
    criteria = list(call.criteria.order_by("position"))
    data = call_post_data(
        slug=call.slug,
        reference_code=call.reference_code,
        title=call.title,
        **{
            "criteria-TOTAL_FORMS": str(len(criteria)),
            "criteria-INITIAL_FORMS": str(len(criteria)),
        },
    )
    for index, criterion in enumerate(criteria):
        data.update(
            {
                f"criteria-{index}-id": str(criterion.pk),
                f"criteria-{index}-name": criterion.name,
                f"criteria-{index}-guidance": criterion.guidance,
                f"criteria-{index}-max_points": str(criterion.max_points),
                f"criteria-{index}-weight": str(criterion.weight),
                f"criteria-{index}-ORDER": str(index + 1),
            }
        )
    data.update(changes)
    return data


def save(client, call, data):
    return client.post(reverse("manage:call_edit", args=[call.pk]), data)


def as_stored(call) -> list[tuple]:
    return [(c.name, c.max_points, c.weight) for c in call.criteria.order_by("position")]


@pytest.mark.parametrize(
    ("field", "value"), [("max_points", "20"), ("weight", "3")], ids=["max_points", "weight"]
)
def test_a_scored_criterion_keeps_its_points_and_weight(client, coordinator, call, field, value):
    scored(call)
    client.force_login(coordinator)
    response = save(client, call, edit_post(call, **{f"criteria-0-{field}": value}))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "Kryterium „Pomysł” ma już oceny recenzentów, więc nie można zmienić jego maksymalnej "
        "liczby punktów ani wagi. Nadal możesz poprawić jego nazwę i wskazówki."
    ]
    assert as_stored(call) == [("Pomysł", 10, Decimal("2")), ("Budżet", 5, Decimal("1"))]


def test_no_criterion_is_added_once_scoring_started(client, coordinator, call):
    scored(call)
    client.force_login(coordinator)
    data = edit_post(
        call,
        **{
            "criteria-TOTAL_FORMS": "3",
            "criteria-2-name": "Wpływ na klimat",
            "criteria-2-guidance": "",
            "criteria-2-max_points": "10",
            "criteria-2-weight": "1",
            "criteria-2-ORDER": "3",
        },
    )
    response = save(client, call, data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "Recenzenci zaczęli już oceniać wnioski w tym naborze: nie można dodać kryterium."
    ]
    assert 'value="Wpływ na klimat"' in response.text
    assert call.criteria.count() == 2


def test_a_scored_criterions_wording_is_fixed_and_recorded(client, coordinator, call):
    scored(call)
    client.force_login(coordinator)
    data = edit_post(
        call,
        **{
            "criteria-0-name": "Pomysł i jego trafność",
            "criteria-0-guidance": "Czy pomysł odpowiada na problem?",
        },
    )
    assert save(client, call, data).status_code == 302
    criterion = Criterion.objects.get(call=call, position=0)
    assert (criterion.name, criterion.max_points) == ("Pomysł i jego trafność", 10)
    record = criterion.history.latest()
    assert (record.history_user, record.prev_record.name) == (coordinator, "Pomysł")
    # The other criterion did not change, so it was not saved again.
    assert Criterion.history.filter(name="Budżet").count() == 1


def test_before_scoring_points_weights_and_criteria_can_change(client, coordinator, call):
    accepted_application(call)  # applications in, nobody has scored yet
    client.force_login(coordinator)
    data = edit_post(
        call,
        **{
            "criteria-0-max_points": "20",
            "criteria-1-weight": "3",
            "criteria-TOTAL_FORMS": "3",
            "criteria-2-name": "Wpływ na klimat",
            "criteria-2-guidance": "",
            "criteria-2-max_points": "10",
            "criteria-2-weight": "1",
            "criteria-2-ORDER": "3",
        },
    )
    assert save(client, call, data).status_code == 302
    assert as_stored(call) == [
        ("Pomysł", 20, Decimal("2")),
        ("Budżet", 5, Decimal("3")),
        ("Wpływ na klimat", 10, Decimal("1")),
    ]

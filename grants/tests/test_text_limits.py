"""A call's texts have limits a real programme never reaches: refused beside the field, with a counter.

The limits hold in the services too (model validation), so a request that
skips the form can't store a novel either.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from grants.models import Criterion, GrantCall
from grants.services import call_save
from grants.tests.factories import GrantCallFactory
from grants.tests.test_manage_views import call_post_data

pytestmark = pytest.mark.django_db

LIMITS = {
    "description": 10_000,
    "eligibility": 5_000,
    "privacy_notice": 10_000,
    "impartiality_declaration": 3_000,
}


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_call_text_over_its_limit_is_refused_beside_the_field_and_kept(client, field, limit):
    client.force_login(CoordinatorFactory())
    typed = ("Zieleń na podwórkach. " * (limit // 20)).strip()
    assert len(typed) > limit
    response = client.post(reverse("manage:call_create"), call_post_data(**{field: typed}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        f"Upewnij się, że ta wartość ma co najwyżej {limit} znaków (obecnie ma {len(typed)})."
    ]
    assert typed in response.text  # nothing typed is lost
    assert not GrantCall.objects.exists()


def test_call_text_at_its_limit_is_saved(client):
    client.force_login(CoordinatorFactory())
    typed = "x" * LIMITS["description"]
    response = client.post(reverse("manage:call_create"), call_post_data(description=typed))
    assert response.status_code == 302
    assert GrantCall.objects.get().description == typed


def test_criterion_guidance_over_its_limit_is_refused_beside_it(client):
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("manage:call_create"), call_post_data(**{"criteria-0-guidance": "?" * 2001})
    )
    assert response.status_code == 200
    assert "guidance" in response.context["formset"].forms[0].errors
    assert not GrantCall.objects.exists()


def test_call_form_states_each_limit_with_a_counter(client):
    client.force_login(CoordinatorFactory())
    html = client.get(reverse("manage:call_create")).text
    for field, limit in LIMITS.items():
        (tag,) = re.findall(rf'<textarea[^>]*name="{field}"[^>]*>', html)
        assert f'maxlength="{limit}"' in tag
        assert "data-char-count" in tag


def test_call_save_refuses_an_over_long_description_however_it_is_called():
    call = GrantCallFactory.build(description="x" * 10_001)
    with pytest.raises(ValidationError) as refused:
        call_save(call=call, criteria_to_save=[], by=CoordinatorFactory())
    assert "description" in refused.value.error_dict
    assert not GrantCall.objects.exists()


def test_call_save_refuses_over_long_criterion_guidance():
    call = GrantCallFactory()
    criterion = Criterion(name="Pomysł", guidance="?" * 2001, max_points=10)
    with pytest.raises(ValidationError) as refused:
        call_save(call=call, criteria_to_save=[criterion], by=CoordinatorFactory())
    assert "guidance" in refused.value.error_dict
    assert not Criterion.objects.exists()

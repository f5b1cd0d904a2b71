from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from demo.programme import DEMO_PASSWORD, PEOPLE
from grants.enums import CallPhase
from grants.models import Criterion, GrantCall

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _attachments_in_a_temporary_folder(settings, tmp_path):
    # The demo's applications carry a few PDF attachments.
    settings.MEDIA_ROOT = tmp_path / "media"


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=StringIO())
    counts = (User.objects.count(), GrantCall.objects.count(), Criterion.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (User.objects.count(), GrantCall.objects.count(), Criterion.objects.count()) == counts
    # The six named accounts, plus the demo applicants (see demo/applications.py).
    named = {person.email for person in PEOPLE}
    assert named <= set(User.objects.values_list("email", flat=True))


def test_every_demo_account_can_log_in(client):
    call_command("load_demo", stdout=StringIO())  # one load for all six: a load takes seconds
    for person in PEOPLE:
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": person.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, person.email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=person.email).pk)


def test_demo_coordinator_reaches_the_manage_area_and_sees_three_calls(client):
    call_command("load_demo", stdout=StringIO())
    phases = {call.phase() for call in GrantCall.objects.all()}
    assert {CallPhase.ACCEPTING, CallPhase.UPCOMING} <= phases
    # Past their deadline: in review (the closed call) and with results published (decided).
    assert {CallPhase.IN_REVIEW, CallPhase.DECIDED} <= phases
    assert sum(1 for call in GrantCall.objects.all() if call.phase() == CallPhase.ACCEPTING) == 1
    for call in GrantCall.objects.all():
        assert 4 <= call.criteria.count() <= 6
        assert call.programme == "Aktywni dla klimatu"
    client.login(email="koordynator@example.org", password=DEMO_PASSWORD)
    assert client.get(reverse("manage:home")).status_code == 200
    client.login(email="wnioskodawca1@example.org", password=DEMO_PASSWORD)
    assert client.get(reverse("manage:home")).status_code == 403

"""Workshop mode: a coordinator opens it for a call for a few hours; sign-ups through the call's
workshop link skip the per-address sign-up limit while it is open."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from grants.models import Workshop
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

SCHOOL = "203.0.113.7"
# Two sign-ups per address instead of forty, so that the limit is reached in a few requests.
TWO_PER_ADDRESS = {**settings.ACCOUNT_RATE_LIMITS, "signup_address": "2/10m/ip"}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def workshop_page(call):
    return reverse("manage:call_workshop", args=[call.pk])


def open_workshop(client, call, hours=3):
    return client.post(workshop_page(call), {"open": "1", "hours": str(hours)})


def sign_up(client, email, capture=None, next_url=None):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if next_url:
        data["next"] = next_url  # the form's hidden field, from the sign-up page's ?next=
    if capture is None:
        return client.post(reverse("account_signup"), data)
    with capture(execute=True):
        return client.post(reverse("account_signup"), data)


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


def test_workshop_open_shows_until_when_with_the_link_and_on_the_call_page(coordinator_client):
    call = GrantCallFactory(slug="lato-2027")

    response = open_workshop(coordinator_client, call, hours=3)

    assert response.status_code == 302
    workshop = Workshop.objects.get(call=call)
    assert workshop.until - workshop.opened_at == timedelta(hours=3)
    until = timezone.localtime(workshop.until)
    page = text(coordinator_client.get(workshop_page(call)))
    assert f"Tryb warsztatowy jest włączony do {until:%-d}" in page
    assert f"{until:%H:%M}" in page
    assert (
        "http://testserver/calls/lato-2027/workshop/"
        in coordinator_client.get(workshop_page(call)).content.decode()
    )
    call_page = text(coordinator_client.get(reverse("manage:call_edit", args=[call.pk])))
    assert "Tryb warsztatowy jest włączony do" in call_page


def test_workshop_open_records_who_and_refuses_a_second_or_a_too_long_one(coordinator_client):
    call = GrantCallFactory()
    open_workshop(coordinator_client, call, hours=8)

    again = coordinator_client.post(workshop_page(call), {"open": "1", "hours": "2"}, follow=True)
    too_long = Workshop.objects.filter(call=GrantCallFactory()).exists()

    assert "Tryb warsztatowy jest już włączony dla tego naboru" in text(again)
    assert Workshop.objects.filter(call=call).count() == 1
    assert Workshop.objects.get(call=call).opened_by.email == again.wsgi_request.user.email
    other = GrantCallFactory()
    refused = coordinator_client.post(workshop_page(other), {"open": "1", "hours": "9"})
    assert refused.status_code == 200
    assert not too_long
    assert not Workshop.objects.filter(call=other).exists()


def test_workshop_refused_for_a_draft_call(coordinator_client):
    call = GrantCallFactory(draft=True)

    response = open_workshop(coordinator_client, call)

    assert not Workshop.objects.exists()
    assert "Najpierw opublikuj nabór" in text(coordinator_client.get(response["Location"]))


def test_workshop_end_early_closes_it_and_keeps_the_record(coordinator_client):
    call = GrantCallFactory()
    open_workshop(coordinator_client, call)

    response = coordinator_client.post(workshop_page(call), {"end": "1"}, follow=True)

    workshop = Workshop.objects.get(call=call)
    assert workshop.ended_at is not None
    assert workshop.ended_by is not None
    page = text(response)
    assert "Tryb warsztatowy jest wyłączony" in page
    assert "zakończony wcześniej przez" in page
    assert "Otwórz tryb warsztatowy" in page


def test_workshop_closes_by_itself_when_its_hours_pass(coordinator_client):
    call = GrantCallFactory()
    open_workshop(coordinator_client, call, hours=1)
    Workshop.objects.update(until=timezone.now() - timedelta(seconds=1))

    page = text(coordinator_client.get(workshop_page(call)))
    link = Client().get(reverse("grants:workshop_join", args=[call.slug]), follow=True)

    assert "jest włączony do" not in page
    assert "Otwórz tryb warsztatowy" in page
    assert "Tryb warsztatowy nie jest teraz włączony dla tego naboru" in text(link)


@override_settings(ACCOUNT_RATE_LIMITS=TWO_PER_ADDRESS)
def test_workshop_link_lets_the_room_sign_up_past_the_address_limit_until_it_ends(
    coordinator_client, django_capture_on_commit_callbacks
):
    call = GrantCallFactory()
    for n in range(2):
        assert sign_up(Client(REMOTE_ADDR=SCHOOL), f"przed{n}@example.org").status_code == 302
    assert sign_up(Client(REMOTE_ADDR=SCHOOL), "bez-linku@example.org").status_code == 200

    open_workshop(coordinator_client, call)
    pupil = Client(REMOTE_ADDR=SCHOOL)
    joined = pupil.get(reverse("grants:workshop_join", args=[call.slug]))
    form = pupil.get(joined["Location"])
    next_url = reverse("grants:call_detail", args=[call.slug])
    signed_up = sign_up(
        pupil, "na-warsztatach@example.org", django_capture_on_commit_callbacks, next_url
    )
    outsider = sign_up(Client(REMOTE_ADDR=SCHOOL), "bez-linku@example.org")

    assert joined["Location"].startswith(reverse("account_signup") + "?next=")
    assert f"na warsztatach naboru „{call.title}”" in text(form)
    assert f'name="next" value="{next_url}"' in form.content.decode()
    assert signed_up.status_code == 302
    assert Workshop.objects.get(call=call).sign_ups == 1
    assert outsider.status_code == 200
    assert "Z Twojej sieci założono przed chwilą wiele kont" in text(outsider)
    # Confirming the address brings the pupil back to the call's page.
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    confirmed = pupil.post(re.sub(r"^https?://[^/]+", "", link))
    assert confirmed["Location"] == next_url

    coordinator_client.post(workshop_page(call), {"end": "1"})
    late = Client(REMOTE_ADDR=SCHOOL)
    late.get(reverse("grants:workshop_join", args=[call.slug]))
    assert sign_up(late, "po-warsztatach@example.org").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "applicant"])
def test_workshop_page_is_for_coordinators_only(client, who):
    call = GrantCallFactory()
    if who == "applicant":
        client.force_login(UserFactory())

    get = client.get(workshop_page(call))
    post = client.post(workshop_page(call), {"open": "1", "hours": "3"})

    if who == "anonymous":
        assert get.status_code == 302
        assert get["Location"].startswith(reverse("account_login"))
    else:
        assert get.status_code == 403
        assert post.status_code == 403
    assert not Workshop.objects.exists()


def test_workshop_link_of_a_draft_call_is_not_found(client):
    call = GrantCallFactory(draft=True)

    assert client.get(reverse("grants:workshop_join", args=[call.slug])).status_code == 404

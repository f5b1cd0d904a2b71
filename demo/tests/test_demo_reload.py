"""Loading the demo again (`make run` loads it on every start) changes nothing that is there."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.utils import timezone

from grants.enums import ALLOWED_TRANSITIONS, CallStatus
from grants.models import GrantCall

# Queued tasks are dropped, not run: no e-mails, no PDF rendering.
DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def load_demo() -> None:
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def quiet(settings, tmp_path):
    settings.TASKS = DROP_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_load_demo_twice_leaves_every_row_as_the_first_load_left_it(loaded_demo):
    # The package loads the demo into an empty database, then again (demo/tests/conftest.py).
    first, second = loaded_demo.first, loaded_demo.second

    changed = {label: rows for label, rows in second.items() if rows != first[label]}
    assert {label: len(first[label]) for label in changed} == {}
    # The snapshot holds the whole story: applications, letters, and a call in each state.
    assert len(first["applicants.Application"]) > 60
    assert len(first["decisions.DecisionLetter"]) >= 20
    assert dict(GrantCall.objects.values_list("slug", "status")) == {
        "klimat-w-sasiedztwie": CallStatus.OPEN,  # taking applications
        "chlodne-podworka": CallStatus.OPEN,  # upcoming
        "zielone-szkoly": CallStatus.IN_REVIEW,
        "rowerowa-szkola": CallStatus.DECIDED,
        "klimatyczne-podworka": CallStatus.ARCHIVED,
    }


@pytest.mark.django_db
def test_load_demo_moves_every_call_through_allowed_moves_in_the_past(loaded_demo):

    now = timezone.now()
    for call in GrantCall.objects.prefetch_related("status_changes"):
        changes = list(call.status_changes.all())  # ordered by moment
        assert changes[0].old_status == CallStatus.DRAFT, call.slug
        for change, following in pairwise(changes):
            assert following.old_status == change.new_status, call.slug
        for change in changes:
            assert change.new_status in ALLOWED_TRANSITIONS[change.old_status], call.slug
            assert change.by.email == "koordynator@example.org"
        assert changes[-1].new_status == call.status
        assert changes[-1].at < now
        assert call.published_at == changes[0].at < call.opens_at


@pytest.mark.django_db
def test_load_demo_moves_a_call_an_earlier_version_put_back_on_through_the_services(
    loaded_demo, quiet
):
    # What loading the demo of an earlier version again did to the calls past their deadline.
    GrantCall.objects.filter(slug__in=["rowerowa-szkola", "zielone-szkoly"]).update(
        status=CallStatus.CLOSED
    )

    load_demo()

    decided = GrantCall.objects.get(slug="rowerowa-szkola")
    assert decided.status == CallStatus.DECIDED
    assert list(decided.status_changes.values_list("old_status", "new_status"))[-2:] == [
        (CallStatus.CLOSED, CallStatus.IN_REVIEW),
        (CallStatus.IN_REVIEW, CallStatus.DECIDED),
    ]
    assert GrantCall.objects.get(slug="zielone-szkoly").status == CallStatus.IN_REVIEW

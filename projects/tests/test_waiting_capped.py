"""The coordinators' start page counts what waits per call up to a cap ("99+"): below it the
counts are exact, the same as the grants' progress worked out one grant at a time."""

import re
from collections import Counter

import pytest
from django.urls import reverse

import core.waiting
from accounts.tests.factories import CoordinatorFactory
from grants.tests.factories import GrantCallFactory
from projects.models import Grant
from projects.progress import WaitingWhom
from projects.selectors import grants_with_progress, with_waiting_for
from projects.tests.progress_rows import grant_at
from projects.waiting import COUNTED_BY_STATE, _coordinator_text, coordinator_waiting

pytestmark = pytest.mark.django_db

STAGES = (
    "new",
    "ready",
    "sent",
    "signed_by_grantee",
    "payment_due",
    "active",
    "account_change",
    "report_submitted",
    "settled_return",
    "settled_payment",
    "settled",
    "closed",
    "terminated",
)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_coordinator_start_page_shows_99_plus_once_more_wait_than_it_counts(client, monkeypatch):
    monkeypatch.setattr(core.waiting, "WAITING_CAP", 3)
    call = GrantCallFactory(title="Klimat 2027")
    for _ in range(4):
        grant_at("ready", application__call=call)
    client.force_login(CoordinatorFactory())
    page = text(client.get(reverse("manage_root")))
    assert "2+ umowy do wysłania" in page
    assert "4 umowy do wysłania" not in page


def test_coordinator_start_page_counts_exactly_below_the_cap(client, monkeypatch):
    monkeypatch.setattr(core.waiting, "WAITING_CAP", 3)
    call = GrantCallFactory(title="Klimat 2027")
    grant_at("ready", application__call=call)
    grant_at("ready", application__call=call)
    client.force_login(CoordinatorFactory())
    page = text(client.get(reverse("manage_root")))
    assert "2 umowy do wysłania" in page
    assert "+ umowy" not in page


def test_coordinator_waiting_counts_equal_the_progress_of_each_grant():
    call = GrantCallFactory(title="Klimat 2027")
    for stage in STAGES:
        grant_at(stage, application__call=call)
        grant_at(stage, application__call=call)
    grants = with_waiting_for(grants_with_progress(Grant.objects.filter(call=call)))
    expected = Counter(
        COUNTED_BY_STATE[grant.state]
        for grant in grants
        if grant.waiting_for.whom == WaitingWhom.COORDINATOR
        and grant.state in COUNTED_BY_STATE
        and not (grant.state == "settled" and grant.payments_due_count)
    )
    assert expected  # the mix has grants waiting for a coordinator
    shown = {item.text for item in coordinator_waiting(user=None, now=None)}
    for name in COUNTED_BY_STATE.values():
        counted = {
            text for text in shown if text in {_coordinator_text(name, n) for n in range(1, 30)}
        }
        assert counted == ({_coordinator_text(name, expected[name])} if expected[name] else set())

"""What every visitor sees: the home page and a call's page."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.enums import CallStatus
from grants.tests.factories import CriterionFactory, GrantCallFactory

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")
NBSP = "\u00a0"


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_home_sorts_calls_into_open_upcoming_and_closed(client):
    GrantCallFactory(title="Trwający nabór")
    GrantCallFactory(title="Przyszły nabór", upcoming=True)
    GrantCallFactory(title="Po terminie", past_deadline=True)
    GrantCallFactory(title="Zamknięty nabór", past_deadline=True, status=CallStatus.CLOSED)
    GrantCallFactory(title="Szkic", draft=True)
    html = client.get(reverse("home")).text
    assert "Trwający nabór" in section(html, "open-calls-heading")
    assert "Przyszły nabór" in section(html, "upcoming-calls-heading")
    closed = section(html, "closed-calls-heading")
    assert "Po terminie" in closed and "Zamknięty nabór" in closed
    assert "Szkic" not in html


def test_home_runs_fixed_number_of_queries(client, django_assert_max_num_queries):
    GrantCallFactory()
    with django_assert_max_num_queries(3) as few:
        client.get(reverse("home"))
    GrantCallFactory.create_batch(20)
    GrantCallFactory.create_batch(10, upcoming=True)
    GrantCallFactory.create_batch(10, past_deadline=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))
    assert response.text.count("call-card") >= 41


@pytest.mark.parametrize(
    ("closes_at", "shown"),
    [
        (datetime(2099, 3, 15, 23, 59, tzinfo=WARSAW), "do 15 marca 2099, 23:59 czasu polskiego"),
        (datetime(2099, 7, 15, 23, 59, tzinfo=WARSAW), "do 15 lipca 2099, 23:59 czasu polskiego"),
    ],
)
def test_call_page_shows_deadline_in_polish_time_winter_and_summer(client, closes_at, shown):
    call = GrantCallFactory(closes_at=closes_at)
    utc_offset = closes_at.utcoffset()
    assert call.closes_at.astimezone(ZoneInfo("UTC")).hour == 23 - int(
        utc_offset.total_seconds() // 3600
    )
    html = client.get(call.get_absolute_url()).text
    assert shown in html
    assert "zostało" in html


def test_call_page_in_english_on_request(client):
    call = GrantCallFactory(closes_at=datetime(2099, 3, 15, 23, 59, tzinfo=WARSAW))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(call.get_absolute_url()).text
    assert "until 15 March 2099, 23:59 Polish time" in html
    assert '<html lang="en">' in html


def test_call_page_shows_rules_criteria_and_money(client):
    call = GrantCallFactory(
        min_amount=Decimal("1000"),
        max_amount=Decimal("5000"),
        total_budget=Decimal("60000"),
        own_contribution_percent=Decimal("10"),
        eligibility="Osoby w wieku 16–30 lat.",
    )
    CriterionFactory(
        call=call, name="Zaangażowanie społeczności", max_points=10, weight=Decimal("1.5")
    )
    html = client.get(call.get_absolute_url()).text
    assert f"60{NBSP}000,00{NBSP}zł" in html
    assert f"5{NBSP}000,00{NBSP}zł" in html
    assert "Zaangażowanie społeczności" in html
    assert "0–10" in html
    assert "Osoby w wieku 16–30 lat." in html
    assert "10%" in html


def test_apply_button_leads_anonymous_visitor_to_sign_up(client):
    call = GrantCallFactory()
    html = client.get(call.get_absolute_url()).text
    assert reverse("account_signup") + "?next=" in html


def test_upcoming_call_shows_opening_moment_and_no_apply_button(client):
    opens = timezone.now() + timedelta(days=10)
    call = GrantCallFactory(opens_at=opens, closes_at=opens + timedelta(days=30))
    html = client.get(call.get_absolute_url()).text
    assert reverse("account_signup") + "?next=" not in html
    assert "Wkrótce" in html


def test_unknown_call_is_404(client):
    assert client.get(reverse("grants:call_detail", args=["nie-ma"])).status_code == 404

"""The coordinators' area, tested from the outside: URLs, forms, permissions."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.enums import CallStatus
from grants.models import CallStatusChange, GrantCall
from grants.tests.factories import CriterionFactory, GrantCallFactory

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def manage_urls(call):
    return [
        reverse("manage:home"),
        reverse("manage:call_create"),
        reverse("manage:call_edit", args=[call.pk]),
        reverse("manage:call_close", args=[call.pk]),
        reverse("manage:call_workshop", args=[call.pk]),
    ]


def call_post_data(**overrides):
    data = {
        "programme": "Aktywni dla klimatu",
        "title": "Zielone podwórka 2027",
        "slug": "zielone-podworka-2027",
        "reference_code": "ZP",
        "description": "Granty na zieleń i cień na podwórkach.",
        "eligibility": "Grupy nieformalne i organizacje pozarządowe.",
        "min_amount": "1000",
        "max_amount": "5000",
        "total_budget": "40000",
        "own_contribution_percent": "10",
        "opens_at": "2027-01-10T09:00",
        "closes_at": "2027-03-15T23:59",
        "reviewers_per_application": "2",
        "discrepancy_threshold": "25",
        "min_score": "60",
        "min_age": "16",
        "max_age": "30",
        "max_attachments": "5",
        "max_attachment_mb": "10",
        "correction_days": "7",
        "privacy_notice": "Administratorem danych jest operator programu.",
        "final_score_rule": "mean_all",
        "acceptance_days": "7",
        "impartiality_declaration": "Oświadczam, że jestem bezstronny.",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": "Trafność diagnozy",
        "criteria-0-guidance": "Czy problem jest dobrze opisany?",
        "criteria-0-max_points": "10",
        "criteria-0-weight": "1.5",
        "criteria-0-ORDER": "2",
        "criteria-1-name": "Realność budżetu",
        "criteria-1-guidance": "",
        "criteria-1-max_points": "5",
        "criteria-1-weight": "1",
        "criteria-1-ORDER": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer"])
def test_manage_urls_refuse_everyone_but_coordinators(client, who):
    call = GrantCallFactory()
    if who != "anonymous":
        client.force_login(UserFactory())
    for url in manage_urls(call):
        for method in (client.get, client.post):
            response = method(url)
            if who == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("account_login")), url
            else:
                assert response.status_code == 403, url
            assert call.title.encode() not in response.content
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_manage_home_lists_every_call_for_coordinator(client):
    draft = GrantCallFactory(draft=True, title="Szkic naboru")
    published = GrantCallFactory(title="Opublikowany nabór")
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("manage:home"))
    assert response.status_code == 200
    assert draft.title in response.text
    assert published.title in response.text


def test_manage_home_offers_each_call_only_the_moves_its_status_allows(client):
    draft = GrantCallFactory(draft=True)
    open_call = GrantCallFactory()
    closed = GrantCallFactory(status=CallStatus.CLOSED)
    decided = GrantCallFactory(status=CallStatus.DECIDED, past_deadline=True)
    client.force_login(CoordinatorFactory())

    html = client.get(reverse("manage:home")).text

    def offered(name, call):
        return reverse(name, args=[call.pk]) in html

    calls = [draft, open_call, closed, decided]
    assert [offered("applicants_manage:list", call) for call in calls] == [False, True, True, True]
    assert [offered("manage:call_close", call) for call in calls] == [False, True, False, False]
    assert [offered("manage:call_archive", call) for call in calls] == [False, False, True, True]


def test_manage_home_runs_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(CoordinatorFactory())
    GrantCallFactory.create_batch(3)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("manage:home"))
    CriterionFactory.create_batch(2, call=GrantCallFactory())
    GrantCallFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("manage:home"))
    assert response.status_code == 200


def test_coordinator_creates_draft_call_with_ordered_criteria(client):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    response = client.post(reverse("manage:call_create"), call_post_data())
    call = GrantCall.objects.get(slug="zielone-podworka-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:call_edit", args=[call.pk])
    assert call.status == CallStatus.DRAFT
    assert call.created_by == coordinator
    assert [c.name for c in call.criteria.all()] == ["Realność budżetu", "Trafność diagnozy"]
    assert call.criteria.get(name="Trafność diagnozy").weight == Decimal("1.5")


def test_draft_call_is_not_public(client):
    call = GrantCallFactory(draft=True)
    assert client.get(call.get_absolute_url()).status_code == 404
    assert call.title not in client.get(reverse("home")).text


def test_coordinator_publishes_call_and_it_appears_on_home(client):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    data = call_post_data(opens_at="2026-01-01T09:00", closes_at="2099-03-15T23:59")
    client.post(reverse("manage:call_create"), {**data, "publish": "1"})
    call = GrantCall.objects.get(slug="zielone-podworka-2027")
    assert call.status == CallStatus.OPEN
    assert call.published_at is not None
    change = CallStatusChange.objects.get(call=call)
    assert (change.old_status, change.new_status, change.by) == ("draft", "open", coordinator)
    client.logout()
    assert call.title in client.get(reverse("home")).text


def test_publishing_without_criteria_is_refused_and_keeps_what_was_typed(client):
    client.force_login(CoordinatorFactory())
    data = call_post_data(**{"criteria-TOTAL_FORMS": "1"})
    for key in [k for k in data if k.startswith("criteria-0-") or k.startswith("criteria-1-")]:
        data.pop(key)
    # The untouched empty row a browser sends (the weight field starts at 1).
    data.update({"criteria-0-name": "", "criteria-0-max_points": "", "criteria-0-weight": "1"})
    data["closes_at"] = "2099-03-15T23:59"
    response = client.post(reverse("manage:call_create"), {**data, "publish": "1"})
    assert response.status_code == 200
    assert not GrantCall.objects.exists()
    assert "Przed publikacją dodaj co najmniej jedno kryterium oceny." in response.text
    assert 'value="Zielone podwórka 2027"' in response.text
    assert "Granty na zieleń i cień na podwórkach." in response.text


def test_closing_before_opening_is_refused_beside_the_field(client):
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("manage:call_create"),
        call_post_data(opens_at="2027-03-20T09:00", closes_at="2027-03-15T23:59"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["closes_at"] == ["Nabór musi się kończyć po dacie otwarcia."]
    assert 'value="2027-03-15T23:59"' in response.text
    assert not GrantCall.objects.exists()


def test_max_amount_below_min_is_refused_beside_the_field(client):
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("manage:call_create"), call_post_data(min_amount="5000", max_amount="1000")
    )
    assert "max_amount" in response.context["form"].errors
    assert 'value="1000"' in response.text
    assert not GrantCall.objects.exists()


@pytest.mark.parametrize("weight", ["0", "-1"])
def test_non_positive_weight_is_refused_beside_the_criterion(client, weight):
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("manage:call_create"), call_post_data(**{"criteria-1-weight": weight})
    )
    formset = response.context["formset"]
    assert "weight" in formset.forms[1].errors
    assert 'value="Realność budżetu"' in response.text
    assert not GrantCall.objects.exists()


def test_coordinator_reorders_and_deletes_criteria(client):
    call = GrantCallFactory(draft=True)
    first = CriterionFactory(call=call, name="Pierwsze", position=0)
    second = CriterionFactory(call=call, name="Drugie", position=1)
    third = CriterionFactory(call=call, name="Trzecie", position=2)
    client.force_login(CoordinatorFactory())
    data = call_post_data(
        slug=call.slug,
        **{
            "criteria-TOTAL_FORMS": "3",
            "criteria-INITIAL_FORMS": "3",
        },
    )
    for index, (criterion, order) in enumerate([(first, 3), (second, 1), (third, 2)]):
        data.update(
            {
                f"criteria-{index}-id": str(criterion.pk),
                f"criteria-{index}-name": criterion.name,
                f"criteria-{index}-guidance": "",
                f"criteria-{index}-max_points": "10",
                f"criteria-{index}-weight": "1",
                f"criteria-{index}-ORDER": str(order),
            }
        )
    data["criteria-2-DELETE"] = "on"
    response = client.post(reverse("manage:call_edit", args=[call.pk]), data)
    assert response.status_code == 302
    assert [c.name for c in call.criteria.all()] == ["Drugie", "Pierwsze"]


def test_coordinator_closes_an_open_call_now(client):
    call = GrantCallFactory()
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    assert client.get(reverse("manage:call_close", args=[call.pk])).status_code == 200
    before = timezone.now()
    response = client.post(reverse("manage:call_close", args=[call.pk]), {"note": "Koniec"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert before <= call.closes_at <= timezone.now()
    assert call.status_changes.get().note == "Koniec"
    assert not call.is_accepting


def test_closing_a_draft_is_refused(client):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    client.post(reverse("manage:call_close", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


@pytest.mark.parametrize(
    ("typed", "expected_utc"),
    [
        ("2027-01-15T23:59", datetime(2027, 1, 15, 22, 59, tzinfo=ZoneInfo("UTC"))),  # CET, +1
        ("2027-07-15T23:59", datetime(2027, 7, 15, 21, 59, tzinfo=ZoneInfo("UTC"))),  # CEST, +2
    ],
)
def test_closing_moment_is_entered_in_warsaw_time_and_stored_in_utc(client, typed, expected_utc):
    client.force_login(CoordinatorFactory())
    client.post(
        reverse("manage:call_create"),
        call_post_data(opens_at="2027-01-01T09:00", closes_at=typed),
    )
    call = GrantCall.objects.get()
    assert call.closes_at == expected_utc
    response = client.get(reverse("manage:call_edit", args=[call.pk]))
    assert f'value="{typed}"' in response.text


def test_a_nonexistent_warsaw_time_is_refused(client):
    """02:30 on the last Sunday of March 2027 never happens in Warsaw (clocks jump 2:00 → 3:00)."""
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("manage:call_create"), call_post_data(closes_at="2027-03-28T02:30")
    )
    assert "closes_at" in response.context["form"].errors
    assert not GrantCall.objects.exists()


def test_call_form_reads_amounts_and_percentages_typed_with_a_decimal_comma(client):
    client.force_login(CoordinatorFactory())
    response = client.post(
        reverse("manage:call_create"),
        call_post_data(
            min_amount="1 000,50",
            max_amount="5\u00a0000",
            total_budget="40 000,00",
            own_contribution_percent="12,5",
            min_score="62,5",
            **{"criteria-0-weight": "1,5"},
        ),
    )
    assert response.status_code == 302
    call = GrantCall.objects.get()
    assert (call.min_amount, call.max_amount, call.total_budget) == (
        Decimal("1000.50"),
        Decimal("5000"),
        Decimal("40000"),
    )
    assert (call.own_contribution_percent, call.min_score) == (Decimal("12.5"), Decimal("62.5"))
    assert call.criteria.get(name="Trafność diagnozy").weight == Decimal("1.5")
    page = client.get(reverse("manage:call_edit", args=[call.pk])).text
    assert 'value="1\u00a0000,50"' in page
    assert 'value="12,5"' in page
    assert 'value="1,5"' in page
    for name in ("min_amount", "max_amount", "total_budget", "own_contribution_percent"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="text"' in tag and 'inputmode="decimal"' in tag, tag


def test_call_form_refuses_a_garbled_amount_beside_the_field(client):
    client.force_login(CoordinatorFactory())
    response = client.post(reverse("manage:call_create"), call_post_data(max_amount="5.000,00"))
    assert response.status_code == 200
    assert response.context["form"].errors["max_amount"] == [
        "Wpisz kwotę cyframi, np. 185,50 albo 1\u00a0234,56."
    ]
    assert 'value="5.000,00"' in response.text
    assert not GrantCall.objects.exists()

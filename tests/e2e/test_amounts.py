"""Amounts typed in a Polish browser, the budget against the call's rules, and the checks before
results are published, walked as their users walk them (Polish-locale Chromium).

Screenshots: var/screenshots/amounts-*.png at 1366 and 390 px.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.models import BudgetLine
from applicants.tests.builders import complete_draft
from applicants.tests.factories import ApplicationFactory
from decisions.enums import DecisionOutcome, DecisionState
from decisions.models import Decision
from decisions.services import decision_record
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory
from reviews.models import Review, ReviewAssignment
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"


def type_into(page, selector: str, text: str) -> None:
    """Replace a field's text by typing, key by key, as a person does (fill() would bypass it)."""
    field = page.locator(selector)
    field.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def test_applicant_types_an_amount_with_a_decimal_comma_and_sees_the_budget_over_the_maximum(
    page, live_server, axe, screenshot
):
    call = GrantCallFactory(
        title="Deszczówka na osiedlu", max_amount=Decimal("10000"), total_budget=Decimal("50000")
    )
    # Plants: 40 × 50,00 zł (200,00 zł own contribution); a digger: 3 × 250,50 zł.
    application = complete_draft(call=call)
    base = live_server.url
    log_in(page, base, application.applicant.email)
    assert page.evaluate("navigator.language").startswith("pl")
    budget_url = base + reverse("applicants:section", args=[application.pk, "budget"])
    page.goto(budget_url)
    unit_cost = 'input[name="budget-0-unit_cost"]'
    expect(page.locator(unit_cost)).to_have_value("50,00")
    expect(page.locator(unit_cost)).to_have_attribute("inputmode", "decimal")

    type_into(page, unit_cost, "185,50")
    # 40 × 185,50 = 7 420,00; with the digger's 751,50 the total is 8 171,50.
    expect(page.locator("[data-line-total]").first).to_have_text(f"7{NBSP}420,00{NBSP}zł")
    expect(page.locator("[data-total-cost]")).to_have_text(f"8{NBSP}171,50{NBSP}zł")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(page.locator(".alert-success").first).to_contain_text("Zapisano.")

    page.reload()
    expect(page.locator(unit_cost)).to_have_value("185,50")
    expect(page.locator("[data-total-cost]")).to_have_text(f"8{NBSP}171,50{NBSP}zł")
    expect(page.locator("[data-requested]")).to_have_text(f"7{NBSP}971,50{NBSP}zł")
    assert BudgetLine.objects.get(application=application, position=0).unit_cost == Decimal(
        "185.50"
    )
    problems = page.locator("[data-budget-problems]")
    expect(problems).to_be_hidden()

    # 40 × 300 zł takes the request over the call's maximum: said beside the total as it is typed…
    type_into(page, unit_cost, "300")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("przekracza maksimum naboru")
    # …and by the server once saved: the draft is kept, the warning stays after a reload.
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(page.locator(".alert-warning").first).to_contain_text(
        "Zapisano, ale budżet nie spełnia jeszcze zasad naboru"
    )
    page.reload()
    expect(problems).to_have_text(
        f"Wnioskowana kwota 12{NBSP}551,50{NBSP}zł przekracza maksimum naboru "
        f"(10{NBSP}000,00{NBSP}zł) o 2{NBSP}551,50{NBSP}zł."
    )
    expect(page.locator("[data-requested]")).to_have_class(re.compile(r"\btext-danger-emphasis\b"))
    axe(page, "budget over the maximum")
    page.locator("#budget-total").scroll_into_view_if_needed()
    screenshot("amounts-budget-over-maximum")

    # A garbled amount is refused beside the field and kept as typed.
    type_into(page, unit_cost, "12,3,4")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(page.locator(unit_cost)).to_have_value("12,3,4")
    expect(page.locator("main")).to_contain_text("Wpisz kwotę cyframi, np. 185,50")
    axe(page, "budget with a garbled amount")


def test_coordinator_publishes_only_after_confirming_the_unfinished_reviews(
    page, live_server, monkeypatch, axe, screenshot
):
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)
    coordinator = CoordinatorFactory(full_name="Zofia Koordynatorka")
    call = GrantCallFactory(title="Deszczówka na osiedlu", past_deadline=True)
    application = ranked_application(call, score=80, title="Ogród deszczowy przy szkole")
    late = ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=UserFactory(full_name="Roman Recenzent"),
        status="declared",
        due_at=timezone.now() + timedelta(days=2),
    )
    Review.objects.create(assignment=late, status="draft")
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        by=coordinator,
    )
    base = live_server.url
    log_in(page, base, coordinator.email)
    page.goto(base + reverse("decisions:publish", args=[call.pk]))
    reviews = page.locator("[data-unfinished-reviews]")
    expect(reviews).to_contain_text("Roman Recenzent")
    axe(page, "publish with an unfinished review")
    screenshot("amounts-publish-unfinished-reviews")

    page.get_by_role("button", name="Opublikuj zaznaczone decyzje").click()
    expect(page.locator("#unfinished-reviews-error")).to_contain_text(
        "1 recenzja nie została przesłana"
    )
    assert Decision.objects.get(call=call).state == DecisionState.DRAFT
    axe(page, "publish refused without the confirmation")

    page.get_by_label("Opublikuj bez 1 nieprzesłanej recenzji").check()
    page.get_by_role("button", name="Opublikuj zaznaczone decyzje").click()
    expect(page.locator(".alert-success").first).to_contain_text("opublikowan")
    assert Decision.objects.get(call=call).state == DecisionState.PUBLISHED


def test_coordinator_cannot_publish_while_the_call_is_open_or_the_formal_check_unfinished(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory()
    call = GrantCallFactory(title="Deszczówka na osiedlu", past_deadline=True)
    application = ranked_application(call, score=80)
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        by=coordinator,
    )
    waiting = ApplicationFactory(
        call=call, status=ApplicationStatus.SUBMITTED, title="Łąka kwietna przy bibliotece"
    )
    base = live_server.url
    log_in(page, base, coordinator.email)
    page.goto(base + reverse("decisions:publish", args=[call.pk]))
    blocked = page.locator("[data-publication-blocked]")
    expect(blocked).to_contain_text("czeka jeszcze na ocenę formalną")
    expect(blocked.get_by_role("link", name=waiting.reference_number)).to_be_visible()
    expect(page.get_by_role("button", name="Opublikuj zaznaczone decyzje")).to_have_count(0)
    axe(page, "publish blocked by the formal check")
    screenshot("amounts-publish-formal-check-unfinished")


def test_coordinator_gives_a_reason_for_a_reserve_place_below_the_minimum_score(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory()
    call = GrantCallFactory(
        title="Deszczówka na osiedlu", past_deadline=True, min_score=Decimal("60")
    )
    ranked_application(call, score=85, title="Ogród deszczowy przy szkole")
    low = ranked_application(call, score="54.5", title="Łąka kwietna przy bibliotece")
    base = live_server.url
    log_in(page, base, coordinator.email)
    page.goto(base + reverse("decisions:call", args=[call.pk]))
    row = page.locator(f"#row-{low.pk}")
    expect(row).to_contain_text("Dlaczego mimo oceny poniżej minimum")
    row.locator("select").select_option("reserve")
    row.get_by_role("button", name=re.compile("^Zapisz")).click()

    row = page.locator(f"#row-{low.pk}")
    expect(row.locator(".invalid-feedback")).to_contain_text(
        "Ocena wniosku (54,50) jest niższa od minimum naboru (60,00)"
    )
    axe(page, "reserve below the minimum refused")
    screenshot("amounts-reserve-below-minimum-refused")
    row.locator("textarea[name$='below_threshold_reason']").fill(
        "Jedyny projekt z dzielnicy bez żadnego grantu."
    )
    row.get_by_role("button", name=re.compile("^Zapisz")).click()
    expect(page.locator(".alert-success").first).to_be_visible()

    decision = Decision.objects.get(application=low)
    page.goto(base + reverse("decisions:detail", args=[decision.pk]))
    expect(page.locator("[data-below-threshold-reason]")).to_have_text(
        "Jedyny projekt z dzielnicy bez żadnego grantu."
    )
    expect(page.locator("#history-heading + div")).to_contain_text(
        "Dlaczego mimo oceny poniżej minimum"
    )
    axe(page, "decision with its reason")

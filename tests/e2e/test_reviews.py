"""A reviewer declares impartiality and scores; the coordinator sees the ranking and adds a third reviewer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # English pages: these tests follow the English msgids, whatever the Polish wording becomes.
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def scene(transactional_db):
    call = call_with_criteria(
        discrepancy_threshold=Decimal("25"), closes_at=timezone.now() + timedelta(days=1)
    )
    application = accepted_application(call, texts={"title": "Ogród na dachu szkoły"})
    reviewers = reviewers_in_pool(call, 3)
    assign_all(call)
    assignments = list(
        ReviewAssignment.objects.filter(application=application).select_related("reviewer")
    )
    # The first reviewer has already scored it highly.
    submit_review(assignments[0], {"Pomysł": 10, "Budżet": 5})
    return {
        "call": call,
        "application": application,
        "reviewers": reviewers,
        "assignments": assignments,
    }


def test_reviewer_scores_and_coordinator_adds_a_third_reviewer(
    page, browser, live_server, scene, axe, screenshot
):
    base = live_server.url
    second = scene["assignments"][1]
    log_in(page, base, second.reviewer.email)
    page.goto(base + reverse("reviews:dashboard"))
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    axe(page, "reviewer dashboard")
    screenshot("reviewer-dashboard")

    page.goto(base + reverse("reviews:assignment", args=[second.pk]))
    expect(page.get_by_role("heading", name="Declaration of impartiality")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(
        "Ogród na dachu szkoły"
    )  # nothing before the declaration
    axe(page, "declaration")
    screenshot("review-declaration")
    page.get_by_role("button", name="I declare impartiality").click()

    expect(page.locator("main")).to_contain_text("Ogród na dachu szkoły")
    criteria = {c.name: c for c in scene["call"].criteria.all()}
    page.locator(f"#id_points_{criteria['Pomysł'].pk}").fill("3")
    page.locator(f"#id_points_{criteria['Budżet'].pk}").fill("1")
    # (3/10 × 2 + 1/5 × 1) / 3 × 100 = 26,67 — shown while scoring.
    expect(page.locator("[data-review-total]")).to_contain_text("26,67")
    page.get_by_role("button", name="Submit review").click()  # justifications missing
    expect(page.locator("main")).to_contain_text("Justify")
    expect(page.locator(f"#id_points_{criteria['Pomysł'].pk}")).to_have_value("3")
    axe(page, "review form with errors")
    page.locator(f"#id_justification_{criteria['Pomysł'].pk}").fill(
        "Pomysł mało konkretny, brak diagnozy."
    )
    page.locator(f"#id_justification_{criteria['Budżet'].pk}").fill("Koszty zawyżone.")
    page.get_by_role("radio", name="Do not fund").check()
    screenshot("review-form")
    page.get_by_role("button", name="Submit review").click()
    page.get_by_role("button", name="Yes, submit the review").click()  # after the total
    expect(page.locator(".alert-success").first).to_be_visible()
    axe(page, "submitted review")

    # The coordinator: the ranking shows the discrepancy; one click adds a third reviewer.
    coordinator_context = browser.new_context(bypass_csp=True, locale="en-GB")
    coordinator = coordinator_context.new_page()
    boss = CoordinatorFactory()
    log_in(coordinator, base, boss.email)
    call = scene["call"]
    coordinator.goto(base + reverse("review_manage:ranking", args=[call.pk]))
    row = coordinator.locator("tr", has_text=scene["application"].reference_number)
    expect(row).to_contain_text("discrepancy")
    axe(coordinator, "ranking")
    coordinator.screenshot(path="var/screenshots/ranking-desktop.png", full_page=True)
    coordinator.goto(base + reverse("review_manage:application", args=[scene["application"].pk]))
    axe(coordinator, "application reviews")
    coordinator.get_by_role("button", name="Add an extra reviewer").first.click()
    expect(coordinator.locator(".alert-success").first).to_be_visible()
    assert ReviewAssignment.objects.filter(application=scene["application"]).active().count() == 3
    coordinator.goto(base + reverse("review_manage:assignments", args=[call.pk]))
    axe(coordinator, "assignments")
    coordinator.goto(base + reverse("review_manage:pool", args=[call.pk]))
    axe(coordinator, "reviewer pool")
    coordinator_context.close()

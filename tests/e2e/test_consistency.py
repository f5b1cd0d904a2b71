"""One way to write things, in both languages: the committee's decisions page and an applicant's history.

A Polish-speaking coordinator assigns reviewers and publishes the results; the
applicant reads what happened in Polish, switches to English with the language
buttons and reads the same history in English. Numbers keep their decimal comma
and deadlines are dates in both. Screenshots: var/screenshots/consistency-*.png.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory
from core.formatting import format_deadline, format_money
from decisions.models import Decision
from decisions.services import decision_record, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf
from grants.tests.factories import deadline_passes
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


def as_user(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email)


def switch_language(page, code: str) -> None:
    """The language buttons in the header (the desktop layout shows them)."""
    page.locator(f"form[action='{reverse('set_language')}'] button[value='{code}']").click()


@pytest.fixture
def scored_call(monkeypatch):
    """A call of 20 000 zł: one application scored 76,67 (awarded, a draft), one scored 60,00."""
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)
    call = call_with_criteria(
        title="Zielone podwórka 2027", total_budget=Decimal("20000"), acceptance_days=14
    )
    with translation.override("pl"):  # the coordinator works in Polish
        first = accepted_application(call, texts={"title": "Ogród deszczowy przy szkole"})
        second = accepted_application(call, texts={"title": "Łąka kwietna przy bibliotece"})
        reviewers_in_pool(call, 2)
        assign_all(call)
        for application, points in (
            (first, [{"Pomysł": 7, "Budżet": 3}, {"Pomysł": 9, "Budżet": 4}]),
            (second, [{"Pomysł": 6, "Budżet": 3}, {"Pomysł": 6, "Budżet": 3}]),
        ):
            assignments = ReviewAssignment.objects.filter(application=application).order_by("pk")
            for assignment, scores in zip(assignments, points, strict=True):
                submit_review(assignment, scores)
        coordinator = CoordinatorFactory()
        decision_record(
            application=first, outcome="awarded", amount=first.requested_amount, by=coordinator
        )
    return call, first, second, coordinator


def test_decisions_page_writes_scores_and_the_remaining_budget_the_same_in_both_languages(
    page, live_server, axe, screenshot, no_foreign_requests, scored_call
):
    call, first, _second, coordinator = scored_call
    base = live_server.url
    left = format_money(call.total_budget - first.requested_amount)
    as_user(page, base, coordinator.email)

    page.goto(base + reverse("decisions:call", args=[call.pk]))
    budget = page.locator(".decisions-budget")
    expect(budget).to_contain_text("Pozostało w budżecie")
    expect(page.locator("[data-budget-left]")).to_have_text(left)
    expect(page.locator(f"#row-{first.pk}")).to_contain_text("76,67")
    funding_line = page.locator("[data-funding-line]").first
    expect(funding_line).to_contain_text("zostałoby w budżecie")
    expect(funding_line).not_to_contain_text("pozostało")
    axe(page, "decisions page (Polish)")
    screenshot("consistency-decisions-pl")

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(budget).to_contain_text("Remaining in the budget")
    expect(page.locator("[data-budget-left]")).to_have_text(left)
    expect(page.locator(f"#row-{first.pk}")).to_contain_text("76,67")  # a decimal comma still
    expect(page.locator(f"#row-{first.pk}")).not_to_contain_text("76.67")
    expect(page.locator("[data-funding-line]").first).to_contain_text("would leave")
    axe(page, "decisions page (English)")
    screenshot("consistency-decisions-en")


def test_applicant_reads_the_history_and_the_deadline_in_polish_then_in_english(
    page, live_server, axe, screenshot, no_foreign_requests, scored_call
):
    call, first, _second, coordinator = scored_call
    with translation.override("pl"):
        results_publish(call=deadline_passes(call), by=coordinator)
    deadline = Decision.objects.get(application=first).acceptance_deadline
    local = timezone.localtime(deadline)
    assert (local.hour, local.minute) == (23, 59)
    assert local.date() == timezone.localdate() + timedelta(days=14)
    base = live_server.url
    as_user(page, base, first.applicant.email)

    page.goto(base + reverse("applicants:application_detail", args=[first.pk]))
    history = page.locator("section[aria-labelledby=timeline-heading]")
    expect(history).to_contain_text("Przydzielono recenzentów")
    expect(history).to_contain_text("Opublikowano wyniki")
    page.get_by_text("Pokaż złożony wniosek").click()
    schedule = page.locator("table", has=page.get_by_role("columnheader", name="Działanie"))
    expect(schedule).to_contain_text("1 kwietnia 2027")  # the schedule's dates, in words
    expect(schedule).to_contain_text("30 kwietnia 2027")
    expect(page.locator("main")).not_to_contain_text("2027-04-01")
    axe(page, "application with its history (Polish)")
    screenshot("consistency-history-pl")

    page.goto(base + reverse("decisions_applicant:decision", args=[first.pk]))
    with translation.override("pl"):
        polish_deadline = format_deadline(deadline)
    expect(
        page.get_by_text(f"Przyjmij grant albo z niego zrezygnuj do {polish_deadline}")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("Ocena: 76,67 na 100.")

    switch_language(page, "en")
    with translation.override("en"):
        english_deadline = format_deadline(deadline)
    expect(page.get_by_text(f"Please accept or decline by {english_deadline}.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Score: 76,67 of 100.")
    screenshot("consistency-decision-en")

    page.goto(base + reverse("applicants:application_detail", args=[first.pk]))
    expect(history).to_contain_text("Reviewers assigned")
    expect(history).to_contain_text("Results published")
    expect(history).not_to_contain_text("Przydzielono")
    expect(history).not_to_contain_text("Opublikowano")
    page.get_by_text("Show what you submitted").click()
    expect(page.locator("main")).to_contain_text("1 April 2027")
    axe(page, "application with its history (English)")
    screenshot("consistency-history-en")

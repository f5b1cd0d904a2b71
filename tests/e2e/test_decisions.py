"""The coordinator awards from the ranking, previews a letter, publishes; the applicant downloads and accepts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory
from decisions.models import Decision, DecisionLetter, OutboxMessage
from decisions.tests.test_decisions_paged import bulk_formally_rejected, bulk_lapsed
from grants.tests.factories import deadline_passes
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    bulk_ranked_call,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def scored_call(transactional_db):
    """Three reviewed applications; the budget covers the best two."""
    call = call_with_criteria(
        total_budget=Decimal("6000"), closes_at=timezone.now() + timedelta(days=1)
    )
    applications = [
        accepted_application(call, texts={"title": f"Projekt {name}"})
        for name in ("Alfa", "Beta", "Gamma")
    ]
    reviewers_in_pool(call, 2)
    assign_all(call)
    for application, (idea, budget) in zip(applications, [(10, 5), (8, 4), (3, 1)], strict=True):
        for assignment in ReviewAssignment.objects.filter(application=application):
            submit_review(assignment, {"Pomysł": idea, "Budżet": budget})
    deadline_passes(call)  # results are published after the deadline
    return call, applications


def test_coordinator_publishes_results_and_applicant_accepts(
    page, browser, live_server, scored_call, axe, screenshot
):
    call, applications = scored_call
    base = live_server.url
    coordinator = CoordinatorFactory()
    log_in(page, base, coordinator.email)

    page.goto(base + reverse("decisions:call", args=[call.pk]))
    axe(page, "decisions")
    page.get_by_text("Award everything above the funding line…").click()
    page.get_by_role("button", name="Yes, award them").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    awarded = Decision.objects.filter(call=call, outcome="awarded")
    assert awarded.count() == 2
    assert sum(d.amount for d in awarded) <= call.total_budget
    screenshot("decisions")

    # The letter template editor and its preview PDF.
    page.goto(base + reverse("decisions:letter_templates", args=[call.pk]))
    axe(page, "letter templates")
    template_form = base + reverse("decisions:letter_template_edit", args=[call.pk, "award", "pl"])
    page.goto(template_form)
    axe(page, "letter template form")
    # "Preview PDF" posts the typed text; do the same request the button makes and read the answer.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    body = page.locator("textarea").first.input_value() + "\n\nDziękujemy za udział w programie!"
    preview = page.request.post(
        template_form,
        form={"csrfmiddlewaretoken": token, "body": body, "action": "preview"},
        headers={"Referer": template_form},
    )
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF-")

    page.goto(base + reverse("decisions:publish", args=[call.pk]))
    axe(page, "publish")
    page.get_by_role("button", name="Publish the ticked decisions").click()
    expect(page.locator("main")).to_contain_text("Letters")
    expect(page.locator("[data-progress-done], main").first).to_contain_text("2")
    axe(page, "progress")
    screenshot("letters-progress")
    assert DecisionLetter.objects.filter(decision__call=call).count() == 2
    assert OutboxMessage.objects.filter(decision__call=call, state="sent").count() == 2

    # The awarded applicant reads the decision, downloads the letter and accepts.
    winner = applications[0]
    applicant_context = browser.new_context(bypass_csp=True, locale="en-GB", accept_downloads=True)
    applicant = applicant_context.new_page()
    log_in(applicant, base, winner.applicant.email)
    applicant.goto(base + reverse("decisions_applicant:decision", args=[winner.pk]))
    expect(applicant.get_by_role("heading", level=2).first).to_contain_text("Congratulations")
    axe(applicant, "applicant decision")
    applicant.screenshot(path="var/screenshots/applicant-decision-desktop.png", full_page=True)
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name="Download the letter").click()
    assert download.value.suggested_filename.endswith(".pdf")
    applicant.get_by_role("button", name="I accept the grant").click()
    expect(applicant.locator(".alert-success").first).to_be_visible()
    assert Decision.objects.get(application=winner).accepted_at is not None
    applicant_context.close()


def test_coordinator_pages_through_many_formal_rejections_and_records_one(
    page, live_server, axe, screenshot
):
    call = bulk_ranked_call(3)
    rejected = bulk_formally_rejected(call, 60)
    bulk_lapsed(call, 55)
    base = live_server.url
    log_in(page, base, CoordinatorFactory().email)

    page.goto(base + reverse("decisions:call", args=[call.pk]))
    section = page.locator("#formal-rejections + .table-responsive")
    expect(section.locator("tbody tr")).to_have_count(50)
    expect(page.locator("[data-lapsed-shown]")).to_contain_text("The first 50 of 55")
    page.get_by_role("navigation", name="Pages of the formally rejected applications").get_by_role(
        "link", name="Next"
    ).click()
    expect(section.locator("tbody tr")).to_have_count(10)
    axe(page, "committee's decisions, formally rejected page 2")
    screenshot("decisions-formal-rejections-page-2")

    last = rejected[-1]
    page.get_by_role("button", name=f"Record formal rejection – {last.reference_number}").click()
    expect(page.locator(".alert-success").first).to_contain_text(last.reference_number)
    assert "rejected=2" in page.url
    expect(page.locator(f"#row-{last.pk}")).to_contain_text("Formally rejected")

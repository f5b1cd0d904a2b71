"""Saving as people type, walked in a Polish Chromium: the review and the application's sections.

A reviewer scores five criteria, reloads and finds everything; loses the network, keeps
typing, and finds the text restored from the browser when the page comes back; submits
after seeing the total and the recommendation. An applicant types a section, reloads,
meets a refused schedule row without losing it, is asked before leaving unsaved text,
and is told that a draft of a closed call can't be submitted any more. Screenshots:
var/screenshots/autosave-*.png.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applicants.tests.builders import complete_draft
from grants.models import Criterion, GrantCall
from grants.tests.factories import GrantCallFactory
from reviews.enums import ReviewStatus
from reviews.models import Review, ReviewAssignment
from reviews.services import assignment_declare
from reviews.tests.builders import accepted_application, assign_all, reviewers_in_pool
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

SAVED = re.compile(r"Zapisano o \d\d:\d\d")
OFFLINE = "Brak połączenia — tekst jest bezpieczny w tej przeglądarce"
RESTORED = "Przywrócono z tej przeglądarki"
# Long enough for the debounce (1 s) and a retry after the network comes back (2–4 s).
WAIT = 15_000

CRITERIA = [
    ("Trafność diagnozy", 10, "2"),
    ("Pomysł na działania", 10, "2"),
    ("Zaangażowanie młodych", 10, "1"),
    ("Budżet", 5, "1"),
    ("Trwałość", 5, "1"),
]


@pytest.fixture
def review_scene(transactional_db):
    """A declared assignment of a call with five criteria."""
    call = GrantCallFactory(title="Zielone podwórka", reviewers_per_application=1)
    for position, (name, max_points, weight) in enumerate(CRITERIA):
        Criterion.objects.create(
            call=call, name=name, max_points=max_points, weight=Decimal(weight), position=position
        )
    accepted_application(call, texts={"title": "Łąka kwietna zamiast trawnika"})
    reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.select_related("reviewer").get(call=call)
    assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    return {"call": call, "assignment": assignment, "criteria": list(call.criteria.all())}


def status(page):
    return page.locator("[data-autosave-status]")


def type_into(page, selector: str, text: str) -> None:
    """Type like a person: a click, then the keys (fill() would skip the keyboard)."""
    field = page.locator(selector)
    field.click()
    field.press("Control+a")
    page.keyboard.type(text)


def test_review_saves_as_the_reviewer_types_survives_a_lost_network_and_confirms_the_total(
    page, live_server, review_scene, axe, screenshot, no_foreign_requests
):
    base = live_server.url
    assignment = review_scene["assignment"]
    criteria = review_scene["criteria"]
    log_in(page, base, assignment.reviewer.email)
    url = base + reverse("reviews:assignment", args=[assignment.pk])
    page.goto(url)
    expect(status(page)).to_have_text("Zapisuje się samo podczas pisania.")

    # Five scores and four justifications, then a pause: saved, and a reload keeps them.
    points = [8, 6, 9, 4, 3]
    for criterion, value in zip(criteria, points, strict=True):
        type_into(page, f"#id_points_{criterion.pk}", str(value))
    for criterion in criteria[:4]:
        type_into(
            page, f"#id_justification_{criterion.pk}", f"Uzasadnienie: {criterion.name.lower()}."
        )
    expect(status(page)).to_have_text(SAVED, timeout=WAIT)
    axe(page, "review form, saved as typed")
    screenshot("autosave-review-saved")
    page.reload()
    for criterion, value in zip(criteria, points, strict=True):
        expect(page.locator(f"#id_points_{criterion.pk}")).to_have_value(str(value))
    expect(page.locator(f"#id_justification_{criteria[3].pk}")).to_have_value(
        "Uzasadnienie: budżet."
    )
    expect(page.locator("[data-autosave-notice]")).to_have_count(0)  # nothing to restore

    # The network drops while the last justification is typed: it waits in the browser.
    page.context.set_offline(True)
    type_into(page, f"#id_justification_{criteria[4].pk}", "Działania zostaną na lata.")
    expect(status(page)).to_contain_text(OFFLINE, timeout=WAIT)
    # The connection comes back but the server still can't be reached; the page is reloaded.
    draft_url = re.compile(r".*/reviews/assignments/\d+/draft/$")
    page.route(draft_url, lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("[data-autosave-notice]")).to_contain_text(RESTORED)
    expect(page.locator(f"#id_justification_{criteria[4].pk}")).to_have_value(
        "Działania zostaną na lata."
    )
    # Once the server answers, the restored text is saved there too.
    page.unroute(draft_url)
    expect(status(page)).to_have_text(SAVED, timeout=WAIT)
    scores = {s.criterion_id: s for s in Review.objects.get(assignment=assignment).scores.all()}
    assert scores[criteria[4].pk].justification == "Działania zostaną na lata."
    page.reload()
    expect(page.locator(f"#id_justification_{criteria[4].pk}")).to_have_value(
        "Działania zostaną na lata."
    )
    expect(page.locator("[data-autosave-notice]")).to_have_count(0)

    # Submitting asks first, with the weighted total as the ranking counts it.
    page.get_by_role("radio", name="Finansować ze zmianami").check()
    page.get_by_role("button", name="Prześlij recenzję").click()
    expect(page.get_by_role("heading", name="Przesłać recenzję?")).to_be_visible()
    # (8/10×2 + 6/10×2 + 9/10×1 + 4/5×1 + 3/5×1) / 7 × 100 = 72,86
    expect(page.locator("[data-confirm-total]")).to_have_text("72,86")
    expect(page.locator("[data-confirm-recommendation]")).to_have_text("Finansować ze zmianami")
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT
    axe(page, "review confirmation")
    screenshot("autosave-review-confirm")
    page.get_by_role("button", name="Tak, prześlij recenzję").click()
    expect(page.locator(".alert-success").first).to_contain_text("recenzja została przesłana")
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.total == Decimal("72.86")
    # The browser's copy is gone with the form.
    # (autosave.js removes it when the page after the submission has run its scripts,
    # which may be just after the message above is on screen)
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.includes(':review:'))", timeout=WAIT
    )


def test_applicant_section_saves_as_typed_keeps_refused_rows_and_asks_before_leaving(
    page, live_server, axe, screenshot, no_foreign_requests
):
    application = complete_draft(call=GrantCallFactory(title="Deszczówka na osiedlu"))
    base = live_server.url
    log_in(page, base, application.applicant.email)

    basics = base + reverse("applicants:section", args=[application.pk, "basics"])
    page.goto(basics)
    type_into(page, "#id_title", "Beczki na deszczówkę przy każdej klatce")
    type_into(page, "#id_summary", "Sąsiedzi podlewają rabaty wodą z dachu, nie z kranu.")
    expect(status(page)).to_have_text(SAVED, timeout=WAIT)
    axe(page, "section saved as typed")
    screenshot("autosave-section-saved")
    page.reload()
    expect(page.locator("#id_summary")).to_have_value(
        "Sąsiedzi podlewają rabaty wodą z dachu, nie z kranu."
    )

    # A schedule row that ends before it starts: the message beside it, the text kept.
    page.goto(base + reverse("applicants:section", args=[application.pk, "activities"]))
    type_into(page, "#id_activities", "Warsztaty, montaż beczek i festyn podwórkowy.")
    page.locator("#id_schedule-0-ends_on").fill("2027-03-01")
    page.locator("#id_schedule-0-activity").click()
    page.locator("#id_schedule-0-activity").press("Control+a")
    page.keyboard.type("Montaż beczek")
    page.locator("#id_activities").click()  # leave the row: its messages may show now
    error = page.locator("#id_schedule-0-ends_on-autosave-error")
    expect(error).to_contain_text("Koniec nie może być wcześniej niż początek", timeout=WAIT)
    expect(page.locator("#id_schedule-0-ends_on")).to_have_attribute("aria-invalid", "true")
    expect(status(page)).to_contain_text("oprócz zaznaczonych pól")
    application.refresh_from_db()
    assert application.activities == "Warsztaty, montaż beczek i festyn podwórkowy."
    assert [item.activity for item in application.schedule.all()] == ["Warsztaty"]
    axe(page, "section with a refused row")
    screenshot("autosave-section-refused-row")
    page.reload()  # the refused row is still there, from the browser
    expect(page.locator("#id_schedule-0-activity")).to_have_value("Montaż beczek")
    expect(page.locator("#id_schedule-0-ends_on")).to_have_value("2027-03-01")

    # Leaving with text the server has not confirmed asks first.
    page.goto(basics)
    page.route(re.compile(r".*/autosave/$"), lambda route: route.abort())
    type_into(page, "#id_title", "Deszczówka zamiast kranówki")
    expect(status(page)).to_contain_text(OFFLINE, timeout=WAIT)
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Moje wnioski").first.click()
    expect(page.locator("#id_title")).to_have_value("Deszczówka zamiast kranówki")
    assert dialogs == ["beforeunload"]
    assert page.url == basics


def test_closed_call_draft_says_so_on_its_pages_and_in_the_saved_state(
    page, live_server, axe, screenshot
):
    application = complete_draft(call=GrantCallFactory(title="Podwórka pełne zieleni"))
    GrantCall.objects.filter(pk=application.call_id).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1)
    )
    base = live_server.url
    log_in(page, base, application.applicant.email)
    for url in (
        reverse("applicants:application_detail", args=[application.pk]),
        reverse("applicants:section", args=[application.pk, "budget"]),
        reverse("applicants:submit", args=[application.pk]),
    ):
        page.goto(base + url)
        expect(page.locator("[data-closed-notice]")).to_contain_text("Nabór zamknięto")
        expect(page.locator("[data-closed-notice]")).to_contain_text(
            "tego wniosku nie można już złożyć"
        )
    page.goto(base + reverse("applicants:section", args=[application.pk, "results"]))
    type_into(page, "#id_expected_results", "Dziesięć beczek i sto podlanych rabat.")
    expect(status(page)).to_have_text(SAVED, timeout=WAIT)
    expect(status(page)).to_contain_text("Nabór jest zamknięty: tego wniosku nie można złożyć.")
    axe(page, "closed call's draft")
    screenshot("autosave-closed-call")

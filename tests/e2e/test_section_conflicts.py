"""Two people edit the same section at once, walked in two Polish Chromium contexts.

The first one's text is autosaved; the second one's autosave is stopped with a message
instead of overwriting it; pressing "Zapisz" shows both versions; the second person merges
them in their field and keeps it; the history says who changed what. Screenshots:
var/screenshots/section-conflict-*.png.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from applicants.tests.builders import complete_draft
from grants.tests.factories import GrantCallFactory
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

SAVED = re.compile(r"Zapisano o \d\d:\d\d")
WAIT = 15_000


def type_into(page, selector: str, text: str) -> None:
    field = page.locator(selector)
    field.click()
    field.press("Control+a")
    page.keyboard.type(text)


def test_two_people_edit_one_section_and_the_second_merges_both_versions(
    page, browser, browser_context_args, live_server, axe, screenshot, no_foreign_requests
):
    lead = UserFactory(full_name="Ola Nowak")
    application = complete_draft(call=GrantCallFactory(title="Deszczówka na osiedlu"), user=lead)
    base = live_server.url
    problem = base + reverse("applicants:section", args=[application.pk, "problem"])
    first = browser.new_context(**browser_context_args).new_page()
    for each in (first, page):
        log_in(each, base, lead.email)
        each.goto(problem)

    type_into(first, "#id_goals", "Posadzimy 50 drzew przy szkole.")
    expect(first.locator("[data-autosave-status]")).to_have_text(SAVED, timeout=WAIT)

    # The second person's autosave would overwrite that: it stops and says why.
    type_into(page, "#id_goals", "Zbierzemy deszczówkę do podlewania.")
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text("zapisała też inna osoba: Ola Nowak", timeout=WAIT)
    expect(status).to_contain_text("Naciśnij „Zapisz”")
    application.refresh_from_db()
    assert application.goals == "Posadzimy 50 drzew przy szkole."

    # "Zapisz": both versions, theirs to read and mine still in the field.
    page.get_by_role("button", name="Zapisz", exact=True).click()
    panel = page.locator("[data-section-conflict]")
    expect(panel).to_contain_text("Dwie wersje tej sekcji")
    expect(page.locator("[data-conflict-theirs=goals]")).to_have_text(
        "Posadzimy 50 drzew przy szkole."
    )
    expect(page.locator("#id_goals")).to_have_value("Zbierzemy deszczówkę do podlewania.")
    expect(page.get_by_role("radio", name="Zostaw moją wersję")).to_be_checked()
    axe(page, "section with two versions")
    screenshot("section-conflict")

    # Merged into one in my field, kept as mine.
    type_into(
        page,
        "#id_goals",
        "Posadzimy 50 drzew przy szkole i zbierzemy deszczówkę do podlewania.",
    )
    page.get_by_role("button", name="Zapisz mój wybór").click()
    expect(page.locator(".alert-success").first).to_contain_text("Zapisano")
    application.refresh_from_db()
    assert application.goals == (
        "Posadzimy 50 drzew przy szkole i zbierzemy deszczówkę do podlewania."
    )

    # The history says who changed what.
    page.goto(base + application.get_absolute_url())
    history = page.locator("[data-section-history]")
    expect(history).to_contain_text("Ola Nowak zmienia: Cele")
    axe(page, "application with its history")
    first.context.close()

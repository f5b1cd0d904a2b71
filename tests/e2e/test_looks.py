"""How the product looks: one green button hierarchy, coordinators' tables that fit a
1366 px screen, a call's pages in four groups, the budget as a table (cards on phones).

Walked in a Polish-locale Chromium on the demo data, with a 200-character title and
applicant name added; every page gets axe and the colour check, and the pages this
issue changed get desktop and phone screenshots (var/screenshots/looks-*.png).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applicants.models import Application
from applicants.tests.builders import complete_draft, submitted_application
from grants.models import GrantCall
from grants.tests.factories import GrantCallFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.steps import label, log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
BOOTSTRAP_BLUE = "rgb(13, 110, 253)"  # #0d6efd
COORDINATOR = "koordynator@example.org"
PASSWORD = "mikrogranty-demo"
IN_REVIEW, DECIDED = "zielone-szkoly", "rowerowa-szkola"
# 200 characters, with a 35-letter word that has nowhere to break.
LONG_TITLE = (
    "Superkalifragilistycznieekologiczne warsztaty klimatyczne dla uczniów i uczennic "
    "szkół podstawowych oraz średnich z całej dzielnicy, z ogrodem deszczowym, "
    "pomiarami upału i wystawą zdjęć w bibliotece."
)
LONG_NAME = "Stowarzyszenie Młodzieżowej Inicjatywy Klimatycznej i Sąsiedzkiej " * 3
assert len(LONG_TITLE) == 200


@pytest.fixture
def long_titles(demo, settings):
    """The demo (conftest.py); one application and one call with 200-character titles."""
    settings.TASKS = DROP_TASKS
    ranked = Application.objects.filter(call__slug=IN_REVIEW).order_by("reference_number")
    Application.objects.filter(pk=ranked.first().pk).update(
        title=LONG_TITLE, applicant_name=LONG_NAME.strip()
    )
    listed = Application.objects.filter(call__slug="klimat-w-sasiedztwie", status="submitted")
    Application.objects.filter(pk=listed.order_by("reference_number").first().pk).update(
        title=LONG_TITLE, applicant_name=LONG_NAME.strip()
    )
    GrantCall.objects.filter(slug=IN_REVIEW).update(title=LONG_TITLE)
    return {call.slug: call for call in GrantCall.objects.all()}


def assert_no_bootstrap_blue(page, name: str) -> None:
    """No button, link, tab, badge or tick box is Bootstrap's blue, in its text, fill or border."""
    blue = page.evaluate(
        """(blue) => [...document.querySelectorAll(
            'a, button, .btn, .nav-link, .page-link, .badge, .form-check-input, summary')]
          .filter(el => {
            const style = getComputedStyle(el);
            return [style.color, style.backgroundColor, style.borderTopColor].includes(blue);
          })
          .map(el => el.outerHTML.slice(0, 120))""",
        BOOTSTRAP_BLUE,
    )
    assert blue == [], f"{name}: Bootstrap blue on {blue}"


def table_overflow(page, selector: str) -> tuple[int, int]:
    """The table's scrollWidth and the clientWidth of the box it sits in."""
    return page.evaluate(
        """(selector) => {
            const table = document.querySelector(selector);
            const box = table.closest('.table-responsive') || table.parentElement;
            return [table.scrollWidth, box.clientWidth];
        }""",
        selector,
    )


def assert_fits(page, selector: str, name: str) -> None:
    width, room = table_overflow(page, selector)
    assert width <= room, f"{name}: the table is {width}px wide in {room}px"


def right_edge_in_view(page, locator) -> bool:
    """Whether the element ends inside its scrolling box, i.e. is seen without scrolling."""
    return locator.evaluate(
        """(el) => {
            const box = (el.closest('.table-responsive') || document.documentElement)
                .getBoundingClientRect();
            return el.getBoundingClientRect().right <= box.right + 0.5;
        }"""
    )


def visit(page, axe, url: str, name: str) -> None:
    page.goto(url)
    axe(page, name)
    assert_no_bootstrap_blue(page, name)


def test_coordinator_tables_fit_1366_px_and_the_call_nav_leads_to_the_letters(
    page, live_server, long_titles, axe, screenshot
):
    base = live_server.url
    log_in(page, base, COORDINATOR, PASSWORD)
    in_review, decided = long_titles[IN_REVIEW], long_titles[DECIDED]

    # The calls list: every action in sight, the long title cut to two lines.
    visit(page, axe, base + reverse("manage:home"), "calls list")
    assert_fits(page, "#calls", "calls list")
    for action in page.locator("#calls .btn").all():
        assert right_edge_in_view(page, action)
    # Cut on the screen, whole for screen readers and in the tooltip.
    long_title = page.get_by_role("link", name=LONG_TITLE, exact=True)
    expect(long_title).to_have_attribute("title", LONG_TITLE)
    assert long_title.evaluate("el => el.getBoundingClientRect().height") < 60  # two lines
    screenshot("looks-calls-list")

    # The ranking: its spread and discrepancy flags in sight; reference numbers on one line.
    visit(page, axe, base + reverse("review_manage:ranking", args=[in_review.pk]), "ranking")
    assert_fits(page, "table.ranking", "ranking")
    for heading in ("Rozrzut", "Oznaczenia"):
        assert right_edge_in_view(page, page.get_by_role("columnheader", name=heading))
    flags = page.locator("table.ranking .badge", has_text="rozbieżność")
    assert flags.count() > 0
    for flag in flags.all():
        assert right_edge_in_view(page, flag)
    for number in page.locator("table.ranking tbody th[scope=row] a").all()[:10]:
        assert number.evaluate("el => el.getClientRects().length") == 1  # one line
    long_row = page.locator("table.ranking tbody tr", has_text="Superkalifragilistyczn")
    expect(long_row.locator("[title]").first).to_have_attribute("title", LONG_TITLE)
    screenshot("looks-ranking")

    # The call's pages: four groups in pipeline order, the current one and its pages marked.
    nav = page.get_by_role("navigation", name="Części naboru")
    groups = nav.locator("ol > li > a")
    expect(groups).to_have_text(
        ["1Przygotowanie", "2Wnioski", "3Ocena", "4Decyzje i pisma", "5Granty"]
    )
    expect(nav.locator("[aria-current=true]")).to_have_text("3Ocena")
    expect(nav.locator("ul a")).to_have_text(["Recenzenci", "Przydziały", "Ranking"])
    expect(nav.locator("[aria-current=page]")).to_have_text("Ranking")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    nav.screenshot(path=str(SCREENSHOTS / "looks-call-nav-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    nav.screenshot(path=str(SCREENSHOTS / "looks-call-nav-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.set_viewport_size({"width": 1366, "height": 768})

    # The application list, from the nav's second group.
    nav.get_by_role("link", name=re.compile("Wnioski")).click()
    expect(page).to_have_url(re.compile(r"/manage/applications/calls/\d+/$"))
    visit(page, axe, page.url, "application list")
    assert_fits(page, "table[data-bulk-select]", "application list")
    screenshot("looks-application-list")

    # The committee's table, with the long title among its rows.
    visit(page, axe, base + reverse("decisions:call", args=[in_review.pk]), "decisions")
    assert_fits(page, "table.decisions-table", "decisions")
    screenshot("looks-decisions")

    # Decisions and letters of the decided call: its issued letters are one tab away.
    visit(page, axe, base + reverse("decisions:call", args=[decided.pk]), "decisions, decided")
    assert_fits(page, "table.decisions-table", "decisions, decided")
    nav = page.get_by_role("navigation", name="Części naboru")
    expect(nav.locator("ul a")).to_have_text(
        ["Decyzje", "Treści pism", "Pisma", "Wysłane wiadomości"]
    )
    nav.get_by_role("link", name="Pisma", exact=True).click()
    expect(nav.locator("[aria-current=page]")).to_have_text("Pisma")
    letters = page.locator("#issued-letters tbody tr")
    expect(letters).to_have_count(decided.decisions.count())
    axe(page, "letters")
    assert_no_bootstrap_blue(page, "letters")
    assert_fits(page, "#issued-letters table", "letters")
    pdf = page.request.get(base + letters.first.locator("a").first.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    screenshot("looks-letters")

    visit(page, axe, base + reverse("decisions:outbox", args=[decided.pk]), "outbox")
    assert_fits(page, "table", "outbox")
    for name, url in [
        ("letter texts", reverse("decisions:letter_templates", args=[decided.pk])),
        ("reviewers", reverse("review_manage:pool", args=[in_review.pk])),
        ("assignments", reverse("review_manage:assignments", args=[in_review.pk])),
        ("call details", reverse("manage:call_edit", args=[in_review.pk])),
    ]:
        visit(page, axe, base + url, name)


def test_budget_is_a_table_on_a_desktop_and_cards_on_a_phone(
    page, live_server, axe, screenshot, settings
):
    settings.TASKS = DROP_TASKS  # the submitted application's PDF copies are not looked at
    application = complete_draft(call=GrantCallFactory(title="Deszczówka na osiedlu"))
    base = live_server.url
    log_in(page, base, application.applicant.email)

    visit(page, axe, base + "/", "home")
    visit(page, axe, base + application.call.get_absolute_url(), "call page")
    visit(page, axe, base + reverse("applicants:my_applications"), "my applications")
    visit(
        page,
        axe,
        base + reverse("applicants:section", args=[application.pk, "budget"]),
        "budget section",
    )
    table = page.locator("#budget table")
    expect(table.get_by_role("columnheader", name="Jednostka")).to_be_visible()
    first = table.locator("tbody tr").first
    unit, quantity = (
        first.locator("input[name$='-unit']"),
        first.locator("input[name$='-quantity']"),
    )
    # On a desktop a line is one row: its fields side by side, their labels in the headings.
    assert unit.bounding_box()["y"] == quantity.bounding_box()["y"]
    assert unit.bounding_box()["x"] < quantity.bounding_box()["x"]
    unit_label = first.locator("label[for$='-unit']")
    assert unit_label.bounding_box()["width"] <= 1  # there for screen readers only
    expect(first.get_by_label(label("Jednostka"))).to_have_value("szt.")

    # A line added in the browser is a row of the table too.
    page.get_by_role("button", name="Dodaj pozycję budżetu").click()
    rows = table.locator("tbody tr")
    added = rows.last
    expect(added.locator("[data-formset-number]")).to_have_text(str(rows.count()))
    added.locator("input[name$='-item']").fill("Konewki")
    added.locator("input[name$='-quantity']").fill("4")
    added.locator("input[name$='-unit_cost']").fill("25")
    expect(added.locator("[data-line-total]")).to_have_text("100,00\u00a0zł")
    screenshot("looks-budget")

    # On a phone each line is a card: no headings, each field under its own label.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(table.locator("thead")).to_be_hidden()
    assert unit_label.bounding_box()["width"] > 40  # "Jednostka*" above its field
    card, line = first.bounding_box(), unit.bounding_box()
    assert card["width"] <= 390
    assert quantity.bounding_box()["y"] == line["y"]  # unit and quantity side by side
    assert first.locator("input[name$='-item']").bounding_box()["y"] < line["y"]
    axe(page, "budget section on a phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    # The read-only budget of a submitted application: a table too, cards on a phone.
    submitted = submitted_application(user=application.applicant)
    visit(page, axe, base + submitted.get_absolute_url(), "application page")
    page.get_by_text("Pokaż złożony wniosek").click()
    budget = page.locator("table.budget-table-read")
    expect(budget.get_by_role("columnheader", name="Koszt jednostkowy")).to_be_visible()
    screenshot("looks-budget-read-only")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(budget.locator("thead")).to_be_hidden()
    line = budget.locator("tbody tr").first
    # Each value beside its column's name, shown (CSS) and read out.
    expect(line.get_by_role("cell", name="Koszt jednostkowy 50,00\u00a0zł")).to_be_visible()
    assert line.bounding_box()["width"] <= 390

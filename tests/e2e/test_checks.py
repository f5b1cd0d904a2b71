"""The HTML checks themselves, and the pages whose markup they made us fix, as people see them.

Every page any browser test receives is checked by the Nu Html Checker (conftest.py);
here the checker is shown to find what it must, and the coordinator's pages whose
headings and fieldsets changed get desktop and phone screenshots (var/screenshots/checks-*.png).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory
from applicants.tests.builders import submitted_application
from grants.models import CallQuestion, QuestionKind
from reviews.tests.builders import call_with_criteria
from tests.e2e.steps import log_in
from tests.html_checker import as_document, report

pytestmark = [pytest.mark.django_db(transaction=True)]

INVALID_PAGE = b"""<!DOCTYPE html>
<html lang="pl"><head><meta charset="utf-8"><title>Nabory</title></head>
<body><h1>Nabory</h1>
<h3>Kryteria</h3>
<fieldset><legend for="id_status">Status</legend></fieldset>
<time datetime="2026-12-07T06:15:01.366488+01:00">7 grudnia 2026</time>
</body></html>"""


def test_html_checker_reports_each_error_by_url_line_and_source(html_checker):
    errors = html_checker.check("/manage/calls/", INVALID_PAGE)

    assert [e.line for e in errors] == [4, 5, 6]
    assert errors[0].message.startswith("The heading “h3” (with computed level 3) follows")
    assert errors[1].message == "Attribute “for” not allowed on element “legend” at this point."
    assert "A fraction of a second must be one, two, or three digits." in errors[2].message
    text = report(errors)
    assert "/manage/calls/\n  line 4, column 1: The heading “h3”" in text
    assert '<legend for="id_status">' in text  # the source around the error


def test_every_html_page_a_browser_receives_is_checked_as_the_server_sent_it(
    page, live_server, _every_page_valid_html
):
    kept = _every_page_valid_html
    page.route(
        f"{live_server.url}/broken/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=INVALID_PAGE),
    )
    page.goto(live_server.url + "/broken/")
    # What a script does to the page afterwards is not what is checked.
    page.evaluate("document.querySelector('legend').removeAttribute('for')")

    errors = [error for result in kept for error in result.result()]
    assert [(e.url, e.line) for e in errors] == [("/broken/", 4), ("/broken/", 5), ("/broken/", 6)]
    kept.clear()  # the test has seen them: its end passes


def test_html_checker_takes_an_htmx_fragment_inside_a_minimal_document(html_checker):
    valid = b'<div id="letter-progress"><h2 class="h5">Listy</h2><p>3 z 4</p></div>'
    invalid = b'<div id="letter-progress"><p>3 z 4</p><ul><div>5</div></ul></div>'

    assert html_checker.check("/progress/counts/", as_document(valid, fragment=True)) == []
    [error] = html_checker.check("/progress/counts/", as_document(invalid, fragment=True))
    assert error.line == 1
    assert (
        error.message
        == "Element “div” not allowed as child of element “ul” in this context. (Suppressing further errors from this subtree.)"
    )


def test_coordinator_pages_with_rows_and_filters_keep_their_look(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory()
    call = call_with_criteria(title="Deszczówka na osiedlu")
    application = submitted_application(call=call)
    # Asked after the application came in, so the page has a question row to show.
    CallQuestion.objects.create(
        call=call, label="Z jakiej dzielnicy jesteście?", kind=QuestionKind.LONG_TEXT, position=0
    )
    base = live_server.url
    log_in(page, base, coordinator.email)

    # The criteria and questions are numbered rows under the page's heading (h2, not h3).
    page.goto(base + reverse("manage:call_edit", args=[call.pk]))
    expect(page.get_by_role("heading", level=2, name="Kryterium 1")).to_be_visible()
    axe(page, "call form")
    screenshot("checks-call-form")
    page.goto(base + reverse("manage:call_parts", args=[call.pk, "questions"]))
    expect(page.get_by_role("heading", level=2, name="Pytanie 1")).to_be_visible()
    screenshot("checks-call-questions")

    # The status filter is a group of checkboxes named by its legend.
    page.goto(base + reverse("applicants_manage:list", args=[call.pk]))
    expect(page.get_by_role("group", name="Status")).to_be_visible()
    axe(page, "application list")
    screenshot("checks-application-list")

    # The application's history, each moment in a <time> to the second, in Polish time.
    page.goto(base + reverse("applicants_manage:detail", args=[application.pk]))
    expect(page.locator("time[datetime]").first).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$")
    )
    screenshot("checks-application-detail")

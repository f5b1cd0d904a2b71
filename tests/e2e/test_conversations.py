"""Messages in a browser: an applicant asks before submitting, the coordinator sees it unread in
the call's inbox and answers, the applicant sees the unread badge and reads the answer
(var/screenshots/conversation-*.png at 1366 and 390 px)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from applicants.tests.factories import ApplicationFactory
from tests.e2e.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Czy możemy kupić sadzonki na targu, bez faktury?"
ANSWER = "Tak, wystarczy rachunek albo oświadczenie sprzedawcy."


def test_applicant_asks_the_coordinator_answers_and_the_applicant_reads(
    page, live_server, axe, screenshot
):
    draft = ApplicationFactory(draft=True, title="Łąka kwietna przy szkole")
    coordinator = CoordinatorFactory()

    log_in(page, live_server.url, draft.applicant.email)
    page.goto(live_server.url + reverse("applicants:my_applications"))
    page.locator("[data-messages-link]").click()
    page.get_by_label("Twoja wiadomość").fill(QUESTION)
    page.get_by_role("button", name="Wyślij").click()
    assert "Twoja wiadomość została wysłana" in page.locator("body").inner_text()
    assert QUESTION in page.locator("[data-thread]").inner_text()

    page.context.clear_cookies()
    log_in(page, live_server.url, coordinator.email)
    page.goto(live_server.url + reverse("conversations_manage:inbox", kwargs={"pk": draft.call_id}))
    row = page.locator("[data-conversation]")
    assert "Nieprzeczytane: 1" in row.inner_text()
    assert "Czeka na naszą odpowiedź" in row.inner_text()
    axe(page, "call inbox")
    screenshot("conversation-inbox")
    row.get_by_role("link").click()
    assert "Nowe wiadomości" in page.locator("[data-thread]").inner_text()
    page.get_by_label("Twoja wiadomość").fill(ANSWER)
    page.get_by_role("button", name="Wyślij").click()
    assert ANSWER in page.locator("[data-thread]").inner_text()
    axe(page, "coordinator conversation")

    page.context.clear_cookies()
    log_in(page, live_server.url, draft.applicant.email)
    page.goto(live_server.url + reverse("applicants:my_applications"))
    badge = page.locator("[data-messages-link] [data-unread]")
    assert badge.inner_text().startswith("1")
    page.locator("[data-messages-link]").click()
    assert ANSWER in page.locator("[data-thread]").inner_text()
    assert "Zespół programu" in page.locator("[data-thread]").inner_text()
    axe(page, "applicant conversation")
    screenshot("conversation")
    page.goto(live_server.url + reverse("applicants:my_applications"))
    assert page.locator("[data-messages-link] [data-unread]").count() == 0

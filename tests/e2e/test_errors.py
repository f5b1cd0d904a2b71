"""Error pages and the account pages, as a visitor meets them (Polish first, then English).

Screenshots at 1366 and 390 px go to var/screenshots/errors-*.png.
"""

import re
import secrets

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from applicants.tests.builders import complete_draft
from grants.tests.factories import GrantCallFactory
from tests.e2e.steps import label, log_in

pytestmark = [pytest.mark.django_db(transaction=True)]


def switch_to_english(page) -> None:
    page.get_by_role("button", name=re.compile("^EN")).click()


def test_not_found_page_in_polish_and_english_with_a_way_home(
    page, live_server, axe, screenshot, no_foreign_requests
):
    page.goto(live_server.url + reverse("home"))
    response = page.goto(live_server.url + "/nie-ma-takiej-strony/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Nie możemy znaleźć tej strony")
    axe(page, "404 in Polish")
    screenshot("errors-404-pl")

    switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find this page")
    axe(page, "404 in English")
    screenshot("errors-404-en")

    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(live_server.url + "/")


def test_forbidden_page_in_polish_and_english_names_the_account(
    page, live_server, axe, screenshot, no_foreign_requests
):
    UserFactory(email="wnioskodawczyni@example.org")
    log_in(page, live_server.url, "wnioskodawczyni@example.org")

    response = page.goto(live_server.url + reverse("manage:home"))

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Nie masz dostępu do tej strony")
    expect(page.locator("main")).to_contain_text("wnioskodawczyni@example.org")
    axe(page, "403 in Polish")
    screenshot("errors-403-pl")

    switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You don't have access to this page")
    axe(page, "403 in English")
    screenshot("errors-403-en")
    page.get_by_role("navigation", name="Ways back").get_by_role(
        "link", name="My applications"
    ).click()
    expect(page).to_have_url(re.compile(reverse("applicants:my_applications")))


@pytest.mark.urls("core.tests.urls_error_pages")
def test_server_error_page_in_the_sites_layout(page, live_server, axe, screenshot):
    response = page.goto(live_server.url + "/test-fails/")

    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Coś poszło nie tak po naszej stronie"
    )
    expect(page.locator("main")).not_to_contain_text("hunter2")
    axe(page, "500")
    screenshot("errors-500-pl")


def test_refused_form_leads_back_to_what_was_typed_and_sends_again(
    page, live_server, axe, screenshot, no_foreign_requests
):
    draft = complete_draft(call=GrantCallFactory(title="Deszczówka na osiedlu"))
    log_in(page, live_server.url, draft.applicant.email)
    page.goto(live_server.url + reverse("applicants:section", args=[draft.pk, "basics"]))
    summary = "Ustawimy beczki na deszczówkę i posadzimy rośliny, które lubią wodę."
    page.locator("#id_summary").fill(summary)
    # The token cookie is gone while the page was open (cleared by the browser, say).
    page.context.clear_cookies(name="csrftoken")

    page.get_by_role("button", name="Zapisz i przejdź dalej").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sesja wygasła")
    expect(page.locator("main")).to_contain_text(
        "To, co wpisano, nadal jest na poprzedniej stronie."
    )
    axe(page, "refused form")
    screenshot("errors-csrf-pl")

    page.get_by_role("link", name="Wróć do formularza").click()
    expect(page.locator("#id_summary")).to_have_value(summary)
    page.get_by_role("button", name="Zapisz i przejdź dalej").click()

    expect(page.locator("#id_problem")).to_be_visible()  # the next section: saved
    draft.refresh_from_db()
    assert draft.summary == summary


def test_form_left_open_while_the_token_changed_elsewhere_is_accepted(page, live_server):
    user = UserFactory(email="ala@example.org")
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label(label("Adres e-mail")).fill("ala@example.org")
    page.get_by_label(label("Hasło")).fill(PASSWORD)
    # Meanwhile, in another tab, the token changes (a log-in or log-out there does that).
    page.context.add_cookies(
        [{"name": "csrftoken", "value": secrets.token_hex(16), "url": live_server.url}]
    )

    page.get_by_role("button", name="Zaloguj się").click()

    expect(
        page.get_by_role("button", name=re.compile(re.escape(user.display_name)))
    ).to_be_visible()


def test_favicon_is_served_and_no_icon_request_fails(page, live_server):
    failed: list[str] = []
    page.on(
        "response",
        lambda response: response.status >= 400 and failed.append(response.url),
    )

    page.goto(live_server.url + reverse("home"))
    icon = page.goto(live_server.url + "/favicon.ico")

    assert icon.status == 200
    assert icon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert failed == []


def test_account_pages_in_the_sites_layout(
    page, live_server, axe, screenshot, no_foreign_requests, django_capture_on_commit_callbacks
):
    UserFactory(email="ala@example.org")
    base = live_server.url

    page.goto(base + reverse("account_login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zaloguj się")
    page.get_by_label(label("Adres e-mail")).fill("ala@example.org")
    page.get_by_label(label("Hasło")).fill("nie-to-haslo")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.locator("main .alert-danger")).to_contain_text(
        "Adres e-mail lub hasło są nieprawidłowe."
    )
    axe(page, "login with an error")
    screenshot("errors-login")

    page.get_by_role("link", name="Załóż konto").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Załóż konto")
    page.get_by_label(label("Adres e-mail")).fill("nowa@example.org")
    page.get_by_label(label("Hasło")).fill("zielone-miasto-2027")
    page.get_by_label(label("Hasło (ponownie)")).fill("inne-haslo-2027")
    page.get_by_role("button", name="Zarejestruj się").click()
    expect(page.locator("#id_password2_error")).to_contain_text(
        "Oba wpisane hasła muszą być takie same."
    )
    axe(page, "sign-up with an error")
    screenshot("errors-signup")

    page.get_by_role("link", name="Zaloguj się").last.click()
    page.get_by_role("link", name="Nie pamiętasz hasła?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nie pamiętasz hasła?")
    axe(page, "password reset")
    screenshot("errors-reset")
    page.get_by_label(label("Adres e-mail")).fill("ala@example.org")
    page.get_by_role("button", name="Wyślij link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprawdź skrzynkę e-mail")
    axe(page, "password reset sent")
    screenshot("errors-reset-done")

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustaw nowe hasło")
    axe(page, "new password")
    screenshot("errors-reset-from-key")
    page.get_by_label(label("Nowe hasło")).fill("Nowe-haslo-2027!")
    page.get_by_label(label("Nowe hasło (ponownie)")).fill("Nowe-haslo-2027!")
    page.get_by_role("button", name="Zapisz nowe hasło").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hasło zostało zmienione")
    screenshot("errors-reset-from-key-done")

    switch_to_english(page)
    page.goto(base + reverse("account_signup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    axe(page, "sign-up in English")
    screenshot("errors-signup-en")

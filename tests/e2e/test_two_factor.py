"""Two-factor sign-in and workshop mode, walked as a coordinator in the production profile.

With MIKROGRANTY_REQUIRE_STAFF_2FA on, a coordinator without a second factor is sent to set
one up, reads the key off the page into an "authenticator app" (allauth's own TOTP
arithmetic), keeps the recovery codes, reaches the management pages, and the next login asks
for the code. Then they open workshop mode for a call. Every page gets axe; the new ones get
desktop and phone screenshots (var/screenshots/two-factor-*.png).
"""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, CoordinatorFactory
from grants.tests.factories import GrantCallFactory
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_coordinator_in_production_profile_must_enrol_then_logs_in_with_a_code_and_opens_a_workshop(
    page, live_server, axe, screenshot, no_foreign_requests, settings
):
    settings.REQUIRE_STAFF_2FA = True
    coordinator = CoordinatorFactory(email="koordynatorka@example.org")
    call = GrantCallFactory(title="Młodzi w działaniu")
    base = live_server.url

    log_in(page, base, coordinator.email)
    page.goto(base + reverse("manage_root"))
    expect(page).to_have_url(base + reverse("mfa_index"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Koordynatorzy muszą używać logowania dwuetapowego"
    )
    axe(page, "two-factor settings, before enrolling")
    screenshot("two-factor-required")

    page.get_by_role("link", name="Skonfiguruj aplikację uwierzytelniającą").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Potwierdź, że to Ty")
    axe(page, "password check")
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Potwierdź").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Skonfiguruj aplikację uwierzytelniającą"
    )
    axe(page, "authenticator app set-up")
    screenshot("two-factor-activate")
    secret = page.get_by_label("Klucz do przepisania").input_value()
    page.locator("#id_code").fill(current_code(secret))
    page.get_by_role("button", name="Włącz logowanie dwuetapowe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kody odzyskiwania")
    expect(
        page.get_by_role("list", name="Niewykorzystane kody").get_by_role("listitem")
    ).to_have_count(10)
    axe(page, "recovery codes")
    screenshot("two-factor-recovery-codes")
    page.get_by_role("link", name="Gotowe").click()
    expect(page.get_by_text("Logowanie dwuetapowe jest włączone.")).to_be_visible()

    page.goto(base + reverse("manage_root"))
    expect(page).to_have_url(base + reverse("manage_root"))

    # The next login asks for the code (a new one: the app shows the next after 30 seconds;
    # here the used-code marker is dropped instead of waiting).
    page.context.clear_cookies()
    cache.clear()
    log_in(page, base, coordinator.email)
    expect(page).to_have_url(base + reverse("mfa_authenticate"))
    axe(page, "login code")
    screenshot("two-factor-login-code")
    page.locator("#id_code").fill("000000" if current_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_text("Błędny kod")).to_be_visible()
    page.locator("#id_code").fill(current_code(secret))
    page.get_by_role("button", name="Zaloguj się").click()
    page.goto(base + reverse("manage_root"))
    expect(page).to_have_url(base + reverse("manage_root"))

    # Workshop mode for the call: on, until when, the link, and ended early.
    page.goto(base + reverse("manage:call_edit", args=[call.pk]))
    page.get_by_role("link", name="Tryb warsztatowy").click()
    axe(page, "workshop mode, off")
    page.get_by_label("Jak długo").select_option("3")
    page.get_by_role("button", name="Otwórz tryb warsztatowy").click()
    expect(page.locator("#workshop-on")).to_contain_text("Tryb warsztatowy jest włączony do")
    expect(page.get_by_label("Link warsztatowy (zapisz go na tablicy)")).to_have_value(
        base + reverse("grants:workshop_join", args=[call.slug])
    )
    axe(page, "workshop mode, on")
    screenshot("two-factor-workshop-on")
    page.goto(base + reverse("manage:call_edit", args=[call.pk]))
    expect(page.locator("#workshop-status")).to_contain_text("Tryb warsztatowy jest włączony do")
    axe(page, "the call's page, workshop mode on")
    page.get_by_role("link", name="Link albo zakończenie").click()
    page.get_by_role("button", name="Zakończ tryb warsztatowy teraz").click()
    expect(page.get_by_text("Tryb warsztatowy jest wyłączony.")).to_be_visible()

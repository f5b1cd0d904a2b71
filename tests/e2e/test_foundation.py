"""A visitor finds a call and signs up; a coordinator creates, publishes and closes a call."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from grants.enums import CallStatus
from grants.models import GrantCall
from tests.e2e.steps import label

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_visitor_goes_from_home_to_call_page_to_sign_up(
    page, live_server, demo, axe, screenshot, no_foreign_requests
):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("Mini-granty")
    expect(page.get_by_role("heading", name="Otwarte nabory")).to_be_visible()
    axe(page, "home")
    screenshot("home")

    page.get_by_role("link", name=re.compile("Klimat w sąsiedztwie")).click()
    expect(page.locator("h1")).to_contain_text("Klimat w sąsiedztwie")
    expect(page.locator(".deadline").first).to_contain_text("czasu polskiego")
    axe(page, "call page")
    screenshot("call-detail")

    page.get_by_role("link", name=re.compile("Złóż wniosek")).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    axe(page, "sign-up")
    screenshot("signup")

    # A mistake first: the form keeps the e-mail and says what is wrong.
    page.get_by_label(label("Adres e-mail")).fill("mloda.aktywistka@example.org")
    page.get_by_label(label("Hasło")).fill("zielone-miasto-2027")
    page.get_by_label(label("Hasło (ponownie)")).fill("inne-haslo-2027")
    page.get_by_role("button", name=re.compile("Zarejestruj")).click()
    expect(page.get_by_label(label("Adres e-mail"))).to_have_value("mloda.aktywistka@example.org")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    axe(page, "sign-up with errors")

    page.get_by_label(label("Hasło")).fill("zielone-miasto-2027")
    page.get_by_label(label("Hasło (ponownie)")).fill("zielone-miasto-2027")
    page.get_by_role("button", name=re.compile("Zarejestruj")).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    axe(page, "verification sent")

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    axe(page, "confirm e-mail")
    page.get_by_role("button", name=re.compile("Potwierdź")).click()
    expect(
        page.get_by_role("button", name=re.compile("mloda.aktywistka@example.org"))
    ).to_be_visible()


def test_coordinator_creates_publishes_and_closes_a_call(
    page, live_server, demo, axe, screenshot, no_foreign_requests
):
    page.goto(live_server.url + reverse("account_login"))
    axe(page, "login")
    page.get_by_label(label("Adres e-mail")).fill("koordynator@example.org")
    page.get_by_label(label("Hasło")).fill("mikrogranty-demo")
    page.get_by_role("button", name=re.compile("^Zaloguj")).click()

    # Coordinators land on their start page; every call is one link away.
    expect(page.get_by_role("heading", name="Koordynacja", exact=True)).to_be_visible()
    page.get_by_role("link", name="Wszystkie nabory, nowy nabór i archiwum").click()
    expect(page.get_by_role("heading", name="Zarządzaj naborami")).to_be_visible()
    axe(page, "manage list")
    screenshot("manage-list")

    page.get_by_role("link", name="Nowy nabór").click()
    page.get_by_label(label("Program")).fill("Aktywni dla klimatu")
    page.get_by_label(label("Tytuł")).fill("Rowerem do szkoły 2027")
    page.get_by_label(re.compile("Adres \\(slug\\)")).fill("rowerem-do-szkoly-2027")
    page.get_by_label(re.compile("Kod naboru")).fill("RS")
    page.get_by_label(label("Opis")).fill(
        "Mini-granty na rowerownie i kampanie rowerowe w szkołach."
    )
    page.get_by_label(label("Kto może złożyć wniosek")).fill("Grupy uczniowskie z opiekunem.")
    page.get_by_label(re.compile("Minimalna kwota")).fill("500")
    page.get_by_label(re.compile("Maksymalna kwota")).fill("3000")
    page.get_by_label(re.compile("Całkowity budżet")).fill("30000")
    page.get_by_label(re.compile("Data otwarcia")).fill("2026-01-05T09:00")
    # A deliberate mistake: closing before opening.
    page.get_by_label(re.compile("Data zamknięcia")).fill("2026-01-01T23:59")
    page.get_by_role("button", name="Zapisz i opublikuj").click()
    expect(page.locator("#form-errors")).to_contain_text(
        "Nabór musi się kończyć po dacie otwarcia."
    )
    expect(page.get_by_label(label("Tytuł"))).to_have_value("Rowerem do szkoły 2027")
    axe(page, "call form with errors")
    screenshot("call-form-errors")

    page.get_by_label(re.compile("Data zamknięcia")).fill("2099-03-15T23:59")
    first = page.locator("[data-formset-row]").nth(0)
    first.get_by_label(label("Kryterium")).fill("Bezpieczeństwo rowerzystów")
    first.get_by_label(re.compile("Maksymalna liczba punktów")).fill("10")
    page.get_by_role("button", name="Dodaj kryterium").click()
    second = page.locator("[data-formset-row]").nth(1)
    second.get_by_label(label("Kryterium")).fill("Udział uczniów")
    second.get_by_label(re.compile("Maksymalna liczba punktów")).fill("5")
    second.get_by_role("button", name="Przesuń w górę").click()
    expect(
        page.locator("[data-formset-row]").nth(0).get_by_label(label("Kryterium"))
    ).to_have_value("Udział uczniów")
    page.get_by_role("button", name="Zapisz i opublikuj").click()
    expect(page.locator(".alert-success")).to_contain_text("opublikowany")
    axe(page, "call form")
    screenshot("call-form")

    call = GrantCall.objects.get(slug="rowerem-do-szkoly-2027")
    assert call.status == CallStatus.OPEN
    assert [c.name for c in call.criteria.all()] == ["Udział uczniów", "Bezpieczeństwo rowerzystów"]

    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name=re.compile("Rowerem do szkoły 2027"))).to_be_visible()

    page.goto(live_server.url + reverse("manage:call_edit", args=[call.pk]))
    page.get_by_role("link", name="Zamknij nabór").click()
    axe(page, "close confirmation")
    page.get_by_role("button", name="Zamknij nabór").click()
    expect(page.locator(".alert-success")).to_contain_text("zamknięty")
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED

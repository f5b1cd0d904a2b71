"""An applicant fills in and submits an application over two visits; a coordinator asks for a correction."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory
from applicants.models import Application
from grants.enums import CallStatus
from grants.models import (
    AttachmentRequirement,
    CallQuestion,
    Criterion,
    EligibilityQuestion,
    GrantCall,
    QuestionKind,
)
from tests.e2e.steps import label

pytestmark = [pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "zielone-miasto-2027"


@pytest.fixture
def call(transactional_db):
    coordinator = CoordinatorFactory(email="koordynatorka@example.org")
    call = GrantCall.objects.create(
        programme="Aktywni dla klimatu",
        title="Deszczówka na osiedlu",
        slug="deszczowka",
        reference_code="DO",
        description="Mini-granty na zatrzymanie wody deszczowej.",
        eligibility="Osoby w wieku 16–30 lat.",
        min_amount=Decimal("500"),
        max_amount=Decimal("5000"),
        total_budget=Decimal("50000"),
        own_contribution_percent=Decimal("5"),
        min_age=16,
        max_age=30,
        opens_at=timezone.now() - timedelta(days=5),
        closes_at=timezone.now() + timedelta(days=20),
        status=CallStatus.OPEN,
        created_by=coordinator,
    )
    Criterion.objects.create(call=call, name="Pomysł", max_points=10)
    EligibilityQuestion.objects.create(
        call=call,
        text="Czy projekt będzie realizowany w Polsce?",
        failure_explanation="Tylko projekty w Polsce.",
    )
    CallQuestion.objects.create(
        call=call, label="Skąd wiesz o naborze?", kind=QuestionKind.SHORT_TEXT
    )
    AttachmentRequirement.objects.create(call=call, name="List poparcia", required=True)
    return call


def log_in(page, base, email, password):
    page.goto(base + reverse("account_login"))
    page.get_by_label(label("Adres e-mail")).fill(email)
    page.get_by_label(label("Hasło")).fill(password)
    page.get_by_role("button", name=re.compile("^Zaloguj")).click()


def save_and_continue(page):
    page.get_by_role("button", name="Zapisz i przejdź dalej").click()


def test_applicant_submits_over_two_visits_and_corrects_on_request(
    page, browser, live_server, call, axe, screenshot, no_foreign_requests
):
    base = live_server.url
    # Visit 1: sign up from the call page, answer the screener, say who applies, fill the first sections.
    page.goto(base + call.get_absolute_url())
    page.get_by_role("link", name=re.compile("Złóż wniosek")).click()
    page.get_by_label(label("Adres e-mail")).fill("zosia@example.org")
    page.get_by_label(label("Hasło")).fill(PASSWORD)
    page.get_by_label(label("Hasło (ponownie)")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Zarejestruj")).click()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name=re.compile("Potwierdź")).click()

    page.goto(base + call.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Złóż wniosek")).click()
    expect(page.get_by_role("heading", name="Zanim zaczniesz")).to_be_visible()
    axe(page, "screener")
    page.get_by_role("radio", name="Nie").check()
    page.get_by_role("button", name="Zacznij wypełniać wniosek").click()
    expect(page.get_by_text("Tylko projekty w Polsce.")).to_be_visible()
    axe(page, "screener failed")
    page.get_by_role("radio", name="Tak").check()
    page.get_by_role("button", name="Zacznij wypełniać wniosek").click()

    expect(page.get_by_role("heading", name="Kto składa wniosek")).to_be_visible()
    page.get_by_role("radio", name="Osoba indywidualna").check()
    page.locator("#id_contact_name").fill("Zofia Zielińska")
    page.locator("#id_street").fill("ul. Piotrkowska 12/3")
    page.locator("#id_postcode").fill("90-006")
    page.locator("#id_city").fill("Łódź")
    page.locator("#id_date_of_birth").fill("2007-03-14")
    axe(page, "profile")
    screenshot("profile")
    page.get_by_role("button", name="Zapisz i przejdź dalej").click()

    expect(page.get_by_role("heading", name="Tytuł i streszczenie")).to_be_visible()
    page.locator("#id_title").fill("Beczki na deszczówkę przy bloku")
    page.locator("#id_summary").fill("Ustawimy beczki i posadzimy rośliny, które lubią wodę.")
    axe(page, "basics")
    screenshot("section-basics")
    save_and_continue(page)
    page.locator("#id_problem").fill("Woda z rynien spływa do kanalizacji, a trawniki usychają.")
    page.locator("#id_goals").fill("Zatrzymać 5 m³ wody rocznie.")
    page.locator("#id_target_group").fill("Mieszkańcy bloku przy ul. Zielonej.")
    save_and_continue(page)
    page.locator("#id_activities").fill("Warsztaty, montaż beczek, sadzenie.")
    page.locator("#id_schedule-0-starts_on").fill("2027-04-01")
    page.locator("#id_schedule-0-ends_on").fill("2027-03-01")  # a mistake: the end before the start
    page.locator("#id_schedule-0-activity").fill("Montaż beczek")
    save_and_continue(page)
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_schedule-0-activity")).to_have_value("Montaż beczek")
    axe(page, "activities with errors")
    screenshot("section-errors")
    page.locator("#id_schedule-0-ends_on").fill("2027-04-30")
    save_and_continue(page)
    page.locator("#id_expected_results").fill("4 beczki, 30 roślin, 25 osób na warsztatach.")
    page.locator("#id_results_measurement").fill("Zdjęcia, lista obecności.")
    save_and_continue(page)
    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("button", name="Wyloguj się").click()

    # Visit 2: log in again, find the draft, finish it.
    log_in(page, base, "zosia@example.org", PASSWORD)
    page.get_by_role("link", name="Moje wnioski").first.click()
    axe(page, "my applications (draft)")
    page.get_by_role("link", name=re.compile("^Kontynuuj")).click()
    axe(page, "application overview")
    page.get_by_role("link", name="Zespół").click()
    page.locator("#id_team_description").fill("Zosia i sąsiedzi z klatki B.")
    save_and_continue(page)

    page.locator("#id_budget-0-item").fill("Beczka 300 l")
    page.locator("#id_budget-0-unit").fill("szt.")
    page.locator("#id_budget-0-quantity").fill("4")
    page.locator("#id_budget-0-unit_cost").fill("450")
    page.locator("#id_budget-0-own_contribution").fill("100")
    expect(page.locator("[data-requested]")).to_have_text("1\u00a0700,00\u00a0zł")
    axe(page, "budget")
    screenshot("section-budget")
    save_and_continue(page)

    page.get_by_label(re.compile("Skąd wiesz o naborze")).fill("Z Instagrama")
    save_and_continue(page)

    page.locator("#id_file").set_input_files(
        files=[{"name": "list-poparcia.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.locator("#id_requirement").select_option(label="List poparcia")
    page.get_by_role("button", name="Wyślij plik").click()
    expect(page.get_by_role("link", name="list-poparcia.pdf")).to_be_visible()
    axe(page, "attachments")
    screenshot("attachments")
    page.get_by_role("link", name=re.compile("Sprawdź i złóż")).first.click()

    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.locator("#problems")).to_be_visible()
    axe(page, "submit with errors")
    screenshot("submit-errors")
    for checkbox in page.locator('input[type="checkbox"][name^="consent_"]').all():
        checkbox.check()
    page.get_by_role("button", name="Złóż wniosek").click()

    application = Application.objects.get(applicant__email="zosia@example.org")
    assert application.reference_number == f"DO/{call.reference_year}/0001"
    expect(page.locator(".alert-success").first).to_contain_text(application.reference_number)
    expect(page.get_by_role("heading", name="Co się do tej pory wydarzyło")).to_be_visible()
    axe(page, "submitted application")
    screenshot("submitted")

    # The coordinator asks for a correction.
    coordinator_context = browser.new_context(bypass_csp=True, locale="pl-PL")
    coordinator = coordinator_context.new_page()
    coordinator.goto(base + reverse("account_login"))
    CoordinatorFactory(email="ocena@example.org")
    coordinator.get_by_label(label("Adres e-mail")).fill("ocena@example.org")
    coordinator.get_by_label(label("Hasło")).fill("correct-horse-battery-staple")
    coordinator.get_by_role("button", name=re.compile("^Zaloguj")).click()
    coordinator.goto(base + reverse("applicants_manage:detail", args=[application.pk]))
    axe(coordinator, "coordinator application page")
    coordinator.get_by_role("radio", name="Poproś o poprawki").check()
    coordinator.get_by_role("button", name="Zapisz ocenę formalną").click()
    expect(coordinator.locator("#form-errors")).to_be_visible()
    axe(coordinator, "formal check with errors")
    coordinator.get_by_label(re.compile("Wiadomość do wnioskodawcy")).fill(
        "Dopisz, kto zadba o beczki zimą."
    )
    coordinator.get_by_role("button", name="Zapisz ocenę formalną").click()
    expect(coordinator.locator(".alert-success")).to_be_visible()

    # The applicant corrects and resubmits.
    page.goto(base + application.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text("Dopisz, kto zadba o beczki zimą.")
    axe(page, "correction requested")
    page.get_by_role("link", name="Zespół").click()
    page.locator("#id_team_description").fill(
        "Zosia i sąsiedzi z klatki B. Zimą beczki przechowa administracja."
    )
    page.get_by_role("button", name="Zapisz", exact=True).click()
    page.goto(base + reverse("applicants:submit", args=[application.pk]))
    for checkbox in page.locator('input[type="checkbox"][name^="consent_"]').all():
        checkbox.check()
    page.get_by_role("button", name="Złóż poprawiony wniosek").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    # The coordinator sees both versions with the difference and accepts.
    coordinator.goto(base + reverse("applicants_manage:detail", args=[application.pk]))
    expect(coordinator.locator(".diff ins").first).to_contain_text("Zimą")
    coordinator.get_by_role("radio", name="Przyjmij do oceny").check()
    coordinator.get_by_role("button", name="Zapisz ocenę formalną").click()
    expect(coordinator.locator(".alert-success")).to_be_visible()
    axe(coordinator, "accepted")
    application.refresh_from_db()
    assert application.status == "accepted_for_review"
    assert application.versions.count() == 2
    coordinator_context.close()

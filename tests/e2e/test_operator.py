"""Who runs the programme, in the browser: the coordinator fills in the programme profile and
uploads a logo, every page's header and footer show it, the privacy notice names the operator,
applicants give a postal address, and the letter carries it all (var/screenshots/operator-*.png).
"""

import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory, UserFactory
from core.models import ProgrammeProfile
from decisions.letter_templates import render_preview_pdf
from decisions.letters import default_letter_body
from grants.tests.factories import GrantCallFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.steps import label, log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 48" width="200" height="48">'
    '<rect x="2" y="10" width="12" height="36" fill="#c2410c"/>'
    '<rect x="17" y="2" width="14" height="44" fill="#1d4ed8"/>'
    '<text x="38" y="32" font-family="sans-serif" font-size="18" fill="#1f2937">Miasto Wspólne</text>'
    "</svg>"
)
EVIL = '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>'


def test_coordinator_fills_in_the_programme_profile_and_the_header_shows_the_logo(
    page, live_server, axe, screenshot, no_foreign_requests, tmp_path
):
    coordinator = CoordinatorFactory(full_name="Katarzyna Nowicka")
    base = live_server.url
    log_in(page, base, coordinator.email)
    page.goto(base + reverse("manage:home"))
    page.get_by_role("link", name="Profil programu").click()
    expect(page.get_by_role("heading", name="Profil programu", level=1)).to_be_visible()
    # Labels say what each field is (the tests fill them by id; axe checks the labels).
    expect(page.get_by_label(label("Nazwa operatora"))).to_be_visible()

    page.locator("#id_operator_name").fill("Stowarzyszenie Miasto Wspólne")
    page.locator("#id_street").fill("ul. Wspólna 12")
    page.locator("#id_postcode").fill("00950")
    page.locator("#id_town").fill("Warszawa")
    page.locator("#id_nip").fill("000-123-45-62")
    page.locator("#id_privacy_contact_email").fill("iod@miastowspolne.example")
    page.locator("#id_signatory_name").fill("Katarzyna Nowicka")
    page.locator("#id_signatory_role").fill("Koordynatorka programu")
    page.locator("#id_website").fill("miastowspolne.example")
    evil = tmp_path / "logo.svg"
    evil.write_text(EVIL)
    page.locator("#id_logo_file").set_input_files(str(evil))
    page.get_by_role("button", name="Zapisz profil").click()

    # The script-bearing logo is refused beside the field; what was typed stays.
    expect(page.locator("#form-errors")).to_contain_text("onclick")
    expect(page.locator("#id_operator_name")).to_have_value("Stowarzyszenie Miasto Wspólne")
    axe(page, "programme profile with errors")

    good = tmp_path / "miasto.svg"
    good.write_text(LOGO)
    page.locator("#id_logo_file").set_input_files(str(good))
    page.get_by_role("button", name="Zapisz profil").click()
    expect(page.get_by_text("Profil programu zapisano.")).to_be_visible()
    assert ProgrammeProfile.objects.get().postcode == "00-950"

    # The header shows the logo (loaded, not a broken image) on this and every page.
    logo = page.locator("header img.navbar-logo")
    expect(logo).to_be_visible()
    # Visible is not loaded: wait until the browser is done with it (loaded or broken).
    page.wait_for_function("document.querySelector('header img.navbar-logo').complete")
    assert page.evaluate("document.querySelector('header img.navbar-logo').naturalWidth") > 0
    expect(page.locator("#profile-history")).to_contain_text("Katarzyna Nowicka")
    axe(page, "programme profile")
    screenshot("operator-profile")

    page.goto(base + reverse("home"))
    expect(page.locator("header img.navbar-logo")).to_be_visible()
    footer = page.locator("footer")
    expect(footer).to_contain_text("Stowarzyszenie Miasto Wspólne")
    expect(footer).to_contain_text("ul. Wspólna 12, 00-950 Warszawa")
    expect(footer).to_contain_text("iod@miastowspolne.example")
    footer.get_by_role("link", name="Klauzula informacyjna").click()
    expect(page.locator("#controller")).to_contain_text(
        "Administratorem Twoich danych osobowych jest Stowarzyszenie Miasto Wspólne"
    )
    axe(page, "privacy notice")
    screenshot("operator-privacy")

    # The letter as the coordinator's preview renders it: pages as images to look at.
    pdf = render_preview_pdf(GrantCallFactory(), "award", "pl", default_letter_body("award", "pl"))
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(pdf)
    subprocess.run(  # noqa: S603 (a fixed poppler-utils program, on a file written here)
        [
            shutil.which("pdftoppm"),
            "-png",
            "-r",
            "70",
            str(letter),
            str(SCREENSHOTS / "operator-letter"),
        ],
        check=True,
    )


def test_applicant_gives_a_postal_address_and_is_told_how_to_write_the_postcode(
    page, live_server, axe, screenshot
):
    applicant = UserFactory()
    base = live_server.url
    log_in(page, base, applicant.email)
    page.goto(base + reverse("applicants:profile"))
    page.get_by_role("radio", name="Osoba indywidualna").check()
    page.locator("#id_contact_name").fill("Zofia Zielińska")
    page.locator("#id_date_of_birth").fill("2005-03-14")
    page.locator("#id_street").fill("ul. Piotrkowska 12/3")
    page.locator("#id_postcode").fill("90-06")
    page.locator("#id_city").fill("Łódź")
    page.get_by_role("button", name="Zapisz").click()

    feedback = page.locator("#id_postcode ~ .invalid-feedback, #error_1_id_postcode")
    expect(feedback.first).to_contain_text("Wpisz kod pocztowy w formacie NN-NNN, np. 00-950.")
    expect(page.locator("#id_street")).to_have_value("ul. Piotrkowska 12/3")
    axe(page, "applicant profile with a wrong postcode")
    screenshot("operator-applicant-profile")
    page.locator("#id_postcode").fill("90-006")
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_text("Zapisano.")).to_be_visible()
    profile = applicant.applicant_profile
    profile.refresh_from_db()
    assert (profile.street, profile.postcode, profile.city) == (
        "ul. Piotrkowska 12/3",
        "90-006",
        "Łódź",
    )

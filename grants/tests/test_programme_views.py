"""The coordinators' page for who runs the programme (/manage/programme/), and the privacy notice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from core.models import ProgrammeProfile
from core.tests.programme import GOOD_SVG, OPERATOR, png_bytes, programme_saved

pytestmark = pytest.mark.django_db

EVIL_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect/></svg>'


def profile_post(**overrides) -> dict:
    data = {**OPERATOR, "nip": "000-123-45-62", **overrides}
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory(full_name="Katarzyna Nowicka"))
    return client


def test_programme_page_saves_the_profile_with_a_logo(coordinator_client):
    logo = SimpleUploadedFile("logo.svg", GOOD_SVG, content_type="image/svg+xml")
    response = coordinator_client.post(
        reverse("programme:edit"), profile_post(logo_file=logo), follow=True
    )
    assert "Profil programu zapisano." in response.content.decode()
    profile = ProgrammeProfile.objects.get()
    assert profile.operator_name == "Fundacja Zielony Kwartał"
    assert profile.nip == "0001234562"  # written with dashes, stored as digits
    assert bytes(profile.logo) == GOOD_SVG and profile.logo_content_type == "image/svg+xml"
    page = coordinator_client.get(reverse("programme:edit")).content.decode()
    assert 'value="000-123-45-62"' in page  # and shown as people write it
    assert "Katarzyna Nowicka" in page  # the change is on record


def test_programme_page_refuses_a_script_bearing_svg_and_keeps_the_old_logo(coordinator_client):
    programme_saved(logo=False)
    coordinator_client.post(
        reverse("programme:edit"),
        profile_post(logo_file=SimpleUploadedFile("logo.png", png_bytes())),
    )
    evil = SimpleUploadedFile("logo.svg", EVIL_SVG, content_type="image/svg+xml")
    response = coordinator_client.post(reverse("programme:edit"), profile_post(logo_file=evil))
    assert response.status_code == 200
    assert "onload" in response.content.decode()
    profile = ProgrammeProfile.objects.get()
    assert profile.logo_content_type == "image/png"


def test_programme_page_says_what_is_wrong_with_the_postcode_and_nip(coordinator_client):
    response = coordinator_client.post(
        reverse("programme:edit"), profile_post(postcode="31123x", nip="123-456-78-90")
    )
    page = response.content.decode()
    assert "Wpisz kod pocztowy w formacie NN-NNN, np. 00-950." in page
    assert "To nie jest poprawny NIP" in page
    assert not ProgrammeProfile.objects.exists()


def test_programme_page_accepts_a_postcode_without_the_dash(coordinator_client):
    coordinator_client.post(reverse("programme:edit"), profile_post(postcode="31123"))
    assert ProgrammeProfile.objects.get().postcode == "31-123"


def test_programme_page_removes_the_logo(coordinator_client):
    programme_saved()
    coordinator_client.post(reverse("programme:edit"), profile_post(remove_logo="on"))
    assert not ProgrammeProfile.objects.get().has_logo
    assert coordinator_client.get(reverse("programme_logo")).status_code == 404


def test_coordinator_navigation_links_to_the_programme_profile(coordinator_client):
    page = coordinator_client.get(reverse("manage:home")).content.decode()
    assert reverse("programme:edit") in page


def test_header_shows_the_logo_and_footer_the_operator(client):
    programme_saved()
    page = client.get(reverse("home")).content.decode()
    assert f'src="{reverse("programme_logo")}?v=' in page
    assert "Granty Kwartału" in page  # the service's name beside the logo and in the title
    footer = page[page.index("<footer") :]
    for shown in (
        "Fundacja Zielony Kwartał",
        "ul. Kwartałowa 3, 31-123 Kraków",
        "zielonykwartal.example",
        "iod@zielonykwartal.example",
        reverse("privacy_notice"),
    ):
        assert shown in footer


def test_header_without_a_logo_shows_the_name_only(client):
    page = client.get(reverse("home")).content.decode()
    assert reverse("programme_logo") not in page
    assert "Mikrogranty" in page


def test_privacy_notice_names_the_operator_and_the_data_protection_officer(client):
    programme_saved()
    page = client.get(reverse("privacy_notice")).content.decode()
    assert (
        "Administratorem Twoich danych osobowych jest Fundacja Zielony Kwartał, "
        "ul. Kwartałowa 3, 31-123 Kraków (KRS 0000000000, NIP 000-123-45-62)."
    ) in page
    assert "Jan Iodowski" in page and "iod@zielonykwartal.example" in page

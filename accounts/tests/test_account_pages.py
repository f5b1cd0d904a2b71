"""The sign-up, log-in and password pages (django-allauth's) in the site's layout and wording."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def main_of(response) -> str:
    return re.search(r"<main.*?</main>", text_of(response), re.S).group(0)


def headings(response) -> list[str]:
    return [
        re.sub(r"\s+", " ", heading).strip()
        for heading in re.findall(r"<h1[^>]*>(.*?)</h1>", main_of(response), re.S)
    ]


def assert_in_site_layout(response):
    page = text_of(response)
    assert 'class="navbar-brand' in page
    assert "<footer" in page


def link_path(message) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", message.body).group(0))


@pytest.mark.parametrize(
    ("name", "heading", "links"),
    [
        ("account_login", "Zaloguj się", ["account_signup", "account_reset_password"]),
        ("account_signup", "Załóż konto", ["account_login"]),
        ("account_reset_password", "Nie pamiętasz hasła?", ["account_login"]),
        ("account_reset_password_done", "Sprawdź skrzynkę e-mail", ["account_login"]),
        ("account_email_verification_sent", "Potwierdź adres e-mail", ["account_login"]),
        ("account_inactive", "To konto jest nieaktywne", ["home"]),
    ],
)
def test_account_page_is_in_the_sites_layout_with_polish_heading_and_links(
    client, name, heading, links
):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_in_site_layout(response)
    assert headings(response) == [heading]
    for link in links:
        assert f'href="{reverse(link)}"' in main_of(response)


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_login", "Log in"),
        ("account_signup", "Create an account"),
        ("account_reset_password", "Forgotten your password?"),
        ("account_email_verification_sent", "Confirm your e-mail address"),
    ],
)
def test_account_page_in_english(client, name, heading):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")

    assert headings(response) == [heading]
    assert '<html lang="en">' in text_of(response)


def test_login_page_buttons_are_the_sites_and_wording_is_plain(client):
    main = main_of(client.get(reverse("account_login")))

    assert '<button type="submit" class="btn btn-primary">Zaloguj się</button>' in main
    assert "Nie pamiętasz hasła?" in main  # beside the password field
    assert "Zapomniałeś" not in main
    assert "Nie masz jeszcze konta?" in main
    assert "proszę" not in main.lower()


def test_login_with_a_wrong_password_says_so_plainly_above_the_form(client):
    UserFactory(email="ala@example.org")

    response = client.post(
        reverse("account_login"), {"login": "ala@example.org", "password": "nie-to-haslo"}
    )

    main = main_of(response)
    assert "Adres e-mail lub hasło są nieprawidłowe." in main
    assert 'value="ala@example.org"' in main  # nothing typed is lost


def test_signup_errors_stand_beside_their_fields(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ala@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    main = main_of(response)
    error = re.search(r'id="id_password2_error" class="invalid-feedback">(.*?)</div>', main, re.S)
    assert "Oba wpisane hasła muszą być takie same." in error.group(1)
    assert 'class="passwordinput form-control is-invalid"' in main
    assert 'value="ala@example.org"' in main


def test_password_reset_journey_reads_as_one_story(client, django_capture_on_commit_callbacks):
    UserFactory(email="ala@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("account_reset_password"), {"email": "ala@example.org"}, follow=True
        )
    assert headings(sent) == ["Sprawdź skrzynkę e-mail"]
    form = client.get(link_path(mail.outbox[-1]), follow=True)
    assert headings(form) == ["Ustaw nowe hasło"]
    assert '<button type="submit" class="btn btn-primary" name="action">' in main_of(form)
    done = client.post(
        form.redirect_chain[-1][0],
        {"password1": "Nowe-haslo-2027!", "password2": "Nowe-haslo-2027!"},
        follow=True,
    )
    assert headings(done) == ["Hasło zostało zmienione"]
    assert f'href="{reverse("account_login")}"' in main_of(done)
    again = client.get(form.redirect_chain[-1][0])  # the link is used up
    assert headings(again) == ["Ten link już nie działa"]
    assert f'href="{reverse("account_reset_password")}"' in main_of(again)


def test_email_confirmation_page_asks_plainly(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "nowa@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    response = client.get(link_path(mail.outbox[-1]))

    main = main_of(response)
    assert headings(response) == ["Potwierdź adres e-mail"]
    assert "Czy nowa@example.org to Twój adres e-mail?" in re.sub(r"<[^>]+>", "", main)
    assert "jest adresem e-mail użytkownika" not in main
    assert '<button type="submit" class="btn btn-primary">Potwierdź adres</button>' in main


def test_expired_email_confirmation_link_offers_a_way_on(client):
    response = client.get(reverse("account_confirm_email", args=["nieznany-klucz"]))

    assert headings(response) == ["Ten link już nie działa"]
    assert f'href="{reverse("account_login")}"' in main_of(response)
    assert "Proszę" not in main_of(response)


def test_logout_page_asks_without_a_stray_space(client):
    client.force_login(UserFactory())

    main = main_of(client.get(reverse("account_logout")))

    assert "Czy chcesz się wylogować?" in main
    assert " ?" not in main
    assert '<button type="submit" class="btn btn-primary">Wyloguj się</button>' in main


def test_email_addresses_page_shows_each_address_with_its_state(client):
    user = UserFactory(email="ala@example.org")
    client.force_login(user)

    response = client.get(reverse("account_email"))

    main = main_of(response)
    assert headings(response) == ["Adresy e-mail"]
    assert "główny" in main and "potwierdzony" in main
    assert 'class="form-check-input" type="radio"' in main
    assert "Uczyń podstawowym" not in main
    assert "<h2" in main  # "Add an e-mail address" below the h1, no level skipped


def test_password_change_page_in_the_sites_layout(client):
    client.force_login(UserFactory())

    response = client.get(reverse("account_change_password"))

    assert_in_site_layout(response)
    assert headings(response) == ["Zmień hasło"]
    assert "Zapisz nowe hasło" in main_of(response)

"""Error pages: the site's layout, the visitor's language, a way back, nothing leaked."""

import html
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.tests.urls_error_pages import SECRET_DETAIL

ERROR_URLS = "core.tests.urls_error_pages"


def assert_site_page_without_leaks(response):
    text = page_text(response)
    assert 'class="navbar-brand' in text  # the site's header
    assert "<footer" in text
    assert 'href="/"' in text  # a way home
    assert SECRET_DETAIL not in text
    assert "Traceback" not in text
    assert settings.SECRET_KEY not in text


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def client_in(language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.raise_request_exception = False
    return client


# --- 500 ----------------------------------------------------------------------------------


@pytest.mark.urls(ERROR_URLS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("pl", "Coś poszło nie tak po naszej stronie"), ("en", "Something went wrong on our side")],
)
def test_server_error_page_renders_without_a_database(language, heading):
    """No django_db mark: any query the page made would fail the test, as a database down would."""
    response = client_in(language).get("/test-fails/")

    assert response.status_code == 500
    assert heading in page_text(response)
    assert f'<html lang="{language}">' in page_text(response)
    assert_site_page_without_leaks(response)


@pytest.mark.django_db
@pytest.mark.urls(ERROR_URLS)
def test_server_error_page_asks_nothing_of_the_database_for_a_signed_in_person(
    django_assert_num_queries,
):
    client = client_in("pl")
    client.force_login(UserFactory())

    with django_assert_num_queries(0):
        response = client.get("/test-fails/")

    assert response.status_code == 500
    assert "Coś poszło nie tak po naszej stronie" in page_text(response)


def broken_context_processor(request):
    raise RuntimeError(SECRET_DETAIL)


@pytest.mark.urls(ERROR_URLS)
def test_server_error_page_renders_when_the_request_context_is_broken(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "core.tests.test_error_pages.broken_context_processor",
                ]
            },
        }
    ]

    response = client_in("pl").get("/test-fails/")

    assert response.status_code == 500
    assert "Coś poszło nie tak po naszej stronie" in page_text(response)
    assert_site_page_without_leaks(response)


@pytest.mark.urls(ERROR_URLS)
def test_server_error_page_falls_back_to_plain_text_when_the_layout_fails(settings, caplog):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [settings.BASE_DIR / "core" / "tests" / "broken_templates"],
        }
    ]

    response = client_in("en").get("/test-fails/")

    assert response.status_code == 500
    text = page_text(response)
    assert "<h1>Something went wrong on our side</h1>" in text
    assert SECRET_DETAIL not in text


# --- 404 ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [
        ("pl", "Nie możemy znaleźć tej strony", "Przejdź do strony głównej"),
        ("en", "We can't find this page", "Go to the home page"),
    ],
)
def test_not_found_page_is_the_sites_in_the_visitors_language(language, heading, home):
    response = client_in(language).get("/no-such-page/")

    assert response.status_code == 404
    text = page_text(response)
    assert heading in text
    assert home in text
    assert_site_page_without_leaks(response)


@pytest.mark.django_db
def test_not_found_page_follows_the_language_chosen_on_the_site():
    client = client_in("pl")
    client.force_login(UserFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/applications/999999/")  # nobody's, or someone else's

    assert response.status_code == 404
    assert "We can't find this page" in page_text(response)


@pytest.mark.django_db
def test_not_found_page_links_back_to_the_page_the_visitor_came_from():
    response = client_in("pl").get("/no-such-page/", HTTP_REFERER="http://testserver/calls/x/")

    assert 'href="http://testserver/calls/x/" data-history-back' in page_text(response)


@pytest.mark.django_db
def test_not_found_page_offers_no_way_back_to_another_site():
    response = client_in("pl").get("/no-such-page/", HTTP_REFERER="https://evil.example/")

    assert "evil.example" not in page_text(response)


# --- 403 ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("pl", "Nie masz dostępu do tej strony"), ("en", "You don't have access to this page")],
)
def test_forbidden_page_names_the_account_and_offers_a_way_back(language, heading):
    applicant = UserFactory(email="ala@example.org")
    client = client_in(language)
    client.force_login(applicant)

    response = client.get(reverse("manage:home"))  # a coordinator's page

    assert response.status_code == 403
    text = page_text(response)
    assert heading in text
    assert "ala@example.org" in text
    assert reverse("applicants:my_applications") in text
    assert_site_page_without_leaks(response)


@pytest.mark.django_db
@pytest.mark.urls(ERROR_URLS)
def test_forbidden_page_shows_not_the_reason_and_offers_to_log_in():
    response = client_in("pl").get("/test-refuses/")

    assert response.status_code == 403
    text = page_text(response)
    assert "Nie masz dostępu do tej strony" in text
    assert f"{reverse('account_login')}?next=/test-refuses/" in text
    assert_site_page_without_leaks(response)


@pytest.mark.django_db
def test_forbidden_page_keeps_the_one_log_line_per_refusal(caplog):
    client = client_in("pl")
    client.force_login(UserFactory())
    caplog.set_level(logging.WARNING, logger="django")

    client.get(reverse("manage:home"))

    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refusals) == 1
    assert "\n" not in caplog.text.strip()


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("pl", "Sesja wygasła", "To, co wpisano, nadal jest na poprzedniej stronie."),
        ("en", "Your session has expired", "What you typed is still on the previous page."),
    ],
)
def test_refused_form_explains_and_leads_back_to_the_form(language, heading, advice):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    login = reverse("account_login")

    response = client.post(
        login, {"login": "ala@example.org"}, HTTP_REFERER=f"http://testserver{login}"
    )

    assert response.status_code == 403
    text = page_text(response)
    assert heading in text
    assert advice in text
    assert f'href="http://testserver{login}" data-history-back' in text
    assert_site_page_without_leaks(response)


@pytest.mark.django_db
def test_refused_form_answer_sets_a_fresh_token_so_sending_again_works():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "ala@example.org"})

    assert response.status_code == 403
    token = response.cookies[settings.CSRF_COOKIE_NAME].value
    again = client.post(
        reverse("account_login"),
        {"login": "ala@example.org", "password": "x", "csrfmiddlewaretoken": token},
    )
    assert again.status_code == 200  # the form again, with its error: no refusal


@pytest.mark.django_db
def test_refused_form_is_logged_once(caplog):
    caplog.set_level(logging.WARNING, logger="django")

    Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x"})

    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refusals) == 1


# --- 400 ----------------------------------------------------------------------------------


@pytest.mark.urls(ERROR_URLS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("pl", "Nie udało się odczytać tego zapytania"), ("en", "We couldn't understand")],
)
def test_bad_request_page_renders_without_a_database(language, heading):
    response = client_in(language).get("/test-bad-request/")

    assert response.status_code == 400
    assert heading in page_text(response)
    assert_site_page_without_leaks(response)


def test_bad_request_page_for_a_refused_host_name():
    response = client_in("en").get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "We couldn't understand" in page_text(response)
    assert "evil.example" not in page_text(response)


# --- /favicon.ico -------------------------------------------------------------------------


def test_favicon_ico_leads_to_the_icon_in_static():
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.ico")
    icon = Path(finders.find("img/favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.urls(ERROR_URLS)
def test_every_page_links_the_icons():
    text = page_text(client_in("pl").get("/test-bad-request/"))

    assert f'<link rel="icon" href="{static("img/favicon.ico")}"' in text
    assert f'<link rel="icon" href="{static("img/favicon.svg")}"' in text

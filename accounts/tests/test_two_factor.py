"""Two-factor sign-in (allauth.mfa): enrolling, logging in with a code or a recovery code,
and coordinators required to use it when settings.REQUIRE_STAFF_2FA is on."""

import html
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    """The code an authenticator app shows now (allauth's own TOTP arithmetic)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def confirm_password(client):
    """allauth asks for the password again before the way of signing in changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Coordinators must enrol (when required) ----------------------------------------


@override_settings(REQUIRE_STAFF_2FA=False)
def test_staff_2fa_off_lets_a_coordinator_work_with_a_password(client):
    log_in(client, CoordinatorFactory())

    assert client.get(reverse("manage_root")).status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_2fa_on_sends_a_coordinator_to_enrol_from_every_page(client):
    log_in(client, CoordinatorFactory())

    for url in [reverse("manage_root"), reverse("home"), reverse("privacy:overview")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_index")
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "Koordynatorzy muszą używać logowania dwuetapowego" in page_text(page)


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_2fa_on_leaves_enrolment_logout_and_language_open(client):
    log_in(client, CoordinatorFactory())

    assert client.get(reverse("mfa_activate_totp")).status_code == 302  # password first
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    confirm_password(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    language = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302
    assert language["Location"] == "/"
    assert client.post(reverse("account_logout")).status_code == 302
    assert not is_logged_in(client)


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_2fa_coordinator_enrols_totp_then_works_and_next_login_asks_for_the_code(client):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    confirm_password(client)

    form = client.get(reverse("mfa_activate_totp"))
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', form.content.decode())[1]
    enrolled = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert enrolled.status_code == 302
    assert enrolled["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(enrolled["Location"])
    assert len(re.findall(r"<li>\d{8}</li>", codes.content.decode())) == 10
    assert client.get(reverse("manage_root")).status_code == 200

    client.post(reverse("account_logout"))
    cache.clear()  # the code was used to enrol; allauth refuses it again within its 30 seconds
    response = log_in(client, coordinator)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    assert (
        client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}).status_code == 302
    )
    assert is_logged_in(client)
    assert client.get(reverse("manage_root")).status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_2fa_never_forces_an_applicant_or_a_reviewer(client):
    log_in(client, UserFactory())

    assert client.get(reverse("applicants:my_applications")).status_code == 200
    assert client.get(reverse("reviews:dashboard")).status_code in {200, 403}


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_2fa_coordinator_cannot_turn_off_their_only_second_factor(client):
    coordinator = CoordinatorFactory()
    with_totp(coordinator)
    client.force_login(coordinator)
    confirm_password(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "Koordynatorzy muszą mieć włączone logowanie dwuetapowe" in page_text(response)
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()


@override_settings(REQUIRE_STAFF_2FA=False)
def test_two_factor_anyone_may_turn_it_off_when_not_required(client):
    user = UserFactory()
    with_totp(user)
    client.force_login(user)
    confirm_password(client)

    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()


# --- Logging in with a second factor -------------------------------------------------


def test_two_factor_login_refuses_a_wrong_code(client):
    user = UserFactory()
    secret = with_totp(user)
    log_in(client, user)
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Błędny kod" in page_text(response)
    assert not is_logged_in(client)
    assert client.get(reverse("applicants:my_applications")).status_code == 302


def test_two_factor_login_page_is_ours_in_polish(client):
    user = UserFactory()
    with_totp(user)

    response = log_in(client, user)
    page = client.get(response["Location"])

    assert "Wpisz 6-cyfrowy kod z aplikacji uwierzytelniającej" in page_text(page)
    assert 'class="navbar-brand' in page.content.decode()


def test_two_factor_recovery_code_works_once(client):
    user = UserFactory()
    with_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]

    log_in(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert is_logged_in(client)

    client.post(reverse("account_logout"))
    log_in(client, user)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200
    assert not is_logged_in(client)


def test_two_factor_settings_are_linked_from_the_account_menu(client):
    client.force_login(UserFactory())

    response = client.get(reverse("home"))

    assert f'href="{reverse("mfa_index")}"' in response.content.decode()
    assert "Logowanie dwuetapowe" in page_text(response)


# --- RODO ------------------------------------------------------------------------------


def test_my_data_says_whether_two_factor_sign_in_is_on(client):
    user = UserFactory()
    client.force_login(user)
    assert "Logowanie dwuetapowe: wyłączone" in re.sub(
        r"<[^>]+>", "", page_text(client.get(reverse("privacy:overview")))
    )

    secret = with_totp(user)
    page = re.sub(r"<[^>]+>", "", page_text(client.get(reverse("privacy:overview"))))
    assert "Logowanie dwuetapowe: włączone" in page
    assert secret not in page


def test_my_data_export_lists_methods_never_the_secret(client):
    user = UserFactory()
    secret = with_totp(user)
    RecoveryCodes.activate(user)
    client.force_login(user)

    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("privacy:export")).content))
    raw = archive.read("data.json").decode()
    data = json.loads(raw)["two_factor_sign_in"]

    assert data["on"] is True
    assert [m["type"] for m in data["methods"]] == ["totp", "recovery_codes"]
    assert secret not in raw
    assert '"two_factor_sign_in"' in archive.read("README.txt").decode()


def test_account_delete_removes_the_authenticators(client):
    user = UserFactory()
    with_totp(user)
    RecoveryCodes.activate(user)
    client.force_login(user)

    client.post(reverse("privacy:delete"), {"email": user.email})

    assert not User.objects.filter(pk=user.pk).exists()
    assert not Authenticator.objects.exists()


def test_two_factor_security_key_page_offers_adding_a_key(client):
    user = UserFactory()
    client.force_login(user)
    confirm_password(client)

    response = client.get(reverse("mfa_add_webauthn"))

    assert response.status_code == 200
    assert 'id="mfa_webauthn_add"' in response.content.decode()
    assert 'class="navbar-brand' in response.content.decode()


@pytest.mark.parametrize(
    ("environment", "required"),
    [
        ({"DJANGO_DEBUG": "0"}, True),  # the production profile
        ({"DJANGO_DEBUG": "0", "MIKROGRANTY_REQUIRE_STAFF_2FA": "0"}, False),
        ({"DJANGO_DEBUG": "1"}, False),  # `make run`: the demo's accounts use passwords
    ],
)
def test_staff_2fa_is_on_in_the_production_profile_and_off_in_the_demo(
    tmp_path, environment, required
):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "MIKROGRANTY_REQUIRE_STAFF_2FA"}
    }
    env.update(
        DJANGO_SECRET_KEY="k3Vq8-vX9pLr2_Zt6yWm4nB7cD1fG5hJ0sA8eQwErTyUiOpLkJhGf-test",
        DJANGO_ALLOWED_HOSTS="example.org",
        MIKROGRANTY_VAR_DIR=str(tmp_path),
        **environment,
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.REQUIRE_STAFF_2FA)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(required)

"""The development and production profiles, as the environment selects them.

Settings are read once, when the process imports them, so each profile is
imported in a fresh subprocess with the environment under test.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET = "k3Vq8-vX9pLr2_Zt6yWm4nB7cD1fG5hJ0sA8eQwErTyUiOpLkJhGf"
DEVELOPMENT_KEY = "django-insecure-development-only-key-mikrogranty-do-not-deploy"

SHOW_SETTINGS = """
import json
from config import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": getattr(s, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False),
    "SECURE_HSTS_PRELOAD": getattr(s, "SECURE_HSTS_PRELOAD", False),
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "CONN_MAX_AGE": s.DATABASES["default"]["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
}))
"""


def environment(tmp_path, **variables) -> dict[str, str]:
    """This process's environment without any of our settings, plus `variables`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "MIKROGRANTY_")) and name != "DATABASE_URL"
    }
    env["MIKROGRANTY_VAR_DIR"] = str(tmp_path)
    env.update(variables)
    return env


def import_settings(env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_with(tmp_path, **variables) -> dict:
    result = import_settings(environment(tmp_path, **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production(tmp_path, **variables) -> dict:
    return settings_with(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="example.org",
        **variables,
    )


def test_check_deploy_reports_no_issues_with_production_environment(tmp_path):
    env = environment(
        tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="example.org"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_defaults_to_a_development_profile(tmp_path):
    profile = settings_with(tmp_path)  # no DJANGO_DEBUG, no DJANGO_SECRET_KEY: a fresh clone

    assert profile["DEBUG"] is True
    assert profile["SECRET_KEY"] == DEVELOPMENT_KEY  # `make run` works without configuration
    assert profile["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert profile["SECURE_SSL_REDIRECT"] is False  # runserver speaks plain HTTP
    assert profile["SESSION_COOKIE_SECURE"] is False
    assert profile["SECURE_HSTS_SECONDS"] == 0
    assert profile["staticfiles"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert profile["CONN_MAX_AGE"] == 0


def test_debug_off_selects_the_production_profile(tmp_path):
    profile = production(tmp_path)

    assert profile["DEBUG"] is False
    assert profile["ALLOWED_HOSTS"] == ["example.org"]
    assert profile["SECURE_SSL_REDIRECT"] is True
    assert profile["SESSION_COOKIE_SECURE"] is True
    assert profile["SECURE_HSTS_SECONDS"] == 60 * 60 * 24 * 365
    assert profile["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize(
    "secret",
    [None, DEVELOPMENT_KEY, ""],
    ids=["no key", "the development key", "an empty key"],
)
def test_production_refuses_to_start_without_a_secret_key_of_its_own(tmp_path, secret):
    variables = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "example.org"}
    if secret is not None:
        variables["DJANGO_SECRET_KEY"] = secret

    result = import_settings(environment(tmp_path, **variables))

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG=0 needs a secret key of its own: set DJANGO_SECRET_KEY" in result.stderr


def test_manage_py_refuses_to_run_in_production_with_the_development_key(tmp_path):
    env = environment(tmp_path, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG=0 needs a secret key" in result.stderr


def test_hsts_preload_is_off_unless_asked_for(tmp_path):
    default = production(tmp_path)
    asked = production(tmp_path, DJANGO_HSTS_PRELOAD="1")

    assert default["SECURE_HSTS_PRELOAD"] is False
    assert default["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert asked["SECURE_HSTS_PRELOAD"] is True


@pytest.mark.parametrize(
    "database_url",
    [None, "postgres://mikrogranty@db.example.org:5432/mikrogranty"],
    ids=["sqlite", "postgresql"],
)
def test_production_reuses_database_connections_with_health_checks(tmp_path, database_url):
    variables = {"DATABASE_URL": database_url} if database_url else {}

    profile = production(tmp_path, **variables)

    assert profile["CONN_MAX_AGE"] == 60
    assert profile["CONN_HEALTH_CHECKS"] is True


def test_connection_lifetime_can_be_set_from_the_environment(tmp_path):
    assert production(tmp_path, DJANGO_CONN_MAX_AGE="0")["CONN_MAX_AGE"] == 0
    assert production(tmp_path, DJANGO_CONN_MAX_AGE="300")["CONN_MAX_AGE"] == 300

"""Every 403 is logged once, on one line, without a traceback."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import reverse
from django.utils.log import log_response

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def forbidden_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if getattr(record, "status_code", None) == 403]


def test_permission_denied_is_logged_once_without_a_traceback(client, caplog):
    applicant = UserFactory()
    client.force_login(applicant)
    caplog.set_level(logging.WARNING, logger="django")

    path = reverse("manage:home")  # a coordinator's page
    response = client.get(path)

    assert response.status_code == 403
    [record] = forbidden_records(caplog)
    assert record.exc_info is None
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert message == f"Forbidden (Permission denied): GET {path} (user {applicant.pk})"
    assert "\n" not in caplog.text.strip()  # one line in the log, no stack trace


def test_refused_csrf_token_is_logged_once_with_method_path_and_user(caplog):
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    caplog.set_level(logging.WARNING, logger="django")

    response = client.post(reverse("account_logout"))

    assert response.status_code == 403
    [record] = forbidden_records(caplog)
    assert record.exc_info is None
    assert record.getMessage().startswith(
        "Forbidden (CSRF cookie not set.): POST /accounts/logout/"
    )
    assert record.getMessage().endswith(f"(user {user.pk})")


def test_anonymous_refusal_names_no_user(caplog):
    caplog.set_level(logging.WARNING, logger="django")

    Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x"})

    [record] = forbidden_records(caplog)
    assert record.getMessage().endswith("(user anonymous)")


def test_refused_path_cannot_forge_a_second_log_line(rf, caplog):
    request = rf.get("/manage/\nForbidden (Permission denied): GET /admin/ (user 1)")
    request.user = AnonymousUser()
    caplog.set_level(logging.WARNING, logger="django")

    # What Django's handler does with a PermissionDenied, for a path no URL of ours matches.
    log_response(
        "Forbidden (Permission denied): %s",
        request.path,
        response=HttpResponseForbidden(),
        request=request,
        exception=PermissionDenied(),
    )

    [record] = forbidden_records(caplog)
    assert "\n" not in record.getMessage()


LOG_A_403_AND_A_REQUEST = """
import logging
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.test import RequestFactory
from django.utils.log import log_response
request = RequestFactory().get("/manage/")
request.user = AnonymousUser()
log_response(
    "Forbidden (Permission denied): %s", request.path,
    response=HttpResponseForbidden(), request=request, exception=PermissionDenied(),
)
logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 10')
"""


def test_development_server_prints_a_403_once_and_keeps_its_access_log(tmp_path):
    """With DEBUG, Django's own console handler would print every record a second time."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "MIKROGRANTY_VAR_DIR": str(tmp_path),
    }

    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", LOG_A_403_AND_A_REQUEST],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = result.stderr.splitlines()
    assert lines[0] == "Forbidden (Permission denied): GET /manage/ (user anonymous)"
    assert len(lines) == 2
    assert lines[1].endswith('"GET / HTTP/1.1" 200 10')  # runserver's access log, as before

"""The production profile: `check --deploy` is clean with the documented variables."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_no_issues_with_production_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k3Vq8-vX9pLr2_Zt6yWm4nB7cD1fG5hJ0sA8eQwErTyUiOpLkJhGf",
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "MIKROGRANTY_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
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


def test_debug_defaults_to_a_development_profile():
    from django.conf import settings

    assert settings.LANGUAGE_CODE in {"pl", "en"}
    assert settings.TIME_ZONE == "Europe/Warsaw"
    assert settings.USE_TZ is True

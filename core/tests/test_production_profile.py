"""The production profile: object storage, Redis, gunicorn and static files, from the environment only.

Settings are read once per process, so each profile is checked in a fresh
`manage.py` (or gunicorn) subprocess with the documented variables set.
"""

import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET = "k3Vq8-vX9pLr2_Zt6yWm4nB7cD1fG5hJ0sA8eQwErTyUiOpLkJhGf"

# Printed by `manage.py shell -c` in a subprocess: what the settings resolved to.
SHOW_PROFILE = """
import json
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "storage": type(storage).__module__ + "." + type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint_url": getattr(storage, "endpoint_url", None),
    "region_name": getattr(storage, "region_name", None),
    "default_acl": getattr(storage, "default_acl", "n/a"),
    "querystring_auth": getattr(storage, "querystring_auth", None),
    "file_overwrite": getattr(storage, "file_overwrite", None),
    "access_key": getattr(storage, "access_key", None),
    "cache": type(caches["default"]).__name__,
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "session_engine": settings.SESSION_ENGINE,
}))
"""


def production_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "example.org,127.0.0.1",
        "MIKROGRANTY_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    for name in ("DATABASE_URL", "REDIS_URL", "MIKROGRANTY_S3_BUCKET"):
        if name not in extra:
            env.pop(name, None)
    return env


def manage(*args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py with arguments from the tests)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def resolved_profile(env) -> dict:
    result = manage("shell", "-c", SHOW_PROFILE, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


S3_AND_REDIS = {
    "MIKROGRANTY_S3_BUCKET": "mikrogranty-files",
    "MIKROGRANTY_S3_ENDPOINT_URL": "https://s3.example.org",
    "MIKROGRANTY_S3_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_settings_default_to_local_disk_database_cache_and_sessions(tmp_path):
    profile = resolved_profile(production_env(tmp_path))

    assert profile["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert profile["cache"] == "DatabaseCache"
    assert profile["session_engine"] == "django.contrib.sessions.backends.db"


def test_settings_use_private_object_storage_when_a_bucket_is_set(tmp_path):
    profile = resolved_profile(production_env(tmp_path, **S3_AND_REDIS))

    assert profile["storage"] == "storages.backends.s3.S3Storage"
    assert profile["bucket"] == "mikrogranty-files"
    assert profile["endpoint_url"] == "https://s3.example.org"
    assert profile["region_name"] == "eu-central-1"
    assert profile["default_acl"] is None  # the bucket's own policy: private
    assert profile["querystring_auth"] is True  # a URL, if ever made, is signed and expires
    assert profile["file_overwrite"] is False  # a new letter never replaces an old one
    assert profile["access_key"] == "AKIAEXAMPLEEXAMPLE"  # found in the environment by boto


def test_settings_share_cache_and_sessions_through_redis_when_redis_url_is_set(tmp_path):
    profile = resolved_profile(production_env(tmp_path, **S3_AND_REDIS))

    assert profile["cache"] == "RedisCache"
    assert profile["cache_location"] == "redis://127.0.0.1:6379/0"
    assert profile["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_check_deploy_stays_clean_with_object_storage_and_redis(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(tmp_path, **S3_AND_REDIS),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_uploads_are_never_linked_to_directly():
    """Files are served only by views that check permissions and open() them.

    A template or view calling `.url` on a stored file would hand out a link
    that bypasses those checks (and, on object storage, a signed URL to the bucket).
    """
    pattern = re.compile(r"\.(?:file|pdf|attachment|letter)\.url\b")
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{number}"
        for folder in ("templates", "accounts", "grants", "applicants", "reviews", "decisions")
        for path in (BASE_DIR / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"} and "tests" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]

    assert offenders == []


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """`collectstatic` run once, as a deployment runs it, into a fresh STATIC_ROOT."""
    tmp_path = tmp_path_factory.mktemp("collectstatic")
    static_root = tmp_path / "static"
    env = production_env(tmp_path, DJANGO_STATIC_ROOT=str(static_root))
    result = manage("collectstatic", "--noinput", "-v", "0", env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


def test_collectstatic_succeeds_from_a_fresh_clone_with_hashed_names(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]

    # The vendored Bootstrap's source-map reference resolved (the .map is in the repo).
    assert "vendor/bootstrap/bootstrap.min.css.map" in manifest
    css = manifest["vendor/bootstrap/bootstrap.min.css"]
    assert re.fullmatch(r"vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", css)
    assert (collected_static / css).is_file()
    assert (collected_static / f"{css}.gz").is_file()  # whitenoise compresses ahead of time


def test_gunicorn_config_reads_host_port_and_concurrency(monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.2")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "2")

    config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))

    assert config["bind"] == "127.0.0.2:8123"
    assert config["workers"] == 3
    assert config["threads"] == 2
    assert config["worker_class"] == "gthread"
    assert config["timeout"] == 60
    assert config["accesslog"] == "-"


def test_gunicorn_config_defaults_to_loopback_and_cores(monkeypatch):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)

    config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))

    assert config["bind"] == "127.0.0.1:8000"
    assert 3 <= config["workers"] <= 8
    assert config["threads"] >= 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_hashed_static_files_with_the_production_profile(
    tmp_path, collected_static
):
    """The documented web process: gunicorn + whitenoise, after collectstatic, loopback only."""
    port = _free_port()
    env = production_env(
        tmp_path,
        DJANGO_STATIC_ROOT=str(collected_static),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
    css = manifest["css/site.css"]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "-c",
                "config/gunicorn.conf.py",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # The proxy in front terminates HTTPS and says so (SECURE_PROXY_SSL_HEADER).
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/static/{css}",
            headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"},
        )
        # On a busy machine the worker may take many seconds to import Django after the
        # socket is already listening: wait for the answer rather than for the socket.
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
                    status, headers = response.status, response.headers
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]  # hashed name: cached for good
    assert f"/static/{css}" in log.read_text()  # the access log goes to stdout

"""With object storage configured, files pass through memory, never through local disk.

The whole run (PostgreSQL, Redis, an S3 server, two web processes, two workers) is
`make test-scale-out`; these are the settings it found wrong, checked one by one.
"""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

from core.tests.test_production_profile import S3_AND_REDIS, manage, production_env

BASE_DIR = Path(__file__).resolve().parents[2]
LARGEST_ACCEPTED_FILE = 20 * 1024 * 1024  # a signed agreement (projects.signing)

SHOW_MEMORY = """
import json
from django.conf import settings
from django.core.files.storage import storages
print(json.dumps({
    "read_into_memory_up_to": storages["default"].max_memory_size,
    "uploads_in_memory_up_to": settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
}))
"""


def test_object_storage_reads_and_uploads_stay_in_memory_up_to_the_largest_accepted_file(
    tmp_path,
):
    result = manage("shell", "-c", SHOW_MEMORY, env=production_env(tmp_path, **S3_AND_REDIS))
    assert result.returncode == 0, result.stdout + result.stderr
    memory = json.loads(result.stdout.strip().splitlines()[-1])

    assert memory["read_into_memory_up_to"] >= LARGEST_ACCEPTED_FILE
    assert memory["uploads_in_memory_up_to"] >= LARGEST_ACCEPTED_FILE


def gunicorn_config(monkeypatch, **env) -> dict:
    for name in ("MIKROGRANTY_S3_BUCKET", "HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))


def test_gunicorn_config_writes_no_heartbeat_or_control_socket_to_disk(monkeypatch):
    config = gunicorn_config(monkeypatch)

    assert config["worker_tmp_dir"] == "/dev/shm"  # noqa: S108 (memory, gunicorn's advice)
    assert config["control_socket_disable"] is True
    assert "sendfile" not in config  # files on local disk keep sendfile


def test_gunicorn_config_sends_objects_from_memory_with_object_storage(monkeypatch):
    config = gunicorn_config(monkeypatch, MIKROGRANTY_S3_BUCKET="mikrogranty-files")

    assert config["sendfile"] is False


def test_loading_the_pdf_renderer_runs_no_compiler(tmp_path):
    """WeasyPrint's library lookup used to compile test programs (temporary files) with gcc."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    called = tmp_path / "compiler-called"
    for compiler in ("gcc", "cc"):
        script = fake_bin / compiler
        script.write_text(f'#!/bin/sh\necho "$@" >> {called}\nexit 1\n')
        script.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    result = subprocess.run(
        [sys.executable, "-c", "import core.pdf"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert not called.exists(), called.read_text()

"""Fixtures shared by every app's tests."""

import sys
import unittest

import pytest
from django.test import override_settings

# The table of the database cache in config/settings.py (without REDIS_URL).
DATABASE_CACHE_TABLE = "mikrogranty_cache"


@pytest.fixture(autouse=True, scope="session")
def _media_outside_the_project(tmp_path_factory):
    """Files tests store (uploads, PDF copies) go to a temporary folder unless a test picks its own.

    Never the project's var/media: a submission's queued work stores its PDF copies.
    """
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fresh_pdf_renderers():
    """PDF renderer processes are reused within a test, never from one test to the next.

    A renderer is a fork of the process as it was: a test that patches WeasyPrint
    or changes settings gets renderers forked after the change (a test that
    patches half-way through calls core.pdf.renderers_stop() itself).
    """
    yield
    if pdf := sys.modules.get("core.pdf"):
        pdf.renderers_stop()


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Run background tasks in-process so tests see their effects (e-mails, PDFs)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _polish_by_default(settings):
    settings.LANGUAGE_CODE = "pl"


@pytest.fixture(autouse=True)
def _fresh_cache(settings, request):
    """Login throttling lives in the cache; each test gets an empty one of its own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_database():
    """Before a test's own cache (_fresh_cache), e.g. while a TestCase sets up its class data,
    the cache is in memory too: the test database has no cache table."""
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "session",
            }
        }
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database has the cache table every installation creates (`createcachetable`):
    worker subprocesses (core.tests.support) use the configured database cache, not ours."""
    from django.core.management import call_command

    database_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
        }
    }
    with django_db_blocker.unblock(), override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _programme_profile_cached(_fresh_cache, request):
    """The programme profile's cached copy starts warm, as on a running site: "no profile saved
    yet", as each test's database starts without the row. A page's query count then counts the
    page's own queries; saving a profile forgets the copy (core.apps), as it does in production.
    (Not for a TestCase whose class data may hold a profile: it reads the row the first time.)"""
    if isinstance(request.instance, unittest.TestCase):
        return
    from django.core.cache import cache

    from core.selectors import PROGRAMME_PROFILE_CACHE_KEY

    cache.set(PROGRAMME_PROFILE_CACHE_KEY, {}, timeout=None)

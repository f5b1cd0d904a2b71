"""The demo's tests keep what the demo writes to the var directory (its test certificate
authority) in a temporary one, never the project's var/ that `make run` uses.

Loading the demo takes the better part of ten seconds of processor time, so the tests here
share one: `loaded_demo` loads it once for the whole package (committed, outside any test's
transaction, the way `make run` loads it), loads it a second time, and keeps a snapshot of
every row after each load. Tests that only read the demo read that one; a test that changes
it (or loads it once more) does so inside its own transaction, which is rolled back. When the
package is done the database is emptied (flush) and left as the migrations left it.

So no test here may be transactional (`django_db(transaction=True)` or a
TransactionTestCase): its flush would take the shared demo away from the tests after it.
"""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

# Queued tasks are dropped, not run: no e-mails, no PDF rendering (the demo issues its
# letters itself; rendering the PDF copies is the worker's job).
DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Our apps, and allauth's verified addresses; not the sessions, the task queue or the cache.
THE_STORY = {
    *("core", "accounts", "grants", "applicants", "conversations", "reviews", "decisions"),
    "projects",
    "account",
}


def everything() -> dict[str, list[dict]]:
    """Every row of every model (histories too), field by field: the whole demo as stored."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in THE_STORY:
            continue
        snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return snapshot


@dataclass(frozen=True)
class LoadedDemo:
    """What loading the demo (into an empty database, then again) printed, queued and stored."""

    printed: str  # the first load's one line
    queued: list  # the tasks the first load queued (dropped, not run)
    first: dict[str, list[dict]]  # every row after the first load (everything())
    second: dict[str, list[dict]]  # every row after loading it again


@pytest.fixture(autouse=True, scope="session")
def _demo_var_outside_the_project(tmp_path_factory):
    with override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        yield


@pytest.fixture(scope="package")
def loaded_demo(
    _demo_var_outside_the_project, django_db_setup, django_db_blocker, tmp_path_factory
):
    """The demo, loaded once and again for the package; its files in a temporary media folder
    that stays in place until the package is done (tests open the letters and attachments)."""
    from django_tasks import default_task_backend

    from accounts.enums import COORDINATORS_GROUP
    from demo.projects import demo_signing_ca_path

    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with override_settings(
            TASKS=DROP_TASKS,
            PASSWORD_HASHERS=FAST_HASHING,
            # What `make run` sets: the demo's own test authority.
            SIGNATURE_TEST_ROOTS=[str(demo_signing_ca_path())],
        ):
            printed = StringIO()
            call_command("load_demo", stdout=printed)
            queued = list(default_task_backend.results)
            first = everything()
            call_command("load_demo", stdout=StringIO())
            second = everything()
        try:
            yield LoadedDemo(printed=printed.getvalue(), queued=queued, first=first, second=second)
        finally:
            from django.contrib.auth.models import Group

            # Empty, as every test database starts; the migrations' one row comes back too.
            call_command("flush", interactive=False, verbosity=0)
            Group.objects.get_or_create(name=COORDINATORS_GROUP)


@pytest.fixture(scope="class")
def loaded_demo_on_class(request, loaded_demo):
    """For a TestCase of read-only checks: `self.demo` is the package's loaded demo."""
    request.cls.demo = loaded_demo

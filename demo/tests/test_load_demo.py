"""The demo loads, every demo account can sign in, and the coordinator sees the demo's calls.

That a second load changes nothing is tested row by row in test_demo_reload.py.
"""

import tempfile
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import User
from demo.programme import DEMO_PASSWORD, PEOPLE
from grants.enums import CallPhase
from grants.models import GrantCall


class LoadedDemoTests(TestCase):
    """Checks of one loaded demo (a load takes seconds, so they share it)."""

    @classmethod
    def setUpClass(cls):
        # The demo's applications carry a few PDF attachments.
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # The PDF copies the demo queues are the worker's job (tested in test_demo_applications).
        dropped = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        cls.enterClassContext(
            override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hashing, TASKS=dropped)
        )
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=StringIO())

    def test_every_demo_account_can_log_in(self):
        for person in PEOPLE:
            self.client.logout()
            response = self.client.post(
                reverse("account_login"), {"login": person.email, "password": DEMO_PASSWORD}
            )
            self.assertEqual(response.status_code, 302, person.email)
            self.assertEqual(
                self.client.session["_auth_user_id"],
                str(User.objects.get(email=person.email).pk),
            )

    def test_demo_coordinator_reaches_the_manage_area_and_sees_the_calls(self):
        phases = {call.phase() for call in GrantCall.objects.all()}
        self.assertLessEqual({CallPhase.ACCEPTING, CallPhase.UPCOMING}, phases)
        # Past their deadline: in review (the closed call) and with results published (decided).
        self.assertLessEqual({CallPhase.IN_REVIEW, CallPhase.DECIDED}, phases)
        accepting = [
            call for call in GrantCall.objects.all() if call.phase() == CallPhase.ACCEPTING
        ]
        self.assertEqual(len(accepting), 1)
        for call in GrantCall.objects.all():
            self.assertTrue(4 <= call.criteria.count() <= 6)
            self.assertEqual(call.programme, "Aktywni dla klimatu")
        self.client.login(email="koordynator@example.org", password=DEMO_PASSWORD)
        self.assertEqual(self.client.get(reverse("manage:home")).status_code, 200)
        self.client.login(email="wnioskodawca1@example.org", password=DEMO_PASSWORD)
        self.assertEqual(self.client.get(reverse("manage:home")).status_code, 403)

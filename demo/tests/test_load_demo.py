"""The demo loads, every demo account can sign in, and the coordinator sees the demo's calls.

That a second load changes nothing is tested row by row in test_demo_reload.py.
"""

import re
from pathlib import Path

import pytest
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import User
from applicants.models import Application, VersionPdf
from decisions.models import DecisionLetter
from demo.programme import DEMO_PASSWORD, PEOPLE
from grants.enums import CallPhase
from grants.models import GrantCall
from reviews.models import Review


@pytest.mark.usefixtures("loaded_demo_on_class")
class LoadedDemoTests(TestCase):
    """Checks of the demo the package loads once (demo/tests/conftest.py)."""

    @classmethod
    def setUpClass(cls):
        fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # The PDF copies the demo queues are the worker's job (tested in test_demo_applications).
        dropped = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        cls.enterClassContext(override_settings(PASSWORD_HASHERS=fast_hashing, TASKS=dropped))
        super().setUpClass()

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

    def test_load_demo_prints_one_line_saying_what_it_loaded_and_that_no_email_goes_out(self):
        lines = self.demo.printed.splitlines()

        self.assertEqual(len(lines), 1, self.demo.printed)
        (line,) = lines
        # The numbers a reader can check in the coordinators' area.
        self.assertIn(f"{GrantCall.objects.count()} calls", line)
        self.assertIn(f"{Application.objects.count()} applications", line)
        self.assertIn(f"{DecisionLetter.objects.count()} letters", line)
        self.assertIn(f"password {DEMO_PASSWORD}", line)
        self.assertIn("none goes out now", line)
        self.assertIn(f"The task worker renders {VersionPdf.objects.count()} PDF copies.", line)

    def test_readme_counts_what_the_demo_loads(self):
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
        demo = readme.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]

        calls, applications, reviews, letters = re.search(
            r"has (\w+) calls, (\d+) applications,\s+(\d+) reviews and (\d+) letters", demo
        ).groups()
        self.assertEqual(calls, "five")
        self.assertEqual(GrantCall.objects.count(), 5)
        self.assertEqual(int(applications), Application.objects.count())
        self.assertEqual(int(reviews), Review.objects.filter(status="submitted").count())
        self.assertEqual(int(letters), DecisionLetter.objects.count())
        accounts = re.search(r"(\d+) accounts in all", demo).group(1)
        self.assertEqual(int(accounts), User.objects.count())
        for email in re.findall(r"`([\w.]+@example\.org)`", demo):
            if not email.startswith(("mloda.", "mlody.")):  # "… up to 40" stands for the rest
                self.assertTrue(User.objects.filter(email=email).exists(), email)
        for slug, count in (("klimat-w-sasiedztwie", 29), ("rowerowa-szkola", 15)):
            self.assertEqual(Application.objects.filter(call__slug=slug).count(), count)

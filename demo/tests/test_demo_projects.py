"""After the award: the demo's grants stand in every state the issue lists, reached through
the services, at moments of a story in the past; its e-signed agreement passed the check on
the demo's test certificate, and says so honestly."""

import tempfile
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.models import User
from core.enums import EmailState
from core.models import OutgoingEmail
from demo.programme import DEMO_PASSWORD
from demo.projects import demo_signing_ca_path
from grants.models import GrantCall
from projects.enums import (
    AgreementState,
    BankAccountState,
    GrantState,
    PaymentState,
    SignatoryRole,
    SignedDocumentState,
    SigningMethod,
)
from projects.models import CallGrantTerms, Grant
from projects.readiness import agreement_readiness


class DemoProjectsTests(TestCase):
    """Checks of one loaded demo (a load takes seconds, so they share it)."""

    @classmethod
    def setUpClass(cls):
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        dropped = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        cls.enterClassContext(
            override_settings(
                MEDIA_ROOT=media,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                TASKS=dropped,
                # What `make run` sets: the demo's own test authority.
                SIGNATURE_TEST_ROOTS=[str(demo_signing_ca_path())],
            )
        )
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        printed = StringIO()
        call_command("load_demo", stdout=printed)
        cls.printed = printed.getvalue()

    def grant(self, name: str) -> Grant:
        return Grant.objects.get(grantee_name=name)

    def test_demo_projects_grants_stand_in_every_state_and_the_summary_counts_them(self):
        states = set(Grant.objects.values_list("state", flat=True))

        self.assertEqual(
            states,
            {GrantState.AGREEMENT_TO_PREPARE, GrantState.AGREEMENT_SENT, GrantState.SIGNED}
            | {GrantState.ACTIVE},
        )
        self.assertIn(f"{Grant.objects.count()} grants", self.printed)

    def test_demo_projects_every_call_has_terms_of_80_20(self):
        for call in GrantCall.objects.all():
            terms = CallGrantTerms.objects.get(call=call)
            self.assertEqual(terms.advance_percent, Decimal("80"), call.slug)
            self.assertIn("logo programu", terms.obligations)
            self.assertIn("{number}", terms.document_sentence)

    def test_demo_projects_one_grant_waits_for_what_the_grantee_still_has_to_give(self):
        grant = self.grant("Kortowo Klimatycznie")

        self.assertEqual(grant.state, GrantState.AGREEMENT_TO_PREPARE)
        problems = " ".join(agreement_readiness(grant))
        self.assertIn("nie podał jeszcze rachunku", problems)
        self.assertFalse(grant.agreements.exists())

    def test_demo_projects_sent_agreement_has_account_and_signatories_and_no_signature(self):
        grant = self.grant("Stowarzyszenie Sąsiedzka Pracownia Klimatu")

        self.assertEqual(grant.state, GrantState.AGREEMENT_SENT)
        self.assertTrue(grant.bank_accounts.filter(state=BankAccountState.IN_USE).exists())
        self.assertTrue(grant.signatories.exists())
        (agreement,) = grant.agreements.all()
        self.assertEqual(agreement.state, AgreementState.SENT)
        self.assertFalse(agreement.signatures.exists())
        self.assertLess(grant.decision.accepted_at, agreement.issued_at)
        self.assertLess(agreement.issued_at, timezone.now())

    def test_demo_projects_group_agreement_has_two_of_three_member_signatures(self):
        grant = self.grant("Gnieźnieński Klub Naprawy")
        (agreement,) = grant.agreements.all()

        members = list(grant.signatories.all())
        self.assertEqual([m.role for m in members], [SignatoryRole.GROUP_MEMBER] * 3)
        signatures = list(agreement.signatures.all())
        self.assertEqual(len(signatures), 2)
        self.assertEqual({s.method for s in signatures}, {SigningMethod.IN_SYSTEM})
        self.assertTrue(all(agreement.issued_at < s.signed_at < timezone.now() for s in signatures))
        self.assertEqual(grant.state, GrantState.AGREEMENT_SENT)
        # Every member signing has an account; the one still to sign can log in and do it.
        self.assertTrue(all(m.user_id for m in members))
        unsigned = next(m for m in members if m.pk not in {s.signatory_id for s in signatures})
        self.assertEqual(unsigned.email, "kinga.bielecka@example.org")
        self.assertTrue(
            self.client.login(email="kinga.bielecka@example.org", password=DEMO_PASSWORD)
        )
        self.assertTrue(
            User.objects.get(email="jagoda.kubiak@example.org").emailaddress_set.get().verified
        )

    def test_demo_projects_electronic_signature_passed_the_check_on_the_demo_test_ca(self):
        grant = self.grant("Stowarzyszenie Zielone Podgórze Razem")
        (agreement,) = grant.agreements.all()
        (document,) = agreement.signed_documents.all()

        self.assertEqual(document.method, SigningMethod.ELECTRONIC)
        self.assertEqual(document.state, SignedDocumentState.ACCEPTED)
        (signer,) = document.verification["signers"]
        self.assertEqual(signer["name"], "Paulina Duda")
        self.assertTrue(signer["test_certificate"])
        self.assertFalse(signer["trusted"])
        self.assertEqual(agreement.state, AgreementState.SIGNED)
        self.assertIsNotNone(agreement.countersigned_at)
        self.assertEqual(grant.state, GrantState.SIGNED)
        self.assertEqual(grant.payments.get(number=1).state, PaymentState.DUE)
        self.client.login(email=grant.application.applicant.email, password=DEMO_PASSWORD)
        page = self.client.get(grant.get_absolute_url()).content.decode()
        self.assertIn("Paulina Duda (certyfikat testowy (demo))", page)
        self.assertNotIn("zaufanego wystawcy", page)

    def test_demo_projects_ngo_signed_by_scan_is_under_way_with_its_advance_paid(self):
        grant = self.grant("Fundacja Łódzki Cień")
        (agreement,) = grant.agreements.all()
        (document,) = agreement.signed_documents.all()

        self.assertEqual(document.method, SigningMethod.SCAN)
        self.assertEqual(document.state, SignedDocumentState.ACCEPTED)
        self.assertEqual(document.answered_by.email, "koordynator@example.org")
        self.assertEqual(grant.state, GrantState.ACTIVE)
        advance, final = grant.payments.order_by("number")
        self.assertEqual(advance.state, PaymentState.PAID)
        self.assertEqual(advance.amount, grant.amount * Decimal("0.8"))
        self.assertTrue(advance.bank_reference)
        self.assertLess(advance.paid_on, timezone.localdate())
        self.assertEqual(final.state, PaymentState.PLANNED)
        # The story happened in order, long ago.
        self.assertLess(grant.decision.accepted_at, agreement.issued_at)
        self.assertLess(agreement.issued_at, document.uploaded_at)
        self.assertLess(document.uploaded_at, agreement.countersigned_at)

    def test_demo_projects_active_grants_have_their_advance_paid(self):
        active = Grant.objects.filter(state=GrantState.ACTIVE)

        self.assertEqual(active.count(), 3)
        for grant in active:
            self.assertEqual(
                list(grant.payments.values_list("state", flat=True)),
                [PaymentState.PAID, PaymentState.PLANNED],
            )

    def test_demo_projects_emails_count_as_sent_back_then(self):
        emails = OutgoingEmail.objects.filter(kind__startswith="projects/")

        self.assertTrue(emails.exists())
        self.assertFalse(emails.exclude(state=EmailState.SENT).exists())

    def test_demo_reports_one_waits_for_the_check_one_for_corrections_one_overdue(self):
        from projects.enums import ReportState
        from projects.models import Report
        from projects.report_selectors import call_report_rows

        submitted = Report.objects.get(grant=self.grant("Płockie Ogrody Deszczowe"))
        corrections = Report.objects.get(grant=self.grant("Tatary Oddychają"))
        overdue = self.grant("Fundacja Łódzki Cień")

        self.assertEqual(submitted.state, ReportState.SUBMITTED)
        self.assertEqual(submitted.financial["totals"]["awarded"], str(submitted.grant.amount))
        self.assertEqual(corrections.state, ReportState.CORRECTIONS)
        self.assertGreater(corrections.correction_deadline, timezone.localdate())
        self.assertFalse(overdue.reports.exists())
        rows = call_report_rows(call=overdue.call, show="overdue", today=timezone.localdate())
        self.assertEqual([row.grant.pk for row in rows], [overdue.pk])
        self.assertFalse(OutgoingEmail.objects.filter(state=EmailState.QUEUED).exists())

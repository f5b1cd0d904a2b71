"""After the award: the demo's grants stand in every state the issue lists, reached through
the services, at moments of a story in the past; its e-signed agreement passed the check on
the demo's test certificate, and says so honestly."""

from decimal import Decimal

import pytest
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
    SettlementState,
    SignatoryRole,
    SignedDocumentState,
    SigningMethod,
)
from projects.models import CallGrantTerms, Grant, Settlement
from projects.readiness import agreement_readiness


@pytest.mark.usefixtures("loaded_demo_on_class")
class DemoProjectsTests(TestCase):
    """Checks of the demo the package loads once (demo/tests/conftest.py)."""

    @classmethod
    def setUpClass(cls):
        dropped = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        cls.enterClassContext(
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                TASKS=dropped,
                # What `make run` sets: the demo's own test authority.
                SIGNATURE_TEST_ROOTS=[str(demo_signing_ca_path())],
            )
        )
        super().setUpClass()

    def grant(self, name: str) -> Grant:
        return Grant.objects.get(grantee_name=name)

    def test_demo_projects_grants_stand_in_every_state_and_the_summary_counts_them(self):
        states = set(Grant.objects.values_list("state", flat=True))

        self.assertEqual(
            states,
            {GrantState.AGREEMENT_TO_PREPARE, GrantState.AGREEMENT_SENT, GrantState.SIGNED}
            | {GrantState.ACTIVE, GrantState.SETTLED, GrantState.CLOSED},
        )
        self.assertIn(f"{Grant.objects.count()} grants", self.demo.printed)

    def test_demo_conversations_have_unread_messages_for_applicants_and_coordinators(self):
        from conversations.models import Conversation
        from conversations.selectors import unread_counts_for_team_member

        conversations = list(Conversation.objects.select_related("application"))
        self.assertEqual(len(conversations), 3)
        # The coordinators owe answers (a clarification given, a receipt question) …
        self.assertEqual(sum(c.awaits_programme for c in conversations), 2)
        # … and an applicant has the answer to their question before submitting unread.
        draft = next(c.application for c in conversations if c.application.is_draft)
        unread = unread_counts_for_team_member(user=draft.applicant, application_ids=[draft.pk])
        self.assertEqual(unread, {draft.pk: 1})

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

    def test_demo_projects_ngo_signed_by_scan_had_its_advance_paid(self):
        grant = self.grant("Fundacja Łódzki Cień")
        (agreement,) = grant.agreements.all()
        (document,) = agreement.signed_documents.all()

        self.assertEqual(document.method, SigningMethod.SCAN)
        self.assertEqual(document.state, SignedDocumentState.ACCEPTED)
        self.assertEqual(document.answered_by.email, "koordynator@example.org")
        advance, _final = grant.payments.order_by("number")
        self.assertEqual(advance.state, PaymentState.PAID)
        self.assertEqual(advance.amount, grant.amount * Decimal("0.8"))
        self.assertTrue(advance.bank_reference)
        self.assertLess(advance.paid_on, timezone.localdate())
        # The story happened in order, long ago.
        self.assertLess(grant.decision.accepted_at, agreement.issued_at)
        self.assertLess(agreement.issued_at, document.uploaded_at)
        self.assertLess(document.uploaded_at, agreement.countersigned_at)

    def test_demo_projects_pilot_grants_had_their_advance_paid(self):
        pilot = Grant.objects.filter(call__slug="klimatyczne-podworka")

        self.assertEqual(pilot.count(), 3)
        for grant in pilot:
            self.assertEqual(grant.payments.get(number=1).state, PaymentState.PAID)

    def test_demo_projects_pilot_grants_one_closed_one_returns_one_still_reporting(self):
        closed = self.grant("Tatary Oddychają")
        settled = self.grant("Płockie Ogrody Deszczowe")
        open_ = self.grant("Fundacja Łódzki Cień")

        self.assertEqual(
            (closed.state, settled.state, open_.state),
            (GrantState.CLOSED, GrantState.SETTLED, GrantState.ACTIVE),
        )
        report = closed.reports.get()
        self.assertTrue(report.publish_consent and report.story)
        self.assertFalse(closed.payments.exclude(state=PaymentState.PAID).exists())
        (returning,) = settled.settlements.all()
        self.assertEqual(returning.state, SettlementState.RETURN_DUE)
        self.assertGreater(returning.return_amount, 0)
        self.assertEqual(open_.reports.get().state, "corrections")
        # Issued through the real path, with their PDFs.
        for settlement in Settlement.objects.all():
            self.assertTrue(settlement.pdf)
            self.assertIn(settlement.report.state, ("accepted", "partial"))

    def test_demo_projects_emails_count_as_sent_back_then(self):
        emails = OutgoingEmail.objects.filter(kind__startswith="projects/")

        self.assertTrue(emails.exists())
        self.assertFalse(emails.exclude(state=EmailState.SENT).exists())

    def test_demo_publicdata_closed_grant_tells_its_story_with_two_photos_on_the_public_page(self):
        from django.urls import reverse

        from projects.models import ReportPhoto

        grant = self.grant("Tatary Oddychają")
        photos = ReportPhoto.objects.filter(report__grant=grant)

        self.assertEqual(grant.state, GrantState.CLOSED)
        self.assertEqual(grant.settlements.get().state, "balanced")
        page = self.client.get(reverse("projects_public:call", kwargs={"slug": grant.call.slug}))
        text = page.content.decode()
        self.assertIn("Podwórko przy Wschodniej 54", text)
        self.assertIn("Posadzone drzewa i krzewy", text)
        for photo in photos:
            url = reverse("projects_public:photo", kwargs={"pk": photo.pk})
            self.assertEqual(url in text, photo.publish_consent, photo.caption)
            self.assertEqual(
                self.client.get(url).status_code, 200 if photo.publish_consent else 404
            )
        self.assertEqual([p.publish_consent for p in photos].count(True), 2)
        self.assertEqual(len(photos), 3)

    def test_demo_projects_grants_under_way_have_documents_and_one_breaks_the_tolerance(self):
        from projects.deviations import BreachCode
        from projects.spending_figures import grant_spending

        active = list(Grant.objects.filter(state=GrantState.ACTIVE))
        self.assertTrue(active)
        for grant in active:
            figures = grant_spending(grant)
            self.assertGreaterEqual(figures.documents_count, 2, grant.grantee_name)
            kinds = set(grant.documents.values_list("content_type", flat=True))
            self.assertEqual(kinds, {"image/jpeg", "application/pdf"})
            self.assertTrue(grant.documents.filter(content_type="image/jpeg")[0].preview)
        over = grant_spending(self.grant("Fundacja Łódzki Cień"))
        self.assertIn(BreachCode.LINE_OVER, [b.code for b in over.breaches])

    def test_demo_projects_amendments_notified_approved_with_its_annex_and_waiting(self):
        from projects.enums import AmendmentState
        from projects.models import Amendment

        states = sorted(Amendment.objects.values_list("state", flat=True))
        self.assertEqual(
            states,
            sorted([AmendmentState.NOTIFIED, AmendmentState.APPROVED, AmendmentState.REQUESTED]),
        )
        approved = Amendment.objects.get(state=AmendmentState.APPROVED)
        self.assertTrue(approved.number.endswith("/A1"))
        self.assertTrue(approved.pdf.read().startswith(b"%PDF"))

    def test_demo_reports_one_to_correct_with_its_financial_part_frozen(self):
        from projects.enums import ReportState
        from projects.models import Report
        from projects.report_selectors import call_report_rows

        corrections = Report.objects.get(grant=self.grant("Fundacja Łódzki Cień"))

        self.assertEqual(corrections.state, ReportState.CORRECTIONS)
        self.assertEqual(corrections.financial["totals"]["awarded"], str(corrections.grant.amount))
        self.assertGreater(corrections.correction_deadline, timezone.localdate())
        rows = call_report_rows(
            call=corrections.grant.call, show="corrections", today=timezone.localdate()
        )
        self.assertEqual([row.grant.pk for row in rows], [corrections.grant.pk])
        self.assertFalse(OutgoingEmail.objects.filter(state=EmailState.QUEUED).exists())

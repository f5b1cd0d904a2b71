"""The demo's decided calls: published through the services, every letter issued and e-mailed, loaded once."""

import hashlib

import pytest
from django.db.models import Sum
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from applicants.models import Application, StatusChange
from decisions.enums import DecisionOutcome, LetterKind, LetterState, OutboxState
from decisions.models import Decision, DecisionLetter, OutboxMessage, Publication
from decisions.selectors import budget_left, next_on_reserve
from decisions.tests.letter_pages import pages_text, pages_with_only_the_signature
from demo.programme import DEMO_PASSWORD
from grants.models import GrantCall
from reviews.enums import ReviewStatus
from reviews.models import Review, ReviewAssignment

DECIDED, PILOT = "rowerowa-szkola", "klimatyczne-podworka"
APPLICANT, COORDINATOR = "wnioskodawca1@example.org", "koordynator@example.org"
# Queued tasks are dropped, not run: the letters are issued by the demo itself.
DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Outcome = DecisionOutcome


def decision_stage_counted(snapshot: dict[str, list[dict]]) -> dict[str, object]:
    """The decision stage's rows counted in a snapshot of the whole demo (conftest.everything)."""
    counts: dict[str, object] = {
        model.__name__: len(snapshot[model._meta.label])
        for model in (
            Application,
            StatusChange,
            ReviewAssignment,
            Review,
            Decision,
            Decision.history.model,
            Publication,
            DecisionLetter,
            OutboxMessage,
        )
    }
    counts["letters"] = sorted(
        (row["number"], row["sha256"]) for row in snapshot[DecisionLetter._meta.label]
    )
    return counts


@pytest.mark.usefixtures("loaded_demo_on_class")
class DemoDecisionsTests(TestCase):
    """Read-only checks of the demo the package loads once, and again (demo/tests/conftest.py)."""

    @classmethod
    def setUpClass(cls):
        fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        cls.enterClassContext(override_settings(TASKS=DROP_TASKS, PASSWORD_HASHERS=fast_hashing))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.call = GrantCall.objects.get(slug=DECIDED)
        cls.pilot = GrantCall.objects.get(slug=PILOT)

    def decisions(self, call=None):
        return Decision.objects.filter(call=call or self.call).select_related("application")

    def test_load_demo_twice_adds_no_decisions_letters_or_messages(self):
        first_load = decision_stage_counted(self.demo.first)
        # The second load finds the decided calls complete and adds nothing.
        assert decision_stage_counted(self.demo.second) == first_load
        assert first_load["DecisionLetter"] >= 20

    def test_decided_call_has_published_decisions_of_every_outcome(self):
        decisions = list(self.decisions())
        assert len(decisions) >= 15
        assert all(decision.is_published for decision in decisions)
        outcomes = {decision.outcome for decision in decisions}
        assert outcomes == {
            Outcome.AWARDED,
            Outcome.RESERVE,
            Outcome.REJECTED,
            Outcome.FORMALLY_REJECTED,
        }
        reduced = [decision for decision in decisions if decision.is_reduced]
        assert len(reduced) == 1
        assert reduced[0].justification
        assert self.decisions().filter(outcome=Outcome.FORMALLY_REJECTED).count() == 2
        assert self.call.public_results
        assert self.call.publications.get().public_results

    def test_reserve_list_is_ordered_from_one(self):
        places = list(
            self.decisions()
            .filter(outcome=Outcome.RESERVE)
            .order_by("reserve_position")
            .values_list("reserve_position", flat=True)
        )
        assert places == list(range(1, len(places) + 1))
        assert 2 <= len(places) <= 3

    def test_every_review_of_the_decided_calls_is_submitted(self):
        for call in (self.call, self.pilot):
            assignments = ReviewAssignment.objects.filter(call=call)
            assert assignments.exists()
            assert not assignments.exclude(review__status=ReviewStatus.SUBMITTED).exists()

    def test_every_published_decision_has_its_letter_whose_file_matches(self):
        published = Decision.objects.filter(call__in=[self.call, self.pilot])
        for decision in published.prefetch_related("letters"):
            assert decision.letter_state == LetterState.ISSUED
            letter = decision.letters.order_by("-version").first()
            assert letter is not None, decision
            assert letter.kind == decision.letter_kind
            with letter.pdf.open("rb") as stored:
                content = stored.read()
            assert content.startswith(b"%PDF-")
            assert hashlib.sha256(content).hexdigest() == letter.sha256
            assert len(content) == letter.size

    def test_every_letter_comes_from_miasto_wspolne_to_the_applicants_address(self):
        signature = ["Z pozdrowieniami,", "Katarzyna Nowicka", "Koordynatorka programu"]
        letters = DecisionLetter.objects.filter(decision__call__in=[self.call, self.pilot])
        for letter in letters.select_related("decision__application__applicant__applicant_profile"):
            with letter.pdf.open("rb") as stored:
                content = stored.read()
            text = " ".join(" ".join(pages_text(content)).split())
            profile = letter.decision.application.applicant.applicant_profile
            for shown in (
                "Stowarzyszenie Miasto Wspólne",
                "ul. Wspólna 12",
                "00-950 Warszawa",
                "Warszawa, ",
                *signature,
                profile.street,
                f"{profile.postcode} {profile.city}",
            ):
                assert shown in text, (letter.number, shown)
            signature_only = pages_with_only_the_signature(
                content, [*signature, "Stowarzyszenie Miasto Wspólne"]
            )
            assert signature_only == [], letter.number

    def test_every_letter_was_emailed_in_the_past(self):
        now = timezone.now()
        letters = DecisionLetter.objects.filter(decision__call__in=[self.call, self.pilot])
        for letter in letters.select_related("message", "decision__application__applicant"):
            message = letter.message
            assert message.state == OutboxState.SENT
            assert message.to == letter.decision.application.applicant.email
            assert letter.decision.published_at <= letter.issued_at <= message.sent_at < now

    def test_active_awards_stay_within_the_budget(self):
        for call in (self.call, self.pilot):
            active = Decision.objects.filter(
                call=call, outcome=Outcome.AWARDED, declined_at__isnull=True
            ).aggregate(total=Sum("amount"))["total"]
            assert 0 < active <= call.total_budget

    def test_declined_award_frees_money_for_the_first_on_the_reserve_list(self):
        declined = self.decisions().get(declined_at__isnull=False)
        assert declined.outcome == Outcome.AWARDED
        assert self.decisions().filter(accepted_at__isnull=False).exists()
        assert budget_left(self.call) > 0
        first = next_on_reserve(self.call)
        assert first is not None
        assert first.reserve_position == 1

    def test_coordinator_sees_the_money_freed_and_who_is_next(self):
        self.client.login(email=COORDINATOR, password=DEMO_PASSWORD)
        response = self.client.get(reverse("decisions:call", args=[self.call.pk]))
        assert response.status_code == 200
        assert b"data-reserve-hint" in response.content
        assert next_on_reserve(self.call).application.reference_number in response.text

    def test_applicant_downloads_an_award_letter_and_a_rejection_letter(self):
        self.client.login(email=APPLICANT, password=DEMO_PASSWORD)
        kinds = set()
        for decision in Decision.objects.filter(application__applicant__email=APPLICANT):
            url = reverse("decisions_applicant:letter", args=[decision.application_id])
            response = self.client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            # Reading the stream to its end closes the file (the test client wraps it).
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
            kinds.add(decision.letter_kind)
        assert {LetterKind.AWARD, LetterKind.REJECTION} <= kinds

    def test_applicant_can_still_answer_her_award(self):
        award = self.decisions().get(application__applicant__email=APPLICANT)
        assert award.outcome == Outcome.AWARDED
        assert award.accepted_at is None and award.declined_at is None
        assert award.acceptance_deadline > timezone.now()

    def test_decision_stage_happened_in_order_and_in_the_past(self):
        now = timezone.now()
        for decision in Decision.objects.filter(call__in=[self.call, self.pilot]):
            assert decision.decided_at < decision.published_at < now
            answered = decision.accepted_at or decision.declined_at
            if answered:
                assert decision.published_at < answered < decision.acceptance_deadline
                assert answered < now
            history = list(decision.history.order_by("history_id"))
            moments = [record.history_date for record in history]
            assert moments == sorted(moments)
            assert moments[-1] <= now
        assert (
            self.pilot.publications.get().published_at < self.call.publications.get().published_at
        )

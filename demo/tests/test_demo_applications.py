"""The demo applications: made through the services, in every state, the same after a second load."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from localflavor.pl.forms import PLNIPField, PLREGONField

from accounts.models import User
from applicants.enums import ApplicantKind, ApplicationStatus, FormalCheckOutcome
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationIndicator,
    ApplicationVersion,
    Attachment,
    BudgetLine,
    CallSequence,
    FormalCheck,
    GroupMember,
    ScheduleItem,
    StatusChange,
    VersionPdf,
)
from applicants.tasks import render_version_pdf, send_submission_confirmation
from demo.programme import DEMO_PASSWORD
from grants.models import (
    AttachmentRequirement,
    CallIndicator,
    CallQuestion,
    EligibilityQuestion,
    FormalCheckItem,
    GrantCall,
)

S = ApplicationStatus
OPEN, CLOSED = "klimat-w-sasiedztwie", "zielone-szkoly"
COORDINATOR = "koordynator@example.org"
# Queued tasks are dropped, not run: no e-mails, no PDF rendering.
DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def load_demo() -> None:
    call_command("load_demo", stdout=StringIO())


def applications_in(slug: str):
    return Application.objects.filter(call__slug=slug)


def everything_counted() -> dict[str, object]:
    models = [
        User,
        ApplicantProfile,
        GroupMember,
        Application,
        ApplicationVersion,
        StatusChange,
        FormalCheck,
        Attachment,
        BudgetLine,
        ScheduleItem,
        ApplicationIndicator,
        CallIndicator,
        EligibilityQuestion,
        CallQuestion,
        AttachmentRequirement,
        FormalCheckItem,
        VersionPdf,
    ]
    counts: dict[str, object] = {model.__name__: model.objects.count() for model in models}
    counts["statuses"] = sorted(
        Application.objects.values_list("reference_number", "status"), key=str
    )
    return counts


@pytest.fixture
def quiet(settings, tmp_path):
    settings.TASKS = DROP_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_load_demo_twice_adds_no_applications_versions_or_history(loaded_demo, quiet):
    first = everything_counted()
    # As in a demo loaded before PDF copies were stored: the second load queues them.
    VersionPdf.objects.filter(version__number=1).delete()
    load_demo()
    assert everything_counted() == first
    assert first["Application"] > 60
    assert first["VersionPdf"] == 2 * first["ApplicationVersion"]


@pytest.mark.django_db
def test_load_demo_sends_no_email_for_its_made_up_past_and_queues_the_pdf_copies(loaded_demo):
    # What the package's load (into an empty database, its tasks kept in the queue: rendering
    # the copies is the worker's job) queued.
    queued = loaded_demo.queued
    renders = [r for r in queued if r.task.func is render_version_pdf.func]
    # Every submitted version has both copies, each waiting in the queue.
    assert VersionPdf.objects.count() == 2 * ApplicationVersion.objects.count() > 0
    assert {r.kwargs["pdf_id"] for r in renders} == set(
        VersionPdf.objects.values_list("pk", flat=True)
    )
    # The e-mails: those queued now and those each rendered copy would queue. The
    # services did queue them, but the demo's past counts them as sent back then.
    for result in queued:
        if result not in renders:
            result.task.call(*result.args, **result.kwargs)
    for version in ApplicationVersion.objects.all():
        send_submission_confirmation.call(version_id=version.pk)
    assert len(queued) > len(renders)
    assert mail.outbox == []


@pytest.mark.usefixtures("loaded_demo")
class DemoApplicationsTests(TestCase):
    """Read-only checks of the demo the package loads once (demo/tests/conftest.py)."""

    @classmethod
    def setUpClass(cls):
        # What conftest.py's fixtures set for each test, set here for the class too.
        fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        cls.enterClassContext(override_settings(TASKS=DROP_TASKS, PASSWORD_HASHERS=fast_hashing))
        super().setUpClass()

    def test_open_call_has_applications_in_every_state(self):
        statuses = set(applications_in(OPEN).values_list("status", flat=True))
        assert statuses >= {
            S.DRAFT,
            S.SUBMITTED,
            S.CORRECTION_REQUESTED,
            S.ACCEPTED_FOR_REVIEW,
            S.FORMALLY_REJECTED,
            S.WITHDRAWN,
        }
        assert applications_in(OPEN).filter(status=S.SUBMITTED).count() >= 15

    def test_open_call_drafts_are_at_different_stages(self):
        drafts = list(applications_in(OPEN).filter(status=S.DRAFT))
        assert len(drafts) >= 3
        assert any(draft.title and not draft.summary for draft in drafts)
        assert any(draft.requested_amount > 0 for draft in drafts)
        assert all(draft.reference_number is None for draft in drafts)

    def test_open_call_submissions_come_from_all_three_kinds_of_applicant(self):
        submitted = applications_in(OPEN).filter(status=S.SUBMITTED)
        assert set(submitted.values_list("applicant_kind", flat=True)) == set(ApplicantKind.values)

    def test_closed_call_has_forty_applications_accepted_by_the_coordinator_in_time(self):
        call = GrantCall.objects.get(slug=CLOSED)
        # Accepted in the formal check; the review stage has since moved them on.
        accepted = applications_in(CLOSED).filter(
            status__in=[S.ACCEPTED_FOR_REVIEW, S.IN_REVIEW, S.REVIEWED]
        )
        assert accepted.count() >= 40
        for application in accepted:
            assert application.first_submitted_at < call.closes_at
            check = application.formal_checks.get()
            assert check.outcome == FormalCheckOutcome.ACCEPTED
            assert check.by.email == COORDINATOR

    def test_reference_numbers_in_each_call_are_consecutive(self):
        for slug in (OPEN, CLOSED):
            call = GrantCall.objects.get(slug=slug)
            numbered = applications_in(slug).exclude(number_in_call=None).order_by("number_in_call")
            numbers = list(numbered.values_list("number_in_call", flat=True))
            assert numbers == list(range(1, len(numbers) + 1))
            assert CallSequence.objects.get(call=call).last_number == len(numbers)
            reference = f"{call.reference_code}/{call.reference_year}/0001"
            assert numbered.first().reference_number == reference
            # Numbers follow the order of arrival.
            arrivals = list(numbered.values_list("first_submitted_at", flat=True))
            assert arrivals == sorted(arrivals)

    def test_named_applicants_own_applications(self):
        first = Application.objects.filter(applicant__email="wnioskodawca1@example.org")
        assert first.values("call").distinct().count() >= 2
        assert set(first.values_list("status", flat=True)) >= {S.SUBMITTED, S.WITHDRAWN}
        assert Application.objects.filter(applicant__email="wnioskodawca2@example.org").exists()
        group = ApplicantProfile.objects.get(user__email="wnioskodawca2@example.org")
        assert group.group_name == "Zielone Podwórko"
        assert group.members.filter(is_leader=True).count() == 1

    def test_organisations_have_valid_krs_nip_and_regon(self):
        organisations = ApplicantProfile.objects.filter(kind=ApplicantKind.NGO)
        assert organisations.count() >= 5
        for profile in organisations:
            assert PLNIPField().clean(profile.nip) == profile.nip
            assert PLREGONField().clean(profile.regon) == profile.regon
            assert len(profile.krs) == 10
            assert profile.krs.isdigit()

    def test_correction_request_tells_the_applicant_what_to_fix(self):
        application = applications_in(OPEN).get(status=S.CORRECTION_REQUESTED)
        assert "Usługi różne" in application.correction_message
        assert application.correction_deadline > timezone.now()
        change = application.status_changes.get(new_status=S.CORRECTION_REQUESTED)
        assert change.by.email == COORDINATOR

    def test_corrected_application_keeps_both_versions(self):
        corrected = [
            application
            for application in applications_in(OPEN).filter(status=S.SUBMITTED)
            if application.versions.count() == 2
        ]
        assert len(corrected) == 1
        first, second = corrected[0].versions.order_by("number")
        assert first.content["expected_results"] != second.content["expected_results"]
        assert len(second.content["attachments"]) == len(first.content["attachments"]) + 1

    def test_support_letter_is_a_pdf_listed_in_the_submitted_version(self):
        letter = Attachment.objects.get(
            application__applicant__email="wnioskodawca1@example.org",
            requirement__name="List poparcia",
        )
        with letter.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
        assert letter.content_type == "application/pdf"
        assert letter.versions.exists()

    def test_open_call_requires_participants_and_every_submission_plans_them(self):
        (indicator,) = CallIndicator.objects.filter(call__slug=OPEN)
        assert (indicator.name, indicator.unit) == ("Uczestnicy i uczestniczki działań", "osób")
        versions = ApplicationVersion.objects.filter(application__call__slug=OPEN)
        assert versions.exists()
        for version in versions:
            first = version.content["indicators"][0]
            assert first["call_indicator_id"] == indicator.pk
            assert int(first["planned"]) >= 15

    def test_closed_call_submissions_plan_their_own_indicators(self):
        # The awarded grants come from this call: their reports compare with these numbers.
        versions = ApplicationVersion.objects.filter(application__call__slug=CLOSED)
        assert versions.count() >= 40
        for version in versions:
            names = [row["name"] for row in version.content["indicators"]]
            assert names[:2] == [
                "Uczestnicy i uczestniczki działań",
                "Warsztaty, spotkania i wydarzenia",
            ]
            assert all(row["call_indicator_id"] is None for row in version.content["indicators"])
        assert any(len(version.content["indicators"]) == 3 for version in versions)

    def test_budgets_are_within_each_calls_limits(self):
        submitted = Application.objects.exclude(first_submitted_at=None).select_related("call")
        for application in submitted:
            call = application.call
            own, total = application.own_contribution, application.total_cost
            assert call.min_amount <= application.requested_amount <= call.max_amount
            assert total == application.requested_amount + own
            assert own * 100 >= call.own_contribution_percent * total

    def test_history_happened_in_order_and_in_the_past(self):
        now = timezone.now()
        for application in Application.objects.prefetch_related("status_changes"):
            moments = [change.at for change in application.status_changes.all()]
            assert moments == sorted(moments)
            assert moments[-1] <= now
            assert application.created_at == moments[0]

    def test_demo_applicants_can_log_in(self):
        response = self.client.post(
            reverse("account_login"),
            {"login": "mloda.aktywistka01@example.org", "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302
        applicants = User.objects.filter(applications__isnull=False).distinct()
        assert applicants.count() >= 40

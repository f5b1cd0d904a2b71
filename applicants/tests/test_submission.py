"""Submitting: the call's rules, the deadline at the moment of arrival, numbering, freezing, e-mail."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.models import Application, ApplicationVersion, StatusChange
from applicants.services import SubmissionRefused, application_submit, application_update
from applicants.tests.builders import CONSENTS, complete_draft, submitted_application
from core.formatting import NBSP
from grants.models import CallQuestion, QuestionKind
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def messages_of(excinfo) -> list[str]:
    return [problem.message for problem in excinfo.value.problems]


def test_submit_gives_reference_number_and_freezes_the_content(django_capture_on_commit_callbacks):
    call = GrantCallFactory(
        reference_code="AK",
        opens_at=datetime(2027, 1, 10, 9, tzinfo=WARSAW),
        closes_at=datetime(2027, 3, 15, 23, 59, tzinfo=WARSAW),
    )
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(
            call=call, arrived_at=datetime(2027, 2, 1, 12, tzinfo=WARSAW)
        )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference_number == "AK/2027/0001"
    version = application.versions.get()
    assert version.content["title"] == "Ogród deszczowy przy szkole"
    assert version.content["budget"]["requested_amount"] == "2551.50"
    assert [c["key"] for c in version.consents] == ["privacy", "truth"]
    assert version.consents[0]["text"] == "Klauzula RODO"
    assert version.consents[0]["accepted_at"].startswith("2027-02-01T11:00")


def test_submitted_application_can_no_longer_be_edited():
    application = submitted_application(arrived_at=timezone.now())
    from applicants.services import ApplicationLocked

    with pytest.raises(ApplicationLocked):
        application_update(application=application, fields={"title": "Zmiana po terminie"})
    assert application.versions.get().content["title"] == "Ogród deszczowy przy szkole"


def test_confirmation_email_carries_the_pdf_copy(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [application.applicant.email]
    assert application.reference_number in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert name == f"{application.reference_number.replace('/', '-')}-v1.pdf"


def test_confirmation_task_twice_sends_one_email(django_capture_on_commit_callbacks):
    from applicants.tasks import send_submission_confirmation

    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application()
    version = application.versions.get()
    send_submission_confirmation.call(version_id=version.pk)
    assert len(mail.outbox) == 1


def test_every_problem_is_listed_at_once():
    call = GrantCallFactory(min_amount=Decimal("1000"), max_amount=Decimal("5000"))
    application = complete_draft(call=call, texts={"title": "", "goals": ""})
    application_update(application=application, fields={"summary": " "})
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(
            application=application,
            by=application.applicant,
            consents=[],
            arrived_at=timezone.now(),
        )
    sections = {problem.section for problem in refused.value.problems}
    assert {"basics", "problem", "submit"} <= sections
    assert len(refused.value.problems) >= 5
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference_number is None


BELOW_MINIMUM = (
    f"Wnioskowana kwota 999,99{NBSP}zł jest niższa od minimum naboru "
    f"(1{NBSP}000,00{NBSP}zł) o 0,01{NBSP}zł."
)
OVER_MAXIMUM = (
    f"Wnioskowana kwota 5{NBSP}000,01{NBSP}zł przekracza maksimum naboru "
    f"(5{NBSP}000,00{NBSP}zł) o 0,01{NBSP}zł."
)


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        (Decimal("999.99"), BELOW_MINIMUM),
        (Decimal("1000"), None),
        (Decimal("5000"), None),
        (Decimal("5000.01"), OVER_MAXIMUM),
    ],
)
def test_requested_amount_must_be_within_the_calls_limits(amount, problem):
    call = GrantCallFactory(min_amount=Decimal("1000"), max_amount=Decimal("5000"))
    line = {
        "category": "materials",
        "item": "Farby",
        "unit": "kpl.",
        "quantity": Decimal("1"),
        "unit_cost": amount,
        "own_contribution": Decimal("0"),
    }
    application = complete_draft(call=call, budget=[line])
    if problem is None:
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=timezone.now(),
        )
    else:
        with pytest.raises(SubmissionRefused) as refused:
            application_submit(
                application=application,
                by=application.applicant,
                consents=CONSENTS,
                arrived_at=timezone.now(),
            )
        assert [(p.section, p.message) for p in refused.value.problems] == [("budget", problem)]


def test_own_contribution_must_reach_the_calls_share():
    call = GrantCallFactory(own_contribution_percent=Decimal("10"))
    line = {
        "category": "materials",
        "item": "Farby",
        "unit": "kpl.",
        "quantity": Decimal("1"),
        "unit_cost": Decimal("2000"),
        "own_contribution": Decimal("199.99"),
    }
    application = complete_draft(call=call, budget=[line])
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=timezone.now(),
        )
    # 199.99 of 2000 is 9.9995%: the applicant reads 9,99%, not a rounded-up 10,00%.
    assert [(p.section, p.message) for p in refused.value.problems] == [
        (
            "budget",
            "Twój wkład własny to 9,99% kosztu całkowitego; ten nabór wymaga co najmniej 10%.",
        )
    ]
    line["own_contribution"] = Decimal("200")
    application = complete_draft(call=call, budget=[line], user=application.applicant)
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )


def test_age_range_is_checked_at_submission_date():
    call = GrantCallFactory(min_age=16, max_age=30)
    user = UserFactory()
    from applicants.tests.builders import profile_for

    profile_for(user, born=datetime(1990, 1, 1).date())
    application = complete_draft(call=call, user=user)
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(
            application=application, by=user, consents=CONSENTS, arrived_at=timezone.now()
        )
    assert [p.field for p in refused.value.problems] == ["date_of_birth"]


def test_required_call_question_must_be_answered():
    call = GrantCallFactory()
    question = CallQuestion.objects.create(
        call=call, label="Skąd wiesz o naborze?", kind=QuestionKind.SHORT_TEXT
    )
    application = complete_draft(call=call)
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=timezone.now(),
        )
    assert [p.field for p in refused.value.problems] == [f"q{question.pk}"]


@pytest.mark.parametrize(
    "closes_at",
    [datetime(2027, 1, 15, 23, 59, tzinfo=WARSAW), datetime(2027, 7, 15, 23, 59, tzinfo=WARSAW)],
    ids=["winter", "summer"],
)
def test_deadline_one_second_before_and_after(closes_at):
    call = GrantCallFactory(opens_at=closes_at - timedelta(days=30), closes_at=closes_at)
    early = complete_draft(call=call)
    late = complete_draft(call=call)
    application_submit(
        application=early,
        by=early.applicant,
        consents=CONSENTS,
        arrived_at=closes_at - timedelta(seconds=1),
    )
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(
            application=late,
            by=late.applicant,
            consents=CONSENTS,
            arrived_at=closes_at + timedelta(seconds=1),
        )
    assert refused.value.problems[0].section == "submit"
    assert "23:59" in refused.value.problems[0].message
    late.refresh_from_db()
    assert late.status == ApplicationStatus.DRAFT
    assert late.title == "Ogród deszczowy przy szkole"


def test_submit_view_refuses_after_the_deadline_and_keeps_the_draft(client):
    call = GrantCallFactory(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(seconds=1),
    )
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:submit", args=[application.pk]),
        {"consent_privacy": "on", "consent_truth": "on"},
    )
    assert response.status_code == 400
    assert (
        "nie można go już złożyć" in response.text or "can no longer be submitted" in response.text
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_draft_saved_after_the_deadline_is_kept(client):
    call = GrantCallFactory(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1)
    )
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:section", args=[application.pk, "basics"]),
        {"title": "Poprawiony tytuł po terminie", "summary": "Nadal zapisujemy.", "go": "stay"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Poprawiony tytuł po terminie"


def test_submit_view_success_shows_reference_number(client, django_capture_on_commit_callbacks):
    application = complete_draft()
    client.force_login(application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applicants:submit", args=[application.pk]),
            {"consent_privacy": "on", "consent_truth": "on"},
            follow=True,
        )
    application.refresh_from_db()
    assert application.reference_number in response.text
    assert StatusChange.objects.filter(application=application, new_status="submitted").count() == 1


def test_submit_view_without_consents_lists_them(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(reverse("applicants:submit", args=[application.pk]), {})
    assert response.status_code == 400
    assert 'href="#id_consent_privacy"' in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_reference_numbers_are_consecutive_per_call():
    call = GrantCallFactory(reference_code="ZS")
    numbers = [submitted_application(call=call).reference_number for _ in range(3)]
    year = call.reference_year
    assert numbers == [f"ZS/{year}/0001", f"ZS/{year}/0002", f"ZS/{year}/0003"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_numbers():
    """20 applicants press "submit" at the same second; nobody shares or skips a number."""
    call = GrantCallFactory(reference_code="AK")
    drafts = [complete_draft(call=call) for _ in range(20)]
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []
    arrived_at = timezone.now()

    def submit(application):
        try:
            barrier.wait(timeout=10)
            application_submit(
                application=application,
                by=application.applicant,
                consents=CONSENTS,
                arrived_at=arrived_at,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Application.objects.filter(call=call).values_list("number_in_call", flat=True))
    assert numbers == list(range(1, 21))
    assert ApplicationVersion.objects.filter(application__call=call).count() == 20

"""The coordinator's formal check: accept, request a correction (new version), reject; the audit trail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from applicants.enums import ApplicationStatus
from applicants.models import FormalCheck, StatusChange
from applicants.services import (
    InvalidTransition,
    application_submit,
    application_transition,
    application_update,
    formal_check_record,
)
from applicants.tests.builders import CONSENTS, submitted_application
from grants.models import FormalCheckItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def test_request_correction_then_resubmit_keeps_both_versions(
    client, coordinator, django_capture_on_commit_callbacks
):
    application = submitted_application()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applicants_manage:formal_check", args=[application.pk]),
            {"outcome": "correction", "message": "Dołącz list poparcia od dyrekcji szkoły."},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CORRECTION_REQUESTED
    assert application.correction_deadline > timezone.now() + timedelta(days=6)
    assert any("list poparcia" in message.body.lower() for message in mail.outbox)

    application_update(
        application=application, fields={"summary": "Zbudujemy dwa ogrody deszczowe przy szkole."}
    )
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    versions = list(application.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["summary"] != versions[1].content["summary"]
    assert application.reference_number == versions[0].application.reference_number

    page = client.get(reverse("applicants_manage:detail", args=[application.pk]))
    assert "<ins>dwa ogrody deszczowe</ins>" in page.text or "<ins>dwa" in page.text
    old = client.get(reverse("applicants_manage:detail", args=[application.pk]) + "?version=1")
    assert "Zbudujemy ogród deszczowy" in old.text


def test_resubmission_after_the_correction_deadline_is_refused(coordinator):
    application = submitted_application()
    deadline = timezone.now() + timedelta(days=2)
    formal_check_record(
        application=application,
        outcome="correction",
        by=coordinator,
        message="Popraw budżet.",
        correction_deadline=deadline,
    )
    application.refresh_from_db()
    from applicants.services import SubmissionRefused

    with pytest.raises(SubmissionRefused):
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=deadline + timedelta(seconds=1),
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CORRECTION_REQUESTED


def test_formal_rejection_records_reasons_and_shows_them_to_the_applicant(client, coordinator):
    application = submitted_application()
    client.force_login(coordinator)
    client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "rejected", "message": "Projekt realizowany poza Polską."},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FORMALLY_REJECTED
    client.force_login(application.applicant)
    assert "Projekt realizowany poza Polską." in client.get(application.get_absolute_url()).text


def test_rejection_without_reasons_is_refused_beside_the_field(client, coordinator):
    application = submitted_application()
    client.force_login(coordinator)
    response = client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]), {"outcome": "rejected"}
    )
    assert response.status_code == 400
    assert "message" in response.context["check_form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_formal_check_address_opened_again_shows_the_application(client, coordinator):
    """After a refused form the address stays in the bar; a reload (GET) must not fail."""
    application = submitted_application()
    client.force_login(coordinator)
    response = client.get(reverse("applicants_manage:formal_check", args=[application.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("applicants_manage:detail", args=[application.pk])
    # Nobody else learns the application exists.
    client.force_login(application.applicant)
    response = client.get(reverse("applicants_manage:formal_check", args=[application.pk]))
    assert response.status_code in (403, 404)


def test_accepting_needs_every_checklist_item_ticked(client, coordinator):
    application = submitted_application()
    first = FormalCheckItem.objects.create(
        call=application.call, text="Budżet w limicie", position=0
    )
    second = FormalCheckItem.objects.create(
        call=application.call, text="Podpisane oświadczenia", position=1
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "accepted", f"check_{first.pk}": "on"},
    )
    assert response.status_code == 400
    client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "accepted", f"check_{first.pk}": "on", f"check_{second.pk}": "on"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED_FOR_REVIEW
    check = FormalCheck.objects.get()
    assert check.checklist == [
        {"item": "Budżet w limicie", "ok": True},
        {"item": "Podpisane oświadczenia", "ok": True},
    ]


def test_every_status_change_is_recorded_with_who_when_from_to(coordinator):
    application = submitted_application()
    formal_check_record(application=application, outcome="accepted", by=coordinator, message="OK")
    changes = list(
        StatusChange.objects.filter(application=application).values_list(
            "old_status", "new_status", "by"
        )
    )
    assert changes == [
        ("", "draft", application.applicant_id),
        ("draft", "submitted", application.applicant_id),
        ("submitted", "accepted_for_review", coordinator.pk),
    ]


def test_moves_not_in_the_allowed_transitions_are_refused(coordinator):
    application = submitted_application()
    with pytest.raises(InvalidTransition):
        application_transition(application, ApplicationStatus.DRAFT, by=coordinator)
    formal_check_record(
        application=application, outcome="rejected", by=coordinator, message="Brak zgody."
    )
    with pytest.raises(InvalidTransition):
        application_transition(application, ApplicationStatus.ACCEPTED_FOR_REVIEW, by=coordinator)
    with pytest.raises(InvalidTransition):
        formal_check_record(application=application, outcome="accepted", by=coordinator)


def test_coordinator_page_shows_the_audit_trail_with_names(client, coordinator):
    application = submitted_application()
    formal_check_record(
        application=application, outcome="accepted", by=coordinator, message="Kompletny wniosek"
    )
    client.force_login(coordinator)
    page = client.get(reverse("applicants_manage:detail", args=[application.pk])).text
    assert coordinator.display_name in page
    assert "Kompletny wniosek" in page


def test_applicant_timeline_hides_who_made_the_change(client, coordinator):
    application = submitted_application()
    formal_check_record(application=application, outcome="accepted", by=coordinator, message="")
    client.force_login(application.applicant)
    page = client.get(application.get_absolute_url()).text
    assert coordinator.display_name not in page
    assert coordinator.email not in page


def test_coordinator_page_lists_each_formal_check_with_its_version(
    client, coordinator, django_assert_max_num_queries
):
    application = submitted_application()
    formal_check_record(
        application=application,
        outcome="correction",
        by=coordinator,
        message="Popraw budżet.",
        correction_deadline=timezone.now() + timedelta(days=7),
    )
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    formal_check_record(application=application, outcome="accepted", by=coordinator)
    client.force_login(coordinator)
    url = reverse("applicants_manage:detail", args=[application.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url).text
    checks = page[page.index('id="checks-heading"') :]
    assert checks.index("(wersja 1)") < checks.index("(wersja 2)")
    assert "Popraw budżet." in checks
    assert coordinator.display_name in checks

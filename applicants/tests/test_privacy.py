"""'My data': the download of everything kept about a person, and deleting the account."""

import hashlib
import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus, FormalCheckOutcome
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationVersion,
    Attachment,
    BudgetLine,
    GroupMember,
    StatusChange,
)
from applicants.services import formal_check_record
from applicants.tests.builders import submitted_application
from core.models import OutgoingEmail
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n% plan dzialan\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_profile(user, **fields) -> ApplicantProfile:
    profile = ApplicantProfile.objects.create(
        user=user,
        **{
            "kind": ApplicantKind.GROUP,
            "contact_name": "Zosia Zielińska",
            "phone": "600 100 200",
            "city": "Płock",
            "date_of_birth": date(2008, 5, 17),
            "group_name": "Zielona Ekipa",
            **fields,
        },
    )
    GroupMember.objects.create(profile=profile, full_name="Kuba Kowalczyk", age=17, position=1)
    return profile


def make_application(user, **fields) -> Application:
    application = Application.objects.create(
        call=GrantCallFactory(),
        applicant=user,
        **{"title": "Łąka kwietna przy szkole", "summary": "Sadzimy łąkę.", **fields},
    )
    BudgetLine.objects.create(
        application=application,
        category="materials",
        item="Nasiona",
        unit="kg",
        quantity=Decimal("2.00"),
        unit_cost=Decimal("150.00"),
    )
    return application


def make_submitted(user, *, by=None, **fields) -> Application:
    now = timezone.now()
    application = make_application(
        user,
        status=ApplicationStatus.SUBMITTED,
        reference_number=f"AK/2026/{Application.objects.count() + 1:04d}",
        applicant_kind=ApplicantKind.GROUP,
        applicant_name="Zielona Ekipa",
        first_submitted_at=now,
        last_submitted_at=now,
        **fields,
    )
    ApplicationVersion.objects.create(
        application=application,
        number=1,
        submitted_at=now,
        submitted_by=user,
        content={
            "title": application.title,
            "applicant": {
                "kind": ApplicantKind.GROUP,
                "display_name": "Zielona Ekipa",
                "contact_name": "Zosia Zielińska",
                "email": user.email,
                "phone": "600 100 200",
                "city": "Płock",
                "date_of_birth": "2008-05-17",
                "group_name": "Zielona Ekipa",
                "members": [{"full_name": "Kuba Kowalczyk", "age": 17, "is_leader": False}],
                "organisation_name": "",
                "krs": "",
                "nip": "",
                "regon": "",
            },
        },
        consents=[{"key": "privacy", "label": "Zapoznałam się", "text": "Klauzula"}],
    )
    StatusChange.objects.create(
        application=application,
        old_status=ApplicationStatus.DRAFT,
        new_status=ApplicationStatus.SUBMITTED,
        by=user,
    )
    if by is not None:
        StatusChange.objects.create(
            application=application,
            old_status=ApplicationStatus.SUBMITTED,
            new_status=ApplicationStatus.CORRECTION_REQUESTED,
            by=by,
            at=now + timedelta(days=1),
            note="Prosimy o uzupełnienie budżetu.",
        )
    return application


def attach(application, content: bytes = PDF_BYTES, name: str = "plan działań.pdf") -> Attachment:
    return Attachment.objects.create(
        application=application,
        file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        original_name=name,
        content_type="application/pdf",
        extension=".pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def download(client) -> zipfile.ZipFile:
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def deleted_person_label() -> str:
    with translation.override("pl"):
        return gettext("Deleted person")


# --- Access ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "overview"), ("post", "export"), ("get", "delete"), ("post", "delete")],
)
def test_my_data_urls_redirect_anonymous_visitors_to_login(client, method, name):
    url = reverse(f"privacy:{name}")
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_data_overview_offers_download_and_delete(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("privacy:overview"))
    assert response.status_code == 200
    assert f'action="{reverse("privacy:export")}"' in response.text
    assert reverse("privacy:delete") in response.text


def test_my_data_overview_says_decisions_letters_and_emails_are_kept_and_downloadable(client):
    client.force_login(UserFactory())
    page = client.get(reverse("privacy:overview")).content.decode()
    assert "Decyzje w sprawie Twoich wniosków" in page
    assert "E-maile, które do Ciebie wysłaliśmy" in page
    assert "<code>letters</code>" in page
    assert "Wnioski, które czekają jeszcze na decyzję, zostają wycofane." in page


def test_my_data_export_get_only_leads_to_the_download_button(client):
    client.force_login(UserFactory())
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:overview")


# --- Export ------------------------------------------------------------------


def test_my_data_export_is_a_dated_zip_download(client):
    client.force_login(UserFactory())
    response = client.post(reverse("privacy:export"))
    expected = f"mikrogranty-moje-dane-{timezone.localdate():%Y-%m-%d}.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert set(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == {
        "README.txt",
        "data.json",
    }


def test_personal_data_export_contains_own_applications_not_others(client):
    user = UserFactory()
    make_profile(user)
    mine = make_submitted(user)
    draft = make_application(user)
    other = make_application(UserFactory(), title="Cudzy projekt o rowerach")
    client.force_login(user)

    data = json.loads(download(client).read("data.json"))

    assert data["account"]["email"] == user.email
    assert data["account"]["email_addresses"] == [
        {"email": user.email, "verified": True, "primary": True}
    ]
    assert data["applicant_profile"]["members"][0]["full_name"] == "Kuba Kowalczyk"
    assert {a["id"] for a in data["applications"]} == {mine.pk, draft.pk}
    assert other.pk not in {a["id"] for a in data["applications"]}
    assert "Cudzy projekt o rowerach" not in json.dumps(data, ensure_ascii=False)
    exported = next(a for a in data["applications"] if a["id"] == mine.pk)
    assert exported["reference_number"] == mine.reference_number
    assert exported["budget_lines"][0]["unit_cost"] == "150.00"
    assert exported["versions"][0]["content"]["applicant"]["contact_name"] == "Zosia Zielińska"
    assert exported["versions"][0]["consents"][0]["key"] == "privacy"
    assert exported["created_at"].endswith("+00:00")


def test_personal_data_export_keeps_polish_letters_readable(client):
    user = UserFactory()
    make_profile(user, city="Łódź", contact_name="Żaneta Ślęzak")
    client.force_login(user)

    raw = download(client).read("data.json")

    text = raw.decode("utf-8")  # UTF-8, no byte-order mark
    assert '"city": "Łódź"' in text  # as typed, not "\\u0141\\u00f3d\\u017a"
    assert "Żaneta Ślęzak" in text
    assert "\\u0" not in text


def test_personal_data_export_contains_uploaded_file_bytes(client):
    user = UserFactory()
    application = make_application(user)
    attachment = attach(application)
    other = attach(make_application(UserFactory()), content=b"%PDF-1.4 cudzy", name="cudzy.pdf")
    client.force_login(user)

    archive = download(client)

    assert archive.read(f"files/{application.pk}/plan działań.pdf") == PDF_BYTES
    assert f"files/{other.application_id}/cudzy.pdf" not in archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert data["applications"][0]["attachments"][0]["id"] == attachment.pk
    assert (
        data["applications"][0]["attachments"][0]["file_in_archive"]
        == f"files/{application.pk}/plan działań.pdf"
    )


def test_personal_data_export_never_names_the_coordinator(client):
    user = UserFactory()
    coordinator = CoordinatorFactory(full_name="Halina Koordynatorska", email="halina@program.pl")
    make_submitted(user, by=coordinator)
    client.force_login(user)

    archive = download(client)

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Halina" not in everything
    assert "Koordynatorska" not in everything
    assert "halina@program.pl" not in everything
    history = json.loads(archive.read("data.json"))["applications"][0]["status_history"]
    assert [change["by"] for change in history] == ["applicant", "coordinator"]


# --- Deletion ----------------------------------------------------------------


def test_account_delete_page_states_what_happens(client):
    user = UserFactory()
    make_application(user, title="Mój szkic")
    make_submitted(user, title="Mój złożony wniosek")
    client.force_login(user)
    response = client.get(reverse("privacy:delete"))
    assert response.status_code == 200
    assert "Mój szkic" in response.text
    assert "Mój złożony wniosek" in response.text
    assert 'name="email"' in response.text


def test_account_delete_with_wrong_email_keeps_everything(client):
    user = UserFactory()
    make_profile(user)
    draft = make_application(user)
    attachment = attach(draft)
    client.force_login(user)

    response = client.post(reverse("privacy:delete"), {"email": "ktos.inny@example.org"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"]
    # The error is rendered with the field, tied to it for screen readers.
    assert 'id="id_email"' in response.text
    assert 'id="error_1_id_email"' in response.text
    assert str(form.errors["email"][0]) in response.text
    assert User.objects.filter(pk=user.pk).exists()
    assert Application.objects.filter(pk=draft.pk).exists()
    assert ApplicantProfile.objects.filter(user=user).exists()
    assert default_storage.exists(attachment.file.name)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_account_delete_removes_user_drafts_and_their_files(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    make_profile(user)
    draft = make_application(user)
    stored_name = attach(draft).file.name
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:delete"), {"email": user.email.upper()})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        gettext("Your account has been deleted.")
    ]
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
    assert not ApplicantProfile.objects.exists()
    assert not GroupMember.objects.exists()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not Attachment.objects.exists()
    assert not default_storage.exists(stored_name)
    assert "_auth_user_id" not in client.session


def test_account_delete_keeps_submitted_applications_anonymised(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    coordinator = CoordinatorFactory()
    make_profile(user)
    submitted = make_submitted(user, by=coordinator)
    kept_file = attach(submitted).file.name
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"email": user.email})

    submitted.refresh_from_db()
    assert submitted.applicant is None
    assert submitted.anonymised_at is not None
    assert submitted.applicant_name == deleted_person_label()
    assert submitted.reference_number is not None
    applicant = submitted.versions.get().content["applicant"]
    assert applicant["contact_name"] == deleted_person_label()
    assert applicant["email"] is None
    assert applicant["phone"] is None
    assert applicant["date_of_birth"] is None
    assert applicant["members"] == [
        {"full_name": deleted_person_label(), "age": 17, "is_leader": False}
    ]
    assert (applicant["kind"], applicant["group_name"], applicant["city"]) == (
        ApplicantKind.GROUP,
        "Zielona Ekipa",
        "Płock",
    )
    content = json.dumps(submitted.versions.get().content, ensure_ascii=False)
    for personal in ("Zosia", "Zielińska", "Kuba Kowalczyk", user.email, "2008-05-17"):
        assert personal not in content
    # Still being considered: withdrawn by the deletion; the coordinator's entry keeps its author.
    assert submitted.status == ApplicationStatus.WITHDRAWN
    history = list(submitted.status_changes.order_by("pk"))
    assert [(change.new_status, change.by_id) for change in history] == [
        (ApplicationStatus.SUBMITTED, None),
        (ApplicationStatus.CORRECTION_REQUESTED, coordinator.pk),
        (ApplicationStatus.WITHDRAWN, None),
    ]
    with translation.override("pl"):
        assert history[-1].note_text == gettext("The applicant deleted their account.")
    # The uploaded file is deleted; its name, size and checksum stay on record.
    assert not default_storage.exists(kept_file)
    attachment = submitted.attachments.get()
    assert (attachment.file.name, attachment.original_name) == (
        "",
        f"attachment-{attachment.pk}.pdf",
    )
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_account_delete_leaves_user_unable_to_log_in(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("privacy:delete"), {"email": user.email})

    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_account_delete_is_refused_to_coordinators(client):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)

    page = client.get(reverse("privacy:delete"))
    response = client.post(reverse("privacy:delete"), {"email": coordinator.email})

    assert page.status_code == 200
    assert 'name="email"' not in page.text
    assert response.status_code == 403
    assert User.objects.filter(pk=coordinator.pk).exists()


def test_account_delete_is_refused_while_programme_records_point_to_the_user(
    client, django_capture_on_commit_callbacks
):
    # A former coordinator: no longer in the group, but a call they created protects the account.
    user = UserFactory()
    GrantCallFactory(created_by=user)
    draft = make_application(user)
    stored_name = attach(draft).file.name
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:delete"), {"email": user.email})

    assert response["Location"] == reverse("privacy:overview")
    assert User.objects.filter(pk=user.pk).exists()
    assert Application.objects.filter(pk=draft.pk).exists()
    assert default_storage.exists(stored_name)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_personal_data_export_lists_the_emails_tasks_sent_with_attachments(
    client, django_capture_on_commit_callbacks
):
    """The submission confirmation (sent by its task with the PDF attached) and the formal-check
    notice are recorded like queued e-mails: in "My data", without their text."""
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application()
    with django_capture_on_commit_callbacks(execute=True):
        formal_check_record(
            application=application,
            outcome=FormalCheckOutcome.CORRECTION,
            by=CoordinatorFactory(),
            message="Dołączcie list poparcia szkoły.",
        )
    user = application.applicant
    assert [m.attachments != [] for m in mail.outbox if m.to == [user.email]] == [True, False]
    client.force_login(user)

    emails = json.loads(download(client).read("data.json"))["emails"]

    assert [(e["kind"], e["state"], e["to"]) for e in emails] == [
        ("applicants/submitted", "sent", user.email),
        ("applicants/status", "sent", user.email),
    ]
    assert application.reference_number in emails[0]["subject"]
    assert all(e["sent_at"] for e in emails)
    record = OutgoingEmail.objects.get(kind="applicants/submitted")
    assert (record.body, record.html_body, record.user) == ("", "", user)

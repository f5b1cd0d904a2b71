"""The applicant's path through the pages: starting, profile, sections, attachments, withdrawing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.models import ApplicantProfile, Application, Attachment
from applicants.tests.archives import docx_bytes
from applicants.tests.builders import (
    complete_draft,
    profile_for,
    render_waiting_pdf_copies,
    submitted_application,
)
from applicants.tests.factories import ApplicationFactory
from applicants.uploads import DOCX
from grants.models import AttachmentRequirement, EligibilityQuestion
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_apply_twice_makes_one_draft(client):
    call = GrantCallFactory()
    user = UserFactory()
    profile_for(user)
    client.force_login(user)
    first = client.post(reverse("applicants:apply", args=[call.slug]))
    second = client.post(reverse("applicants:apply", args=[call.slug]))
    assert first.status_code == second.status_code == 302
    assert Application.objects.filter(call=call, applicant=user).count() == 1


def test_apply_asks_who_applies_first(client):
    call = GrantCallFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("applicants:apply", args=[call.slug]))
    application = Application.objects.get(applicant=user)
    assert response["Location"] == reverse("applicants:profile") + f"?application={application.pk}"


def test_failed_screener_explains_and_starts_nothing(client):
    call = GrantCallFactory()
    question = EligibilityQuestion.objects.create(
        call=call,
        text="Czy projekt będzie realizowany w Polsce?",
        required_answer=True,
        failure_explanation="Program wspiera wyłącznie działania w Polsce.",
    )
    client.force_login(UserFactory())
    response = client.post(reverse("applicants:apply", args=[call.slug]), {f"e{question.pk}": "no"})
    assert response.status_code == 200
    assert "Program wspiera wyłącznie działania w Polsce." in response.text
    assert not Application.objects.exists()


def test_apply_to_a_closed_call_is_refused(client):
    call = GrantCallFactory(past_deadline=True)
    client.force_login(UserFactory())
    client.post(reverse("applicants:apply", args=[call.slug]))
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("individual", {}, "date_of_birth"),
        (
            "ngo",
            {
                "organisation_name": "Fundacja Zielona",
                "krs": "123",
                "nip": "5260250274",
                "regon": "123456785",
            },
            "krs",
        ),
        (
            "ngo",
            {
                "organisation_name": "Fundacja Zielona",
                "krs": "0000123456",
                "nip": "1234567890",
                "regon": "123456785",
            },
            "nip",
        ),
        (
            "ngo",
            {
                "organisation_name": "Fundacja Zielona",
                "krs": "0000123456",
                "nip": "5260250274",
                "regon": "123456789",
            },
            "regon",
        ),
    ],
)
def test_profile_validation_shows_errors_beside_fields_and_keeps_input(client, kind, data, field):
    client.force_login(UserFactory())
    post = {
        "kind": kind,
        "contact_name": "Ola Nowak",
        "street": "ul. Długa 5",
        "postcode": "80-831",
        "city": "Gdańsk",
        "phone": "",
        **data,
    }
    post.update(
        {
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(reverse("applicants:profile"), post)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="Gdańsk"' in response.text
    assert not ApplicantProfile.objects.exists()


def test_ngo_profile_with_valid_numbers_is_saved(client):
    user = UserFactory()
    client.force_login(user)
    post = {
        "kind": "ngo",
        "contact_name": "Ola Nowak",
        "street": "ul. Długa 5",
        "postcode": "80-831",
        "city": "Gdańsk",
        "organisation_name": "Fundacja Zielona",
        "krs": "0000123456",
        "nip": "526-025-02-74",
        "regon": "123456785",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("applicants:profile"), post)
    assert response.status_code == 302
    profile = ApplicantProfile.objects.get(user=user)
    assert profile.nip == "5260250274"


def test_group_needs_three_members_and_one_leader(client):
    user = UserFactory()
    client.force_login(user)
    post = {
        "kind": "group",
        "contact_name": "Ola Nowak",
        "street": "ul. Długa 5",
        "postcode": "80-831",
        "city": "Gdańsk",
        "group_name": "Zielone Podwórko",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-full_name": "Ola Nowak",
        "members-0-age": "17",
        "members-0-is_leader": "on",
        "members-1-full_name": "Jan Kowal",
        "members-1-age": "18",
        "members-2-full_name": "",
        "members-2-age": "",
    }
    response = client.post(reverse("applicants:profile"), post)
    assert response.status_code == 200
    assert response.context["members"].non_form_errors() == [
        "Grupa nieformalna musi mieć co najmniej 3 osoby."
    ]
    assert not ApplicantProfile.objects.filter(user=user).exists()
    post.update({"members-2-full_name": "Ewa Lis", "members-2-age": "19"})
    response = client.post(reverse("applicants:profile"), post)
    assert response.status_code == 302
    profile = ApplicantProfile.objects.get(user=user)
    assert [m.full_name for m in profile.members.all()] == ["Ola Nowak", "Jan Kowal", "Ewa Lis"]


def test_sections_save_independently(client):
    application = complete_draft(texts={"goals": ""})
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:section", args=[application.pk, "basics"]),
        {"title": "Nowy tytuł", "summary": "", "go": "stay"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Nowy tytuł"
    assert application.summary == ""
    assert application.goals == ""


def test_schedule_with_end_before_start_is_refused_and_kept(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:section", args=[application.pk, "activities"]),
        {
            "activities": "Warsztaty",
            "schedule-TOTAL_FORMS": "1",
            "schedule-INITIAL_FORMS": "0",
            "schedule-MIN_NUM_FORMS": "0",
            "schedule-MAX_NUM_FORMS": "1000",
            "schedule-0-starts_on": "2027-05-10",
            "schedule-0-ends_on": "2027-05-01",
            "schedule-0-activity": "Sadzenie drzew",
        },
    )
    assert response.status_code == 200
    assert 'value="Sadzenie drzew"' in response.text
    assert "ends_on" in response.context["schedule"].forms[0].errors


def test_budget_totals_are_computed_on_the_server(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:section", args=[application.pk, "budget"]),
        {
            "budget-TOTAL_FORMS": "2",
            "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0",
            "budget-MAX_NUM_FORMS": "1000",
            "budget-0-category": "materials",
            "budget-0-item": "Farby",
            "budget-0-unit": "l",
            "budget-0-quantity": "3",
            "budget-0-unit_cost": "33.335",
            "budget-0-own_contribution": "0",
            "budget-1-category": "services",
            "budget-1-item": "Autobus",
            "budget-1-unit": "kurs",
            "budget-1-quantity": "2",
            "budget-1-unit_cost": "1200",
            "budget-1-own_contribution": "400",
            "go": "stay",
        },
    )
    # 33.335 has three decimal places: refused beside the field, nothing saved.
    assert response.status_code == 200
    assert "unit_cost" in response.context["budget"].forms[0].errors
    response = client.post(
        reverse("applicants:section", args=[application.pk, "budget"]),
        {
            "budget-TOTAL_FORMS": "2",
            "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0",
            "budget-MAX_NUM_FORMS": "1000",
            "budget-0-category": "materials",
            "budget-0-item": "Farby",
            "budget-0-unit": "l",
            "budget-0-quantity": "3",
            "budget-0-unit_cost": "33.33",
            "budget-0-own_contribution": "0",
            "budget-1-category": "services",
            "budget-1-item": "Autobus",
            "budget-1-unit": "kurs",
            "budget-1-quantity": "2",
            "budget-1-unit_cost": "1200",
            "budget-1-own_contribution": "400",
            "go": "stay",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.total_cost == Decimal("2499.99")
    assert application.own_contribution == Decimal("400.00")
    assert application.requested_amount == Decimal("2099.99")


def test_own_contribution_above_line_total_is_refused(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:section", args=[application.pk, "budget"]),
        {
            "budget-TOTAL_FORMS": "1",
            "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0",
            "budget-MAX_NUM_FORMS": "1000",
            "budget-0-category": "materials",
            "budget-0-item": "Farby",
            "budget-0-unit": "l",
            "budget-0-quantity": "1",
            "budget-0-unit_cost": "100",
            "budget-0-own_contribution": "150",
        },
    )
    assert "own_contribution" in response.context["budget"].forms[0].errors


# --- attachments -------------------------------------------------------------------


def upload(client, application, name, content, requirement=None):
    data = {"file": SimpleUploadedFile(name, content)}
    if requirement:
        data["requirement"] = str(requirement.pk)
    return client.post(reverse("applicants:attachments", args=[application.pk]), data)


def test_valid_pdf_is_accepted_and_downloadable_by_the_owner(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, "List poparcia – Rada Osiedla.pdf", PDF_BYTES)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "List_poparcia_Rada_Osiedla.pdf"
    assert attachment.content_type == "application/pdf"
    assert "applications/" in attachment.file.name and "List" not in attachment.file.name
    download = client.get(attachment.get_download_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment;" in download["Content-Disposition"]


def test_docx_is_recognised_by_its_content(client):
    application = complete_draft()
    client.force_login(application.applicant)
    content = docx_bytes()
    response = upload(client, application, "kosztorys.docx", content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.extension, attachment.content_type) == DOCX
    assert attachment.file.name.endswith(".docx")
    page = client.get(response["Location"])
    assert f'href="{attachment.get_download_url()}"' in page.text
    assert ">kosztorys.docx</a>" in page.text
    download = client.get(attachment.get_download_url())
    assert download["Content-Type"] == DOCX[1]
    assert 'filename="kosztorys.docx"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == content


def test_a_docx_renamed_to_pdf_is_refused_with_its_real_type(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, "kosztorys.pdf", docx_bytes())
    assert response.status_code == 400
    assert "w rzeczywistości plik DOCX" in " ".join(response.context["form"].errors["file"])
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is an exe", "nie jest"),
        ("pusty.pdf", b"", "pusty"),
        ("zdjecie.png", PDF_BYTES, ".pdf"),
    ],
    ids=["renamed-executable", "zero-bytes", "wrong-extension"],
)
def test_bad_uploads_are_refused_with_a_message(client, name, content, phrase):
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, name, content)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["file"]).lower()
    assert phrase in errors
    assert not Attachment.objects.exists()


def test_a_path_in_the_file_name_is_refused_by_the_check():
    from django.core.exceptions import ValidationError

    from applicants.uploads import attachment_check

    upload = SimpleUploadedFile("x.pdf", PDF_BYTES)
    upload._name = "../../x.pdf"  # what a hostile client sends, before any framework clean-up
    with pytest.raises(ValidationError) as refused:
        attachment_check(upload, max_mb=10)
    assert "../../x.pdf" in refused.value.messages[0]


def test_a_path_in_the_uploaded_name_never_leaves_the_media_folder(client, settings):
    """Django's parser already reduces "../../x.pdf" to "x.pdf"; we store it under a random name."""
    application = complete_draft()
    client.force_login(application.applicant)
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../x.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST",
        reverse("applicants:attachments", args=[application.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "x.pdf"
    stored = (settings.MEDIA_ROOT / attachment.file.name).resolve()
    assert stored.is_relative_to((settings.MEDIA_ROOT / "applications").resolve())


def test_oversized_upload_is_refused(client):
    application = complete_draft(call=GrantCallFactory(max_attachment_mb=1))
    client.force_login(application.applicant)
    response = upload(client, application, "duzy.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "1 MB" in " ".join(response.context["form"].errors["file"])


def test_attachment_count_is_limited_by_the_call(client):
    application = complete_draft(call=GrantCallFactory(max_attachments=1))
    client.force_login(application.applicant)
    assert upload(client, application, "a.pdf", PDF_BYTES).status_code == 302
    assert upload(client, application, "b.pdf", PDF_BYTES).status_code == 400
    assert Attachment.objects.count() == 1


def test_required_attachment_must_be_uploaded_before_submitting(client):
    call = GrantCallFactory()
    requirement = AttachmentRequirement.objects.create(
        call=call, name="List poparcia", required=True
    )
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:submit", args=[application.pk]),
        {"consent_privacy": "on", "consent_truth": "on"},
    )
    assert response.status_code == 400
    assert [p.message for p in response.context["refused"]] == ["Dołącz załącznik „List poparcia”."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    upload(client, application, "list.pdf", PDF_BYTES, requirement)
    response = client.post(
        reverse("applicants:submit", args=[application.pk]),
        {"consent_privacy": "on", "consent_truth": "on"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert [a.original_name for a in application.versions.get().attachments.all()] == ["list.pdf"]


# --- permissions ----------------------------------------------------------------------


def application_urls(application, attachment):
    pk = application.pk
    return [
        reverse("applicants:application_detail", args=[pk]),
        reverse("applicants:section", args=[pk, "basics"]),
        reverse("applicants:section", args=[pk, "budget"]),
        reverse("applicants:attachments", args=[pk]),
        reverse("applicants:attachment_download", args=[pk, attachment.pk]),
        reverse("applicants:submit", args=[pk]),
        reverse("applicants:withdraw", args=[pk]),
        reverse("applicants:version_pdf", args=[pk, 1]),
        reverse("applicants_manage:detail", args=[pk]),
        reverse("applicants_manage:attachment_download", args=[pk, attachment.pk]),
        reverse("applicants_manage:version_pdf", args=[pk, 1]),
    ]


@pytest.mark.parametrize("who", ["anonymous", "another applicant", "reviewer"])
def test_nobody_but_the_owner_and_coordinators_sees_an_application(client, who):
    application = complete_draft(texts={"title": "Tajny projekt sąsiedzki"})
    client.force_login(application.applicant)
    upload(client, application, "tajny.pdf", PDF_BYTES)
    client.post(
        reverse("applicants:submit", args=[application.pk]),
        {"consent_privacy": "on", "consent_truth": "on"},
    )
    attachment = Attachment.objects.get()
    client.logout()
    if who != "anonymous":
        other = UserFactory()
        profile_for(other)
        client.force_login(other)
    for url in application_urls(application, attachment):
        for method in (client.get, client.post):
            response = method(url)
            if who == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
                    url
                )
            else:
                assert response.status_code in {403, 404}, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"Tajny projekt" not in body
            assert PDF_BYTES not in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_owner_and_coordinator_see_the_application(client):
    from accounts.tests.factories import CoordinatorFactory

    application = submitted_application(texts={"title": "Jawny projekt"})
    render_waiting_pdf_copies()  # as the task worker does after the submission
    client.force_login(application.applicant)
    assert "Jawny projekt" in client.get(application.get_absolute_url()).text
    pdf = client.get(reverse("applicants:version_pdf", args=[application.pk, 1]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    client.force_login(CoordinatorFactory())
    assert (
        "Jawny projekt"
        in client.get(reverse("applicants_manage:detail", args=[application.pk])).text
    )


def test_my_applications_lists_only_mine_with_fixed_queries(client, django_assert_max_num_queries):
    user = UserFactory()
    profile_for(user)
    other = submitted_application(texts={"title": "Cudzy wniosek"})
    submitted_application(user=user, texts={"title": "Mój wniosek"})
    client.force_login(user)
    # One query per reader of "waiting for you" among them (grants to prepare, agreements to
    # sign for someone else's grant…): a fixed number, checked against more rows below.
    with django_assert_max_num_queries(14) as few:
        response = client.get(reverse("applicants:my_applications"))
    assert "Mój wniosek" in response.text and other.title not in response.text
    for _ in range(8):
        submitted_application(user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("applicants:my_applications"))


def test_withdraw_needs_confirmation(client):
    application = submitted_application()
    client.force_login(application.applicant)
    assert client.get(reverse("applicants:withdraw", args=[application.pk])).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.post(reverse("applicants:withdraw", args=[application.pk]), {"reason": "Zmiana planów"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.status_changes.last().note == "Zmiana planów"


@pytest.mark.parametrize("status", list(ApplicationStatus))
def test_my_applications_shows_each_status_with_its_label_and_colour(client, status):
    application = ApplicationFactory(status=status)
    client.force_login(application.applicant)

    html = client.get(reverse("applicants:my_applications")).text

    with translation.override("pl"):
        label = str(status.label)
    assert f'<span class="badge {status.badge}">{label}</span>' in html
    decided = {
        ApplicationStatus.AWARDED,
        ApplicationStatus.RESERVE,
        ApplicationStatus.REJECTED,
        ApplicationStatus.DECLINED,
    }
    assert ("Decyzja i pismo" in html) == (status in decided)


@pytest.mark.parametrize(
    "status, says",
    [
        (ApplicationStatus.SUBMITTED, "został złożony. Zespół programu sprawdzi teraz"),
        (ApplicationStatus.CORRECTION_REQUESTED, "Popraw swój wniosek"),
        (ApplicationStatus.FORMALLY_REJECTED, "Twój wniosek nie przeszedł oceny formalnej"),
        (ApplicationStatus.ACCEPTED_FOR_REVIEW, "przeszedł ocenę formalną i jest teraz oceniany"),
        (ApplicationStatus.IN_REVIEW, "przeszedł ocenę formalną i jest teraz oceniany"),
        (ApplicationStatus.REVIEWED, "przeszedł ocenę formalną i jest teraz oceniany"),
        (ApplicationStatus.AWARDED, "Decyzja w sprawie Twojego wniosku została opublikowana."),
        (ApplicationStatus.RESERVE, "Decyzja w sprawie Twojego wniosku została opublikowana."),
        (ApplicationStatus.REJECTED, "Decyzja w sprawie Twojego wniosku została opublikowana."),
        (ApplicationStatus.DECLINED, "Decyzja w sprawie Twojego wniosku została opublikowana."),
    ],
)
def test_application_page_tells_the_applicant_where_it_stands(client, status, says):
    application = ApplicationFactory(status=status)
    client.force_login(application.applicant)

    html = " ".join(client.get(application.get_absolute_url()).text.split())

    assert says in html
    others = {
        "został złożony. Zespół programu sprawdzi teraz",
        "Popraw swój wniosek",
        "Twój wniosek nie przeszedł oceny formalnej",
        "przeszedł ocenę formalną i jest teraz oceniany",
        "Decyzja w sprawie Twojego wniosku została opublikowana.",
    } - {says}
    assert not [other for other in others if other in html]

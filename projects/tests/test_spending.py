"""Receipt-first settlement: the grantee records financial documents split over budget lines;
the grant page shows plan vs spent, the sentence for documents and the rules broken."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import CoordinatorFactory, UserFactory
from projects.enums import ReportKind, ReportState
from projects.models import (
    CallGrantTerms,
    DocumentAllocation,
    FinancialDocument,
    GrantBudgetLine,
    Report,
)
from projects.reports import report_transition
from projects.spending import DocumentPart, document_add
from projects.spending_figures import grant_spending
from projects.spending_forms import nip_validate
from projects.tests.progress_rows import grant_at

pytestmark = pytest.mark.django_db

VALID_NIP = "1234563218"


def jpeg(*, size=(40, 20), orientation=None, colour="white") -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Telefon Testowy"  # Make: metadata that must not reach the display copy
    if orientation:
        exif[0x0112] = orientation
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def photo(name="paragon.jpg", content=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or jpeg(), content_type="image/jpeg")


def pdf(name="faktura.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n% faktura\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def grant():
    """A grant under way, its period around today: 1,500 zł materials; 2,000 zł services of
    which 500 zł own contribution; 3,000 zł awarded."""
    today = timezone.localdate()
    grant = grant_at(
        "active",
        amount=Decimal("3000.00"),
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    GrantBudgetLine.objects.create(
        grant=grant,
        position=0,
        category="materials",
        item="Sadzonki i ziemia",
        unit="komplet",
        quantity=Decimal("10"),
        unit_cost=Decimal("150"),
    )
    GrantBudgetLine.objects.create(
        grant=grant,
        position=1,
        category="services",
        item="Warsztaty z ogrodnikiem",
        unit="godzina",
        quantity=Decimal("20"),
        unit_cost=Decimal("100"),
        own_contribution=Decimal("500"),
    )
    return grant


def lines(grant):
    return list(grant.budget_lines.all())


@pytest.fixture
def grantee(client, grant):
    client.force_login(grant.application.applicant)
    return client


def form_data(grant, **overrides):
    materials = lines(grant)[0]
    data = {
        "kind": "receipt",
        "number": "PAR/2027/15",
        "issued_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "amount": "185,50",
        "issuer_name": "Sklep ogrodniczy Zielony Zakątek",
        "issuer_nip": "",
        "paid_on": "",
        "description": "Ziemia do donic",
        "line_0": str(materials.pk),
        "from_grant_0": "",
        "own_0": "",
    }
    data.update(overrides)
    return data


def add_url(grant):
    return reverse("projects:document_add", kwargs={"pk": grant.pk})


def post_document(client, grant, file=None, **overrides):
    data = form_data(grant, **overrides)
    if file is not None:
        data["file"] = file
    return client.post(add_url(grant), data)


def recorded(grant, amount="100.00", parts=None, file=None, **values):
    """A document added through the service (parts: [(line index, grant, own)])."""
    lines_ = lines(grant)
    parts = parts or [(0, amount, "0")]
    return document_add(
        grant=grant,
        by=grant.application.applicant,
        upload=file or pdf(),
        values={
            "kind": "invoice",
            "number": values.get("number", "FV/1"),
            "issued_on": values.get("issued_on", timezone.localdate()),
            "amount": Decimal(amount),
            "issuer_name": "Hurtownia",
            "issuer_nip": "",
            "paid_on": None,
            "description": "zakupy",
        },
        parts=[DocumentPart(lines_[i], Decimal(g), Decimal(o)) for i, g, o in parts],
    )


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Adding ---------------------------------------------------------------------------------


def test_document_add_photo_on_one_line_counts_whole_amount_from_the_grant(grantee, grant):
    response = post_document(grantee, grant, file=photo())

    assert response.status_code == 302
    document = FinancialDocument.objects.get(grant=grant)
    assert document.amount == Decimal("185.50")
    assert [(a.budget_line.item, a.from_grant) for a in document.allocations.all()] == [
        ("Sadzonki i ziemia", Decimal("185.50"))
    ]
    page = page_text(grantee.get(reverse("projects:grant", kwargs={"pk": grant.pk})))
    assert "185,50 zł z 1 500,00 zł" in page
    assert "PAR/2027/15" in page


def test_document_add_split_over_two_lines_with_own_contribution(grantee, grant):
    materials, services = lines(grant)
    response = post_document(
        grantee,
        grant,
        file=pdf(),
        amount="1 000,00",
        line_0=str(materials.pk),
        from_grant_0="300",
        line_1=str(services.pk),
        from_grant_1="500",
        own_1="200",
    )

    assert response.status_code == 302
    figures = grant_spending(grant)
    assert [(row.spent_from_grant, row.spent_own) for row in figures.lines] == [
        (Decimal("300.00"), Decimal("0.00")),
        (Decimal("500.00"), Decimal("200.00")),
    ]
    assert figures.grant_left == Decimal("2200.00")


def test_document_add_refuses_parts_above_the_amount_and_keeps_what_was_typed(grantee, grant):
    services = lines(grant)[1]
    response = post_document(
        grantee,
        grant,
        file=pdf(),
        amount="100",
        from_grant_0="80",
        line_1=str(services.pk),
        from_grant_1="30",
    )

    assert response.status_code == 400
    page = page_text(response)
    assert "Części sumują się do 110,00 zł: więcej niż 100,00 zł dokumentu" in page
    assert 'value="PAR/2027/15"' in page
    assert 'value="80"' in page and 'value="30"' in page
    assert FinancialDocument.objects.count() == 0


def test_document_add_keeps_the_file_after_an_error_so_it_is_not_picked_again(grantee, grant):
    content = jpeg(colour="red")
    first = post_document(grantee, grant, file=photo(content=content), issuer_nip="1234563219")
    assert first.status_code == 400
    page = page_text(first)
    assert "To nie jest poprawny NIP" in page
    assert "Zachowaliśmy Twój plik „paragon.jpg”" in page
    token = re.search(r'name="pending" value="([^"]+)"', page).group(1)

    second = post_document(grantee, grant, pending=token, issuer_nip="123-456-32-18")

    assert second.status_code == 302
    document = FinancialDocument.objects.get(grant=grant)
    assert document.issuer_nip == VALID_NIP
    with document.file.open("rb") as stored:
        assert stored.read() == content


def test_document_add_a_kept_file_is_only_for_the_one_who_sent_it(client, grantee, grant):
    first = post_document(grantee, grant, file=photo(), issuer_nip="1")
    token = re.search(r'name="pending" value="([^"]+)"', first.content.decode()).group(1)
    other = grant_at("active")
    GrantBudgetLine.objects.create(
        grant=other, category="materials", item="X", unit="szt", quantity=1, unit_cost=100
    )
    client.force_login(other.application.applicant)

    response = client.post(
        add_url(other), form_data(other, line_0=str(lines(other)[0].pk), pending=token)
    )

    assert response.status_code == 400
    assert "Zrób zdjęcie dokumentu albo wybierz jego plik" in page_text(response)
    assert not FinancialDocument.objects.exists()


def test_document_add_without_a_file_is_refused_beside_the_field(grantee, grant):
    response = post_document(grantee, grant)

    assert response.status_code == 400
    assert "Zrób zdjęcie dokumentu albo wybierz jego plik" in page_text(response)


@pytest.mark.parametrize(
    ("nip", "valid"),
    [("1234563218", True), ("PL 123-456-32-18", True), ("1234563219", False), ("12345", False)],
)
def test_nip_validate_checks_the_checksum(nip, valid):
    if valid:
        assert nip_validate(nip) == VALID_NIP
    else:
        with pytest.raises(Exception, match="NIP"):
            nip_validate(nip)


@pytest.mark.parametrize("field", ["issued_on", "paid_on"])
def test_document_add_refuses_a_date_in_the_future(grantee, grant, field):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post_document(grantee, grant, file=pdf(), **{field: tomorrow})

    assert response.status_code == 400
    assert "Ta data jest w przyszłości" in page_text(response)


def test_document_add_refuses_a_program_renamed_as_a_photo(grantee, grant):
    exe = SimpleUploadedFile("paragon.jpg", b"MZ\x90\x00" + b"\x00" * 200)

    response = post_document(grantee, grant, file=exe)

    assert response.status_code == 400
    assert "„paragon.jpg” to nie jest zdjęcie ani PDF" in page_text(response)
    assert not FinancialDocument.objects.exists()
    assert 'name="pending"' not in page_text(response)


def test_document_add_refuses_a_broken_picture_with_a_jpeg_header(grantee, grant):
    broken = SimpleUploadedFile("paragon.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50)

    response = post_document(grantee, grant, file=broken)

    assert response.status_code == 400
    assert "nie da się odczytać jako obrazu" in page_text(response)


def test_document_add_refuses_a_file_over_10_mb(grantee, grant):
    big = SimpleUploadedFile("faktura.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))

    response = post_document(grantee, grant, file=big)

    assert response.status_code == 400
    assert "większy niż 10 MB" in page_text(response)


def test_document_add_accepts_webp(grantee, grant):
    out = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(out, "WEBP")

    response = post_document(
        grantee, grant, file=SimpleUploadedFile("paragon.webp", out.getvalue())
    )

    assert response.status_code == 302
    assert FinancialDocument.objects.get().content_type == "image/webp"


def test_document_photo_gets_a_display_copy_turned_upright_without_metadata(grantee, grant):
    # Orientation 6: the camera was held sideways; the picture is shown turned 90°.
    big = jpeg(size=(3200, 1000), orientation=6)

    post_document(grantee, grant, file=photo(content=big))

    document = FinancialDocument.objects.get()
    with document.file.open("rb") as original:
        assert original.read() == big
    with document.preview.open("rb") as preview_file:
        preview = Image.open(io.BytesIO(preview_file.read()))
        assert preview.format == "JPEG"
        assert preview.size == (500, 1600)
        assert not preview.getexif()


def test_document_pdf_gets_no_display_copy(grant):
    document = recorded(grant)
    assert document.content_type == "application/pdf"
    assert not document.preview


# --- Changing, removing, locking ------------------------------------------------------------


def test_document_change_moves_it_to_another_line(grantee, grant):
    document = recorded(grant, amount="100.00")
    services = lines(grant)[1]
    url = reverse("projects:document_edit", kwargs={"pk": grant.pk, "document_pk": document.pk})
    assert 'value="FV/1"' in grantee.get(url).content.decode()

    response = grantee.post(
        url, form_data(grant, number="FV/1/K", amount="100", line_0=str(services.pk))
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.number == "FV/1/K"
    assert [a.budget_line_id for a in document.allocations.all()] == [services.pk]


def test_document_remove_stops_it_counting_and_keeps_it(grantee, grant):
    document = recorded(grant, amount="400.00")
    url = reverse("projects:document_remove", kwargs={"pk": grant.pk, "document_pk": document.pk})

    assert grantee.post(url).status_code == 302

    document.refresh_from_db()
    assert document.removed_at is not None
    assert grant_spending(grant).spent_from_grant == Decimal("0")
    page = page_text(grantee.get(reverse("projects:grant", kwargs={"pk": grant.pk})))
    assert f'data-document="{document.pk}"' not in page
    assert "Dokument FV/1 usunięty: już się nie liczy." in page


@pytest.mark.parametrize(
    ("states", "editable"),
    [
        ([], True),
        ([ReportState.SUBMITTED], False),
        ([ReportState.SUBMITTED, ReportState.CORRECTIONS], True),
        ([ReportState.SUBMITTED, ReportState.ACCEPTED], False),
    ],
)
def test_documents_are_locked_once_the_final_report_is_submitted(grantee, grant, states, editable):
    document = recorded(grant)
    report = Report.objects.create(grant=grant, kind=ReportKind.FINAL)
    for state in states:
        report = report_transition(report, state, by=None, note="Popraw faktury.")
    edit = reverse("projects:document_edit", kwargs={"pk": grant.pk, "document_pk": document.pk})

    add = post_document(grantee, grant, file=pdf(), number="NOWY/1")
    changed = grantee.post(edit, form_data(grant, number="ZMIENIONY"))
    removed = grantee.post(
        reverse("projects:document_remove", kwargs={"pk": grant.pk, "document_pk": document.pk})
    )

    document.refresh_from_db()
    assert FinancialDocument.objects.filter(number="NOWY/1").exists() == editable
    assert (document.number == "ZMIENIONY") == editable
    assert (document.removed_at is not None) == editable
    assert add.status_code == changed.status_code == removed.status_code == 302
    page = page_text(grantee.get(reverse("projects:grant", kwargs={"pk": grant.pk})))
    assert ("Dodaj paragon lub fakturę" in page) == editable


def test_documents_are_locked_when_the_grant_is_not_under_way(grantee):
    signed = grant_at("payment_due")
    grantee.force_login(signed.application.applicant)

    response = grantee.get(add_url(signed))

    assert response.status_code == 302
    assert not FinancialDocument.objects.exists()


# --- The panel ------------------------------------------------------------------------------


def test_panel_shows_the_sentence_filled_in_and_a_line_over_the_tolerance(grantee, grant):
    CallGrantTerms.objects.create(
        call=grant.call,
        line_tolerance_percent=Decimal("10"),
        document_sentence="Opłacono z programu {programme}, kwota {amount} zł, umowa {number}.",
    )
    recorded(grant, amount="1700.00")  # materials planned at 1,500 zł: 10 % allows 1,650 zł

    page = page_text(grantee.get(reverse("projects:grant", kwargs={"pk": grant.pk})))

    agreement = grant.agreements.get()
    assert (
        f"Opłacono z programu {grant.call.programme}, kwota "
        f'<span class="nowrap">3 000,00</span> zł, umowa '
        f'<span class="nowrap">{agreement.number}</span>.'
    ) in page
    assert "„Sadzonki i ziemia” kosztuje już 1 700,00 zł: o ponad 10% więcej" in page
    assert "Ponad dozwolony limit" in page
    assert "Poproś koordynatora o aneks" in page
    assert "200,00 zł ponad plan" in page
    assert 'aria-valuetext="wydano 113%"' in page


def test_coordinator_sees_the_panel_and_downloads_the_file(client, grant):
    document = recorded(grant, amount="250.00")
    client.force_login(CoordinatorFactory())

    page = page_text(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))
    file = client.get(
        reverse(
            "projects_manage:document_file", kwargs={"pk": grant.pk, "document_pk": document.pk}
        )
    )

    documents = page_text(client.get(reverse("projects_manage:documents", kwargs={"pk": grant.pk})))
    assert "250,00 zł z 1 500,00 zł" in page
    assert "FV/1" in page
    assert "Faktura FV/1" in documents and "Hurtownia" in documents
    assert file.status_code == 200
    assert b"".join(file.streaming_content).startswith(b"%PDF-")
    assert file["Content-Disposition"].startswith("attachment")


def test_grantee_downloads_their_file_and_another_grantee_gets_404(client, grant):
    document = recorded(grant)
    url = reverse("projects:document_file", kwargs={"pk": grant.pk, "document_pk": document.pk})
    client.force_login(grant.application.applicant)
    assert client.get(url).status_code == 200
    other = grant_at("active")
    client.force_login(other.application.applicant)
    assert client.get(url).status_code == 404
    # Nor through their own grant's address.
    sneaky = reverse("projects:document_file", kwargs={"pk": other.pk, "document_pk": document.pk})
    assert client.get(sneaky).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def _many_documents(grant, count):
    materials, services = lines(grant)
    documents = FinancialDocument.objects.bulk_create(
        FinancialDocument(
            grant=grant,
            number=f"FV/{i}",
            issued_on=timezone.localdate(),
            issuer_name="Sklep",
            amount=Decimal("2.00"),
            description="drobne",
            file=f"grants/{grant.pk}/documents/{i}.pdf",
            extension=".pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
        )
        for i in range(count)
    )
    DocumentAllocation.objects.bulk_create(
        DocumentAllocation(document=d, budget_line=line, from_grant=Decimal("1.00"))
        for d in documents
        for line in (materials, services)
    )


@pytest.mark.parametrize("viewer", ["grantee", "coordinator"])
def test_grant_page_queries_stay_fixed_with_1_and_200_documents(
    client, grant, viewer, django_assert_max_num_queries
):
    if viewer == "grantee":
        client.force_login(grant.application.applicant)
        url = reverse("projects:grant", kwargs={"pk": grant.pk})
    else:
        client.force_login(CoordinatorFactory())
        url = reverse("projects_manage:grant", kwargs={"pk": grant.pk})
    _many_documents(grant, 1)
    client.get(url)  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _many_documents(grant, 199)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)

    page = page_text(response)
    assert "Wszystkie 200 dokumentów" in page
    assert page.count("data-document=") == 10


def test_documents_page_lists_50_a_page_with_fixed_queries(
    client, grant, django_assert_max_num_queries
):
    client.force_login(grant.application.applicant)
    url = reverse("projects:documents", kwargs={"pk": grant.pk})
    _many_documents(grant, 1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _many_documents(grant, 120)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url + "?page=3")

    assert page_text(response).count("data-document=") == 21


# --- The call's terms -----------------------------------------------------------------------


def test_terms_form_saves_the_line_tolerance(client, grant):
    from projects.tests.test_agreement_pages import terms_post

    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:terms", kwargs={"pk": grant.call_id})
    page = page_text(client.get(url))
    assert "Pozycja budżetu może wzrosnąć bez zgody o (procent)" in page

    response = client.post(url, terms_post(line_tolerance_percent="15"))

    assert response.status_code == 302
    assert CallGrantTerms.objects.get(call=grant.call).line_tolerance_percent == Decimal("15")
    recorded(grant, amount="1700.00")  # 1,500 zł planned: 15 % allows 1,725 zł
    assert grant_spending(grant).breaches == []


# --- My data --------------------------------------------------------------------------------


def test_my_data_export_lists_the_grantees_documents(grantee, grant):
    import json
    import zipfile

    recorded(grant, amount="120.00", number="FV/7/2027")

    response = grantee.post(reverse("privacy:export"))

    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    (exported,) = data["grants"]["grants"]
    (document,) = exported["financial_documents"]
    assert document["number"] == "FV/7/2027"
    assert document["amount"] == "120.00"
    assert document["budget_lines"] == [
        {"item": "Sadzonki i ziemia", "from_grant": "120.00", "own_contribution": "0.00"}
    ]


def test_account_delete_keeps_the_documents_and_their_files(grantee, grant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = grant.application.applicant
    person.full_name = "Zofia Zielińska"
    person.save()
    document = recorded(grant, amount="120.00")
    FinancialDocument.objects.filter(pk=document.pk).update(
        description="Zofia Zielińska kupiła ziemię"
    )
    assert "dokumenty księgowe trzeba przechowywać" in page_text(
        grantee.get(reverse("privacy:delete"))
    )

    response = grantee.post(reverse("privacy:delete"), {"email": person.email})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.amount == Decimal("120.00")
    assert "Zofia Zielińska" not in document.description
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")


def test_housekeeping_deletes_files_kept_for_a_form_after_a_day(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.signals import housekeeping_ran

    settings.MEDIA_ROOT = tmp_path
    old_day = (timezone.now() - timedelta(days=2)).strftime("%Y%m%d")
    today = timezone.now().strftime("%Y%m%d")
    old = default_storage.save(f"spending-pending/{old_day}/a.jpg", ContentFile(b"x"))
    fresh = default_storage.save(f"spending-pending/{today}/b.jpg", ContentFile(b"x"))

    housekeeping_ran.send_robust(sender=None)

    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)

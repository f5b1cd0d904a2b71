"""A grant's archive for the retention: one ZIP with every document, reviews anonymised, a
manifest of checksums; only coordinators get it."""

import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from decisions.models import DecisionLetter
from projects.enums import (
    AgreementState,
    AmendmentKind,
    AmendmentState,
    ReportKind,
    ReportState,
    SettlementState,
)
from projects.models import Amendment, FinancialDocument, Report, Settlement
from projects.tests.factories import active_grant
from projects.tests.outcome_rows import add_photo
from projects.tests.progress_rows import add_agreement
from reviews.models import Review

pytestmark = pytest.mark.django_db

RECEIPT = b"%PDF-1.7\n% paragon za sadzonki\n%%EOF\n"


def _pdf(text: str) -> ContentFile:
    return ContentFile(f"%PDF-1.7\n% {text}\n%%EOF\n".encode())


def _add_issued_documents(grant, report) -> None:
    """The letter, an annex and a settlement as PDFs (their own helpers build the real ones)."""
    letter = DecisionLetter(
        decision=grant.decision,
        number=f"{grant.reference_number}/D",
        language="pl",
        kind="award",
        sha256="0" * 64,
        size=30,
    )
    letter.pdf.save("letter.pdf", _pdf("list"), save=False)
    letter.save()
    amendment = Amendment(
        grant=grant,
        state=AmendmentState.APPROVED,
        kinds=[AmendmentKind.EXTENSION],
        justification="Deszcz opóźnił sadzenie.",
        annex_version=1,
        number=f"{grant.reference_number}/A1",
    )
    amendment.pdf.save("annex.pdf", _pdf("aneks"), save=False)
    amendment.save()
    settlement = Settlement(
        grant=grant,
        report=report,
        version=1,
        number=f"{grant.reference_number}/R1",
        state=SettlementState.BALANCED,
        awarded=grant.amount,
        spent_from_grant=grant.amount,
        eligible=grant.amount,
        paid_before=grant.amount,
    )
    settlement.pdf.save("settlement.pdf", _pdf("rozliczenie"), save=False)
    settlement.save()


@pytest.fixture
def grant():
    """A grant under way (versions, a review, letters, the agreement) with a final report and
    two photos, and a receipt."""
    grant = active_grant()
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        state=ReportState.SUBMITTED,
        summary="Posadziliśmy drzewa.",
        story="Historia dla wszystkich.",
        participants=30,
    )
    add_photo(report, caption="Sadzenie", consent=True)
    add_agreement(grant, AgreementState.SIGNED)
    _add_issued_documents(grant, report)
    add_photo(report, caption="Bez zgody", consent=False)
    document = FinancialDocument(
        grant=grant,
        number="FV/12/2027",
        issued_on=date(2027, 5, 3),
        issuer_name="Szkółka Lipa sp. z o.o.",
        amount=Decimal("450.00"),
        description="Sadzonki lip",
        extension=".pdf",
        original_name="faktura.pdf",
        content_type="application/pdf",
        size=len(RECEIPT),
        sha256=hashlib.sha256(RECEIPT).hexdigest(),
    )
    document.file.save("faktura.pdf", ContentFile(RECEIPT), save=False)
    document.save()
    return grant


def _archive(client, grant) -> zipfile.ZipFile:
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("projects_manage:archive", kwargs={"pk": grant.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_archive_holds_every_part_of_the_grant(client, grant):
    names = set(_archive(client, grant).namelist())

    assert "grant.json" in names
    assert any(n.startswith("application/version-1.") for n in names)
    assert "reviews/reviews.json" in names
    assert any(n.startswith("decision/") and n.endswith("-v1.pdf") for n in names)
    assert any(n.startswith("agreement/") and n.endswith("-U1.pdf") for n in names)
    assert any(n.startswith("amendments/") and n.endswith("-A1.pdf") for n in names)
    assert "amendments/amendments.json" in names
    assert any(n.startswith("settlement/") and n.endswith("-R1.pdf") for n in names)
    assert "reports/final.json" in names
    assert len([n for n in names if n.startswith("reports/final-photos/")]) == 2
    assert "documents/index.csv" in names
    assert any(n.startswith("documents/") and n.endswith("FV-12-2027.pdf") for n in names)
    assert "manifest-sha256.txt" in names


def test_archive_keeps_the_receipt_as_uploaded_and_lists_it_in_the_index(client, grant):
    archive = _archive(client, grant)

    receipt = next(n for n in archive.namelist() if n.endswith("FV-12-2027.pdf"))
    assert archive.read(receipt) == RECEIPT
    index = archive.read("documents/index.csv").decode("utf-8-sig")
    assert "FV/12/2027" in index and "Szkółka Lipa sp. z o.o." in index and "450.00" in index


def test_archive_manifest_gives_each_files_checksum(client, grant):
    archive = _archive(client, grant)

    lines = archive.read("manifest-sha256.txt").decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines if not line.startswith("#"))
    assert set(listed) == set(archive.namelist()) - {"manifest-sha256.txt"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name


def test_archive_anonymises_the_reviews(client, grant):
    review = Review.objects.select_related("assignment__reviewer").get(
        assignment__application=grant.application
    )
    reviewer = review.assignment.reviewer

    archive = _archive(client, grant)

    reviews = archive.read("reviews/reviews.json").decode()
    assert '"reviewer": "Reviewer 1"' in reviews
    for name in archive.namelist():
        text = archive.read(name)
        assert reviewer.email.encode() not in text, name
        assert reviewer.full_name.encode() not in text, name


def test_archive_is_refused_to_everyone_but_coordinators(client, grant):
    url = reverse("projects_manage:archive", kwargs={"pk": grant.pk})
    reviewer = Review.objects.get(assignment__application=grant.application).assignment.reviewer

    assert "/accounts/login/" in client.get(url)["Location"]
    for person in (grant.application.applicant, reviewer, UserFactory()):
        client.force_login(person)
        assert client.get(url).status_code in (403, 404)


def test_archive_button_is_on_the_coordinators_grant_page(client, grant):
    client.force_login(CoordinatorFactory())

    page = client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})).content.decode()

    assert reverse("projects_manage:archive", kwargs={"pk": grant.pk}) in page
    assert "Pobierz archiwum grantu (ZIP)" in page

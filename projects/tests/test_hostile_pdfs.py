"""Hostile "electronically signed" PDFs: pyHanko parses whatever a grantee uploads, so the check
runs in a child process bounded in time and memory, and refuses what it can't finish."""

import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from projects.models import Signature, SignedDocument
from projects.selectors import call_terms
from projects.signatories import signatories_replace
from projects.test_certificates import pdf_sign, test_signer_create
from projects.tests.factories import accepted_grant
from projects.tests.signing_helpers import agreement_issue, agreement_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def signer():
    return test_signer_create("Anna Kowalska")


@pytest.fixture
def sent(client):
    grant = accepted_grant(date_of_birth="1999-05-01")
    signatories_replace(grant=grant, terms=call_terms(grant.call), people=[], by=None)
    agreement = agreement_issue(grant)
    client.force_login(grant.application.applicant)
    return grant, agreement


def _upload(client, grant, data: bytes):
    response = client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "electronic"}),
        {"file": SimpleUploadedFile("umowa-podpisana.pdf", data, "application/pdf")},
    )
    return response, " ".join(response.content.decode().split())


def _append_update(base: bytes, objects: dict[int, bytes], *, root: int = 1) -> bytes:
    """`base` with an incremental update (a classic cross-reference table) adding `objects`."""
    prev = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    size = max(int(m) for m in re.findall(rb"/Size (\d+)", base))
    out = bytearray(base + b"\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        max(size, max(offsets) + 1),
        root,
        prev,
        xref,
    )
    return bytes(out)


def _nothing_signed(agreement):
    assert not SignedDocument.objects.filter(agreement=agreement).exists()
    assert not Signature.objects.filter(agreement=agreement).exists()


@override_settings(SIGNED_PDF_CHECK_MEMORY_MB=200, SIGNED_PDF_CHECK_TIMEOUT=30)
def test_pades_check_compressed_cross_reference_bomb_is_refused(client, sent, signer):
    # Before: a 200 KB upload whose cross-reference stream expands to 200 MB made the web
    # process grow past 7 GB for more than ten minutes.
    grant, agreement = sent
    signed = pdf_sign(agreement_pdf(agreement), signer=signer)
    prev = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    entries = 50_000_000
    packed = zlib.compress(b"\x00" * (4 * entries), 9)
    bomb = bytearray(signed + b"\n")
    start = len(bomb)
    bomb += (
        b"99 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R /Prev %d "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (entries, prev, len(packed))
    )
    bomb += packed + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    assert len(bomb) < 1024 * 1024

    response, page = _upload(client, grant, bytes(bomb))

    assert response.status_code == 400
    assert (
        "Nie udało się odczytać tego pliku PDF." in page
        or "Ten plik PDF jest zbyt złożony, żeby go sprawdzić." in page
    )
    _nothing_signed(agreement)


def test_pades_check_file_with_more_signatures_than_an_agreement_has_is_refused(
    client, sent, signer
):
    # Before: 60 signatures in 400 KB took 36 s of the web process (each signature is checked
    # against every later revision), and 20 MB fits thousands.
    grant, agreement = sent
    data = agreement_pdf(agreement)
    for n in range(11):
        data = pdf_sign(data, signer=signer, field_name=f"Podpis{n}")

    response, page = _upload(client, grant, data)

    assert response.status_code == 400
    assert "Ten plik PDF ma więcej niż 10 podpisów" in page
    _nothing_signed(agreement)


@override_settings(SIGNED_PDF_CHECK_TIMEOUT=1)
def test_pades_check_that_runs_too_long_is_stopped_and_refused(client, sent, signer):
    # 200,000 objects in the revision after the signature: pyHanko's difference analysis takes
    # over ten seconds (and 130 MB); the check stops at its time limit.
    grant, agreement = sent
    signed = pdf_sign(agreement_pdf(agreement), signer=signer)
    objects = {1000 + n: b"<< /A %d >>" % n for n in range(200_000)}
    data = _append_update(signed, objects)

    response, page = _upload(client, grant, data)

    assert response.status_code == 400
    assert "Ten plik PDF jest zbyt złożony, żeby go sprawdzić." in page
    _nothing_signed(agreement)


def test_pades_check_deeply_nested_object_is_refused_cleanly(client, sent, signer):
    grant, agreement = sent
    signed = pdf_sign(agreement_pdf(agreement), signer=signer)
    deep = b"[" * 100_000 + b"]" * 100_000
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 9 0 R /Deep 999 0 R >>"
    data = _append_update(signed, {1: catalog, 999: deep})

    response, _page = _upload(client, grant, data)

    assert response.status_code == 400
    _nothing_signed(agreement)

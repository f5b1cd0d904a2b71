"""Electronically signed agreements (PAdES), checked with pyHanko on upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from projects.enums import SignedDocumentState, SigningMethod
from projects.models import Signature
from projects.selectors import call_terms
from projects.signatories import signatories_replace
from projects.test_certificates import pdf_sign, simple_pdf, test_signer_create
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


def _page(response) -> str:
    return " ".join(response.content.decode().split())


def _upload(client, grant, data: bytes):
    return client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "electronic"}),
        {"file": SimpleUploadedFile("umowa-podpisana.pdf", data, "application/pdf")},
    )


def test_pades_valid_signature_on_the_issued_agreement_is_accepted_with_the_signers_name(
    client, sent, signer
):
    grant, agreement = sent

    response = _upload(client, grant, pdf_sign(agreement_pdf(agreement), signer=signer))

    assert response.status_code == 302
    document = agreement.signed_documents.get()
    assert document.state == SignedDocumentState.ACCEPTED
    assert Signature.objects.get().method == SigningMethod.ELECTRONIC
    page = _page(client.get(grant.get_absolute_url()))
    assert "Podpisane elektronicznie przez: Anna Kowalska" in page
    # Honest about trust: no trust roots are configured.
    assert "Certyfikatów nie sprawdzono z listą zaufanych wystawców" in page
    client.force_login(CoordinatorFactory())
    assert "Złóż kontrasygnatę" in _page(
        client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    )


def test_pades_chain_to_a_configured_trust_root_is_reported_trusted(
    client, sent, signer, settings, tmp_path
):
    grant, agreement = sent
    root = tmp_path / "root.pem"
    root.write_bytes(signer.ca_pem)
    settings.SIGNATURE_TRUST_ROOTS = [str(root)]

    _upload(client, grant, pdf_sign(agreement_pdf(agreement), signer=signer))

    page = _page(client.get(grant.get_absolute_url()))
    assert "Anna Kowalska (certyfikat od zaufanego wystawcy)" in page


def test_pades_chain_to_a_test_root_is_shown_as_a_test_certificate_never_trusted(
    client, sent, signer, settings, tmp_path
):
    grant, agreement = sent
    root = tmp_path / "demo-ca.pem"
    root.write_bytes(signer.ca_pem)
    settings.SIGNATURE_TEST_ROOTS = [str(root)]

    _upload(client, grant, pdf_sign(agreement_pdf(agreement), signer=signer))

    page = _page(client.get(grant.get_absolute_url()))
    assert "Anna Kowalska (certyfikat testowy (demo))" in page
    assert "zaufanego wystawcy" not in page
    (document,) = agreement.signed_documents.all()
    assert document.verification["signers"][0]["trusted"] is False


def test_pades_tampered_file_is_refused(client, sent, signer):
    grant, agreement = sent
    signed = bytearray(pdf_sign(agreement_pdf(agreement), signer=signer))
    at = signed.index(b"/Rect [ 0 0 0 0 ]", agreement.size) + len(b"/Rect [ ")
    signed[at] = ord("1")  # one byte of the signed part changed, the file still reads

    response = _upload(client, grant, bytes(signed))

    assert response.status_code == 400
    assert "Podpis w tym pliku jest naruszony" in _page(response)
    assert not agreement.signed_documents.exists()
    assert not Signature.objects.exists()


def test_pades_validly_signed_different_pdf_is_refused(client, sent, signer):
    grant, _agreement = sent
    other = pdf_sign(simple_pdf(f"Umowa {grant.reference_number}/U1 z inna kwota"), signer=signer)

    response = _upload(client, grant, other)

    assert response.status_code == 400
    assert "To nie jest umowa, którą wystawiliśmy" in _page(response)
    assert not Signature.objects.exists()


def test_pades_unsigned_pdf_is_refused(client, sent):
    grant, agreement = sent

    response = _upload(client, grant, agreement_pdf(agreement))

    assert response.status_code == 400
    assert "Ten PDF nie ma podpisu elektronicznego" in _page(response)


def test_pades_changes_appended_after_signing_are_refused(client, sent, signer):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    grant, agreement = sent
    writer = IncrementalPdfFileWriter(BytesIO(pdf_sign(agreement_pdf(agreement), signer=signer)))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 600 Td (Kwota 99999 zl) Tj ET")
    )
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)

    response = _upload(client, grant, out.getvalue())

    assert response.status_code == 400
    assert "nie obejmuje całego dokumentu" in _page(response)


def test_pades_content_changed_in_the_signed_revision_is_refused(client, sent, signer):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    grant, agreement = sent
    # The page is rewritten in an update, and that update is then signed: the signature is
    # intact and covers everything, but what it signs is not the agreement we issued.
    writer = IncrementalPdfFileWriter(BytesIO(agreement_pdf(agreement)))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 600 Td (Kwota 99999 zl) Tj ET")
    )
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)

    response = _upload(client, grant, pdf_sign(out.getvalue(), signer=signer))

    assert response.status_code == 400
    assert "W tym pliku do umowy dodano coś poza podpisami" in _page(response)
    assert not Signature.objects.exists()


def test_pades_signature_on_a_rendered_pdfa_agreement_is_accepted(client, signer):
    # The agreement as issued for real (PDF/A, with XMP metadata that signing programs
    # update), not the one-page stand-in: signed by two board members, one after the other.
    from projects.agreement_issuing import agreement_issue_now as agreement_render_and_issue
    from projects.tests.test_agreements import operator, ready_grant

    operator()
    grant = ready_grant()
    agreement = agreement_render_and_issue(grant=grant, by=CoordinatorFactory())
    client.force_login(grant.application.applicant)
    first = pdf_sign(agreement_pdf(agreement), signer=signer)
    both = pdf_sign(first, signer=test_signer_create("Piotr Sowa"), field_name="Podpis2")

    response = _upload(client, grant, both)

    assert response.status_code == 302
    page = _page(client.get(grant.get_absolute_url()))
    assert "Podpisane elektronicznie przez: Anna Kowalska, Piotr Sowa" in page


XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>WeasyPrint</pdf:Producer>'
    b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def _pdf_with_xmp_metadata() -> bytes:
    """A PDF whose catalog has an XMP metadata stream, as every PDF/A agreement has."""
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(simple_pdf("Umowa PDF/A"))))
    writer.root["/Metadata"] = writer.add_object(
        generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/XML"),
            },
            stream_data=XMP,
        )
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pades_signing_that_updates_the_xmp_metadata_is_accepted(signer):
    # pyHanko (like other signing programs) rewrites the XMP stream of a PDF/A as it signs.
    import hashlib

    from projects.pades import pades_check

    issued = _pdf_with_xmp_metadata()
    signed = pdf_sign(issued, signer=signer)

    report = pades_check(
        signed=signed, issued=issued, issued_sha256=hashlib.sha256(issued).hexdigest()
    )

    assert [found.name for found in report.signers] == ["Anna Kowalska"]

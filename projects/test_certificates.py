"""A "demo test certificate": a throwaway certificate authority and a signer's certificate made
with `cryptography`, and PDFs signed with them by pyHanko (PAdES).

For the tests and the demo only: nothing here is trusted by anyone, and the agreement check
says so (projects.pades reports that the chain reaches no configured trust root, unless the
test configures this CA as one).
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore


@dataclass(frozen=True)
class TestSigner:
    """A signer's certificate (issued by a throwaway CA) and its key."""

    name: str
    ca_certificate: x509.Certificate
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate as PEM, e.g. for settings.SIGNATURE_TRUST_ROOTS in a test."""
        return self.ca_certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mikrogranty demo (not trusted)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def test_signer_create(name: str = "Jan Testowy") -> TestSigner:
    """A new CA and a certificate for `name` signed by it, valid from yesterday for a year."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Mikrogranty demo test CA")
    ca_certificate = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: what signing a document needs
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return TestSigner(name=name, ca_certificate=ca_certificate, certificate=certificate, key=key)


# Not a test for pytest to collect, whatever its name says.
test_signer_create.__test__ = False
TestSigner.__test__ = False


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def pdf_sign(pdf: bytes, *, signer: TestSigner, field_name: str = "") -> bytes:
    """`pdf` with a PAdES signature by `signer` appended as an incremental update (the bytes
    of `pdf` stay the file's first part, as with any real signing program)."""
    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pdf_signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(signer.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(signer.ca_certificate)]),
    )
    out = BytesIO()

    def sign() -> None:
        signers.sign_pdf(
            IncrementalPdfFileWriter(BytesIO(pdf), strict=False),
            signers.PdfSignatureMetadata(
                field_name=field_name or f"Signature-{signer.certificate.serial_number % 10**8}",
                subfilter=fields.SigSeedSubFilter.PADES,
            ),
            signer=pdf_signer,
            output=out,
        )

    # pyHanko signs with asyncio.run(), which refuses to run inside a running event loop (a
    # browser test's, loading the demo): then it signs in a thread of its own.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        sign()
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(sign).result()
    return out.getvalue()


def simple_pdf(text: str = "Umowa") -> bytes:
    """A small valid one-page PDF showing `text` (ASCII), written by pyHanko's writer."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    safe = text.encode("ascii", "replace").replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 720 Td (" + safe + b") Tj ET")
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/F1"): font}
                    )
                }
            ),
            generic.pdf_name("/Contents"): writer.add_object(stream),
        }
    )
    writer.insert_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

"""Checking an electronically signed agreement (PAdES: a qualified signature or the Polish trusted
profile) with pyHanko: every signature intact and covering the document, the signers' names,
and that what was signed is the agreement that was issued, byte for byte.

Trust in the signers' certificates is reported, never assumed: a chain is "trusted" only when
it reaches a root the operator configured (settings.SIGNATURE_TRUST_ROOTS, PEM files); nothing
here claims a signature is qualified, which needs the EU trusted lists we don't consult. A chain
reaching a test authority (settings.SIGNATURE_TEST_ROOTS, e.g. the demo's) is reported as a
test certificate, never as trusted.
"""

import hashlib
import os
import pickle
import resource
import selectors
import signal
import struct
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

# The check runs in a child process bounded in time and memory: pyHanko parses whatever the
# grantee uploads, and a small hostile PDF can make it work for hours (hundreds of signatures,
# each checked against every later revision) or grow by gigabytes (a compressed cross-reference
# stream that expands to millions of entries). An agreement has a handful of signatories.
MAX_SIGNATURES = 10
_ANSWER = struct.Struct("!I")


class SignedPdfRefused(Exception):
    """The uploaded file is not a valid signature of the issued agreement; `message` says why
    in words for the grantee."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SignerFound:
    name: str
    trusted: bool
    signed_at: str = ""
    # The chain reaches a test authority (SIGNATURE_TEST_ROOTS): a test certificate, not trusted.
    test_certificate: bool = False


@dataclass(frozen=True)
class PadesReport:
    """What the check found in an accepted file: who signed and whether we trust their chains."""

    signers: list[SignerFound] = field(default_factory=list)
    trust_roots_configured: bool = False

    @property
    def all_trusted(self) -> bool:
        return bool(self.signers) and all(signer.trusted for signer in self.signers)

    def as_json(self) -> dict:
        return {
            "signers": [
                {
                    "name": s.name,
                    "trusted": s.trusted,
                    "signed_at": s.signed_at,
                    "test_certificate": s.test_certificate,
                }
                for s in self.signers
            ],
            "trust_roots_configured": self.trust_roots_configured,
        }


def _trust_roots() -> list[asn1_x509.Certificate]:
    return _certificates_in(getattr(settings, "SIGNATURE_TRUST_ROOTS", ()))


def _test_roots() -> list[asn1_x509.Certificate]:
    return _certificates_in(getattr(settings, "SIGNATURE_TEST_ROOTS", ()))


def _certificates_in(paths) -> list[asn1_x509.Certificate]:
    roots = []
    for path in paths or ():
        data = Path(path).read_bytes()
        blocks = pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]
        roots += [asn1_x509.Certificate.load(der) for _type, _headers, der in blocks]
    return roots


def _signer_name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    name = subject.get("common_name") or " ".join(
        part for part in (subject.get("given_name"), subject.get("surname")) if part
    )
    return name or certificate.subject.human_friendly


# Keys a signing program adds or changes on existing objects: the form that holds signature
# fields (catalog), the page's widgets, signature permissions and validation data, and the
# document's metadata (PDF version, XMP): none of them changes what the agreement says.
SIGNING_KEYS = frozenset(
    {"/AcroForm", "/Annots", "/Perms", "/DSS", "/Extensions", "/Version", "/Metadata"}
)


def _is_signature_widget(annotation) -> bool:
    field = annotation
    while isinstance(field, generic.DictionaryObject):
        if field.get("/FT") == "/Sig":
            return annotation.get("/Subtype") == "/Widget"
        field = field.get("/Parent")
    return False


def _is_xmp_metadata(old, new) -> bool:
    """Both versions are an XMP metadata stream (/Type /Metadata /Subtype /XML): a signing
    program rewrites the issued PDF/A's metadata (pyHanko adds itself as the producer); it is
    never drawn on a page."""
    return all(
        isinstance(stream, generic.StreamObject)
        and stream.get("/Type") == "/Metadata"
        and stream.get("/Subtype") == "/XML"
        for stream in (old, new)
    )


def _annotation_refs(page: generic.DictionaryObject) -> list:
    annotations = page.get("/Annots")
    if not isinstance(annotations, generic.ArrayObject):
        return []
    return [list.__getitem__(annotations, i) for i in range(len(annotations))]


def _first_signature_problem(reader, issued_revisions: int, signed_revision: int) -> str:
    """Why the revision carrying the first signature changes more than signatures, or ""."""
    if signed_revision != issued_revisions:
        return _("Something besides signatures was added to the agreement in this file.")
    before = reader.get_historical_resolver(issued_revisions - 1)
    after = reader.get_historical_resolver(signed_revision)
    # The document information dictionary (producer, modification date) is metadata only, and
    # so is the catalog's XMP stream (a PDF/A agreement has one; signing programs update it).
    info = before.trailer_view.raw_get("/Info") if "/Info" in before.trailer_view else None
    for ref in reader.xrefs.explicit_refs_in_revision(signed_revision):
        if reader.xrefs.get_introducing_revision(ref) >= issued_revisions:
            continue  # a new object: reachable only through the keys checked below
        if isinstance(info, generic.IndirectObject) and info.reference == ref:
            continue
        old = before.get_object(ref)
        new = after.get_object(ref)
        if _is_xmp_metadata(old, new):
            continue
        if isinstance(old, generic.StreamObject) or not isinstance(old, generic.DictionaryObject):
            return _("The agreement's content was changed in this file.")
        if not isinstance(new, generic.DictionaryObject) or isinstance(new, generic.StreamObject):
            return _("The agreement's content was changed in this file.")
        for key in (set(old) | set(new)) - SIGNING_KEYS:
            if old.get(key) != new.get(key):
                return _("The agreement's content was changed in this file.")
        known = set(_annotation_refs(old))
        for annotation in _annotation_refs(new):
            if annotation not in known and not _is_signature_widget(annotation.get_object()):
                return _("Something besides signatures was added to the agreement in this file.")
    return ""


def pades_check(
    *,
    signed: bytes,
    issued: bytes,
    issued_sha256: str,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> PadesReport:
    """Check `signed` as _pades_check_here does, in a child process that may take at most
    `timeout` seconds (settings.SIGNED_PDF_CHECK_TIMEOUT) and `memory_mb` more memory
    (settings.SIGNED_PDF_CHECK_MEMORY_MB); beyond either the file is refused."""
    timeout = settings.SIGNED_PDF_CHECK_TIMEOUT if timeout is None else timeout
    memory_mb = settings.SIGNED_PDF_CHECK_MEMORY_MB if memory_mb is None else memory_mb
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, answer, and leave without running the parent's exit code
        status = 0
        try:
            os.close(read_fd)
            _limit_child(memory_mb=memory_mb, seconds=timeout)
            try:
                answer = (
                    "ok",
                    _pades_check_here(signed=signed, issued=issued, issued_sha256=issued_sha256),
                )
            except SignedPdfRefused as refused:
                answer = ("refused", refused.message)
            except BaseException:  # MemoryError, RecursionError, anything pyHanko raises
                answer = ("refused", str(_("We couldn't read this PDF file.")))
            data = pickle.dumps(answer)
            view = memoryview(_ANSWER.pack(len(data)) + data)
            while view:
                view = view[os.write(write_fd, view) :]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        data = _child_answer(pid, read_fd, timeout=timeout)
    finally:
        os.close(read_fd)
    if data is None:
        raise SignedPdfRefused(
            _(
                "This PDF is too complex to check. Upload the agreement as your signing "
                "program saved it, signed by the people named in it."
            )
        )
    kind, value = pickle.loads(data)  # noqa: S301 (our own child's answer, through our pipe)
    if kind == "refused":
        raise SignedPdfRefused(value)
    return value


def _limit_child(*, memory_mb: int, seconds: float) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        mapped = None
    if mapped is not None and memory_mb:
        limit = mapped + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + seconds) + 2  # a backstop, should the parent die
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


def _child_answer(pid: int, read_fd: int, *, timeout: float) -> bytes | None:
    """The child's pickled answer, or None if it died or ran out of time (then it is killed).
    Reads by length, not to end-of-file: a process forked meanwhile may hold the pipe open."""
    deadline = time.monotonic() + timeout
    buffer = bytearray()
    os.set_blocking(read_fd, False)
    exited = False
    with selectors.DefaultSelector() as selector:
        selector.register(read_fd, selectors.EVENT_READ)
        while True:
            while True:
                try:
                    chunk = os.read(read_fd, 1 << 16)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                buffer += chunk
            if len(buffer) >= _ANSWER.size:
                size = _ANSWER.unpack_from(buffer)[0]
                if len(buffer) >= _ANSWER.size + size:
                    if not exited:
                        os.waitpid(pid, 0)
                    return bytes(buffer[_ANSWER.size : _ANSWER.size + size])
            if exited:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
            selector.select(timeout=min(remaining, 0.05))
            exited = os.waitpid(pid, os.WNOHANG)[0] != 0


def _pades_check_here(*, signed: bytes, issued: bytes, issued_sha256: str) -> PadesReport:
    """Check that `signed` is the issued agreement (`issued`, whose SHA-256 is `issued_sha256`)
    with one or more valid PAdES signatures covering it; raise SignedPdfRefused otherwise."""
    # The issued agreement must be the signed file's beginning, byte for byte. Every signing
    # program (pyHanko, Adobe, Szafir, the trusted profile's signer) adds a signature as an
    # incremental update appended to the file, leaving the bytes before it untouched, so this
    # is exact: a re-saved, re-rendered or different PDF fails it, even if it looks the same.
    # What follows those bytes is held to "signatures only": pyHanko's difference analysis
    # checks everything after each signature's own revision (form filling and signatures
    # at most), and _first_signature_problem() the revision that carries the first signature,
    # which pyHanko doesn't compare with what came before (a signing program may add a new
    # page or a visible note in the same update as its signature).
    if signed == issued:
        raise SignedPdfRefused(
            _("This PDF has no electronic signature. Sign it and upload the signed file.")
        )
    if len(signed) < len(issued) or hashlib.sha256(signed[: len(issued)]).hexdigest() != (
        issued_sha256
    ):
        raise SignedPdfRefused(
            _(
                "This file is not the agreement we issued: sign the PDF you downloaded from "
                "Mikrogranty, without saving it again or changing it first."
            )
        )
    try:
        issued_revisions = PdfFileReader(BytesIO(issued), strict=False).xrefs.total_revisions
        reader = PdfFileReader(BytesIO(signed), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError) as error:
        raise SignedPdfRefused(_("We couldn't read this PDF file.")) from error
    if not embedded:
        raise SignedPdfRefused(
            _("This PDF has no electronic signature. Sign it and upload the signed file.")
        )
    if len(embedded) > MAX_SIGNATURES:
        raise SignedPdfRefused(
            _("This PDF has more than %(count)s signatures; an agreement has far fewer.")
            % {"count": MAX_SIGNATURES}
        )
    roots = _trust_roots()
    test_roots = _test_roots()
    test_fingerprints = {root.sha256 for root in test_roots}
    signers = []
    for signature in embedded:
        if signature.signed_revision < issued_revisions:
            raise SignedPdfRefused(_("A signature in this file was made before our agreement."))
        context = ValidationContext(trust_roots=roots + test_roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception as error:
            raise SignedPdfRefused(_("A signature in this file could not be checked.")) from error
        if not (status.intact and status.valid):
            raise SignedPdfRefused(
                _(
                    "A signature in this file is broken: the document was changed after it "
                    "was signed."
                )
            )
        level = status.modification_level
        if status.coverage < SignatureCoverageLevel.ENTIRE_REVISION or (
            level is None or level > ModificationLevel.FORM_FILLING
        ):
            raise SignedPdfRefused(
                _(
                    "A signature in this file doesn't cover the whole document: something was "
                    "added or changed after signing."
                )
            )
        anchor = status.validation_path.trust_anchor if status.trusted else None
        anchor_certificate = getattr(anchor, "certificate", None)
        test_certificate = (
            anchor_certificate is not None and anchor_certificate.sha256 in test_fingerprints
        )
        signers.append(
            SignerFound(
                name=_signer_name(status.signing_cert),
                trusted=bool(roots) and status.trusted and not test_certificate,
                test_certificate=test_certificate,
                signed_at=status.signer_reported_dt.isoformat()
                if status.signer_reported_dt
                else "",
            )
        )
    first_signed = min(signature.signed_revision for signature in embedded)
    problem = _first_signature_problem(reader, issued_revisions, first_signed)
    if problem:
        raise SignedPdfRefused(problem)
    return PadesReport(signers=signers, trust_roots_configured=bool(roots))

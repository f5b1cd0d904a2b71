"""Checking uploaded attachments: type by content (not by name), size, and a safe file name."""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TYPES_LABEL = "PDF, PNG, JPEG, DOCX, ODT, XLSX, ODS"

# (extension, content type) by what the bytes are.
PDF = (".pdf", "application/pdf")
PNG = (".png", "image/png")
JPEG = (".jpg", "image/jpeg")
DOCX = (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = (".odt", "application/vnd.oasis.opendocument.text")
ODS = (".ods", "application/vnd.oasis.opendocument.spreadsheet")

# Extensions the applicant's file name may carry for each detected type.
NAME_EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    ODT: {".odt"},
    ODS: {".ods"},
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _sniff_zip(upload) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == ODT[1]:
                    return ODT
                if mimetype == ODS[1]:
                    return ODS
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def detect_type(upload) -> tuple[str, str] | None:
    """What the file really is, from its first bytes (and, for office files, its ZIP contents)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def safe_file_name(name: str, extension: str) -> str:
    """A file name fit for a Content-Disposition header: letters (Polish too), digits, -_. only."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w\-. ]+", "", stem, flags=re.UNICODE).strip(" .")
    stem = re.sub(r"\s+", "_", stem)[:100] or "zalacznik"
    return f"{stem}{extension}"


def attachment_check(upload, *, max_mb: int) -> CheckedUpload:
    """Check an uploaded file; raise ValidationError with a message for the applicant."""
    name = upload.name or ""
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise ValidationError(
            _(
                "The file name “%(name)s” isn't allowed. Rename the file (letters, digits, dots and dashes) and try again."
            )
            % {"name": name},
            code="bad_name",
        )
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(max)s MB.") % {"name": name, "max": max_mb},
            code="too_big",
        )
    detected = detect_type(upload)
    if detected is None:
        raise ValidationError(
            _("“%(name)s” is not a file type we accept. Allowed: %(types)s.")
            % {"name": name, "types": ALLOWED_TYPES_LABEL},
            code="bad_type",
        )
    given_extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if given_extension not in NAME_EXTENSIONS[detected]:
        raise ValidationError(
            _("“%(name)s” is really a %(kind)s file; its name must end in %(extension)s.")
            % {"name": name, "kind": detected[0][1:].upper(), "extension": detected[0]},
            code="bad_extension",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=safe_file_name(name, given_extension),
        extension=detected[0],
        content_type=detected[1],
        size=upload.size,
        sha256=digest.hexdigest(),
    )

"""Checking uploaded files: type by content (not by name), size, and a safe file name.

In core so that every app can check what it takes in: the applicants' attachments, the grants'
shared documents (call documents sit in grants, before applicants in the pipeline), the later
stages' scans and photos. applicants.uploads still names it for the code that imports it there.
"""

import hashlib
import io
import itertools
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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


# --- Office files are ZIP packages: what we accept inside them ---------------------
#
# DOCX/XLSX (OOXML) and ODT/ODS (ODF) are ZIP archives. A tiny archive can claim,
# or really hold, gigabytes ("a ZIP bomb"), so the check below never decompresses
# more than ZIP_SNIFF_BYTES of any entry and refuses archives no office program
# writes. The numbers are generous for real documents (a 20,000-row workbook has
# 9 entries, each compressed about 10:1) and tiny for what an attacker needs.

# Office packages have tens of entries; a workbook with many sheets or a document
# with many pictures a few hundred.
ZIP_MAX_ENTRIES = 1000
# zipfile reads the whole central directory (one record per entry) in a single
# read of the size the archive declares. No read of the upload may be larger than
# this, so a directory claiming millions of entries is refused before it is loaded.
ZIP_MAX_READ_BYTES = 256 * 1024
# The most we decompress of any one entry: enough for ODF's "mimetype" entry and to
# recognise an archive by its first bytes (a tar header is 512 bytes long).
ZIP_SNIFF_BYTES = 512
# Declared uncompressed size ÷ compressed size. XML compresses about 5–20:1; Apache
# POI, which reads millions of OOXML files, refuses entries inflating more than 100:1.
ZIP_MAX_RATIO = 100
# Below this many declared bytes an entry (or the whole archive) is too small to
# hurt anyone, whatever its ratio: tiny XML parts of empty documents compress well.
ZIP_RATIO_GRACE_BYTES = 1024 * 1024
# What the whole package may declare once unpacked, whatever its ratio.
ZIP_MAX_TOTAL_BYTES = 512 * 1024 * 1024
# Both formats use only these (ECMA-376 Part 2 §8.2.2, ODF 1.2 Part 3 §17.2). They
# matter beyond the standards: zipfile decompresses a bzip2 or LZMA entry without
# any bound on the output, so reading even one byte of a 1 KB bzip2 entry would
# unpack all of its gigabyte.
ZIP_ALLOWED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# A ZIP local file header is at least this long, before the name and extra field.
ZIP_LOCAL_HEADER_BYTES = 30

# A package inside a package. OOXML puts one where it has to: a Word chart keeps its
# data as an embedded workbook (word/embeddings/Microsoft_Excel_Worksheet.xlsx), and
# an embedded spreadsheet or document is stored the same way. Refusing those would
# refuse every document with a chart, so an embedded package there is checked too,
# by the same rules, one level deep: it is read (at most EMBEDDED_PACKAGE_MAX_BYTES,
# whatever it claims) and may not hold another archive. ODF keeps embedded objects as
# folders of the same ZIP ("Object 1/content.xml"), never as nested archives, so an
# ODT/ODS with an archive inside is refused, as is an archive anywhere else.
EMBEDDED_PACKAGE_FOLDERS = ("word/embeddings/", "xl/embeddings/")
EMBEDDED_PACKAGE_MAX_BYTES = 2 * 1024 * 1024
# Entries whose name says "archive" are nested archives whatever their first bytes.
ARCHIVE_EXTENSIONS = {
    ".7z",
    ".apk",
    ".arj",
    ".bz2",
    ".cab",
    ".docm",
    ".docx",
    ".epub",
    ".gz",
    ".jar",
    ".lz",
    ".lzh",
    ".lzma",
    ".odg",
    ".odp",
    ".ods",
    ".odt",
    ".pptm",
    ".pptx",
    ".rar",
    ".tar",
    ".tbz2",
    ".tgz",
    ".txz",
    ".xlsm",
    ".xlsx",
    ".xz",
    ".z",
    ".zip",
    ".zst",
}
# First bytes of compressed archives (ZIP and office packages, gzip, bzip2, xz, 7-Zip,
# RAR, zstd, lzip, cabinet, Unix compress). Compound binary files (the .bin of an
# embedded OLE object) are not among them: they hold no compression to expand.
ARCHIVE_SIGNATURES = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x28\xb5\x2f\xfd",
    b"LZIP",
    b"MSCF",
    b"\x1f\x9d",
)
TAR_MAGIC_OFFSET = 257  # "ustar" in a tar header


# What zipfile (and zlib under it) raise for a damaged or truncated archive.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    struct.error,
)


class UnsafeArchive(Exception):
    """An office file whose ZIP structure we refuse; `code` says why, `entry` where."""

    def __init__(self, code: str, entry: str = ""):
        super().__init__(code, entry)
        self.code = code
        self.entry = entry


class _ReadLimitedFile:
    """A read-only view of a file in which no single read() returns more than `limit` bytes.

    zipfile reads an archive's central directory with one read() of the size the
    archive declares; going through this view, a directory that declares more
    than `limit` bytes raises UnsafeArchive before zipfile holds any of it.
    """

    def __init__(self, file, limit: int):
        self._file = file
        self._limit = limit

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            position = self._file.tell()
            size = self._file.seek(0, io.SEEK_END) - position
            self._file.seek(position)
        if size > self._limit:
            raise UnsafeArchive("too_many_entries")
        return self._file.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def seekable(self) -> bool:
        return True


def _looks_like_archive(name: str, head: bytes) -> bool:
    extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name.rsplit("/", 1)[-1] else ""
    return (
        extension in ARCHIVE_EXTENSIONS
        or head.startswith(ARCHIVE_SIGNATURES)
        or head[TAR_MAGIC_OFFSET : TAR_MAGIC_OFFSET + 5] == b"ustar"
    )


def _check_declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries no office program writes, judged by the sizes the archive declares.

    The declared sizes decide only what is refused: they can lie, so nothing here
    decides how much is read.
    """
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UnsafeArchive("too_many_entries")
    total_size = total_compressed = 0
    for info in infos:
        if info.file_size > ZIP_RATIO_GRACE_BYTES and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise UnsafeArchive("bomb", info.filename)
        if info.flag_bits & 0x1 or info.compress_type not in ZIP_ALLOWED_METHODS:
            raise UnsafeArchive("unreadable", info.filename)
        total_size += info.file_size
        total_compressed += info.compress_size
    if total_size > ZIP_MAX_TOTAL_BYTES or (
        total_size > ZIP_RATIO_GRACE_BYTES and total_size > ZIP_MAX_RATIO * max(total_compressed, 1)
    ):
        raise UnsafeArchive("bomb")
    # Entries that share bytes (one entry's data running over the next one's header)
    # are how the smallest bombs repeat one compressed block many times.
    by_offset = sorted(infos, key=lambda info: info.header_offset)
    for entry, following in itertools.pairwise(by_offset):
        if (
            entry.header_offset + ZIP_LOCAL_HEADER_BYTES + entry.compress_size
            > following.header_offset
        ):
            raise UnsafeArchive("bomb", following.filename)


def _entry_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as entry:
        return entry.read(ZIP_SNIFF_BYTES)


def _embedded_package(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> io.BytesIO:
    """The entry's bytes, read in bounded pieces and never more than EMBEDDED_PACKAGE_MAX_BYTES."""
    content = io.BytesIO()
    with archive.open(info) as entry:
        while chunk := entry.read(64 * 1024):
            content.write(chunk)
            if content.tell() > EMBEDDED_PACKAGE_MAX_BYTES:
                raise UnsafeArchive("nested", info.filename)
    content.seek(0)
    return content


def _open_package(file, *, nested: bool) -> tuple[set[str], bytes | None]:
    """Check a ZIP package; return its entry names and the head of its "mimetype" entry.

    Raises UnsafeArchive for a package we refuse, zipfile.BadZipFile (and the
    other errors of a damaged archive) for one that is not a valid ZIP.
    """
    with zipfile.ZipFile(_ReadLimitedFile(file, ZIP_MAX_READ_BYTES)) as archive:
        infos = archive.infolist()
        _check_declared_sizes(infos)
        names = {info.filename for info in infos}
        is_ooxml = "[Content_Types].xml" in names
        mimetype = None
        for info in infos:
            if info.is_dir():
                continue
            head = _entry_head(archive, info)
            if info.filename == "mimetype":
                mimetype = head
            if not _looks_like_archive(info.filename, head):
                continue
            if nested or not (is_ooxml and info.filename.startswith(EMBEDDED_PACKAGE_FOLDERS)):
                raise UnsafeArchive("nested", info.filename)
            try:
                _open_package(_embedded_package(archive, info), nested=True)
            except UnsafeArchive as refused:
                raise UnsafeArchive(refused.code, info.filename) from refused
            except ARCHIVE_ERRORS as damaged:
                raise UnsafeArchive("nested", info.filename) from damaged
    return names, mimetype


def _sniff_zip(upload) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        names, mimetype = _open_package(upload, nested=False)
    except ARCHIVE_ERRORS:
        return None
    finally:
        upload.seek(0)
    if mimetype is not None:
        declared = mimetype.decode("ascii", "replace").strip()
        if declared == ODT[1]:
            return ODT
        if declared == ODS[1]:
            return ODS
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
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


UNSAFE_ARCHIVE_MESSAGES = {
    "bomb": _lazy(
        "“%(name)s” would unpack to far more data than a document needs, so we can't accept it. "
        "Save it again in your office program, or as PDF, and try again."
    ),
    "too_many_entries": _lazy(
        "“%(name)s” holds more than %(count)s files packed inside, more than a document needs. "
        "Save it as PDF and try again."
    ),
    "nested": _lazy(
        "“%(name)s” has another archive packed inside it (%(entry)s). "
        "Remove the embedded file, or save the document as PDF, and try again."
    ),
    "unreadable": _lazy(
        "“%(name)s” is packed or encrypted in a way office programs don't use, so we can't check it. "
        "Save it again in your office program, or as PDF, and try again."
    ),
}


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
    try:
        detected = detect_type(upload)
    except UnsafeArchive as refused:
        raise ValidationError(
            UNSAFE_ARCHIVE_MESSAGES[refused.code]
            % {"name": name, "entry": refused.entry[:80], "count": ZIP_MAX_ENTRIES},
            code=f"archive_{refused.code}",
        ) from refused
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

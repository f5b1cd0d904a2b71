"""ZIP files written byte by byte, for the upload checks: real office packages and bombs.

zipfile can only write what it compresses itself, and compressing a gigabyte
takes seconds; here an entry's compressed bytes are made once and then placed,
with whatever sizes an attacker cares to declare, into as many archives as a
test needs.
"""

import bz2
import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from openpyxl import Workbook

GIB = 1024**3
MIB = 1024**2
CHUNK = b"\0" * MIB

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Entry:
    """One entry as it sits in the archive: `data` is already compressed by `method`."""

    name: str
    data: bytes
    method: int
    size: int  # the uncompressed size the archive declares
    crc: int
    flags: int = 0

    def declaring(self, size: int) -> "Entry":
        """The same bytes, declaring another uncompressed size (an archive that lies)."""
        return replace(self, size=size)

    def named(self, name: str) -> "Entry":
        return replace(self, name=name)


def stored(name: str, content: bytes) -> Entry:
    return Entry(name, content, zipfile.ZIP_STORED, len(content), zlib.crc32(content))


def deflated(name: str, content: bytes) -> Entry:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as in ZIP
    data = compressor.compress(content) + compressor.flush()
    return Entry(name, data, zipfile.ZIP_DEFLATED, len(content), zlib.crc32(content))


@functools.cache
def _zeros(method: int, size: int) -> tuple[bytes, int]:
    """`size` zero bytes compressed by `method`, and their CRC, made in 1 MiB steps."""
    compressor = (
        bz2.BZ2Compressor(9)
        if method == zipfile.ZIP_BZIP2
        else zlib.compressobj(9, zlib.DEFLATED, -15)
    )
    parts, crc = [], 0
    for _ in range(size // MIB):
        parts.append(compressor.compress(CHUNK))
        crc = zlib.crc32(CHUNK, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def zeros(name: str, size: int, *, method: int = zipfile.ZIP_DEFLATED) -> Entry:
    """An entry that really unpacks to `size` zero bytes (a whole number of MiB)."""
    data, crc = _zeros(method, size)
    return Entry(name, data, method, size, crc)


def crafted_zip(entries: Sequence[Entry], *, offsets: Sequence[int] | None = None) -> bytes:
    """A ZIP of `entries` in that order, with the sizes and CRCs they declare.

    `offsets`, when given, are the local-header offsets the central directory
    claims for each entry (to make entries overlap); otherwise the true ones.
    """
    body = io.BytesIO()
    directory = io.BytesIO()
    true_offsets = []
    # Fields after the signature: version, flags, method, DOS time and date, CRC,
    # compressed and uncompressed size, name length, extra-field length.
    for entry in entries:
        name = entry.name.encode()
        true_offsets.append(body.tell())
        sizes = (entry.crc, len(entry.data), entry.size, len(name), 0)
        header = (20, 0, entry.flags, entry.method, 0, 0x21, *sizes)
        body.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *header))
        body.write(name + entry.data)
    for entry, offset in zip(entries, offsets or true_offsets, strict=True):
        name = entry.name.encode()
        sizes = (entry.crc, len(entry.data), entry.size, len(name), 0)
        # ... then comment length, disk, internal and external attributes, offset.
        record = (20, 3, 20, 0, entry.flags, entry.method, 0, 0x21, *sizes, 0, 0, 0, 0, offset)
        directory.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", *record))
        directory.write(name)
    count = len(entries)
    totals = (0, 0, count, count, directory.tell(), body.tell(), 0)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", *totals)
    return body.getvalue() + directory.getvalue() + end


# --- packages as office programs write them ----------------------------------------


def docx_entries(document: bytes = b"<w:document/>") -> list[Entry]:
    return [
        deflated("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
        deflated("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
        deflated("word/document.xml", document),
    ]


def docx_bytes(*extra: Entry) -> bytes:
    return crafted_zip([*docx_entries(), *extra])


def odt_bytes(*extra: Entry, mimetype: bytes = ODT_MIMETYPE) -> bytes:
    # ODF wants "mimetype" first and stored, so its first bytes name the type.
    return crafted_zip(
        [
            stored("mimetype", mimetype),
            deflated("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
            deflated("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
            *extra,
        ]
    )


def xlsx_bytes(rows: int = 40) -> bytes:
    """A real workbook, written by openpyxl: a budget of `rows` lines."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Pozycja", "Jednostka", "Ilość", "Cena", "Razem"])
    for row in range(2, rows + 2):
        sheet.append(["Farby", "l", 3, 33.33, f"=C{row}*D{row}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

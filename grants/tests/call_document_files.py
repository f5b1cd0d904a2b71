"""Small real files of the kinds a call offers (PDF, DOCX), built in memory for tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    """The smallest package Word opens: content types, the relationships and one paragraph."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            "</Types>",
        )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def pdf_upload(name: str = "Regulamin naboru.pdf", content: bytes = PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")

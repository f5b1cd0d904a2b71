"""Rows for the reports' tests: a financial document split over budget lines, a photo."""

import hashlib
import io
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image

from projects.models import DocumentAllocation, FinancialDocument, ReportPhoto


def jpeg_bytes(size=(40, 20), *, orientation: int | None = None, colour="green") -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def financial_document(grant, *, amount="500.00", lines=None, number="FV/1/2027", issued_on=None):
    """A document of `grant` paid from the grant, split over `lines` {line: amount} (the first
    budget line by default)."""
    content = b"%PDF-1.7\n% faktura\n%%EOF\n"
    document = FinancialDocument(
        grant=grant,
        number=number,
        issued_on=issued_on or date(2027, 4, 15),
        issuer_name="Sklep Ogrodniczy",
        amount=Decimal(amount),
        description="Sadzonki",
        extension=".pdf",
        original_name="faktura.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    document.file.save("faktura.pdf", ContentFile(content), save=False)
    document.save()
    if lines is None:
        line = grant.budget_lines.order_by("position", "pk").first()
        lines = {line: Decimal(amount)} if line is not None else {}
    for line, part in lines.items():
        DocumentAllocation.objects.create(document=document, budget_line=line, from_grant=part)
    return document


def report_photo(report, *, caption="Sadzenie drzew") -> ReportPhoto:
    content = jpeg_bytes()
    photo = ReportPhoto(
        report=report,
        extension=".jpg",
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        caption=caption,
    )
    photo.file.save("photo.jpg", ContentFile(content), save=False)
    photo.preview.save("preview.jpg", ContentFile(content), save=False)
    photo.save()
    return photo

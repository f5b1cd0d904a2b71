"""Demo of receipt-first settlement: the grants under way have recorded what they spent.

Each grant under way (the pilot's three) gets a few financial documents through the service a
grantee uses: a photo of a shop receipt (drawn with Pillow) and an invoice PDF, split over its
budget lines. Fundacja Łódzki Cień spent more on its first line than the call's tolerance
allows, so its grant page shows the rule broken and the way out (an amendment).

Dates fall inside the project period and never after today. A grant that has documents
already is left as it is: loading the demo again changes nothing.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from demo.applications import _pdf
from projects.enums import DocumentKind, GrantState
from projects.models import FinancialDocument, Grant
from projects.selectors import call_terms
from projects.spending import DocumentPart, document_add

# The grantee whose first line runs over the tolerance (Fundacja Łódzki Cień).
OVER_TOLERANCE = "mloda.aktywistka35@example.org"
GROSZ = Decimal("0.01")


@dataclass(frozen=True)
class DemoDocument:
    kind: str
    number: str
    issuer_name: str
    issuer_nip: str
    description: str
    days_in: int  # days after the project's start
    share: Decimal  # of the line's planned value
    own_share: Decimal = Decimal("0")  # of the document's amount, paid from own contribution


DOCUMENTS = [
    DemoDocument(
        DocumentKind.RECEIPT,
        "PAR 0412/2026",
        "Market Budowlany Podgórze",
        "",
        "Ziemia ogrodowa i rękawice",
        days_in=5,
        share=Decimal("0.35"),
    ),
    DemoDocument(
        DocumentKind.INVOICE,
        "FV/2026/118",
        "Zielony Zakątek sp. z o.o.",
        "1234563218",
        "Sadzonki krzewów i bylin",
        days_in=12,
        share=Decimal("0.40"),
        own_share=Decimal("0.1"),
    ),
]


def _receipt_photo(lines: list[str]) -> bytes:
    """A phone photo of a till receipt, drawn: white paper on a grey table."""
    image = Image.new("RGB", (480, 720), (120, 120, 120))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 30, 420, 690), fill=(250, 250, 245))
    for row, text in enumerate(lines):
        draw.text((80, 60 + row * 28), text, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _day(grant: Grant, days_in: int) -> date:
    today = timezone.localdate()
    start = grant.starts_on or today - timedelta(days=30)
    day = start + timedelta(days=days_in)
    if grant.ends_on:
        day = min(day, grant.ends_on)
    return min(day, today)


def _upload(grant: Grant, spec: DemoDocument, amount: Decimal) -> SimpleUploadedFile:
    money = f"{amount:.2f}".replace(".", ",")
    if spec.kind == DocumentKind.RECEIPT:
        photo = _receipt_photo(
            [
                spec.issuer_name.encode("ascii", "replace").decode(),
                "PARAGON FISKALNY",
                spec.number,
                "",
                "Ziemia ogrodowa 50 l",
                "Rekawice robocze",
                "",
                f"SUMA PLN {money}",
            ]
        )
        return SimpleUploadedFile("paragon.jpg", photo, content_type="image/jpeg")
    pdf = _pdf(
        (
            f"Faktura VAT {spec.number}",
            "Sprzedawca: Zielony Zakatek sp. z o.o., NIP 123-456-32-18",
            f"Nabywca: {grant.grantee_name.encode('ascii', 'replace').decode()}",
            f"Razem brutto: {money} PLN",
        )
    )
    return SimpleUploadedFile("faktura.pdf", pdf, content_type="application/pdf")


def demo_spending_load() -> int:
    """Record the demo documents of the grants under way that have none; how many were added."""
    added = 0
    grants = (
        Grant.objects.filter(state=GrantState.ACTIVE)
        .exclude(pk__in=FinancialDocument.objects.values("grant"))
        .select_related("application__applicant", "call")
        .order_by("pk")
    )
    for grant in grants:
        lines = list(grant.budget_lines.all())
        if not lines:
            continue
        specs = list(DOCUMENTS)
        if grant.application.applicant.email == OVER_TOLERANCE:
            # Spent above the first line's plan by more than the call allows.
            tolerance = call_terms(grant.call).line_tolerance_percent
            # 5 points above the tolerance, with what the other documents spent on the line.
            share = Decimal("1.05") + Decimal(tolerance) / 100 - sum(s.share for s in specs)
            specs.append(
                DemoDocument(
                    DocumentKind.INVOICE,
                    "FV/2026/131",
                    "Zielony Zakątek sp. z o.o.",
                    "1234563218",
                    "Dodatkowe sadzonki po ulewie",
                    days_in=20,
                    share=share,
                )
            )
        for spec in specs:
            line = lines[0]
            amount = (line.total * spec.share).quantize(GROSZ, rounding=ROUND_DOWN)
            own = (amount * spec.own_share).quantize(GROSZ, rounding=ROUND_DOWN)
            day = _day(grant, spec.days_in)
            document_add(
                grant=grant,
                by=grant.application.applicant,
                upload=_upload(grant, spec, amount),
                values={
                    "kind": spec.kind,
                    "number": spec.number,
                    "issued_on": day,
                    "amount": amount,
                    "issuer_name": spec.issuer_name,
                    "issuer_nip": spec.issuer_nip,
                    "paid_on": day,
                    "description": spec.description,
                },
                parts=[DocumentPart(line, amount - own, own)],
            )
            added += 1
    return added

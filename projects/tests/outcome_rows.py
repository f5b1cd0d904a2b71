"""Closed grants with their final reports, settlements and photos, as rows (fast): for the
public results, the open data and the archive. The demo builds the same through the services
(demo/publicdata.py)."""

import hashlib
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from projects.enums import GrantState, ReportKind, ReportState, SettlementState
from projects.models import Report, ReportPhoto, Settlement
from projects.tests.factories import GrantFactory

INDICATORS = [
    {"name": "Posadzone drzewa", "unit": "szt.", "planned": 20, "achieved": 24, "comment": ""},
    {"name": "Warsztaty", "unit": "spotkania", "planned": 4, "achieved": 3, "comment": ""},
]


def jpeg_bytes(color=(40, 140, 60), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def add_photo(
    report: Report, *, caption: str, consent: bool, color=(40, 140, 60), size=(64, 48)
) -> ReportPhoto:
    content = jpeg_bytes(color, size)
    photo = ReportPhoto(
        report=report,
        extension=".jpg",
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        caption=caption,
        publish_consent=consent,
    )
    photo.file.save("original.jpg", ContentFile(content), save=False)
    photo.preview.save(
        "preview.jpg", ContentFile(jpeg_bytes(color, (size[0] // 2, size[1] // 2))), save=False
    )
    photo.save()
    return photo


def closed_grant(
    *,
    call,
    consent: bool = True,
    kind: str = ApplicantKind.INDIVIDUAL,
    applicant_name: str = "Zofia Tajemnicza",
    name_agreed: bool = False,
    state: str = GrantState.CLOSED,
    report_state: str = ReportState.ACCEPTED,
    story: str = "Posadziliśmy 24 drzewa z sąsiadami z osiedla.",
    participants: int = 35,
    volunteer_hours: str = "120.5",
    eligible: str = "2900.00",
    amount: str = "3000.00",
):
    """A grant of `call` in `state` with an accepted final report (consent as given), its
    settlement (`eligible` spent) and no photos yet (add_photo)."""
    application = ApplicationFactory(
        call=call,
        status=ApplicationStatus.AWARDED,
        applicant_kind=kind,
        applicant_name=applicant_name,
        name_publication_agreed=name_agreed,
        version=False,
    )
    grant = GrantFactory(application=application, amount=Decimal(amount), state=state)
    if state == GrantState.CLOSED:
        grant.closed_at = timezone.now()
        grant.save(update_fields=["closed_at"])
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        state=report_state,
        summary="Zrobiliśmy wszystko, co zaplanowaliśmy.",
        story=story,
        indicators=INDICATORS,
        participants=participants,
        volunteer_hours=Decimal(volunteer_hours),
        publicity_links="https://example.org/relacja\njavascript:alert(1)",
        publish_consent=consent,
        submitted_at=timezone.now(),
    )
    Settlement.objects.create(
        grant=grant,
        report=report,
        version=1,
        number=f"{grant.reference_number}/R1",
        state=SettlementState.BALANCED,
        awarded=grant.amount,
        spent_from_grant=Decimal(eligible),
        eligible=Decimal(eligible),
        paid_before=grant.amount,
    )
    return grant

"""Demo of a finished project on the public page: the informal group Tatary Oddychają's grant
in last year's pilot ("Klimatyczne podwórka") reports, is settled and closed.

Built through the state owners only: its final report is written (a draft, as a grantee
starts one), submitted and accepted with report_transition(); the last instalment is made
due and paid; the settlement is issued balanced with settlement_transition(); the grant
moves active → settled → closed with grant_transition(). The report shares its story, its
indicators and three photos drawn here with Pillow — two the people in them agreed to
publish, one they did not (it stays in the archive, never on the public page).

The e-mails the story queues (the last instalment paid…) count as sent, as in demo.projects:
none goes out when the demo is loaded.

A grant that is not under way, or already has a final report, is left as it is: loading
the demo again changes nothing.
"""

import hashlib
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from core.enums import EmailState
from core.mail import email_transition
from core.models import OutgoingEmail
from demo.settlement import STORIES, _spend
from grants.models import GrantCall
from projects.enums import GrantState, PaymentState, ReportKind, ReportState
from projects.models import Grant, Report, ReportPhoto
from projects.payments import payment_mark_paid
from projects.reports import report_transition
from projects.settlement_pdf import settlement_pdf_store
from projects.settlements import grant_close

PILOT = "klimatyczne-podworka"
GRANTEE = "mlody.aktywista30@example.org"  # Tatary Oddychają, an informal group

STORY = """\
Podwórko przy Wschodniej 54 na Tatarach było betonową studnią: latem 38 stopni w cieniu, zimą \
kałuże. Przez trzy miesiące sąsiedzi, dzieci ze świetlicy i wolontariusze z liceum \
rozkuli 60 m² asfaltu, posadzili 24 drzewa i krzewy i zbudowali ogród deszczowy, \
który zbiera wodę z dwóch rynien.

Na czterech warsztatach z ogrodnikiem nauczyliśmy się, jak dbać o rośliny bez \
podlewania wodą z kranu. W sierpniu zmierzyliśmy temperaturę: pod nowymi drzewami \
było o 6 stopni chłodniej niż rok wcześniej. Podwórko ma teraz swoją grupę, która \
podlewa, pieli i planuje kolejne nasadzenia."""

INDICATORS = [
    {"name": "Rozszczelniona powierzchnia", "unit": "m²", "planned": 50, "achieved": 60},
    {"name": "Posadzone drzewa i krzewy", "unit": "szt.", "planned": 20, "achieved": 24},
    {"name": "Warsztaty z ogrodnikiem", "unit": "spotkania", "planned": 4, "achieved": 4},
]

# (caption, may be published, sky colour, ground colour)
PHOTOS = [
    ("Sadzenie lip przy Wschodniej 54", True, (150, 200, 235), (96, 150, 70)),
    ("Ogród deszczowy po pierwszej burzy", True, (120, 150, 190), (70, 120, 80)),
    ("Warsztaty ze świetlicą (dzieci na zdjęciu)", False, (230, 210, 160), (140, 110, 80)),
]


def _photo_bytes(sky, ground, *, size) -> bytes:
    """A simple picture of a courtyard with trees: enough to see on the page."""
    width, height = size
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 2 // 3, width, height], fill=ground)
    for index in range(5):
        x = width * (index + 1) // 6
        draw.rectangle([x - 4, height // 2, x + 4, height * 2 // 3 + 10], fill=(90, 60, 40))
        draw.ellipse([x - 30, height // 3, x + 30, height // 2 + 20], fill=(40, 120, 50))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _add_photos(report: Report, *, by: User) -> None:
    for caption, consent, sky, ground in PHOTOS:
        original = _photo_bytes(sky, ground, size=(1600, 1200))
        photo = ReportPhoto(
            report=report,
            extension=".jpg",
            content_type="image/jpeg",
            size=len(original),
            sha256=hashlib.sha256(original).hexdigest(),
            caption=caption,
            publish_consent=consent,
            added_by=by,
        )
        photo.file.save("photo.jpg", ContentFile(original), save=False)
        photo.preview.save(
            "preview.jpg", ContentFile(_photo_bytes(sky, ground, size=(800, 600))), save=False
        )
        photo.save()


def _emails_sent(user_id: int) -> None:
    """Through the outbox's own moves, so the queued task finds them sent and sends nothing."""
    for email in OutgoingEmail.objects.filter(
        user_id=user_id, kind__startswith="projects/", state=EmailState.QUEUED
    ):
        email_transition(email, EmailState.SENDING)
        email_transition(email, EmailState.SENT)


@transaction.atomic
def demo_publicdata_load(*, calls: dict[str, GrantCall], coordinator: User) -> Grant | None:
    """Close the pilot group's grant with a consented final report (see the module's
    docstring); returns it, or None when there is nothing to do."""
    pilot = next((call for call in calls.values() if call.slug == PILOT), None)
    if pilot is None:
        return None
    grant = (
        Grant.objects.filter(call=pilot, application__applicant__email=GRANTEE)
        .select_related("application__applicant")
        .first()
    )
    if grant is None or grant.state != GrantState.ACTIVE or grant.reports.exists():
        return None
    grantee = grant.application.applicant
    # It spent its whole budget (documents as demo.settlement records them).
    _spend(grant, STORIES[0], by=grantee)
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        summary="Zrealizowaliśmy wszystkie działania z harmonogramu, w terminie.",
        indicators=INDICATORS,
        participants=86,
        volunteer_hours=Decimal("412.5"),
        publicity_links="https://example.org/tatary-oddychaja/podworko-wschodnia-54",
        story=STORY,
        publish_consent=True,
    )
    _add_photos(report, by=grantee)
    report = report_transition(report, ReportState.SUBMITTED, by=grantee)
    # Accepting it settles the grant (projects.settlements): the last instalment is due.
    report_transition(report, ReportState.ACCEPTED, by=coordinator, note="Dziękujemy!")
    for payment in grant.payments.filter(state=PaymentState.DUE):
        payment_mark_paid(payment=payment, by=coordinator, paid_on=timezone.localdate())
    grant = grant_close(grant=grant, by=coordinator)
    settlement_pdf_store(settlement_id=grant.settlements.get().pk)
    # Those queued by now, and those the services queue once the load commits.
    _emails_sent(grantee.pk)
    transaction.on_commit(lambda: _emails_sent(grantee.pk))
    return grant

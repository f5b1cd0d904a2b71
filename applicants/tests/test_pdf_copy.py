import io
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import urlopen

import pypdf
import pytest
from django.utils import translation

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application, ApplicationVersion
from applicants.pdf import application_version_pdf
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

SUBMITTED_AT = datetime(2027, 3, 14, 9, 5, tzinfo=UTC)  # 10:05 in Warsaw (CET)


class _HitCountingServer(ThreadingHTTPServer):
    hits = 0

    def verify_request(self, request, client_address):
        self.hits += 1
        return True


class _TinyHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_server():
    """A local HTTP server on a free port that counts the connections it gets."""
    server = _HitCountingServer(("127.0.0.1", 0), _TinyHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=5):
        pass
    assert server.hits == 1  # the counter works
    server.hits = 0
    yield server
    server.shutdown()
    server.server_close()


def _content(*, title: str, reference_number: str, call) -> dict:
    """A snapshot shaped like applicants.snapshot.application_snapshot() makes it."""
    return {
        "call": {"id": call.pk, "title": call.title},
        "reference_number": reference_number,
        "applicant": {
            "kind": ApplicantKind.GROUP,
            "display_name": "Zielone Podwórko",
            "contact_name": "Zofia Wąsik",
            "email": "zofia@example.org",
            "phone": "+48 600 100 200",
            "city": "Łódź",
            "date_of_birth": "2001-05-17",
            "group_name": "Zielone Podwórko",
            "patron_organisation": "Fundacja Ćma",
            "members": [
                {"full_name": "Zofia Wąsik", "age": 25, "is_leader": True},
                {"full_name": "Jan Żak", "age": 19, "is_leader": False},
                {"full_name": "Ola Łęcka", "age": 22, "is_leader": False},
            ],
            "organisation_name": "",
            "krs": "",
            "nip": "",
            "regon": "",
        },
        "title": title,
        "summary": "Sadzimy łąkę kwietną.\nZnaki: ąćęłńóśźż",
        "problem": "Podwórko jest zabetonowane.",
        "goals": "Więcej zieleni i cienia.",
        "target_group": "Mieszkańcy kamienicy, także dzieci.",
        "activities": "Warsztaty, sadzenie, podlewanie.",
        "expected_results": "100 m² łąki.",
        "results_measurement": "Zdjęcia przed i po.",
        "team_description": "Troje sąsiadów z doświadczeniem w ogrodnictwie.",
        "schedule": [
            {"starts_on": "2027-04-01", "ends_on": "2027-04-30", "activity": "Warsztaty"},
            {"starts_on": "2027-05-01", "ends_on": "2027-05-15", "activity": "Sadzenie"},
        ],
        "budget": {
            "lines": [
                {
                    "category": "materials",
                    "item": "Nasiona łąki kwietnej",
                    "unit": "kg",
                    "quantity": "2.50",
                    "unit_cost": "200.00",
                    "own_contribution": "0.00",
                    "total": "500.00",
                },
                {
                    "category": "services",
                    "item": "Warsztaty ogrodnicze",
                    "unit": "godz.",
                    "quantity": "3.00",
                    "unit_cost": "244.83",
                    "own_contribution": "100.00",
                    "total": "734.49",
                },
                {
                    "category": "other",
                    "item": "Konewki",
                    "unit": "szt.",
                    "quantity": "1.00",
                    "unit_cost": "0.01",
                    "own_contribution": "0.00",
                    "total": "0.01",
                },
            ],
            "total_cost": "1234.50",
            "own_contribution": "100.00",
            "requested_amount": "1134.50",
            "own_share_percent": "8.10",
        },
        "answers": [
            {
                "question_id": 1,
                "question": "Czy działacie w gminie?",
                "kind": "yes_no",
                "answer": True,
            },
            {
                "question_id": 2,
                "question": "Skąd wiecie o naborze?",
                "kind": "short_text",
                "answer": "Z plakatu",
            },
        ],
        "attachments": [
            {
                "id": 7,
                "name": "kosztorys-łąka.pdf",
                "size": 123456,
                "sha256": "0" * 64,
                "requirement": "Kosztorys",
            }
        ],
        "eligibility_answers": {},
    }


def _submitted_version(title: str = "Łąka na podwórku") -> ApplicationVersion:
    call = GrantCallFactory()
    applicant = UserFactory()
    reference_number = "AK/2027/0042"
    application = Application.objects.create(
        call=call,
        applicant=applicant,
        status=ApplicationStatus.SUBMITTED,
        reference_number=reference_number,
        number_in_call=42,
        title=title,
    )
    return ApplicationVersion.objects.create(
        application=application,
        number=1,
        submitted_at=SUBMITTED_AT,
        submitted_by=applicant,
        content=_content(title=title, reference_number=reference_number, call=call),
        consents=[
            {
                "key": "privacy",
                "label": "Zapoznałam/em się z klauzulą informacyjną RODO.",
                "text": "Administratorem danych jest Fundacja Ćma.",
                "accepted_at": SUBMITTED_AT.isoformat(),
            }
        ],
    )


def _words(pdf: bytes) -> str:
    """The PDF's text with every run of whitespace (including no-break spaces) made one space."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_application_version_pdf_shows_what_was_submitted():
    text = _words(application_version_pdf(_submitted_version()))

    assert "Łąka na podwórku" in text
    assert "AK/2027/0042" in text
    assert "ąćęłńóśźż" in text
    assert "Zielone Podwórko" in text
    assert "Nasiona łąki kwietnej" in text
    assert "kosztorys-łąka.pdf" in text
    assert "Administratorem danych jest Fundacja Ćma." in text


def test_application_version_pdf_shows_submission_time_in_warsaw():
    with translation.override("pl"):
        text = _words(application_version_pdf(_submitted_version()))

    assert "14 marca 2027, 10:05" in text


def test_application_version_pdf_formats_budget_polish_style():
    text = _words(application_version_pdf(_submitted_version()))

    assert "1 234,50 zł" in text  # total cost
    assert "1 134,50 zł" in text  # requested amount
    assert "734,49 zł" in text  # a line total


def test_application_version_pdf_prints_markup_in_title_as_text(http_server):
    port = http_server.server_port
    title = f'<img src="http://127.0.0.1:{port}/x"> <link href="file:///etc/passwd">'

    pdf = application_version_pdf(_submitted_version(title=title))

    assert "".join(title.split()) in "".join(_words(pdf).split())
    assert http_server.hits == 0


def test_application_version_pdf_uses_active_language():
    version = _submitted_version()

    with translation.override("en"):
        pdf = application_version_pdf(version)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "page 1 of" in _words(pdf)
    assert reader.metadata.title == "AK/2027/0042 – Łąka na podwórku"

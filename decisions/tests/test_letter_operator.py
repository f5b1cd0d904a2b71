"""Who writes the letter and to whom: the programme profile's letterhead, place and signatory,
and the applicant's postal address."""

import io
from decimal import Decimal

import pypdf
import pytest

from applicants.models import ApplicantProfile
from core.tests.programme import programme_saved
from decisions.enums import DecisionOutcome
from decisions.letter_templates import render_preview_pdf
from decisions.letters import default_letter_body, render_letter_pdf
from decisions.tests.test_letters import (
    DEADLINE,
    ISSUED_AT,
    NUMBER,
    decision_for,
    pdf_text,
    reviewed_application,
)
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db


def awarded_letter() -> bytes:
    application, _reviewers = reviewed_application()
    decision = decision_for(
        application, DecisionOutcome.AWARDED, amount=Decimal("3500"), acceptance_deadline=DEADLINE
    )
    return render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT)


def test_letter_shows_the_operator_its_place_and_signatory_and_the_applicants_address():
    programme_saved()
    pdf = awarded_letter()
    text = pdf_text(pdf)
    for shown in (
        "Fundacja Zielony Kwartał",
        "ul. Kwartałowa 3",
        "31-123 Kraków",
        "KRS 0000000000, NIP 000-123-45-62",
        "zielonykwartal.example",
        "Kraków-Podgórze, 15 czerwca 2026",
        "Zofia Podpisowska",
        "Prezeska zarządu",
        "ul. Lipowa 5/12",  # the applicant's postal address (applicants.tests.builders)
        "20-001 Lublin",
    ):
        assert shown in text, shown
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.author == ("Fundacja Zielony Kwartał")


def test_letter_goes_to_the_address_the_applicant_gives_now():
    programme_saved()
    application, _reviewers = reviewed_application()
    ApplicantProfile.objects.filter(user=application.applicant).update(
        street="ul. Nowa 1", postcode="00-950", city="Warszawa"
    )
    decision = decision_for(application, DecisionOutcome.REJECTED)
    text = pdf_text(render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT))
    assert "ul. Nowa 1" in text and "00-950 Warszawa" in text
    assert "ul. Lipowa 5/12" not in text


def test_letter_without_a_profile_still_has_a_date_and_a_signature():
    text = pdf_text(awarded_letter())
    assert "15 czerwca 2026" in text
    assert "Koordynator programu" in text


def test_letter_preview_shows_the_operator_and_a_sample_address():
    programme_saved()
    call = GrantCallFactory()
    pdf = render_preview_pdf(call, "award", "pl", default_letter_body("award", "pl"))
    text = pdf_text(pdf)
    assert "Fundacja Zielony Kwartał" in text and "Zofia Podpisowska" in text
    assert "ul. Lipowa 5/12" in text

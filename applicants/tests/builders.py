"""Build realistic applications through the services, the way an applicant would."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicantKind
from applicants.models import ApplicantProfile
from applicants.services import (
    application_budget_save,
    application_schedule_save,
    application_start,
    application_submit,
    application_update,
)
from grants.tests.factories import CriterionFactory, GrantCallFactory

CONSENTS = [{"key": "privacy", "text": "Klauzula RODO"}, {"key": "truth", "text": "Oświadczam…"}]

TEXTS = {
    "title": "Ogród deszczowy przy szkole",
    "summary": "Zbudujemy ogród deszczowy, który zatrzyma wodę z dachu szkoły.",
    "problem": "Po ulewach boisko stoi w wodzie, a latem trawa wysycha.",
    "goals": "Zatrzymać deszczówkę i nauczyć uczniów, jak dbać o wodę.",
    "target_group": "Uczniowie i sąsiedzi szkoły.",
    "activities": "Warsztaty, projekt ogrodu, sadzenie roślin, festyn.",
    "expected_results": "Ogród o powierzchni 20 m², 60 osób na warsztatach.",
    "results_measurement": "Listy obecności, zdjęcia, pomiar wody w beczce.",
    "team_description": "Troje licealistów i nauczycielka biologii.",
}


def profile_for(user, *, kind=ApplicantKind.INDIVIDUAL, born=date(2005, 5, 1)) -> ApplicantProfile:
    return ApplicantProfile.objects.create(
        user=user,
        kind=kind,
        contact_name=user.full_name or "Ala Nowak",
        street="ul. Lipowa 5/12",
        postcode="20-001",
        city="Lublin",
        date_of_birth=born,
    )


def complete_draft(*, call=None, user=None, budget=None, texts=None):
    """A draft with every section filled in, ready to submit to `call`."""
    call = call or GrantCallFactory()
    if not call.criteria.exists():
        CriterionFactory(call=call)
    user = user or UserFactory()
    if not ApplicantProfile.objects.filter(user=user).exists():
        profile_for(user)
    application = application_start(call=call, applicant=user, eligibility_answers={})
    application_update(application=application, fields={**TEXTS, **(texts or {})})
    application_schedule_save(
        application=application,
        items=[
            {"starts_on": date(2027, 4, 1), "ends_on": date(2027, 4, 30), "activity": "Warsztaty"}
        ],
    )
    lines = budget or [
        {
            "category": "materials",
            "item": "Rośliny",
            "unit": "szt.",
            "quantity": Decimal("40"),
            "unit_cost": Decimal("50"),
            "own_contribution": Decimal("200"),
        },
        {
            "category": "services",
            "item": "Koparka",
            "unit": "godz.",
            "quantity": Decimal("3"),
            "unit_cost": Decimal("250.50"),
            "own_contribution": Decimal("0"),
        },
    ]
    application_budget_save(application=application, lines=lines)
    application.refresh_from_db()
    return application


def submitted_application(*, call=None, user=None, arrived_at=None, **kwargs):
    application = complete_draft(call=call, user=user, **kwargs)
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=arrived_at or timezone.now(),
    )
    application.refresh_from_db()
    return application


def render_waiting_pdf_copies() -> int:
    """Do what the task worker does with the stored PDF copies waiting for it; how many it rendered.

    Tests run inside a transaction whose on_commit callbacks (the queued renders)
    never fire, so a test that downloads a copy renders the waiting ones first.
    """
    from applicants.pdf_copies import version_pdf_render, version_pdfs_pending

    return sum(
        1 for pdf_id in version_pdfs_pending() if version_pdf_render(pdf_id=pdf_id) is not None
    )

"""Demo of guardians' consents and patron organisations (issue 13): on the open call,

* Maja (16), applying alone: her mother has consented through the e-mailed link;
* Tymek (17), applying alone: the link went to his father, who has not answered yet;
* the group "Klimatyczna Kalinowszczyzna", whose patron organisation has confirmed.

Everything goes through the services, as the applicant, the guardian and the patron's
representative would; running it twice changes nothing more. The accounts log in with the
demo password (maja.demo@example.org, tymek.demo@example.org, grupa.demo@example.org).
"""

from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from applicants.consents_enums import GuardianConsentState, PatronConfirmationState
from applicants.consents_guardian import (
    guardian_consent_answer,
    guardian_consent_request,
    patron_confirmation_answer,
    patron_confirmation_request,
)
from applicants.consents_selectors import consent_summary
from applicants.enums import ApplicantKind
from applicants.models import ApplicantProfile, Application, GuardianConsent, PatronConfirmation
from applicants.selectors import live_application
from applicants.services import (
    application_budget_save,
    application_start,
    application_update,
    profile_save,
)
from grants.models import GrantCall


def _born(years: int, days_after_birthday: int) -> date:
    today = timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - timedelta(days=days_after_birthday)


def _account(email: str, full_name: str, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "password": password_hash}
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _profile(user: User, **fields) -> None:
    if ApplicantProfile.objects.filter(user=user).exists():
        return
    members = fields.pop("members", [])
    profile = ApplicantProfile(
        user=user,
        contact_name=user.full_name,
        street="ul. Kalinowszczyzna 12",
        postcode="20-201",
        city="Lublin",
        **fields,
    )
    profile_save(profile=profile, members=members)


def _draft(call: GrantCall, user: User, *, title: str, summary: str, cost: str):
    application = live_application(call=call, applicant=user)
    if application is not None:
        return application
    application = application_start(call=call, applicant=user, eligibility_answers={})
    # Its history starts when it was made, as every demo application's does.
    first = application.status_changes.order_by("at", "pk").first()
    if first is not None:
        Application.objects.filter(pk=application.pk).update(created_at=first.at)
    application_update(application=application, fields={"title": title, "summary": summary})
    application_budget_save(
        application=application,
        lines=[
            {
                "category": "materials",
                "item": "Materiały na warsztaty",
                "unit": "kpl.",
                "quantity": Decimal("1"),
                "unit_cost": Decimal(cost),
                "own_contribution": Decimal("0"),
            }
        ],
    )
    application.refresh_from_db()
    return application


def _ask_guardian(application, user, *, guardian: str, email: str) -> GuardianConsent:
    consent = GuardianConsent.objects.filter(application=application, child=user).first()
    if consent is None:
        consent = guardian_consent_request(
            application=application,
            child_id=user.pk,
            guardian_name=guardian,
            guardian_email=email,
            by=user,
        )
    return consent


def demo_consents_load(*, calls: dict[str, GrantCall], password: str) -> None:
    """The links' e-mails count as sent, like every e-mail of the demo (demo.programme runs
    this inside demo.projects' _story_at): none goes out now."""
    call = calls["open"]
    password_hash = make_password(password, salt="aktywnidlaklimatu")

    maja = _account("maja.demo@example.org", "Maja Wrzosek", password_hash)
    _profile(maja, kind=ApplicantKind.INDIVIDUAL, date_of_birth=_born(16, 40))
    application = _draft(
        call,
        maja,
        title="Zielone przystanki na Kalinowszczyźnie",
        summary="Posadzimy pnącza i łąki kwietne przy trzech przystankach, żeby dawały cień latem.",
        cost="2400",
    )
    consent = _ask_guardian(
        application, maja, guardian="Ewa Wrzosek", email="ewa.wrzosek@example.org"
    )
    if consent.state == GuardianConsentState.REQUESTED:
        guardian_consent_answer(
            consent=consent, give=True, signed_name="Ewa Wrzosek", now=timezone.now()
        )

    tymek = _account("tymek.demo@example.org", "Tymon Lis", password_hash)
    _profile(tymek, kind=ApplicantKind.INDIVIDUAL, date_of_birth=_born(17, 100))
    application = _draft(
        call,
        tymek,
        title="Rowerowa naprawialnia w szkole",
        summary="Raz w tygodniu nauczymy kolegów naprawiać rowery, żeby częściej dojeżdżali nimi do szkoły.",
        cost="1800",
    )
    _ask_guardian(application, tymek, guardian="Marek Lis", email="marek.lis@example.org")

    group = _account("grupa.demo@example.org", "Hania Brzoza", password_hash)
    _profile(
        group,
        kind=ApplicantKind.GROUP,
        group_name="Klimatyczna Kalinowszczyzna",
        patron_organisation="Stowarzyszenie Sąsiedzka Kalinowszczyzna",
        members=[
            {"full_name": "Hania Brzoza", "age": 19, "is_leader": True},
            {"full_name": "Igor Brzoza", "age": 20, "is_leader": False},
            {"full_name": "Lena Dąb", "age": 19, "is_leader": False},
        ],
    )
    application = _draft(
        call,
        group,
        title="Deszczówka dla podwórka",
        summary="Zbudujemy z sąsiadami beczki na deszczówkę i podlejemy nią podwórkowy ogród.",
        cost="3200",
    )
    confirmation = PatronConfirmation.objects.filter(application=application).first()
    if confirmation is None:
        confirmation = patron_confirmation_request(
            application=application,
            representative_name="Teresa Sąsiedzka",
            representative_email="teresa.sasiedzka@example.org",
            by=group,
        )
    if confirmation.state == PatronConfirmationState.REQUESTED:
        patron_confirmation_answer(
            confirmation=confirmation,
            confirm=True,
            signed_name="Teresa Sąsiedzka",
            now=timezone.now(),
        )


# Guardians' first names for the demo's minors, picked by the young person's account.
GUARDIAN_NAMES = ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł")


def demo_guardians_consent(*, application, at) -> None:
    """Before a demo minor submits (at `at`), their guardian is asked and consents, a day earlier:
    the demo's calls want every consent before submission, as the default call does."""
    asked_at = at - timedelta(days=1)
    for person in consent_summary(application, now=at).missing:
        surname = person.name.split()[-1] if person.name.split() else "Kowalska"
        guardian = f"{GUARDIAN_NAMES[person.user_id % len(GUARDIAN_NAMES)]} {surname}"
        consent = person.consent or guardian_consent_request(
            application=application,
            child_id=person.user_id,
            guardian_name=guardian,
            guardian_email=f"opiekun{person.user_id}@example.org",
            by=application.applicant,
            at=asked_at,
        )
        guardian_consent_answer(
            consent=consent, give=True, signed_name=guardian, now=asked_at + timedelta(hours=5)
        )

"""The demo's shared application: a three-person team writing one draft in the open call, and
an invitation still waiting for its answer. Built through the team's services, as people would.

    from demo.team import demo_team
    team = demo_team()  # after the demo is loaded: the application, its lead and editors

The 16-year-old editor (born 16 years before the demo's today) needs a guardian's consent,
and his mother has given it through the e-mailed link; the other editor is an adult.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applicants.consents_enums import GuardianConsentState
from applicants.consents_guardian import guardian_consent_answer, guardian_consent_request
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationMember,
    GuardianConsent,
    TeamInvitation,
)
from applicants.services import application_start, application_update, profile_save
from applicants.team import invitation_accept, team_invite
from grants.models import GrantCall

TEAM_TITLE = "Szkolny ogród deszczowy"
LEAD_EMAIL = "maja.wrona@example.org"
MINOR_EDITOR_EMAIL = "tymon.kaczmarek@example.org"
ADULT_EDITOR_EMAIL = "zofia.lis@example.org"
GUARDIAN_NAME = "Renata Kaczmarek"  # Tymon's mother
GUARDIAN_EMAIL = "renata.kaczmarek@example.org"
INVITED_EMAIL = "igor.nowicki@example.org"  # invited, no answer yet (and no account)

PEOPLE = {
    LEAD_EMAIL: ("Maja Wrona", 19),
    MINOR_EDITOR_EMAIL: ("Tymon Kaczmarek", 16),
    ADULT_EDITOR_EMAIL: ("Zofia Lis", 21),
}

TEXTS = {
    "title": TEAM_TITLE,
    "summary": (
        "Razem z klasą zamieniamy szary szkolny dziedziniec w ogród deszczowy, który zatrzyma "
        "wodę po ulewach i da cień w upały."
    ),
    "problem": (
        "Po każdej ulewie dziedziniec naszego liceum zamienia się w kałużę, a woda spływa do "
        "kanalizacji. Latem asfalt nagrzewa się tak, że na przerwach nie da się tam stać."
    ),
    "team_description": (
        "Maja prowadzi wniosek, Tymon (klasa pierwsza) liczy budżet, a Zofia – absolwentka "
        "szkoły – pomaga przy harmonogramie."
    ),
}


@dataclass(frozen=True)
class DemoTeam:
    application: Application
    lead: User
    minor_editor: ApplicationMember | None  # 16 years old: needs a guardian's consent
    adult_editor: ApplicationMember | None
    invitation: TeamInvitation | None  # waiting for igor.nowicki@example.org


def born_years_ago(years: int, today: date) -> date:
    """The birthday `years` before `today` (28 February for a 29 February that year lacks)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _person(email: str, password_hash: str) -> User:
    full_name, _age = PEOPLE[email]
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if user.password != password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_team_load(*, calls: dict[str, GrantCall], password: str) -> DemoTeam | None:
    """The team's draft in the open call (once: kept as it is when it exists)."""
    call = calls["open"]
    today = timezone.localdate()
    password_hash = make_password(password, salt="aktywnidlaklimatu")
    with transaction.atomic():
        users = {email: _person(email, password_hash) for email in PEOPLE}
        lead = users[LEAD_EMAIL]
        if not ApplicantProfile.objects.filter(user=lead).exists():
            profile_save(
                profile=ApplicantProfile(
                    user=lead,
                    kind=ApplicantKind.INDIVIDUAL,
                    contact_name=PEOPLE[LEAD_EMAIL][0],
                    phone="600 100 300",
                    street="ul. Deszczowa 7",
                    postcode="20-400",
                    city="Lublin",
                    date_of_birth=born_years_ago(PEOPLE[LEAD_EMAIL][1], today) - timedelta(days=40),
                ),
                members=[],
            )
        application = Application.objects.filter(
            call=call, applicant=lead, status=ApplicationStatus.DRAFT
        ).first()
        if application is None:
            application = application_start(call=call, applicant=lead, eligibility_answers={})
            # Its history starts when it was made, as every demo application's does.
            first = application.status_changes.order_by("at", "pk").first()
            Application.objects.filter(pk=application.pk).update(created_at=first.at)
            application_update(application=application, fields=TEXTS)
            for email, born in (
                (MINOR_EDITOR_EMAIL, born_years_ago(16, today)),
                (ADULT_EDITOR_EMAIL, born_years_ago(21, today) - timedelta(days=100)),
            ):
                invitation = team_invite(application=application, email=email, by=lead)
                invitation_accept(
                    invitation=invitation,
                    user=users[email],
                    full_name=PEOPLE[email][0],
                    date_of_birth=born,
                )
            team_invite(application=application, email=INVITED_EMAIL, by=lead)
        _guardian_consented(application, child=users[MINOR_EDITOR_EMAIL], by=lead)
    return demo_team()


def _guardian_consented(application: Application, *, child: User, by: User) -> None:
    """The 16-year-old's mother got the e-mailed link and consented (the call asks consent
    below 18)."""
    consent = GuardianConsent.objects.filter(application=application, child=child).first()
    if consent is None:
        consent = guardian_consent_request(
            application=application,
            child_id=child.pk,
            guardian_name=GUARDIAN_NAME,
            guardian_email=GUARDIAN_EMAIL,
            by=by,
        )
    if consent.state == GuardianConsentState.REQUESTED:
        guardian_consent_answer(
            consent=consent, give=True, signed_name=GUARDIAN_NAME, now=timezone.now()
        )


def demo_team() -> DemoTeam | None:
    """The loaded demo's team (None before the demo is loaded)."""
    application = (
        Application.objects.filter(applicant__email=LEAD_EMAIL, title=TEAM_TITLE)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("applicant", "call")
        .first()
    )
    if application is None:
        return None
    members = {member.user.email: member for member in application.team.select_related("user")}
    return DemoTeam(
        application=application,
        lead=application.applicant,
        minor_editor=members.get(MINOR_EDITOR_EMAIL),
        adult_editor=members.get(ADULT_EDITOR_EMAIL),
        invitation=application.invitations.filter(email=INVITED_EMAIL).order_by("-pk").first(),
    )

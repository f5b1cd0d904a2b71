"""The demo programme "Aktywni dla klimatu": its people and calls.

Dates are relative to the day the demo is first loaded, so that a fresh demo
has one call taking applications, one upcoming, one in review, one with its
results just published and an archived pilot. Every call is created, published
and moved on by the services that do it for a coordinator, in the order of its
story, and nothing writes a call's status directly. Loading the demo again
(`make run` does it on every start) leaves what exists as it is: a call, an
applicant's profile, an application, a review or a decision is made once. (For
a demo dated from today, start from an empty database.)
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.enums import COORDINATORS_GROUP
from accounts.models import User
from applicants.enums import VersionPdfStatus
from applicants.models import Application, VersionPdf
from applicants.pdf_copies import version_pdfs_sweep
from core.logos import logo_checked
from core.models import ProgrammeProfile
from core.services import programme_profile_save
from decisions.models import DecisionLetter
from demo.applications import demo_applications_load
from demo.call_documents import demo_call_documents_load
from demo.consents import demo_consents_load
from demo.conversations import demo_conversations_load
from demo.decisions import demo_decisions_load
from demo.projects import _story_at, demo_projects_load
from demo.reviews import demo_reviews_load
from demo.team import demo_team_load
from grants.enums import CallStatus
from grants.models import CallStatusChange, Criterion, GrantCall
from grants.services import (
    call_decide,
    call_publish,
    call_review_start,
    call_save,
    call_transition,
)
from projects.models import Grant
from reviews.enums import ReviewStatus
from reviews.models import Review, ReviewAssignment
from reviews.ranking_snapshot import ranking_rebuild_all

DEMO_PASSWORD = "mikrogranty-demo"
WARSAW = ZoneInfo("Europe/Warsaw")
PROGRAMME = "Aktywni dla klimatu"

# Who runs the demo programme: a fictional association. Its KRS and NIP are made up and
# can't be anyone's: no KRS entry is numbered 0, and no tax office's NIPs start with 000
# (the NIP's check digit is right, so the checks pass).
OPERATOR = {
    "site_name": "Mikrogranty",
    "operator_name": "Stowarzyszenie Miasto Wspólne",
    "street": "ul. Wspólna 12",
    "postcode": "00-950",
    "town": "Warszawa",
    "krs": "0000000000",
    "nip": "0001234562",
    "privacy_contact_name": "Paweł Lis",
    "privacy_contact_email": "iod@miastowspolne.example",
    "signatory_name": "Katarzyna Nowicka",  # the demo's coordinator (PEOPLE)
    "signatory_role": "Koordynatorka programu",
    "letter_place": "Warszawa",
    "email_sender_name": "Stowarzyszenie Miasto Wspólne",
    "reply_to": "mikrogranty@miastowspolne.example",
    "website": "https://miastowspolne.example",
}
OPERATOR_LOGO = Path(__file__).resolve().parent / "files" / "logo-miasto-wspolne.svg"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    coordinator: bool = False


PEOPLE = [
    DemoPerson("koordynator@example.org", "Katarzyna Nowicka", coordinator=True),
    DemoPerson("recenzent1@example.org", "Tomasz Wieczorek"),
    DemoPerson("recenzent2@example.org", "Agnieszka Zielińska"),
    DemoPerson("recenzent3@example.org", "Michał Kowalczyk"),
    DemoPerson("wnioskodawca1@example.org", "Zuzanna Lewandowska"),
    DemoPerson("wnioskodawca2@example.org", "Jakub Wójcik"),
]

CRITERIA_CLIMATE = [
    (
        "Trafność diagnozy problemu",
        "Czy problem klimatyczny w społeczności jest dobrze opisany i poparty obserwacjami lub danymi?",
        10,
        "1.5",
    ),
    (
        "Spójność celów i działań",
        "Czy zaplanowane działania realnie prowadzą do celów i mieszczą się w harmonogramie?",
        10,
        "1",
    ),
    (
        "Zaangażowanie społeczności",
        "Czy w projekt włączeni są mieszkańcy, sąsiedzi, uczniowie — nie tylko jako odbiorcy?",
        10,
        "1.5",
    ),
    ("Realność budżetu", "Czy koszty są niezbędne, racjonalne i dobrze opisane?", 10, "1"),
    (
        "Trwałość efektów",
        "Co zostanie po projekcie: zmiana nawyków, infrastruktura, sieć kontaktów?",
        10,
        "1",
    ),
]

CRITERIA_SCHOOL = [
    (
        "Pomysł i jego znaczenie dla klimatu",
        "Jak działanie zmniejsza emisje lub pomaga przystosować się do zmian klimatu?",
        10,
        "2",
    ),
    (
        "Udział młodzieży",
        "Czy młodzi ludzie współtworzą projekt od pomysłu do realizacji?",
        10,
        "1.5",
    ),
    (
        "Plan działań i harmonogram",
        "Czy plan jest konkretny i wykonalny w czasie trwania programu?",
        10,
        "1",
    ),
    ("Budżet", "Czy koszty są uzasadnione i adekwatne do działań?", 5, "1"),
]

CRITERIA_HEAT = [
    (
        "Diagnoza miejskiej wyspy ciepła",
        "Czy wnioskodawcy wiedzą, gdzie i kogo najbardziej dotyka upał?",
        10,
        "1.5",
    ),
    (
        "Rozwiązanie oparte na przyrodzie",
        "Zieleń, woda, cień: czy proponowane rozwiązanie jest trwałe i bezpieczne?",
        10,
        "1.5",
    ),
    (
        "Współpraca z mieszkańcami i instytucjami",
        "Czy są zgody zarządcy terenu, partnerzy, wolontariusze?",
        10,
        "1",
    ),
    ("Realność budżetu", "Czy koszty są niezbędne i racjonalne?", 10, "1"),
    ("Komunikacja i edukacja", "Jak projekt pokaże innym, że się da?", 5, "0.5"),
    ("Trwałość", "Kto zadba o efekty po zakończeniu projektu?", 5, "1"),
]


CRITERIA_CYCLING = [
    (
        "Pomysł i jego znaczenie dla klimatu",
        "Ile dojazdów samochodem zastąpi rower i czy zmiana zostanie po projekcie?",
        10,
        "2",
    ),
    (
        "Udział młodzieży",
        "Czy uczniowie współtworzą projekt od pomysłu do realizacji?",
        10,
        "1.5",
    ),
    (
        "Plan działań i harmonogram",
        "Czy plan jest konkretny i wykonalny w czasie trwania programu?",
        10,
        "1",
    ),
    (
        "Bezpieczeństwo uczestników",
        "Opiekunowie, kaski, sprawne rowery, sprawdzone trasy: czy projekt o tym pamięta?",
        10,
        "1",
    ),
    ("Budżet", "Czy koszty są uzasadnione i adekwatne do działań?", 5, "1"),
]

CRITERIA_PILOT = [
    (
        "Diagnoza problemu",
        "Czy wiadomo, gdzie i komu doskwiera upał, susza lub ulewy — i skąd to wiadomo?",
        10,
        "1.5",
    ),
    (
        "Trwałość rozwiązania",
        "Czy zieleń, woda lub cień zostaną na lata i kto o nie zadba?",
        10,
        "1.5",
    ),
    (
        "Udział sąsiadów",
        "Czy mieszkańcy współtworzą projekt, a nie tylko z niego korzystają?",
        10,
        "1",
    ),
    ("Budżet", "Czy koszty są niezbędne i racjonalne?", 5, "1"),
]


@dataclass
class DemoCall:
    slug: str
    reference_code: str
    title: str
    description: str
    eligibility: str
    criteria: list = field(default_factory=list)
    min_amount: str = "1000"
    max_amount: str = "5000"
    total_budget: str = "60000"
    own_contribution_percent: str = "0"
    acceptance_days: int = 7  # days to accept an award, as the coordinator set them


def _warsaw_day_end(day) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=WARSAW)


def _warsaw_day_start(day) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=WARSAW)


OPEN_CALL = DemoCall(
    slug="klimat-w-sasiedztwie",
    reference_code="AK",
    title="Klimat w sąsiedztwie — mini-granty dla młodych aktywistów",
    description=(
        "Program szkoleniowy połączony z mini-grantami dla młodych aktywistek i aktywistów "
        "klimatycznych. Wspieramy małe, oddolne działania, które pomagają ochronić klimat "
        "i przygotować nasze osiedla, miasta i miasteczka na upały, ulewy i susze.\n\n"
        "Przed realizacją projektów zapraszamy zespoły na dwudniowe szkolenie z planowania "
        "działań, pracy z mieszkańcami i rozliczania grantu. Każdy zespół dostaje też opiekuna "
        "z sieci ruchów miejskich."
    ),
    eligibility=(
        "Osoby w wieku 16–30 lat działające samodzielnie lub w grupie nieformalnej (co najmniej "
        "3 osoby), a także organizacje pozarządowe działające na rzecz młodzieży. Osoby "
        "niepełnoletnie potrzebują zgody rodzica lub opiekuna. Projekt musi być realizowany "
        "w Polsce i zakończyć się w ciągu 6 miesięcy."
    ),
    criteria=CRITERIA_CLIMATE,
    min_amount="1000",
    max_amount="5000",
    total_budget="60000",
    own_contribution_percent="5",
)

CLOSED_CALL = DemoCall(
    slug="zielone-szkoly",
    reference_code="ZS",
    title="Zielone szkoły — klimatyczne inicjatywy uczniowskie",
    description=(
        "Mini-granty na działania uczniów i uczennic, które zmieniają szkołę i jej otoczenie: "
        "ogrody deszczowe, rowerownie, wymianki, audyty energii, klimatyczne debaty. "
        "Nabór jest zakończony — trwa ocena wniosków."
    ),
    eligibility=(
        "Grupy co najmniej 3 uczniów i uczennic szkół ponadpodstawowych z opiekunem lub "
        "patronem (szkoła, organizacja pozarządowa)."
    ),
    criteria=CRITERIA_SCHOOL,
    min_amount="500",
    max_amount="3500",
    total_budget="40000",
)

UPCOMING_CALL = DemoCall(
    slug="chlodne-podworka",
    reference_code="CP",
    title="Chłodne podwórka — zieleń przeciw upałom",
    description=(
        "Nabór na projekty, które schładzają podwórka, skwery i przystanki: nasadzenia, "
        "odszczelnianie nawierzchni, zbiorniki na deszczówkę, cień dla najbardziej narażonych "
        "na upał sąsiadów."
    ),
    eligibility=(
        "Grupy nieformalne, wspólnoty mieszkaniowe i organizacje pozarządowe. Wymagany wkład "
        "własny co najmniej 10% kosztów — może to być praca wolontariuszy."
    ),
    criteria=CRITERIA_HEAT,
    min_amount="2000",
    max_amount="8000",
    total_budget="80000",
    own_contribution_percent="10",
)

DECIDED_CALL = DemoCall(
    slug="rowerowa-szkola",
    reference_code="ROW",  # "RS" is the browser tests' own new call
    title="Rowerowa szkoła — mini-granty na rowerowe dojazdy",
    description=(
        "Mini-granty na uczniowskie projekty, dzięki którym do szkoły łatwiej i bezpieczniej "
        "dojechać rowerem: rowerownie, rowerowe autobusy, szkolne serwisy, mapy bezpiecznych "
        "tras, zajęcia dla młodszych. Nabór jest rozstrzygnięty — wyniki są opublikowane."
    ),
    eligibility=(
        "Grupy co najmniej 3 uczniów i uczennic szkół ponadpodstawowych z opiekunem, a także "
        "młodzi aktywiści i organizacje pozarządowe, które realizują projekt razem ze szkołą."
    ),
    criteria=CRITERIA_CYCLING,
    min_amount="1000",
    max_amount="5000",
    total_budget="30000",
    acceptance_days=14,  # so wnioskodawca1 can still answer her award for a week
)

PILOT_CALL = DemoCall(
    slug="klimatyczne-podworka",
    reference_code="KP",
    title="Klimatyczne podwórka — edycja pilotażowa",
    description=(
        "Pilotażowy nabór programu: mini-granty na zieleń, wodę i cień w najbliższym "
        "sąsiedztwie — na podwórkach, skwerach, przystankach i działkach. Nabór jest "
        "rozstrzygnięty; jego doświadczenia wykorzystaliśmy, przygotowując nabór „Chłodne "
        "podwórka”."
    ),
    eligibility=(
        "Grupy nieformalne, wspólnoty mieszkaniowe, młodzi aktywiści i organizacje pozarządowe."
    ),
    criteria=CRITERIA_PILOT,
    min_amount="1000",
    max_amount="5000",
    total_budget="12000",
)


def _ensure_programme_profile(*, by: User) -> None:
    """Make Stowarzyszenie Miasto Wspólne the operator, with its logo, unless a profile exists:
    then it is left as a coordinator may have changed it while trying the demo."""
    if ProgrammeProfile.objects.exists():
        return
    programme_profile_save(
        profile=ProgrammeProfile(**OPERATOR),
        logo=logo_checked(name=OPERATOR_LOGO.name, data=OPERATOR_LOGO.read_bytes()),
        by=by,
    )


def _ensure_person(person: DemoPerson, coordinators: Group) -> User:
    user, created = User.objects.get_or_create(
        email=person.email, defaults={"full_name": person.full_name}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.full_name = person.full_name
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    if person.coordinator:
        user.groups.add(coordinators)
    return user


def _ensure_call(
    spec: DemoCall, *, opens_at: datetime, closes_at: datetime, by: User, now: datetime
) -> GrantCall:
    """Create and publish the call as its coordinator would, unless it exists: then it is left as it is.

    The call is saved with its criteria by call_save and published by
    call_publish. A call whose deadline the story has already passed is
    published by call_transition itself: call_publish also refuses a deadline
    in the past, a coordinator's slip, which a replayed past always has. Its
    status goes on through the services that move it in real life: the first
    assignments after the deadline, the publication of results, archiving.
    """
    existing = GrantCall.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    call = GrantCall(
        slug=spec.slug,
        programme=PROGRAMME,
        reference_code=spec.reference_code,
        title=spec.title,
        description=spec.description,
        eligibility=spec.eligibility,
        min_amount=Decimal(spec.min_amount),
        max_amount=Decimal(spec.max_amount),
        total_budget=Decimal(spec.total_budget),
        own_contribution_percent=Decimal(spec.own_contribution_percent),
        acceptance_days=spec.acceptance_days,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    criteria = [
        Criterion(name=name, guidance=guidance, max_points=max_points, weight=Decimal(weight))
        for name, guidance, max_points, weight in spec.criteria
    ]
    call = call_save(call=call, criteria_to_save=criteria, by=by)
    if closes_at > now:
        call_publish(call=call, by=by)
    else:
        call_transition(call, CallStatus.OPEN, by=by)
    # Published two weeks before it opened, as the story goes (never later than a day ago).
    published_at = min(opens_at - timedelta(days=14), now - timedelta(days=1))
    GrantCall.objects.filter(pk=call.pk).update(published_at=published_at)
    CallStatusChange.objects.filter(call=call).update(at=published_at)
    call.refresh_from_db()
    return call


def _catch_up(call: GrantCall, *, by: User) -> None:
    """Move a call a demo of an earlier version left behind to where its story has got.

    A fresh demo's calls are there already and nothing happens. Earlier
    versions wrote the status of a call straight into the row, and loading them
    again put a decided call back to "closed": such a call goes on through the
    same services as ever, once it has reviewers assigned or results published.
    """
    call.refresh_from_db()
    if ReviewAssignment.objects.filter(call=call).exists():
        call_review_start(call=call, by=by)
    if call.status != CallStatus.ARCHIVED and call.decisions.exclude(published_at=None).exists():
        call_decide(call=call, by=by)


@transaction.atomic
def demo_load() -> dict[str, object]:
    """Create or refresh the demo people, calls and applications; running it twice changes nothing more."""
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    people = {person.email: _ensure_person(person, coordinators) for person in PEOPLE}
    coordinator = people["koordynator@example.org"]
    _ensure_programme_profile(by=coordinator)
    now = timezone.now()
    today = timezone.localdate(now, WARSAW)
    calls = {
        "open": _ensure_call(
            OPEN_CALL,
            opens_at=_warsaw_day_start(today - timedelta(days=21)),
            closes_at=_warsaw_day_end(today + timedelta(days=60)),
            by=coordinator,
            now=now,
        ),
        "closed": _ensure_call(
            CLOSED_CALL,
            opens_at=_warsaw_day_start(today - timedelta(days=90)),
            closes_at=_warsaw_day_end(today - timedelta(days=30)),
            by=coordinator,
            now=now,
        ),
        "upcoming": _ensure_call(
            UPCOMING_CALL,
            opens_at=_warsaw_day_start(today + timedelta(days=45)),
            closes_at=_warsaw_day_end(today + timedelta(days=105)),
            by=coordinator,
            now=now,
        ),
    }
    applications = demo_applications_load(
        calls=calls, people=people, coordinator=coordinator, password=DEMO_PASSWORD
    )
    reviews = demo_reviews_load(
        calls=calls, people=people, coordinator=coordinator, password=DEMO_PASSWORD
    )
    # Two calls decided in the past: this year's, with its results just out, and the pilot's.
    calls["decided"] = _ensure_call(
        DECIDED_CALL,
        opens_at=_warsaw_day_start(today - timedelta(days=150)),
        closes_at=_warsaw_day_end(today - timedelta(days=90)),
        by=coordinator,
        now=now,
    )
    calls["pilot"] = _ensure_call(
        PILOT_CALL,
        opens_at=_warsaw_day_start(today - timedelta(days=430)),
        closes_at=_warsaw_day_end(today - timedelta(days=375)),
        by=coordinator,
        now=now,
    )
    decisions = demo_decisions_load(calls=calls, people=people, coordinator=coordinator)
    for call in calls.values():
        _catch_up(call, by=coordinator)
    # After the award: grant terms for every call, the decided calls' grants on their way.
    grants = demo_projects_load(calls=calls, coordinator=coordinator, password=DEMO_PASSWORD)
    # Young teams: what these steps e-mail (invitations, consent links, message notices)
    # went out back then, so none goes out now.
    with _story_at(None):
        demo_conversations_load(calls=calls, coordinator=coordinator)
        demo_call_documents_load(calls=calls, coordinator=coordinator)
        demo_team_load(calls=calls, password=DEMO_PASSWORD)
        demo_consents_load(calls=calls, password=DEMO_PASSWORD)
    # Every submitted version's PDF copies are queued for the task worker (`make run`
    # starts one): the new ones by the submissions above, those of a demo loaded
    # before copies were stored here.
    version_pdfs_sweep()
    # The rankings the story's reviews and decisions made, built now: the pages read them at once
    # (the demo writes some of its past in bulk, past the events that keep them current).
    ranking_rebuild_all(call_ids=[call.pk for call in calls.values()], force=False)
    return {
        "people": people,
        "calls": calls,
        "applications": applications,
        "reviews": reviews,
        "decisions": decisions,
        "grants": grants,
    }


def demo_summary(*, calls: dict[str, GrantCall]) -> dict[str, int]:
    """What the loaded demo holds, counted for the line `load_demo` prints."""
    call_ids = [call.pk for call in calls.values()]
    return {
        "calls": len(call_ids),
        "applications": Application.objects.filter(call_id__in=call_ids).count(),
        "reviews": Review.objects.filter(
            assignment__call_id__in=call_ids, status=ReviewStatus.SUBMITTED
        ).count(),
        "letters": DecisionLetter.objects.filter(decision__call_id__in=call_ids).count(),
        "grants": Grant.objects.filter(call_id__in=call_ids).count(),
        "accounts": User.objects.filter(email__endswith="@example.org").count(),
        # Rendered by the task worker `make run` starts, in the background.
        "pdf_copies_waiting": VersionPdf.objects.filter(
            version__application__call_id__in=call_ids, status=VersionPdfStatus.PENDING
        ).count(),
    }

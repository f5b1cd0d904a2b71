"""Demo applications: the applicants of "Aktywni dla klimatu" and what they applied for.

Everything is made through the applicants' services, the way a person using the
site would make it: drafts are started and saved section by section, submitted
with the consents, checked by the demo coordinator, corrected, withdrawn. So
statuses, versions, reference numbers, status history and budget totals are the
real thing. Only two kinds of field are set afterwards, and neither is a status:

* the moments of the history (status changes, formal checks, creation) are
  moved back to when the story says they happened, since the services stamp
  them "now";
* the confirmation and status e-mails of that made-up past are marked as sent
  then, so the task worker does not mail sixty invented applicants today (the
  queued tasks see the claim and do nothing).

The calls are what they were when these applications arrived: published, the
closed one past its deadline but not yet in review (demo.reviews starts the
review, which moves it on), so each submission is judged at its moment of
arrival by the same rules as a real one.

Every random choice comes from a generator seeded with a fixed string, so the
demo is the same every time; dates follow the day the demo is loaded, like the
calls'. A profile or an application that already exists is left as it is, and
a call whose review has started gets nothing more, so loading twice changes
nothing.
"""

import calendar
import random
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from applicants.consents import submission_consents
from applicants.enums import ApplicationStatus, FormalCheckOutcome
from applicants.indicators import application_indicators_save
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationVersion,
    Attachment,
    FormalCheck,
    StatusChange,
)
from applicants.services import (
    NOTIFY_APPLICANT_ON,
    application_answers_save,
    application_budget_save,
    application_schedule_save,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    attachment_add,
    formal_check_record,
    profile_save,
)
from applicants.uploads import attachment_check
from core.deadlines import deadline_in
from demo.consents import demo_guardians_consent
from demo.texts import (
    ADOPT_A_TREE,
    CORRECTION_MESSAGE,
    EARLIER_PROJECT,
    EARLIER_PROJECT_ANSWERS,
    ELIGIBILITY_QUESTIONS,
    ENERGY_AUDIT,
    EXCHANGE_ABROAD,
    EXTRA_APPLICANTS,
    FORMAL_CHECK_ITEMS,
    GREEN_COURTYARD,
    GROUP,
    HEARD_FROM,
    HEARD_FROM_CHOICES,
    HEAT_MAP,
    INDIVIDUAL,
    MEADOW,
    MEADOW_CORRECTION_MESSAGE,
    MEADOW_FIXES,
    NGO,
    OPEN_THEMES,
    OUTDOOR_CINEMA,
    PODCAST,
    POSTCODE_PREFIXES,
    RAIN_GARDEN,
    REJECTION_MESSAGE,
    REPAIR_CAFE_TO_CORRECT,
    SCHOOL_THEMES,
    SCHOOLS,
    STREETS,
    SUPPORT_LETTER,
    TEXT_FIELDS,
    VOLUNTEER_HOUR,
    WNIOSKODAWCA1,
    WNIOSKODAWCA2,
    ZIELONE_PODWORKO_MEMBERS,
    DemoApplicant,
    Theme,
    _member_name,
)
from grants.enums import CallStatus
from grants.models import (
    AttachmentRequirement,
    CallIndicator,
    CallQuestion,
    EligibilityQuestion,
    FormalCheckItem,
    GrantCall,
    QuestionKind,
)
from grants.services import call_parts_save

SEED = "aktywni-dla-klimatu"
WARSAW = ZoneInfo("Europe/Warsaw")


def _open_call_parts(call: GrantCall, *, by: User) -> None:
    """Give the open call its screener, questions, attachment and checklist, unless it has them."""
    parts = {
        EligibilityQuestion: [
            EligibilityQuestion(text=text, required_answer=answer, failure_explanation=explanation)
            for text, answer, explanation in ELIGIBILITY_QUESTIONS
        ],
        CallQuestion: [
            CallQuestion(
                label=HEARD_FROM,
                kind=QuestionKind.CHOICE,
                required=True,
                choices="\n".join([*HEARD_FROM_CHOICES, "Inaczej"]),
            ),
            CallQuestion(
                label=EARLIER_PROJECT,
                help_text="Wystarczy jedno, dwa zdania. Brak doświadczenia nie obniża oceny.",
                kind=QuestionKind.SHORT_TEXT,
                required=False,
                max_length=500,
            ),
        ],
        AttachmentRequirement: [
            AttachmentRequirement(
                name=SUPPORT_LETTER,
                description="Nieobowiązkowy: list od rady osiedla, dyrekcji szkoły, spółdzielni, zarządcy terenu lub lokalnej organizacji, który potwierdza, że wspiera Wasz projekt.",
                required=False,
            )
        ],
        FormalCheckItem: [FormalCheckItem(text=text) for text in FORMAL_CHECK_ITEMS],
        CallIndicator: [
            CallIndicator(
                name=PARTICIPANTS,
                unit="osób",
                help_text="Ile osób weźmie udział w działaniach projektu, bez Waszego zespołu.",
            )
        ],
    }
    for part_model, rows in parts.items():
        if not part_model.objects.filter(call=call).exists():
            call_parts_save(call=call, part_model=part_model, rows_to_save=rows, by=by)


# --- Identifiers with valid checksums (random, so no real organisation's) ----------


def _nip(rng: random.Random) -> str:
    """A NIP that passes the checksum: weights 6 5 7 2 3 4 5 6 7, remainder mod 11 is the last digit."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randint(1, 9), *(rng.randint(0, 9) for _ in range(8))]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:  # no NIP ends in "10": draw again
            return "".join(map(str, [*digits, check]))


def _regon(rng: random.Random) -> str:
    """A nine-digit REGON: weights 8 9 2 3 4 5 6 7, remainder mod 11 (10 counts as 0)."""
    weights = (8, 9, 2, 3, 4, 5, 6, 7)
    digits = [rng.randint(0, 9) for _ in range(8)]
    check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10
    return "".join(map(str, [*digits, check]))


def _krs(rng: random.Random) -> str:
    return f"0000{rng.randint(100000, 999999)}"


# --- People and profiles -------------------------------------------------------------


def _rng(*key: object) -> random.Random:
    # String seeds are hashed with SHA-512, the same in every process.
    return random.Random("/".join([SEED, *map(str, key)]))  # noqa: S311 — demo data, not secrets


def _ensure_applicant_user(person: DemoApplicant, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(
        email=person.email, defaults={"full_name": person.full_name}
    )
    if user.password != password_hash or user.full_name != person.full_name:
        user.password = password_hash
        user.full_name = person.full_name
        user.save(update_fields=["password", "full_name"])
    EmailAddress.objects.update_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    return user


def _members(person: DemoApplicant) -> list[dict]:
    if person == WNIOSKODAWCA2:
        return ZIELONE_PODWORKO_MEMBERS
    rng = _rng("members", person.email)
    others = [
        {
            "full_name": _member_name(rng),
            "age": rng.randint(16, 26),
            "is_leader": False,
        }
        for _ in range(rng.randint(2, 4))
    ]
    return [{"full_name": person.full_name, "age": rng.randint(18, 25), "is_leader": True}, *others]


def _ensure_profile(person: DemoApplicant, user: User) -> ApplicantProfile:
    """Create the applicant's profile (and a group's members) through profile_save, unless it exists.

    An existing profile is left as its owner may have changed it while trying the demo.
    """
    existing = ApplicantProfile.objects.filter(user=user).first()
    if existing is not None:
        return existing
    rng = _rng("profile", person.email)
    profile = ApplicantProfile(user=user)
    profile.kind = person.kind
    profile.contact_name = person.full_name
    profile.city = person.city
    address = _rng("address", person.email)  # apart: the other draws stay as they were
    profile.street = f"{address.choice(STREETS)} {address.randint(1, 60)}"
    if address.random() < 0.6:
        profile.street += f"/{address.randint(1, 40)}"
    profile.postcode = f"{POSTCODE_PREFIXES[person.city]}-{address.randint(0, 999):03d}"
    profile.date_of_birth = None
    profile.group_name = profile.patron_organisation = profile.organisation_name = ""
    profile.krs = profile.nip = profile.regon = ""
    if person.kind == INDIVIDUAL:
        profile.date_of_birth = person.born or date(
            rng.randint(1997, 2008), rng.randint(1, 12), rng.randint(1, 28)
        )
    elif person.kind == GROUP:
        profile.group_name = person.group_name
        if rng.random() < 0.4:
            profile.patron_organisation = f"Młodzieżowy Dom Kultury {person.in_city}"
    else:
        profile.organisation_name = person.organisation_name
        profile.krs, profile.nip, profile.regon = _krs(rng), _nip(rng), _regon(rng)
    return profile_save(profile=profile, members=_members(person) if person.kind == GROUP else [])


# --- Plans: what each application goes through, and when ------------------------------

DRAFT_TITLE = "title only"
DRAFT_PARTIAL = "half filled in"
DRAFT_NEARLY = "all but the team and questions"
DRAFT_READY = "ready, not submitted"
SUBMITTED = "submitted"
ACCEPTED = "accepted"
CORRECTION = "correction requested"
CORRECTED = "corrected and resubmitted"
REJECTED = "formally rejected"
WITHDRAWN = "withdrawn"

DRAFT_FIELDS = {
    DRAFT_TITLE: ["title"],
    DRAFT_PARTIAL: ["title", "summary", "problem", "goals", "target_group"],
    DRAFT_NEARLY: [f for f in TEXT_FIELDS if f != "team_description"],
}


@dataclass(frozen=True)
class DemoAttachment:
    file_name: str
    lines: tuple[str, ...]
    requirement: str = ""  # the name of the call's AttachmentRequirement, if it is one


@dataclass
class Plan:
    call: GrantCall
    person: DemoApplicant
    stage: str
    texts: dict[str, str]
    schedule: list[dict]
    budget: list[dict]
    answers: dict[str, str]
    started_at: datetime
    edited_at: datetime
    arrived_at: datetime | None = None
    checked_at: datetime | None = None
    check_message: str = ""
    unmet_check_item: str = ""  # a word found in the checklist item the application fails
    correction_deadline: datetime | None = None
    fixes: dict[str, str] = field(default_factory=dict)
    resubmitted_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdraw_note: str = ""
    attachment: DemoAttachment | None = None
    fix_attachment: DemoAttachment | None = None
    # (name, planned, unit); the first is the participants, the call's indicator where it has one
    indicators: list[tuple[str, Decimal, str]] = field(default_factory=list)


def _month_start(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _schedule(theme: Theme, starts: date) -> list[dict]:
    return [
        {
            "starts_on": _month_start(starts, first),
            "ends_on": _month_end(_month_start(starts, last)),
            "activity": activity,
        }
        for first, last, activity in theme.schedule
    ]


def _budget(theme: Theme, rng: random.Random, *, call: GrantCall, volunteers: bool) -> list[dict]:
    """The theme's costs, quantities varied a little; volunteer work as own contribution."""
    lines = []
    for category, item, unit, quantity, unit_cost in theme.budget:
        if quantity >= 10:
            quantity = round(quantity * rng.choice([0.9, 1, 1, 1.1, 1.2]))
        lines.append(
            {
                "category": category,
                "item": item,
                "unit": unit,
                "quantity": Decimal(quantity),
                "unit_cost": Decimal(unit_cost),
                "own_contribution": Decimal("0"),
            }
        )
    if volunteers or call.own_contribution_percent:
        costs = sum(line["quantity"] * line["unit_cost"] for line in lines)
        # Enough hours for the call's share with a margin, and never fewer than a few evenings' work.
        needed = (
            costs * (call.own_contribution_percent + 1) / (100 - call.own_contribution_percent - 1)
        )
        hours = max(Decimal(rng.randint(12, 40)), (needed / VOLUNTEER_HOUR).to_integral_value() + 1)
        lines.append(
            {
                "category": "other",
                "item": "Praca wolontariuszy i wolontariuszek (wycena: 30 zł za godzinę)",
                "unit": "godz.",
                "quantity": hours,
                "unit_cost": VOLUNTEER_HOUR,
                "own_contribution": hours * VOLUNTEER_HOUR,
            }
        )
    return lines


PARTICIPANTS = "Uczestnicy i uczestniczki działań"


def _indicators(person: DemoApplicant, theme: Theme, budget: list[dict]) -> list[tuple]:
    """What the project plans in numbers: participants, events and the volunteers' hours.

    Drawn from a generator of their own, so the other draws stay as they were.
    """
    rng = _rng("indicators", person.email, theme.title)
    rows = [
        (PARTICIPANTS, Decimal(rng.randrange(15, 90, 5)), "osób"),
        ("Warsztaty, spotkania i wydarzenia", Decimal(rng.randint(2, 8)), "wydarzeń"),
    ]
    hours = sum(
        (
            line["quantity"]
            for line in budget
            if line["own_contribution"] and line["unit"] == "godz."
        ),
        Decimal(0),
    )
    if hours:
        rows.append(("Godziny pracy wolontariuszy i wolontariuszek", hours, "godz."))
    return rows


def _plural_people(count: int) -> str:
    return "osoby" if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14) else "osób"


def _team(person: DemoApplicant, theme: Theme, *, school_gen: str = "") -> str:
    if person.kind == GROUP:
        members = _members(person)
        ages = [m["age"] for m in members]
        text = (
            f"Jesteśmy grupą nieformalną „{person.group_name}”: {len(members)} {_plural_people(len(members))} "
            f"w wieku {min(ages)}–{max(ages)} lat. Grupę koordynuje {person.full_name}; każda osoba "
            "odpowiada za jedną część projektu (kontakty z partnerami, zakupy i budżet, promocja)."
        )
    elif person.kind == NGO:
        text = (
            f"Wniosek składa {person.organisation_name}. Projekt koordynuje {person.full_name}, "
            "a realizuje zespół młodych wolontariuszek i wolontariuszy, którzy działają z nami od roku."
        )
    else:
        text = (
            "Koordynuję projekt, a przy pracach pomagają mi znajomi i sąsiedzi. "
            "Od dwóch lat działam w lokalnej grupie klimatycznej i współprowadzę warsztaty dla młodzieży."
        )
    if school_gen:
        text += (
            f" Projekt prowadzimy razem z samorządem uczniowskim {school_gen}; opiekunką ze strony "
            "szkoły jest nauczycielka geografii, a dyrekcja udostępnia teren i sale."
        )
    if theme.partners:
        text += " " + theme.partners
    return text


def _texts(
    theme: Theme, person: DemoApplicant, *, in_city: str = "", school=None
) -> dict[str, str]:
    names = {"in_city": in_city or person.in_city}
    if school:
        names.update(school=school[0], school_gen=school[1], school_loc=school[2])
    texts = {
        name: getattr(theme, name).format(**names)
        for name in TEXT_FIELDS
        if name != "team_description"
    }
    texts["team_description"] = _team(person, theme, school_gen=names.get("school_gen", ""))
    return texts


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, WARSAW).date()


def _arrivals(
    rng: random.Random, count: int, start: datetime, end: datetime, *, rush: float = 1.0
) -> list[datetime]:
    """`count` moments between start and end, in order; rush < 1 crowds them towards the end."""
    span = (end - start).total_seconds()
    return [
        start + timedelta(seconds=span * ((i + rng.random()) / count) ** rush) for i in range(count)
    ]


def _answers(rng: random.Random) -> dict[str, str]:
    answers = {HEARD_FROM: rng.choice(HEARD_FROM_CHOICES)}
    if rng.random() < 0.6:
        answers[EARLIER_PROJECT] = rng.choice(EARLIER_PROJECT_ANSWERS)
    return answers


def _open_call_plans(call: GrantCall, now: datetime) -> list[Plan]:
    rng = _rng("open", call.slug)
    extras = EXTRA_APPLICANTS
    starts = _month_start(_local_day(call.closes_at), 2)
    # The order of submission: reference numbers follow it.
    submitted = [
        (extras[0], RAIN_GARDEN, ACCEPTED),
        (WNIOSKODAWCA1, OUTDOOR_CINEMA, WITHDRAWN),
        (extras[1], MEADOW, CORRECTED),
        (extras[2], EXCHANGE_ABROAD, REJECTED),
        (extras[3], REPAIR_CAFE_TO_CORRECT, CORRECTION),
    ]
    for index, person in enumerate(extras[4:19]):
        submitted.append((person, OPEN_THEMES[index % len(OPEN_THEMES)], SUBMITTED))
        if index == 5:
            submitted.append((WNIOSKODAWCA1, HEAT_MAP, SUBMITTED))
    arrivals = _arrivals(
        rng, len(submitted), call.opens_at + timedelta(hours=6), now - timedelta(hours=8)
    )
    plans = []
    withdrawn_at = None
    for (person, theme, stage), arrived_at in zip(submitted, arrivals, strict=True):
        in_city = "na Czechowie w Lublinie" if person == WNIOSKODAWCA1 else ""
        started_at = max(
            call.opens_at + timedelta(minutes=40), arrived_at - timedelta(days=rng.uniform(1, 4))
        )
        if person == WNIOSKODAWCA1 and withdrawn_at:
            started_at = max(started_at, withdrawn_at + timedelta(hours=3))
        plan = Plan(
            call=call,
            person=person,
            stage=stage,
            texts=_texts(theme, person, in_city=in_city),
            schedule=_schedule(theme, starts),
            budget=_budget(theme, rng, call=call, volunteers=True),
            answers=_answers(rng),
            started_at=started_at,
            edited_at=arrived_at - timedelta(minutes=rng.randint(3, 90)),
            arrived_at=arrived_at,
        )
        plan.indicators = _indicators(person, theme, plan.budget)
        if stage == ACCEPTED:
            plan.checked_at = _at(_local_day(arrived_at) + timedelta(days=3), 10, 20)
            plan.check_message = "Wniosek jest kompletny — przekazujemy go do oceny merytorycznej."
        elif stage == CORRECTED:
            plan.checked_at = _at(_local_day(arrived_at) + timedelta(days=3), 11, 5)
            plan.check_message = MEADOW_CORRECTION_MESSAGE
            plan.unmet_check_item = "zgodę zarządcy"
            plan.correction_deadline = deadline_in(call.correction_days, now=plan.checked_at)
            plan.fixes = MEADOW_FIXES
            plan.resubmitted_at = plan.checked_at + timedelta(days=2, hours=8)
            plan.fix_attachment = DemoAttachment(
                "zgoda-zarzadcy-terenu.pdf",
                (
                    "Zgoda zarzadcy terenu",
                    "Zarzad Osiedla wyraza zgode na zalozenie laki kwietnej",
                    "na terenie zielonym przy blokach nr 4, 6 i 8 (ok. 200 m2).",
                    "Zarzad zobowiazuje sie kosic lake dwa razy w roku.",
                ),
            )
        elif stage == REJECTED:
            plan.checked_at = _at(_local_day(arrived_at) + timedelta(days=4), 9, 40)
            plan.check_message = REJECTION_MESSAGE
            plan.unmet_check_item = "w Polsce"
        elif stage == CORRECTION:
            # Recent, so the applicant still has days left to correct when the demo is opened.
            plan.checked_at = _at(_local_day(now) - timedelta(days=2), 12, 15)
            plan.check_message = CORRECTION_MESSAGE
            plan.unmet_check_item = "Budżet"
            plan.correction_deadline = _at(_local_day(now) + timedelta(days=5), 23, 59)
        elif stage == WITHDRAWN:
            plan.withdrawn_at = arrived_at + timedelta(days=2, hours=3)
            plan.withdraw_note = (
                "Zarządca parku nie zgodził się na wieczorne pokazy w wakacje. Wycofuję wniosek — "
                "zamiast kina złożę wniosek o mapę upałów Czechowa."
            )
            withdrawn_at = plan.withdrawn_at
        if person == WNIOSKODAWCA1 and stage == SUBMITTED:
            plan.attachment = DemoAttachment(
                "list-poparcia-klub-seniora.pdf",
                (
                    "List poparcia",
                    "Klub Seniora 'Pogodna Jesien' popiera projekt 'Mapa upalow Czechowa'.",
                    "Nasi czlonkowie chetnie wezma udzial w spacerze badawczym",
                    "i wskaza miejsca, w ktorych latem najtrudniej wytrzymac.",
                ),
                requirement=SUPPORT_LETTER,
            )
        plans.append(plan)

    drafts = [
        (WNIOSKODAWCA2, GREEN_COURTYARD, DRAFT_NEARLY),
        (extras[19], PODCAST, DRAFT_TITLE),
        (extras[20], ADOPT_A_TREE, DRAFT_PARTIAL),
        (extras[21], ENERGY_AUDIT, DRAFT_READY),
    ]
    for person, theme, stage in drafts:
        started_at = call.opens_at + (now - call.opens_at) * rng.uniform(0.3, 0.9)
        plan = Plan(
            call=call,
            person=person,
            stage=stage,
            texts=_texts(theme, person),
            schedule=_schedule(theme, starts),
            budget=_budget(theme, rng, call=call, volunteers=True),
            answers=_answers(rng),
            started_at=started_at,
            edited_at=min(
                now - timedelta(minutes=30), started_at + timedelta(hours=rng.uniform(1, 60))
            ),
        )
        plan.indicators = _indicators(person, theme, plan.budget)
        plans.append(plan)
    return plans


def _closed_call_plans(call: GrantCall, now: datetime) -> list[Plan]:
    """Forty-one applications that arrived before the deadline and passed the formal check."""
    rng = _rng("closed", call.slug)
    people = list(EXTRA_APPLICANTS)
    people.insert(17, WNIOSKODAWCA1)
    arrivals = _arrivals(
        rng,
        len(people),
        call.opens_at + timedelta(days=2),
        call.closes_at - timedelta(minutes=7),
        rush=0.45,
    )
    first_check_day = _local_day(call.closes_at) + timedelta(days=1)
    starts = _month_start(_local_day(now), 1)
    plans = []
    for index, (person, arrived_at) in enumerate(zip(people, arrivals, strict=True)):
        theme = SCHOOL_THEMES[index % len(SCHOOL_THEMES)]
        school = SCHOOLS[(index * 4) % len(SCHOOLS)]
        plan = Plan(
            call=call,
            person=person,
            stage=ACCEPTED,
            texts=_texts(theme, person, school=school),
            schedule=_schedule(theme, starts),
            budget=_budget(theme, rng, call=call, volunteers=rng.random() < 0.35),
            answers={},
            started_at=max(
                call.opens_at + timedelta(hours=2), arrived_at - timedelta(days=rng.uniform(1, 10))
            ),
            edited_at=arrived_at - timedelta(minutes=rng.randint(3, 120)),
            arrived_at=arrived_at,
            # Six checks a working morning, in the order the applications arrived.
            checked_at=_at(
                first_check_day + timedelta(days=index // 6), 9 + index % 6, rng.randint(0, 50)
            ),
        )
        plan.indicators = _indicators(person, theme, plan.budget)
        if index == 3:
            plan.attachment = DemoAttachment(
                "zgoda-dyrekcji-szkoly.pdf",
                (
                    "Zgoda dyrekcji szkoly",
                    "Dyrekcja szkoly wyraza zgode na realizacje projektu",
                    "na terenie szkoly i udostepni sale na warsztaty.",
                ),
            )
        plans.append(plan)
    return plans


# --- Carrying a plan out through the services ------------------------------------------


def _pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF with a few lines of plain ASCII text (the standard Helvetica has no Polish letters)."""
    text = " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    )
    stream = f"BT /F1 12 Tf 16 TL 72 780 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _attach(application: Application, attachment: DemoAttachment) -> None:
    upload = SimpleUploadedFile(
        attachment.file_name, _pdf(attachment.lines), content_type="application/pdf"
    )
    checked = attachment_check(upload, max_mb=application.call.max_attachment_mb)
    requirement = None
    if attachment.requirement:
        requirement = application.call.attachment_requirements.filter(
            name=attachment.requirement
        ).first()
    attachment_add(application=application, upload=upload, requirement=requirement, checked=checked)


def _answer_for(question: CallQuestion, answers: dict[str, str]):
    """The plan's answer to one of our questions; a plausible one to a question someone else added."""
    if question.label in answers:
        return answers[question.label]
    if not question.required:
        return None
    if question.kind == QuestionKind.CHOICE:
        return question.choice_list[0] if question.choice_list else None
    if question.kind == QuestionKind.YES_NO:
        return "yes"
    if question.kind == QuestionKind.NUMBER:
        return "1"
    return "Opiszemy to dokładniej na szkoleniu przed realizacją projektu."


def _checklist(call: GrantCall, unmet: str) -> list[dict]:
    return [
        {"item": item.text, "ok": not (unmet and unmet in item.text)}
        for item in call.formal_check_items.all()
    ]


def _already_made(plan: Plan, user: User) -> bool:
    """The stable key: the same applicant's application with this title, or a live one, in the call."""
    return (
        Application.objects.filter(call=plan.call, applicant=user)
        .filter(Q(title=plan.texts["title"]) | ~Q(status=ApplicationStatus.WITHDRAWN))
        .exists()
    )


def _plan_indicators(application: Application, plan: Plan) -> None:
    """The plan's numbers: the participants go to the call's indicator of that name, if it has one."""
    required = {indicator.name: indicator for indicator in application.call.indicators.all()}
    planned = {name: number for name, number, _unit in plan.indicators}
    # An indicator someone added to the call while trying the demo gets a plausible number.
    rows = [
        {"call_indicator": indicator, "planned": planned.get(name, Decimal(10))}
        for name, indicator in required.items()
    ]
    rows += [
        {"call_indicator": None, "name": name, "planned": planned, "unit": unit}
        for name, planned, unit in plan.indicators
        if name not in required
    ]
    application_indicators_save(application=application, rows=rows)


def _carry_out(plan: Plan, user: User, coordinator: User) -> Application:
    call = plan.call
    eligibility = {
        str(q.pk): {"question": q.text, "answer": q.required_answer}
        for q in call.eligibility_questions.all()
    }
    application = application_start(call=call, applicant=user, eligibility_answers=eligibility)
    fields = DRAFT_FIELDS.get(plan.stage, TEXT_FIELDS)
    application = application_update(
        application=application, fields={f: plan.texts[f] for f in fields}
    )
    if plan.stage in (DRAFT_TITLE, DRAFT_PARTIAL):
        return application
    application_schedule_save(application=application, items=plan.schedule)
    application = application_budget_save(application=application, lines=plan.budget)
    _plan_indicators(application, plan)
    if plan.stage == DRAFT_NEARLY:
        return application
    answers = {str(q.pk): _answer_for(q, plan.answers) for q in call.questions.all()}
    application = application_answers_save(application=application, answers=answers)
    if plan.attachment:
        _attach(application, plan.attachment)
    if plan.stage == DRAFT_READY:
        return application

    # People applying alone are asked whether their name may go on the public results;
    # about a third of the demo's say no, so its results page shows both a name and initials.
    kind = user.applicant_profile.kind
    agrees = zlib.crc32(user.email.encode()) % 3 != 0
    consents = [
        {"key": c["key"], "text": c["text"]}
        for c in submission_consents(call, applicant_kind=kind)
        if c["required"] or agrees
    ]
    demo_guardians_consent(application=application, at=plan.arrived_at)  # minors (issue 13)
    application_submit(
        application=application, by=user, consents=consents, arrived_at=plan.arrived_at
    )
    if plan.stage == WITHDRAWN:
        return application_withdraw(application=application, by=user, note=plan.withdraw_note)
    if plan.stage == SUBMITTED:
        return application

    outcome = {
        ACCEPTED: FormalCheckOutcome.ACCEPTED,
        CORRECTION: FormalCheckOutcome.CORRECTION,
        CORRECTED: FormalCheckOutcome.CORRECTION,
        REJECTED: FormalCheckOutcome.REJECTED,
    }[plan.stage]
    formal_check_record(
        application=application,
        outcome=outcome,
        by=coordinator,
        checklist=_checklist(call, plan.unmet_check_item),
        message=plan.check_message,
        correction_deadline=plan.correction_deadline,
    )
    if plan.stage == CORRECTED:
        application = application_update(application=application, fields=plan.fixes)
        if plan.fix_attachment:
            _attach(application, plan.fix_attachment)
        application_submit(
            application=application, by=user, consents=consents, arrived_at=plan.resubmitted_at
        )
    application.refresh_from_db()
    return application


def _history_moments(plan: Plan) -> list[datetime]:
    """When each status change of the plan happened, in the order the services record them."""
    moments = [plan.started_at]
    if plan.arrived_at:
        moments.append(plan.arrived_at)
    if plan.checked_at:
        moments.append(plan.checked_at)
    if plan.resubmitted_at:
        moments.append(plan.resubmitted_at)
    if plan.withdrawn_at:
        moments.append(plan.withdrawn_at)
    return moments


def _backdate(application: Application, plan: Plan) -> None:
    """Put the history at the moments of the story, and count that story's e-mails as sent then."""
    moments = _history_moments(plan)
    changes = list(application.status_changes.order_by("pk"))
    for change, moment in zip(changes, moments, strict=True):
        notified = moment if change.new_status in NOTIFY_APPLICANT_ON else None
        StatusChange.objects.filter(pk=change.pk).update(at=moment, notified_at=notified)
    if plan.checked_at:
        FormalCheck.objects.filter(application=application).update(at=plan.checked_at)
    ApplicationVersion.objects.filter(application=application).update(
        confirmation_sent_at=F("submitted_at")
    )
    Attachment.objects.filter(application=application).update(
        uploaded_at=plan.started_at + timedelta(hours=1)
    )
    if plan.fix_attachment and plan.resubmitted_at:
        Attachment.objects.filter(
            application=application, original_name=plan.fix_attachment.file_name
        ).update(uploaded_at=plan.resubmitted_at - timedelta(hours=1))
    Application.objects.filter(pk=application.pk).update(
        created_at=plan.started_at, updated_at=max([*moments, plan.edited_at])
    )


def demo_applications_load(
    *, calls: dict[str, GrantCall], people: dict[str, User], coordinator: User, password: str
) -> dict[str, dict[str, int]]:
    """Create the demo applicants, their profiles and applications; existing ones are kept as they are.

    Returns the number of applications per call slug and status.
    """
    now = timezone.now()
    # One hash with a fixed salt for every demo applicant: the password is
    # public anyway, and hashing it forty times would take seconds.
    password_hash = make_password(password, salt="aktywnidlaklimatu")
    users = {person.email: people[person.email] for person in (WNIOSKODAWCA1, WNIOSKODAWCA2)}
    for person in EXTRA_APPLICANTS:
        users[person.email] = _ensure_applicant_user(person, password_hash)
    for person in (WNIOSKODAWCA1, WNIOSKODAWCA2, *EXTRA_APPLICANTS):
        _ensure_profile(person, users[person.email])

    open_call, closed_call = calls["open"], calls["closed"]
    _open_call_parts(open_call, by=coordinator)
    for call, plans in (
        (open_call, _open_call_plans(open_call, now)),
        (closed_call, _closed_call_plans(closed_call, now)),
    ):
        # The call is still published when its story's applications arrive (a call past
        # its deadline stays so until reviewing starts), so each arrival is judged in time.
        # Once reviewing has started, its story is complete: nothing is added.
        if call.status != CallStatus.OPEN:
            continue
        for plan in plans:
            user = users[plan.person.email]
            if not _already_made(plan, user):
                _backdate(_carry_out(plan, user, coordinator), plan)

    return {
        call.slug: dict(Counter(call.applications.values_list("status", flat=True)))
        for call in (open_call, closed_call)
    }

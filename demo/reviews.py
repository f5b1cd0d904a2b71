"""Demo review stage of the closed call "Zielone szkoły": pools, assignments, declarations, reviews.

Everything is made through the reviews' services, the way the coordinator and
the reviewers would make it: the pools are filled, `assignments_auto` hands
out the applications, reviewers declare impartiality (two declare a conflict
instead, and one of those applications already has a replacement), save drafts
and submit reviews; the coordinator adds an extra reviewer to an application
the reviewers disagree about. So statuses, totals, the audit trail and the
applications' (and the call's) move to "in review" and "reviewed" are the real thing.

Only two kinds of field are set afterwards, and neither is a status:

* the moments of the story (pool memberships, assignments, declarations,
  drafts, submissions, the applications' and the call's status changes) are
  moved back to when they happened, since the services stamp them "now";
* due dates: the services are given a due date in the past, which queues no
  reminder, and the real one is written afterwards. So loading the demo
  queues no reminders (the task backend of the tests could not defer them
  anyway), and the overdue assignments are marked as reminded back then.

The coordinators' notice of each conflict is marked as sent when it was
declared, like the applicants' e-mails, so the task worker sends nothing.

Reviewers have a bias (one lenient, one strict), so the normalised score of
the ranking differs from the plain one. Every random choice comes from a
generator seeded with a fixed string, so the demo is the same every time.
When the closed call already has assignments, nothing more is made.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application, StatusChange
from grants.enums import CallStatus
from grants.models import CallStatusChange, Criterion, GrantCall
from reviews.enums import Recommendation, ReviewProgress, ReviewStatus
from reviews.models import PoolMember, Review, ReviewAssignment, ReviewEvent
from reviews.scoring import weighted_total
from reviews.services import (
    REMINDER_BEFORE_DUE,
    assignment_declare,
    assignments_auto,
    extra_reviewer_add,
    pool_add,
    review_save,
    review_submit,
)

SEED = "aktywni-dla-klimatu/recenzje"
ASSIGNMENT_SEED = 2027  # assignments_auto's tie-break; the call's id would differ between databases
WARSAW = ZoneInfo("Europe/Warsaw")
FIRST_BATCH = 12  # applications 1–12 were checked first, assigned first and are due already

# What a reviewer has done with one assignment.
SUBMITTED, DRAFTED, DECLARED, ASSIGNED = (
    ReviewProgress.SUBMITTED,
    ReviewProgress.DRAFTED,
    ReviewProgress.DECLARED,
    ReviewProgress.ASSIGNED,
)


@dataclass(frozen=True)
class DemoReviewer:
    email: str
    full_name: str
    bias: float  # points out of 100 the reviewer adds to what an application deserves
    pace: tuple[str, ...]  # stages of the assignments, earliest due first; the last one repeats


REVIEWERS = [
    # The newcomer's account: work waiting for a declaration, a draft, a few reviews sent.
    DemoReviewer(
        "recenzent1@example.org",
        "Tomasz Wieczorek",
        0,
        (SUBMITTED, SUBMITTED, SUBMITTED, DRAFTED, ASSIGNED, SUBMITTED, DECLARED, ASSIGNED),
    ),
    DemoReviewer("recenzent2@example.org", "Agnieszka Zielińska", 14, (SUBMITTED,)),  # lenient
    DemoReviewer(
        "recenzent3@example.org", "Michał Kowalczyk", -14, (SUBMITTED,) * 9 + (DRAFTED,)
    ),  # strict
    DemoReviewer(
        "recenzentka4@example.org", "Joanna Kaczmarczyk", 3, (SUBMITTED,) * 7 + (DECLARED,)
    ),
    DemoReviewer(  # slow: overdue with nothing sent
        "recenzent5@example.org",
        "Paweł Wróblewski",
        -2,
        (ASSIGNED, DRAFTED, DECLARED, SUBMITTED, SUBMITTED, DECLARED, ASSIGNED),
    ),
    DemoReviewer(
        "recenzentka6@example.org",
        "Magdalena Pietrzyk",
        -4,
        (SUBMITTED,) * 4 + (DRAFTED, DRAFTED, DECLARED, SUBMITTED),
    ),
    DemoReviewer(
        "recenzent7@example.org", "Marek Jabłoński", 5, (SUBMITTED,) * 6 + (ASSIGNED, DECLARED)
    ),
    DemoReviewer("recenzentka8@example.org", "Ewa Górecka", 0, (SUBMITTED,)),
]
OPEN_CALL_POOL = ["recenzent1@example.org", "recenzent2@example.org"]

# (reviewer, the kind of applicant the conflict is about, reason, replaced by the coordinator yet)
CONFLICTS = [
    (
        "recenzentka4@example.org",
        ApplicantKind.GROUP,
        "Znam osobiście opiekunkę tej grupy — przez kilka lat uczyłyśmy w tej samej szkole.",
        True,
    ),
    (
        "recenzent7@example.org",
        ApplicantKind.NGO,
        "Do zeszłego roku zasiadałem w zarządzie tej organizacji, a jej prezes to mój dobry znajomy.",
        False,
    ),
]
# Totals the more lenient and the stricter reviewer aim at; the first dispute gets a third reviewer.
DISPUTES = [(86, 44), (83, 48), (80, 49)]

STRONG, AVERAGE, WEAK = "strong", "average", "weak"

JUSTIFICATIONS = {
    "Pomysł i jego znaczenie dla klimatu": {
        STRONG: [
            "Pomysł jest konkretny i dobrze osadzony w realiach szkoły: wnioskodawcy podają w liczbach, ile wody, energii lub dojazdów samochodem projekt pozwoli zaoszczędzić. Efekt klimatyczny jest bezpośredni, a nie tylko edukacyjny.",
            "Trafny wybór działania — łączy ograniczenie emisji z przystosowaniem do upałów i ulew. Diagnoza opiera się na obserwacjach samych uczniów, co wzmacnia jej wiarygodność.",
            "Jasno opisany problem i przekonujące uzasadnienie, dlaczego właśnie to działanie w tej szkole. Projekt może stać się wzorem dla innych szkół w mieście.",
        ],
        AVERAGE: [
            "Pomysł jest sensowny, ale związek z klimatem opisano ogólnikowo — brakuje choćby szacunku, ile emisji lub wody projekt pozwoli zaoszczędzić.",
            "Działanie ma wartość edukacyjną, natomiast bezpośredni efekt klimatyczny będzie niewielki. Diagnoza opiera się bardziej na danych ogólnopolskich niż na sytuacji tej szkoły.",
            "Dobry punkt wyjścia, choć podobne działanie szkoła mogłaby przeprowadzić bez grantu. Zabrakło pokazania, co nowego wniesie projekt.",
        ],
        WEAK: [
            "Opis problemu jest bardzo ogólny i nie dotyczy wprost szkoły ani jej otoczenia. Nie wiadomo, jak projekt zmniejszy emisje albo pomoże przygotować się na upały czy ulewy.",
            "Związek z klimatem jest słaby — to przede wszystkim jednorazowe wydarzenie, po którym w szkole nic się trwale nie zmieni.",
            "Wniosek powtarza hasła z ogłoszenia naboru, ale nie pokazuje, jaki konkretny problem rozwiązuje.",
        ],
    },
    "Udział młodzieży": {
        STRONG: [
            "Uczniowie są autorami pomysłu i odpowiadają za kolejne etapy — od ankiety po budowę. Opiekunka wspiera, ale nie prowadzi, co dobrze widać w podziale zadań.",
            "Bardzo dobrze opisany podział ról w zespole; młodzież prowadzi też zajęcia dla młodszych klas, więc uczy innych, a nie tylko uczestniczy.",
            "Wniosek wyraźnie napisali uczniowie — widać ich język i pomysły. Samorząd uczniowski jest partnerem od początku.",
        ],
        AVERAGE: [
            "Uczniowie biorą udział w działaniach, ale decyzje i kontakty z partnerami zostają po stronie nauczycieli. Warto dać młodzieży więcej odpowiedzialności.",
            "Udział młodzieży opisano poprawnie, choć ogólnie — nie wiadomo, ile osób zaangażuje się poza lekcjami.",
            "Grupa inicjatywna jest mała i nie ma planu, jak włączyć pozostałych uczniów szkoły.",
        ],
        WEAK: [
            "Młodzież pojawia się głównie jako odbiorcy warsztatów. Projekt wygląda na przygotowany przez dorosłych.",
            "Brak informacji, kto z uczniów i w jaki sposób współtworzy projekt — opis zespołu wymienia tylko opiekuna.",
            "Uczniowie nie mają samodzielnych zadań; ich rola ogranicza się do obecności na zajęciach.",
        ],
    },
    "Plan działań i harmonogram": {
        STRONG: [
            "Harmonogram jest realistyczny i uwzględnia ferie oraz porę roku przy pracach w terenie. Każdy etap ma przypisany rezultat.",
            "Plan jest konkretny: wiadomo, co, kiedy i kto robi. Zgoda dyrekcji i dostęp do terenu są zapewnione.",
            "Działania logicznie z siebie wynikają, a ankieta na początku i na końcu pozwoli zmierzyć efekt.",
        ],
        AVERAGE: [
            "Plan jest wykonalny, ale napięty — budowa w czerwcu zbiega się z końcem roku szkolnego.",
            "Harmonogram opisano miesiącami, bez wskazania, kto odpowiada za poszczególne etapy.",
            "Brakuje planu B na wypadek złej pogody albo opóźnień w dostawach; poza tym plan jest spójny.",
        ],
        WEAK: [
            "Harmonogram jest nierealny — większość działań skumulowano w jednym miesiącu, bez czasu na zgody i zakupy.",
            "Plan nie pokazuje, jak działania przełożą się na cele; części zapowiedzianych działań w nim nie ma.",
            "Nie wiadomo, czy szkoła zgodziła się na prace na swoim terenie — bez tego cały plan stoi pod znakiem zapytania.",
        ],
    },
    "Budżet": {
        STRONG: [
            "Koszty są niezbędne i dobrze opisane, stawki odpowiadają cenom rynkowym. Praca wolontariuszy realnie obniża koszt projektu.",
            "Budżet jest oszczędny i przejrzysty — każda pozycja wynika z konkretnego działania w harmonogramie.",
        ],
        AVERAGE: [
            "Budżet jest w większości uzasadniony, ale poczęstunek i materiały promocyjne wydają się zawyżone wobec skali działań.",
            "Część pozycji opisano zbyt ogólnie („materiały”, „inne”), trudno ocenić ich zasadność.",
            "Stawki są realne, ale brakuje kosztów, które wynikają z opisu (np. transportu roślin).",
        ],
        WEAK: [
            "Budżet nie odpowiada działaniom: największa pozycja to sprzęt, którego użycia wniosek nie opisuje.",
            "Koszty są wyraźnie zawyżone, a kilka pozycji (np. nagrody rzeczowe) nie służy celom projektu.",
        ],
    },
}
# For criteria a coordinator has renamed or added since the demo was written.
ANY_CRITERION = {
    STRONG: ["Kryterium spełnione w pełni; opis jest konkretny i przekonujący."],
    AVERAGE: ["Kryterium spełnione częściowo — opis wymaga doprecyzowania."],
    WEAK: [
        "Kryterium spełnione w niewielkim stopniu; wniosek nie odpowiada na pytanie z kryterium."
    ],
}

COMMENTS = {
    STRONG: [
        "Gratulujemy przemyślanego projektu! Doceniamy zwłaszcza to, że uczniowie sami zdiagnozowali problem i zaplanowali rozwiązanie. Zachęcamy do dokumentowania efektów — zdjęcia „przed” i „po” zainspirują inne szkoły.",
        "Bardzo dobry wniosek: konkretny, realny i z wyraźnym efektem dla klimatu. Przy realizacji warto od razu ustalić, kto zadba o efekty projektu po wakacjach.",
        "Świetny pomysł i dobrze policzony budżet. Jedna sugestia: zaplanujcie pomiar efektów (liczba rowerów, litry zatrzymanej wody), żeby pokazać, ile udało się zmienić.",
    ],
    AVERAGE: [
        "Pomysł ma potencjał, ale wniosek wymaga doprecyzowania: opiszcie dokładniej efekt klimatyczny projektu i to, kto z uczniów za co odpowiada.",
        "Projekt jest wartościowy, jednak harmonogram wydaje się zbyt napięty, a część kosztów słabo uzasadniona. W razie dofinansowania poprosimy o korektę budżetu.",
        "Doceniamy inicjatywę uczniów. Warto mocniej włączyć młodsze klasy i zaplanować, co stanie się z efektami po zakończeniu roku szkolnego.",
    ],
    WEAK: [
        "Dziękujemy za wniosek. W obecnej formie nie pokazuje on jasno, jaki problem klimatyczny rozwiązuje ani jaką rolę mają w nim uczniowie. Zachęcamy do rozwinięcia pomysłu w kolejnym naborze.",
        "Pomysł jest ciekawy, ale plan i budżet nie pozwalają ocenić, czy uda się go zrealizować. Przy kolejnej próbie warto skonsultować wniosek z opiekunem z sieci ruchów miejskich.",
        "Wniosek jest zbyt ogólny: brakuje diagnozy sytuacji w szkole, konkretnego harmonogramu i kalkulacji kosztów.",
    ],
}
NOTES = {
    STRONG: [
        "Rekomenduję dofinansowanie w pełnej wysokości — jeden z najlepszych wniosków w naborze.",
        "Zespół działał już w poprzedniej edycji; warto zaprosić go do podzielenia się doświadczeniem na szkoleniu.",
    ],
    AVERAGE: [
        "Do rozważenia dofinansowanie po obcięciu kosztów poczęstunku o ok. 30%.",
        "Przed podpisaniem umowy warto poprosić o pisemną zgodę dyrekcji.",
        "Podobny projekt złożyła inna szkoła z tego miasta — może warto zaproponować im współpracę.",
    ],
    WEAK: [
        "Wniosek wygląda na pisany przez nauczyciela, nie przez uczniów — to sprzeczne z ideą naboru.",
        "Budżet wymaga gruntownej korekty; bez niej nie rekomenduję finansowania.",
    ],
}
DISPUTE_NOTES = {
    STRONG: "Moim zdaniem wzorcowy projekt — proszę zwrócić uwagę, jak dokładnie uczniowie opisali swoje role.",
    WEAK: "Oceniam surowo: szkoła prowadziła podobne działanie dwa lata temu, grant sfinansowałby tylko jego kontynuację.",
}


@dataclass
class Story:
    """When things happened to one assignment, as the demo tells it."""

    assigned_at: datetime
    due_at: datetime
    stage: str = ASSIGNED
    declared_at: datetime | None = None
    worked_at: datetime | None = None  # the draft's last save, or the submission
    target: float = 0.0  # the total the reviewer's points aim at
    disputed: bool = False  # one of two reviews far apart, on purpose


def _rng(*key: object) -> random.Random:
    # String seeds are hashed with SHA-512, the same in every process.
    return random.Random("/".join([SEED, *map(str, key)]))  # noqa: S311 — demo data, not secrets


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW)


def _band(fraction: float) -> str:
    return STRONG if fraction >= 0.7 else AVERAGE if fraction >= 0.5 else WEAK


def _ensure_reviewer(person: DemoReviewer, password_hash: str) -> User:
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


def _review_data(
    criteria: list[Criterion], target: float, rng: random.Random, *, complete: bool, disputed=False
) -> dict:
    """What review_save/review_submit take: points near `target` with a justification each."""
    fraction = min(max(target, 0), 100) / 100
    scores = {}
    for criterion in criteria if complete else criteria[: rng.randint(1, 2)]:
        spread = criterion.max_points / (20 if disputed else 12)
        points = round(fraction * criterion.max_points + rng.gauss(0, spread))
        points = min(max(points, 0), criterion.max_points)
        texts = JUSTIFICATIONS.get(criterion.name, ANY_CRITERION)
        scores[criterion.pk] = {
            "points": points,
            "justification": rng.choice(texts[_band(points / criterion.max_points)]),
        }
    if not complete:
        return {
            "scores": scores,
            "comment_for_applicant": "",
            "note_for_committee": "",
            "recommendation": "",
        }
    by_id = {criterion.pk: criterion for criterion in criteria}
    total = float(
        weighted_total(
            (value["points"], by_id[pk].max_points, by_id[pk].weight)
            for pk, value in scores.items()
        )
    )
    band = _band(total / 100)
    note = ""
    if disputed:
        note = DISPUTE_NOTES[STRONG if band == STRONG else WEAK]
    elif rng.random() < 0.3:
        note = rng.choice(NOTES[band])
    return {
        "scores": scores,
        "comment_for_applicant": rng.choice(COMMENTS[band]),
        "note_for_committee": note,
        "recommendation": {
            STRONG: Recommendation.FUND,
            AVERAGE: Recommendation.FUND_WITH_CHANGES,
            WEAK: Recommendation.DO_NOT_FUND,
        }[band],
    }


@dataclass(frozen=True)
class Timeline:
    """The review stage's dates, relative to the day the demo is loaded."""

    today: date

    @property
    def first_assigned(self) -> datetime:  # the applications checked first
        return _at(self.today - timedelta(days=24), 10, 15)

    @property
    def first_due(self) -> datetime:
        return _at(self.today - timedelta(days=3), 23, 59)

    @property
    def main_assigned(self) -> datetime:  # the rest, once the formal check was over
        return _at(self.today - timedelta(days=18), 9, 40)

    @property
    def main_due(self) -> datetime:
        return _at(self.today + timedelta(days=10), 23, 59)


def _active(call: GrantCall) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.filter(call=call)
        .active()
        .select_related("application", "reviewer")
        .order_by("application__number_in_call", "pk")
    )


def _assign(call: GrantCall, *, by: User, when: Timeline, stories: dict[int, Story]) -> None:
    """Run the automatic assignment; new assignments get a story of the batch they belong to."""
    # A due date in the past queues no reminder; the real one is written by _backdate.
    assignments_auto(call=call, due_at=when.first_assigned, by=by, seed=ASSIGNMENT_SEED)
    for assignment in _active(call):
        if assignment.pk not in stories:
            first = assignment.application.number_in_call <= FIRST_BATCH
            stories[assignment.pk] = Story(
                assigned_at=when.first_assigned if first else when.main_assigned,
                due_at=when.first_due if first else when.main_due,
            )


def _declare_conflicts(
    call: GrantCall, *, users, coordinator: User, when: Timeline, stories: dict[int, Story]
) -> set[int]:
    """One conflict early on, filled by assigning again; one two days ago, not yet replaced.

    Returns the ids of the applications concerned.
    """
    applications = set()
    for email, kind, reason, replaced in CONFLICTS:
        own = [
            a
            for a in _active(call)
            if a.reviewer.email == email and a.application.number_in_call > FIRST_BATCH
        ]
        # The reasons speak of a group's teacher and an organisation's board: pick such an applicant.
        chosen = next((a for a in own if a.application.applicant_kind == kind), own[0])
        assignment_declare(assignment=chosen, impartial=False, reason=reason, by=users[email])
        ReviewAssignment.objects.filter(pk=chosen.pk).update(conflict_notified_at=timezone.now())
        applications.add(chosen.application_id)
        if replaced:
            declared_at = when.main_assigned + timedelta(days=1, hours=3)
            stories[chosen.pk].declared_at = declared_at
            known = set(stories)
            _assign(call, by=coordinator, when=when, stories=stories)
            for pk in set(stories) - known:
                stories[pk].assigned_at = declared_at + timedelta(hours=20)
                stories[pk].due_at = when.main_due
        else:
            stories[chosen.pk].declared_at = _at(when.today - timedelta(days=2), 20, 30)
    return applications


def _plan(active: list[ReviewAssignment], stories: dict[int, Story], rng: random.Random) -> None:
    """How far each reviewer has got (their pace), and the total each review aims at."""
    quality = {a.application_id: rng.gauss(64, 13) for a in active}
    for person in REVIEWERS:
        own = sorted(
            (a for a in active if a.reviewer.email == person.email),
            key=lambda a: (stories[a.pk].due_at, a.application.number_in_call),
        )
        for index, assignment in enumerate(own):
            story = stories[assignment.pk]
            story.stage = person.pace[min(index, len(person.pace) - 1)]
            aim = quality[assignment.application_id] + person.bias + rng.gauss(0, 5)
            story.target = min(max(aim, 15), 90)  # so that perfect scores stay rare


def _plan_disputes(
    active: list[ReviewAssignment],
    stories: dict[int, Story],
    rng: random.Random,
    *,
    conflicted: set[int],
) -> list[list[ReviewAssignment]]:
    """Pick applications of the main batch, both reviews to be submitted, for the disagreements."""
    pairs: dict[int, list[ReviewAssignment]] = {}
    for assignment in active:
        pairs.setdefault(assignment.application_id, []).append(assignment)
    candidates = [
        pair
        for application_id, pair in pairs.items()
        if application_id not in conflicted
        and len(pair) == 2
        and pair[0].application.number_in_call > FIRST_BATCH
        and all(stories[a.pk].stage == SUBMITTED for a in pair)
    ]
    bias = {person.email: person.bias for person in REVIEWERS}
    disputes = rng.sample(candidates, len(DISPUTES))
    for pair, (high, low) in zip(disputes, DISPUTES, strict=True):
        kinder, harsher = sorted(pair, key=lambda a: -bias[a.reviewer.email])
        for assignment, target in ((kinder, high), (harsher, low)):
            stories[assignment.pk].target = target
            stories[assignment.pk].disputed = True
    return disputes


def _carry_out(
    call: GrantCall,
    active: list[ReviewAssignment],
    stories: dict[int, Story],
    rng: random.Random,
    *,
    now: datetime,
) -> None:
    """Each reviewer declares, drafts and submits as far as their story goes."""
    criteria = list(call.criteria.order_by("position", "pk"))
    for assignment in active:
        story = stories[assignment.pk]
        if story.stage == ASSIGNED:
            continue
        reviewer = assignment.reviewer
        story.declared_at = story.assigned_at + timedelta(hours=rng.uniform(2, 72))
        assignment_declare(assignment=assignment, impartial=True, by=reviewer)
        if story.stage == DRAFTED:
            story.worked_at = story.declared_at + (now - story.declared_at) * rng.uniform(0.2, 0.9)
            data = _review_data(criteria, story.target, rng, complete=False)
            review_save(assignment=assignment, **data)
        elif story.stage == SUBMITTED:
            latest = min(story.due_at - timedelta(hours=12), now - timedelta(hours=3))
            if story.disputed:  # early, so the coordinator has had time to notice
                latest = story.declared_at + timedelta(days=5)
            story.worked_at = story.declared_at + (latest - story.declared_at) * rng.uniform(
                0.15, 1
            )
            data = _review_data(criteria, story.target, rng, complete=True, disputed=story.disputed)
            review_submit(assignment=assignment, by=reviewer, **data)


def _add_extra_reviewer(
    pair: list[ReviewAssignment], *, by: User, when: Timeline, stories: dict[int, Story]
) -> None:
    """The coordinator noticed a disagreement and asked a third reviewer, who has declared."""
    noticed = max(stories[a.pk].worked_at for a in pair) + timedelta(days=1, hours=2)
    extra = extra_reviewer_add(application=pair[0].application, due_at=when.first_assigned, by=by)
    if extra is None:  # nobody else in the pool may review it
        return
    stories[extra.pk] = Story(
        assigned_at=noticed,
        due_at=when.main_due,
        stage=DECLARED,
        declared_at=noticed + timedelta(hours=5),
    )
    assignment_declare(assignment=extra, impartial=True, by=extra.reviewer)


def _review_stage(call: GrantCall, *, users, coordinator: User, now: datetime) -> None:
    """Assign, declare, review and dispute through the services; then date it all as the story goes."""
    when = Timeline(today=timezone.localdate(now, WARSAW))
    rng = _rng("stories", call.slug)
    stories: dict[int, Story] = {}
    _assign(call, by=coordinator, when=when, stories=stories)
    conflicted = _declare_conflicts(
        call, users=users, coordinator=coordinator, when=when, stories=stories
    )
    active = _active(call)
    _plan(active, stories, rng)
    disputes = _plan_disputes(active, stories, rng, conflicted=conflicted)
    _carry_out(call, active, stories, rng, now=now)
    _add_extra_reviewer(disputes[0], by=coordinator, when=when, stories=stories)
    _backdate(call, stories, now)


def _backdate(call: GrantCall, stories: dict[int, Story], now: datetime) -> None:
    """Put the assignments, events, reviews and status changes at the moments of the story."""
    assignments = list(ReviewAssignment.objects.filter(call=call).select_related("review"))
    reviews = []
    for assignment in assignments:
        story = stories[assignment.pk]
        assignment.assigned_at, assignment.due_at = story.assigned_at, story.due_at
        if assignment.declared_at:
            assignment.declared_at = story.declared_at
        if assignment.released_at:
            assignment.released_at = story.declared_at
        review = getattr(assignment, "review", None)
        reminded_at = story.due_at - REMINDER_BEFORE_DUE
        if assignment.is_active and reminded_at < now and story.stage != SUBMITTED:
            assignment.reminder_sent_at = reminded_at  # the reminder went out then
        if review is not None:
            review.created_at = story.declared_at + (story.worked_at - story.declared_at) / 4
            review.updated_at = story.worked_at
            if review.status == ReviewStatus.SUBMITTED:
                review.submitted_at = story.worked_at
            reviews.append(review)
    ReviewAssignment.objects.bulk_update(
        assignments, ["assigned_at", "due_at", "declared_at", "released_at", "reminder_sent_at"]
    )
    Review.objects.bulk_update(reviews, ["created_at", "updated_at", "submitted_at"])

    events = list(ReviewEvent.objects.filter(assignment__call=call))
    for event in events:
        story = stories[event.assignment_id]
        event.at = {
            ReviewEvent.Kind.ASSIGNED: story.assigned_at,
            ReviewEvent.Kind.DECLARED: story.declared_at,
            ReviewEvent.Kind.CONFLICT: story.declared_at,
            ReviewEvent.Kind.SUBMITTED: story.worked_at,
        }[event.kind]
    ReviewEvent.objects.bulk_update(events, ["at"])

    # Applications went "in review" with their first reviewers, "reviewed" with the last review.
    started, finished = {}, {}
    for assignment in assignments:
        story = stories[assignment.pk]
        application_id = assignment.application_id
        started[application_id] = min(
            started.get(application_id, story.assigned_at), story.assigned_at
        )
        if story.stage == SUBMITTED and assignment.is_active:
            finished[application_id] = max(
                finished.get(application_id, story.worked_at), story.worked_at
            )
    changes = list(
        StatusChange.objects.filter(
            application__call=call,
            new_status__in=[ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED],
        )
    )
    before = dict(
        StatusChange.objects.filter(application__call=call)
        .exclude(new_status__in=[ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED])
        .values("application")
        .annotate(last=Max("at"))
        .values_list("application", "last")
    )
    latest = {}
    for change in changes:
        moment = (started if change.new_status == ApplicationStatus.IN_REVIEW else finished)[
            change.application_id
        ]
        # Never before the formal check, if the applications were loaded on an earlier day.
        change.at = max(moment, before[change.application_id] + timedelta(minutes=1))
        latest[change.application_id] = max(latest.get(change.application_id, change.at), change.at)
    StatusChange.objects.bulk_update(changes, ["at"])
    applications = list(Application.objects.filter(pk__in=latest))
    for application in applications:
        application.updated_at = latest[application.pk]
    Application.objects.bulk_update(applications, ["updated_at"])
    # The call went "in review" with its first assignments.
    CallStatusChange.objects.filter(call=call, new_status=CallStatus.IN_REVIEW).update(
        at=min(started.values())
    )


def _summary(call: GrantCall) -> dict[str, int]:
    """How many assignments of the call are at each stage."""
    now = timezone.now()
    counts: Counter[str] = Counter()
    for assignment in ReviewAssignment.objects.filter(call=call).select_related("review"):
        review = getattr(assignment, "review", None)
        if not assignment.is_active:
            counts[assignment.status] += 1
        elif review is not None and review.status == ReviewStatus.SUBMITTED:
            counts[SUBMITTED] += 1
        elif assignment.due_at < now:
            counts[ReviewProgress.OVERDUE] += 1
        elif review is not None:
            counts[DRAFTED] += 1
        else:
            counts[assignment.status] += 1
    return dict(counts)


def demo_reviews_load(
    *, calls: dict[str, GrantCall], people: dict[str, User], coordinator: User, password: str
) -> dict[str, int]:
    """Create the demo reviewers, the pools and the closed call's review stage, unless it exists.

    Returns the number of the closed call's assignments at each stage.
    """
    now = timezone.now()
    today = timezone.localdate(now, WARSAW)
    # One hash with a fixed salt for every new demo reviewer, as for the applicants: the
    # password is public anyway, and hashing it for each would take seconds.
    password_hash = make_password(password, salt="aktywnidlaklimatu")
    users = {
        person.email: people.get(person.email) or _ensure_reviewer(person, password_hash)
        for person in REVIEWERS
    }
    closed, open_call = calls["closed"], calls["open"]
    for call, emails, joined in (
        (closed, [person.email for person in REVIEWERS], _at(today - timedelta(days=26), 14, 0)),
        (open_call, OPEN_CALL_POOL, _at(today - timedelta(days=5), 12, 30)),
    ):
        for email in emails:
            pool_add(call=call, reviewer=users[email], by=coordinator)
        PoolMember.objects.filter(call=call, added_at__gt=joined).update(added_at=joined)

    if not ReviewAssignment.objects.filter(call=closed).exists():
        _review_stage(closed, users=users, coordinator=coordinator, now=now)
    return _summary(closed)

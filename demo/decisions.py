"""Demo decision stage: two calls of "Aktywni dla klimatu" whose results are published.

"Rowerowa szkoła" closed three months before the demo is loaded and published
its results six days before: awards above the funding line (one lowered, with
the committee's reason), a reserve list of three, rejections on merit, two
formal rejections, a letter for each, e-mailed. The awardees have accepted but
two: wnioskodawca1 has not answered yet, and one declined yesterday, so the
coordinator's decisions page shows the money freed and the first on the
reserve list, not offered the grant yet. "Klimatyczne podwórka", the
programme's pilot a year earlier, is small; wnioskodawca1's application there
was rejected on merit. Its awards were all answered long ago, and its
coordinator has archived it. So her account holds an award letter and a
rejection letter.

Everything is made through the services the people of the story would use:
the applications are submitted before the deadline, while the call is still
published (demo.programme publishes it), and checked with demo.applications'
plans; the reviewers of demo.reviews declare and submit their reviews, and the
first assignments move the call to "in review"; the coordinator awards
everything above the funding line, lowers one award, places the reserve list,
rejects the rest and publishes, which makes the call "decided"; applicants
accept or decline; each letter is issued by letter_issue_now, synchronously,
as the task worker would; the pilot is archived by call_archive. Set
afterwards, as in the other demo modules, and never a status:

* the moments of the story, since the services stamp them "now": reviews,
  decisions (and their history), publication, answers, letters, e-mails, the
  call's moves;
* the e-mails of the letters: the outbox holds each one as sent a minute after
  its letter, so the tasks that publishing queues find nothing to send.

The letters are rendered with their date in the story (letter_issue_now takes
one), so the date printed in a letter and its record agree.

Every random choice comes from a generator seeded with a fixed string. A call
that already has applications is left as it is: the demo loads in one
transaction, so such a call has its whole story already.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone, translation

from accounts.models import User
from applicants.enums import DECIDED_STATUSES, ApplicationStatus
from applicants.models import Application, StatusChange
from core.deadlines import deadline_in
from core.formatting import format_money, format_score
from core.mail import email_subject
from decisions.enums import DecisionOutcome, DecisionState, OutboxState
from decisions.feedback import review_feedback
from decisions.issuing import letter_issue_now, outbox_message_transition
from decisions.models import (
    Decision,
    DecisionStateChange,
    LetterStateChange,
    OutboxMessage,
    OutboxStateChange,
    Publication,
)
from decisions.services import (
    award_accept,
    award_decline,
    decision_record,
    decisions_award_above_line,
    results_publish,
)
from demo.applications import (
    ACCEPTED,
    REJECTED,
    Plan,
    _arrivals,
    _at,
    _backdate,
    _budget,
    _carry_out,
    _local_day,
    _month_start,
    _schedule,
    _texts,
)
from demo.reviews import (
    ANY_CRITERION,
    AVERAGE,
    COMMENTS,
    JUSTIFICATIONS,
    NOTES,
    REVIEWERS,
    STRONG,
    WEAK,
    _band,
)
from demo.texts import (
    BIKE_SCHOOL,
    COMMUNITY_FRIDGE,
    EXTRA_APPLICANTS,
    MEADOW,
    RAIN_BARRELS,
    RAIN_GARDEN,
    SCHOOL_THEMES,
    SCHOOLS,
    SHADY_STOPS,
    TEXT_FIELDS,
    WNIOSKODAWCA1,
    DemoApplicant,
    Theme,
)
from grants.enums import CallStatus
from grants.models import CallStatusChange, Criterion, GrantCall
from grants.services import call_archive
from reviews.enums import Recommendation
from reviews.models import PoolMember, Review, ReviewAssignment, ReviewEvent
from reviews.ranking import call_ranking
from reviews.scoring import weighted_total
from reviews.services import assignment_declare, assignments_auto, pool_add, review_submit

SEED = "aktywni-dla-klimatu/decyzje"
ASSIGNMENT_SEED = 2026  # assignments_auto's tie-break, the same in every database
WARSAW = ZoneInfo("Europe/Warsaw")
ACCEPTED_MESSAGE = "Wniosek jest kompletny — przekazujemy go do oceny merytorycznej."

# --- What the cycling call's applicants proposed -------------------------------------

BIKE_BUS = Theme(
    title="Rowerowy autobus do {school_gen} {in_city}",
    summary="Dwa razy w tygodniu uczniowie dojadą do szkoły wspólnie, „rowerowym autobusem”: grupą z opiekunami, która jedzie stałą trasą i zbiera rowerzystów z kolejnych przystanków.",
    problem="Do {school_gen} większość uczniów mieszkających 2–5 km od szkoły dojeżdża samochodem rodziców albo zatłoczonym autobusem. Wielu chciałoby jeździć rowerem, ale rodzice boją się puszczać ich samych ruchliwymi ulicami, a rano przed szkołą stoi korek.",
    goals="1. Uruchomić dwie stałe trasy rowerowego autobusu, jeżdżące dwa razy w tygodniu przez cały sezon. 2. Przekonać co najmniej 40 uczniów do dojazdów rowerem. 3. Zmniejszyć liczbę samochodów podwożących uczniów pod szkołę.",
    target_group="Uczniowie i uczennice {school_gen} mieszkający do 5 km od szkoły, ich rodzice (jako opiekunowie przejazdów) i sąsiedzi szkoły, którzy rano stoją w korku.",
    activities="Ankieta o dojazdach i wyznaczenie tras razem z uczniami; szkolenie rodziców-opiekunów z prowadzenia grupy rowerowej; zakup kamizelek i lampek; przejazdy próbne; regularne kursy dwa razy w tygodniu; śniadanie na zakończenie sezonu i ponowna ankieta.",
    expected_results="2 trasy z 8 „przystankami”, 40 uczniów jeżdżących regularnie, 10 przeszkolonych opiekunów, o 30% mniej samochodów pod szkołą w dni przejazdów.",
    results_measurement="Lista obecności na każdym kursie, liczenie samochodów pod szkołą przed projektem i w jego trakcie, ankieta wśród uczniów i rodziców na początku i na końcu.",
    partners="Straż miejska pomoże wyznaczyć bezpieczne przejazdy, a rada rodziców zebrała już chętnych opiekunów.",
    budget=(
        ("equipment", "Kamizelki odblaskowe z logo rowerowego autobusu", "szt.", 40, "25"),
        ("equipment", "Lampki rowerowe przednie i tylne", "kpl.", 20, "45"),
        ("fees", "Szkolenie rodziców-opiekunów (instruktor)", "godz.", 6, "120"),
        ("promotion", "Mapa tras i plakaty", "kpl.", 1, "450"),
        ("catering", "Śniadanie na zakończenie sezonu", "os.", 40, "12"),
    ),
    schedule=(
        (0, 0, "Ankieta, wyznaczenie tras i szkolenie opiekunów"),
        (1, 3, "Kursy rowerowego autobusu dwa razy w tygodniu"),
        (3, 3, "Śniadanie na zakończenie sezonu i ponowna ankieta"),
    ),
)

REPAIR_SHOP = Theme(
    title="Uczniowski serwis rowerowy w {school_loc} {in_city}",
    summary="Uczniowie przeszkoleni przez mechanika otworzą w szkolnej piwnicy serwis, w którym w każdą środę za darmo naprawią rowery kolegów, nauczycieli i sąsiadów.",
    problem="W piwnicach i na balkonach stoją dziesiątki rowerów, które nie jeżdżą przez przebitą dętkę albo zerwany łańcuch. Naprawa w serwisie kosztuje, a nikt w rodzinie nie umie zrobić jej sam — więc rower stoi, a do szkoły jeździ się samochodem.",
    goals="Przywrócić do jazdy co najmniej 80 rowerów, nauczyć 12 uczniów podstaw mechaniki rowerowej i sprawić, by serwis działał także po zakończeniu projektu.",
    target_group="Uczniowie i nauczyciele {school_gen}, ich rodziny i sąsiedzi szkoły.",
    activities="Szkolenie z mechanikiem rowerowym (4 spotkania); wyposażenie pracowni w stojaki serwisowe i narzędzia; cotygodniowe dyżury serwisu; dwa „dni naprawcze” na szkolnym boisku dla sąsiadów; filmowe instrukcje napraw nagrane przez uczniów.",
    expected_results="12 przeszkolonych uczniów-mechaników, 80 naprawionych rowerów, 20 dyżurów serwisu, 6 filmowych instrukcji napraw.",
    results_measurement="Rejestr napraw (co naprawiono i czyj to rower), lista uczestników szkolenia, ankieta wśród osób, którym naprawiono rower: czy jeżdżą nim na co dzień.",
    partners="Lokalny serwis rowerowy poprowadzi szkolenie po kosztach i odda nam części z demontażu.",
    budget=(
        ("equipment", "Stojaki serwisowe i zestawy kluczy rowerowych", "kpl.", 2, "650"),
        ("materials", "Dętki, łatki, linki, klocki hamulcowe i smary", "kpl.", 1, "750"),
        ("fees", "Szkolenie z mechanikiem rowerowym", "godz.", 8, "110"),
        ("promotion", "Plakaty i ulotki o dyżurach serwisu", "szt.", 150, "1.50"),
    ),
    schedule=(
        (0, 0, "Szkolenie z mechanikiem i wyposażenie pracowni"),
        (1, 4, "Cotygodniowe dyżury serwisu i dni naprawcze"),
        (4, 4, "Filmowe instrukcje napraw i podsumowanie"),
    ),
)

SAFE_ROUTES = Theme(
    title="Bezpieczną drogą rowerem do {school_gen} {in_city}",
    summary="Uczniowie przejadą i opiszą drogi do szkoły, wskażą niebezpieczne miejsca i przygotują mapę bezpiecznych tras oraz listę poprawek dla miasta.",
    problem="Na drodze do {school_gen} drogi rowerowe urywają się przed skrzyżowaniami, a przy szkole brakuje przejazdu dla rowerów. Rodzice uważają, że rowerem jest za niebezpiecznie, więc podwożą dzieci — i ruch samochodów pod szkołą tylko rośnie.",
    goals="Opisać i nagrać 10 tras dojazdu do szkoły, wydać mapę bezpiecznych tras i przekazać urzędowi miasta listę co najmniej 5 konkretnych poprawek.",
    target_group="Uczniowie {school_gen} i ich rodzice; urzędnicy i radni odpowiedzialni za drogi rowerowe.",
    activities="Warsztaty z urbanistką o bezpiecznej infrastrukturze; przejazdy badawcze z kamerą i licznikiem; mapa bezpiecznych tras (druk i wersja internetowa); spotkanie z urzędnikami i radnymi w szkole.",
    expected_results="10 opisanych tras, mapa w 500 egzemplarzach, raport z 5–10 propozycjami poprawek, spotkanie z urzędem z udziałem 30 osób.",
    results_measurement="Liczba przejechanych i opisanych tras, nakład i pobrania mapy, odpowiedź urzędu na raport (pismo lub wpis do planu inwestycji).",
    partners="Urbanistka z miejskiego biura planowania poprowadzi warsztaty jako wolontariuszka.",
    budget=(
        ("fees", "Warsztaty z urbanistką", "godz.", 6, "150"),
        ("promotion", "Druk mapy bezpiecznych tras", "szt.", 500, "2.40"),
        ("equipment", "Kamera sportowa z uchwytem rowerowym", "szt.", 1, "850"),
        ("catering", "Poczęstunek na spotkanie z urzędnikami", "os.", 30, "12"),
    ),
    schedule=(
        (0, 0, "Warsztaty z urbanistką"),
        (1, 2, "Przejazdy badawcze i opis tras"),
        (3, 3, "Mapa, raport i spotkanie z urzędnikami"),
    ),
)

BIKE_LESSONS = Theme(
    title="Starsi uczą młodszych: miasteczko rowerowe przy {school_loc} {in_city}",
    summary="Uczniowie urządzą na szkolnym boisku miasteczko ruchu rowerowego i poprowadzą zajęcia dla dzieci z okolicznych podstawówek przed egzaminem na kartę rowerową.",
    problem="W okolicznych szkołach podstawowych coraz mniej dzieci zdaje egzamin na kartę rowerową: brakuje placu do ćwiczeń, sprawnych rowerów i osób, które poprowadzą zajęcia. Dziecko bez karty nie może samo dojeżdżać do szkoły rowerem.",
    goals="Przygotować 60 dzieci do egzaminu na kartę rowerową, przeszkolić 15 uczniów na instruktorów-wolontariuszy i zostawić szkole sprzęt na kolejne edycje.",
    target_group="Uczniowie klas IV–VI trzech pobliskich szkół podstawowych oraz uczniowie {school_gen}, którzy poprowadzą zajęcia.",
    activities="Szkolenie przyszłych instruktorów z policjantem z wydziału ruchu drogowego; przegląd i naprawa szkolnych rowerów; miasteczko ruchu z pachołków i znaków na boisku; 12 zajęć dla podstawówek; próbny egzamin i dyplomy.",
    expected_results="15 przeszkolonych instruktorów-wolontariuszy, 60 dzieci przygotowanych do egzaminu, 8 sprawnych rowerów i komplet wyposażenia miasteczka ruchu w szkole.",
    results_measurement="Listy obecności, wyniki próbnego egzaminu, liczba dzieci, które zdały egzamin na kartę rowerową (dane od szkół podstawowych).",
    partners="Wydział ruchu drogowego policji przeszkoli instruktorów, a szkoły podstawowe zapiszą dzieci na zajęcia.",
    budget=(
        ("services", "Przegląd i naprawa szkolnych rowerów", "szt.", 8, "150"),
        ("equipment", "Kaski dziecięce", "szt.", 15, "75"),
        ("materials", "Pachołki, znaki i taśmy do miasteczka ruchu", "kpl.", 1, "680"),
        ("promotion", "Dyplomy i naklejki odblaskowe", "kpl.", 1, "250"),
    ),
    schedule=(
        (0, 0, "Szkolenie instruktorów i przegląd rowerów"),
        (1, 2, "Zajęcia w miasteczku ruchu dla podstawówek"),
        (3, 3, "Próbny egzamin i dyplomy"),
    ),
)

BIKE_TRIPS = Theme(
    title="Rowerem po klimat: wycieczki badawcze {school_gen} {in_city}",
    summary="Cztery całodniowe wycieczki rowerowe do miejsc, w których widać zmianę klimatu i sposoby radzenia sobie z nią: do zbiornika retencyjnego, farmy fotowoltaicznej, wysychającego torfowiska i miejskiego lasu.",
    problem="O zmianie klimatu uczniowie {school_gen} uczą się z podręcznika, a większość z nich nie jechała rowerem dalej niż kilka kilometrów. Brakuje okazji, by zobaczyć skutki suszy i ulew w okolicy i przekonać się, że rowerem da się dojechać dalej, niż się wydaje.",
    goals="Zorganizować 4 wycieczki dla 60 uczniów, przygotować z nimi przewodnik po klimatycznych miejscach okolicy i wytyczyć trasę, którą pojadą kolejne klasy.",
    target_group="Uczniowie klas pierwszych i drugich {school_gen} oraz nauczyciele geografii i biologii.",
    activities="Przygotowanie tras z przewodnikiem przyrodnikiem; przegląd rowerów uczestników; 4 wycieczki z zadaniami badawczymi (pomiary, zdjęcia, rozmowy z gospodarzami miejsc); przewodnik „Rowerem po klimat” opracowany przez uczniów.",
    expected_results="4 wycieczki, 60 uczestników, ok. 160 km tras, przewodnik z opisem 8 miejsc i mapą.",
    results_measurement="Listy uczestników, karty zadań badawczych, ankieta przed i po (czy uczniowie częściej wybierają rower), liczba pobrań przewodnika.",
    partners="Przewodnik PTTK i nadleśnictwo pomogą wybrać trasy i miejsca postoju.",
    budget=(
        ("travel", "Przewóz rowerów i bagażu busem na start trasy", "kurs", 2, "450"),
        ("fees", "Przewodnik przyrodnik", "wycieczka", 4, "300"),
        ("equipment", "Apteczki i zestawy naprawcze na trasę", "kpl.", 4, "120"),
        ("catering", "Prowiant na wycieczki", "os.", 60, "15"),
    ),
    schedule=(
        (0, 0, "Przygotowanie tras i przegląd rowerów"),
        (1, 2, "Cztery wycieczki badawcze"),
        (3, 3, "Przewodnik „Rowerem po klimat”"),
    ),
)

BIKES_TO_KEEP = Theme(
    title="Rower dla ucznia z {school_gen} {in_city}",
    summary="Kupimy rowery uczniom, którzy nie mają własnego, żeby mogli nimi dojeżdżać do szkoły.",
    problem="Część uczniów {school_gen} nie ma roweru, a ich rodzin nie stać na jego zakup. Dojeżdżają autobusem albo są podwożeni.",
    goals="Przekazać rowery na własność czterem uczniom z najdalszych osiedli i zachęcić ich do dojazdów rowerem.",
    target_group="Uczniowie {school_gen} z rodzin w trudnej sytuacji, mieszkający do 8 km od szkoły.",
    activities="Wybór uczniów przez pedagoga szkolnego; zakup rowerów, zapięć i oświetlenia; przekazanie rowerów; spotkanie o bezpiecznej jeździe.",
    expected_results="4 uczniów z własnym rowerem, dojeżdżających nim do szkoły od wiosny do jesieni.",
    results_measurement="Protokoły przekazania rowerów, ankieta po trzech miesiącach.",
    partners="",
    budget=(
        ("equipment", "Rowery miejskie przekazywane uczniom na własność", "szt.", 4, "850"),
        ("equipment", "Zapięcia i oświetlenie", "kpl.", 4, "120"),
        ("other", "Spotkanie o bezpiecznej jeździe", "spotkanie", 1, "200"),
    ),
    schedule=(
        (0, 0, "Wybór uczniów i zakup rowerów"),
        (1, 1, "Przekazanie rowerów i spotkanie"),
    ),
)
BIKE_SHED = SCHOOL_THEMES[1]  # "Rowerownia przy …", from the school call

BIKES_TO_KEEP_REJECTION = (
    "Większość budżetu stanowią rowery przekazywane uczniom na własność. Regulamin naboru nie "
    "pozwala finansować sprzętu, który po projekcie staje się własnością osób prywatnych, a bez "
    "tych kosztów projekt traci sens — dlatego wniosku nie można poprawić w ramach uzupełnień "
    "i nie przechodzi on do oceny merytorycznej."
)
ADULTS_REJECTION = (
    "Nabór „Rowerowa szkoła” jest przeznaczony dla projektów uczniów szkół ponadpodstawowych, "
    "a wniosek dotyczy kursu jazdy na rowerze dla dorosłych mieszkańców — uczniowie nie są ani "
    "jego realizatorami, ani uczestnikami, więc projekt nie mieści się w celach naboru. Ten "
    "wartościowy pomysł zachęcamy zgłosić w naborze „Klimat w sąsiedztwie”."
)

# --- What the reviewers wrote where demo.reviews has no words -----------------------

SAFETY = {
    STRONG: [
        "Bezpieczeństwo przemyślano starannie: kaski i kamizelki dla wszystkich, opiekunowie na początku i na końcu grupy, trasy sprawdzone wcześniej ze strażą miejską.",
        "Wniosek opisuje konkretne zasady — przegląd rowerów przed każdym wyjazdem, instruktaż dla uczestników, zgody rodziców osób niepełnoletnich. Trudno tu coś dodać.",
    ],
    AVERAGE: [
        "Zasady bezpieczeństwa są wymienione, ale ogólnie: nie wiadomo, ilu opiekunów przypada na grupę ani czy trasy sprawdzono przed projektem.",
        "Kaski i kamizelki są w budżecie, jednak zabrakło planu na jazdę po zmroku i w deszczu, które jesienią są codziennością.",
    ],
    WEAK: [
        "Bezpieczeństwo uczestników prawie nie pojawia się we wniosku — brak opiekunów, zasad jazdy w grupie i sprawdzenia stanu rowerów.",
        "Projekt zakłada jazdę ruchliwymi ulicami bez przeszkolenia uczestników; to realne ryzyko, którego wniosek nie dostrzega.",
    ],
}

PILOT_JUSTIFICATIONS = {
    "Diagnoza problemu": {
        STRONG: [
            "Problem opisano konkretnie, na podstawie własnych obserwacji: wiadomo, gdzie latem jest najgoręcej, kto tam przebywa i co dzieje się po ulewie.",
            "Świetna diagnoza — wnioskodawcy zmierzyli temperaturę nawierzchni i porozmawiali z sąsiadami, zanim zaproponowali rozwiązanie.",
        ],
        AVERAGE: [
            "Problem jest realny, ale opisany ogólnie; przydałyby się choćby proste pomiary albo głosy mieszkańców, których dotyczy.",
            "Diagnoza jest trafna, choć oparta bardziej na danych dla całego miasta niż na sytuacji tego konkretnego miejsca.",
        ],
        WEAK: [
            "Wniosek nie pokazuje, jaki problem związany z upałem, suszą lub ulewami ma rozwiązać — opis dotyczy raczej potrzeb społecznych niż klimatu.",
            "Opis problemu jest ogólnikowy i nie dotyczy konkretnego podwórka ani skweru; trudno ocenić, komu projekt pomoże.",
        ],
    },
    "Trwałość rozwiązania": {
        STRONG: [
            "Rozwiązanie jest trwałe i proste w utrzymaniu; wnioskodawcy mają zgodę zarządcy terenu i grafik podlewania na pierwsze dwa lata.",
            "Zieleń i retencja zostaną na lata, a opiekę nad nimi przejmuje instytucja, która ma na to ludzi i pieniądze.",
        ],
        AVERAGE: [
            "Efekt może być trwały, ale nie wiadomo, kto zadba o rośliny po pierwszym sezonie — grafik podlewania kończy się razem z projektem.",
            "Rozwiązanie jest sensowne, choć wymaga zgody zarządcy terenu, której we wniosku jeszcze nie ma.",
        ],
        WEAK: [
            "Po projekcie niewiele zostanie w przestrzeni: nie przybędzie zieleni, cienia ani miejsca na deszczówkę.",
            "Rozwiązanie wymaga stałej opieki i prądu, a wniosek nie mówi, kto i za co będzie je utrzymywał.",
        ],
    },
    "Udział sąsiadów": {
        STRONG: [
            "Sąsiedzi współprojektują zmianę od pierwszego spotkania i biorą udział w pracach; widać, że to ich pomysł, a nie tylko autorów wniosku.",
            "Bardzo dobrze zaplanowany udział mieszkańców: spotkanie projektowe, wspólne sadzenie i sąsiedzki grafik opieki.",
        ],
        AVERAGE: [
            "Mieszkańcy są zaproszeni do prac, ale nie do decyzji — projekt przygotowała sama grupa inicjatywna.",
            "Udział sąsiadów opisano ogólnie; nie wiadomo, ile osób już zadeklarowało pomoc.",
        ],
        WEAK: [
            "Sąsiedzi pojawiają się tylko jako odbiorcy; brakuje spotkania czy konsultacji z mieszkańcami.",
            "Nie wiadomo, czy mieszkańcy w ogóle chcą tej zmiany — wniosek nie wspomina o rozmowach z nimi.",
        ],
    },
    "Budżet": JUSTIFICATIONS["Budżet"],
}
PILOT_COMMENTS = {
    STRONG: [
        "Gratulujemy bardzo dobrego projektu! Dokumentujcie efekty — zdjęcia i pomiary „przed” i „po” przydadzą się kolejnym podwórkom.",
        "Świetnie przygotowany wniosek, z jasnym efektem dla mieszkańców. Warto od razu spisać z zarządcą terenu, kto zadba o zieleń po projekcie.",
    ],
    AVERAGE: [
        "Pomysł ma potencjał, ale warto mocniej oprzeć go na rozmowach z sąsiadami i doprecyzować, kto zadba o efekty po projekcie.",
        "Projekt jest wartościowy; zabrakło nam dokładniejszej diagnozy miejsca i zgody zarządcy terenu.",
    ],
    WEAK: [
        "Dziękujemy za wniosek. Pomysł jest cenny społecznie, ale słabo odpowiada na cel naboru — przygotowanie sąsiedztwa na upały, susze i ulewy. Zachęcamy, by zgłosić go w naborze, który lepiej do niego pasuje.",
        "Wniosek jest zbyt ogólny: brakuje diagnozy miejsca, planu opieki nad efektami i udziału mieszkańców. Zachęcamy do rozwinięcia pomysłu.",
    ],
}
RECOMMENDATION = {
    STRONG: Recommendation.FUND,
    AVERAGE: Recommendation.FUND_WITH_CHANGES,
    WEAK: Recommendation.DO_NOT_FUND,
}

# --- The two stories ------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One application of a decided call; the entries of a story are in the order of arrival."""

    person: DemoApplicant
    theme: Theme
    quality: float = 0.0  # the total out of 100 its reviewers aim at
    rejection: str = ""  # the formal check's reasons, for an application rejected there


@dataclass(frozen=True)
class Story:
    """Who applied to one decided call and how its decision stage went."""

    slug: str
    entries: tuple[Entry, ...]
    reviewers: tuple[str, ...]
    justifications: dict
    comments: dict
    notes: dict
    reserve_places: int
    lowers_one_award: bool
    decided_days_ago: int
    published_days_ago: int
    declined_days_ago: int | None  # one awardee declined then; None: nobody declined
    archived_days_ago: int | None = None  # None: the call is not archived


X = EXTRA_APPLICANTS
CYCLING = Story(
    slug="rowerowa-szkola",
    entries=(
        Entry(X[15], BIKE_BUS, 88),  # Iławska Grupa Rowerowa
        Entry(X[2], SAFE_ROUTES, 66),
        Entry(X[37], BIKES_TO_KEEP, rejection=BIKES_TO_KEEP_REJECTION),
        Entry(X[6], BIKE_LESSONS, 80),
        Entry(WNIOSKODAWCA1, REPAIR_SHOP, 85),
        Entry(X[10], BIKE_SHED, 52),
        Entry(X[12], BIKE_TRIPS, 76),
        Entry(X[22], BIKE_SCHOOL, rejection=ADULTS_REJECTION),
        Entry(X[23], BIKE_BUS, 72),
        Entry(X[9], REPAIR_SHOP, 63),
        Entry(X[27], BIKE_SHED, 78),
        Entry(X[30], SAFE_ROUTES, 82),
        Entry(X[31], BIKE_LESSONS, 69),
        Entry(X[4], BIKE_TRIPS, 41),
        Entry(X[38], BIKE_BUS, 74),
    ),
    # Everyone of demo.reviews' pool.
    reviewers=tuple(person.email for person in REVIEWERS),
    justifications={**JUSTIFICATIONS, "Bezpieczeństwo uczestników": SAFETY},
    comments=COMMENTS,
    notes=NOTES,
    reserve_places=3,
    lowers_one_award=True,
    decided_days_ago=9,
    published_days_ago=6,
    declined_days_ago=1,
)
PILOT = Story(
    slug="klimatyczne-podworka",
    entries=(
        Entry(X[34], SHADY_STOPS, 86),  # Fundacja Łódzki Cień
        Entry(WNIOSKODAWCA1, COMMUNITY_FRIDGE, 47),
        Entry(X[29], RAIN_GARDEN, 80),
        Entry(X[18], RAIN_BARRELS, 73),
        Entry(X[35], MEADOW, 44),
    ),
    # The experienced reviewers: recenzent1 is the newcomer of demo.reviews.
    reviewers=(
        "recenzent2@example.org",
        "recenzent3@example.org",
        "recenzentka4@example.org",
        "recenzentka8@example.org",
    ),
    justifications=PILOT_JUSTIFICATIONS,
    comments=PILOT_COMMENTS,
    notes={},
    reserve_places=0,
    lowers_one_award=False,
    decided_days_ago=340,
    published_days_ago=335,
    declined_days_ago=None,
    archived_days_ago=300,
)


@dataclass(frozen=True)
class Timeline:
    """The review and decision stage's moments, from the call's deadline and the load day."""

    closes_on: date
    today: date
    story: Story

    @property
    def first_check_day(self) -> date:
        return self.closes_on + timedelta(days=2)

    @property
    def pool_joined(self) -> datetime:
        return _at(self.closes_on + timedelta(days=6), 10, 0)

    @property
    def assigned(self) -> datetime:
        return _at(self.closes_on + timedelta(days=7), 9, 30)

    @property
    def due(self) -> datetime:
        return _at(self.closes_on + timedelta(days=28), 23, 59)

    @property
    def decided(self) -> datetime:  # the committee's meeting
        return _at(self.today - timedelta(days=self.story.decided_days_ago), 12, 0)

    @property
    def published(self) -> datetime:
        return _at(self.today - timedelta(days=self.story.published_days_ago), 10, 0)

    @property
    def archived(self) -> datetime | None:
        if self.story.archived_days_ago is None:
            return None
        return _at(self.today - timedelta(days=self.story.archived_days_ago), 15, 0)


def _rng(*key: object) -> random.Random:
    # String seeds are hashed with SHA-512, the same in every process.
    return random.Random("/".join([SEED, *map(str, key)]))  # noqa: S311 — demo data, not secrets


# --- Applications, reviews ------------------------------------------------------------------


def _applications(
    call: GrantCall, story: Story, when: Timeline, *, users, coordinator: User
) -> dict[int, Entry]:
    """Submit every entry before the deadline and check it; returns the entries by application id."""
    rng = _rng("applications", story.slug)
    arrivals = _arrivals(
        rng,
        len(story.entries),
        call.opens_at + timedelta(days=3),
        call.closes_at - timedelta(minutes=12),
        rush=0.5,
    )
    starts = _month_start(_local_day(when.published), 1)
    made = {}
    for index, (entry, arrived_at) in enumerate(zip(story.entries, arrivals, strict=True)):
        names_school = any(
            "{school" in getattr(entry.theme, name)
            for name in TEXT_FIELDS
            if name != "team_description"
        )
        school = SCHOOLS[(index * 2) % len(SCHOOLS)] if names_school else None
        plan = Plan(
            call=call,
            person=entry.person,
            stage=REJECTED if entry.rejection else ACCEPTED,
            texts=_texts(entry.theme, entry.person, school=school),
            schedule=_schedule(entry.theme, starts),
            budget=_budget(entry.theme, rng, call=call, volunteers=rng.random() < 0.4),
            answers={},
            started_at=max(
                call.opens_at + timedelta(hours=2),
                arrived_at - timedelta(days=rng.uniform(1, 8)),
            ),
            edited_at=arrived_at - timedelta(minutes=rng.randint(3, 120)),
            arrived_at=arrived_at,
            # Five checks a working morning, in the order the applications arrived.
            checked_at=_at(
                when.first_check_day + timedelta(days=index // 5),
                9 + index % 5,
                rng.randint(0, 50),
            ),
            check_message=entry.rejection or ACCEPTED_MESSAGE,
        )
        application = _carry_out(plan, users[entry.person.email], coordinator)
        _backdate(application, plan)
        made[application.pk] = entry
    return made


def _review_data(criteria: list[Criterion], target: float, rng: random.Random, story: Story):
    """What review_submit takes: points near `target`, each justified in the reviewers' words."""
    fraction = min(max(target, 0), 100) / 100
    scores = {}
    for criterion in criteria:
        points = round(fraction * criterion.max_points + rng.gauss(0, criterion.max_points / 12))
        points = min(max(points, 0), criterion.max_points)
        texts = story.justifications.get(criterion.name, ANY_CRITERION)
        scores[criterion.pk] = {
            "points": points,
            "justification": rng.choice(texts[_band(points / criterion.max_points)]),
        }
    total = weighted_total((scores[c.pk]["points"], c.max_points, c.weight) for c in criteria)
    band = _band(float(total) / 100)
    note = ""
    if story.notes and rng.random() < 0.3:
        note = rng.choice(story.notes[band])
    return {
        "scores": scores,
        "comment_for_applicant": rng.choice(story.comments[band]),
        "note_for_committee": note,
        "recommendation": RECOMMENDATION[band],
    }


def _reviews(
    call: GrantCall, story: Story, when: Timeline, *, entries, reviewers, coordinator
) -> None:
    """Fill the pool, assign, declare and submit every review; then date it all as the story goes."""
    rng = _rng("reviews", story.slug)
    for reviewer in reviewers:
        pool_add(call=call, reviewer=reviewer, by=coordinator)
    PoolMember.objects.filter(call=call).update(added_at=when.pool_joined)
    # A due date in the past queues no reminder; the real one is written below.
    assignments_auto(call=call, due_at=when.assigned, by=coordinator, seed=ASSIGNMENT_SEED)
    criteria = list(call.criteria.order_by("position", "pk"))
    assignments = list(
        ReviewAssignment.objects.filter(call=call)
        .select_related("application", "reviewer", "call")
        .order_by("application__number_in_call", "pk")
    )
    moments = {}
    for assignment in assignments:
        declared = when.assigned + timedelta(hours=rng.uniform(3, 60))
        submitted = declared + (when.due - timedelta(hours=12) - declared) * rng.uniform(0.2, 0.95)
        moments[assignment.pk] = (declared, submitted)
        target = entries[assignment.application_id].quality + rng.gauss(0, 3)
        assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
        review_submit(
            assignment=assignment,
            by=assignment.reviewer,
            **_review_data(criteria, target, rng, story),
        )

    assignments = list(ReviewAssignment.objects.filter(call=call).select_related("review"))
    reviews = []
    for assignment in assignments:
        declared, submitted = moments[assignment.pk]
        assignment.assigned_at, assignment.due_at = when.assigned, when.due
        assignment.declared_at = declared
        review = assignment.review
        review.created_at = declared + (submitted - declared) / 3
        review.updated_at = review.submitted_at = submitted
        reviews.append(review)
    ReviewAssignment.objects.bulk_update(assignments, ["assigned_at", "due_at", "declared_at"])
    Review.objects.bulk_update(reviews, ["created_at", "updated_at", "submitted_at"])
    events = list(ReviewEvent.objects.filter(assignment__call=call))
    for event in events:
        declared, submitted = moments[event.assignment_id]
        event.at = {
            ReviewEvent.Kind.ASSIGNED: when.assigned,
            ReviewEvent.Kind.DECLARED: declared,
            ReviewEvent.Kind.SUBMITTED: submitted,
        }[event.kind]
    ReviewEvent.objects.bulk_update(events, ["at"])

    # Applications went "in review" with the assignment, "reviewed" with their last review.
    last_review: dict[int, datetime] = {}
    for assignment in assignments:
        submitted = moments[assignment.pk][1]
        application_id = assignment.application_id
        last_review[application_id] = max(last_review.get(application_id, submitted), submitted)
    changes = list(
        StatusChange.objects.filter(
            application__call=call,
            new_status__in=[ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED],
        )
    )
    for change in changes:
        if change.new_status == ApplicationStatus.IN_REVIEW:
            change.at = when.assigned
        else:
            change.at = last_review[change.application_id]
    StatusChange.objects.bulk_update(changes, ["at"])


# --- Decisions ------------------------------------------------------------------------------


def _score(value: float) -> str:
    return format_score(value)  # the precision of the ranking, the decision page and the letter


def _projects_above(count: int) -> str:
    """ "… wystarczył na …" with the count of projects in the right Polish form."""
    if count == 1:
        return "jeden wyżej oceniony projekt"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} wyżej ocenione projekty"
    return f"{count} wyżej ocenionych projektów"


def _weakest_criterion(application: Application) -> str:
    scored = [c for c in review_feedback(application).criteria if c.mean_points is not None]
    return min(scored, key=lambda c: c.mean_points / c.max_points).name


def _lower_one_award(awards: list[Application], *, room: Decimal | None, by: User) -> None:
    """Lower the lowest-ranked award that pays for a treat the rules don't fund.

    `room` is what the cut must stay under, so the money saved doesn't yet reach
    the first on the reserve list (the committee would have funded it instead).
    Without such a treat, the lowest-ranked award is cut by a tenth.
    """
    others = [a for a in reversed(awards) if a.applicant.email != WNIOSKODAWCA1.email]
    for application in others:
        cut = sum(
            (line.total for line in application.budget_lines.all() if line.category == "catering"),
            Decimal("0.00"),
        )
        if cut and (room is None or cut < room):
            justification = (
                f"Komisja przyznała grant pomniejszony o koszt poczęstunku ({format_money(cut)}). "
                "Regulamin naboru pozwala finansować poczęstunek tylko podczas wydarzeń otwartych "
                "dla mieszkańców, a w tym projekcie jest on przeznaczony dla samych uczestników. "
                "Pozostałe koszty komisja uznała za uzasadnione."
            )
            break
    else:
        application = others[0]
        cut = (application.requested_amount / 10).quantize(Decimal("1"))
        justification = (
            "Komisja uznała część kosztów sprzętu za zawyżoną wobec cen rynkowych i obniżyła "
            f"grant o {format_money(cut)}."
        )
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount - cut,
        justification=justification,
        by=by,
    )


def _decide(call: GrantCall, story: Story, *, coordinator: User) -> None:
    """The committee's decisions: the ranking's funding line, the reserve list, the rest."""
    rows = call_ranking(call).rows
    decisions_award_above_line(call=call, by=coordinator)
    above = [row for row in rows if row.above_funding_line]
    below = [row for row in rows if not row.above_funding_line]
    fundable = [row for row in below if row.final_score is not None and not row.below_threshold]
    reserve = {row.id for row in fundable[: story.reserve_places]}
    minimum = f"{call.min_score:.0f}"
    for row in below:
        application = Application.objects.get(pk=row.id)
        scored = f"Wniosek uzyskał średnio {_score(row.final_score)} pkt na 100"
        if row.below_threshold:
            justification = (
                f"{scored}, a do dofinansowania potrzeba co najmniej {minimum} pkt. Recenzenci "
                f"najniżej ocenili kryterium „{_weakest_criterion(application)}” — ich uwagi "
                "znajdziecie dalej w tym piśmie."
            )
        else:  # good enough, but the money ran out
            justification = (
                f"{scored} (próg dofinansowania: {minimum} pkt), ale budżet naboru wystarczył "
                f"na {_projects_above(len(above))}."
            )
        decision_record(
            application=application,
            outcome=DecisionOutcome.RESERVE if row.id in reserve else DecisionOutcome.REJECTED,
            justification=justification,
            by=coordinator,
        )
    if story.lowers_one_award:
        awards = Application.objects.in_bulk([row.id for row in above])
        room = None
        if reserve:
            left_at_line = call.total_budget - sum(row.requested_amount for row in above)
            first = next(row for row in below if row.id in reserve)
            room = first.requested_amount - left_at_line
        _lower_one_award([awards[row.id] for row in above], room=room, by=coordinator)
    formally_rejected = call.applications.filter(
        status=ApplicationStatus.FORMALLY_REJECTED
    ).order_by("number_in_call")
    for application in formally_rejected:
        decision_record(
            application=application, outcome=DecisionOutcome.FORMALLY_REJECTED, by=coordinator
        )


def _answer(call: GrantCall, story: Story, when: Timeline) -> dict[int, datetime]:
    """Awardees accept or decline; wnioskodawca1 hasn't answered. Returns when each answered."""
    rng = _rng("answers", story.slug)
    awards = [
        decision
        for decision in Decision.objects.filter(call=call, outcome=DecisionOutcome.AWARDED)
        .select_related("application__applicant")
        .order_by("application__number_in_call")
        if decision.application.applicant.email != WNIOSKODAWCA1.email
    ]
    answered = {}
    if story.declined_days_ago is not None:
        # The largest whole award: what it frees is enough for the first on the reserve list.
        declined = max(
            (d for d in awards if not d.is_reduced), key=lambda d: (d.amount, -d.application_id)
        )
        award_decline(decision=declined, by=declined.application.applicant)
        answered[declined.pk] = _at(when.today - timedelta(days=story.declined_days_ago), 16, 40)
        awards.remove(declined)
    # Accepted at a waking hour of a day before the deadline and before today.
    first_day = _local_day(when.published)
    last_day = min(
        first_day + timedelta(days=call.acceptance_days - 1), when.today - timedelta(days=1)
    )
    for decision in awards:
        award_accept(decision=decision, by=decision.application.applicant)
        day = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days))
        hour = rng.randint(11 if day == first_day else 8, 21)
        answered[decision.pk] = _at(day, hour, rng.randint(0, 59))
    return answered


def _backdate_decisions(
    call: GrantCall, when: Timeline, *, answered: dict[int, datetime], coordinator: User
) -> None:
    """Put the committee's decisions, the publication and the answers at the story's moments."""
    deadline = deadline_in(call.acceptance_days, now=when.published)
    history = Decision.history.model
    decisions = {
        d.pk: d for d in Decision.objects.filter(call=call).select_related("application__applicant")
    }
    # The committee worked down its list a few minutes a decision; its records say so.
    records = list(history.objects.filter(call_id=call.pk).order_by("history_id"))
    decided_at = {}
    for index, record in enumerate(r for r in records if r.published_at is None):
        record.history_date = record.decided_at = when.decided + timedelta(minutes=3 * index)
        record.history_user = coordinator
        decided_at[record.id] = record.decided_at  # the last record of a decision wins
    for record in records:
        decision = decisions[record.id]
        if record.published_at is not None:
            record.decided_at = decided_at[record.id]
            record.published_at = when.published
            record.history_date, record.history_user = when.published, coordinator
        if record.acceptance_deadline is not None:
            record.acceptance_deadline = deadline
        for field in ("accepted_at", "declined_at"):
            if getattr(record, field) is not None:
                setattr(record, field, answered[record.id])
                record.history_date = answered[record.id]
                record.history_user = decision.application.applicant
    history.objects.bulk_update(
        records,
        [
            "history_date",
            "history_user",
            "decided_at",
            "published_at",
            "acceptance_deadline",
            "accepted_at",
            "declined_at",
        ],
    )
    for decision in decisions.values():
        decision.decided_at = decided_at[decision.pk]
        decision.published_at = when.published
        if decision.acceptance_deadline is not None:
            decision.acceptance_deadline = deadline
        if decision.accepted_at is not None:
            decision.accepted_at = answered[decision.pk]
        if decision.declined_at is not None:
            decision.declined_at = answered[decision.pk]
    Decision.objects.bulk_update(
        decisions.values(),
        ["decided_at", "published_at", "acceptance_deadline", "accepted_at", "declined_at"],
    )
    publications = Publication.objects.filter(call=call)
    Publication.history.filter(id__in=publications.values("pk")).update(
        history_date=when.published, published_at=when.published, history_user=coordinator
    )
    publications.update(published_at=when.published)
    # The decisions' audit trail tells the same story: drafted, published, answered.
    moments = {
        DecisionState.DRAFT: lambda change: decided_at[change.decision_id],
        DecisionState.PUBLISHED: lambda change: when.published,
        DecisionState.ACCEPTED: lambda change: answered[change.decision_id],
        DecisionState.DECLINED: lambda change: answered[change.decision_id],
    }
    changes = [
        change
        for change in DecisionStateChange.objects.filter(decision__call=call)
        if change.new_state in moments
    ]
    for change in changes:
        change.at = moments[change.new_state](change)
    DecisionStateChange.objects.bulk_update(changes, ["at"])

    # Published: the applications moved to their outcome; a declined award, when declined.
    changes = list(
        StatusChange.objects.filter(
            application__call=call,
            new_status__in=DECIDED_STATUSES,
        )
    )
    declined_at = {d.application_id: d.declined_at for d in decisions.values() if d.declined_at}
    for change in changes:
        change.at = (
            declined_at[change.application_id]
            if change.new_status == ApplicationStatus.DECLINED
            else when.published
        )
    StatusChange.objects.bulk_update(changes, ["at"])
    for application_id, last in (
        StatusChange.objects.filter(application__call=call)
        .values("application")
        .annotate(last=Max("at"))
        .values_list("application", "last")
    ):
        Application.objects.filter(pk=application_id).update(updated_at=last)


def _letters(call: GrantCall, when: Timeline) -> None:
    """Issue every letter (a real PDF) and record its e-mail as sent a minute later, not sending it."""
    rng = _rng("letters", call.slug)
    decisions = (
        Decision.objects.filter(call=call, published_at__isnull=False)
        .select_related("application__applicant", "call")
        .order_by("application__number_in_call")
    )
    for index, decision in enumerate(decisions):
        issued_at = when.published + timedelta(minutes=2, seconds=20 * index)
        letter = letter_issue_now(decision=decision, issued_at=issued_at)
        message = OutboxMessage.objects.get(letter=letter)
        # The subject the task would have written (decisions.issuing.outbox_message_send).
        context = {
            "decision": decision,
            "letter": letter,
            "application": decision.application,
            "user": decision.application.applicant,
        }
        with translation.override(letter.language):
            subject = email_subject("decisions/email/decision_subject.txt", context)
        # Through the outbox's own moves, so its record reads as a real send; the queued
        # task then finds the message sent and sends nothing.
        sent_at = issued_at + timedelta(seconds=rng.randint(30, 90))
        outbox_message_transition(message, OutboxState.SENDING)
        outbox_message_transition(
            message, OutboxState.SENT, changes={"subject": subject, "sent_at": sent_at}
        )
        OutboxMessage.objects.filter(pk=message.pk).update(created_at=issued_at)
        OutboxStateChange.objects.filter(message=message).update(at=sent_at)
        LetterStateChange.objects.filter(request__letter=letter).update(at=issued_at)


def _decided_call(call: GrantCall, story: Story, *, users, reviewers, coordinator, now) -> None:
    when = Timeline(
        closes_on=_local_day(call.closes_at), today=timezone.localdate(now, WARSAW), story=story
    )
    entries = _applications(call, story, when, users=users, coordinator=coordinator)
    _reviews(call, story, when, entries=entries, reviewers=reviewers, coordinator=coordinator)
    _decide(call, story, coordinator=coordinator)
    results_publish(call=call, by=coordinator, public_results=True)
    answered = _answer(call, story, when)
    _backdate_decisions(call, when, answered=answered, coordinator=coordinator)
    # After the dates are moved back, so the letters name the story's deadline to accept.
    _letters(call, when)
    if when.archived is not None:
        # Every award answered long ago: the coordinator put the call away.
        call_archive(call=call, by=coordinator)
    _backdate_call(call, when)


def _backdate_call(call: GrantCall, when: Timeline) -> None:
    """Put the call's own moves at the story's moments: reviewing, results, archiving."""
    moments = {
        CallStatus.IN_REVIEW: when.assigned,
        CallStatus.DECIDED: when.published,
        CallStatus.ARCHIVED: when.archived,
    }
    for status, moment in moments.items():
        if moment is not None:
            CallStatusChange.objects.filter(call=call, new_status=status).update(at=moment)


def demo_decisions_load(
    *, calls: dict[str, GrantCall], people: dict[str, User], coordinator: User
) -> dict[str, dict[str, int]]:
    """Give the decided calls their applications, reviews, published decisions and letters, unless they have them.

    Returns the number of decisions per call slug and outcome.
    """
    now = timezone.now()
    stories = [(calls["decided"], CYCLING), (calls["pilot"], PILOT)]
    emails = {entry.person.email for _call, story in stories for entry in story.entries}
    emails |= {email for _call, story in stories for email in story.reviewers}
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    users.update(people)
    for call, story in stories:
        if call.applications.exists():
            continue
        reviewers = [users[email] for email in story.reviewers]
        _decided_call(
            call, story, users=users, reviewers=reviewers, coordinator=coordinator, now=now
        )
    return {
        call.slug: dict(Counter(call.decisions.values_list("outcome", flat=True)))
        for call, _story in stories
    }

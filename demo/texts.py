"""The demo programme's people and stories: names, project themes, Polish texts (data only)."""

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from applicants.enums import ApplicantKind

VOLUNTEER_HOUR = Decimal("30.00")

# --- Where they live (letters are addressed there) ---------------------------------

# The first two digits of the town's postcodes; the street is one every Polish town has.
POSTCODE_PREFIXES = {
    "Białystok": "15", "Bielsko-Biała": "43", "Chełm": "22", "Elbląg": "82", "Gdańsk": "80",
    "Gniezno": "62", "Gorzów Wielkopolski": "66", "Iława": "14", "Katowice": "40",
    "Kielce": "25", "Kraków": "30", "Legionowo": "05", "Lublin": "20", "Nowy Sącz": "33",
    "Olsztyn": "10", "Opole": "45", "Ostróda": "14", "Poznań": "60", "Puławy": "24",
    "Płock": "09", "Rzeszów": "35", "Sanok": "38", "Siedlce": "08", "Szczecin": "70",
    "Słupsk": "76", "Tarnów": "33", "Toruń": "87", "Wrocław": "50", "Zamość": "22",
    "Łódź": "90",
}  # fmt: skip
STREETS = [
    "ul. Lipowa", "ul. Słoneczna", "ul. Polna", "ul. Ogrodowa", "ul. Kwiatowa", "ul. Leśna",
    "ul. Szkolna", "ul. Parkowa", "ul. Łąkowa", "ul. Brzozowa", "ul. Klonowa", "ul. Spacerowa",
]  # fmt: skip


# --- Who applies -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoApplicant:
    email: str
    full_name: str
    kind: str
    city: str
    in_city: str  # "w Lublinie", "we Wrocławiu": Polish needs the case and the preposition
    group_name: str = ""
    organisation_name: str = ""
    born: date | None = None


INDIVIDUAL, GROUP, NGO = ApplicantKind.INDIVIDUAL, ApplicantKind.GROUP, ApplicantKind.NGO

WNIOSKODAWCA1 = DemoApplicant(
    "wnioskodawca1@example.org",
    "Zuzanna Lewandowska",
    INDIVIDUAL,
    "Lublin",
    "w Lublinie",
    born=date(2004, 3, 14),
)
WNIOSKODAWCA2 = DemoApplicant(
    "wnioskodawca2@example.org",
    "Jakub Wójcik",
    GROUP,
    "Lublin",
    "w Lublinie",
    group_name="Zielone Podwórko",
)
ZIELONE_PODWORKO_MEMBERS = [
    {"full_name": "Jakub Wójcik", "age": 22, "is_leader": True},
    {"full_name": "Marta Sobczak", "age": 19, "is_leader": False},
    {"full_name": "Piotr Kaczmarek", "age": 17, "is_leader": False},
    {"full_name": "Ewa Borkowska", "age": 24, "is_leader": False},
]


def _extra(
    number: int, full_name: str, female: bool, kind: str, city: str, in_city: str, name: str = ""
):
    login = "mloda.aktywistka" if female else "mlody.aktywista"
    return DemoApplicant(
        f"{login}{number:02d}@example.org",
        full_name,
        kind,
        city,
        in_city,
        group_name=name if kind == GROUP else "",
        organisation_name=name if kind == NGO else "",
    )


# Forty more: the closed call has forty applications accepted for review, and
# the database allows one live application per applicant per call.
EXTRA_APPLICANTS = [
    _extra(1, "Aleksandra Kamińska", True, GROUP, "Kraków", "w Krakowie", "Klimatyczna Nowa Huta"),
    _extra(2, "Bartosz Zieliński", False, INDIVIDUAL, "Gdańsk", "w Gdańsku"),
    _extra(3, "Maja Szymańska", True, NGO, "Wrocław", "we Wrocławiu", "Fundacja Deszczówka"),
    _extra(4, "Filip Woźniak", False, GROUP, "Poznań", "w Poznaniu", "Ekipa z Wildy"),
    _extra(5, "Julia Dąbrowska", True, INDIVIDUAL, "Łódź", "w Łodzi"),
    _extra(6, "Oliwia Kozłowska", True, GROUP, "Białystok", "w Białymstoku", "Zielone Bojary"),
    _extra(
        7,
        "Szymon Jankowski",
        False,
        NGO,
        "Rzeszów",
        "w Rzeszowie",
        "Stowarzyszenie Sąsiedzka Pracownia Klimatu",
    ),
    _extra(8, "Natalia Mazur", True, INDIVIDUAL, "Kielce", "w Kielcach"),
    _extra(9, "Hanna Krawczyk", True, GROUP, "Olsztyn", "w Olsztynie", "Jeziorna Brygada"),
    _extra(10, "Antoni Piotrowski", False, NGO, "Toruń", "w Toruniu", "Fundacja Chłodne Miasto"),
    _extra(11, "Wiktoria Grabowska", True, INDIVIDUAL, "Opole", "w Opolu"),
    _extra(12, "Kacper Nowakowski", False, GROUP, "Zamość", "w Zamościu", "Młodzi dla Starówki"),
    _extra(13, "Amelia Pawłowska", True, GROUP, "Puławy", "w Puławach", "Puławskie Pszczoły"),
    _extra(
        14,
        "Igor Michalski",
        False,
        NGO,
        "Chełm",
        "w Chełmie",
        "Stowarzyszenie Młodzi Chełmianie dla Klimatu",
    ),
    _extra(15, "Lena Adamczyk", True, INDIVIDUAL, "Ostróda", "w Ostródzie"),
    _extra(16, "Mikołaj Dudek", False, GROUP, "Iława", "w Iławie", "Iławska Grupa Rowerowa"),
    _extra(17, "Zofia Nowak", True, NGO, "Sanok", "w Sanoku", "Fundacja Bieszczadzka Zmiana"),
    _extra(18, "Jan Majewski", False, INDIVIDUAL, "Nowy Sącz", "w Nowym Sączu"),
    _extra(19, "Alicja Olszewska", True, GROUP, "Płock", "w Płocku", "Płockie Ogrody Deszczowe"),
    _extra(
        20,
        "Wojciech Jaworski",
        False,
        INDIVIDUAL,
        "Gorzów Wielkopolski",
        "w Gorzowie Wielkopolskim",
    ),
    _extra(21, "Gabriela Malinowska", True, GROUP, "Słupsk", "w Słupsku", "Słupskie Sąsiadki"),
    _extra(
        22,
        "Dawid Witkowski",
        False,
        NGO,
        "Katowice",
        "w Katowicach",
        "Stowarzyszenie Śląska Ekipa Klimatyczna",
    ),
    _extra(23, "Emilia Walczak", True, INDIVIDUAL, "Bielsko-Biała", "w Bielsku-Białej"),
    _extra(24, "Tymon Stępień", False, GROUP, "Szczecin", "w Szczecinie", "Pogodynki z Pogodna"),
    _extra(25, "Karolina Górska", True, GROUP, "Elbląg", "w Elblągu", "Elbląskie Łąki"),
    _extra(26, "Marcel Rutkowski", False, INDIVIDUAL, "Tarnów", "w Tarnowie"),
    _extra(
        27, "Nikola Michalak", True, NGO, "Legionowo", "w Legionowie", "Fundacja Ogród na Piątkę"
    ),
    _extra(28, "Adam Sikora", False, GROUP, "Gniezno", "w Gnieźnie", "Gnieźnieński Klub Naprawy"),
    _extra(29, "Iga Ostrowska", True, INDIVIDUAL, "Siedlce", "w Siedlcach"),
    _extra(30, "Franciszek Baran", False, GROUP, "Lublin", "w Lublinie", "Tatary Oddychają"),
    _extra(
        31,
        "Paulina Duda",
        True,
        NGO,
        "Kraków",
        "w Krakowie",
        "Stowarzyszenie Zielone Podgórze Razem",
    ),
    _extra(32, "Patryk Szewczyk", False, GROUP, "Gdańsk", "w Gdańsku", "Oliwskie Drzewa"),
    _extra(33, "Weronika Tomaszewska", True, INDIVIDUAL, "Wrocław", "we Wrocławiu"),
    _extra(34, "Stanisław Pietrzak", False, GROUP, "Poznań", "w Poznaniu", "Łazarz Oddycha"),
    _extra(35, "Marta Marciniak", True, NGO, "Łódź", "w Łodzi", "Fundacja Łódzki Cień"),
    _extra(36, "Oskar Wróbel", False, INDIVIDUAL, "Białystok", "w Białymstoku"),
    _extra(
        37, "Klaudia Zalewska", True, GROUP, "Rzeszów", "w Rzeszowie", "Zielona Ekipa z Baranówki"
    ),
    _extra(38, "Krzysztof Jasiński", False, INDIVIDUAL, "Kielce", "w Kielcach"),
    _extra(39, "Laura Zawadzka", True, GROUP, "Olsztyn", "w Olsztynie", "Kortowo Klimatycznie"),
    _extra(
        40,
        "Nikodem Sadowski",
        False,
        NGO,
        "Toruń",
        "w Toruniu",
        "Stowarzyszenie Wiślane Sąsiedztwo",
    ),
]

FEMALE_NAMES = [
    "Anna",
    "Kinga",
    "Maria",
    "Ida",
    "Nina",
    "Ewelina",
    "Pola",
    "Róża",
    "Jagoda",
    "Zuzanna",
]
MALE_NAMES = [
    "Paweł",
    "Tomasz",
    "Jakub",
    "Michał",
    "Hubert",
    "Borys",
    "Dominik",
    "Mateusz",
    "Witold",
    "Kacper",
]
SURNAMES = [
    "Lis", "Sowa", "Wilk", "Kubiak", "Czarnecki", "Bielecki", "Urban", "Kołodziej", "Krajewski",
    "Zając", "Błaszczyk", "Sobczyk", "Laskowski", "Wysocki", "Mróz", "Chmielewski", "Gołębiowski",
]  # fmt: skip


def _member_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.5:
        return f"{rng.choice(MALE_NAMES)} {surname}"
    if surname.endswith(("ski", "cki")):
        surname = surname[:-1] + "a"  # Polish surnames in -ski/-cki take -ska/-cka for women
    return f"{rng.choice(FEMALE_NAMES)} {surname}"


# --- What they apply for -----------------------------------------------------------

TEXT_FIELDS = [
    "title",
    "summary",
    "problem",
    "goals",
    "target_group",
    "activities",
    "expected_results",
    "results_measurement",
    "team_description",
]


@dataclass(frozen=True)
class Theme:
    """A project idea; placeholders {in_city}, {school}, {school_gen}, {school_loc}, {team}."""

    title: str
    summary: str
    problem: str
    goals: str
    target_group: str
    activities: str
    expected_results: str
    results_measurement: str
    partners: str
    # (category, item, unit, quantity, unit cost)
    budget: tuple[tuple[str, str, str, int, str], ...]
    # (first month, last month, activity), months counted from the project's start
    schedule: tuple[tuple[int, int, str], ...]


RAIN_GARDEN = Theme(
    title="Ogród deszczowy przy bibliotece osiedlowej {in_city}",
    summary="Razem z sąsiadami zbudujemy przy bibliotece osiedlowej ogród deszczowy, który przejmie wodę z dachu i zamieni zalewany trawnik w kwitnące miejsce spotkań.",
    problem="Po każdej ulewie woda z rynny biblioteki zalewa chodnik i piwnice sąsiedniego bloku, a latem trawnik jest spalony słońcem. Deszczówka trafia prosto do kanalizacji, choć mogłaby podlewać zieleń. Mieszkańcy nie wiedzą, że można to zmienić małym kosztem.",
    goals="1. Zatrzymać na miejscu wodę z ok. 120 m² dachu. 2. Pokazać mieszkańcom, jak działa ogród deszczowy i jak zbudować go samemu. 3. Stworzyć zacienione miejsce do spotkań przy bibliotece.",
    target_group="Mieszkańcy osiedla, zwłaszcza rodziny z dziećmi i seniorzy korzystający z biblioteki (ok. 300 osób tygodniowo), oraz młodzież z pobliskiej szkoły.",
    activities="Spotkanie projektowe z mieszkańcami i bibliotekarkami; warsztaty o retencji wody z ogrodniczką; wspólne przygotowanie podłoża i sadzenie roślin znoszących okresowe zalewanie; tablica z opisem, jak działa ogród; piknik sąsiedzki na otwarcie.",
    expected_results="Ogród deszczowy o powierzchni ok. 12 m², 40 osób na warsztatach, 25 wolontariuszy przy sadzeniu, tablica edukacyjna i instrukcja budowy ogrodu do pobrania dla innych osiedli.",
    results_measurement="Listy obecności, zdjęcia przed i po, obserwacja po ulewach (czy chodnik nadal jest zalewany), krótka ankieta wśród czytelników biblioteki.",
    partners="Biblioteka udostępnia teren i salę na warsztaty, a spółdzielnia mieszkaniowa zgodziła się odłączyć rynnę od kanalizacji.",
    budget=(
        ("materials", "Rośliny wieloletnie do ogrodu deszczowego", "szt.", 50, "18"),
        ("materials", "Żwir, piasek i kora", "t", 2, "280"),
        ("services", "Wynajem minikoparki z operatorem", "godz.", 4, "200"),
        ("fees", "Warsztaty o retencji z ogrodniczką (umowa o dzieło)", "warsztat", 2, "400"),
        ("promotion", "Tablica edukacyjna z montażem", "szt.", 1, "450"),
        ("catering", "Poczęstunek na piknik otwarcia", "os.", 40, "10"),
    ),
    schedule=(
        (0, 0, "Spotkanie projektowe z mieszkańcami, zgody zarządcy"),
        (1, 1, "Warsztaty o retencji, przygotowanie terenu"),
        (2, 2, "Sadzenie roślin i montaż tablicy"),
        (3, 3, "Piknik sąsiedzki i podsumowanie"),
    ),
)

REPAIR_CAFE = Theme(
    title="Kawiarenka naprawcza {in_city}",
    summary="Raz w miesiącu otworzymy w domu kultury kawiarenkę naprawczą: mieszkańcy przyniosą zepsute rzeczy, a wolontariusze pomogą je naprawić zamiast wyrzucać.",
    problem="Na osiedlowych śmietnikach co tydzień lądują czajniki, lampki, rowery i ubrania, które dałoby się naprawić w kwadrans. Brakuje miejsca, narzędzi i osób, które pokażą, jak to zrobić. Każda wyrzucona rzecz to emisje z produkcji nowej.",
    goals="Przedłużyć życie co najmniej 150 przedmiotom, nauczyć mieszkańców prostych napraw i zbudować grupę stałych wolontariuszy-naprawiaczy.",
    target_group="Mieszkańcy dzielnicy w każdym wieku: seniorzy, którzy umieją naprawiać, i młodzież, która chce się tego nauczyć.",
    activities="Zakup podstawowych narzędzi i części; szkolenie wolontariuszy z bezpiecznej pracy przy elektryce; pięć sobotnich spotkań kawiarenki (po 4 godziny); rejestr napraw; mini-poradnik „Napraw to sam” do pobrania.",
    expected_results="5 spotkań, ok. 150 naprawionych przedmiotów, 12 przeszkolonych wolontariuszy, poradnik z 10 instrukcjami napraw.",
    results_measurement="Rejestr napraw (co, czy się udało, ile waży), liczba uczestników każdego spotkania, szacunek odpadów, których uniknęliśmy, w kilogramach.",
    partners="Dom kultury udostępnia salę i prąd, a emerytowany elektryk z osiedla poprowadzi szkolenie z bezpieczeństwa.",
    budget=(
        (
            "equipment",
            "Zestaw narzędzi (wkrętarka, lutownica, multimetr, klucze)",
            "kpl.",
            1,
            "1200",
        ),
        ("materials", "Części zamienne i materiały eksploatacyjne", "kpl.", 1, "600"),
        ("fees", "Szkolenie z bezpiecznych napraw elektrycznych", "szkolenie", 1, "500"),
        ("promotion", "Plakaty i ulotki", "szt.", 200, "1.20"),
        ("catering", "Kawa, herbata i ciasto na spotkania", "spotkanie", 5, "120"),
    ),
    schedule=(
        (0, 0, "Zakup narzędzi i szkolenie wolontariuszy"),
        (1, 4, "Pięć spotkań kawiarenki naprawczej"),
        (4, 4, "Poradnik „Napraw to sam” i podsumowanie"),
    ),
)

HEAT_MAP = Theme(
    title="Mapa upałów naszego osiedla {in_city}",
    summary="Młodzież z osiedla zmierzy temperaturę w 30 punktach w upalne dni i przygotuje mapę najgorętszych miejsc, którą przekażemy radzie osiedla i urzędowi.",
    problem="Latem przystanki, place zabaw i parkingi między blokami nagrzewają się tak, że seniorzy przestają wychodzić z domu. Nikt nie wie dokładnie, gdzie jest najgorzej, więc brakuje argumentów za nowymi drzewami i zacienieniem.",
    goals="Zebrać rzetelne pomiary temperatury w upalne dni, pokazać je w przystępnej formie i przedstawić konkretne propozycje zacienienia trzech najgorętszych miejsc.",
    target_group="Mieszkańcy osiedla, szczególnie osoby starsze i rodzice małych dzieci; młodzież jako współbadacze; radni osiedla.",
    activities="Szkolenie z pomiarów z klimatologiem; zakup rejestratorów temperatury; trzy „dni pomiarowe” w czasie upałów; opracowanie mapy; spacer badawczy z mieszkańcami; prezentacja wyników na sesji rady osiedla.",
    expected_results="Mapa 30 punktów pomiarowych, raport z rekomendacjami dla trzech miejsc, 15 przeszkolonych młodych badaczy, spacer z udziałem 30 mieszkańców.",
    results_measurement="Liczba pomiarów i punktów, liczba uczestników szkolenia i spaceru, przyjęcie rekomendacji przez radę osiedla (uchwała albo pismo).",
    partners="Pomiary konsultuje z nami klimatolog z lokalnej uczelni, a rada osiedla zaprosiła nas na sesję, na której pokażemy wyniki.",
    budget=(
        ("equipment", "Rejestratory temperatury i wilgotności", "szt.", 10, "145"),
        ("equipment", "Termometr na podczerwień", "szt.", 2, "180"),
        ("fees", "Szkolenie z pomiarów (klimatolog)", "godz.", 4, "150"),
        ("promotion", "Druk mapy w formacie plakatu", "szt.", 20, "35"),
        ("catering", "Woda i przekąski na dni pomiarowe", "dzień", 3, "90"),
    ),
    schedule=(
        (0, 0, "Szkolenie z pomiarów i zakup sprzętu"),
        (1, 2, "Dni pomiarowe w czasie upałów"),
        (3, 3, "Mapa, spacer badawczy i prezentacja dla rady osiedla"),
    ),
)

BIKE_SCHOOL = Theme(
    title="Rowerowa szkoła dla dorosłych {in_city}",
    summary="Nauczymy jeździć na rowerze dorosłych, którzy nigdy tego nie robili albo boją się ruchu w mieście — żeby krótkie trasy mogli pokonywać bez samochodu.",
    problem="Wiele osób, zwłaszcza kobiet po czterdziestce i migrantek, nie jeździ na rowerze, bo nigdy się nie nauczyło. Do pracy i sklepu jeżdżą samochodem albo autobusem, choć mają 2–3 km. Kursów dla dorosłych w mieście brakuje.",
    goals="Nauczyć co najmniej 20 dorosłych samodzielnej i bezpiecznej jazdy, oswoić ich z drogami rowerowymi i zachęcić do wybierania roweru na krótkie trasy.",
    target_group="Dorośli, którzy nie umieją jeździć na rowerze albo nie czują się pewnie w ruchu miejskim; zapisy przez dom kultury i grupy sąsiedzkie.",
    activities="Przegląd i przygotowanie rowerów szkoleniowych; 8 zajęć na zamkniętym placu; 2 wspólne przejazdy drogami rowerowymi; warsztat prostych napraw; wręczenie „rowerowych dyplomów”.",
    expected_results="20 osób jeżdżących samodzielnie, 6 rowerów szkoleniowych do dalszego wypożyczania, mapa bezpiecznych tras na osiedlu.",
    results_measurement="Lista uczestników i frekwencja, jazda próbna na koniec kursu, ankieta po 2 miesiącach: ile osób jeździ rowerem na codzienne trasy.",
    partners="Rowery szkoleniowe pozyskamy z miejskiej zbiórki, a plac udostępni pobliska szkoła podstawowa.",
    budget=(
        ("services", "Przegląd i naprawa używanych rowerów", "szt.", 6, "180"),
        ("equipment", "Kaski i kamizelki odblaskowe", "kpl.", 12, "85"),
        ("fees", "Instruktor jazdy (umowa zlecenia)", "godz.", 16, "60"),
        ("promotion", "Ulotki i plakaty o kursie", "szt.", 300, "0.90"),
        ("catering", "Poczęstunek na zakończenie kursu", "os.", 30, "15"),
    ),
    schedule=(
        (0, 0, "Przygotowanie rowerów i zapisy"),
        (1, 2, "Zajęcia na placu i przejazdy drogami rowerowymi"),
        (3, 3, "Warsztat napraw i wręczenie dyplomów"),
    ),
)

MEADOW = Theme(
    title="Łąka kwietna zamiast trawnika {in_city}",
    summary="Zamienimy 200 m² koszonego co dwa tygodnie trawnika na łąkę kwietną, która lepiej znosi suszę, chłodzi okolicę i daje schronienie owadom.",
    problem="Trawniki przy blokach są koszone do gołej ziemi nawet w czasie suszy, przez co latem brązowieją i pylą. Znikają owady zapylające, a koszenie spalinowymi kosiarkami to hałas i emisje. Mieszkańcy kojarzą łąkę z „nieporządkiem”.",
    goals="Założyć łąkę kwietną na 200 m², przekonać zarządcę do rzadszego koszenia kolejnych terenów i pokazać sąsiadom, że łąka to nie zaniedbanie.",
    target_group="Mieszkańcy trzech bloków przy łące, dzieci z pobliskiego przedszkola, zarządca terenu.",
    activities="Uzgodnienie terenu z zarządcą; przygotowanie gleby; wysiew mieszanki rodzimych gatunków; tabliczki „Tu rośnie łąka”; dwa spacery przyrodnicze z przedszkolakami; hotel dla owadów.",
    expected_results="Łąka na 200 m², 6 tabliczek, hotel dla owadów, 2 spacery dla 40 dzieci.",
    results_measurement="Zdjęcia co miesiąc, liczenie owadów metodą 15-minutowej obserwacji, liczba uczestników spacerów.",
    partners="Zarząd osiedla wstępnie zgodził się na łąkę, a przedszkole chce, żeby dzieci ją współtworzyły.",
    budget=(
        ("materials", "Mieszanka nasion rodzimych roślin łąkowych", "kg", 4, "320"),
        ("services", "Przygotowanie gleby (glebogryzarka z operatorem)", "godz.", 5, "150"),
        ("materials", "Drewno i materiały na hotel dla owadów", "kpl.", 1, "380"),
        ("promotion", "Tabliczki informacyjne", "szt.", 6, "75"),
        ("fees", "Spacer przyrodniczy z edukatorką", "spacer", 2, "300"),
    ),
    schedule=(
        (0, 0, "Uzgodnienia z zarządcą i przygotowanie gleby"),
        (1, 1, "Wysiew łąki i budowa hotelu dla owadów"),
        (2, 4, "Spacery przyrodnicze i obserwacje"),
    ),
)

COMMUNITY_FRIDGE = Theme(
    title="Sąsiedzka lodówka i szafa wymiany {in_city}",
    summary="Postawimy przy centrum sąsiedzkim lodówkę społeczną i szafę wymiany, żeby jedzenie i rzeczy trafiały do sąsiadów, a nie do kosza.",
    problem="Sklepy, piekarnie i domy wyrzucają dobre jedzenie, a jednocześnie część sąsiadów ledwo wiąże koniec z końcem. Marnowanie żywności odpowiada za kilka procent światowych emisji. W dzielnicy nie ma miejsca, gdzie można się nim podzielić.",
    goals="Uruchomić lodówkę i szafę dostępne 7 dni w tygodniu, nawiązać współpracę z trzema lokalnymi sklepami lub piekarniami i zbudować grupę wolontariuszy dbających o czystość.",
    target_group="Mieszkańcy dzielnicy, w tym seniorzy i rodziny w trudnej sytuacji; lokalne sklepy i piekarnie jako darczyńcy.",
    activities="Zakup i montaż lodówki oraz wiaty; regulamin i grafik dyżurów; szkolenie wolontariuszy z zasad bezpieczeństwa żywności; akcja informacyjna; comiesięczne „sąsiedzkie gotowanie” z nadwyżek.",
    expected_results="Lodówka i szafa działające codziennie, ok. 500 kg uratowanej żywności w 5 miesięcy, 15 wolontariuszy, 3 stałych darczyńców.",
    results_measurement="Zeszyt dyżurów z wagą przekazanego jedzenia, liczba darczyńców, zdjęcia, ankieta wśród użytkowników.",
    partners="Centrum sąsiedzkie udostępnia miejsce i prąd; rozmawiamy już z dwiema piekarniami z okolicy.",
    budget=(
        ("equipment", "Lodówka z termometrem", "szt.", 1, "1400"),
        ("materials", "Wiata i szafa z płyt wodoodpornych", "kpl.", 1, "950"),
        ("materials", "Środki czystości i pojemniki", "mies.", 5, "60"),
        ("promotion", "Naklejki, plakaty i regulamin", "kpl.", 1, "280"),
        ("catering", "Produkty do sąsiedzkiego gotowania", "spotkanie", 5, "80"),
    ),
    schedule=(
        (0, 0, "Zakup i montaż lodówki oraz szafy, regulamin"),
        (1, 1, "Szkolenie wolontariuszy i akcja informacyjna"),
        (1, 5, "Dyżury i sąsiedzkie gotowanie"),
    ),
)

SHADY_STOPS = Theme(
    title="Cień na przystanku — pnącza i ławki {in_city}",
    summary="Przy trzech przystankach, na których w upały nie ma gdzie się schronić, posadzimy pnącza na stelażach i ustawimy donice, które dadzą cień.",
    problem="Na przystankach przy głównej ulicy latem przy asfalcie jest ponad 40°C. Czekają tam seniorzy jadący do przychodni i dzieci wracające ze szkoły. Wiaty są ze szkła i nagrzewają się jak szklarnie.",
    goals="Zacienić trzy przystanki zielenią, poprawić komfort czekających i pokazać miastu tanie rozwiązanie do powtórzenia.",
    target_group="Pasażerowie komunikacji miejskiej, zwłaszcza seniorzy i dzieci; zarząd dróg jako adresat rekomendacji.",
    activities="Uzgodnienia z zarządem dróg; montaż stelaży i donic; sadzenie pnączy; grafik podlewania z sąsiadami; pomiar temperatury przed i po; spotkanie z urzędnikami.",
    expected_results="3 zacienione przystanki, 9 donic z pnączami, grupa 10 osób dbających o podlewanie, notatka z pomiarami dla zarządu dróg.",
    results_measurement="Pomiary temperatury w cieniu i w słońcu, zdjęcia, grafik podlewania, odpowiedź zarządu dróg.",
    partners="Zarząd dróg wydał wstępną zgodę na donice, a pobliska szkoła pomoże w podlewaniu w czerwcu.",
    budget=(
        ("materials", "Donice z drewna modrzewiowego", "szt.", 9, "190"),
        ("materials", "Pnącza (winobluszcz, wiciokrzew)", "szt.", 18, "35"),
        ("materials", "Stelaże i linki", "kpl.", 3, "180"),
        ("materials", "Ziemia i kora", "worek", 30, "15"),
        ("promotion", "Tabliczki z opisem projektu", "szt.", 3, "90"),
    ),
    schedule=(
        (0, 0, "Uzgodnienia z zarządem dróg"),
        (1, 1, "Montaż donic i stelaży, sadzenie pnączy"),
        (2, 4, "Podlewanie, pomiary i spotkanie z urzędnikami"),
    ),
)

OUTDOOR_CINEMA = Theme(
    title="Klimatyczne kino plenerowe {in_city}",
    summary="Cztery wieczorne pokazy filmów o klimacie w parku, każdy z krótką rozmową z lokalnym gościem o tym, co możemy zrobić u siebie.",
    problem="O zmianach klimatu mieszkańcy słyszą głównie z wiadomości — jako o czymś dalekim i przytłaczającym. Brakuje miejsc, gdzie można o tym spokojnie porozmawiać z sąsiadami i usłyszeć, co działa w naszym mieście.",
    goals="Zgromadzić ok. 200 widzów, pokazać lokalne przykłady działań i zaprosić co najmniej 20 osób do dalszych działań grupy.",
    target_group="Mieszkańcy dzielnicy, młodzież i rodziny spędzające letnie wieczory w parku.",
    activities="Wybór filmów z licencją na pokazy publiczne; 4 pokazy z rozmową (goście: ogrodniczka miejska, rowerzysta, radna, rolniczka z okolicy); zapisy do newslettera grupy.",
    expected_results="4 pokazy, 200 widzów, 20 nowych osób w grupie.",
    results_measurement="Liczenie widzów, lista zapisów, krótka ankieta po pokazie.",
    partners="Zarządca parku wstępnie zgodził się na pokazy, a dom kultury pożycza nagłośnienie.",
    budget=(
        ("services", "Wynajem ekranu i projektora", "pokaz", 4, "350"),
        ("fees", "Licencje na pokazy publiczne", "film", 4, "250"),
        ("promotion", "Plakaty i ulotki", "szt.", 200, "1.50"),
        ("catering", "Lemoniada i popcorn", "pokaz", 4, "100"),
        ("materials", "Używane leżaki i koce", "szt.", 10, "40"),
    ),
    schedule=(
        (0, 0, "Wybór filmów, licencje i zgody"),
        (1, 2, "Cztery pokazy z rozmowami"),
        (3, 3, "Spotkanie nowych osób i podsumowanie"),
    ),
)

RAIN_BARRELS = Theme(
    title="Deszczówka na działkach {in_city}",
    summary="Na ogrodach działkowych zamontujemy 20 zbiorników na deszczówkę i pokażemy działkowcom, jak podlewać oszczędnie w czasie suszy.",
    problem="Działkowcy podlewają wodą z sieci, a w czasie suszy wprowadzane są zakazy podlewania i rośliny usychają. Deszczówka z dachów altan wsiąka tuż przy ścianach bez pożytku.",
    goals="Zamontować 20 zbiorników z przyłączami rynnowymi, zmniejszyć zużycie wody wodociągowej na działkach i przeszkolić działkowców z oszczędnego podlewania i ściółkowania.",
    target_group="Działkowcy (głównie seniorzy) i młode rodziny, które niedawno przejęły działki.",
    activities="Nabór działek chętnych do udziału; zakup zbiorników; wspólny montaż z wolontariuszami; warsztat o ściółkowaniu i nawadnianiu kropelkowym; porównanie zużycia wody.",
    expected_results="20 zbiorników po 300 l (6 000 l deszczówki po każdej porządnej ulewie), 40 osób na warsztacie.",
    results_measurement="Odczyty licznika wody w ogrodzie przed i po, lista zamontowanych zbiorników, lista obecności.",
    partners="Zarząd ogrodu działkowego zgodził się na projekt i udostępni świetlicę na warsztaty.",
    budget=(
        ("materials", "Zbiorniki na deszczówkę 300 l", "szt.", 20, "120"),
        ("materials", "Zestawy przyłączy rynnowych", "szt.", 20, "35"),
        ("fees", "Warsztat o ściółkowaniu i nawadnianiu", "warsztat", 1, "400"),
        ("promotion", "Ulotki dla działkowców", "szt.", 200, "0.80"),
    ),
    schedule=(
        (0, 0, "Nabór działek i zakup zbiorników"),
        (1, 1, "Wspólny montaż zbiorników"),
        (2, 4, "Warsztat i porównanie zużycia wody"),
    ),
)

PODCAST = Theme(
    title="Podcast „Klimat od kuchni” {in_city}",
    summary="Nagramy 8 odcinków podcastu, w których młodzi ludzie rozmawiają z sąsiadami o tym, jak zmiany klimatu zmieniają ich pracę i codzienność.",
    problem="Młodzież rzadko słyszy o klimacie z perspektywy własnego miasta — rolników z okolicy, strażaków, ogrodników, lekarek. Brakuje lokalnych, przystępnych opowieści, które nie straszą, tylko pokazują, co da się zrobić.",
    goals="Opublikować 8 odcinków, nauczyć 10 osób nagrywania i montażu, dotrzeć do 2 000 odsłuchań.",
    target_group="Młodzież w wieku 15–25 lat z miasta i okolic; szkoły, które wykorzystają odcinki na lekcjach.",
    activities="Warsztaty z nagrywania i montażu; scenariusze rozmów; nagrania z 8 gośćmi; publikacja co dwa tygodnie; wspólny odsłuch z rozmową w bibliotece.",
    expected_results="8 odcinków, 10 przeszkolonych osób, 2 000 odsłuchań, 3 szkoły korzystające z odcinków.",
    results_measurement="Statystyki platform, lista uczestników warsztatów, informacje od nauczycieli.",
    partners="Biblioteka miejska udostępnia studio nagraniowe, a lokalne radio pomoże w promocji.",
    budget=(
        ("equipment", "Mikrofony i rejestrator dźwięku", "kpl.", 1, "1500"),
        ("fees", "Warsztaty z nagrywania i montażu", "godz.", 8, "120"),
        ("services", "Hosting podcastu na 12 miesięcy", "usługa", 1, "300"),
        ("promotion", "Grafiki i promocja odcinków", "kpl.", 1, "400"),
    ),
    schedule=(
        (0, 0, "Zakup sprzętu i warsztaty"),
        (1, 4, "Nagrania i publikacja ośmiu odcinków"),
        (5, 5, "Wspólny odsłuch w bibliotece"),
    ),
)

ENERGY_AUDIT = Theme(
    title="Młodzieżowy audyt energii w domu kultury {in_city}",
    summary="Razem z inżynierem przeprowadzimy audyt zużycia energii w domu kultury i przygotujemy plan oszczędności, który zmniejszy rachunki i emisje.",
    problem="Dom kultury jest ogrzewany i oświetlany jak przed laty: grzejniki bez termostatów, świetlówki, okna otwarte zimą. Budżet instytucji jest mały, a rachunki rosną. Nikt nie policzył, ile można oszczędzić prostymi zmianami.",
    goals="Zmierzyć zużycie energii, wskazać 10 tanich usprawnień i wdrożyć 3 z nich w trakcie projektu; nauczyć młodzież, jak robić taki audyt.",
    target_group="Pracownicy i użytkownicy domu kultury; młodzież z kółka technicznego; inne instytucje kultury w mieście.",
    activities="Szkolenie z audytu; pomiary kamerą termowizyjną i watomierzami; raport z rekomendacjami; montaż głowic termostatycznych i uszczelek; prezentacja dla dyrekcji i radnych.",
    expected_results="Raport z 10 rekomendacjami, 12 głowic termostatycznych, uszczelnione okna w 4 salach, szacunek rocznych oszczędności.",
    results_measurement="Odczyty liczników przed i po, raport, liczba uczestników szkolenia.",
    partners="Dyrekcja domu kultury udostępni rachunki i budynek, a inżynier z lokalnej agencji energetycznej poprowadzi szkolenie.",
    budget=(
        ("services", "Wynajem kamery termowizyjnej", "dzień", 2, "250"),
        ("equipment", "Watomierze", "szt.", 4, "60"),
        ("materials", "Głowice termostatyczne", "szt.", 12, "95"),
        ("materials", "Uszczelki do okien", "kpl.", 4, "80"),
        ("fees", "Szkolenie z audytu energii", "godz.", 6, "150"),
        ("promotion", "Druk raportu", "kpl.", 1, "250"),
    ),
    schedule=(
        (0, 0, "Szkolenie i pomiary"),
        (1, 1, "Raport z rekomendacjami"),
        (2, 2, "Montaż głowic i uszczelek, prezentacja wyników"),
    ),
)

ADOPT_A_TREE = Theme(
    title="Adoptuj drzewo — podlewamy młode drzewa {in_city}",
    summary="Zachęcimy sąsiadów do „adopcji” 40 młodych drzew posadzonych przez miasto i podlewania ich w czasie suszy, żeby przetrwały pierwsze trzy lata.",
    problem="Miasto sadzi co roku setki drzew, ale wiele z nich usycha w pierwszym lecie, bo nikt ich nie podlewa. Każde uschnięte drzewo to zmarnowane pieniądze i mniej cienia w przyszłości.",
    goals="Objąć opieką 40 młodych drzew, wyposażyć je w worki nawadniające i zbudować sieć opiekunów, która przetrwa projekt.",
    target_group="Mieszkańcy ulic, przy których posadzono nowe drzewa; szkoły i przedszkola z okolicy.",
    activities="Mapa młodych drzew; akcja „Adoptuj drzewo” z imiennymi tabliczkami; worki nawadniające; grafik podlewania; dyżury z konewkami w czasie upałów; spotkanie podsumowujące z zarządem zieleni.",
    expected_results="40 adoptowanych drzew, 40 worków nawadniających, 35 opiekunek i opiekunów, co najmniej 90% drzew w dobrej kondycji na koniec lata.",
    results_measurement="Mapa z opiekunami, liczba podlewań z formularza online, ocena stanu drzew na koniec lata razem z zarządem zieleni.",
    partners="Zarząd zieleni miejskiej przekazał nam listę nowych nasadzeń i zgodził się na worki nawadniające.",
    budget=(
        ("materials", "Worki nawadniające do drzew", "szt.", 40, "45"),
        ("promotion", "Tabliczki „Adoptuj drzewo”", "szt.", 40, "18"),
        ("equipment", "Konewki i wózek na wodę", "kpl.", 1, "450"),
        ("catering", "Poczęstunek na spotkaniu podsumowującym", "os.", 30, "12"),
    ),
    schedule=(
        (0, 0, "Mapa drzew i akcja „Adoptuj drzewo”"),
        (1, 3, "Podlewanie i dyżury w czasie upałów"),
        (4, 4, "Ocena drzew i spotkanie z zarządem zieleni"),
    ),
)

URBAN_GAME = Theme(
    title="Gra miejska „Klimat na tropie” {in_city}",
    summary="Przygotujemy grę miejską, w której drużyny odkrywają, jak miasto radzi sobie z upałem, ulewami i suszą — i co każdy może zrobić na swojej ulicy.",
    problem="Młodzi ludzie znają zmiany klimatu z podręczników, ale nie widzą ich w swoim mieście: gorących placów, zalewanych przejść, wyciętych drzew. Lekcje nie pokazują też lokalnych rozwiązań.",
    goals="Zorganizować grę dla 120 osób, pokazać 10 miejsc ważnych dla klimatu w mieście i zostawić trasę do samodzielnego przejścia.",
    target_group="Młodzież w wieku 13–19 lat, drużyny harcerskie, klasy szkolne.",
    activities="Wybór 10 punktów trasy; scenariusz i zadania; przygotowanie materiałów; gra dla szkół w dwóch terminach; wersja trasy w aplikacji do samodzielnego przejścia.",
    expected_results="2 edycje gry, 120 uczestników, trasa w aplikacji dostępna przez rok.",
    results_measurement="Liczba drużyn i uczestników, ankieta po grze, liczba przejść trasy w aplikacji.",
    partners="Trzy szkoły zadeklarowały udział klas, a harcerze pomogą w obsłudze punktów.",
    budget=(
        ("promotion", "Druk kart zadań i map", "kpl.", 120, "6"),
        ("materials", "Rekwizyty do punktów gry", "kpl.", 1, "450"),
        ("services", "Licencja aplikacji do gier miejskich", "usługa", 1, "600"),
        ("catering", "Posiłek dla uczestników i obsługi", "os.", 140, "10"),
    ),
    schedule=(
        (0, 1, "Trasa, scenariusz i materiały"),
        (2, 2, "Dwie edycje gry dla szkół"),
        (3, 3, "Trasa w aplikacji i podsumowanie"),
    ),
)

OPEN_THEMES = [
    REPAIR_CAFE,
    BIKE_SCHOOL,
    COMMUNITY_FRIDGE,
    SHADY_STOPS,
    RAIN_BARRELS,
    PODCAST,
    ENERGY_AUDIT,
    ADOPT_A_TREE,
    URBAN_GAME,
    RAIN_GARDEN,
    MEADOW,
    HEAT_MAP,
    OUTDOOR_CINEMA,
]

# The three the formal check stops, and wnioskodawca2's group project.

REPAIR_CAFE_TO_CORRECT = replace(
    REPAIR_CAFE,
    budget=(
        (
            "equipment",
            "Zestaw narzędzi (wkrętarka, lutownica, multimetr, klucze)",
            "kpl.",
            1,
            "1200",
        ),
        ("materials", "Części zamienne i materiały eksploatacyjne", "kpl.", 1, "600"),
        ("services", "Usługi różne", "kpl.", 1, "600"),
        ("promotion", "Plakaty i ulotki", "szt.", 200, "1.20"),
        ("catering", "Kawa, herbata i ciasto na spotkania", "spotkanie", 5, "120"),
    ),
    schedule=(
        (0, 3, "Spotkania kawiarenki naprawczej"),
        (1, 1, "Zakup narzędzi i szkolenie wolontariuszy"),
        (4, 4, "Poradnik „Napraw to sam” i podsumowanie"),
    ),
)
CORRECTION_MESSAGE = (
    "Dziękujemy za wniosek! Zanim przekażemy go do oceny, prosimy o dwie poprawki:\n"
    "1) Pozycja budżetu „Usługi różne” (600 zł) jest zbyt ogólna — rozpiszcie, za co dokładnie "
    "chcecie zapłacić (np. szkolenie z bezpieczeństwa, przegląd instalacji).\n"
    "2) W harmonogramie kawiarenka zaczyna działać, zanim kupicie narzędzia i przeszkolicie "
    "wolontariuszy — prosimy uporządkować kolejność.\n"
    "Pozostałe części wniosku są w porządku. Po poprawkach wyślijcie wniosek ponownie."
)

MEADOW_CORRECTION_MESSAGE = (
    "Prosimy uzupełnić wniosek o dwie informacje: kto zadba o łąkę po zakończeniu projektu "
    "(łąkę trzeba kosić raz lub dwa razy w roku) oraz potwierdzenie, że zarządca terenu zgadza "
    "się na łąkę — wystarczy skan pisma lub wydruk e-maila jako załącznik."
)
MEADOW_FIXES = {
    "expected_results": MEADOW.expected_results
    + " Po zakończeniu projektu łąkę kosi zarząd osiedla dwa razy w roku (czerwiec i wrzesień), "
    "zgodnie z pismem w załączniku, a o tabliczki i hotel dla owadów dbają wolontariusze.",
    "results_measurement": MEADOW.results_measurement
    + " Rok po projekcie sprawdzimy razem z zarządem, czy łąka się odnawia.",
}

EXCHANGE_ABROAD = Theme(
    title="Klimat bez granic — wymiana młodzieży Wrocław–Drezno",
    summary="Dziesięciodniowa wymiana 12 osób z Wrocławia i 12 z Drezna: wspólne warsztaty o miejskiej adaptacji do zmian klimatu, wizyty w dzielnicach z zielonymi dachami, film z wyjazdu.",
    problem="Młodzi aktywiści we Wrocławiu mało wiedzą o tym, jak inne miasta Europy radzą sobie z upałami i powodziami. Drezno, podobnie jak Wrocław, przeżyło wielkie powodzie i ma ciekawe rozwiązania retencji.",
    goals="Poznać rozwiązania z Drezna, nawiązać współpracę grup młodzieżowych z obu miast i przenieść dwa pomysły do Wrocławia.",
    target_group="24 osoby w wieku 16–25 lat z Wrocławia i Drezna.",
    activities="Przygotowanie językowe; 10 dni w Dreźnie: warsztaty, wizyty studyjne, spotkanie z urzędnikami; film z wymiany; pokaz filmu we Wrocławiu.",
    expected_results="24 uczestników, film, dwa pomysły do wdrożenia we Wrocławiu.",
    results_measurement="Lista uczestników, ankieta po wymianie, liczba widzów pokazu filmu.",
    partners="Partnerem jest młodzieżowa organizacja z Drezna, która pokrywa noclegi i wyżywienie grupy.",
    budget=(
        ("travel", "Przejazd pociągiem Wrocław–Drezno i z powrotem", "os.", 12, "150"),
        ("fees", "Tłumaczenie warsztatów", "godz.", 10, "90"),
        ("materials", "Materiały warsztatowe", "kpl.", 1, "400"),
        ("catering", "Wspólna kolacja obu grup", "os.", 24, "25"),
    ),
    schedule=(
        (0, 0, "Przygotowanie językowe i organizacyjne"),
        (1, 1, "Dziesięć dni wymiany w Dreźnie"),
        (2, 2, "Montaż filmu i pokaz we Wrocławiu"),
    ),
)
REJECTION_MESSAGE = (
    "Wniosek nie spełnia wymogu formalnego naboru: projekt musi być realizowany w Polsce, "
    "a jego główna część (dziesięciodniowy wyjazd i warsztaty) odbywa się w Dreźnie. Nie da się "
    "tego poprawić bez zmiany istoty projektu, dlatego wniosek nie zostanie przekazany do oceny "
    "merytorycznej. Zachęcamy do skorzystania z programów wymian młodzieżowych, a w naszym programie "
    "— do złożenia wniosku na działania we Wrocławiu."
)

GREEN_COURTYARD = Theme(
    title="Zielone Podwórko — cień i deszczówka między blokami na Kalinowszczyźnie",
    summary="Zamienimy wybetonowane podwórko między czterema blokami w zielone miejsce spotkań: dwa drzewa, ogród deszczowy przy rynnie, ławki w cieniu i beczki na deszczówkę do podlewania.",
    problem="Nasze podwórko to asfalt i parking. Latem nie da się tam wyjść po 11:00, a seniorzy z parteru zamykają okna, bo od nawierzchni bije gorąco. Po ulewach woda z rynien stoi w kałużach przy wejściach do klatek.",
    goals="Obniżyć temperaturę na podwórku w upalne dni, zatrzymać deszczówkę z dwóch rynien i stworzyć miejsce, w którym sąsiedzi naprawdę się spotykają.",
    target_group="Ok. 200 mieszkańców czterech bloków, w tym kilkunastu seniorów i dzieci z przedszkola na parterze.",
    activities="Spotkanie sąsiedzkie i wspólny projekt podwórka; zgoda spółdzielni; rozbiórka fragmentu asfaltu; sadzenie dwóch drzew i roślin w ogrodzie deszczowym; montaż ławek i beczek; sąsiedzkie święto podwórka.",
    expected_results="2 drzewa, ogród deszczowy ok. 10 m², 2 beczki po 300 l, 3 ławki w cieniu, co najmniej 30 sąsiadów przy pracach.",
    results_measurement="Pomiar temperatury nawierzchni przed i po, zdjęcia, lista osób przy pracach, ankieta wśród mieszkańców.",
    partners="Spółdzielnia mieszkaniowa zgodziła się na rozbiórkę fragmentu asfaltu, a przedszkole zaopiekuje się ogrodem deszczowym.",
    budget=(
        ("services", "Rozbiórka 15 m² asfaltu i wywóz gruzu", "m²", 15, "60"),
        ("materials", "Dwa drzewa (klon polny) z palikami", "szt.", 2, "380"),
        ("materials", "Rośliny do ogrodu deszczowego", "szt.", 35, "18"),
        ("equipment", "Beczki na deszczówkę 300 l z przyłączem", "szt.", 2, "190"),
        ("materials", "Drewno na ławki", "kpl.", 3, "220"),
        ("catering", "Poczęstunek na święto podwórka", "os.", 40, "10"),
    ),
    schedule=(
        (0, 0, "Spotkanie sąsiedzkie, projekt i zgoda spółdzielni"),
        (1, 1, "Rozbiórka asfaltu, sadzenie drzew i roślin"),
        (2, 2, "Ławki, beczki i święto podwórka"),
    ),
)

SCHOOLS = [
    ("I Liceum Ogólnokształcące", "I Liceum Ogólnokształcącego", "I Liceum Ogólnokształcącym"),
    ("Technikum nr 3", "Technikum nr 3", "Technikum nr 3"),
    ("Zespół Szkół Ekonomicznych", "Zespołu Szkół Ekonomicznych", "Zespole Szkół Ekonomicznych"),
    ("II Liceum Ogólnokształcące", "II Liceum Ogólnokształcącego", "II Liceum Ogólnokształcącym"),
    ("Zespół Szkół Ogrodniczych", "Zespołu Szkół Ogrodniczych", "Zespole Szkół Ogrodniczych"),
    ("Technikum Budowlane", "Technikum Budowlanego", "Technikum Budowlanym"),
    (
        "III Liceum Ogólnokształcące",
        "III Liceum Ogólnokształcącego",
        "III Liceum Ogólnokształcącym",
    ),
    ("Liceum Plastyczne", "Liceum Plastycznego", "Liceum Plastycznym"),
    (
        "Szkoła Branżowa I stopnia nr 2",
        "Szkoły Branżowej I stopnia nr 2",
        "Szkole Branżowej I stopnia nr 2",
    ),
]

SCHOOL_THEMES = [
    Theme(
        title="Szkolny ogród deszczowy przy {school_loc} {in_city}",
        summary="Uczniowie zaprojektują i zbudują ogród deszczowy, do którego trafi woda z rynny sali gimnastycznej.",
        problem="Po ulewach boisko i wejście do sali gimnastycznej stoją w wodzie, a w czerwcu trawniki wokół szkoły są wypalone. Deszczówka z dachu trafia do kanalizacji.",
        goals="Zatrzymać wodę z ok. 80 m² dachu, nauczyć uczniów, jak działa retencja, i stworzyć zielone miejsce do lekcji biologii.",
        target_group="Uczniowie i uczennice {school_gen}, nauczyciele biologii i geografii, rodzice.",
        activities="Lekcja projektowa z architektką krajobrazu; pomiar powierzchni dachu; budowa ogrodu w czasie dwóch „zielonych sobót”; tablica edukacyjna; lekcja otwarta dla szkół podstawowych.",
        expected_results="Ogród deszczowy ok. 8 m², 30 uczniów przy budowie, tablica, lekcja otwarta dla 3 klas.",
        results_measurement="Zdjęcia po ulewach, lista uczestników, ankieta wśród nauczycieli.",
        partners="",
        budget=(
            ("materials", "Rośliny do ogrodu deszczowego", "szt.", 40, "16"),
            ("materials", "Żwir, piasek i kamienie", "kpl.", 1, "420"),
            ("fees", "Konsultacja architektki krajobrazu", "godz.", 4, "120"),
            ("promotion", "Tablica edukacyjna", "szt.", 1, "380"),
            ("catering", "Poczęstunek na zielone soboty", "os.", 30, "10"),
        ),
        schedule=(
            (0, 0, "Lekcja projektowa i pomiary"),
            (1, 1, "Zielone soboty — budowa ogrodu"),
            (2, 2, "Tablica i lekcja otwarta"),
        ),
    ),
    Theme(
        title="Rowerownia przy {school_loc} {in_city}",
        summary="Zbudujemy zadaszoną rowerownię i punkt samoobsługowej naprawy, żeby więcej uczniów dojeżdżało do szkoły rowerem.",
        problem="Przy szkole są tylko cztery stojaki typu „wyrwikółko”, bez zadaszenia. Uczniowie boją się zostawiać rowery, więc dojeżdżają autobusem albo są podwożeni samochodem, co rano korkując ulicę przed szkołą.",
        goals="Zapewnić 20 bezpiecznych miejsc na rowery, podwoić liczbę uczniów dojeżdżających rowerem i zorganizować „Rowerowy tydzień”.",
        target_group="Uczniowie i nauczyciele {school_gen} mieszkający do 5 km od szkoły.",
        activities="Ankieta o dojazdach; zakup stojaków i stacji naprawczej; montaż z pomocą rodziców; „Rowerowy tydzień” z konkursem na najwięcej dojazdów; ponowna ankieta.",
        expected_results="10 stojaków (20 miejsc), stacja naprawcza, dwa razy więcej uczniów dojeżdżających rowerem.",
        results_measurement="Ankieta przed i po, liczenie rowerów w 5 losowych dniach, liczba uczestników „Rowerowego tygodnia”.",
        partners="",
        budget=(
            ("equipment", "Stojaki rowerowe typu U", "szt.", 10, "160"),
            ("equipment", "Stacja samoobsługowej naprawy rowerów", "szt.", 1, "950"),
            ("promotion", "Nagrody w konkursie rowerowym", "kpl.", 1, "300"),
        ),
        schedule=(
            (0, 0, "Ankieta o dojazdach i zakupy"),
            (1, 1, "Montaż stojaków i stacji"),
            (2, 2, "Rowerowy tydzień i ponowna ankieta"),
        ),
    ),
    Theme(
        title="Szkolna wymianka ubrań i podręczników w {school_loc} {in_city}",
        summary="Dwa razy w semestrze zorganizujemy w szkole wymiankę ubrań, książek i podręczników, a przez resztę roku będzie działał regał wymiany.",
        problem="Produkcja ubrań to jedno z dużych źródeł emisji, a szafy pękają od rzeczy noszonych raz. Co roku uczniowie kupują nowe podręczniki, choć starsze roczniki mają je w domach.",
        goals="Dać drugie życie co najmniej 600 rzeczom, uruchomić stały regał wymiany i pokazać, ile emisji oszczędzamy.",
        target_group="Uczniowie {school_gen}, ich rodzeństwo i rodzice, nauczyciele.",
        activities="Zbiórka rzeczy; dwie wymianki w szkolnym holu; regał wymiany w bibliotece; lekcja o modzie i klimacie; licznik oszczędzonych emisji na szkolnej stronie.",
        expected_results="2 wymianki, 600 rzeczy w nowych rękach, stały regał, lekcja dla 6 klas.",
        results_measurement="Ważenie i liczenie rzeczy, liczba uczestników, licznik na stronie szkoły.",
        partners="",
        budget=(
            ("equipment", "Wieszaki jezdne na ubrania", "szt.", 3, "250"),
            ("materials", "Regał i kosze na książki", "kpl.", 1, "600"),
            ("promotion", "Plakaty i ulotki", "szt.", 100, "1.50"),
            ("materials", "Wieszaki i worki wielorazowe", "kpl.", 1, "200"),
            ("fees", "Lekcja z projektantką mody cyrkularnej", "lekcja", 1, "400"),
        ),
        schedule=(
            (0, 0, "Zbiórka rzeczy i pierwsza wymianka"),
            (1, 2, "Regał wymiany i lekcja o modzie"),
            (3, 3, "Druga wymianka i podsumowanie"),
        ),
    ),
    Theme(
        title="Uczniowski audyt energii w {school_loc} {in_city}",
        summary="Uczniowie z opiekunem zmierzą, gdzie szkoła traci energię, i przygotują dla dyrekcji plan oszczędności.",
        problem="Rachunki szkoły za prąd i ciepło rosną, a w klasach jednocześnie jest za gorąco i otwarte są okna. Nikt nie sprawdził, gdzie energia ucieka.",
        goals="Przeprowadzić audyt 20 sal, wdrożyć 3 proste usprawnienia i zmniejszyć zużycie energii o 5%.",
        target_group="Uczniowie, nauczyciele, dyrekcja i pracownicy obsługi {school_gen}.",
        activities="Szkolenie z audytu z inżynierem; pomiary kamerą termowizyjną i watomierzami; raport dla dyrekcji; montaż głowic termostatycznych; kampania „Wyłącz, zanim wyjdziesz”.",
        expected_results="Raport z rekomendacjami, 10 głowic termostatycznych, kampania w całej szkole.",
        results_measurement="Odczyty liczników miesiąc do miesiąca, raport, ankieta wśród uczniów.",
        partners="",
        budget=(
            ("services", "Wynajem kamery termowizyjnej", "dzień", 2, "250"),
            ("equipment", "Watomierze", "szt.", 3, "60"),
            ("materials", "Głowice termostatyczne", "szt.", 10, "95"),
            ("fees", "Szkolenie z audytu (inżynier)", "godz.", 4, "150"),
            ("promotion", "Naklejki i plakaty kampanii", "kpl.", 1, "200"),
        ),
        schedule=(
            (0, 0, "Szkolenie i pomiary"),
            (1, 1, "Raport dla dyrekcji"),
            (2, 3, "Głowice termostatyczne i kampania"),
        ),
    ),
    Theme(
        title="Klimatyczna debata oksfordzka w {school_loc} {in_city}",
        summary="Zorganizujemy turniej debat oksfordzkich o polityce klimatycznej dla ośmiu drużyn z okolicznych szkół, z finałem otwartym dla mieszkańców.",
        problem="Uczniowie mają mocne zdanie o klimacie, ale rzadko ćwiczą rzeczową rozmowę na argumenty i dane. Spory kończą się w komentarzach w sieci.",
        goals="Nauczyć 40 uczniów debatowania opartego na źródłach, przeprowadzić turniej i finał z udziałem lokalnych radnych.",
        target_group="Uczniowie szkół ponadpodstawowych z miasta, nauczyciele WOS-u i geografii, mieszkańcy.",
        activities="Warsztaty z debatowania i sprawdzania źródeł; 7 debat turniejowych; finał w auli {school_gen} z publicznością; nagranie i publikacja finału.",
        expected_results="8 drużyn, 40 przeszkolonych uczniów, finał dla 150 widzów, nagranie.",
        results_measurement="Lista drużyn, liczba widzów, ankieta uczestników.",
        partners="",
        budget=(
            ("fees", "Warsztaty z trenerem debat", "godz.", 8, "120"),
            ("promotion", "Dyplomy, plakaty i nagrody książkowe", "kpl.", 1, "600"),
            ("services", "Nagranie i montaż finału", "usługa", 1, "700"),
            ("catering", "Poczęstunek dla drużyn", "os.", 40, "12"),
        ),
        schedule=(
            (0, 0, "Warsztaty z debatowania"),
            (1, 2, "Debaty turniejowe"),
            (3, 3, "Finał i publikacja nagrania"),
        ),
    ),
    Theme(
        title="Zielona klasa na dziedzińcu {school_gen} {in_city}",
        summary="Zamienimy betonowy dziedziniec w zieloną klasę: drewniane siedziska, donice z drzewkami i pnączami, cień na lekcje na zewnątrz.",
        problem="Dziedziniec szkoły to wylany beton, który w maju i czerwcu nagrzewa się tak, że nikt tam nie wychodzi na przerwach. Lekcji na świeżym powietrzu nie ma gdzie prowadzić.",
        goals="Stworzyć zacienione miejsce na 30 osób, posadzić 6 drzewek w donicach i prowadzić tam co najmniej 20 lekcji w semestrze.",
        target_group="Uczniowie i nauczyciele {school_gen}.",
        activities="Projekt z uczniami; budowa siedzisk; donice i sadzenie; grafik podlewania; pierwsze lekcje w zielonej klasie.",
        expected_results="Siedziska dla 30 osób, 6 drzewek, 4 pnącza, 20 lekcji na zewnątrz.",
        results_measurement="Zeszyt lekcji plenerowych, pomiar temperatury nawierzchni przed i po, zdjęcia.",
        partners="",
        budget=(
            ("materials", "Drewno i okucia na siedziska", "kpl.", 1, "900"),
            ("materials", "Donice i ziemia", "szt.", 6, "150"),
            ("materials", "Drzewka i pnącza", "szt.", 10, "70"),
            ("equipment", "Wkrętarka i narzędzia", "kpl.", 1, "400"),
        ),
        schedule=(
            (0, 0, "Projekt zielonej klasy"),
            (1, 1, "Budowa siedzisk i sadzenie"),
            (2, 3, "Lekcje w zielonej klasie"),
        ),
    ),
    Theme(
        title="Kompostownik i zero waste w stołówce {school_gen} {in_city}",
        summary="Postawimy przy szkole kompostowniki na resztki ze stołówki i przeprowadzimy kampanię przeciw marnowaniu jedzenia.",
        problem="Szkolna stołówka wyrzuca codziennie ok. 15 kg jedzenia, a obierki trafiają do odpadów zmieszanych. Uczniowie nie wiedzą, ile jedzenia się marnuje.",
        goals="Zmniejszyć ilość wyrzucanego jedzenia o 30% i kompostować resztki roślinne ze stołówki.",
        target_group="Uczniowie jedzący obiady w stołówce, pracownice kuchni, rodzice.",
        activities="Tydzień ważenia resztek; kompostowniki i szkolenie; kampania plakatowa; „mniejsza porcja na życzenie” uzgodniona z kuchnią; kompost do szkolnych rabat.",
        expected_results="2 kompostowniki, o 30% mniej resztek, raport z ważenia.",
        results_measurement="Ważenie resztek przez tydzień na początku i na końcu projektu.",
        partners="",
        budget=(
            ("equipment", "Kompostownik termiczny", "szt.", 2, "450"),
            ("equipment", "Waga i pojemniki na resztki", "kpl.", 1, "350"),
            ("promotion", "Plakaty kampanii", "szt.", 30, "12"),
            ("fees", "Szkolenie z kompostowania", "szkolenie", 1, "350"),
        ),
        schedule=(
            (0, 0, "Tydzień ważenia resztek"),
            (1, 2, "Kompostowniki, szkolenie i kampania"),
            (3, 3, "Ponowne ważenie i raport"),
        ),
    ),
    Theme(
        title="Łąka kwietna i hotele dla owadów przy {school_loc} {in_city}",
        summary="Część szkolnego trawnika zamienimy w łąkę kwietną i zbudujemy hotele dla owadów, a uczniowie będą prowadzić obserwacje zapylaczy.",
        problem="Trawnik przy szkole jest koszony co tydzień, nie ma na nim kwiatów ani owadów. O bioróżnorodności uczniowie uczą się tylko z książek.",
        goals="Założyć łąkę na 100 m², zbudować 3 hotele dla owadów i prowadzić obserwacje przez cały sezon.",
        target_group="Uczniowie klas biologicznych {school_gen}, sąsiedzi szkoły, przedszkole obok.",
        activities="Przygotowanie gleby i wysiew; warsztaty stolarskie — hotele dla owadów; comiesięczne obserwacje; wystawa zdjęć.",
        expected_results="Łąka na 100 m², 3 hotele dla owadów, 5 obserwacji, wystawa.",
        results_measurement="Karty obserwacji, zdjęcia, liczba uczestników.",
        partners="",
        budget=(
            ("materials", "Nasiona łąki kwietnej", "kg", 2, "320"),
            ("services", "Przygotowanie gleby", "godz.", 3, "150"),
            ("materials", "Drewno i materiały na hotele dla owadów", "kpl.", 3, "150"),
            ("promotion", "Wystawa zdjęć (wydruki)", "szt.", 20, "25"),
        ),
        schedule=(
            (0, 0, "Przygotowanie gleby i wysiew"),
            (1, 1, "Warsztaty stolarskie"),
            (2, 4, "Obserwacje i wystawa"),
        ),
    ),
    Theme(
        title="Uczniowska stacja pogodowa {school_gen} {in_city}",
        summary="Zamontujemy na dachu szkoły stację meteorologiczną i będziemy publikować dane, żeby pokazać, jak zmienia się klimat w naszym mieście.",
        problem="Uczniowie słyszą o ociepleniu w skali świata, ale nie mają danych z własnej okolicy. Najbliższa stacja meteorologiczna jest kilkanaście kilometrów od miasta.",
        goals="Zbierać dane co 10 minut, publikować je na stronie szkoły i wykorzystać w 10 lekcjach geografii, fizyki i matematyki.",
        target_group="Uczniowie i nauczyciele przedmiotów ścisłych {school_gen}, mieszkańcy.",
        activities="Zakup i montaż stacji; publikacja danych na stronie; scenariusze lekcji; uczniowski „biuletyn pogodowy” co miesiąc.",
        expected_results="Działająca stacja, dane online, 10 scenariuszy lekcji, 6 biuletynów.",
        results_measurement="Ciągłość danych, liczba lekcji z danymi, odsłony strony.",
        partners="",
        budget=(
            ("equipment", "Stacja meteorologiczna z łącznością Wi-Fi", "szt.", 1, "1900"),
            ("services", "Montaż na dachu (firma z uprawnieniami)", "usługa", 1, "600"),
            ("materials", "Maszt i mocowania", "kpl.", 1, "250"),
        ),
        schedule=(
            (0, 0, "Zakup i montaż stacji"),
            (1, 1, "Publikacja danych i scenariusze lekcji"),
            (2, 5, "Biuletyny pogodowe"),
        ),
    ),
    Theme(
        title="Tydzień klimatyczny w {school_loc} {in_city}",
        summary="Uczniowie przygotują i poprowadzą tydzień klimatyczny: lekcje prowadzone przez starsze klasy, wystawę, spacer badawczy i debatę z radnymi.",
        problem="W szkole o klimacie mówi się raz w roku, przy okazji Dnia Ziemi. Uczniowie chcą rozmawiać o tym, co można zmienić tu i teraz — w szkole i w mieście.",
        goals="Przeprowadzić 15 lekcji prowadzonych przez uczniów, zorganizować wystawę i spotkanie z radnymi, zebrać 3 zobowiązania szkoły.",
        target_group="Wszyscy uczniowie {school_gen}, nauczyciele, radni miasta.",
        activities="Scenariusze lekcji przygotowane z mentorką; wystawa plakatów; spacer po okolicy szkoły; debata z radnymi; ogłoszenie szkolnych zobowiązań klimatycznych.",
        expected_results="15 lekcji, wystawa, debata dla 100 osób, 3 zobowiązania szkoły.",
        results_measurement="Lista lekcji, ankieta, dokument z zobowiązaniami podpisany przez dyrekcję.",
        partners="",
        budget=(
            ("fees", "Mentoring przy scenariuszach lekcji", "godz.", 6, "120"),
            ("promotion", "Druk plakatów na wystawę", "szt.", 15, "40"),
            ("materials", "Materiały na lekcje", "kpl.", 1, "300"),
            ("catering", "Poczęstunek na debatę", "os.", 60, "8"),
        ),
        schedule=(
            (0, 1, "Scenariusze lekcji i wystawa"),
            (2, 2, "Tydzień klimatyczny"),
            (3, 3, "Zobowiązania szkoły i podsumowanie"),
        ),
    ),
]

# --- The open call's own questions, screener, attachment and checklist -------------

HEARD_FROM = "Skąd dowiedzieliście się o programie?"
HEARD_FROM_CHOICES = [
    "Od znajomych lub z grupy, w której działamy",
    "Z mediów społecznościowych",
    "Ze szkoły lub uczelni",
    "Z newslettera sieci ruchów miejskich",
    "Z lokalnej organizacji pozarządowej",
]
EARLIER_PROJECT = "Czy realizowaliście już wcześniej jakiś projekt społeczny? Jaki?"
EARLIER_PROJECT_ANSWERS = [
    "Tak — w zeszłym roku sprzątaliśmy z sąsiadami brzeg rzeki i posadziliśmy 30 krzewów.",
    "Tak, współorganizowaliśmy wymiankę ubrań w domu kultury.",
    "Nie, to nasz pierwszy projekt, dlatego bardzo zależy nam na szkoleniu.",
    "Tak — zbiórkę podpisów pod petycją o nowe drzewa na naszej ulicy (zebraliśmy 600 podpisów).",
    "Tak, prowadziliśmy w szkole kampanię „Wyłącz światło” i szkolną zbiórkę baterii.",
]
SUPPORT_LETTER = "List poparcia"

ELIGIBILITY_QUESTIONS = [
    (
        "Czy osoby realizujące projekt mają od 16 do 30 lat (albo składacie wniosek jako organizacja działająca na rzecz młodzieży)?",
        True,
        "Program „Klimat w sąsiedztwie” jest dla młodych aktywistek i aktywistów w wieku 16–30 lat. "
        "Jeśli jesteście starsi, zajrzyjcie do naboru „Chłodne podwórka” — mogą w nim startować "
        "wszyscy mieszkańcy.",
    ),
    (
        "Czy projekt ma charakter komercyjny (np. sprzedajecie produkty lub usługi z zyskiem)?",
        False,
        "Mini-granty finansują tylko działania niekomercyjne. Możecie pobierać symboliczne opłaty "
        "na pokrycie kosztów, ale projekt nie może przynosić zysku.",
    ),
]
FORMAL_CHECK_ITEMS = [
    "Wniosek złożyła osoba lub organizacja uprawniona (wiek 16–30 lat albo organizacja działająca na rzecz młodzieży)",
    "Projekt dotyczy ochrony klimatu lub przygotowania do jego zmian",
    "Projekt jest realizowany w Polsce, trwa najwyżej 6 miesięcy i ma zgodę zarządcy terenu, jeśli jest potrzebna",
    "Budżet mieści się w limitach naboru, koszty są opisane konkretnie, wkład własny wynosi co najmniej 5%",
]

"""Demo: the open call's page offers its regulations (a PDF rendered here), an application
template (a small DOCX written here) and the questions its young applicants ask most.

Everything goes through what a coordinator uses: the files through the upload check and
call_parts_save, the FAQ through call_parts_save. A call that already has documents or FAQ
entries is left as it is, so loading the demo again changes nothing.
"""

import io
import zipfile
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from core.pdf import render_pdf
from core.uploads import attachment_check
from grants.call_documents import CallDocument, FaqEntry
from grants.limits import MAX_CALL_DOCUMENT_MB
from grants.models import GrantCall
from grants.services import call_parts_save

# (heading, paragraphs) of the open call's regulations: short, in the words of its page.
REGULATIONS = [
    (
        "§ 1. O naborze",
        [
            "Nabór „{title}” prowadzi {programme}. Wspieramy małe, oddolne działania młodych "
            "ludzi, które pomagają chronić klimat i przygotować okolicę na upały, ulewy i susze.",
            "Na granty przeznaczamy łącznie {budget}. Jeden projekt może dostać od {min_amount} "
            "do {max_amount}.",
        ],
    ),
    (
        "§ 2. Kto może złożyć wniosek",
        [
            "Osoby w wieku 16–30 lat, samodzielnie lub w grupie nieformalnej (co najmniej 3 "
            "osoby), oraz organizacje pozarządowe działające na rzecz młodzieży.",
            "Osoba niepełnoletnia potrzebuje zgody rodzica lub opiekuna. Umowę w imieniu grupy "
            "podpisują jej pełnoletni członkowie albo organizacja patronacka.",
            "Jedna osoba lub grupa składa w naborze jeden wniosek.",
        ],
    ),
    (
        "§ 3. Wkład własny",
        [
            "Wkład własny to co najmniej {own_share}% całkowitego kosztu projektu. Może być "
            "finansowy albo niefinansowy: praca wolontariuszy, użyczona sala lub sprzęt, "
            "wycenione po cenach rynkowych.",
        ],
    ),
    (
        "§ 4. Na co można wydać grant",
        [
            "Na koszty potrzebne do działań opisanych we wniosku: materiały, wynajem, transport, "
            "honoraria, promocję. Nie finansujemy nagród pieniężnych, alkoholu ani kosztów "
            "poniesionych przed podpisaniem umowy.",
        ],
    ),
    (
        "§ 5. Ocena i decyzja",
        [
            "Wnioski złożone w terminie sprawdzamy formalnie; braki można uzupełnić w ciągu "
            "7 dni. Każdy poprawny wniosek oceniają dwie niezależne osoby według kryteriów "
            "podanych na stronie naboru. Wyniki ogłaszamy w systemie i wysyłamy e-mailem.",
        ],
    ),
    (
        "§ 6. Realizacja i rozliczenie",
        [
            "Projekt trwa najwyżej 6 miesięcy. Zaliczkę (80%) wypłacamy po podpisaniu umowy, "
            "resztę po przyjęciu sprawozdania końcowego. Zmiany terminów lub budżetu "
            "uzgadniamy aneksem do umowy.",
        ],
    ),
]

FAQ = [
    (
        "Mamy po 16–17 lat. Czy możemy złożyć wniosek jako grupa?",
        "Tak. Grupa nieformalna to co najmniej 3 osoby w wieku 16–30 lat. Każda niepełnoletnia "
        "osoba potrzebuje zgody rodzica lub opiekuna. Umowę za grupę podpisują jej pełnoletni "
        "członkowie albo organizacja, która się Wami opiekuje (patron).",
    ),
    (
        "Co to jest wkład własny i skąd go wziąć?",
        "To część kosztów projektu, której nie pokrywa grant. W tym naborze co najmniej 5%: przy "
        "projekcie za 4000 zł to 200 zł. Nie musi to być gotówka — liczy się też Wasza praca "
        "jako wolontariuszy, użyczona sala czy sprzęt, jeśli wpiszecie je do budżetu z wyceną.",
    ),
    (
        "Czy mogę złożyć więcej niż jeden wniosek?",
        "Nie. Jedna osoba lub grupa składa w tym naborze jeden wniosek. Jeśli macie dwa pomysły, "
        "wybierzcie ten, na którym zależy Wam bardziej, albo połączcie je w jeden projekt.",
    ),
    (
        "Na co nie możemy wydać pieniędzy z grantu?",
        "Na nagrody pieniężne, alkohol i wydatki sprzed podpisania umowy. Każdy zakup musi "
        "służyć działaniom opisanym we wniosku — wpiszcie go do budżetu z krótkim uzasadnieniem.",
    ),
    (
        "Co, jeśli w trakcie projektu coś pójdzie inaczej, niż planowaliśmy?",
        "To normalne. Napiszcie do nas, zanim zmienicie termin albo budżet: zmiany zapisujemy "
        "w aneksie do umowy. Drobne przesunięcia między pozycjami budżetu opisujecie "
        "w sprawozdaniu.",
    ),
]

TEMPLATE_PARAGRAPHS = [
    "Wzór harmonogramu i budżetu projektu",
    "Wypełnij go z zespołem, zanim przepiszesz dane do formularza wniosku.",
    "1. Harmonogram: co zrobicie, kiedy i kto za to odpowiada (np. „maj 2027 – warsztaty "
    "dla mieszkańców – Ola”).",
    "2. Budżet: każda pozycja z liczbą sztuk, ceną i kwotą; zaznacz, co pokrywa grant, a co "
    "wkład własny.",
    "3. Wskaźniki: ile osób weźmie udział, ile wydarzeń zorganizujecie.",
]


def _pln(amount) -> str:
    return f"{int(amount):,}".replace(",", "\u00a0") + "\u00a0zł"


def regulations_pdf(call: GrantCall) -> bytes:
    """The call's regulations as a tagged PDF, through the same renderer as agreements."""
    values = {
        "title": call.title,
        "programme": call.programme,
        "budget": _pln(call.total_budget),
        "min_amount": _pln(call.min_amount),
        "max_amount": _pln(call.max_amount),
        "own_share": f"{call.own_contribution_percent.normalize():f}",
    }
    sections = "".join(
        f"<h2>{escape(heading)}</h2>"
        + "".join(f"<p>{escape(paragraph.format(**values))}</p>" for paragraph in paragraphs)
        for heading, paragraphs in REGULATIONS
    )
    year = timezone.localtime(call.opens_at).year
    html = (
        '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Regulamin</title>'
        "<style>body{font-family:'DejaVu Sans',sans-serif;font-size:10.5pt;line-height:1.45}"
        "h1{font-size:16pt}h2{font-size:12pt;margin-top:14pt}</style></head><body>"
        f"<h1>Regulamin naboru „{escape(call.title)}” {year}</h1>{sections}</body></html>"
    )
    return render_pdf(html, title=f"Regulamin naboru {call.title}", author=call.programme)


def template_docx() -> bytes:
    """A small Word document (DOCX) with the template's paragraphs: the parts Word needs, no more."""
    body = "".join(
        f"<w:p><w:r>{'<w:rPr><w:b/></w:rPr>' if index == 0 else ''}"
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for index, text in enumerate(TEMPLATE_PARAGRAPHS)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def _document(call: GrantCall, *, title: str, description: str, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    checked = attachment_check(upload, max_mb=MAX_CALL_DOCUMENT_MB)
    return CallDocument(
        call=call,
        title=title,
        description=description,
        file=upload,
        original_name=checked.name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
    )


def demo_call_documents_load(*, calls: dict[str, GrantCall], coordinator: User) -> None:
    """Give the open call its regulations, a template and an FAQ, unless it has them already."""
    call = calls["open"]
    if not CallDocument.objects.filter(call=call).exists():
        documents = [
            _document(
                call,
                title="Regulamin naboru",
                description="Kto może złożyć wniosek, na co można wydać grant, jak oceniamy.",
                name="Regulamin naboru Klimat w sąsiedztwie.pdf",
                content=regulations_pdf(call),
            ),
            _document(
                call,
                title="Wzór harmonogramu i budżetu",
                description="Do wypełnienia z zespołem przed pisaniem wniosku.",
                name="Wzór harmonogramu i budżetu.docx",
                content=template_docx(),
            ),
        ]
        call_parts_save(call=call, part_model=CallDocument, rows_to_save=documents, by=coordinator)
    if not FaqEntry.objects.filter(call=call).exists():
        entries = [FaqEntry(call=call, question=q, answer=a) for q, a in FAQ]
        call_parts_save(call=call, part_model=FaqEntry, rows_to_save=entries, by=coordinator)

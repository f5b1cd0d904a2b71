"""Decision letters: their wording, what they show and hide, the PDF, and the coordinators' editor."""

import io
import re
import shutil
import subprocess
import threading
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.services import formal_check_record
from applicants.tests.builders import submitted_application
from decisions.enums import DecisionOutcome, LetterKind
from decisions.feedback import review_feedback
from decisions.letters import (
    PLACEHOLDERS,
    default_letter_body,
    letter_body_for,
    letter_context,
    render_body,
    render_letter_pdf,
)
from decisions.models import Decision, LetterTemplate
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import Review, ReviewAssignment, ReviewScore
from reviews.services import assignment_declare, review_submit
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
ISSUED_AT = datetime(2026, 6, 15, 10, 0, tzinfo=WARSAW)
DEADLINE = datetime(2026, 6, 22, 23, 59, tzinfo=WARSAW)
NUMBER = "AK/2026/0042/D1"
TITLE = "Zażółć gęślą jaźń – ogród deszczowy"
COMMITTEE_NOTE = "NOTATKA-TYLKO-DLA-KOMISJI"

# A budget asking for exactly 3 500 zł: 40 × 50 + 6 × 250, no own contribution.
BUDGET = [
    {"category": "materials", "item": "Rośliny", "unit": "szt.", "quantity": Decimal("40"),
     "unit_cost": Decimal("50"), "own_contribution": Decimal("0")},
    {"category": "services", "item": "Koparka", "unit": "godz.", "quantity": Decimal("6"),
     "unit_cost": Decimal("250"), "own_contribution": Decimal("0")},
]  # fmt: skip

# Two reviews: "Pomysł" 8 and 6 of 10 (mean 7), "Budżet" 4 and 3 of 5 (mean 3,5);
# totals 80 and 60 (weights 2 and 1), final score 70.
REVIEWS = [
    {
        "points": {"Pomysł": 8, "Budżet": 4},
        "justification": "Pierwsza recenzja: {criterion} przekonuje, bo łączy szkołę z sąsiadami.",
        "comment": "Komentarz pierwszej recenzji: powodzenia!",
    },
    {
        "points": {"Pomysł": 6, "Budżet": 3},
        "justification": "Druga recenzja: {criterion} wymaga dopracowania harmonogramu.",
        "comment": "Komentarz drugiej recenzji: dopiszcie, kto podlewa ogród.",
    },
]


# --- Building real data ---------------------------------------------------------------------


def _submit(assignment: ReviewAssignment, review: dict) -> Review:
    assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)
    return review_submit(
        assignment=assignment,
        by=assignment.reviewer,
        scores={
            c.pk: {
                "points": review["points"][c.name],
                "justification": review["justification"].format(criterion=c.name),
            }
            for c in assignment.call.criteria.all()
        },
        comment_for_applicant=review["comment"],
        note_for_committee=COMMITTEE_NOTE,
        recommendation="fund",
    )


def reviewed_application(*, title: str = TITLE, user=None, reviews=REVIEWS):
    """An application to a new call, scored by two named reviewers through the services."""
    call = call_with_criteria(programme="Aktywni dla klimatu", title="Klimat na podwórku 2026")
    application = accepted_application(call, user=user, budget=BUDGET, texts={"title": title})
    reviewers = reviewers_in_pool(call, 2)
    for number, reviewer in enumerate(reviewers):
        reviewer.full_name = f"Tajemnicza Recenzentka{number} Kowalska"
        reviewer.save(update_fields=["full_name"])
    assign_all(call)
    assignments = ReviewAssignment.objects.filter(application=application).order_by("pk")
    for assignment, review in zip(assignments, reviews, strict=True):
        _submit(assignment, review)
    application.refresh_from_db()
    return application, reviewers


def decision_for(application, outcome, **fields) -> Decision:
    return Decision.objects.create(
        application=application,
        call=application.call,
        outcome=outcome,
        decided_by=CoordinatorFactory(),
        **fields,
    )


# --- Reading PDFs back ---------------------------------------------------------------------


def _poppler(command: str, *args: str) -> str:
    executable = shutil.which(command)
    assert executable, f"{command} (poppler-utils) is not installed"
    return subprocess.run(  # noqa: S603 (a fixed poppler-utils program, run on a file the test wrote)
        [executable, *args], capture_output=True, text=True, check=True
    ).stdout


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with every run of whitespace (no-break spaces, line ends) as one space."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def assert_no_reviewer_identity(text: str, reviewers) -> None:
    for reviewer in reviewers:
        assert reviewer.full_name not in text
        assert reviewer.full_name.split()[-1] not in text
        assert reviewer.email not in text
    assert "@" not in text
    assert COMMITTEE_NOTE not in text


# --- One letter per outcome --------------------------------------------------------------------


def test_render_letter_pdf_award_shows_amount_scores_and_anonymous_justifications():
    application, reviewers = reviewed_application()
    decision = decision_for(
        application,
        DecisionOutcome.AWARDED,
        amount=Decimal("3500"),
        justification="Komisja doceniła współpracę ze szkołą.",
        acceptance_deadline=DEADLINE,
    )

    text = pdf_text(render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT))

    assert NUMBER in text
    assert "15 czerwca 2026" in text  # the place comes from the programme profile (none here)
    assert application.applicant_name in text
    assert application.reference_number in text
    assert TITLE in text
    assert "3 500,00 zł" in text
    assert "trzy tysiące pięćset złotych 00/100" in text
    assert "do 22 czerwca 2026 r." in text  # a date: the deadline ends at 23:59 that day
    assert "23:59" not in text
    assert "r.." not in text
    assert "Komisja doceniła współpracę ze szkołą." in text
    assert "Pomysł 7,00 10" in text
    assert "Budżet 3,50 5" in text
    assert "Ocena końcowa (na 100 pkt) 70,00" in text
    assert "Pierwsza recenzja: Pomysł przekonuje, bo łączy szkołę z sąsiadami." in text
    assert "Druga recenzja: Budżet wymaga dopracowania harmonogramu." in text
    assert "Komentarz drugiej recenzji: dopiszcie, kto podlewa ogród." in text
    assert "Recenzent 1" in text
    assert "Recenzent 2" in text
    assert "Aktywni dla klimatu" in text
    assert_no_reviewer_identity(text, reviewers)


def test_render_letter_pdf_is_tagged_pdfa_with_embedded_fonts(tmp_path):
    application, _reviewers = reviewed_application()
    decision = decision_for(application, DecisionOutcome.AWARDED, amount=Decimal("3500"))
    pdf_file = tmp_path / "letter.pdf"
    pdf_file.write_bytes(
        render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT)
    )

    meta = _poppler("pdfinfo", "-meta", str(pdf_file))
    info = _poppler("pdfinfo", str(pdf_file))
    fonts = _poppler("pdffonts", str(pdf_file)).splitlines()[2:]
    reader = pypdf.PdfReader(pdf_file)

    assert 'pdfaid:part="3"' in meta
    assert re.search(r"Tagged:\s+yes", info)
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    assert reader.metadata.title == f"{NUMBER} – {TITLE}"
    assert reader.trailer["/Root"]["/Lang"] == "pl"


def test_render_letter_pdf_reduced_award_explains_the_reduction():
    application, reviewers = reviewed_application()
    decision = decision_for(
        application,
        DecisionOutcome.AWARDED,
        amount=Decimal("3000"),
        justification="Komisja nie sfinansowała koparki: szkoła ma własny sprzęt.",
        acceptance_deadline=DEADLINE,
    )
    assert decision.letter_kind == LetterKind.REDUCED_AWARD

    text = pdf_text(render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT))

    assert "3 000,00 zł" in text
    assert "trzy tysiące złotych 00/100" in text
    assert "mniej niż wnioskowane 3 500,00 zł" in text
    assert "Komisja nie sfinansowała koparki: szkoła ma własny sprzęt." in text
    assert "Pomysł 7,00 10" in text
    assert_no_reviewer_identity(text, reviewers)


def test_render_letter_pdf_reserve_names_the_place_on_the_list():
    application, reviewers = reviewed_application()
    decision = decision_for(
        application,
        DecisionOutcome.RESERVE,
        reserve_position=3,
        justification="Zabrakło środków w budżecie naboru.",
    )

    text = pdf_text(render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT))

    assert "listę rezerwową na 3. miejscu" in text
    assert "Zabrakło środków w budżecie naboru." in text
    assert "Budżet 3,50 5" in text
    assert "Pierwsza recenzja: Pomysł przekonuje" in text
    assert "00/100" not in text  # no amount is promised
    assert "3 500,00 zł" not in text
    assert_no_reviewer_identity(text, reviewers)


def test_render_letter_pdf_rejection_cites_justification_and_encourages_to_apply_again():
    application, reviewers = reviewed_application()
    decision = decision_for(
        application,
        DecisionOutcome.REJECTED,
        justification="Projekt nie mówi, jak zmierzy swoje efekty.",
    )

    text = pdf_text(render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT))

    assert "tym razem projekt nie otrzyma grantu" in text
    assert "Projekt nie mówi, jak zmierzy swoje efekty." in text
    assert "zachęcamy do złożenia wniosku w kolejnym naborze" in text
    assert "Pomysł 7,00 10" in text
    assert "Komentarz pierwszej recenzji: powodzenia!" in text
    assert_no_reviewer_identity(text, reviewers)


def test_render_letter_pdf_formal_rejection_cites_the_reasons_without_scores():
    call = call_with_criteria()
    application = submitted_application(call=call, texts={"title": TITLE})
    formal_check_record(
        application=application,
        outcome="rejected",
        by=CoordinatorFactory(),
        message="Brak zgody opiekuna prawnego osoby niepełnoletniej.",
    )
    application.refresh_from_db()
    # The justification is left empty: the application's rejection reasons stand in for it.
    decision = decision_for(application, DecisionOutcome.FORMALLY_REJECTED)

    text = pdf_text(render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT))

    assert "nie przeszedł oceny formalnej" in text
    assert "Brak zgody opiekuna prawnego osoby niepełnoletniej." in text
    assert TITLE in text
    assert "Pomysł" not in text
    assert "Recenzent 1" not in text


def test_render_letter_pdf_in_english_for_an_applicant_who_reads_english():
    applicant = UserFactory(language="en")
    application, reviewers = reviewed_application(user=applicant)
    decision = decision_for(
        application,
        DecisionOutcome.AWARDED,
        amount=Decimal("3500"),
        acceptance_deadline=DEADLINE,
        justification="Komisja doceniła projekt.",
    )

    pdf = render_letter_pdf(
        decision, language=application.applicant.language, number=NUMBER, issued_at=ISSUED_AT
    )
    text = pdf_text(pdf)

    assert "has been awarded a grant" in text
    assert "three thousand five hundred zlotys 00/100" in text
    assert "3 500,00 zł" in text
    assert "15 June 2026" in text
    assert "Reviewer 1" in text
    assert "Reviewers' scores" in text
    assert "Programme coordinator" in text
    assert "Pomysł 7,00 10" in text  # the criteria keep the names the call gave them
    assert "Budżet 3,50 5" in text  # the same decimal comma as the amounts
    assert "by 22 June 2026." in text
    assert pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en"
    assert_no_reviewer_identity(text, reviewers)


# --- Nothing is fetched, nothing user-typed becomes markup -----------------------------------


class _HitCountingServer(ThreadingHTTPServer):
    """Counts every connection, so a request that never completes still counts."""

    hits = 0

    def verify_request(self, request, client_address):
        self.hits += 1
        return True


class _TinyHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"body { color: red }" if self.path.endswith(".css") else b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_server():
    server = _HitCountingServer(("127.0.0.1", 0), _TinyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with urlopen(f"http://127.0.0.1:{server.server_port}/ping", timeout=5) as response:
        assert response.read() == b"hello"
    server.hits = 0
    yield server
    server.shutdown()
    server.server_close()


def test_render_letter_pdf_fetches_nothing_that_users_typed(http_server):
    origin = f"http://127.0.0.1:{http_server.server_port}"
    attachment = '<link rel="attachment" href="file:///etc/hostname">'
    title = f'Zażółć <img src="{origin}/title.png">'
    application, _reviewers = reviewed_application(title=title)
    decision = decision_for(
        application,
        DecisionOutcome.REJECTED,
        justification=f'Uzasadnienie <img src="{origin}/justification.png"> {attachment}',
    )
    LetterTemplate.objects.create(
        call=application.call,
        kind=LetterKind.REJECTION,
        language="pl",
        body=(
            "Tytuł: {{ title }}\n\n"
            f"![x]({origin}/y.png)\n\n"
            f"<style>@import url({origin}/z.css);</style>\n\n"
            f'<img src="{origin}/raw.png"> {attachment}\n\n'
            "Uzasadnienie: {{ justification }}\n"
        ),
    )

    pdf = render_letter_pdf(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT)
    text = pdf_text(pdf)

    assert http_server.hits == 0
    assert dict(pypdf.PdfReader(io.BytesIO(pdf)).attachments) == {}
    assert f'Tytuł: Zażółć <img src="{origin}/title.png">' in text  # shown as typed
    assert f'Uzasadnienie <img src="{origin}/justification.png">' in text
    assert "y.png" not in text  # the Markdown image is dropped ...
    assert "@import" not in text  # ... and so is the coordinator's style sheet
    assert "raw.png" not in text


# --- What a letter shows (no PDF) -----------------------------------------------------------------


def test_letter_context_counts_only_submitted_reviews_of_active_assignments():
    application, _reviewers = reviewed_application()
    call = application.call
    criteria = list(call.criteria.all())
    # A released reviewer's submitted review and a draft on a live assignment don't count.
    for status, review_status in [
        (AssignmentStatus.REMOVED, ReviewStatus.SUBMITTED),
        (AssignmentStatus.DECLARED, ReviewStatus.DRAFT),
    ]:
        assignment = ReviewAssignment.objects.create(
            application=application,
            call=call,
            reviewer=UserFactory(),
            status=status,
            due_at=ISSUED_AT,
        )
        review = Review.objects.create(
            assignment=assignment,
            status=review_status,
            total=Decimal("0"),
            comment_for_applicant="NIE-LICZY-SIĘ",
        )
        for criterion in criteria:
            ReviewScore.objects.create(
                review=review, criterion=criterion, points=0, justification="NIE-LICZY-SIĘ"
            )
    decision = decision_for(application, DecisionOutcome.REJECTED, justification="Nie tym razem.")

    context = letter_context(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT)

    assert [(row["name"], row["mean"], row["max_points"]) for row in context["scores"]] == [
        ("Pomysł", Decimal("7.0"), 10),
        ("Budżet", Decimal("3.5"), 5),
    ]
    assert context["final_score"] == Decimal("70.00")
    assert context["final_score"] == review_feedback(application).final_score  # as on the web page
    assert [review["label"] for review in context["reviews"]] == [
        "Recenzent 1",
        "Recenzent 2",
    ]
    assert "NIE-LICZY-SIĘ" not in repr(context)


def test_letter_context_never_holds_reviewer_names_emails_or_committee_notes():
    application, reviewers = reviewed_application()
    decision = decision_for(application, DecisionOutcome.REJECTED, justification="Nie tym razem.")

    context = letter_context(decision, language="pl", number=NUMBER, issued_at=ISSUED_AT)

    assert_no_reviewer_identity(repr(context), reviewers)
    assert context["applicant"] == application.applicant_name
    assert application.applicant.email not in repr(context)


def test_letter_body_for_prefers_the_calls_own_text():
    application, _reviewers = reviewed_application()
    decision = decision_for(application, DecisionOutcome.RESERVE, reserve_position=1)
    LetterTemplate.objects.create(
        call=application.call, kind=LetterKind.RESERVE, language="en", body="Our own."
    )

    assert letter_body_for(decision, "en") == "Our own."
    assert letter_body_for(decision, "pl") == default_letter_body(LetterKind.RESERVE, "pl")


# --- The default texts and render_body ----------------------------------------------------------


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("kind", LetterKind.values)
def test_default_letter_body_uses_only_known_placeholders(kind, language):
    body = default_letter_body(kind, language)
    used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", body))

    assert used <= set(PLACEHOLDERS)
    assert {"title", "reference_number"} <= used


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(
    ("kind", "needed"),
    [
        (LetterKind.AWARD, {"amount", "amount_in_words", "acceptance_deadline"}),
        (
            LetterKind.REDUCED_AWARD,
            {"amount", "requested_amount", "justification", "acceptance_deadline"},
        ),
        (LetterKind.RESERVE, {"reserve_position"}),
        (LetterKind.REJECTION, {"justification", "programme"}),
        (LetterKind.FORMAL_REJECTION, {"justification"}),
    ],
)
def test_default_letter_body_says_what_each_kind_needs(kind, needed, language):
    body = default_letter_body(kind, language)

    assert all(f"{{{{ {name} }}}}" in body for name in needed)


def test_default_letter_body_refuses_unknown_kinds_and_languages():
    with pytest.raises(ValueError):
        default_letter_body("apology", "pl")
    with pytest.raises(ValueError):
        default_letter_body(LetterKind.AWARD, "de")


def test_render_body_escapes_values_and_leaves_their_markdown_alone():
    html = render_body(
        "Projekt „{{ title }}”.", {"title": '<img src="http://x/y"> **nie pogrubione**'}
    )

    assert html == '<p>Projekt „&lt;img src="http://x/y"&gt; **nie pogrubione**”.</p>'


def test_render_body_keeps_plain_tags_and_drops_markup_that_loads_or_links():
    html = render_body(
        "## Nagłówek\n\n**mocno** i *lekko* [link](http://x/) ![obraz](http://x/i.png)\n\n"
        "- punkt\n\n> cytat\n\n<script>alert(1)</script><style>p{}</style>"
        '<p style="color:red" onclick="x()">akapit</p>',
        {},
    )

    assert html.replace("\n", "") == (
        "<h2>Nagłówek</h2><p><strong>mocno</strong> i <em>lekko</em> link </p>"
        "<ul><li>punkt</li></ul><blockquote><p>cytat</p></blockquote><p>akapit</p>"
    )


def test_render_body_keeps_numbers_and_amounts_on_one_line():
    html = render_body("nr {{ reference_number }}", {"reference_number": "AK/2026/0042"})

    assert html == '<p>nr <span class="nowrap">AK/2026/0042</span></p>'


def test_render_body_leaves_unknown_placeholders_visible():
    html = render_body("{{ applicant }}, {{ aplicant }} {{ amount }}", {"applicant": "Ala"})

    assert html == "<p>Ala, {{ aplicant }} {{ amount }}</p>"


def test_render_body_keeps_line_breaks_of_a_value_and_drops_an_empty_paragraph():
    html = render_body(
        "> {{ justification }}\n\n{{ reserve_position }}",
        {"justification": "Raz\ndwa", "reserve_position": ""},
    )

    assert html == "<blockquote>\n<p>Raz<br>\ndwa</p>\n</blockquote>\n"


# --- The coordinators' template editor --------------------------------------------------------


def _list_url(call_pk) -> str:
    return reverse("decisions:letter_templates", args=[call_pk])


def _edit_url(call_pk, kind=LetterKind.AWARD, language="pl") -> str:
    return reverse("decisions:letter_template_edit", args=[call_pk, kind, language])


@pytest.mark.parametrize("url", [_list_url, _edit_url])
def test_letter_template_pages_send_anonymous_visitors_to_log_in(client, url):
    call = call_with_criteria()

    response = client.get(url(call.pk))

    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("method", ["get", "post"])
def test_letter_template_editor_is_forbidden_to_others_before_any_lookup(client, method):
    client.force_login(UserFactory())

    response = getattr(client, method)(
        _edit_url(999999, "no-such-kind", "xx"), {"body": "x", "action": "save"}
    )

    assert response.status_code == 403


def test_letter_template_list_shows_every_kind_in_every_language(client):
    call = call_with_criteria()
    coordinator = CoordinatorFactory()
    LetterTemplate.objects.create(
        call=call, kind=LetterKind.RESERVE, language="en", body="x", updated_by=coordinator
    )
    client.force_login(coordinator)

    response = client.get(_list_url(call.pk))

    assert response.status_code == 200
    content = response.content.decode()
    for kind in LetterKind.values:
        for language in ("pl", "en"):
            assert _edit_url(call.pk, kind, language) in content
    assert coordinator.full_name in content


@pytest.mark.parametrize(
    "args",
    [
        (999999, LetterKind.AWARD, "pl"),
        (None, "no-such-kind", "pl"),
        (None, LetterKind.AWARD, "de"),
    ],
)
def test_letter_template_editor_404s_for_unknown_call_kind_or_language(client, args):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())
    pk, kind, language = args

    response = client.get(_edit_url(pk or call.pk, kind, language))

    assert response.status_code == 404


def test_letter_template_editor_starts_from_the_default_text(client):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())

    response = client.get(_edit_url(call.pk, LetterKind.REJECTION, "en"))

    assert response.status_code == 200
    assert response.context["form"].initial["body"] == default_letter_body(
        LetterKind.REJECTION, "en"
    )
    assert "{{ amount_in_words }}" in response.content.decode()  # the list of placeholders


def test_letter_template_editor_refuses_html_beside_the_field_and_keeps_the_text(client):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())
    typed = 'Dzień dobry,\n\n<p onclick="x()">Gratulacje</p>'

    response = client.post(
        _edit_url(call.pk), {"body": typed, "action": "save"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["body"]] == ["html"]
    content = response.content.decode()
    assert re.search(r'id="id_body_error"[^>]*>\s*<p[^>]*><strong>Use Markdown, not HTML', content)
    assert 'aria-describedby="id_body_helptext id_body_error"' in content
    # Nothing typed is lost.
    assert "&lt;p onclick=&quot;x()&quot;&gt;Gratulacje&lt;/p&gt;</textarea>" in content
    assert not LetterTemplate.objects.exists()


def test_letter_template_editor_refuses_texts_over_ten_thousand_characters(client):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())

    response = client.post(_edit_url(call.pk), {"body": "a" * 10_001, "action": "save"})

    assert response.status_code == 200
    assert "10000" in str(response.context["form"].errors["body"])
    assert 'maxlength="' not in response.content.decode()  # the browser doesn't cut a pasted text
    assert not LetterTemplate.objects.exists()


def test_letter_template_editor_saves_then_updates_the_calls_text(client):
    call = call_with_criteria()
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)

    first = client.post(
        _edit_url(call.pk, LetterKind.AWARD, "en"), {"body": "First {{ title }}", "action": "save"}
    )
    second = client.post(
        _edit_url(call.pk, LetterKind.AWARD, "en"), {"body": "Second {{ title }}", "action": "save"}
    )

    assert first.status_code == second.status_code == 302
    template = LetterTemplate.objects.get()
    assert (template.call, template.kind, template.language) == (call, LetterKind.AWARD, "en")
    assert template.body == "Second {{ title }}"
    assert template.updated_by == coordinator


def test_letter_template_editor_restores_the_default_text(client):
    call = call_with_criteria()
    LetterTemplate.objects.create(
        call=call, kind=LetterKind.AWARD, language="pl", body="Własny tekst"
    )
    client.force_login(CoordinatorFactory())

    response = client.post(_edit_url(call.pk), {"body": "Własny tekst", "action": "reset"})

    assert response.status_code == 302
    assert not LetterTemplate.objects.exists()


def test_letter_template_editor_previews_the_typed_text_as_a_pdf_without_saving(
    client, django_capture_on_commit_callbacks
):
    call = call_with_criteria(programme="Aktywni dla klimatu")
    client.force_login(CoordinatorFactory())
    typed = "Cześć, {{ applicant }}!\n\nZażółć gęślą jaźń: **{{ amount }}** {{ amount_in_words }} {{ kwota }}"

    with django_capture_on_commit_callbacks(execute=True):  # the task worker renders it
        asked = client.post(
            _edit_url(call.pk, LetterKind.AWARD, "pl"), {"body": typed, "action": "preview"}
        )
    response = client.get(asked.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = pdf_text(b"".join(response.streaming_content))
    assert "Zażółć gęślą jaźń: 3 500,00 zł trzy tysiące pięćset złotych 00/100 {{ kwota }}" in text
    assert "Cześć, Grupa nieformalna „Zielone Podwórko”!" in text
    assert "Pomysł" in text  # the call's own criteria, with sample scores
    assert not LetterTemplate.objects.exists()

"""The call's own letter texts: the coordinators' editor, its preview, and the checks before saving.

A text is saved only once it is known to make a letter: it is bounded in
length and nesting (decisions.letters.letter_text_problems) and rendered to a
PDF with the call's own criteria and a sample decision first. A text that
fails is not saved, and the coordinator sees why beside the field with
everything they typed.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.deadlines import deadline_in
from core.models import RenderedPdf
from core.pdf import render_pdf, render_refusal
from core.pdf_renders import pdf_render_request, rendered_pdf_stored
from decisions.enums import AWARD_LETTER_KINDS, LetterKind
from decisions.feedback import CriterionFeedback, ReviewFeedback
from decisions.letters import (
    WARSAW,
    language_code,
    letter_html,
    letter_text_problems,
    letter_values_context,
)
from decisions.models import LetterTemplate
from grants.models import GrantCall
from reviews.scoring import round2, weighted_total

# --- A preview with a sample decision -------------------------------------------------------

SAMPLE = {
    "pl": {
        "applicant": "Grupa nieformalna „Zielone Podwórko”",
        "title": "Ogród deszczowy przy szkole",
        "justification": {
            LetterKind.AWARD: "Projekt jest dobrze przemyślany, a budżet realistyczny.",
            LetterKind.REDUCED_AWARD: "Komisja nie sfinansowała zakupu namiotu: można go wypożyczyć.",
            LetterKind.RESERVE: "Projekt jest wartościowy, ale budżet naboru się wyczerpał.",
            LetterKind.REJECTION: "Projekt nie opisuje, jak zostaną zmierzone jego efekty.",
            LetterKind.FORMAL_REJECTION: "Brak podpisu opiekuna prawnego osoby niepełnoletniej.",
        },
        "review": [
            ("Pomysł jasno odpowiada na lokalny problem.", "Świetny pomysł, powodzenia!"),
            (
                "Warto dopisać, kto zajmie się ogrodem po zakończeniu projektu.",
                "Dopracujcie harmonogram.",
            ),
        ],
        "criteria": [("Pomysł", 10), ("Budżet", 5)],
    },
    "en": {
        "applicant": "The “Green Yard” informal group",
        "title": "A rain garden by the school",
        "justification": {
            LetterKind.AWARD: "The project is well thought out and its budget is realistic.",
            LetterKind.REDUCED_AWARD: "The committee did not fund the tent: it can be borrowed.",
            LetterKind.RESERVE: "The project is valuable, but the call's budget has run out.",
            LetterKind.REJECTION: "The project does not say how its results will be measured.",
            LetterKind.FORMAL_REJECTION: "The consent of a minor's legal guardian is not signed.",
        },
        "review": [
            ("The idea clearly answers a local problem.", "A great idea, good luck!"),
            ("Say who will look after the garden once the project ends.", "Work on the schedule."),
        ],
        "criteria": [("Idea", 10), ("Budget", 5)],
    },
}


# A made-up postal address (the same in both languages: a Polish address stays Polish).
SAMPLE_ADDRESS = ("ul. Lipowa 5/12", "20-001 Lublin")


def _sample_feedback(call: GrantCall, sample: dict) -> ReviewFeedback:
    """Two made-up reviews over the call's criteria (or two sample ones): 80% and 60% of the points."""
    criteria = [(c.name, c.max_points, c.weight) for c in call.criteria.order_by("position", "pk")]
    if not criteria:
        criteria = [(name, top, Decimal("1")) for name, top in sample["criteria"]]
    shares = (Decimal("0.8"), Decimal("0.6"))

    def points(top: int, share: Decimal) -> int:
        return int((top * share).to_integral_value(ROUND_HALF_UP))

    labelled = [(str(number), words) for number, words in enumerate(sample["review"], start=1)]
    return ReviewFeedback(
        criteria=[
            CriterionFeedback(
                name,
                top,
                (Decimal(sum(points(top, share) for share in shares)) / len(shares)).quantize(
                    Decimal("0.1")
                ),
                [(label, justification) for label, (justification, _comment) in labelled],
            )
            for name, top, _weight in criteria
        ],
        comments=[(label, comment) for label, (_justification, comment) in labelled],
        final_score=round2(
            sum(
                weighted_total((points(top, share), top, weight) for _name, top, weight in criteria)
                for share in shares
            )
            / len(shares)
        ),
    )


def preview_document(call: GrantCall, kind: str, language: str, body: str) -> tuple[str, dict]:
    """The HTML of `body` as a letter of `kind` to a made-up applicant, and the renderer's
    options for it (title, author, language, time limit), for the template editor.

    Uses the call's criteria (or two sample ones) and sample amounts, reviews and
    justification; reads and writes no application. Quick: nothing is rendered.
    """
    language = language_code(language)
    if kind not in LetterKind.values:
        raise ValueError(f"Unknown kind of letter: {kind!r}")
    sample = SAMPLE[language]
    feedback = None if kind == LetterKind.FORMAL_REJECTION else _sample_feedback(call, sample)
    is_award = kind in AWARD_LETTER_KINDS
    now = timezone.now()
    reference_number = f"{call.reference_code or 'AK'}/{timezone.localtime(now, WARSAW).year}/0042"
    with translation.override(language):
        context = letter_values_context(
            language=language,
            kind=kind,
            number=f"{reference_number}/D1",
            issued_at=now,
            call=call,
            applicant=sample["applicant"],
            title=sample["title"],
            reference_number=reference_number,
            amount=Decimal("3500") if is_award else None,
            requested_amount=Decimal("4200")
            if kind == LetterKind.REDUCED_AWARD
            else Decimal("3500"),
            acceptance_deadline=deadline_in(call.acceptance_days or 7, now=now)
            if is_award
            else None,
            reserve_position=3 if kind == LetterKind.RESERVE else None,
            justification=sample["justification"][kind],
            feedback=feedback,
            recipient_address=SAMPLE_ADDRESS,
            preview=True,
        )
        html = letter_html(body, context)
    return html, {
        "title": f"{context['number']} – {context['title']}",
        "author": context["operator"],
        "language": language,
        "timeout": settings.PDF_PREVIEW_TIMEOUT,
    }


def render_preview_pdf(call: GrantCall, kind: str, language: str, body: str) -> bytes:
    """A PDF of `body` as a letter of `kind` to a made-up applicant (preview_document), rendered here."""
    html, options = preview_document(call, kind, language, body)
    return render_pdf(html, **options)


# --- Checks before saving, and the preview ---------------------------------------------------


def _refusal(exc: BaseException) -> ValidationError:
    return render_refusal(
        exc,
        message=_(
            "No letter could be made from this text (%(cause)s). Nothing was saved: "
            "correct the text and save it again."
        ),
    )


def letter_text_check(*, call: GrantCall, kind: str, language: str, body: str, by=None) -> None:
    """ValidationError (on "body") if `body` is too long, too deeply nested, or doesn't render.

    The test render is the real one: the call's placeholders and criteria, a
    sample decision of this kind, the PDF renderer. Whatever it raises is
    reported, in the coordinator's words, beside the text. A text `by` has
    just previewed, unchanged, was rendered by a task worker already: that
    render is the proof, and it isn't rendered again.
    """
    if problems := letter_text_problems(body):
        raise ValidationError({"body": problems}, code="bounds")
    try:
        html, options = preview_document(call, kind, language, body)
        if by is not None and rendered_pdf_stored(html=html, by=by, **options):
            return
        render_pdf(html, **options)
    except Exception as exc:
        raise _refusal(exc) from exc


def letter_preview_request(
    *, call: GrantCall, kind: str, language: str, body: str, by
) -> RenderedPdf:
    """Ask a task worker for the PDF of `body` as a sample letter (core.pdf_renders); never
    renders here. ValidationError (on "body") for a text too long or too deeply nested, or
    one that makes no letter at all."""
    body = body.replace("\r\n", "\n")  # as saved: a preview, then a save, render it once
    if problems := letter_text_problems(body):
        raise ValidationError({"body": problems}, code="bounds")
    try:
        html, options = preview_document(call, kind, language, body)
    except Exception as exc:
        raise _refusal(exc) from exc
    return pdf_render_request(
        html=html, filename=f"preview-{kind}-{language_code(language)}.pdf", by=by, **options
    )


# --- The call's own texts --------------------------------------------------------------------


def letter_template_list(*, call: GrantCall) -> list[dict]:
    """Every kind of letter in every language, each with the call's own text if it has one."""
    saved = {
        (template.kind, template.language): template
        for template in LetterTemplate.objects.filter(call=call).select_related("updated_by")
    }
    return [
        {
            "kind": kind,
            "label": label,
            "languages": [
                {"code": code, "name": name, "template": saved.get((kind, code))}
                for code, name in settings.LANGUAGES
            ],
        }
        for kind, label in LetterKind.choices
    ]


def letter_template_get(*, call: GrantCall, kind: str, language: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(call=call, kind=kind, language=language).first()


def letter_template_save(
    *, call: GrantCall, kind: str, language: str, body: str, by
) -> LetterTemplate:
    """Create or replace the call's text for one kind of letter in one language (history keeps the old).

    Checked and test-rendered first (letter_text_check), outside the
    transaction since rendering takes a while: a text that can't make a letter
    raises ValidationError and the stored text stays as it was.
    """
    body = body.replace("\r\n", "\n")
    letter_text_check(call=call, kind=kind, language=language, body=body, by=by)
    with transaction.atomic():
        template = LetterTemplate.objects.select_for_update().filter(
            call=call, kind=kind, language=language
        ).first() or LetterTemplate(call=call, kind=kind, language=language)
        template.body = body
        template.updated_by = by
        template.full_clean()
        template.save()
    return template


@transaction.atomic
def letter_template_reset(*, call: GrantCall, kind: str, language: str) -> bool:
    """Go back to the default text: delete the call's own text (history keeps it). True if one existed."""
    deleted, _details = LetterTemplate.objects.filter(
        call=call, kind=kind, language=language
    ).delete()
    return deleted > 0

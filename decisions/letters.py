"""What a decision letter says and how it becomes a PDF.

A letter is the call's text for its kind and language (a coordinator's
LetterTemplate, or the default Markdown file in
templates/decisions/letter_texts/<language>/<kind>.md) with {{ placeholders }}
filled in, set inside the letter layout (templates/decisions/pdf/letter.html)
with the letterhead, the amount, the reviewers' scores and their anonymised
justifications, and rendered by core.pdf (PDF/A-3u, tagged, no fetching).

Everything that comes from users — the applicant's title, the committee's
justification, the reviewers' words, the coordinator's text — ends up as text,
never as markup: placeholder values are HTML-escaped and the Markdown's HTML is
sanitised to a few plain tags without attributes.
"""

import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
import nh3
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import format_money
from core.pdf import render_pdf
from decisions.enums import DecisionOutcome, LetterKind
from decisions.feedback import CriterionFeedback, ReviewFeedback, review_feedback
from decisions.models import Decision, LetterTemplate
from decisions.wording import amount_in_words
from grants.models import GrantCall
from reviews.scoring import round2, weighted_total

LETTER_TEMPLATE = "decisions/pdf/letter.html"
LETTER_TEXTS_DIR = Path(settings.BASE_DIR) / "templates" / "decisions" / "letter_texts"
LOGO_URL = "/static/img/logo.svg"
WARSAW = ZoneInfo("Europe/Warsaw")

# What a coordinator may write in a letter's text, with what each stands for.
PLACEHOLDERS: dict[str, str] = {
    "applicant": gettext_lazy("the applicant's name: a person, a group or an organisation"),
    "title": gettext_lazy("the project's title"),
    "reference_number": gettext_lazy("the application's number, e.g. AK/2026/0042"),
    "amount": gettext_lazy("the awarded amount in figures, e.g. 3 500,00 zł"),
    "amount_in_words": gettext_lazy("the awarded amount in words"),
    "requested_amount": gettext_lazy("the amount the applicant asked for"),
    "acceptance_deadline": gettext_lazy("the date and time by which the award must be accepted"),
    "reserve_position": gettext_lazy("the place on the reserve list"),
    "justification": gettext_lazy(
        "the committee's justification; in a formal rejection, the reasons for it"
    ),
    "call": gettext_lazy("the call's title"),
    "programme": gettext_lazy("the programme's name"),
}

PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

# The only HTML a letter's text may turn into: no attributes, so no links, images or styles.
BODY_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "blockquote"}

HEADINGS = {
    LetterKind.AWARD: gettext_lazy("Decision to award a grant"),
    LetterKind.REDUCED_AWARD: gettext_lazy("Decision to award a grant"),
    LetterKind.RESERVE: gettext_lazy("Place on the reserve list"),
    LetterKind.REJECTION: gettext_lazy("Decision not to award a grant"),
    LetterKind.FORMAL_REJECTION: gettext_lazy("Application rejected at the formal check"),
}


# --- The text of a letter ---------------------------------------------------------------


def _language_code(language: str) -> str:
    code = (language or "").split("-")[0].lower()
    if code not in dict(settings.LANGUAGES):
        raise ValueError(
            f"Letters are written in {', '.join(dict(settings.LANGUAGES))}, not {language!r}"
        )
    return code


def default_letter_body(kind: str, language: str) -> str:
    """The default Markdown text of a letter of `kind` in `language` (ValueError for unknown ones)."""
    if kind not in LetterKind.values:
        raise ValueError(f"Unknown kind of letter: {kind!r}")
    path = LETTER_TEXTS_DIR / _language_code(language) / f"{kind}.md"
    return path.read_text(encoding="utf-8")


def letter_body_for(decision: Decision, language: str) -> str:
    """The text the call uses for this decision's kind of letter in `language`: its own, else the default."""
    kind = decision.letter_kind
    body = (
        LetterTemplate.objects.filter(
            call_id=decision.call_id, kind=kind, language=_language_code(language)
        )
        .values_list("body", flat=True)
        .first()
    )
    return body if body else default_letter_body(kind, language)


def unknown_placeholders(markdown_text: str) -> list[str]:
    """The {{ names }} in a text that are not placeholders (typos), in order, each once."""
    names = (match.group(1) for match in PLACEHOLDER_PATTERN.finditer(markdown_text))
    return list(dict.fromkeys(name for name in names if name not in PLACEHOLDERS))


# Values that must not break across lines: "AK/2026/0042" split after a slash reads badly.
UNBROKEN_PLACEHOLDERS = {"reference_number", "amount", "requested_amount", "acceptance_deadline"}


def _value_html(name: str, value) -> str:
    """A placeholder's value as HTML: escaped text, its line breaks kept."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    html = escape(text).replace("\n", "<br>\n")
    if name in UNBROKEN_PLACEHOLDERS and html:
        return f'<span class="nowrap">{html}</span>'
    return html


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=BODY_TAGS | {"span"},
        attributes={},
        allowed_classes={"span": {"nowrap"}},
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel=None,
    )


def render_body(markdown_text: str, context: Mapping) -> SafeString:
    """A letter's Markdown text as sanitised HTML, with its placeholders filled in from `context`.

    The coordinator's text is rendered and sanitised with each placeholder held
    by a plain-text marker; the values, HTML-escaped, replace the markers only
    afterwards, so an applicant's title is shown exactly as typed: neither HTML
    nor Markdown in it takes effect. The result keeps only BODY_TAGS (and the
    letter's own no-wrap spans), without attributes; scripts and styles
    disappear with their content. A {{ name }} that is not a placeholder, or
    has no value in `context`, stays visible as typed.
    """
    nonce = secrets.token_hex(8)  # a coordinator can't type the marker by accident or on purpose
    values: list[str] = []

    def mark(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS or name not in context:
            return match.group(0)
        values.append(_value_html(name, context[name]))
        return f"mgph{nonce}n{len(values) - 1}x"

    marked = PLACEHOLDER_PATTERN.sub(mark, markdown_text.replace("\r\n", "\n"))
    html = _sanitise(markdown.markdown(marked, extensions=["sane_lists"], output_format="html"))
    html = re.sub(rf"mgph{nonce}n(\d+)x", lambda match: values[int(match.group(1))], html)
    # Sanitised once more with the values in: they are escaped, so this changes nothing
    # unless something above goes wrong; the letter layout trusts this output as HTML.
    html = _sanitise(html)
    # A paragraph that was only an empty placeholder (e.g. no justification) leaves no gap.
    html = re.sub(r"<p>\s*</p>\s*", "", html)
    return mark_safe(html)  # noqa: S308 (sanitised by nh3 just above: BODY_TAGS only, no attributes)


# --- What a letter shows ----------------------------------------------------------------


def _moment(value: datetime | None, format_string: str) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value, WARSAW), format_string)


def _review_sections(feedback: ReviewFeedback) -> list[dict]:
    """The reviewers' words grouped by reviewer, "Reviewer 1", "Reviewer 2"… as the applicant's page numbers them."""
    # review_feedback() labels reviewers "1", "2"…: never a name or an e-mail.
    sections: dict[str, dict] = {}
    for criterion in feedback.criteria:
        for label, text in criterion.justifications:
            sections.setdefault(label, {"scores": [], "comment": ""})["scores"].append(
                {"criterion": criterion.name, "justification": text}
            )
    for label, text in feedback.comments:
        sections.setdefault(label, {"scores": [], "comment": ""})["comment"] = text
    ordered = sorted(sections, key=lambda label: (int(label) if label.isdigit() else 0, label))
    return [
        {"label": _("Reviewer %(number)s") % {"number": label}, **sections[label]}
        for label in ordered
    ]


def _context(
    *,
    language: str,
    kind: str,
    number: str,
    issued_at: datetime,
    call: GrantCall,
    applicant: str,
    title: str,
    reference_number: str,
    amount: Decimal | None,
    requested_amount: Decimal | None,
    acceptance_deadline: datetime | None,
    reserve_position: int | None,
    justification: str,
    feedback: ReviewFeedback | None,
    preview: bool = False,
) -> dict:
    """The letter's context from plain values; the placeholders' values are ready-made strings."""
    is_award = kind in (LetterKind.AWARD, LetterKind.REDUCED_AWARD)
    review_sections = _review_sections(feedback) if feedback else []
    has_scores = feedback is not None and any(c.mean_points is not None for c in feedback.criteria)
    return {
        # The placeholders a letter's text may use (see PLACEHOLDERS).
        "applicant": applicant,
        "title": title,
        "reference_number": reference_number,
        "amount": format_money(amount) if amount is not None else "",
        "amount_in_words": amount_in_words(amount, language) if amount is not None else "",
        "requested_amount": format_money(requested_amount) if requested_amount is not None else "",
        "acceptance_deadline": _moment(acceptance_deadline, "j E Y, H:i"),
        "reserve_position": str(reserve_position) if reserve_position is not None else "",
        "justification": justification,
        "call": call.title,
        "programme": call.programme,
        # The rest of the letter.
        "language": language,
        "kind": kind,
        "heading": str(HEADINGS[kind]),
        "is_award": is_award,
        "is_reduced": kind == LetterKind.REDUCED_AWARD,
        "is_reserve": kind == LetterKind.RESERVE,
        "is_rejection": kind == LetterKind.REJECTION,
        "is_formal_rejection": kind == LetterKind.FORMAL_REJECTION,
        "operator": settings.PROGRAMME_OPERATOR,
        "address": getattr(settings, "PROGRAMME_ADDRESS", ""),
        "logo_url": LOGO_URL,
        "number": number,
        "place": getattr(settings, "PROGRAMME_PLACE", "Warszawa"),
        "date": _moment(issued_at, "j E Y"),
        "scores": [
            {"name": c.name, "mean": c.mean_points, "max_points": c.max_points}
            for c in (feedback.criteria if has_scores else [])
        ],
        "reviews": review_sections,
        "final_score": feedback.final_score if has_scores else None,
        "preview": preview,
    }


def _acceptance_deadline(decision: Decision, issued_at: datetime) -> datetime | None:
    if decision.acceptance_deadline or decision.outcome != DecisionOutcome.AWARDED:
        return decision.acceptance_deadline
    # Publishing sets the deadline; a letter issued without one still names a date
    # instead of a blank: the call's days to accept, counted from the letter's date.
    return issued_at + timedelta(days=decision.call.acceptance_days)


def letter_context(decision: Decision, *, language: str, number: str, issued_at: datetime) -> dict:
    """Everything the letter for `decision` shows, worded in `language`. Reads only; changes nothing.

    The applicant's name, the title and the reference number come from the latest
    submitted version (what was decided on); the scores, the reviewers' words and
    their numbers ("Reviewer 1", "Reviewer 2"…, never a name) from
    decisions.feedback.review_feedback(), so the letter and the applicant's
    decision page agree. Notes for the committee are never shown.
    """
    language = _language_code(language)
    application = decision.application
    call = decision.call
    version = application.versions.order_by("-number").first()
    content = version.content if version else {}
    justification = decision.justification
    if not justification and decision.outcome == DecisionOutcome.FORMALLY_REJECTED:
        justification = application.rejection_reasons
    with translation.override(language):
        return _context(
            language=language,
            kind=decision.letter_kind,
            number=number,
            issued_at=issued_at,
            call=call,
            applicant=(
                application.applicant_name
                or content.get("applicant", {}).get("display_name")
                or _("Applicant")
            ),
            title=content.get("title") or application.title,
            reference_number=content.get("reference_number") or application.reference_number or "",
            amount=decision.amount if decision.outcome == DecisionOutcome.AWARDED else None,
            requested_amount=application.requested_amount,
            acceptance_deadline=_acceptance_deadline(decision, issued_at),
            reserve_position=decision.reserve_position,
            justification=justification,
            # The same numbers and reviewer labels as the applicant's decision page.
            feedback=review_feedback(application),
        )


# --- The PDF ------------------------------------------------------------------------------


def _letter_html(body_text: str, context: dict) -> str:
    body = render_body(body_text, context)
    # A text that leaves out {{ justification }} still shows it, below the text.
    cites_justification = any(
        match.group(1) == "justification" for match in PLACEHOLDER_PATTERN.finditer(body_text)
    )
    return render_to_string(
        LETTER_TEMPLATE,
        {
            **context,
            "body": body,
            "show_justification": not cites_justification and bool(context["justification"]),
        },
    )


def render_letter_pdf(
    decision: Decision, *, language: str, number: str, issued_at: datetime
) -> bytes:
    """The PDF letter for `decision` in `language` (PDF/A-3u, tagged). Reads only; saves nothing."""
    language = _language_code(language)
    with translation.override(language):
        context = letter_context(decision, language=language, number=number, issued_at=issued_at)
        html = _letter_html(letter_body_for(decision, language), context)
    return render_pdf(
        html,
        title=f"{number} – {context['title']}",
        author=context["operator"],
        language=language,
    )


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


def render_preview_pdf(call: GrantCall, kind: str, language: str, body: str) -> bytes:
    """A PDF of `body` as a letter of `kind` to a made-up applicant, for the template editor.

    Uses the call's criteria (or two sample ones) and sample amounts, reviews and
    justification; reads and writes no application.
    """
    language = _language_code(language)
    if kind not in LetterKind.values:
        raise ValueError(f"Unknown kind of letter: {kind!r}")
    sample = SAMPLE[language]
    feedback = None if kind == LetterKind.FORMAL_REJECTION else _sample_feedback(call, sample)
    is_award = kind in (LetterKind.AWARD, LetterKind.REDUCED_AWARD)
    now = timezone.now()
    reference_number = f"{call.reference_code or 'AK'}/{timezone.localtime(now, WARSAW).year}/0042"
    with translation.override(language):
        context = _context(
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
            acceptance_deadline=now + timedelta(days=call.acceptance_days or 7)
            if is_award
            else None,
            reserve_position=3 if kind == LetterKind.RESERVE else None,
            justification=sample["justification"][kind],
            feedback=feedback,
            preview=True,
        )
        html = _letter_html(body, context)
    return render_pdf(
        html,
        title=f"{context['number']} – {context['title']}",
        author=context["operator"],
        language=language,
        timeout=settings.PDF_PREVIEW_TIMEOUT,  # rendered while the coordinator waits
    )


# --- The call's own texts (the template editor) ------------------------------------------


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


@transaction.atomic
def letter_template_save(
    *, call: GrantCall, kind: str, language: str, body: str, by
) -> LetterTemplate:
    """Create or replace the call's text for one kind of letter in one language (history keeps the old)."""
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

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
sanitised to a few plain tags without attributes. A coordinator's text is
bounded in length and nesting (letter_text_problems); if one nevertheless
fails, LetterTemplateBroken names it. The editor and its preview live in
decisions.letter_templates.
"""

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
import nh3
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applicants.models import ApplicantProfile
from core.deadlines import deadline_in
from core.formatting import format_deadline, format_money
from core.pdf import render_pdf
from core.selectors import programme_logo_data_uri, programme_profile
from decisions.enums import AWARD_LETTER_KINDS, DecisionOutcome, LetterKind
from decisions.feedback import ReviewFeedback, review_feedback
from decisions.models import Decision, LetterTemplate
from decisions.wording import amount_in_words
from grants.models import GrantCall

LETTER_TEMPLATE = "decisions/pdf/letter.html"
LETTER_TEXTS_DIR = Path(settings.BASE_DIR) / "templates" / "decisions" / "letter_texts"
LOGO_URL = "/static/img/logo.svg"  # when the programme has no logo of its own
WARSAW = ZoneInfo("Europe/Warsaw")

# What a coordinator may write in a letter's text, with what each stands for.
PLACEHOLDERS: dict[str, str] = {
    "applicant": gettext_lazy("the applicant's name: a person, a group or an organisation"),
    "title": gettext_lazy("the project's title"),
    "reference_number": gettext_lazy("the application's number, e.g. AK/2026/0042"),
    "amount": gettext_lazy("the awarded amount in figures, e.g. 3 500,00 zł"),
    "amount_in_words": gettext_lazy("the awarded amount in words"),
    "requested_amount": gettext_lazy("the amount the applicant asked for"),
    "acceptance_deadline": gettext_lazy("the date by which the award must be accepted"),
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

# Bounds on a letter's text. The PDF renderer recurses once per nested element and
# gives up (RecursionError) a few hundred levels down; a real letter needs a handful
# (a list in a list in a quotation, with bold words, is 7).
MAX_LETTER_LENGTH = 10_000
MAX_LETTER_NESTING = 12

HEADINGS = {
    LetterKind.AWARD: gettext_lazy("Decision to award a grant"),
    LetterKind.REDUCED_AWARD: gettext_lazy("Decision to award a grant"),
    LetterKind.RESERVE: gettext_lazy("Place on the reserve list"),
    LetterKind.REJECTION: gettext_lazy("Decision not to award a grant"),
    LetterKind.FORMAL_REJECTION: gettext_lazy("Application rejected at the formal check"),
}


# --- The text of a letter ---------------------------------------------------------------


def language_code(language: str) -> str:
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
    path = LETTER_TEXTS_DIR / language_code(language) / f"{kind}.md"
    return path.read_text(encoding="utf-8")


def _own_template(decision: Decision, language: str) -> LetterTemplate | None:
    """The call's own text for this decision's kind of letter in `language`, if it has one."""
    return LetterTemplate.objects.filter(
        call_id=decision.call_id, kind=decision.letter_kind, language=language_code(language)
    ).first()


def letter_body_for(decision: Decision, language: str) -> str:
    """The text the call uses for this decision's kind of letter in `language`: its own, else the default."""
    template = _own_template(decision, language)
    return (
        template.body
        if template and template.body
        else default_letter_body(decision.letter_kind, language)
    )


def unknown_placeholders(
    markdown_text: str, placeholders: Mapping[str, object] = PLACEHOLDERS
) -> list[str]:
    """The {{ names }} in a text that are not `placeholders` (typos), in order, each once."""
    names = (match.group(1) for match in PLACEHOLDER_PATTERN.finditer(markdown_text))
    return list(dict.fromkeys(name for name in names if name not in placeholders))


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


def _value_with_period(value_html: str, closing_tags: str, period: str) -> str:
    """A value in its place; one that ends with its own period ("14 grudnia 2026 r.")
    takes the sentence's full stop right after it, so a letter never reads "r.."."""
    if period and strip_tags(value_html).rstrip().endswith("."):
        period = ""
    return f"{value_html}{closing_tags}{period}"


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


def render_body(
    markdown_text: str, context: Mapping, *, placeholders: Mapping[str, object] = PLACEHOLDERS
) -> SafeString:
    """A letter's Markdown text as sanitised HTML, with its placeholders filled in from `context`.

    The coordinator's text is rendered and sanitised with each placeholder held
    by a plain-text marker; the values, HTML-escaped, replace the markers only
    afterwards, so an applicant's title is shown exactly as typed: neither HTML
    nor Markdown in it takes effect. The result keeps only BODY_TAGS (and the
    letter's own no-wrap spans), without attributes; scripts and styles
    disappear with their content. A {{ name }} that is not a placeholder, or
    has no value in `context`, stays visible as typed. Other documents written
    the same way (the grant agreement) pass their own `placeholders`.
    """
    nonce = secrets.token_hex(8)  # a coordinator can't type the marker by accident or on purpose
    values: list[str] = []

    def mark(match: re.Match) -> str:
        name = match.group(1)
        if name not in placeholders or name not in context:
            return match.group(0)
        values.append(_value_html(name, context[name]))
        return f"mgph{nonce}n{len(values) - 1}x"

    marked = PLACEHOLDER_PATTERN.sub(mark, markdown_text.replace("\r\n", "\n"))
    html = _sanitise(markdown.markdown(marked, extensions=["sane_lists"], output_format="html"))
    html = re.sub(
        rf"mgph{nonce}n(\d+)x((?:</(?:strong|em)>)*)(\.?)",
        lambda match: _value_with_period(values[int(match.group(1))], match[2], match[3]),
        html,
    )
    # Sanitised once more with the values in: they are escaped, so this changes nothing
    # unless something above goes wrong; the letter layout trusts this output as HTML.
    html = _sanitise(html)
    # A paragraph that was only an empty placeholder (e.g. no justification) leaves no gap.
    html = re.sub(r"<p>\s*</p>\s*", "", html)
    return mark_safe(html)  # noqa: S308 (sanitised by nh3 just above: BODY_TAGS only, no attributes)


class _DepthGauge(HTMLParser):
    """The deepest nesting of elements in an HTML fragment (without recursing itself)."""

    VOID = {"br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.depth = max(0, self.depth - 1)


def letter_text_problems(markdown_text: str) -> list[str]:
    """What makes a letter's text unsafe to render: too long, or nested too deeply. [] if nothing.

    The nesting is measured on the HTML the text becomes (after sanitising),
    so Markdown quotations ("> > >"), lists in lists and their mixtures all count.
    """
    if len(markdown_text) > MAX_LETTER_LENGTH:
        return [
            ngettext(
                "The text is %(length)s character long; a letter may have up to %(limit)s.",
                "The text is %(length)s characters long; a letter may have up to %(limit)s.",
                len(markdown_text),
            )
            % {"length": len(markdown_text), "limit": MAX_LETTER_LENGTH}
        ]
    try:
        html = render_body(markdown_text, {})
    except RecursionError:
        depth = MAX_LETTER_NESTING + 1
    else:
        gauge = _DepthGauge()
        gauge.feed(html)
        gauge.close()
        depth = gauge.deepest
    if depth > MAX_LETTER_NESTING:
        return [
            _(
                "Quotations and lists are nested too deeply (more than %(limit)s levels): "
                "the letter can't be printed. Use fewer “>” or indented list items."
            )
            % {"limit": MAX_LETTER_NESTING}
        ]
    return []


class LetterTemplateBroken(Exception):
    """The call's own text for a kind of letter can't be made into a PDF; names the text."""

    def __init__(self, template: LetterTemplate, cause: BaseException | str):
        super().__init__(template, cause)
        self.template = template
        self.cause = cause

    def __str__(self) -> str:
        cause = self.cause
        if isinstance(cause, RecursionError):
            cause = _("it is nested too deeply")
        return _(
            "The call's own text of the “%(kind)s” letter (%(language)s) can't be made into a "
            "letter: %(cause)s. Correct it under “Decision letters”, then retry."
        ) % {
            "kind": LetterKind(self.template.kind).label,
            "language": dict(settings.LANGUAGES).get(self.template.language, ""),
            "cause": (str(cause) or type(cause).__name__).rstrip("."),
        }


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


def letter_values_context(
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
    recipient_address: list[str] | tuple[str, ...] = (),
    preview: bool = False,
) -> dict:
    """The letter's context from plain values; the placeholders' values are ready-made strings.

    The letterhead, the place and the signatory come from the programme profile
    as it is now (core.selectors.programme_profile); `recipient_address` is the
    applicant's postal address, line by line, under their name.
    """
    is_award = kind in AWARD_LETTER_KINDS
    programme = programme_profile()
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
        "acceptance_deadline": format_deadline(acceptance_deadline),
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
        "operator": programme.operator_or_site,
        "operator_address": programme.address_lines,
        "operator_registry": ", ".join(
            part
            for part in (
                f"KRS {programme.krs}" if programme.krs else "",
                f"NIP {programme.nip_formatted}" if programme.nip else "",
            )
            if part
        ),
        "website": programme.website_label,
        "logo_url": programme_logo_data_uri() or LOGO_URL,
        "signatory_name": programme.signatory_name,
        "signatory_role": programme.signatory_role,
        "recipient_address": list(recipient_address),
        "number": number,
        "place": programme.place,
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
    return deadline_in(decision.call.acceptance_days, now=issued_at)


def _recipient_address(application, content: dict) -> list[str]:
    """Where the letter goes: the applicant's postal address as it is now (they may have
    moved since submitting), else as submitted; nothing once the account is erased."""
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    if profile is not None and profile.street:
        street, postcode, town = profile.street, profile.postcode, profile.city
    else:
        submitted = content.get("applicant") or {}
        street = submitted.get("street") or ""
        postcode, town = submitted.get("postcode") or "", submitted.get("city") or ""
    if not street:
        return []
    return [street, " ".join(part for part in (postcode, town) if part)]


def letter_context(decision: Decision, *, language: str, number: str, issued_at: datetime) -> dict:
    """Everything the letter for `decision` shows, worded in `language`. Reads only; changes nothing.

    The applicant's name, the title and the reference number come from the latest
    submitted version (what was decided on); the scores, the reviewers' words and
    their numbers ("Reviewer 1", "Reviewer 2"…, never a name) from
    decisions.feedback.review_feedback(), so the letter and the applicant's
    decision page agree. Notes for the committee are never shown.
    """
    language = language_code(language)
    application = decision.application
    call = decision.call
    version = application.versions.order_by("-number").first()
    content = version.content if version else {}
    justification = decision.justification
    if not justification and decision.outcome == DecisionOutcome.FORMALLY_REJECTED:
        justification = application.rejection_reasons
    with translation.override(language):
        return letter_values_context(
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
            recipient_address=_recipient_address(application, content),
        )


# --- The PDF ------------------------------------------------------------------------------


def letter_html(body_text: str, context: dict) -> str:
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
    language = language_code(language)
    template = _own_template(decision, language)
    if template is None or not template.body:
        return _render_letter(decision, language, number, issued_at, body=None)
    # The call's own text: checked again (it may predate the bounds), and any failure
    # names it, so the coordinator knows which text to correct. Other kinds are unaffected.
    if problems := letter_text_problems(template.body):
        raise LetterTemplateBroken(template, " ".join(problems))
    try:
        return _render_letter(decision, language, number, issued_at, body=template.body)
    except Exception as exc:
        raise LetterTemplateBroken(template, exc) from exc


def _render_letter(
    decision: Decision, language: str, number: str, issued_at: datetime, *, body: str | None
) -> bytes:
    with translation.override(language):
        context = letter_context(decision, language=language, number=number, issued_at=issued_at)
        if body is None:
            body = default_letter_body(decision.letter_kind, language)
        html = letter_html(body, context)
    return render_pdf(
        html,
        title=f"{number} – {context['title']}",
        author=context["operator"],
        language=language,
    )

"""A call's agreement settings: its grant terms and its own agreement texts, with a PDF preview.

A text is saved only once it is known to make an agreement: bounded like letter
texts (decisions.letters.letter_text_problems) and rendered to a PDF with
sample values first. One that fails is not saved, and the coordinator sees why
beside the field with everything they typed.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.budget import line_total
from core.models import RenderedPdf
from core.pdf import render_refusal
from core.pdf_renders import pdf_render_request, rendered_pdf_stored
from decisions.letters import WARSAW, language_code, letter_text_problems
from grants.models import GrantCall
from projects.agreements import (
    agreement_html,
    agreement_values_context,
    render_agreement_html_pdf,
)
from projects.models import AgreementTemplate, CallGrantTerms
from projects.report_dates import call_report_dates_refresh
from projects.selectors import call_terms


@dataclass(frozen=True)
class SampleLine:
    item: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    own_contribution: Decimal

    @property
    def total(self) -> Decimal:
        return line_total(self.quantity, self.unit_cost)

    @property
    def from_grant(self) -> Decimal:
        return self.total - self.own_contribution


SAMPLE = {
    "pl": {
        "grantee": "Grupa nieformalna „Zielone Podwórko”",
        "kind": "Grupa nieformalna",
        "title": "Ogród deszczowy przy szkole",
        "signatory": (
            "Maria Nowak",
            "Przedstawicielka organizacji patronackiej",
            "Fundacja Sąsiedzi",
        ),
        "lines": [
            SampleLine("Rośliny i ziemia", "komplet", Decimal("10"), Decimal("150"), Decimal("0")),
            SampleLine(
                "Warsztaty z ogrodnikiem", "godzina", Decimal("10"), Decimal("250"), Decimal("500")
            ),
        ],
        "schedule": [
            {"starts_on": "2027-04-01", "ends_on": "2027-04-30", "activity": "Przygotowanie"},
            {
                "starts_on": "2027-05-01",
                "ends_on": "2027-06-30",
                "activity": "Sadzenie i warsztaty",
            },
        ],
    },
    "en": {
        "grantee": "The “Green Yard” informal group",
        "kind": "Informal group",
        "title": "A rain garden by the school",
        "signatory": ("Maria Nowak", "Patron organisation's representative", "Fundacja Sąsiedzi"),
        "lines": [
            SampleLine("Plants and soil", "set", Decimal("10"), Decimal("150"), Decimal("0")),
            SampleLine(
                "Workshops with a gardener", "hour", Decimal("10"), Decimal("250"), Decimal("500")
            ),
        ],
        "schedule": [
            {"starts_on": "2027-04-01", "ends_on": "2027-04-30", "activity": "Preparation"},
            {
                "starts_on": "2027-05-01",
                "ends_on": "2027-06-30",
                "activity": "Planting and workshops",
            },
        ],
    },
}
# A made-up address and account (a valid IBAN of no real person's account: the checksum example).
SAMPLE_ADDRESS = ["ul. Lipowa 5/12", "20-001 Lublin"]
SAMPLE_IBAN = "PL61109010140000071219812874"


def agreement_preview_document(
    call: GrantCall, language: str, body: str, *, terms: CallGrantTerms | None = None
) -> tuple[str, dict]:
    """The HTML of `body` as the agreement of a made-up grantee, with the call's terms (or
    `terms` as the coordinator is editing them), and its context. Reads and writes no grant;
    renders nothing."""
    language = language_code(language)
    sample = SAMPLE[language]
    terms = terms or call_terms(call)
    now = timezone.now()
    reference_number = f"{call.reference_code or 'AK'}/{timezone.localtime(now, WARSAW).year}/0042"
    name, function, organisation = sample["signatory"]
    lines = sample["lines"]
    with translation.override(language):
        context = agreement_values_context(
            language=language,
            number=f"{reference_number}/U1",
            issued_at=now,
            call=call,
            terms=terms,
            grantee={
                "name": sample["grantee"],
                "kind": sample["kind"],
                "address": SAMPLE_ADDRESS,
                "krs": "",
            },
            signatories=[{"full_name": name, "function": function, "organisation": organisation}],
            title=sample["title"],
            reference_number=reference_number,
            amount=sum((line.from_grant for line in lines), Decimal("0")),
            starts_on=date(2027, 4, 1),
            ends_on=date(2027, 6, 30),
            budget_lines=lines,
            schedule=sample["schedule"],
            bank_account={"iban": SAMPLE_IBAN, "holder": name},
            preview=True,
        )
        html = agreement_html(body, context)
    return html, context


def _preview_options(context: dict) -> dict:
    """What render_agreement_html_pdf gives the renderer for a preview."""
    return {
        "title": f"{context['number']} – {context['title']}",
        "author": context["operator"],
        "language": context["language"],
        "timeout": settings.PDF_PREVIEW_TIMEOUT,
    }


def agreement_text_check(
    *, call: GrantCall, language: str, body: str, terms: CallGrantTerms | None = None, by=None
) -> None:
    """ValidationError (on "body") if `body` is too long, too deeply nested, or doesn't render.

    The test render is the real layout with sample values. A text `by` has just
    previewed, unchanged, was rendered by a task worker already: that render is
    the proof, and it isn't rendered again.
    """
    if problems := letter_text_problems(body):
        raise ValidationError({"body": problems}, code="bounds")
    try:
        html, context = agreement_preview_document(call, language, body, terms=terms)
        if by is not None and rendered_pdf_stored(html=html, by=by, **_preview_options(context)):
            return
        render_agreement_html_pdf(html, context, timeout=settings.PDF_PREVIEW_TIMEOUT)
    except Exception as exc:
        raise _refusal(exc) from exc


def agreement_text_preview_request(*, call: GrantCall, language: str, body: str, by) -> RenderedPdf:
    """Ask a task worker for the PDF of `body` as a sample agreement (core.pdf_renders); never
    renders here. ValidationError (on "body") for a text too long or too deeply nested, or one
    that makes no agreement at all."""
    language = language_code(language)
    body = body.replace("\r\n", "\n")  # as saved: a preview, then a save, render it once
    if problems := letter_text_problems(body):
        raise ValidationError({"body": problems}, code="bounds")
    try:
        html, context = agreement_preview_document(call, language, body)
    except Exception as exc:
        raise _refusal(exc) from exc
    return pdf_render_request(
        html=html,
        filename=f"preview-agreement-{language}.pdf",
        by=by,
        **_preview_options(context),
    )


def _refusal(exc: BaseException) -> ValidationError:
    return render_refusal(
        exc,
        message=_(
            "No agreement could be made from this text (%(cause)s). Nothing was saved: "
            "correct the text and save it again."
        ),
    )


def agreement_template_save(*, call: GrantCall, language: str, body: str, by) -> AgreementTemplate:
    """Create or replace the call's agreement text in `language` (history keeps the old one).

    Checked and test-rendered first, outside the transaction: a text that can't
    make an agreement raises ValidationError and the stored text stays as it was.
    """
    language = language_code(language)
    body = body.replace("\r\n", "\n")
    agreement_text_check(call=call, language=language, body=body, by=by)
    with transaction.atomic():
        template = AgreementTemplate.objects.select_for_update().filter(
            call=call, language=language
        ).first() or AgreementTemplate(call=call, language=language)
        template.body = body
        template.updated_by = by
        template.full_clean()
        template.save()
    return template


@transaction.atomic
def agreement_template_reset(*, call: GrantCall, language: str) -> bool:
    """Go back to the default text in `language`. True if the call had its own."""
    deleted, _details = AgreementTemplate.objects.filter(
        call=call, language=language_code(language)
    ).delete()
    return deleted > 0


@transaction.atomic
def call_terms_save(*, terms: CallGrantTerms, by) -> CallGrantTerms:
    """Save the call's grant terms as the coordinator set them (history keeps the old ones).

    Agreements already issued keep what they say; the terms apply to those issued next.
    The report due dates of the call's running grants follow the new terms at once.
    """
    terms.full_clean()
    if by is not None:
        terms._history_user = by
    terms.save()
    call_report_dates_refresh(terms=terms)
    return terms

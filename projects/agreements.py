"""The grant agreement ("umowa"): what it says, how it becomes a numbered PDF, and issuing it.

An agreement is the call's text for the grantee's language (a coordinator's
AgreementTemplate, or the default Markdown in
templates/projects/agreement_texts/<language>.md) with {{ placeholders }}
filled in, set inside the agreement layout (templates/projects/pdf/agreement.html):
the parties and who signs, the key facts, the payment schedule, the bank
account, the reporting deadline, the call's obligations and the sentence for
financial documents, the signatures, and the annexes (budget, schedule,
privacy notice). It is rendered like decision letters: the coordinator's
Markdown through decisions.letters.render_body (sanitised, placeholder values
escaped) and the page through core.pdf (PDF/A-3u, tagged, embedded fonts).

Issued versions are numbered <reference>/U1, /U2… and never change: a
correction withdraws the version in force and issues the next one.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.enums import ApplicantKind
from applicants.models import ApplicantProfile
from core.deadlines import WARSAW
from core.formatting import format_money, format_percent
from core.models import RenderedPdf
from core.pdf import render_pdf
from core.pdf_renders import pdf_render_request
from core.selectors import programme_logo_data_uri, programme_profile
from decisions.letters import LOGO_URL, language_code, letter_text_problems, render_body
from decisions.wording import amount_in_words
from grants.models import GrantCall
from projects.enums import AgreementState, BankAccountState, GrantState, PaymentCondition
from projects.instalments import instalment_plan
from projects.models import (
    Agreement,
    AgreementTemplate,
    CallGrantTerms,
    Grant,
    format_iban,
)
from projects.selectors import call_terms
from projects.services import agreement_transition, grant_transition

AGREEMENT_LAYOUT = "projects/pdf/agreement.html"
AGREEMENT_TEXTS_DIR = Path(settings.BASE_DIR) / "templates" / "projects" / "agreement_texts"

# What a coordinator may write in an agreement's text, with what each stands for.
AGREEMENT_PLACEHOLDERS: dict[str, str] = {
    "number": gettext_lazy("the agreement's number, e.g. AK/2026/0042/U1"),
    "grantee": gettext_lazy("the grantee's name: a person, a group or an organisation"),
    "title": gettext_lazy("the project's title"),
    "reference_number": gettext_lazy("the application's number, e.g. AK/2026/0042"),
    "amount": gettext_lazy("the grant in figures, e.g. 3 500,00 zł"),
    "amount_in_words": gettext_lazy("the grant in words"),
    "starts_on": gettext_lazy("the day the project starts"),
    "ends_on": gettext_lazy("the day the project ends"),
    "report_deadline": gettext_lazy("the day by which the final report is due"),
    "call": gettext_lazy("the call's title"),
    "programme": gettext_lazy("the programme's name"),
    "operator": gettext_lazy("the programme operator's name"),
}


class AgreementNotReady(ValidationError):
    """The grant lacks something the agreement needs; `problems` says what, in the user's words."""

    def __init__(self, problems: list[str]):
        super().__init__(problems, code="not_ready")
        self.problems = problems


class AgreementTextBroken(Exception):
    """The call's own agreement text can't be made into a PDF; names the text and why."""

    def __init__(self, template: AgreementTemplate, cause: BaseException | str):
        super().__init__(template, cause)
        self.template = template
        self.cause = cause

    def __str__(self) -> str:
        cause = _("it is nested too deeply") if isinstance(self.cause, RecursionError) else None
        return _(
            "The call's own agreement text (%(language)s) can't be made into an agreement: "
            "%(cause)s. Correct it under “Agreement and terms”, then retry."
        ) % {
            "language": dict(settings.LANGUAGES).get(self.template.language, ""),
            "cause": (cause or str(self.cause) or type(self.cause).__name__).rstrip("."),
        }


# --- The text ---------------------------------------------------------------------------------


def default_agreement_body(language: str) -> str:
    """The default Markdown text of an agreement in `language` (ValueError for unknown ones)."""
    return (AGREEMENT_TEXTS_DIR / f"{language_code(language)}.md").read_text(encoding="utf-8")


def agreement_template_get(*, call: GrantCall, language: str) -> AgreementTemplate | None:
    return AgreementTemplate.objects.filter(call=call, language=language_code(language)).first()


def grant_language(grant: Grant) -> str:
    """The language the grantee reads: their account's, as for decision letters."""
    applicant = grant.application.applicant
    return language_code(applicant.language if applicant else settings.LANGUAGE_CODE)


# --- What the agreement shows ----------------------------------------------------------------


def _day(value: date | None) -> str:
    return date_format(value, "j E Y") if value else ""


def report_deadline(ends_on: date | None, terms: CallGrantTerms) -> date | None:
    """The day the final report is due: the project's end plus the call's days for it."""
    return ends_on + timedelta(days=terms.final_report_days) if ends_on else None


def fill_document_sentence(
    sentence: str, *, programme: str, amount: Decimal, number: str
) -> SafeString:
    """The call's sentence for financial documents with {programme}, {amount}, {number} filled,
    as HTML: the text escaped, the amount and the number kept on one line.

    Replaced one by one (not str.format): any other braces a coordinator types stay as typed.
    """
    html = escape(sentence)
    for name, value in (
        ("{programme}", escape(programme)),
        ("{amount}", f'<span class="nowrap">{escape(format_money(amount, currency=""))}</span>'),
        ("{number}", f'<span class="nowrap">{escape(number)}</span>'),
    ):
        html = html.replace(name, value)
    return mark_safe(html)  # noqa: S308 (every piece escaped just above)


def _payment_rows(amount: Decimal, terms: CallGrantTerms) -> list[dict]:
    rows = []
    plan = instalment_plan(amount, terms.advance_percent)
    for number, (part, condition) in enumerate(plan, start=1):
        rows.append(
            {
                "number": number,
                "amount": format_money(part),
                "share": format_percent(part * 100 / amount, trim=True) if amount else "",
                "condition": PaymentCondition(condition).label,
                "is_advance": len(plan) > 1 and number == 1,
            }
        )
    return rows


def _budget_rows(lines: Iterable) -> tuple[list[dict], dict]:
    rows, total, own, granted = [], Decimal("0"), Decimal("0"), Decimal("0")
    for number, line in enumerate(lines, start=1):
        rows.append(
            {
                "number": number,
                "item": line.item,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_cost": format_money(line.unit_cost),
                "total": format_money(line.total),
                "own_contribution": format_money(line.own_contribution),
                "from_grant": format_money(line.from_grant),
            }
        )
        total += line.total
        own += line.own_contribution
        granted += line.from_grant
    return rows, {
        "total": format_money(total),
        "own_contribution": format_money(own),
        "from_grant": format_money(granted),
    }


def _schedule_rows(schedule: Iterable[dict]) -> list[dict]:
    rows = []
    for row in schedule:
        starts = date.fromisoformat(row["starts_on"]) if row.get("starts_on") else None
        ends = date.fromisoformat(row["ends_on"]) if row.get("ends_on") else None
        rows.append(
            {"starts_on": _day(starts), "ends_on": _day(ends), "activity": row.get("activity", "")}
        )
    return rows


def agreement_values_context(
    *,
    language: str,
    number: str,
    issued_at: datetime,
    call: GrantCall,
    terms: CallGrantTerms,
    grantee: dict,
    signatories: list[dict],
    title: str,
    reference_number: str,
    amount: Decimal,
    starts_on: date | None,
    ends_on: date | None,
    budget_lines: Iterable,
    schedule: Iterable[dict],
    bank_account: dict | None,
    preview: bool = False,
) -> dict:
    """The agreement's context from plain values, worded in the active language.

    `grantee` holds name, kind (label), address (lines) and krs; each of
    `signatories` full_name, function, organisation; `bank_account` iban and
    holder; `budget_lines` are GrantBudgetLine-like rows (item, unit, quantity,
    unit_cost, own_contribution, total, from_grant). The operator, its address,
    registry numbers and signatory come from the programme profile as it is now.
    """
    programme = programme_profile()
    due = report_deadline(ends_on, terms)
    budget_rows, budget_totals = _budget_rows(budget_lines)
    obligations = render_body(terms.obligations or "", {}, placeholders={})
    return {
        # The placeholders an agreement's text may use (AGREEMENT_PLACEHOLDERS).
        "number": number,
        "grantee": grantee["name"],
        "title": title,
        "reference_number": reference_number,
        "amount": format_money(amount),
        "amount_in_words": amount_in_words(amount, language),
        "starts_on": _day(starts_on),
        "ends_on": _day(ends_on),
        "report_deadline": _day(due),
        "call": call.title,
        "programme": call.programme,
        "operator": programme.operator_or_site,
        # The rest of the agreement.
        "language": language,
        # The amount in Polish words whatever the language: the agreement is made in Poland.
        "amount_in_polish_words": amount_in_words(amount, "pl"),
        "operator_address": programme.address_lines,
        "operator_krs": programme.krs,
        "operator_nip": programme.nip_formatted if programme.nip else "",
        "operator_signatory_name": programme.signatory_name,
        "operator_signatory_role": programme.signatory_role,
        "website": programme.website_label,
        "logo_url": programme_logo_data_uri() or LOGO_URL,
        "place": programme.place,
        "date": date_format(timezone.localtime(issued_at, WARSAW), "j E Y"),
        "grantee_kind": grantee.get("kind", ""),
        "grantee_address": grantee.get("address", []),
        "grantee_krs": grantee.get("krs", ""),
        "signatories": signatories,
        "payments": _payment_rows(amount, terms),
        "budget_rows": budget_rows,
        "budget_totals": budget_totals,
        "schedule": _schedule_rows(schedule),
        "bank_account": (
            {"iban": format_iban(bank_account["iban"]), "holder": bank_account["holder"]}
            if bank_account
            else None
        ),
        "obligations": obligations,
        "document_sentence": fill_document_sentence(
            terms.document_sentence, programme=call.programme, amount=amount, number=number
        ),
        "privacy_notice": call.full_privacy_notice,
        "preview": preview,
    }


def _grantee(grant: Grant, content: dict) -> dict:
    """The grantee as a party: name, kind, postal address (as it is now, else as submitted), KRS."""
    submitted = content.get("applicant") or {}
    profile = ApplicantProfile.objects.filter(user_id=grant.application.applicant_id).first()
    source = (
        {"street": profile.street, "postcode": profile.postcode, "city": profile.city}
        if profile is not None and profile.street
        else submitted
    )
    street = source.get("street") or ""
    town = " ".join(part for part in (source.get("postcode"), source.get("city")) if part)
    krs = ""
    if grant.grantee_kind == ApplicantKind.NGO:
        krs = (profile.krs if profile is not None and profile.krs else "") or submitted.get(
            "krs", ""
        )
    return {
        "name": grant.grantee_name,
        "kind": grant.get_grantee_kind_display(),
        "address": [line for line in (street, town) if line],
        "krs": krs or "",
    }


def agreement_context(
    grant: Grant, *, language: str, number: str, issued_at: datetime, preview: bool = False
) -> dict:
    """Everything the agreement of `grant` shows, worded in `language`. Reads only."""
    language = language_code(language)
    version = grant.application.versions.order_by("-number").first()
    content = version.content if version is not None else {}
    account = grant.bank_accounts.filter(state=BankAccountState.IN_USE).first()
    with translation.override(language):
        return agreement_values_context(
            language=language,
            number=number,
            issued_at=issued_at,
            call=grant.call,
            terms=call_terms(grant.call),
            grantee=_grantee(grant, content),
            signatories=[
                {
                    "full_name": signatory.full_name,
                    "function": signatory.function,
                    "organisation": signatory.organisation_name,
                    "role": signatory.get_role_display(),
                }
                for signatory in grant.signatories.all()
            ],
            title=grant.title,
            reference_number=grant.reference_number,
            amount=grant.amount,
            starts_on=grant.starts_on,
            ends_on=grant.ends_on,
            budget_lines=list(grant.budget_lines.all()),
            schedule=content.get("schedule") or [],
            bank_account=(
                {"iban": account.iban, "holder": account.holder_name} if account else None
            ),
            preview=preview,
        )


def agreement_html(body_text: str, context: dict) -> str:
    body = render_body(body_text, context, placeholders=AGREEMENT_PLACEHOLDERS)
    return render_to_string(AGREEMENT_LAYOUT, {**context, "body": body})


def render_agreement_html_pdf(html: str, context: dict, *, timeout: float | None = None) -> bytes:
    return render_pdf(
        html,
        title=f"{context['number']} – {context['title']}",
        author=context["operator"],
        language=context["language"],
        timeout=timeout,
    )


def agreement_document(
    grant: Grant, *, language: str, number: str, issued_at: datetime, preview: bool = False
) -> tuple[str, dict, AgreementTemplate | None]:
    """The HTML of `grant`'s agreement, its context (agreement_context) and the call's own
    text it is made from (None: the default text). Quick: renders nothing.

    The call's own text is checked again (it may predate the bounds); a failure
    in it raises AgreementTextBroken naming it.
    """
    language = language_code(language)
    template = agreement_template_get(call=grant.call, language=language)
    if template is not None and not template.body:
        template = None
    with translation.override(language):
        context = agreement_context(
            grant, language=language, number=number, issued_at=issued_at, preview=preview
        )
        if template is None:
            return agreement_html(default_agreement_body(language), context), context, None
        if problems := letter_text_problems(template.body):
            raise AgreementTextBroken(template, " ".join(problems))
        try:
            return agreement_html(template.body, context), context, template
        except Exception as exc:
            raise AgreementTextBroken(template, exc) from exc


def render_agreement_pdf(
    grant: Grant, *, language: str, number: str, issued_at: datetime, preview: bool = False
) -> bytes:
    """The agreement of `grant` as a PDF (PDF/A-3u, tagged). Reads only; saves nothing.

    `preview` marks every page as a preview (the coordinator's look before issuing).

    The call's own text is checked again (it may predate the bounds); a failure
    in it raises AgreementTextBroken naming it.
    """
    html, context, template = agreement_document(
        grant, language=language, number=number, issued_at=issued_at, preview=preview
    )
    timeout = settings.PDF_PREVIEW_TIMEOUT if preview else None
    try:
        return render_agreement_html_pdf(html, context, timeout=timeout)
    except Exception as exc:
        if template is None:
            raise
        raise AgreementTextBroken(template, exc) from exc


# --- Numbering, preview and withdrawing -------------------------------------------------------
# Issuing (a coordinator's "Send", rendered by a task worker) is projects.agreement_issuing.


def agreement_number(grant: Grant, version: int) -> str:
    return f"{grant.agreement_number_base}{version}"


def agreement_preview_request(*, grant: Grant, by) -> RenderedPdf:
    """Ask a task worker for the preview of the next version of `grant`'s agreement
    (core.pdf_renders): rendered once while the grant and the texts stay as they are,
    never in the web request. Raises AgreementTextBroken for a call's text that is broken."""
    number = agreement_number(grant, agreement_next_version(grant))
    html, context, _template = agreement_document(
        grant, language=grant_language(grant), number=number, issued_at=timezone.now(), preview=True
    )
    return pdf_render_request(
        html=html,
        filename="preview-agreement.pdf",
        by=by,
        title=f"{context['number']} – {context['title']}",
        author=context["operator"],
        language=context["language"],
        timeout=settings.PDF_PREVIEW_TIMEOUT,
    )


def agreement_next_version(grant: Grant) -> int:
    """The version the next "Send" issues: after every issued one and every one asked for."""
    return (
        max(
            grant.agreements.aggregate(version=Max("version"))["version"] or 0,
            grant.agreement_requests.aggregate(version=Max("version"))["version"] or 0,
        )
        + 1
    )


@transaction.atomic
def agreement_withdraw(*, agreement: Agreement, by, reason: str) -> Agreement:
    """Withdraw a sent agreement (to correct it): the grant goes back to preparing, and the
    next version (/U2…) can be issued. The reason is kept on the agreement's record.

    Raises ValidationError without a reason, InvalidAgreementTransition for a
    signed or already withdrawn agreement.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the agreement is withdrawn.")})
    withdrawn = agreement_transition(agreement, AgreementState.WITHDRAWN, by=by, note=reason)
    grant = Grant.objects.get(pk=withdrawn.grant_id)
    if grant.state == GrantState.AGREEMENT_SENT:
        grant_transition(grant, GrantState.AGREEMENT_TO_PREPARE, by=by, note=reason)
    return withdrawn


def agreement_file_name(agreement: Agreement) -> str:
    """The file name a downloaded agreement gets: its number, "/" → "-"."""
    return f"{agreement.number.replace('/', '-')}.pdf"

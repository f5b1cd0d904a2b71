"""The settlement as a numbered PDF (<reference>/R1…): both parties, the agreement it settles,
plan vs spent per budget line, the documents, the indicators, the figures, and the last
instalment or the money to return with where and by when.

Rendered like the agreement (core.pdf: PDF/A-3u, tagged, static files only), in the
grantee's language, from what the settlement kept when it was issued (its figures and
`content`): a PDF rendered later says what was issued, whatever changed since. A task
worker renders and stores it once (projects.tasks.render_settlement_pdf).
"""

import hashlib
from datetime import date
from decimal import Decimal
from time import monotonic, sleep

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.deadlines import WARSAW
from core.formatting import format_money
from core.pdf import render_pdf
from core.pdf_renders import pdf_claim, pdf_claim_release
from core.selectors import programme_logo_data_uri, programme_profile
from decisions.letters import LOGO_URL
from projects.agreements import grant_language
from projects.enums import BankAccountState, ReportState
from projects.models import Settlement, format_iban

SETTLEMENT_LAYOUT = "projects/pdf/settlement.html"


def _day(value: date | str | None) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return date_format(value, "j E Y") if value else ""


def _pln(value) -> str:
    return format_money(Decimal(value)) if value not in (None, "") else ""


def settlement_context(settlement: Settlement, *, language: str) -> dict:
    """Everything the PDF of `settlement` shows, worded in the active language. Reads only."""
    grant = settlement.grant
    content = settlement.content or {}
    programme = programme_profile()
    account = grant.bank_accounts.filter(state=BankAccountState.IN_USE).first()
    lines = [
        {
            **row,
            **{
                key: _pln(row.get(key))
                for key in ("planned_total", "planned_from_grant", "spent_from_grant", "spent_own")
            },
            "left": _pln(Decimal(row["planned_total"]) - Decimal(row["spent_total"])),
        }
        for row in content.get("lines", [])
    ]
    documents = [
        {
            **row,
            "issued_on": _day(row.get("issued_on")),
            "amount": _pln(row.get("amount")),
            "from_grant": _pln(row.get("from_grant")),
            "own_contribution": _pln(row.get("own_contribution")),
            "ineligible": _pln(row["ineligible"]) if Decimal(row.get("ineligible") or 0) else "",
        }
        for row in content.get("documents", [])
    ]
    return {
        "language": language,
        "number": settlement.number,
        "title": grant.title,
        "reference_number": grant.reference_number,
        "agreement_number": content.get("agreement_number", ""),
        "report_partial": content.get("report_state") == ReportState.PARTIALLY_ACCEPTED,
        "date": date_format(timezone.localtime(settlement.issued_at, WARSAW).date(), "j E Y"),
        "operator": programme.operator_or_site,
        "operator_address": programme.address_lines,
        "operator_krs": programme.krs,
        "operator_nip": programme.nip_formatted if programme.nip else "",
        "operator_signatory_name": programme.signatory_name,
        "operator_signatory_role": programme.signatory_role,
        "programme": grant.call.programme,
        "website": programme.website_label,
        "logo_url": programme_logo_data_uri() or LOGO_URL,
        "place": programme.place,
        "grantee": grant.grantee_name,
        "grantee_kind": grant.get_grantee_kind_display(),
        "starts_on": _day(grant.starts_on),
        "ends_on": _day(grant.ends_on),
        "lines": lines,
        "documents": documents,
        "indicators": content.get("indicators", []),
        "participants": content.get("participants"),
        "volunteer_hours": content.get("volunteer_hours"),
        "awarded": _pln(settlement.awarded),
        "spent_from_grant": _pln(settlement.spent_from_grant),
        "ineligible": _pln(settlement.ineligible),
        "eligible": _pln(settlement.eligible),
        "own_planned": _pln(settlement.own_contribution_planned),
        "own_spent": _pln(settlement.own_contribution_spent),
        "paid_before": _pln(settlement.paid_before),
        "final_instalment": _pln(settlement.final_instalment),
        "has_final_instalment": settlement.final_instalment > 0,
        "return_amount": _pln(settlement.return_amount),
        "has_return": settlement.return_amount > 0,
        "return_due_on": _day(settlement.return_due_on),
        "grantee_account": (
            {"iban": format_iban(account.iban), "holder": account.holder_name} if account else None
        ),
    }


def render_settlement_pdf(settlement: Settlement) -> bytes:
    """The PDF of `settlement` in its grantee's language. Reads only; saves nothing."""
    language = grant_language(settlement.grant)
    with translation.override(language):
        context = settlement_context(settlement, language=language)
        html = render_to_string(SETTLEMENT_LAYOUT, context)
        return render_pdf(
            html,
            title=f"{context['number']} – {context['title']}",
            author=context["operator"],
            language=language,
        )


def _settlement_for_pdf(pk: int) -> Settlement:
    return Settlement.objects.select_related("grant__call", "grant__application__applicant").get(
        pk=pk
    )


def settlement_pdf_store(*, settlement_id: int) -> Settlement:
    """Render and store the PDF of a settlement that has none yet. Safe to run twice, or on two
    workers at once: the worker claims the settlement first (core.pdf_renders.pdf_claim), then
    renders outside any transaction and stores it under the row's lock."""
    settlement = _settlement_for_pdf(settlement_id)
    if settlement.pdf:
        return settlement
    if not pdf_claim(Settlement.objects, pk=settlement_id):
        return _settlement_for_pdf(settlement_id)  # stored, or being rendered by a twin
    try:
        pdf = render_settlement_pdf(settlement)
    except BaseException:
        pdf_claim_release(Settlement.objects, pk=settlement_id)
        raise
    with transaction.atomic():
        locked = Settlement.objects.select_for_update().get(pk=settlement_id)
        if locked.pdf:
            return locked
        locked.pdf.save(f"{locked.number.replace('/', '-')}.pdf", ContentFile(pdf), save=False)
        locked.sha256 = hashlib.sha256(pdf).hexdigest()
        locked.size = len(pdf)
        locked.pdf_claimed_at = None
        locked.save(update_fields=["pdf", "sha256", "size", "pdf_claimed_at"])
    return locked


def settlement_pdf_finished(*, settlement_id: int, wait: float, poll: float = 0.5) -> Settlement:
    """The settlement with its PDF finished and stored, for a reader that needs the file.

    Rendered here when no worker is at it (settlement_pdf_store); while another
    worker is rendering it, awaited for up to `wait` seconds. Still without a PDF
    when that worker has not finished by then: the caller says it is being prepared
    rather than read a file that is not there yet.
    """
    deadline = monotonic() + wait
    while True:
        settlement = settlement_pdf_store(settlement_id=settlement_id)
        if settlement.pdf or monotonic() >= deadline:
            return settlement
        sleep(poll)


def settlement_file_name(settlement: Settlement) -> str:
    return f"{settlement.number.replace('/', '-')}.pdf"

"""The annex of an approved amendment: a numbered PDF (<reference>/A1, /A2…) with the budget
lines and dates before and after side by side, the justification and both parties.

Rendered by the task worker (projects.tasks.issue_amendment_annex) through the same safe
renderer as the agreement (core.pdf), in the grantee's language; until it is stored the
pages say "being prepared…". Safe to run twice: an annex already stored is kept.
"""

import hashlib
import logging
from datetime import date

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
from projects.enums import AgreementState, AmendmentKind, AmendmentState
from projects.models import Amendment

ANNEX_LAYOUT = "projects/pdf/amendment.html"

logger = logging.getLogger(__name__)


def _day(value: str) -> str:
    return date_format(date.fromisoformat(value), "j E Y") if value else "–"


def budget_comparison(before: dict, after: dict) -> list[dict]:
    """Each budget line before and after, side by side (a line added has no "before")."""
    old = {row.get("id"): row for row in before.get("budget", {}).get("lines", [])}
    rows = []
    for row in after.get("budget", {}).get("lines", []):
        was = old.pop(row.get("id"), None) if row.get("id") is not None else None
        rows.append(_pair(row.get("item", ""), was, row))
    for was in old.values():
        rows.append(_pair(was.get("item", ""), was, None))
    return rows


def _side(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {
        "quantity": row["quantity"],
        "unit": row.get("unit", ""),
        "unit_cost": format_money(row["unit_cost"]),
        "total": format_money(row["total"]),
        "own_contribution": format_money(row["own_contribution"]),
    }


def _pair(item: str, before: dict | None, after: dict | None) -> dict:
    changed = (
        before is None
        or after is None
        or any(
            before.get(name) != after.get(name)
            for name in ("quantity", "unit_cost", "own_contribution")
        )
    )
    return {"item": item, "before": _side(before), "after": _side(after), "changed": changed}


def annex_context(amendment: Amendment, *, language: str) -> dict:
    """What the annex shows, worded in `language` (active when called). Reads only."""
    grant = amendment.grant
    programme = programme_profile()
    before, after = amendment.before, amendment.after
    agreement = (
        grant.agreements.exclude(state=AgreementState.WITHDRAWN).order_by("-version").first()
    )
    return {
        "language": language,
        "number": amendment.number,
        "title": grant.title,
        "reference_number": grant.reference_number,
        "agreement_number": agreement.number if agreement else "",
        "grantee": grant.grantee_name,
        "operator": programme.operator_or_site,
        "operator_address": programme.address_lines,
        "operator_signatory_name": programme.signatory_name,
        "operator_signatory_role": programme.signatory_role,
        "programme": grant.call.programme,
        "logo_url": programme_logo_data_uri() or LOGO_URL,
        "date": date_format(
            timezone.localtime(amendment.answered_at or timezone.now(), WARSAW), "j E Y"
        ),
        "signatories": [s.full_name for s in grant.signatories.all()],
        "kinds": [AmendmentKind(kind).label for kind in amendment.kinds],
        "justification": amendment.justification,
        "budget": budget_comparison(before, after),
        "totals": [
            (
                label,
                format_money(before.get("budget", {}).get(key)),
                format_money(after.get("budget", {}).get(key)),
            )
            for key, label in (
                ("total_cost", translation.gettext("Total cost")),
                ("own_contribution", translation.gettext("Own contribution")),
                ("requested_amount", translation.gettext("From the grant")),
            )
        ],
        "dates": [
            (
                translation.gettext("Project starts"),
                _day(before.get("starts_on", "")),
                _day(after.get("starts_on", "")),
            ),
            (
                translation.gettext("Project ends"),
                _day(before.get("ends_on", "")),
                _day(after.get("ends_on", "")),
            ),
        ],
        "schedule_before": [_schedule_row(row) for row in before.get("schedule", [])],
        "schedule_after": [_schedule_row(row) for row in after.get("schedule", [])],
        "schedule_changed": before.get("schedule") != after.get("schedule"),
    }


def _schedule_row(row: dict) -> dict:
    return {
        "starts_on": _day(row.get("starts_on", "")),
        "ends_on": _day(row.get("ends_on", "")),
        "activity": row.get("activity", ""),
    }


def render_annex_pdf(amendment: Amendment) -> bytes:
    """The annex of `amendment` as a PDF in the grantee's language. Reads only."""
    language = grant_language(amendment.grant)
    with translation.override(language):
        context = annex_context(amendment, language=language)
        html = render_to_string(ANNEX_LAYOUT, context)
    return render_pdf(
        html,
        title=f"{context['number']} – {context['title']}",
        author=context["operator"],
        language=language,
    )


def _for_render(amendment_id: int) -> Amendment:
    return (
        Amendment.objects.select_related("grant__call", "grant__application__applicant")
        .prefetch_related("grant__signatories", "grant__agreements")
        .get(pk=amendment_id)
    )


def amendment_annex_issue(*, amendment_id: int) -> Amendment | None:
    """Render and store the annex of an approved amendment, once (a task run twice, or on two
    workers at once, renders it once: the worker claims it first). The amendment (None when it
    isn't approved)."""
    amendment = _for_render(amendment_id)
    if amendment.state != AmendmentState.APPROVED or not amendment.number:
        return None
    if amendment.pdf:
        return amendment
    if not pdf_claim(Amendment.objects, pk=amendment_id):
        return _for_render(amendment_id)  # stored, or being rendered by a twin
    try:
        pdf = render_annex_pdf(amendment)  # outside any transaction: it takes a while
    except BaseException:
        pdf_claim_release(Amendment.objects, pk=amendment_id)
        raise
    with transaction.atomic():
        locked = Amendment.objects.select_for_update().get(pk=amendment_id)
        if locked.pdf:  # a twin worker got there first
            return locked
        locked.pdf.save(f"{locked.number.replace('/', '-')}.pdf", ContentFile(pdf), save=False)
        locked.sha256 = hashlib.sha256(pdf).hexdigest()
        locked.size = len(pdf)
        locked.issued_at = timezone.now()
        locked.pdf_claimed_at = None
        locked.save(update_fields=["pdf", "sha256", "size", "issued_at", "pdf_claimed_at"])
    return locked


def annex_file_name(amendment: Amendment) -> str:
    return f"{amendment.number.replace('/', '-')}.pdf"

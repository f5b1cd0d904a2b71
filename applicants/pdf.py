"""Rendering the PDF copies of a submitted version: the full one and the reviewers' one.

Only the task worker renders them (applicants.pdf_copies stores the result);
downloads serve the stored files. The reviewers' copy is made from
applicants.disclosure.reviewer_version(), never from the version itself.
"""

from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from applicants.disclosure import ReviewerVersion, reviewer_version
from applicants.enums import ApplicantKind, BudgetCategory
from applicants.models import ApplicationVersion
from core.pdf import render_pdf
from core.selectors import programme_logo_data_uri, programme_profile

TEMPLATE = "applicants/pdf/application.html"
# The programme's own logo when it has one (a data: URI: the renderer fetches only static files).
DEFAULT_LOGO_URL = "/static/img/logo.svg"


def _label(choices, value: str) -> str:
    """The translated label of a stored choice; the raw value if the choice no longer exists."""
    try:
        return choices(value).label
    except ValueError:
        return value


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _answer_text(answer) -> str:
    """An answer as the applicant gave it; yes/no answers in words, no answer as an empty string."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return _("Yes") if answer else _("No")
    return str(answer)


def _template_context(version: ApplicationVersion | ReviewerVersion, *, call) -> dict:
    """What the PDF template shows: the frozen snapshot, with stored codes and ISO dates made readable.

    Reads only the version's own snapshot (or what reviewers may see of it) and
    the call's row; nothing the applicant changed after submitting can leak into
    the copy, and no application or user row is handed to the template.
    """
    content = version.content
    programme = programme_profile()
    applicant = content.get("applicant", {})
    budget = content.get("budget", {})
    reference_number = content.get("reference_number") or ""
    return {
        "version": version,
        "for_reviewers": isinstance(version, ReviewerVersion),
        "call": call,
        "operator": programme.operator_or_site,
        "logo_url": programme_logo_data_uri() or DEFAULT_LOGO_URL,
        "content": content,
        "reference_number": reference_number,
        "applicant": applicant,
        "applicant_kind": _label(ApplicantKind, applicant.get("kind", "")),
        "is_group": applicant.get("kind") == ApplicantKind.GROUP,
        "is_ngo": applicant.get("kind") == ApplicantKind.NGO,
        "schedule": [
            {
                **item,
                "starts_on": _date(item.get("starts_on")),
                "ends_on": _date(item.get("ends_on")),
            }
            for item in content.get("schedule", [])
        ],
        "budget": budget,
        "budget_lines": [
            {**line, "category_label": _label(BudgetCategory, line.get("category", ""))}
            for line in budget.get("lines", [])
        ],
        "answers": [
            {**answer, "text": _answer_text(answer.get("answer"))}
            for answer in content.get("answers", [])
        ],
        "attachments": content.get("attachments", []),
        "consents": [
            {**consent, "accepted_at": _moment(consent.get("accepted_at"))}
            for consent in version.consents
        ],
    }


def _render(shown: ApplicationVersion | ReviewerVersion, application) -> bytes:
    language = translation.get_language() or settings.LANGUAGE_CODE
    context = _template_context(shown, call=application.call)
    reference_number = context["reference_number"] or application.reference_number or ""
    context["reference_number"] = reference_number
    title = context["content"].get("title") or str(application.display_title)
    return render_pdf(
        render_to_string(TEMPLATE, context),
        title=" – ".join(part for part in (reference_number, title) if part),
        author=context["operator"],
        language=language,
    )


def application_version_pdf(version: ApplicationVersion) -> bytes:
    """The full PDF copy of `version` (for the applicant and coordinators), in the active language.

    Raises core.pdf.RenderFailed (or a subclass) if it cannot be rendered in time.
    """
    return _render(version, version.application)


def reviewer_version_pdf(version: ApplicationVersion) -> bytes:
    """The reviewers' PDF copy of `version`: only what applicants.disclosure lets reviewers see."""
    return _render(reviewer_version(version), version.application)

"""The PDF copy of a submitted application version (e-mailed to the applicant, downloadable)."""

from datetime import date, datetime

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from applicants.enums import ApplicantKind, BudgetCategory
from applicants.models import ApplicationVersion
from core.pdf import render_pdf

TEMPLATE = "applicants/pdf/application.html"


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


def _template_context(version: ApplicationVersion) -> dict:
    """What the PDF template shows: the frozen snapshot, with stored codes and ISO dates made readable.

    Reads only the version's own snapshot plus its application and call rows;
    nothing the applicant changed after submitting can leak into the copy.
    """
    content = version.content
    application = version.application
    applicant = content.get("applicant", {})
    budget = content.get("budget", {})
    reference_number = content.get("reference_number") or application.reference_number or ""
    return {
        "version": version,
        "application": application,
        "call": application.call,
        "operator": settings.PROGRAMME_OPERATOR,
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


def application_version_pdf(version: ApplicationVersion) -> bytes:
    """The PDF copy of `version`, in the language active when called (the caller picks it)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    context = _template_context(version)
    title = context["content"].get("title") or str(version.application.display_title)
    return render_pdf(
        render_to_string(TEMPLATE, context),
        title=" – ".join(part for part in (context["reference_number"], title) if part),
        author=settings.PROGRAMME_OPERATOR,
        language=language,
    )


def application_version_filename(version: ApplicationVersion) -> str:
    """The PDF copy's file name: the reference number ("/" not allowed in names) and version."""
    application = version.application
    number = (application.reference_number or str(application.pk)).replace("/", "-")
    return f"{number}-v{version.number}.pdf"


def application_version_pdf_response(version: ApplicationVersion) -> HttpResponse:
    """The version's PDF copy as a download, for whichever page is allowed to offer it."""
    response = HttpResponse(application_version_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{application_version_filename(version)}"'
    )
    return response

"""The coordinator's application list, row by row: every cell worked out once in Python.

The list shows 50 rows; a template that reverses a URL, looks up a choice's label,
formats a date and an amount and includes the badge template in every row spends most
of the page's time doing that. Here each label is translated once per request, the
detail links share one reversed prefix, and the template only prints the row's values.
"""

from collections.abc import Callable
from datetime import datetime

from django.urls import reverse
from django.utils.dates import MONTHS_ALT
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from applicants.consents_selectors import ConsentSummary
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application
from core.formatting import format_money


def submitted_at_formatter() -> Callable[[datetime | None], str]:
    """A moment as the list writes it, the template's |date:"j E Y, H:i" ("7 grudnia 2026, 14:05"),
    in the current time zone and "" for none; the month names are translated once, not per row."""
    months = {number: str(name) for number, name in MONTHS_ALT.items()}

    def formatted(moment: datetime | None) -> str:
        if not moment:
            return ""
        moment = template_localtime(moment)
        return f"{moment.day} {months[moment.month]} {moment.year:04d}, {moment:%H:%M}"

    return formatted


def _detail_url_prefix() -> str:
    """The detail page's address without its id: one reverse for the whole list."""
    placeholder = 0
    url = reverse("applicants_manage:detail", args=[placeholder])
    prefix, _, suffix = url.rpartition(f"/{placeholder}/")
    if suffix:  # a pattern that ends other than in "<pk>/": reverse each row's address
        return ""
    return prefix + "/"


def application_list_rows(
    *, applications: list[Application], consents: dict[int, ConsentSummary]
) -> list[dict]:
    """One dict per application with what its row shows, in the list's order.

    `consents` is consent_summaries() of the same applications (the badges beside the status).
    """
    statuses = {value: str(label) for value, label in ApplicationStatus.choices}
    kinds = {value: str(label) for value, label in ApplicantKind.choices}
    select_label = _("Select %(number)s")
    prefix = _detail_url_prefix()
    submitted_at = submitted_at_formatter()
    rows = []
    for application in applications:
        status = application.status
        summary = consents.get(application.pk)
        if prefix:
            detail_url = f"{prefix}{application.pk}/"
        else:
            detail_url = reverse("applicants_manage:detail", args=[application.pk])
        rows.append(
            {
                "pk": str(application.pk),  # printed as it is (a number would be localized)
                "reference_number": application.reference_number,
                # Only those waiting for the formal check can be ticked for the bulk accept.
                "selectable": application.awaits_formal_check,
                "select_label": select_label % {"number": application.reference_number},
                "detail_url": detail_url,
                "title": application.display_title,
                "applicant_name": application.applicant_name,
                "applicant_kind": kinds.get(application.applicant_kind, application.applicant_kind),
                "amount": format_money(application.requested_amount),
                "submitted_at": submitted_at(application.last_submitted_at),
                "status": statuses.get(status, status),
                "status_badge": ApplicationStatus(status).badge,
                "consents_missing": len(summary.missing) if summary else 0,
                "patron_missing": bool(summary and summary.patron_missing),
            }
        )
    return rows

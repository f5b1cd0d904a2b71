"""Downloads of a call's grants list: CSV and XLSX, made like the applications' (applicants.exports)."""

from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils.translation import gettext as _

from applicants.exports import WARSAW, table_csv_response, table_xlsx_response
from projects.models import Grant

XLSX_COLUMN_WIDTHS = (16, 44, 32, 20, 14, 20, 16, 36, 18)


def grant_export_headers() -> list[str]:
    return [
        _("Reference number"),
        _("Project"),
        _("Grantee"),
        _("Grantee type"),
        _("Grant (zł)"),
        _("State"),
        _("Waiting for"),
        _("What"),
        _("Sign by (Polish time)"),
    ]


def grant_export_rows(grants: Iterable[Grant]) -> Iterator[list]:
    """One row per grant (each with `.waiting_for`, see projects.selectors.with_waiting_for)."""
    for grant in grants:
        waiting = grant.waiting_for
        deadline = grant.signing_deadline
        yield [
            grant.reference_number,
            grant.title,
            grant.grantee_name,
            str(grant.get_grantee_kind_display()),
            grant.amount,
            str(grant.get_state_display()),
            "" if waiting.is_nobody else str(waiting.whom_label),
            ", ".join(waiting.what),
            deadline.astimezone(WARSAW).replace(tzinfo=None) if deadline else None,
        ]


def grants_csv_response(grants: Iterable[Grant], *, filename: str) -> HttpResponse:
    return table_csv_response(grant_export_headers(), grant_export_rows(grants), filename=filename)


def grants_xlsx_response(grants: Iterable[Grant], *, filename: str) -> HttpResponse:
    return table_xlsx_response(
        grant_export_headers(),
        grant_export_rows(grants),
        filename=filename,
        sheet_title=_("Grants"),
        column_widths=XLSX_COLUMN_WIDTHS,
    )

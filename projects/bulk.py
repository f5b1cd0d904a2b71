"""What a coordinator can do to the grants ticked on a call's list: a small registry of actions.

Each part registers its actions (e.g. sending agreements, countersigning) with
register_bulk_action(), in ProjectsConfig.ready() or its own module's
registration; the list shows one button per action, in registration order.

An action is `run(grants, by) -> str | HttpResponse`: it gets the ticked grants
of the call (annotated with their progress, in reference order) and the
coordinator, and returns a message to show on the list, or a response to send
as it is (a download). It skips the grants it does not apply to and says so.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects.agreement_issuing import agreements_issue_bulk
from projects.enums import AgreementState
from projects.exports import grants_xlsx_response
from projects.models import Agreement
from projects.selectors import with_waiting_for
from projects.signing import agreements_countersign_bulk

BulkRun = Callable[..., "str | HttpResponse"]


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: Promise | str
    run: BulkRun


_actions: dict[str, BulkAction] = {}


def register_bulk_action(name: str, *, label: Promise | str, run: BulkRun) -> None:
    """Register (or replace: ready() may run twice) the action `name`."""
    _actions[name] = BulkAction(name=name, label=label, run=run)


def bulk_actions() -> list[BulkAction]:
    return list(_actions.values())


def bulk_action(name: str) -> BulkAction | None:
    return _actions.get(name)


def export_selected(grants, by) -> HttpResponse:
    """The ticked grants as an Excel workbook (the same columns as the list's export)."""
    rows = with_waiting_for(grants)
    call = rows[0].call if rows else None
    slug = call.slug if call is not None else "grants"
    return grants_xlsx_response(rows, filename=f"{slug}-granty-wybrane.xlsx")


def _refusals(refused: list[tuple[str, list[str]]]) -> str:
    """ " Not done: AC/2026/0001 (no bank account); …" for the grants an action skipped."""
    if not refused:
        return ""
    listed = "; ".join(
        f"{reference} ({', '.join(str(reason) for reason in reasons)})"
        for reference, reasons in refused
    )
    return " " + _("Not done: %(list)s.") % {"list": listed}


def send_agreements(grants, by) -> str:
    """Ask for the agreement of each ticked grant that is ready; task workers render and send them."""
    requested, refused = agreements_issue_bulk(grants=list(grants), by=by)
    message = ngettext(
        "%(count)d agreement is being prepared and will be sent for signature.",
        "%(count)d agreements are being prepared and will be sent for signature.",
        len(requested),
    ) % {"count": len(requested)}
    return message + _refusals([(grant.reference_number, reasons) for grant, reasons in refused])


def countersign(grants, by) -> str:
    """Countersign the agreements of the ticked grants whose signatories have all signed."""
    grants = list(grants)
    agreements = list(
        Agreement.objects.filter(grant__in=grants, state=AgreementState.SENT).select_related(
            "grant"
        )
    )
    result = agreements_countersign_bulk(agreements=agreements, by=by)
    with_agreement = {agreement.grant_id for agreement in agreements}
    refused = [(a.grant.reference_number, [reason]) for a, reason in result.refused]
    refused += [
        (grant.reference_number, [str(_("no agreement waiting for signatures"))])
        for grant in grants
        if grant.pk not in with_agreement
    ]
    message = ngettext(
        "%(count)d agreement countersigned.",
        "%(count)d agreements countersigned.",
        len(result.countersigned),
    ) % {"count": len(result.countersigned)}
    return message + _refusals(refused)


def register() -> None:
    register_bulk_action(
        "send_agreements", label=gettext_lazy("Send agreements"), run=send_agreements
    )
    register_bulk_action("countersign", label=gettext_lazy("Countersign"), run=countersign)
    register_bulk_action(
        "export_selected", label=gettext_lazy("Export selected (XLSX)"), run=export_selected
    )

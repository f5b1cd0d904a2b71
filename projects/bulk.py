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
from django.utils.translation import gettext_lazy as _

from projects.exports import grants_xlsx_response
from projects.selectors import with_waiting_for

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


def register() -> None:
    register_bulk_action("export_selected", label=_("Export selected (XLSX)"), run=export_selected)

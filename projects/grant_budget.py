"""A reduced award's budget: the grantee fits the budget lines to the awarded amount and confirms.

When the committee awards less than the grantee asked for, the agreement's
budget annex must add up to the award: the grant's share of the lines (their
totals less own contributions) equals the awarded amount to the grosz, and the
own contribution still meets the call's share. The grantee edits the lines on
their grant page and confirms them (Grant.budget_confirmed_at); the agreement
can then be issued. A budget that was not reduced needs no confirmation.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.budget import budget_totals, own_share_meets
from core.formatting import format_money
from grants.limits import MAX_BUDGET_LINES
from projects.models import Grant, GrantBudgetLine
from projects.readiness import grant_budget_editable

LINE_FIELDS = ("category", "item", "unit", "quantity", "unit_cost", "own_contribution")


def _over_award(asked: str, amount: str, over: str) -> str:
    return _(
        "The lines ask %(asked)s of the grant; the award is %(amount)s. "
        "Take %(difference)s off the lines, or add it to your own contribution."
    ) % {"asked": asked, "amount": amount, "difference": over}


def _under_award(asked: str, amount: str, under: str) -> str:
    return _(
        "The lines ask %(asked)s of the grant; the award is %(amount)s. "
        "Add %(difference)s to the lines, or use less of your own contribution."
    ) % {"asked": asked, "amount": amount, "difference": under}


def _own_share_missed(share: str, required: Decimal) -> str:
    return _(
        "Your own contribution is %(share)s%% of the total cost; this call requires at least %(required)s%%."
    ) % {"share": share, "required": f"{required.normalize():f}".replace(".", ",")}


def grant_budget_problem_templates(grant: Grant) -> dict[str, str]:
    """The same messages with {amount}, {over}, {under} and {share} for the page to fill in
    while the grantee types (static/js/budget.js); the server's are the ones that count."""
    amount = format_money(grant.amount)
    return {
        "over": _over_award("{amount}", amount, "{over}"),
        "under": _under_award("{amount}", amount, "{under}"),
        "share": _own_share_missed("{share}", grant.call.own_contribution_percent),
    }


def grant_budget_problems(*, grant: Grant, rows: list[dict]) -> list[str]:
    """What is wrong with budget `rows` for the award of `grant`, in the grantee's words. [] if nothing."""
    if not rows:
        return [_("The budget needs at least one line.")]
    if len(rows) > MAX_BUDGET_LINES:
        return [
            _("The budget can have at most %(num)d lines. Join similar costs into one line.")
            % {"num": MAX_BUDGET_LINES}
        ]
    problems = []
    for name in ("quantity", "unit_cost", "own_contribution"):
        if any(Decimal(row.get(name) or 0) < 0 for row in rows):
            problems.append(_("The budget can't hold negative numbers."))
            break
    totals = budget_totals(
        (row["quantity"], row["unit_cost"], row.get("own_contribution")) for row in rows
    )
    difference = totals.requested_amount - grant.amount
    if difference > 0:
        problems.append(
            _over_award(
                format_money(totals.requested_amount),
                format_money(grant.amount),
                format_money(difference),
            )
        )
    elif difference < 0:
        problems.append(
            _under_award(
                format_money(totals.requested_amount),
                format_money(grant.amount),
                format_money(-difference),
            )
        )
    required = grant.call.own_contribution_percent
    if required and not own_share_meets(totals, required):
        problems.append(
            _own_share_missed(f"{totals.own_share_percent}".replace(".", ","), required)
        )
    return problems


@transaction.atomic
def grant_budget_confirm(*, grant: Grant, rows: Iterable[dict], by) -> Grant:
    """Replace the grant's budget lines with `rows` and confirm them for the agreement.

    Raises ValidationError (with the problems) when the award is not reduced, the
    agreement is no longer being prepared, or the lines don't fit the award and
    the call's rules; the stored budget is then unchanged.
    """
    grant = Grant.objects.select_for_update().select_related("call", "application").get(pk=grant.pk)
    rows = [{name: row.get(name) for name in LINE_FIELDS} for row in rows]
    if not grant_budget_editable(grant):
        raise ValidationError(_("The budget can't be changed now."), code="locked")
    if problems := grant_budget_problems(grant=grant, rows=rows):
        raise ValidationError(problems, code="budget")
    grant.budget_lines.all().delete()
    lines = []
    for position, row in enumerate(rows):
        line = GrantBudgetLine(
            grant=grant,
            position=position,
            **{**row, "own_contribution": row["own_contribution"] or 0},
        )
        line.full_clean(exclude=["grant"])
        lines.append(line)
    GrantBudgetLine.objects.bulk_create(lines)
    grant.budget_confirmed_at = timezone.now()
    if by is not None:
        grant._history_user = by
    grant.save(update_fields=["budget_confirmed_at", "updated_at"])
    return grant

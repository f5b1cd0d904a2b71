"""What an amendment changes: the grant's budget, dates and schedule as a version's content,
the baseline the coordinator agreed to, the check of a requested change (notified, needs
approval, or impossible) and applying a change in force to the grant.

The content shapes are those of an application version (applicants.diff reads them):
{"budget": {"lines": [...], "total_cost", "own_contribution", "requested_amount"},
"schedule": [{"starts_on", "ends_on", "activity"}], "starts_on", "ends_on"}. Each budget
line also carries "id", its GrantBudgetLine's pk (None for a line an amendment adds; the
pk is written in once the line is made).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from applicants.budget import budget_totals, line_total
from core.formatting import format_date, format_money
from projects.deviations import PlannedLine, change_breaches
from projects.enums import AmendmentKind, AmendmentState
from projects.grant_budget import LINE_FIELDS, grant_budget_problems
from projects.models import Amendment, DocumentAllocation, Grant, GrantBudgetLine
from projects.report_dates import grant_report_dates_refresh
from projects.selectors import agreed_version, call_terms

ZERO = Decimal("0")
# What a grantee may change of a line already in the budget.
CHANGEABLE_LINE_FIELDS = ("quantity", "unit_cost", "own_contribution")


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def budget_content(lines: Iterable) -> dict:
    """Budget lines (GrantBudgetLine rows, or dicts of LINE_FIELDS and "id") as a version's
    budget."""
    rows = []
    for line in lines:
        get = line.get if isinstance(line, dict) else lambda name, line=line: getattr(line, name)
        quantity, unit_cost = Decimal(get("quantity")), Decimal(get("unit_cost"))
        rows.append(
            {
                "id": get("id") if isinstance(line, dict) else line.pk,
                "category": get("category") or "",
                "item": get("item") or "",
                "unit": get("unit") or "",
                "quantity": _money(quantity),
                "unit_cost": _money(unit_cost),
                "own_contribution": _money(get("own_contribution")),
                "total": _money(line_total(quantity, unit_cost)),
            }
        )
    totals = budget_totals(
        (row["quantity"], row["unit_cost"], row["own_contribution"]) for row in rows
    )
    return {
        "lines": rows,
        "total_cost": _money(totals.total_cost),
        "own_contribution": _money(totals.own_contribution),
        "requested_amount": _money(totals.requested_amount),
    }


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def grant_content(grant: Grant) -> dict:
    """The grant's budget, dates and schedule as they are now (budget lines as prefetched)."""
    return {
        "budget": budget_content(grant.budget_lines.all()),
        "schedule": list(grant.schedule or []),
        "starts_on": _iso(grant.starts_on),
        "ends_on": _iso(grant.ends_on),
    }


def agreed_content(grant: Grant) -> dict:
    """The budget and dates the coordinator agreed to, from which the tolerance is measured
    (projects.selectors.agreed_version); with no change in force, the grant as it is."""
    return agreed_version(grant) or grant_content(grant)


def spent_per_line(grant: Grant) -> dict[int, Decimal]:
    """What the grant's kept documents paid for on each budget line (grant + own), by pk."""
    return {
        row["budget_line_id"]: row["spent"]
        for row in DocumentAllocation.objects.filter(
            document__grant=grant, document__removed_at__isnull=True
        )
        .values("budget_line_id")
        .annotate(spent=Coalesce(Sum("from_grant"), ZERO) + Coalesce(Sum("own_contribution"), ZERO))
    }


@dataclass
class ChangeCheck:
    """A requested change, checked: what it would make of the grant and what follows.

    `problems` make it impossible (the request is refused); `reasons` are the rules it
    breaks, each a reason the coordinator must approve it; with neither it is notified.
    """

    before: dict
    after: dict
    kinds: list[str]
    problems: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_approval(self) -> bool:
        return bool(self.reasons)

    @property
    def state(self) -> str:
        return AmendmentState.REQUESTED if self.reasons else AmendmentState.NOTIFIED


def _clean_schedule(schedule: Iterable[dict]) -> list[dict]:
    rows = []
    for row in schedule:
        starts, ends = row.get("starts_on"), row.get("ends_on")
        rows.append(
            {
                "starts_on": starts.isoformat() if isinstance(starts, date) else (starts or ""),
                "ends_on": ends.isoformat() if isinstance(ends, date) else (ends or ""),
                "activity": (row.get("activity") or "").strip(),
            }
        )
    return rows


def change_check(
    *,
    grant: Grant,
    lines: Iterable[dict] = (),
    new_lines: Iterable[dict] = (),
    ends_on: date | None = None,
    schedule: Iterable[dict] | None = None,
) -> ChangeCheck:
    """Check a change of `grant`: `lines` change existing lines (each with "id" and any of
    quantity, unit_cost, own_contribution; lines not named stay as they are), `new_lines`
    are lines to add (LINE_FIELDS), `ends_on` a new end date, `schedule` the whole new
    schedule. Reads only."""
    before = grant_content(grant)
    current = {line.pk: line for line in grant.budget_lines.all()}
    changes = {}
    problems: list[str] = []
    for row in lines:
        key = row.get("id")
        if key not in current:
            problems.append(_("A budget line of another grant can't be changed here."))
            continue
        changes[key] = {name: row[name] for name in CHANGEABLE_LINE_FIELDS if name in row}
    after_rows = []
    for key, line in current.items():
        values = {name: getattr(line, name) for name in LINE_FIELDS}
        values.update({k: v for k, v in changes.get(key, {}).items() if v is not None})
        after_rows.append({**values, "id": key})
    added = [
        {**{name: row.get(name) for name in LINE_FIELDS}, "id": None} for row in new_lines or ()
    ]
    after_rows += added
    after = {
        "budget": budget_content(after_rows),
        "schedule": _clean_schedule(schedule) if schedule is not None else before["schedule"],
        "starts_on": before["starts_on"],
        "ends_on": _iso(ends_on) if ends_on else before["ends_on"],
    }

    kinds = []
    before_lines = {row["id"]: row for row in before["budget"]["lines"]}
    if any(
        before_lines[row["id"]][name] != row[name]
        for row in after["budget"]["lines"]
        if row["id"] is not None
        for name in CHANGEABLE_LINE_FIELDS
    ):
        kinds.append(AmendmentKind.BUDGET_SHIFT)
    if added:
        kinds.append(AmendmentKind.NEW_LINE)
    if after["ends_on"] != before["ends_on"]:
        kinds.append(AmendmentKind.EXTENSION)
    if after["schedule"] != before["schedule"]:
        kinds.append(AmendmentKind.ACTIVITIES)
    check = ChangeCheck(before=before, after=after, kinds=[str(kind) for kind in kinds])
    check.problems = problems + _change_problems(grant, check, after_rows)
    if not kinds and not check.problems:
        check.problems.append(
            _("Nothing would change: change a line, add one, or give a new end date.")
        )

    agreed = agreed_content(grant)
    agreed_ends_on = agreed.get("ends_on")
    breaches = change_breaches(
        agreed=[
            PlannedLine(row["id"], row["item"], Decimal(row["total"]))
            for row in agreed.get("budget", {}).get("lines", [])
            if row.get("id") is not None
        ],
        proposed={
            row["id"]: Decimal(row["total"])
            for row in after["budget"]["lines"]
            if row["id"] is not None
        },
        new_lines=[row["item"] for row in after["budget"]["lines"] if row["id"] is None],
        tolerance_percent=call_terms(grant.call).line_tolerance_percent,
        agreed_ends_on=date.fromisoformat(agreed_ends_on) if agreed_ends_on else None,
        proposed_ends_on=ends_on,
    )
    check.reasons = [breach.message for breach in breaches]
    if AmendmentKind.ACTIVITIES in check.kinds:
        check.reasons.append(
            _("A change of activities or schedule needs the coordinator's approval.")
        )
    return check


def _change_problems(grant: Grant, check: ChangeCheck, rows: list[dict]) -> list[str]:
    """Why the change can't be made at all: the award, the own contribution, the spending,
    the dates."""
    problems = []
    for row in rows:
        for name in ("quantity", "unit_cost", "own_contribution"):
            if row.get(name) in (None, ""):
                problems.append(_("Fill in the quantity and unit cost of every line."))
                return problems
        if not (row.get("item") or "").strip() or not (row.get("unit") or "").strip():
            problems.append(_("Every new line needs its item and unit."))
            return problems
    problems += grant_budget_problems(grant=grant, rows=rows)
    spent = spent_per_line(grant)
    for row in check.after["budget"]["lines"]:
        paid = spent.get(row["id"], ZERO) if row["id"] is not None else ZERO
        if Decimal(row["total"]) < paid:
            problems.append(
                _(
                    "“%(item)s” can't go below the %(spent)s already spent on it "
                    "(its documents say so)."
                )
                % {"item": row["item"], "spent": format_money(paid)}
            )
    ends_on = check.after["ends_on"]
    if ends_on and grant.starts_on and date.fromisoformat(ends_on) < grant.starts_on:
        problems.append(
            _("The project can't end before it starts (%(starts)s).")
            % {"starts": format_date(grant.starts_on)}
        )
    return problems


# --- Applying a change in force ------------------------------------------------------------


def amendment_apply(sender, *, amendment: Amendment, by=None, **kwargs) -> None:
    """Receiver of amendment_in_force: make the grant hold the amendment's `after` — budget
    lines changed or made (a line with spending never goes below it, nor is removed), the
    dates and the schedule — and move the report due dates. In the amendment's transaction:
    a refusal raises ValidationError and undoes the move."""
    grant = Grant.objects.select_for_update().select_related("call").get(pk=amendment.grant_id)
    after = amendment.after
    spent = spent_per_line(grant)
    current = {line.pk: line for line in GrantBudgetLine.objects.filter(grant=grant)}
    kept = set()
    for position, row in enumerate(after.get("budget", {}).get("lines", [])):
        line = current.get(row.get("id")) if row.get("id") is not None else None
        if line is None:
            line = GrantBudgetLine(grant=grant)
        line.category, line.item, line.unit = row["category"], row["item"], row["unit"]
        line.quantity = Decimal(row["quantity"])
        line.unit_cost = Decimal(row["unit_cost"])
        line.own_contribution = Decimal(row["own_contribution"])
        line.position = position
        if line.total < spent.get(line.pk, ZERO):
            raise ValidationError(
                _("“%(item)s” can't go below the %(spent)s already spent on it.")
                % {"item": line.item, "spent": format_money(spent[line.pk])}
            )
        line.full_clean(exclude=["grant"])
        line.save()
        row["id"] = line.pk
        kept.add(line.pk)
    for pk, line in current.items():
        if pk not in kept:
            if pk in spent or line.allocations.exists():
                raise ValidationError(
                    _("“%(item)s” has documents: it can't be removed.") % {"item": line.item}
                )
            line.delete()
    amendment.after = after
    Amendment.objects.filter(pk=amendment.pk).update(after=after)
    if after.get("starts_on"):
        grant.starts_on = date.fromisoformat(after["starts_on"])
    if after.get("ends_on"):
        grant.ends_on = date.fromisoformat(after["ends_on"])
    grant.schedule = after.get("schedule", grant.schedule)
    if by is not None:
        grant._history_user = by
    grant.save(update_fields=["starts_on", "ends_on", "schedule", "updated_at"])
    grant_report_dates_refresh(grant=grant)

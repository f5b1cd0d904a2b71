"""Plan vs spent: what each budget line of a grant was planned at and what its financial
documents paid for, in a fixed number of queries whatever the number of documents.

One reader for every page and document that shows it: the grantee's live summary, the
report's financial part (frozen when submitted), the coordinator's check and the
settlement.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from projects.deviations import Breach, PlannedLine, spending_breaches
from projects.models import DocumentAllocation, FinancialDocument, Grant, GrantBudgetLine
from projects.selectors import agreed_version, call_terms

ZERO = Decimal("0")


@dataclass(frozen=True)
class LineSpending:
    line: GrantBudgetLine
    planned_total: Decimal
    planned_from_grant: Decimal
    planned_own: Decimal
    spent_from_grant: Decimal
    spent_own: Decimal

    @property
    def spent_total(self) -> Decimal:
        return self.spent_from_grant + self.spent_own

    @property
    def left(self) -> Decimal:
        """What is still planned for this line (negative: spent above the plan)."""
        return self.planned_total - self.spent_total

    @property
    def percent_spent(self) -> int:
        if not self.planned_total:
            return 100 if self.spent_total else 0
        return int(self.spent_total * 100 / self.planned_total)


@dataclass(frozen=True)
class SpendingFigures:
    grant: Grant
    lines: list[LineSpending]
    awarded: Decimal
    documents_count: int
    ineligible: Decimal
    breaches: list[Breach]

    @property
    def planned_total(self) -> Decimal:
        return sum((row.planned_total for row in self.lines), ZERO)

    @property
    def planned_from_grant(self) -> Decimal:
        return sum((row.planned_from_grant for row in self.lines), ZERO)

    @property
    def planned_own(self) -> Decimal:
        return sum((row.planned_own for row in self.lines), ZERO)

    @property
    def spent_from_grant(self) -> Decimal:
        return sum((row.spent_from_grant for row in self.lines), ZERO)

    @property
    def spent_own(self) -> Decimal:
        return sum((row.spent_own for row in self.lines), ZERO)

    @property
    def spent_total(self) -> Decimal:
        return self.spent_from_grant + self.spent_own

    @property
    def grant_left(self) -> Decimal:
        """What is left of the award to spend (negative: more spent than awarded)."""
        return self.awarded - self.spent_from_grant

    @property
    def eligible(self) -> Decimal:
        """What the grant paid for and the coordinator accepted, at most the award."""
        return max(ZERO, min(self.awarded, self.spent_from_grant - self.ineligible))


def grant_spending(grant: Grant, *, lines: list[GrantBudgetLine] | None = None) -> SpendingFigures:
    """`grant`'s plan vs spent per budget line, its totals and the deviation rules it breaks.

    Up to six queries (fewer when the budget lines and the call's terms are at hand): the
    lines, the call's terms, the amendments in force (the agreed budget the tolerance is
    measured from), the allocations summed per line, the documents' count and ineligible
    total, and the dates of those outside the project period (only when some are). A page
    that read the grant with projects.selectors' summaries and passes `lines` needs none of
    the last three.
    Removed documents don't count.
    """
    # A page passes the lines it read (with their sums, and the grant with its documents'
    # summary: projects.selectors.budget_lines_with_spending, with_documents_summary); the
    # services (report_submit, settlements) pass none and always read afresh.
    from_page = lines is not None
    lines = list(lines) if lines is not None else list(grant.budget_lines.all())
    if from_page and all(hasattr(line, "spent_from_grant_sum") for line in lines):
        # The page read the lines with their sums (projects.selectors.budget_lines_with_spending).
        sums = {
            line.pk: {"from_grant": line.spent_from_grant_sum, "own": line.spent_own_sum}
            for line in lines
        }
    else:
        sums = {
            row["budget_line_id"]: row
            for row in DocumentAllocation.objects.filter(
                document__grant=grant, document__removed_at__isnull=True
            )
            .values("budget_line_id")
            .annotate(
                from_grant=Coalesce(Sum("from_grant"), ZERO),
                own=Coalesce(Sum("own_contribution"), ZERO),
            )
        }
    kept = FinancialDocument.objects.filter(grant=grant, removed_at__isnull=True)
    outside = Q(pk__in=[])
    if grant.starts_on:
        outside |= Q(issued_on__lt=grant.starts_on)
    if grant.ends_on:
        outside |= Q(issued_on__gt=grant.ends_on)
    if from_page and hasattr(grant, "documents_kept_count"):
        documents = {
            "count": grant.documents_kept_count,
            "ineligible": grant.documents_ineligible_sum,
        }
        # The rule broken says how many are outside the period and the first date: no list.
        outside_dates = [grant.documents_outside_first] * grant.documents_outside_count
    else:
        documents = kept.aggregate(
            count=Count("pk"),
            ineligible=Coalesce(Sum("ineligible_amount"), ZERO),
            outside=Count("pk", filter=outside),
        )
        # Their dates only when some are outside the period (one more query, then).
        outside_dates = (
            list(kept.filter(outside).values_list("issued_on", flat=True))
            if documents["outside"]
            else []
        )
    rows = [
        LineSpending(
            line=line,
            planned_total=line.total,
            planned_from_grant=line.from_grant,
            planned_own=line.own_contribution,
            spent_from_grant=sums.get(line.pk, {}).get("from_grant", ZERO),
            spent_own=sums.get(line.pk, {}).get("own", ZERO),
        )
        for line in lines
    ]
    terms = call_terms(grant.call)
    # The tolerance is measured from what the coordinator agreed to, not from lines a
    # notified change has already moved (projects.selectors.agreed_version).
    agreed = agreed_version(grant)
    agreed_totals = {
        line.get("id"): Decimal(line["total"])
        for line in ((agreed or {}).get("budget") or {}).get("lines") or []
        if line.get("id") is not None and line.get("total") is not None
    }
    breaches = spending_breaches(
        agreed=[
            PlannedLine(
                row.line.pk, row.line.item, agreed_totals.get(row.line.pk, row.planned_total)
            )
            for row in rows
        ],
        spent={row.line.pk: row.spent_total for row in rows},
        tolerance_percent=terms.line_tolerance_percent,
        awarded=grant.amount,
        spent_from_grant=sum((row.spent_from_grant for row in rows), ZERO),
        starts_on=grant.starts_on,
        ends_on=grant.ends_on,
        document_dates=outside_dates,
    )
    return SpendingFigures(
        grant=grant,
        lines=rows,
        awarded=grant.amount,
        documents_count=documents["count"],
        ineligible=documents["ineligible"],
        breaches=breaches,
    )

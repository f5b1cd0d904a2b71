"""Reads of the ranking snapshot (reviews.models_ranking): one page of rows, the figures above them.

Rows come back as reviews.ranking.RankingRow, as the reference ranking gives them,
with the application's texts joined from the application itself, so the pages
show what they showed when they computed the whole ranking.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from core.search import search_fold
from grants.models import GrantCall
from reviews.models_ranking import RankingEntry, RankingState
from reviews.ranking import ORDERS, ZERO, RankingRow

# What a row shows of its application.
APPLICATION_FIELDS = (
    "application__reference_number",
    "application__title",
    "application__applicant_name",
    "application__applicant_kind",
    "application__status",
    "application__requested_amount",
)


@dataclass(frozen=True)
class RankingSummary:
    """The figures of a call's ranking in one order, as last built, and whether they are current."""

    call: GrantCall
    order: str
    state: RankingState | None

    def _of_order(self, name: str, default=None):
        if self.state is None:
            return default
        return getattr(self.state, f"{name}_{self.order}")

    @property
    def is_current(self) -> bool:
        return self.state is not None and self.state.is_current

    @property
    def funding_line_after(self) -> int | None:
        return self._of_order("line_after")

    @property
    def above_line_count(self) -> int:
        return self._of_order("above_line_count", 0)

    @property
    def requested_above_line(self) -> Decimal:
        return self._of_order("requested_above_line", ZERO)

    @property
    def budget_runs_out(self) -> bool:
        return self._of_order("budget_runs_out", False)

    @property
    def budget_left_at_line(self) -> Decimal:
        return self.call.total_budget - self.requested_above_line

    @property
    def row_count(self) -> int:
        return self.state.row_count if self.state is not None else 0

    @property
    def flagged_count(self) -> int:
        return self.state.flagged_count if self.state is not None else 0

    @property
    def below_threshold_count(self) -> int:
        return self.state.below_threshold_count if self.state is not None else 0

    @property
    def reviews_submitted(self) -> int:
        return self.state.reviews_submitted if self.state is not None else 0

    @property
    def reviews_expected(self) -> int:
        return self.state.reviews_expected if self.state is not None else 0


def ranking_summary(*, call: GrantCall, order: str, state: RankingState | None) -> RankingSummary:
    return RankingSummary(call=call, order=order if order in ORDERS else "final", state=state)


def ranking_state_get(*, call: GrantCall) -> RankingState | None:
    return RankingState.objects.filter(call_id=call.pk).first()


def ranking_entries(
    *,
    call: GrantCall,
    order: str = "final",
    q: str = "",
    flagged: bool = False,
    below_minimum: bool = False,
    incomplete: bool = False,
) -> QuerySet[RankingEntry]:
    """The call's snapshot rows that pass every filter given, in the order's ranking order.

    The search matches the application's reference number, title, applicant or
    contact person, whatever the case and diacritics (Application.objects.matching).
    """
    if order not in ORDERS:
        order = "final"
    entries = RankingEntry.objects.filter(call=call)
    if flagged:
        entries = entries.filter(flagged=True)
    if below_minimum:
        entries = entries.filter(below_threshold=True)
    if incomplete:
        entries = entries.filter(complete=False)
    folded = search_fold(q or "")
    if folded:
        entries = entries.filter(application__search_text__contains=folded)
    return (
        entries.select_related("application")
        .only(*(field.name for field in RankingEntry._meta.concrete_fields), *APPLICATION_FIELDS)
        .order_by(f"position_{order}")
    )


def ranking_row(entry: RankingEntry, *, order: str) -> RankingRow:
    """A snapshot row as the reference ranking gives it."""
    application = entry.application
    return RankingRow(
        id=entry.application_id,
        position=getattr(entry, f"position_{order}"),
        reference_number=application.reference_number or "",
        title=application.title,
        applicant_name=application.applicant_name,
        applicant_kind=application.applicant_kind,
        status=application.status,
        requested_amount=application.requested_amount,
        running_total=getattr(entry, f"running_total_{order}"),
        reviews=entry.reviews,
        assigned_reviewers=entry.assigned_reviewers,
        mean=entry.mean,
        spread=entry.spread,
        final_score=entry.final_score,
        normalised=entry.normalised,
        flagged=entry.flagged,
        below_threshold=entry.below_threshold,
        above_funding_line=getattr(entry, f"above_line_{order}"),
        reviews_expected=entry.reviews_expected,
    )


def ranking_rows(entries, *, order: str) -> list[RankingRow]:
    return [ranking_row(entry, order=order) for entry in entries]


def entries_counted(
    entries: QuerySet[RankingEntry], *, order: str, line_after: int | None
) -> tuple[int, int]:
    """How many `entries` there are (filtered or not), and how many of them stand at or above
    the funding line: one query, with or without a line."""
    counts = entries.order_by().aggregate(
        rows=Count("pk"),
        above=Count("pk", filter=Q(**{f"position_{order}__lte": line_after or 0})),
    )
    return counts["rows"], counts["above"]

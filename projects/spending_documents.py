"""Reads of a grant's financial documents: the list, one document, and what the grant page's
spending panel shows (plan vs spent, the sentence for documents, the rules broken)."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from projects.agreements import fill_document_sentence
from projects.deviations import BreachCode
from projects.enums import REPORT_EDITABLE_STATES, AgreementState, ReportKind
from projects.models import (
    CallGrantTerms,
    DocumentAllocation,
    FinancialDocument,
    Grant,
    Report,
)
from projects.spending_figures import LineSpending, SpendingFigures, grant_spending

# How many of the newest documents the grant page lists (the rest on the documents page).
PANEL_DOCUMENTS = 10
DOCUMENTS_PER_PAGE = 50


def documents_editable(grant: Grant) -> bool:
    """The grantee may add, change and remove documents: the grant is under way and its
    final report is not submitted (being written or back for corrections is fine)."""
    if not grant.is_spending:
        return False
    if "reports" in getattr(grant, "_prefetched_objects_cache", {}):  # the pages prefetch them
        return not any(
            r.kind == ReportKind.FINAL and r.state not in REPORT_EDITABLE_STATES
            for r in grant.reports.all()
        )
    return (
        not Report.objects.filter(grant=grant, kind=ReportKind.FINAL)
        .exclude(state__in=REPORT_EDITABLE_STATES)
        .exists()
    )


def documents_of_grant(grant: Grant) -> QuerySet[FinancialDocument]:
    """The grant's documents that count (not removed), newest first, each with its parts and
    their budget lines (two queries, however many documents)."""
    return (
        FinancialDocument.objects.filter(grant=grant, removed_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=DocumentAllocation.objects.select_related("budget_line"),
            )
        )
        .order_by("-added_at", "-pk")
    )


def document_of_grant(*, grant: Grant, pk: int, removed: bool = False) -> FinancialDocument:
    """The document `pk` of `grant`, or 404 (a document of another grant is not found)."""
    documents = FinancialDocument.objects.filter(grant=grant)
    if not removed:
        documents = documents.filter(removed_at__isnull=True)
    return get_object_or_404(
        documents.prefetch_related("allocations__budget_line").select_related("grant"), pk=pk
    )


def agreement_number_in_force(grant: Grant) -> str:
    """The number of the grant's agreement in force (agreements prefetched), else its
    reference number."""
    agreements = [a for a in grant.agreements.all() if a.state != AgreementState.WITHDRAWN]
    if not agreements:
        return grant.reference_number
    return max(agreements, key=lambda agreement: agreement.version).number


def document_sentence(grant: Grant, terms: CallGrantTerms) -> SafeString:
    """The call's sentence for every financial document, filled in as the agreement fills it."""
    return fill_document_sentence(
        terms.document_sentence,
        programme=grant.call.programme,
        amount=grant.amount,
        number=agreement_number_in_force(grant),
    )


@dataclass(frozen=True)
class PanelLine:
    """A budget line as the panel shows it: its figures, and whether it breaks the call's
    tolerance (said in words beside the bar, not by colour alone)."""

    spending: LineSpending
    over: bool

    @property
    def over_by(self):
        """How much above the plan the line is (positive), or 0."""
        return max(-self.spending.left, 0)

    @property
    def bar_percent(self) -> int:
        return max(0, min(100, self.spending.percent_spent))


@dataclass(frozen=True)
class SpendingPanel:
    figures: SpendingFigures
    documents: list[FinancialDocument]
    sentence: SafeString
    editable: bool

    @property
    def lines(self) -> list[PanelLine]:
        over = {b.key for b in self.figures.breaches if b.code == BreachCode.LINE_OVER}
        return [PanelLine(row, row.line.pk in over) for row in self.figures.lines]

    @property
    def more_documents(self) -> bool:
        return self.figures.documents_count > len(self.documents)


def documents_page_figures(*, grant: Grant) -> SpendingPanel:
    """What the documents pages show above their list: plan vs spent and whether documents may
    change (the page lists the documents itself, so none here, nor the sentence)."""
    return SpendingPanel(
        figures=grant_spending(grant, lines=grant.budget_lines.all()),
        documents=[],
        sentence=SafeString(""),
        editable=documents_editable(grant),
    )


def spending_panel(*, grant: Grant, terms: CallGrantTerms) -> SpendingPanel | None:
    """What the grant page's spending panel shows, in a fixed number of queries; None before
    the agreement is signed (nothing is spent yet)."""
    if not grant.is_signed:
        return None
    return SpendingPanel(
        figures=grant_spending(grant, lines=grant.budget_lines.all()),
        documents=list(documents_of_grant(grant)[:PANEL_DOCUMENTS]),
        sentence=document_sentence(grant, terms),
        editable=documents_editable(grant),
    )

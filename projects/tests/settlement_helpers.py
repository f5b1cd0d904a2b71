"""Grants spent and reported, for the settlement's tests: documents as rows (the spending
part's own forms are tested there) and the final report accepted through report_transition,
which settles the grant."""

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile

from accounts.tests.factories import CoordinatorFactory
from projects.enums import ReportKind, ReportState
from projects.models import DocumentAllocation, FinancialDocument, Report
from projects.reports import report_transition


def spend(grant, *, number="FV/1", ineligible="0", issued_on=date(2027, 5, 3), **allocations):
    """A document split over the grant's lines: l0=(from grant, own), l1=(…) by line position."""
    parts = {key: tuple(Decimal(str(value)) for value in pair) for key, pair in allocations.items()}
    amount = sum((sum(pair, Decimal("0")) for pair in parts.values()), Decimal("0"))
    row = FinancialDocument.objects.create(
        grant=grant,
        number=number,
        issued_on=issued_on,
        issuer_name="Sklep Zielony",
        amount=amount,
        description="zakupy do projektu",
        file=ContentFile(b"%PDF-1.7", name="fv.pdf"),
        extension=".pdf",
        original_name="fv.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        ineligible_amount=Decimal(ineligible),
        ineligible_reason="poza okresem projektu" if Decimal(ineligible) else "",
    )
    lines = list(grant.budget_lines.order_by("position"))
    for key, (from_grant, own) in parts.items():
        DocumentAllocation.objects.create(
            document=row,
            budget_line=lines[int(key[1:])],
            from_grant=from_grant,
            own_contribution=own,
        )
    return row


def final_report(grant, *, state=ReportState.ACCEPTED, by=None, kind=ReportKind.FINAL, **fields):
    """The grant's report submitted by its grantee and moved to `state` by a coordinator."""
    fields.setdefault(
        "indicators",
        [{"name": "uczestnicy warsztatów", "unit": "osób", "planned": 40, "achieved": 37}],
    )
    report = Report.objects.create(grant=grant, kind=kind, **fields)
    report = report_transition(report, ReportState.SUBMITTED, by=grant.application.applicant)
    if state != ReportState.SUBMITTED:
        report = report_transition(report, state, by=by or CoordinatorFactory())
    return report


def settlement_row(grant, *, return_amount="100.00", report=None):
    """A settlement of `grant` as rows (a final report and a settlement with a return due and a
    stored PDF), for pages and permissions where the arithmetic is not the point."""
    from django.utils import timezone

    from projects.enums import SettlementState
    from projects.models import Settlement
    from projects.settlements import settlement_transition

    report = report or Report.objects.create(grant=grant, kind=ReportKind.FINAL)
    settlement = Settlement(
        grant=grant,
        report=report,
        version=1,
        number=f"{grant.reference_number}/R1",
        awarded=grant.amount,
        spent_from_grant=grant.amount - Decimal(return_amount),
        eligible=grant.amount - Decimal(return_amount),
        paid_before=grant.amount,
        return_amount=Decimal(return_amount),
        return_due_on=timezone.localdate(),
    )
    settlement.pdf.save("r1.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    return settlement_transition(settlement, SettlementState.RETURN_DUE, by=None)

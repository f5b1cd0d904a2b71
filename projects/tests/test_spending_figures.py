"""Plan vs spent per budget line, read the same way by every page, report and settlement."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from projects.deviations import BreachCode
from projects.models import DocumentAllocation, FinancialDocument
from projects.spending_figures import grant_spending
from projects.tests.factories import active_grant

pytestmark = pytest.mark.django_db


def document(grant, *, issued_on=date(2027, 5, 3), removed=False, **allocations):
    """A document split over the grant's lines: allocations line position → (grant, own)."""
    amount = sum(sum(parts, Decimal("0")) for parts in allocations.values())
    row = FinancialDocument.objects.create(
        grant=grant,
        number="FV/1",
        issued_on=issued_on,
        issuer_name="Sklep",
        amount=amount,
        description="zakupy",
        file=ContentFile(b"%PDF-1.7", name="fv.pdf"),
        extension=".pdf",
        original_name="fv.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        removed_at=timezone.now() if removed else None,
    )
    lines = list(grant.budget_lines.all())
    for position, (from_grant, own) in allocations.items():
        DocumentAllocation.objects.create(
            document=row,
            budget_line=lines[int(position[1:])],
            from_grant=from_grant,
            own_contribution=own,
        )
    return row


def test_plan_vs_spent_per_line_and_in_total(django_assert_max_num_queries):
    grant = active_grant()
    document(grant, l0=(Decimal("1000.00"), Decimal("0")))
    document(grant, l0=(Decimal("200.00"), Decimal("0")), l1=(Decimal("900.00"), Decimal("300")))
    document(grant, removed=True, l1=(Decimal("999.00"), Decimal("0")))
    with django_assert_max_num_queries(6):
        figures = grant_spending(grant)
    materials, services = figures.lines
    assert (materials.planned_total, materials.spent_total, materials.left) == (
        Decimal("1500.00"),
        Decimal("1200.00"),
        Decimal("300.00"),
    )
    assert (services.spent_from_grant, services.spent_own) == (Decimal("900.00"), Decimal("300"))
    assert figures.spent_from_grant == Decimal("2100.00")
    assert figures.grant_left == Decimal("900.00")
    assert figures.documents_count == 2
    assert figures.breaches == []


def test_a_line_over_tolerance_and_a_document_after_the_end_are_flagged():
    grant = active_grant()
    document(grant, l0=(Decimal("1650.01"), Decimal("0")))
    document(grant, issued_on=date(2027, 7, 2), l1=(Decimal("10.00"), Decimal("0")))
    codes = [b.code for b in grant_spending(grant).breaches]
    assert codes == [BreachCode.LINE_OVER, BreachCode.OUTSIDE_PERIOD]


def test_query_count_does_not_grow_with_documents(django_assert_max_num_queries):
    grant = active_grant()
    for _ in range(30):
        document(grant, l0=(Decimal("1.00"), Decimal("0")), l1=(Decimal("1.00"), Decimal("1")))
    with django_assert_max_num_queries(6):
        figures = grant_spending(grant)
    assert figures.spent_total == Decimal("90.00")

"""What a grantee spent: financial documents (invoices, bills, receipts) added as they spend,
each split over the budget lines it paid for."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedTextField
from projects.enums import DocumentKind
from projects.models.grants import MONEY, NOTE_LENGTH, Grant, GrantBudgetLine


def document_path(instance: "FinancialDocument", filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"grants/{instance.grant_id}/documents/{stamp}{instance.extension}"


def document_preview_path(instance: "FinancialDocument", filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"grants/{instance.grant_id}/documents/previews/{stamp}.jpg"


class FinancialDocument(models.Model):
    """An invoice, bill or receipt the grantee paid from the grant or their own contribution.

    The original file is kept as uploaded (content-checked); a photo also gets a smaller
    JPEG copy for display. Added and changed while the grant is under way and its final
    report is not submitted; removed documents are kept (removed_at) for the audit trail.
    The coordinator may find part of it ineligible when checking the report.
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(
        _("type of document"), max_length=10, choices=DocumentKind.choices, default="invoice"
    )
    number = models.CharField(_("document number"), max_length=100)
    issued_on = models.DateField(_("date of issue"))
    issuer_name = models.CharField(_("issued by"), max_length=300)
    issuer_nip = models.CharField(_("issuer's NIP"), max_length=10, blank=True)
    amount = models.DecimalField(
        _("amount (gross, zł)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    description = BoundedTextField(_("what it was for"), max_length=1_000)
    file = models.FileField(upload_to=document_path, max_length=300)
    extension = models.CharField(max_length=8)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    preview = models.FileField(upload_to=document_preview_path, max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # The coordinator's finding when checking the report: the part not eligible, and why.
    ineligible_amount = models.DecimalField(
        _("not eligible (zł)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    ineligible_reason = BoundedTextField(
        _("why it is not eligible"), max_length=NOTE_LENGTH, blank=True
    )

    class Meta:
        ordering = ["grant", "issued_on", "pk"]
        indexes = [models.Index(fields=["grant", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.issuer_name})"


class DocumentAllocation(models.Model):
    """The part of a document that paid for one budget line: from the grant and from the
    grantee's own contribution. A document may be split over several lines; together they
    never exceed its amount."""

    document = models.ForeignKey(
        FinancialDocument, on_delete=models.CASCADE, related_name="allocations"
    )
    budget_line = models.ForeignKey(
        GrantBudgetLine, on_delete=models.PROTECT, related_name="allocations"
    )
    from_grant = models.DecimalField(
        _("from the grant (zł)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    own_contribution = models.DecimalField(
        _("own contribution (zł)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )

    class Meta:
        ordering = ["document", "budget_line__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "budget_line"], name="one_allocation_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.budget_line_id}: {self.from_grant}"

    @property
    def total(self) -> Decimal:
        return self.from_grant + self.own_contribution

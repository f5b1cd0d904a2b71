"""A grant's settlement: what was spent and eligible against the award, the last instalment
or the money to return, issued as a numbered PDF when the final report is accepted."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.enums import SettlementState
from projects.models.grants import MONEY, Grant, StateChangeRecord
from projects.models.reports import Report

ZERO = Decimal("0")


def settlement_path(instance: "Settlement", filename: str) -> str:
    return f"agreements/{instance.grant.call_id}/{instance.number.replace('/', '-')}.pdf"


class Settlement(models.Model):
    """One issued version of a grant's settlement (<reference>/R1, /R2…), immutable once
    issued. State written only by projects.settlements.settlement_transition().

    `content` keeps what the PDF shows (plan vs spent per line, the documents, the
    indicators) as it was when issued.
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="settlements")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="settlements")
    version = models.PositiveSmallIntegerField()
    number = models.CharField(_("settlement number"), max_length=40, unique=True)
    state = models.CharField(max_length=10, choices=SettlementState.choices)
    awarded = models.DecimalField(_("grant awarded (zł)"), **MONEY)
    spent_from_grant = models.DecimalField(_("spent from the grant (zł)"), **MONEY)
    ineligible = models.DecimalField(_("not eligible (zł)"), default=ZERO, **MONEY)
    eligible = models.DecimalField(_("eligible (zł)"), **MONEY)
    own_contribution_planned = models.DecimalField(default=ZERO, **MONEY)
    own_contribution_spent = models.DecimalField(default=ZERO, **MONEY)
    paid_before = models.DecimalField(_("paid before the settlement (zł)"), **MONEY)
    final_instalment = models.DecimalField(
        _("last instalment to pay (zł)"),
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        **MONEY,
    )
    return_amount = models.DecimalField(
        _("to return (zł)"), default=ZERO, validators=[MinValueValidator(ZERO)], **MONEY
    )
    return_due_on = models.DateField(_("return by"), null=True, blank=True)
    return_received_on = models.DateField(_("return received on"), null=True, blank=True)
    return_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    content = models.JSONField(default=dict)
    pdf = models.FileField(upload_to=settlement_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    # A task worker rendering the PDF claims it first (core.pdf_renders.pdf_claim): rendered once.
    pdf_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["grant", "version"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"], name="one_settlement_per_version"),
            models.UniqueConstraint(
                fields=["grant"],
                condition=~Q(state=SettlementState.WITHDRAWN),
                name="one_settlement_in_force",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_badge(self) -> str:
        return SettlementState(self.state).badge


class SettlementStateChange(StateChangeRecord):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=10, choices=SettlementState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=SettlementState.choices)

    subject_field = "settlement"

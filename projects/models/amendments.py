"""Changes to a grant after its agreement: budget shifts, new lines, extensions, activities."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedTextField
from projects.enums import AmendmentKind, AmendmentState
from projects.models.grants import NOTE_LENGTH, Grant, StateChangeRecord


def amendment_path(instance: "Amendment", filename: str) -> str:
    return f"agreements/{instance.grant.call_id}/{instance.number.replace('/', '-')}.pdf"


class Amendment(models.Model):
    """A grantee's request to change the grant, and its answer.

    State written only by projects.amendments.amendment_transition(). `before` and
    `after` hold the grant's budget lines, end date and schedule as they were and as
    requested (the shapes of the application's version content, so the version diff
    reads them); the approved or notified `after` is what the grant then holds. An
    approved amendment is numbered <reference>/A1, /A2… and issued as a PDF annex.
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="amendments")
    state = models.CharField(max_length=10, choices=AmendmentState.choices)
    # What it changes: a list of AmendmentKind values.
    kinds = models.JSONField(default=list)
    justification = BoundedTextField(_("why the change is needed"), max_length=5_000)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = BoundedTextField(_("the coordinator's answer"), max_length=NOTE_LENGTH, blank=True)
    # The annex: numbered when approved, its PDF stored once rendered.
    annex_version = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.CharField(_("annex number"), max_length=40, blank=True)
    pdf = models.FileField(upload_to=amendment_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    # A task worker rendering the PDF claims it first (core.pdf_renders.pdf_claim): rendered once.
    pdf_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["grant", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "annex_version"],
                condition=Q(annex_version__isnull=False),
                name="one_annex_per_version",
            ),
            # One request waits for an answer at a time: the next one is based on its outcome.
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(state=AmendmentState.REQUESTED),
                name="one_amendment_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.grant_id}: {', '.join(self.kinds)} ({self.state})"

    @property
    def state_badge(self) -> str:
        return AmendmentState(self.state).badge

    @property
    def kind_labels(self) -> list[str]:
        return [
            str(AmendmentKind(kind).label) for kind in self.kinds if kind in AmendmentKind.values
        ]

    @property
    def is_waiting(self) -> bool:
        return self.state == AmendmentState.REQUESTED

    @property
    def is_approved(self) -> bool:
        return self.state == AmendmentState.APPROVED

    @property
    def is_refused(self) -> bool:
        return self.state == AmendmentState.REFUSED

    @property
    def annex_being_prepared(self) -> bool:
        """Approved, its PDF not stored yet (the task worker renders it)."""
        return self.state == AmendmentState.APPROVED and not self.pdf


class AmendmentStateChange(StateChangeRecord):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=10, choices=AmendmentState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=AmendmentState.choices)

    subject_field = "amendment"

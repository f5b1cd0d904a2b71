"""What a grantee reports: the interim and final reports, their photos, the coordinator's
checklist for them and the reminders sent before and after they are due."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedTextField
from grants.models import CallPart, GrantCall
from projects.enums import ReportKind, ReportState
from projects.models.grants import Grant, StateChangeRecord


class ReportCheckItem(CallPart):
    """One point of the coordinator's checklist for a call's reports (the formal check's
    pattern: a recorded check keeps each item's text with its tick)."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="report_check_items")
    text = models.CharField(_("checklist item"), max_length=300)

    class Meta(CallPart.Meta):
        verbose_name = _("report checklist item")
        verbose_name_plural = _("report checklist items")

    def __str__(self) -> str:
        return self.text


class Report(models.Model):
    """A grant's interim or final report. State written only by
    projects.reports.report_transition().

    The grantee writes it against what was planned (the grant's schedule and
    indicators, shown side by side); its financial part is read from the grant's
    documents and frozen into `financial` when it is submitted (no retyping).
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    state = models.CharField(max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    # Each planned activity and how it went:
    # [{"activity", "starts_on", "ends_on", "done": "yes|partly|no", "comment"}].
    activities = models.JSONField(default=list, blank=True)
    summary = BoundedTextField(_("what was done"), max_length=10_000, blank=True)
    # [{"name", "unit", "planned", "achieved", "comment"}]
    indicators = models.JSONField(default=list, blank=True)
    participants = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True, validators=[MaxValueValidator(10**6)]
    )
    volunteer_hours = models.DecimalField(
        _("volunteer hours"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    publicity_links = BoundedTextField(
        _("links to publicity (one per line)"), max_length=5_000, blank=True
    )
    story = BoundedTextField(_("a short story for the public page"), max_length=3_000, blank=True)
    publish_consent = models.BooleanField(
        _("we agree to publish the story, the results and the photos marked for publication"),
        default=False,
    )
    # Frozen at each submission from the grant's documents: plan vs spent per line, totals
    # and the document list.
    financial = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    correction_message = BoundedTextField(_("what to correct"), max_length=5_000, blank=True)
    correction_deadline = models.DateField(_("corrections due"), null=True, blank=True)
    # The coordinator's check: [{"text", "ticked"}] copied from the call's checklist.
    checklist = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["grant", "kind", "pk"]
        # The coordinators' start page counts the reports submitted, from this index.
        indexes = [models.Index(fields=["state", "grant"])]
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind"], name="one_report_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.kind} ({self.state})"

    @property
    def state_badge(self) -> str:
        return ReportState(self.state).badge

    # What the pages ask (templates name no state).
    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state == ReportState.SUBMITTED

    @property
    def needs_corrections(self) -> bool:
        return self.state == ReportState.CORRECTIONS

    @property
    def is_partly_accepted(self) -> bool:
        return self.state == ReportState.PARTIALLY_ACCEPTED


class ReportStateChange(StateChangeRecord):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=12, choices=ReportState.choices, blank=True)
    new_state = models.CharField(max_length=12, choices=ReportState.choices)

    subject_field = "report"


def report_photo_path(instance: "ReportPhoto", filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"grants/{instance.report.grant_id}/photos/{stamp}{instance.extension}"


def report_photo_preview_path(instance: "ReportPhoto", filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"grants/{instance.report.grant_id}/photos/previews/{stamp}.jpg"


class ReportPhoto(models.Model):
    """A photo from the project, attached to a report; shown publicly only when both the
    report and the photo carry the grantee's consent."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=report_photo_path, max_length=300)
    preview = models.FileField(upload_to=report_photo_preview_path, max_length=300, blank=True)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    publish_consent = models.BooleanField(
        _("may be published (everyone in it agreed)"), default=False
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "added_at", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.report_id}: photo {self.pk}"


class ReportReminder(models.Model):
    """A reminder about a report sent `days` from its due date (negative: before it). The
    unique row makes sending idempotent."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="report_reminders")
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    due_on = models.DateField()
    days = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "kind", "due_on", "days"], name="one_report_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.kind}: {self.days:+d} days"

"""Scoring: reviewer pools per call, assignments with conflict declarations, reviews and their points."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.models import Application
from core.deadlines import deadline_in
from core.fields import BoundedTextField
from grants.models import Criterion, GrantCall
from reviews.enums import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    Recommendation,
    ReviewStatus,
)


class PoolMember(models.Model):
    """A reviewer in a call's pool: may be assigned that call's applications."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="pool")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pools"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "reviewer"], name="one_pool_membership")
        ]
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.reviewer} @ {self.call}"


def invitation_token() -> str:
    """A fresh secret for an invitation's link; only its hash is stored."""
    return secrets.token_urlsafe(32)


def invitation_token_hash(token: str) -> str:
    """What the database keeps of an invitation's token: its SHA-256, in hex.

    A copy of the database (a backup, a read-only account) opens no invitation.
    The token is 32 random bytes, so a plain hash is enough: nothing to guess.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_token_hash_unsent() -> str:
    """The hash of a token nobody has: an invitation's link works once it is sent."""
    return invitation_token_hash(invitation_token())


def invitation_expiry(now=None):
    """When an invitation sent now stops working: the end of the day
    settings.REVIEWER_INVITATION_DAYS ahead, 23:59 Polish time."""
    return deadline_in(settings.REVIEWER_INVITATION_DAYS, now=now)


class Invitation(models.Model):
    """An e-mailed invitation to join a call's pool, for people who have no account yet."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="reviewer_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    # SHA-256 of the token in the e-mailed link (reviews.services.invitation_send gives
    # a fresh one with every e-mail, so an earlier link stops working).
    token_hash = models.CharField(max_length=64, unique=True, default=invitation_token_hash_unsent)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    # Renewed when a coordinator sends the invitation again.
    expires_at = models.DateTimeField(_("expires at"), default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["invited_at", "pk"]

    def __str__(self) -> str:
        return f"{self.email} @ {self.call}"

    def is_expired(self, now=None) -> bool:
        """Not accepted in time: the link no longer works until a coordinator sends it again."""
        return self.accepted_at is None and self.expires_at <= (now or timezone.now())


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES)

    def for_reviewer(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(reviewer=user)


class ReviewAssignment(models.Model):
    """One reviewer asked to score one application; declared impartial before seeing it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_assignments"
    )
    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="+"
    )  # for per-call queries
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    due_at = models.DateTimeField(_("due"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    # The call's declaration as the reviewer accepted it (bounded as the call's is).
    declaration_text = BoundedTextField(max_length=3_000, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    # A few sentences (the declaration's form takes 2,000 characters).
    conflict_reason = BoundedTextField(_("reason"), max_length=2_000, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    conflict_notified_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # One live assignment per reviewer and application (a released one may stay beside it).
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                condition=Q(status__in=sorted(ACTIVE_ASSIGNMENT_STATUSES)),
                name="one_active_assignment_per_reviewer",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "reviewer"]),
            models.Index(fields=["call", "status"]),
            # The reviewer's dashboard: their live assignments grouped by call, with the next
            # due date, read from the index alone (no visit to the rows of other reviewers).
            models.Index(fields=["reviewer", "call", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.reviewer_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT_STATUSES

    @property
    def needs_declaration(self) -> bool:
        """Assigned, and the reviewer has not yet declared impartiality (nor a conflict)."""
        return self.status == AssignmentStatus.ASSIGNED

    @property
    def status_badge(self) -> str:
        return AssignmentStatus(self.status).badge


class Review(models.Model):
    """A reviewer's scores and words for one assignment; read-only once submitted."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    comment_for_applicant = BoundedTextField(
        _("comment for the applicant"), max_length=5000, blank=True
    )
    note_for_committee = BoundedTextField(
        _("note for the committee only"), max_length=5000, blank=True
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    # The weighted total on a 0–100 scale, stored when the review is submitted.
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Review {self.pk} ({self.status})"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class ReviewScore(models.Model):
    """Points and the justification for one criterion. Protects the criterion from deletion."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="review_scores")
    points = models.PositiveSmallIntegerField(
        _("points"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    justification = BoundedTextField(_("justification"), max_length=3000, blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class ReviewEvent(models.Model):
    """Audit trail of reviews: declarations, conflicts, submissions, reopenings, reassignments."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DECLARED = "declared", _("Impartiality declared")
        CONFLICT = "conflict", _("Conflict of interest declared")
        SUBMITTED = "submitted", _("Review submitted")
        REOPENED = "reopened", _("Review reopened")
        REMOVED = "removed", _("Assignment removed")
        REPLACED = "replaced", _("Replaced by another reviewer")
        # After the results were published: a coordinator's recorded change of points.
        CORRECTED = "corrected", _("Review corrected after publication")

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # A conflict's reason, a reopening's or a removal's note, a correction's reason:
    # their forms take 2,000 characters each.
    note = BoundedTextField(max_length=2_000, blank=True)
    # A correction keeps what it replaced: {"before": {...}, "after": {...}}.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.kind}"


ZERO = Decimal("0")


# The ranking snapshot's rows live in their own module; imported here so Django finds them.
from reviews.models_ranking import RankingEntry, RankingState  # noqa: E402, F401 (registration)

"""Awards and letters: the committee's decisions, the numbered PDF letters, the outbox."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applicants.models import Application
from core.fields import BoundedTextField
from decisions.enums import (
    PUBLISHED_DECISION_STATES,
    RELEASED_DECISION_STATES,
    DecisionLapse,
    DecisionOutcome,
    DecisionState,
    LetterKind,
    LetterReason,
    LetterState,
    OutboxState,
)
from grants.models import GrantCall

MONEY = {"max_digits": 12, "decimal_places": 2}
# Why a letter has a new version: the coordinator's correction note (its form takes
# 1,000 characters), or a review correction's reason (2,000) after a short prefix.
LETTER_NOTE_LENGTH = 3_000


class DecisionQuerySet(models.QuerySet):
    def live(self) -> "DecisionQuerySet":
        """Decisions still in force: not lapsed with their application."""
        return self.exclude(state=DecisionState.LAPSED)

    def live_awards(self) -> "DecisionQuerySet":
        """Awards that count against the call's budget: neither declined nor lapsed."""
        return self.filter(outcome=DecisionOutcome.AWARDED).exclude(
            state__in=RELEASED_DECISION_STATES
        )

    def drafts(self) -> "DecisionQuerySet":
        """Decisions the committee may still change and publish."""
        return self.filter(state=DecisionState.DRAFT)

    def published(self) -> "DecisionQuerySet":
        """Decisions the applicants read: published, accepted or declined."""
        return self.filter(state__in=PUBLISHED_DECISION_STATES)

    def awaiting_answer(self, now=None) -> "DecisionQuerySet":
        """Published awards their applicants may still accept or decline (before the deadline)."""
        return self.live_awards().filter(
            published_at__isnull=False,
            accepted_at__isnull=True,
            acceptance_deadline__gt=now or timezone.now(),
        )


class Decision(models.Model):
    """The committee's record for one application: a draft until the call's results are published.

    Its state, and the moments and who of its moves (published_at/by,
    accepted_at, declined_at, lapsed_at and why), are written only by
    decisions.services.decision_transition().
    """

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    amount = models.DecimalField(
        _("awarded amount (zł)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        **MONEY,
    )
    justification = BoundedTextField(
        _("justification for the applicant"), max_length=5000, blank=True
    )
    reserve_position = models.PositiveIntegerField(
        _("place on the reserve list"), null=True, blank=True
    )
    # Why an application scored below the call's minimum is awarded or put on the
    # reserve list all the same (decision_record asks for it); kept in the history.
    below_threshold_reason = BoundedTextField(
        _("reason for deciding below the minimum score"), max_length=2000, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acceptance_deadline = models.DateTimeField(_("accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    # A draft decision whose application ended (withdrawn, formally rejected) before
    # publication: kept on record, never published, its award no longer counts.
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)
    lapsed_reason = models.CharField(
        _("why it lapsed"), max_length=20, choices=DecisionLapse.choices, blank=True
    )
    # The state of the newest letter request (LetterRequest), mirrored here for the
    # progress page. Written only by decisions.issuing.letter_request_transition().
    letter_state = models.CharField(
        max_length=10, choices=LetterState.choices, default=LetterState.NONE
    )
    letter_error = models.TextField(blank=True)

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["call", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome=DecisionOutcome.AWARDED, amount__isnull=False)
                    | ~Q(outcome=DecisionOutcome.AWARDED)
                ),
                name="award_has_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "outcome"]),
            # The letters page counts the published decisions by letter state and lists the
            # failed ones: read from the index alone, not from every decision of the call.
            models.Index(fields=["call", "letter_state", "state"]),
            # The committee's page reads a call's lapsed decisions with a page's rows.
            models.Index(fields=["call", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.outcome}"

    @property
    def is_published(self) -> bool:
        return self.state in PUBLISHED_DECISION_STATES

    @property
    def state_badge(self) -> str:
        return DecisionState(self.state).badge

    @property
    def is_reduced(self) -> bool:
        return (
            self.outcome == DecisionOutcome.AWARDED
            and self.amount is not None
            and self.amount < self.application.requested_amount
        )

    @property
    def is_award(self) -> bool:
        return self.outcome == DecisionOutcome.AWARDED

    @property
    def is_reserve(self) -> bool:
        return self.outcome == DecisionOutcome.RESERVE

    @property
    def is_formal_rejection(self) -> bool:
        return self.outcome == DecisionOutcome.FORMALLY_REJECTED

    @property
    def outcome_badge(self) -> str:
        return DecisionOutcome(self.outcome).badge

    @property
    def is_lapsed(self) -> bool:
        return self.state == DecisionState.LAPSED

    @property
    def is_answered(self) -> bool:
        """A published award its applicant has accepted or declined."""
        return self.state in (DecisionState.ACCEPTED, DecisionState.DECLINED)

    @property
    def counts_against_budget(self) -> bool:
        """The same rule as DecisionQuerySet.live_awards(), for one decision in hand."""
        return (
            self.outcome == DecisionOutcome.AWARDED and self.state not in RELEASED_DECISION_STATES
        )

    @property
    def letter_state_badge(self) -> str:
        return LetterState(self.letter_state).badge

    @property
    def letter_kind(self) -> str:
        if self.outcome == DecisionOutcome.AWARDED:
            return LetterKind.REDUCED_AWARD if self.is_reduced else LetterKind.AWARD
        return {
            DecisionOutcome.RESERVE: LetterKind.RESERVE,
            DecisionOutcome.REJECTED: LetterKind.REJECTION,
            DecisionOutcome.FORMALLY_REJECTED: LetterKind.FORMAL_REJECTION,
        }[self.outcome]


class DecisionStateChange(models.Model):
    """Audit trail of decisions: one row per move, with who (None: the system) and why.

    The first row of a decision records its birth as a draft (no old state). A
    move from published to published is an offer from the reserve list.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="state_changes")
    old_state = models.CharField(max_length=10, choices=DecisionState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=DecisionState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.old_state or '–'} → {self.new_state}"


class LetterTemplate(models.Model):
    """A call's wording for one kind of letter in one language: Markdown with {{ placeholders }}."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="letter_templates")
    kind = models.CharField(_("letter"), max_length=20, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown (no HTML). Placeholders: {{ applicant }}, {{ title }}, {{ reference_number }}, "
            "{{ amount }}, {{ amount_in_words }}, {{ requested_amount }}, {{ acceptance_deadline }}, "
            "{{ reserve_position }}, {{ justification }}, {{ call }}, {{ programme }}."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "kind", "language"], name="one_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} – {self.kind} ({self.language})"


def letter_path(instance: "DecisionLetter", filename: str) -> str:
    return f"letters/{instance.decision.call_id}/{instance.number.replace('/', '-')}-v{instance.version}.pdf"


class DecisionLetter(models.Model):
    """One issued PDF letter. Immutable: a correction is a new version; old versions stay."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    number = models.CharField(_("letter number"), max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    pdf = models.FileField(upload_to=letter_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = BoundedTextField(
        _("reason for a new version"), max_length=LETTER_NOTE_LENGTH, blank=True
    )
    # Whether this is the decision's newest stored version, the one the call's letters list
    # shows: a stored marker, so the list reads a page of rows rather than every letter.
    # A new letter is current; decisions.issuing.letter_current_mark() unmarks the older ones.
    is_current = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["decision", "version"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="one_letter_per_version")
        ]
        indexes = [
            models.Index(
                fields=["decision"], condition=Q(is_current=True), name="current_letter_of_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    @property
    def reason_text(self) -> str:
        """Why this version was issued, in the reader's language: the coordinator's note
        for a correction, the reason's label for an offer from the reserve list, nothing
        for the first letter. (Earlier offers stored their label in the words of whoever
        made them; the label is worded again here.) Select "request" with the letters."""
        try:
            request = self.request
        except LetterRequest.DoesNotExist:
            return self.note
        return request.shown_note or (
            "" if request.reason == LetterReason.PUBLICATION else request.get_reason_display()
        )


class LetterRequest(models.Model):
    """One version of a decision's letter to issue: why, at whose request, and how far it got.

    The letter task takes this row's id, so a retry issues exactly what was
    asked for (its reason, its note, its version). Its state is written only by
    decisions.issuing.letter_request_transition().
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letter_requests")
    version = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=20, choices=LetterReason.choices)
    note = BoundedTextField(
        _("reason for a new version"), max_length=LETTER_NOTE_LENGTH, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=LetterState.choices, default=LetterState.NONE)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    letter = models.OneToOneField(
        DecisionLetter, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["decision", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "version"], name="one_letter_request_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} v{self.version} ({self.state})"

    @property
    def state_badge(self) -> str:
        return LetterState(self.state).badge

    @property
    def shown_note(self) -> str:
        """The coordinator's own words on this version (a correction's note); a reason
        the system names (publication, an offer) is shown by its label instead."""
        return self.note if self.reason == LetterReason.CORRECTION else ""

    @property
    def is_retryable(self) -> bool:
        """A failed request waits for the coordinator's Retry (decisions.issuing.letter_retry)."""
        return self.state == LetterState.FAILED


class LetterStateChange(models.Model):
    """Audit trail of letter requests: one row per move, with who (None: a worker) and why."""

    request = models.ForeignKey(LetterRequest, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=10, choices=LetterState.choices)
    new_state = models.CharField(max_length=10, choices=LetterState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = BoundedTextField(max_length=LETTER_NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.old_state} → {self.new_state}"


class OutboxMessage(models.Model):
    """An e-mail to an applicant about a decision: what was sent, what failed, resendable."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="messages")
    # One message per letter: a resend sends the same message again.
    letter = models.OneToOneField(
        DecisionLetter, on_delete=models.PROTECT, null=True, related_name="message"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject} ({self.state})"

    @property
    def state_badge(self) -> str:
        return OutboxState(self.state).badge


class OutboxStateChange(models.Model):
    """Audit trail of outbox messages: one row per move, with who (None: a worker) and why."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=10, choices=OutboxState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=OutboxState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = BoundedTextField(max_length=LETTER_NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.old_state} → {self.new_state}"


class Publication(models.Model):
    """One press of "publish": which decisions, by whom, and whether a public results page is shown."""

    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="publications")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    decisions = models.ManyToManyField(Decision, related_name="publications")
    public_results = models.BooleanField(_("publish a public results page"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.call} @ {self.published_at:%Y-%m-%d %H:%M}"

"""What a grant call is: its rules, dates, money and scoring criteria."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import BoundedTextField
from core.selectors import programme_profile
from grants.enums import (
    ARCHIVABLE_STATUSES,
    CLOSABLE_STATUSES,
    PUBLIC_STATUSES,
    REVIEWS_FROZEN_STATUSES,
    CallPhase,
    CallStatus,
    FinalScoreRule,
)
from grants.limits import MAX_ANSWER_LENGTH

# Statuses that say where the call stands whatever the dates.
STATUS_PHASES = {
    CallStatus.DRAFT: CallPhase.DRAFT,
    CallStatus.IN_REVIEW: CallPhase.IN_REVIEW,
    CallStatus.DECIDED: CallPhase.DECIDED,
    CallStatus.ARCHIVED: CallPhase.ARCHIVED,
}

DEFAULT_IMPARTIALITY_DECLARATION = (
    "Oświadczam, że nie jestem autorem ani współautorem tego wniosku, nie należę do grupy ani "
    "organizacji, która go składa, nie łączą mnie z wnioskodawcami relacje rodzinne, zawodowe ani "
    "towarzyskie, które mogłyby budzić wątpliwości co do mojej bezstronności, i nie odniosę "
    "korzyści z przyznania grantu. Zachowam treść wniosku i ocen w poufności."
)

# Who controls the data (and whom to ask) comes first, from the programme profile:
# see GrantCall.full_privacy_notice (migration 0009 took the old nameless sentence out).
DEFAULT_PRIVACY_NOTICE = (
    "Przetwarzamy Twoje dane osobowe, aby "
    "przeprowadzić nabór, ocenić wniosek, wydać decyzję i rozliczyć grant (art. 6 ust. 1 lit. b, c "
    "i e RODO). Dane przechowujemy przez okres trwania programu i 5 lat po jego zakończeniu. "
    "Masz prawo dostępu do danych, ich sprostowania, usunięcia lub ograniczenia przetwarzania, "
    "przenoszenia danych oraz wniesienia skargi do Prezesa UODO. Podanie danych jest dobrowolne, "
    "ale niezbędne do złożenia wniosku. Recenzenci widzą treść wniosku, ale nie Twoje dane kontaktowe."
)


class GrantCallQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def with_criteria_count(self):
        return self.annotate(criteria_count=Count("criteria", distinct=True))

    def accepting(self, now=None):
        now = now or timezone.now()
        return self.filter(status=CallStatus.OPEN, opens_at__lte=now, closes_at__gt=now)


class GrantCall(models.Model):
    """A call for applications ("nabór") of a mini-grant programme."""

    programme = models.CharField(_("programme"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address (slug)"),
        max_length=80,
        unique=True,
        help_text=_("Used in the call's web address, e.g. klimat-2027."),
    )
    reference_code = models.CharField(
        _("reference code"),
        max_length=10,
        unique=True,
        help_text=_("Letters that start every application number, e.g. AC gives AC/2027/0001."),
        validators=[
            RegexValidator(r"^[A-Z]{1,10}$", _("Use 1 to 10 capital letters without diacritics."))
        ],
    )
    # The call's page. Long rules belong in the regulations (a file); the demo's
    # descriptions are under 700 characters, the real calls we modelled on 2–4
    # thousand, so 10,000 (four printed pages) is room to spare, not a target.
    description = BoundedTextField(_("description"), max_length=10_000)
    # A paragraph or a short list; a few hundred characters in every call we know.
    eligibility = BoundedTextField(_("who can apply"), max_length=5_000)
    min_amount = models.DecimalField(
        _("minimum amount per application (zł)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_amount = models.DecimalField(
        _("maximum amount per application (zł)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    total_budget = models.DecimalField(
        _("total budget of the call (zł)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    own_contribution_percent = models.DecimalField(
        _("minimum own contribution (per cent of the total cost)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99"))],
        help_text=_("0 means no own contribution is required."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at (deadline)"))
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    discrepancy_threshold = models.DecimalField(
        _("discrepancy threshold (points out of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Two reviews further apart than this are flagged for the coordinator."),
    )
    min_score = models.DecimalField(
        _("minimum score to be funded (out of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age of applicants"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "Checked at submission for individual applicants and group members; leave empty for no limit."
        ),
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age of applicants"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
    )
    # Guardians' consents and patron organisations (applicants.consents_selectors).
    guardian_consent_age = models.PositiveSmallIntegerField(
        _("a guardian's consent is needed below the age of"),
        choices=[(18, _("18 (adulthood)")), (16, _("16 (the RODO age of consent in Poland)"))],
        default=18,
        help_text=_(
            "Everyone on an application's team younger than this on the day of submission "
            "needs a parent's or guardian's consent."
        ),
    )
    guardian_consents_may_follow = models.BooleanField(
        _("guardians' consents may follow until the agreement"),
        default=False,
        help_text=_(
            "Off: an application can be submitted only with every consent given. On: it can be "
            "submitted without them, and the agreement waits for them."
        ),
    )
    patron_confirmation_required = models.BooleanField(
        _("a group's patron organisation must confirm before submission"),
        default=False,
        help_text=_(
            "When an informal group names a patron organisation, its representative confirms "
            "by a link; with this on, the group can submit only after that."
        ),
    )
    patron_obligations = BoundedTextField(
        _("what the patron organisation takes on (optional)"),
        max_length=3000,
        blank=True,
        help_text=_("Shown to the representative before they confirm. Empty: the standard text."),
    )
    max_attachments = models.PositiveSmallIntegerField(
        _("maximum number of attachments"),
        default=5,
        validators=[MaxValueValidator(50)],
    )
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("maximum size of one attachment (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    correction_days = models.PositiveSmallIntegerField(
        _("days to send corrections"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Default time an applicant has to correct an application after the formal check."
        ),
    )
    # A full RODO information clause runs to 2–5 thousand characters (ours is 600).
    privacy_notice = BoundedTextField(
        _("privacy notice (RODO information clause)"),
        max_length=10_000,
        default=DEFAULT_PRIVACY_NOTICE,
        help_text=_(
            "Shown to applicants before they submit; the text they accepted is kept with the application."
        ),
    )
    final_score_rule = models.CharField(
        _("final score"),
        max_length=16,
        choices=FinalScoreRule.choices,
        default=FinalScoreRule.MEAN_ALL,
        help_text=_(
            "With three or more reviews, the two closest can be used so one outlier weighs less."
        ),
    )
    # Read and accepted for every application: a paragraph (ours is 420 characters).
    impartiality_declaration = BoundedTextField(
        _("reviewers' declaration of impartiality"),
        max_length=3_000,
        default=DEFAULT_IMPARTIALITY_DECLARATION,
        help_text=_(
            "Each reviewer accepts this text for each application before seeing its content."
        ),
    )
    acceptance_days = models.PositiveSmallIntegerField(
        _("days to accept an award"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "After the results are published, awarded applicants confirm or decline within this time."
        ),
    )
    public_results = models.BooleanField(
        _("publish a public results page"),
        default=False,
        help_text=_(
            "Titles, applicants' names and amounts of the funded projects, on the call's page."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = GrantCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant call")
        verbose_name_plural = _("grant calls")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("The call must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gte=models.F("min_amount")),
                name="call_max_not_below_min",
                violation_error_message=_(
                    "The maximum amount can't be lower than the minimum amount."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grants:call_detail", kwargs={"slug": self.slug})

    def phase(self, now=None) -> CallPhase:
        """Where the call stands for a visitor at `now`."""
        now = now or timezone.now()
        if self.status in STATUS_PHASES:
            return STATUS_PHASES[self.status]
        if self.status == CallStatus.OPEN:
            if now < self.opens_at:
                return CallPhase.UPCOMING
            if now < self.closes_at:
                return CallPhase.ACCEPTING
        return CallPhase.CLOSED

    @property
    def current_phase(self) -> CallPhase:
        return self.phase()

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def full_privacy_notice(self) -> str:
        """What applicants read (and accept) before submitting: who controls their data and
        whom to ask, from the programme profile, then the call's own notice."""
        return f"{programme_profile().controller_statement()}\n\n{self.privacy_notice}"

    @property
    def is_draft(self) -> bool:
        return self.status == CallStatus.DRAFT

    @property
    def is_accepting(self) -> bool:
        return self.phase() == CallPhase.ACCEPTING

    @property
    def reviews_frozen(self) -> bool:
        """Results are published: reviews, assignments and the ranking can no longer change."""
        return self.status in REVIEWS_FROZEN_STATUSES

    @property
    def is_archived(self) -> bool:
        return self.status == CallStatus.ARCHIVED

    @property
    def is_closable(self) -> bool:
        """A coordinator may close it early (call_close)."""
        return self.status in CLOSABLE_STATUSES

    @property
    def is_archivable(self) -> bool:
        return self.status in ARCHIVABLE_STATUSES

    def accepts_submission_at(self, moment) -> bool:
        """True when an application arriving at `moment` is in time (the deadline itself is too late)."""
        return self.status == CallStatus.OPEN and self.opens_at <= moment < self.closes_at

    @property
    def reference_year(self) -> int:
        """The year in reference numbers (AK/2027/0001): when the call opened, Polish time."""
        return timezone.localtime(self.opens_at).year


class Criterion(models.Model):
    """One scoring criterion of a call; reviewers give 0..max_points for it.

    Once reviewers have scored it (their scores protect it from deletion), its
    maximum points and weight are the meaning of every score given: they can't
    change, and no criterion can be added to or removed from the call. The name
    and guidance can still be fixed; `history` keeps every change.
    """

    MEANING_FIELDS = ("max_points", "weight")

    call = models.ForeignKey(
        GrantCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    # A question or two for the reviewer (the demo's are under 150 characters).
    guidance = BoundedTextField(_("guidance for reviewers"), max_length=2_000, blank=True)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("How much this criterion counts relative to the others; must be above 0."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_points_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def meaning(self) -> dict:
        return {"max_points": self.max_points, "weight": self.weight}


class CallStatusChange(models.Model):
    """Audit trail of a call: who moved it from which status to which, when."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=CallStatus.choices)
    new_status = models.CharField(max_length=16, choices=CallStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(default=timezone.now)
    # The coordinator's note on closing or archiving (its form takes 1,000 characters).
    note = BoundedTextField(max_length=1_000, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.old_status} → {self.new_status}"


class CallPart(models.Model):
    """Base of the rows a coordinator adds to a call, kept in the order set.

    Once applicants have used a row (answered a question, attached a file for a
    requirement…) it can't be deleted and its MEANING_FIELDS can't change: the
    answers were given to it as it was. Its wording can still be fixed; every
    change is kept in `history` (who, when, the old and the new values).
    """

    # Fields whose change would change what answers already given mean.
    MEANING_FIELDS: tuple[str, ...] = ()

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def meaning(self) -> dict:
        """The MEANING_FIELDS as they are compared: a change here is a change of meaning."""
        return {name: getattr(self, name) for name in self.MEANING_FIELDS}


class EligibilityQuestion(CallPart):
    """A yes/no question asked before the form: the wrong answer explains why one can't apply.

    Each application keeps its answers with the question's text (eligibility_answers).
    Which answer lets one apply is the meaning; the text and the explanation are wording.
    """

    MEANING_FIELDS = ("required_answer",)

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="eligibility_questions"
    )
    text = models.CharField(_("question"), max_length=300)
    required_answer = models.BooleanField(
        _("the answer needed to apply is “yes”"),
        default=True,
        help_text=_("Untick if applicants must answer “no” (e.g. “Is your project commercial?”)."),
    )
    failure_explanation = BoundedTextField(
        _("explanation for those who can't apply"),
        max_length=2000,
        help_text=_(
            "Shown when the answer rules the applicant out; say why and, if possible, where else to go."
        ),
    )

    class Meta(CallPart.Meta):
        verbose_name = _("eligibility question")
        verbose_name_plural = _("eligibility questions")

    def __str__(self) -> str:
        return self.text


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    CHOICE = "choice", _("Single choice")
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")


class CallQuestion(CallPart):
    """A question of the call's own, answered in the application form.

    Answers are kept in Application.answers by question id. The kind of answer,
    its options, its character limit and whether it is required are the meaning
    (a stored "Wola" must stay one of the options); the question and the hint are
    wording.
    """

    MEANING_FIELDS = ("kind", "choices", "max_length", "required")

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint for applicants"), max_length=500, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=16, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    max_length = models.PositiveIntegerField(
        _("character limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ANSWER_LENGTH)],
        help_text=_("For text answers; leave empty for 500 (short) or 3000 (long) characters."),
    )
    choices = BoundedTextField(
        _("choices"),
        blank=True,
        max_length=2000,
        help_text=_("For a single choice: one option per line."),
    )

    class Meta(CallPart.Meta):
        verbose_name = _("call question")
        verbose_name_plural = _("call questions")

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def meaning(self) -> dict:
        # The options as a list and the limit as applied: "" and "\n" are the same
        # options, and no limit on a long answer is the same as 3000.
        is_text = self.kind in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}
        return {
            "kind": self.kind,
            "choices": self.choice_list,
            "max_length": self.effective_max_length if is_text else None,
            "required": self.required,
        }

    @property
    def effective_max_length(self) -> int:
        """The longest answer allowed; never above MAX_ANSWER_LENGTH, even for older questions."""
        if self.max_length:
            return min(self.max_length, MAX_ANSWER_LENGTH)
        return 3000 if self.kind == QuestionKind.LONG_TEXT else 500


class AttachmentRequirement(CallPart):
    """A kind of attachment the call asks for, e.g. a letter of support.

    Attachments point at it. Whether it is required is the meaning; its name and
    description are wording.
    """

    MEANING_FIELDS = ("required",)

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="attachment_requirements"
    )
    name = models.CharField(_("attachment"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta(CallPart.Meta):
        verbose_name = _("attachment requirement")
        verbose_name_plural = _("attachment requirements")

    def __str__(self) -> str:
        return self.name


class FormalCheckItem(CallPart):
    """One point of the coordinator's formal-check checklist for the call.

    A recorded formal check keeps a copy of each item's text with its tick, so
    nothing here can change a check already made. An item ticked in a check
    can't be deleted (every application is checked against the same list); its
    text is all it has, and it may be reworded.
    """

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="formal_check_items")
    text = models.CharField(_("checklist item"), max_length=300)

    class Meta(CallPart.Meta):
        verbose_name = _("formal check item")
        verbose_name_plural = _("formal check items")

    def __str__(self) -> str:
        return self.text


class CallIndicator(CallPart):
    """An indicator the call asks every application to plan, e.g. "Uczestnicy", in "osób".

    Each application gives its planned number for it (applicants' ApplicationIndicator),
    and the final report compares what was achieved with that number. The unit is the
    meaning (40 "osób" is not 40 "godz."); the name and the hint are wording.
    """

    MEANING_FIELDS = ("unit",)

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. people, hours, events"))
    help_text = models.CharField(_("hint for applicants"), max_length=500, blank=True)

    class Meta(CallPart.Meta):
        verbose_name = _("call indicator")
        verbose_name_plural = _("call indicators")

    def __str__(self) -> str:
        return self.name


class WorkshopQuerySet(models.QuerySet):
    def running(self, *, at=None):
        """Workshops whose window is open at `at` (now): not ended early, not past their end."""
        at = at or timezone.now()
        return self.filter(ended_at__isnull=True, opened_at__lte=at, until__gt=at)


class Workshop(models.Model):
    """A few hours in which a call's workshop link lets a whole room sign up from one address.

    The row is the record: who opened it, when and until when, who ended it early and when,
    and how many accounts were made through its link (grants.workshops).
    """

    call = models.ForeignKey(
        GrantCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="workshops"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    until = models.DateTimeField(_("open until"))
    ended_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sign_ups = models.PositiveIntegerField(_("accounts made through the link"), default=0)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.call} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def closes_at(self):
        """When the window closed or will close: the end, or the early end."""
        return self.ended_at or self.until

    def is_running(self, *, at=None) -> bool:
        at = at or timezone.now()
        return self.ended_at is None and self.opened_at <= at < self.until


# The call page's documents and FAQ, in a module of their own; imported here so Django finds them.
from grants.call_documents import CallDocument, FaqEntry  # noqa: E402, F401 (they need CallPart above)

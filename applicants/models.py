"""Applying: who applies, the application's working copy, its frozen versions, files and history."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.budget import line_total
from applicants.enums import (
    DECIDED_STATUSES,
    EDITABLE_STATUSES,
    REVIEW_STAGE_STATUSES,
    SUBMITTED_STATUSES,
    WITHDRAWABLE_STATUSES,
    ApplicantKind,
    ApplicationStatus,
    BudgetCategory,
    FormalCheckOutcome,
    HistoryNote,
    InvitationState,
    VersionPdfKind,
    VersionPdfStatus,
)
from core.fields import BoundedTextField
from core.search import search_fold, searchable_text
from core.validators import validate_postcode
from grants.models import AttachmentRequirement, CallIndicator, GrantCall

MONEY = {"max_digits": 12, "decimal_places": 2}


def initials(full_name: str) -> str:
    """A person's initials: "Jan Kowalski" -> "J. K.", "Anna Nowak-Wiśniewska" -> "A. N.-W."."""
    words = []
    for word in full_name.split():
        letters = [next((c for c in part if c.isalpha()), "") for part in word.split("-")]
        if any(letters):
            words.append("-".join(f"{letter.upper()}." for letter in letters if letter))
    return " ".join(words)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ApplicantProfile(models.Model):
    """Who applies: chosen once, editable, copied into every submitted version."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile"
    )
    kind = models.CharField(_("who applies"), max_length=16, choices=ApplicantKind.choices)
    contact_name = models.CharField(_("your full name"), max_length=200)
    phone = models.CharField(_("phone (optional)"), max_length=30, blank=True)
    city = models.CharField(_("town or city"), max_length=100)
    # The postal address letters are sent to. Blank in profiles made before it was asked
    # for: those still work, and submitting asks for it (applicants.submission).
    street = models.CharField(
        _("street and number"),
        max_length=200,
        blank=True,
        help_text=_("E.g. ul. Lipowa 5/12."),
    )
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[validate_postcode]
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    group_name = models.CharField(_("name of the group"), max_length=200, blank=True)
    patron_organisation = models.CharField(
        _("patron organisation (optional)"), max_length=200, blank=True
    )
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    krs = models.CharField(
        _("KRS number"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", _("The KRS number has exactly 10 digits."))],
    )
    nip = models.CharField(_("NIP"), max_length=13, blank=True)
    regon = models.CharField(_("REGON"), max_length=14, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == ApplicantKind.GROUP and self.group_name:
            return self.group_name
        if self.kind == ApplicantKind.NGO and self.organisation_name:
            return self.organisation_name
        return self.contact_name


class GroupMember(models.Model):
    """A member of an informal group; one of them leads it."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    age = models.PositiveSmallIntegerField(
        _("age"), validators=[MinValueValidator(10), MaxValueValidator(120)]
    )
    is_leader = models.BooleanField(_("leader"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")

    def __str__(self) -> str:
        return self.full_name


class ApplicationQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The applications `user` leads (Application.applicant): the ones they submit and
        answer for, and whose personal data is theirs."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(applicant=user)

    def of_team(self, user):
        """The applications `user` works on: those they lead and those they joined as an
        editor (ApplicationMember). One row each, whatever the team's size.

        Read from the person's own rows: their ids by the two indexes (applicant, member's
        user), never a scan of every application ("lead OR joined" would test each row)."""
        if not user.is_authenticated:
            return self.none()
        led = Application.objects.filter(applicant=user).order_by().values("pk")
        joined = ApplicationMember.objects.filter(user=user).order_by().values("application_id")
        return self.filter(pk__in=led.union(joined, all=True))

    def submitted(self):
        return self.filter(status__in=SUBMITTED_STATUSES)

    def in_call(self, call):
        return self.filter(call=call)

    def matching(self, query: str):
        """Those whose reference number, title, applicant or contact person contains `query`,
        whatever its case and diacritics ("baluty" finds "Bałuty", "0042" "AC/2026/0042")."""
        folded = search_fold(query)
        return self.filter(search_text__contains=folded) if folded else self

    def search_text_refresh(self) -> None:
        """Fold the searched fields of these rows again, after writes that bypass save()
        (QuerySet.update(): no signals, no history). Writes only rows whose text changes."""
        for row in self.order_by().values("pk", "search_text", *Application.SEARCHED_FIELDS):
            text = searchable_text(*(row[name] for name in Application.SEARCHED_FIELDS))
            if text != row["search_text"]:
                Application._base_manager.filter(pk=row["pk"]).update(search_text=text)


class Application(models.Model):
    """An application to a call: the applicant's working copy, plus its status.

    What reviewers and coordinators read is the frozen ApplicationVersion made
    at each submission; the working copy changes only while a draft or while a
    correction is requested.
    """

    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    reference_number = models.CharField(
        _("reference number"), max_length=30, unique=True, null=True, blank=True
    )
    number_in_call = models.PositiveIntegerField(null=True, blank=True)

    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = BoundedTextField(_("short summary"), max_length=1000, blank=True)
    problem = BoundedTextField(_("problem the project addresses"), max_length=3000, blank=True)
    goals = BoundedTextField(_("goals"), max_length=2000, blank=True)
    target_group = BoundedTextField(_("who the project is for"), max_length=2000, blank=True)
    activities = BoundedTextField(_("activities"), max_length=5000, blank=True)
    expected_results = BoundedTextField(_("expected results"), max_length=3000, blank=True)
    results_measurement = BoundedTextField(
        _("how you will know it worked"), max_length=2000, blank=True
    )
    team_description = BoundedTextField(
        _("the team and its experience"), max_length=3000, blank=True
    )

    total_cost = models.DecimalField(_("total cost"), default=Decimal("0"), **MONEY)
    own_contribution = models.DecimalField(_("own contribution"), default=Decimal("0"), **MONEY)
    requested_amount = models.DecimalField(_("requested amount"), default=Decimal("0"), **MONEY)

    eligibility_answers = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True)

    # Copied from the profile at each submission, for lists, search and filters.
    applicant_kind = models.CharField(max_length=16, choices=ApplicantKind.choices, blank=True)
    applicant_name = models.CharField(max_length=300, blank=True)
    # A person applying alone agreed, when submitting, to their full name on the public
    # results page (otherwise only their initials are shown there).
    name_publication_agreed = models.BooleanField(
        _("agreed to have their name published with the results"), default=False
    )
    applicant_contact_name = models.CharField(max_length=200, blank=True)
    # SEARCHED_FIELDS folded (core.search) for the coordinator's search: kept by save().
    search_text = models.TextField(blank=True, editable=False)

    # Written in the formal check (its form takes 5,000 characters, as for the
    # longest section of an application: the coordinator's reply is never longer).
    correction_message = BoundedTextField(_("what to correct"), max_length=5_000, blank=True)
    correction_deadline = models.DateTimeField(_("corrections due"), null=True, blank=True)
    rejection_reasons = BoundedTextField(
        _("reasons for formal rejection"), max_length=5_000, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live application per applicant per call: saving twice,
            # refreshing or double-clicking "start" can never make a second.
            models.UniqueConstraint(
                fields=["call", "applicant"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN),
                name="one_live_application_per_applicant_per_call",
            ),
            models.UniqueConstraint(
                fields=["call", "number_in_call"], name="unique_number_in_call"
            ),
        ]
        indexes = [
            # A status of a call in number order (the committee's formally rejected ones, the
            # list filtered by status); its first two columns serve every (call, status) read.
            models.Index(
                fields=["call", "status", "number_in_call"], name="application_call_status_no"
            ),
            # The corrected applications sent back for the formal check (the coordinators'
            # start page counts them per call, core.waiting.capped_count()).
            models.Index(
                fields=["call"],
                condition=Q(
                    status=ApplicationStatus.SUBMITTED,
                    last_submitted_at__gt=F("first_submitted_at"),
                ),
                name="corrected_to_check",
            ),
        ]

    # What the coordinator's search looks in, in this order.
    SEARCHED_FIELDS = ("reference_number", "title", "applicant_name", "applicant_contact_name")

    def __str__(self) -> str:
        return self.reference_number or self.title or f"#{self.pk}"

    def save(self, *args, **kwargs):
        """Save, folding the searched fields into search_text when one of them is saved."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.SEARCHED_FIELDS):
            self.search_text = searchable_text(*(getattr(self, f) for f in self.SEARCHED_FIELDS))
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("applicants:application_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def can_withdraw(self) -> bool:
        return self.status in WITHDRAWABLE_STATUSES

    @property
    def correction_open(self) -> bool:
        return (
            self.awaits_correction
            and self.correction_deadline is not None
            and timezone.now() < self.correction_deadline
        )

    # What the pages ask of the status (the groups live in applicants.enums).
    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def awaits_formal_check(self) -> bool:
        """Submitted (or resubmitted) and not yet checked by a coordinator."""
        return self.status == ApplicationStatus.SUBMITTED

    @property
    def awaits_correction(self) -> bool:
        """A coordinator asked for a correction (whether or not its time has passed)."""
        return self.status == ApplicationStatus.CORRECTION_REQUESTED

    @property
    def is_formally_rejected(self) -> bool:
        return self.status == ApplicationStatus.FORMALLY_REJECTED

    @property
    def is_in_review_stage(self) -> bool:
        """Accepted in the formal check and waiting for its reviews or its decision."""
        return self.status in REVIEW_STAGE_STATUSES

    @property
    def is_decided(self) -> bool:
        """Its decision is published: the applicant can read it and download the letter."""
        return self.status in DECIDED_STATUSES

    @property
    def status_badge(self) -> str:
        return ApplicationStatus(self.status).badge

    @property
    def display_title(self) -> str:
        return self.title or _("(untitled application)")

    @property
    def public_name(self) -> str:
        """Who applied, as the public results page may name them: a group or an organisation
        by its name; a person by their full name only if they agreed when submitting,
        otherwise by initials ("J. K.")."""
        if self.applicant_kind in (ApplicantKind.GROUP, ApplicantKind.NGO):
            return self.applicant_name
        if self.name_publication_agreed:
            return self.applicant_name
        return initials(self.applicant_name)


class ApplicationMember(models.Model):
    """A person who works on an application with its lead: an editor.

    The lead is the application's `applicant` (who submits, withdraws and answers the
    decision) and has no row here; handing the lead over swaps the two. Editors edit the
    sections and see what the lead sees (the decision, the feedback, the grant). The date of
    birth is asked when joining: a minor needs a guardian's consent to apply.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user"], name="one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class TeamInvitation(models.Model):
    """The lead's invitation to join an application's team, sent by e-mail with a secret link.

    The link carries the raw token; the row keeps its digest (core.link_tokens). Its state
    is written only by applicants.team.invitation_transition; a re-send makes a new token
    (the old link stops working) and a new expiry.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    token_digest = models.CharField(max_length=64, unique=True)
    state = models.CharField(
        max_length=16, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"],
                condition=Q(state=InvitationState.PENDING),
                name="one_pending_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.email}"

    def is_expired(self, now=None) -> bool:
        return self.state == InvitationState.PENDING and self.expires_at <= (now or timezone.now())


class ScheduleItem(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="schedule")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    activity = models.CharField(_("activity"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "starts_on", "pk"]

    def __str__(self) -> str:
        return self.activity


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_cost = models.DecimalField(
        _("unit cost (zł)"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    own_contribution = models.DecimalField(
        _("own contribution (zł)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.item

    @property
    def total(self) -> Decimal:
        return line_total(self.quantity, self.unit_cost)


class ApplicationIndicator(models.Model):
    """One planned indicator of an application: what, how many, in what unit ("Uczestnicy", 40, "osób").

    A row for one of the call's own indicators (call_indicator set) copies its name
    and unit; the applicant gives only the number, and a row exists only once they
    have. The applicant's own rows have no call indicator. The final report compares
    what was achieved with `planned`.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="indicators"
    )
    # A call indicator with planned numbers can't be deleted (grants.services.call_parts_save
    # says so on the call's page, and this protects it from a race).
    call_indicator = models.ForeignKey(
        CallIndicator,
        verbose_name=_("indicator of the call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("indicator"), max_length=200)
    # People, hours and events are counted; kilometres or tonnes may be fractional.
    planned = models.DecimalField(
        _("planned number"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("unit"), max_length=30)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__gte=0), name="application_indicator_planned_not_negative"
            ),
            models.UniqueConstraint(
                fields=["application", "call_indicator"],
                condition=Q(call_indicator__isnull=False),
                name="application_indicator_once_per_call_indicator",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random names on disk: the applicant's file name is kept in the database only.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A file attached to an application; kept after removal if a submitted version lists it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    # A requirement with files can't be deleted (grants.services.call_parts_save
    # says so on the call's page); the files never lose what they were sent as.
    requirement = models.ForeignKey(
        AttachmentRequirement,
        verbose_name=_("what this file is"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_download_url(self) -> str:
        return reverse(
            "applicants:attachment_download",
            kwargs={"pk": self.application_id, "attachment_pk": self.pk},
        )


class ApplicationVersion(models.Model):
    """Exactly what was submitted, frozen: the text reviewers score and the PDF copy shows."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()
    consents = models.JSONField(default=list)
    attachments = models.ManyToManyField(Attachment, related_name="versions", blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"

    def _pdf(self, kind: str) -> "VersionPdf | None":
        # From prefetched pdfs (applicants.selectors.application_versions), no query per version.
        return next((pdf for pdf in self.pdfs.all() if pdf.kind == kind), None)

    @property
    def full_pdf(self) -> "VersionPdf | None":
        """The stored PDF copy for the applicant and coordinators, if there is one yet."""
        return self._pdf(VersionPdfKind.FULL)

    @property
    def reviewer_pdf(self) -> "VersionPdf | None":
        """The stored PDF copy for reviewers (no contact details), if there is one yet."""
        return self._pdf(VersionPdfKind.REVIEWER)


class StatusChange(models.Model):
    """Audit trail: one row per named operation on an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(max_length=24, choices=ApplicationStatus.choices, blank=True)
    new_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # A withdrawal's reason (1,000 characters) or the formal check's message (5,000):
    # a person's words, shown as written.
    note = BoundedTextField(max_length=5_000, blank=True)
    # What the system noted, as a code (HistoryNote) and its parameters: worded when read,
    # in the reader's language.
    note_code = models.CharField(max_length=40, choices=HistoryNote.choices, blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.old_status} → {self.new_status}"

    @property
    def note_text(self) -> str:
        """The note as the reader sees it: a recorded code worded in the active language,
        else what a person wrote (or an older row's stored words)."""
        if self.note_code in HistoryNote.values:
            worded = HistoryNote(self.note_code).worded(self.note_params)
            return f"{worded} {self.note}" if self.note else worded
        return self.note

    @property
    def asks_for_correction(self) -> bool:
        return self.new_status == ApplicationStatus.CORRECTION_REQUESTED

    @property
    def is_formal_rejection(self) -> bool:
        return self.new_status == ApplicationStatus.FORMALLY_REJECTED


class FormalCheck(models.Model):
    """The coordinator's formal check of one submitted version."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="formal_checks"
    )
    version = models.ForeignKey(ApplicationVersion, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=16, choices=FormalCheckOutcome.choices)
    checklist = models.JSONField(default=list)
    message = BoundedTextField(max_length=5_000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"


class CallSequence(models.Model):
    """The last reference number given in a call; locked while the next one is taken."""

    call = models.OneToOneField(GrantCall, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.call_id}: {self.last_number}"


def version_pdf_path(instance: "VersionPdf", filename: str) -> str:
    # Random names, never overwritten: a new render gets a new name.
    return f"application_pdfs/{instance.version.application_id}/{uuid.uuid4().hex}.pdf"


class VersionPdf(models.Model):
    """A stored PDF copy of one submitted version, for one audience, rendered once in the task queue.

    Downloads serve the stored file; nothing renders in a web request. The
    state changes only through applicants.pdf_copies.version_pdf_transition().
    """

    version = models.ForeignKey(ApplicationVersion, on_delete=models.CASCADE, related_name="pdfs")
    kind = models.CharField(max_length=16, choices=VersionPdfKind.choices)
    status = models.CharField(
        _("state"),
        max_length=16,
        choices=VersionPdfStatus.choices,
        default=VersionPdfStatus.PENDING,
    )
    file = models.FileField(upload_to=version_pdf_path, max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="one_pdf_per_version_and_kind")
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.version} {self.kind}: {self.status}"

    @property
    def is_ready(self) -> bool:
        return self.status == VersionPdfStatus.RENDERED and bool(self.file.name)

    @property
    def is_failed(self) -> bool:
        return self.status == VersionPdfStatus.FAILED

    @property
    def is_for_reviewers(self) -> bool:
        return self.kind == VersionPdfKind.REVIEWER

    @property
    def status_badge(self) -> str:
        return VersionPdfStatus(self.status).badge


class VersionPdfChange(models.Model):
    """Audit trail of a stored PDF copy: one row per change of its state."""

    pdf = models.ForeignKey(VersionPdf, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=16, choices=VersionPdfStatus.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=VersionPdfStatus.choices)
    # Empty when the task worker made the change.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    # When the coordinators were told about a failure (claimed before sending).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.pdf_id}: {self.old_status} → {self.new_status}"


class SectionSave(models.Model):
    """Who saved which section of an application's working copy, when, and which fields changed.

    One row is one save, or several saves by the same person in the same section a few
    minutes apart (folded into one, so the history stays readable: `saves` counts them).
    `revision` is the section's revision after the latest of them; a save based on an
    older revision that would change what someone else saved meanwhile is stopped
    (applicants.section_saves). Only field names are kept, never the text.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="section_saves"
    )
    section = models.CharField(max_length=24)
    revision = models.PositiveIntegerField()
    # Kept when the account is deleted: the history then says "a former team member".
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    fields = models.JSONField(default=list)
    saves = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["application", "section", "-revision"])]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "section", "revision"], name="one_row_per_section_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.section} r{self.revision}"

    @property
    def by_name(self) -> str:
        """Who saved, as the team and the coordinators read it."""
        return self.by.display_name if self.by_id else str(_("A former team member"))

    @property
    def field_labels(self) -> list[str]:
        """The changed fields in words ("Goals", "Budget"), in the form's order."""
        from applicants.diff import FIELD_LABELS  # diff reads the snapshot, which reads models

        return [str(FIELD_LABELS.get(name, name)) for name in self.fields]


# Guardians' consents and patron confirmations live in their own module (issue 13).
from applicants.consents_models import (  # noqa: E402, F401 -- registered as this app's models
    GuardianConsent,
    GuardianConsentChange,
    PatronConfirmation,
    PatronConfirmationChange,
)

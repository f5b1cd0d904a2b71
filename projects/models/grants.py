"""The grant made from an accepted award, its agreement and who signs it, the bank account
and the payments, and what each call sets for them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applicants.budget import line_total
from applicants.enums import ApplicantKind, BudgetCategory
from applicants.models import Application
from core.fields import BoundedTextField
from core.search import search_fold, searchable_text
from decisions.models import Decision
from grants.models import GrantCall
from projects.enums import (
    AGREEMENT_REQUEST_UNFINISHED_STATES,
    GRANT_TRANSITIONS,
    SIGNED_STATES,
    SPENDING_STATES,
    AccountOwner,
    AgreementRequestState,
    AgreementState,
    BankAccountState,
    GrantState,
    GroupSigning,
    PaymentCondition,
    PaymentState,
    SignatoryRole,
    SignedDocumentState,
    SigningMethod,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
NOTE_LENGTH = 2_000

DEFAULT_DOCUMENT_SENTENCE = (
    "Sfinansowano ze środków programu {programme} w kwocie {amount} zł (umowa {number})."
)


class StateChangeRecord(models.Model):
    """What every audit row of a state here holds beside its record and the two states: who
    moved it (None: the system), when and why. `subject_field` names the record's key."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = BoundedTextField(max_length=NOTE_LENGTH, blank=True)

    subject_field = ""

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.old_state or '–'} → {self.new_state}"


class CallGrantTerms(models.Model):
    """What a call sets for its grants after the award: signing, payments, reports, duties.

    A call without its own row uses the defaults (projects.selectors.call_terms).
    """

    call = models.OneToOneField(GrantCall, on_delete=models.CASCADE, related_name="grant_terms")
    allow_in_system = models.BooleanField(_("acceptance in the system"), default=True)
    in_system_max_amount = models.DecimalField(
        _("acceptance in the system up to (zł)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Larger grants are signed on paper or electronically. Empty: any amount."),
        **MONEY,
    )
    allow_scan = models.BooleanField(_("scan of a paper agreement signed by hand"), default=True)
    allow_electronic = models.BooleanField(
        _("electronic signature (qualified or trusted profile)"), default=True
    )
    group_members_may_sign = models.BooleanField(
        _("an informal group may sign through three adult members"),
        default=True,
        help_text=_("Otherwise a group signs through its patron organisation's representative."),
    )
    signing_days = models.PositiveSmallIntegerField(
        _("days to sign the agreement"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    advance_percent = models.DecimalField(
        _("advance (per cent of the grant)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "100 pays the whole grant once the agreement is signed; e.g. 80 pays 80% then and "
            "the rest after the final report is accepted."
        ),
    )
    final_report_days = models.PositiveSmallIntegerField(
        _("final report due (days after the project ends)"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    line_tolerance_percent = models.DecimalField(
        _("a budget line may grow without approval by up to (per cent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Of the line's planned value, paid for by spending less on other lines. A bigger "
            "shift, a new line or a later end date needs an amendment approved by you."
        ),
    )
    interim_report = models.BooleanField(
        _("an interim report in the middle of the project"),
        default=False,
        help_text=_("Due 14 days after the middle of the project period."),
    )
    document_sentence = BoundedTextField(
        _("sentence to write on every financial document"),
        max_length=500,
        default=DEFAULT_DOCUMENT_SENTENCE,
        help_text=_("Placeholders: {programme}, {amount}, {number}."),
    )
    obligations = BoundedTextField(
        _("the grantee's obligations"),
        max_length=10_000,
        blank=True,
        help_text=_(
            "Markdown: e.g. the funder's logo on materials, accessibility duties. "
            "Written into every agreement of the call."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.call} – grant terms"


class AgreementTemplate(models.Model):
    """A call's wording of the agreement in one language: Markdown with {{ placeholders }}."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="agreement_templates"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "language"], name="one_agreement_template_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} – agreement ({self.language})"


class GrantQuerySet(models.QuerySet):
    def of_grantee(self, user) -> "GrantQuerySet":
        """The grants of `user`'s applications (none for an anonymous visitor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(application__applicant=user)

    def matching(self, query: str) -> "GrantQuerySet":
        """Those whose reference number, title or grantee contains `query` (any case, diacritics)."""
        folded = search_fold(query)
        return self.filter(search_text__contains=folded) if folded else self


class Grant(models.Model):
    """A funded project: an accepted award on its way through the agreement, payments and reports.

    Its state is written only by projects.services.grant_transition(). The
    reference number, title, grantee and amount are copied from the accepted
    award when the grant is made; the budget lines and the project's dates are
    its own (the grantee adjusts a reduced award's budget before the agreement).
    """

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="grant")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="grants")
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=GrantState.choices,
        default=GrantState.AGREEMENT_TO_PREPARE,
    )
    reference_number = models.CharField(_("reference number"), max_length=30)
    title = models.CharField(_("project title"), max_length=200)
    grantee_kind = models.CharField(_("who applied"), max_length=16, choices=ApplicantKind.choices)
    grantee_name = models.CharField(_("grantee"), max_length=300)
    amount = models.DecimalField(
        _("grant (zł)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    starts_on = models.DateField(_("project starts"), null=True, blank=True)
    ends_on = models.DateField(_("project ends"), null=True, blank=True)
    # An informal group signs through its patron or three adult members (the call allows it).
    group_signing = models.CharField(
        _("how the group signs"), max_length=10, choices=GroupSigning.choices, blank=True
    )
    # The grantee confirmed the budget lines (adjusted to a reduced award) for the agreement.
    budget_confirmed_at = models.DateTimeField(null=True, blank=True)
    signing_deadline = models.DateTimeField(_("sign by"), null=True, blank=True)
    # The activities and dates of the decided version, changed only by approved amendments:
    # [{"starts_on": "2026-05-01", "ends_on": "…", "activity": "…"}].
    schedule = models.JSONField(default=list, blank=True)
    # What the grantee planned to achieve (the application's indicators):
    # [{"name": "…", "unit": "…", "planned": "40"}].
    planned_indicators = models.JSONField(default=list, blank=True)
    # When the reports are due, from the project's dates and the call's terms; written only by
    # projects.report_dates.grant_report_dates_refresh() (an extension moves them).
    interim_report_due_on = models.DateField(_("interim report due"), null=True, blank=True)
    final_report_due_on = models.DateField(_("final report due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    terminated_reason = BoundedTextField(
        _("why the grant was terminated"), max_length=NOTE_LENGTH, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(blank=True, editable=False)

    objects = GrantQuerySet.as_manager()
    history = HistoricalRecords()

    SEARCHED_FIELDS = ("reference_number", "title", "grantee_name")

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["call", "reference_number", "pk"]
        # No index led by the state alone: SQLite (no statistics) would take it over a
        # person's own grants (by application) and scan a whole state for one grantee.
        indexes = [
            models.Index(fields=["call", "state"]),
            # The coordinators' list of a call's grants, a page at a time in reference order.
            models.Index(fields=["call", "reference_number", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference_number} – {self.title}"

    def save(self, *args, **kwargs):
        """Save, folding the searched fields into search_text when one of them is saved."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.SEARCHED_FIELDS):
            self.search_text = searchable_text(*(getattr(self, f) for f in self.SEARCHED_FIELDS))
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:grant", kwargs={"pk": self.pk})

    @property
    def state_badge(self) -> str:
        return GrantState(self.state).badge

    @property
    def is_signed(self) -> bool:
        return self.state in SIGNED_STATES

    @property
    def is_terminated(self) -> bool:
        return self.state == GrantState.TERMINATED

    @property
    def may_be_terminated(self) -> bool:
        """The agreement can still be terminated (not once the grant is settled or closed)."""
        return GrantState.TERMINATED in GRANT_TRANSITIONS[self.state]

    @property
    def awaits_signatures(self) -> bool:
        """The agreement is out for signature: its signing deadline still matters."""
        return self.state == GrantState.AGREEMENT_SENT

    @property
    def agreement_number_base(self) -> str:
        """Agreements are numbered <reference>/U1, /U2…"""
        return f"{self.reference_number}/U"

    @property
    def is_spending(self) -> bool:
        """The project is under way: documents, amendments and reports are added."""
        return self.state in SPENDING_STATES


class GrantStateChange(StateChangeRecord):
    """Audit trail of grants: one row per move, with who (None: the system) and why."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="state_changes")
    old_state = models.CharField(max_length=16, choices=GrantState.choices, blank=True)
    new_state = models.CharField(max_length=16, choices=GrantState.choices)

    subject_field = "grant"


class GrantBudgetLine(models.Model):
    """One line of the grant's budget: copied from the accepted application, adjusted by the
    grantee to a reduced award before the agreement, annexed to the agreement."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="budget_lines")
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

    @property
    def from_grant(self) -> Decimal:
        """What the grant pays of this line: its total less the own contribution."""
        return self.total - self.own_contribution


def format_iban(iban: str) -> str:
    """An IBAN as people read it: groups of four, e.g. "PL61 1090 1014 0000 0712 1981 2874"."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def agreement_path(instance: "Agreement", filename: str) -> str:
    return f"agreements/{instance.grant.call_id}/{instance.number.replace('/', '-')}.pdf"


class Agreement(models.Model):
    """One issued version of a grant's agreement: a numbered PDF, immutable once sent.

    Its state is written only by projects.services.agreement_transition(). A
    correction withdraws it and issues the next version (<reference>/U2).
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    number = models.CharField(_("agreement number"), max_length=40, unique=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    state = models.CharField(
        max_length=10, choices=AgreementState.choices, default=AgreementState.SENT
    )
    pdf = models.FileField(upload_to=agreement_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = BoundedTextField(_("reason for a new version"), max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["grant", "version"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"], name="one_agreement_per_version"),
            # At most one version of a grant's agreement is in force (sent or signed).
            models.UniqueConstraint(
                fields=["grant"],
                condition=~Q(state=AgreementState.WITHDRAWN),
                name="one_agreement_in_force",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_badge(self) -> str:
        return AgreementState(self.state).badge


class AgreementStateChange(StateChangeRecord):
    """Audit trail of agreements."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="state_changes")
    old_state = models.CharField(max_length=10, choices=AgreementState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=AgreementState.choices)

    subject_field = "agreement"


class AgreementRequest(models.Model):
    """A coordinator's "Send" of one version of a grant's agreement, for a task worker to do.

    Pressing "Send" checks the agreement's readiness and records this row; a
    worker renders the PDF, stores the Agreement and moves the grant to "sent"
    (projects.agreement_issuing). Its state is written only by
    agreement_request_transition(); a failure keeps the error for the
    coordinator, whose Retry issues this same version.
    """

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="agreement_requests")
    version = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=10,
        choices=AgreementRequestState.choices,
        default=AgreementRequestState.QUEUED,
    )
    error = BoundedTextField(max_length=NOTE_LENGTH, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    agreement = models.OneToOneField(
        Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["grant", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "version"], name="one_agreement_request_per_version"
            ),
            # One "Send" at a time: a second press finds the first (or retries it when it failed).
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(state__in=sorted(AGREEMENT_REQUEST_UNFINISHED_STATES)),
                name="one_unfinished_agreement_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} /U{self.version} ({self.state})"

    @property
    def state_badge(self) -> str:
        return AgreementRequestState(self.state).badge

    @property
    def is_open(self) -> bool:
        return AgreementRequestState(self.state).is_open

    @property
    def is_failed(self) -> bool:
        return self.state == AgreementRequestState.FAILED


class AgreementRequestChange(StateChangeRecord):
    """Audit trail of agreement requests; a move to FAILED is e-mailed to the coordinators once."""

    request = models.ForeignKey(
        AgreementRequest, on_delete=models.CASCADE, related_name="state_changes"
    )
    old_state = models.CharField(max_length=10, choices=AgreementRequestState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=AgreementRequestState.choices)
    notified_at = models.DateTimeField(null=True, blank=True)

    subject_field = "request"


class Signatory(models.Model):
    """A person who signs the agreement for the grantee.

    Who must sign follows from who applied (projects.signatories): an adult
    individual; an NGO's representatives; an informal group's patron
    representative or three adult members. Signing in the system needs an
    account with the signatory's e-mail address.
    """

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="signatories")
    role = models.CharField(_("signs as"), max_length=16, choices=SignatoryRole.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    function = models.CharField(
        _("function"), max_length=200, blank=True, help_text=_("E.g. President of the Board.")
    )
    email = models.EmailField(_("e-mail"))
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    organisation_krs = models.CharField(_("organisation's KRS number"), max_length=10, blank=True)
    is_adult_confirmed = models.BooleanField(_("confirmed to be 18 or older"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatory_roles",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["grant", "position", "pk"]
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.full_name


class BankAccount(models.Model):
    """An account the grant is paid to. The grantee gives it before the agreement; a change
    after signing waits for the coordinator. State written only by bank_account_transition()."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="bank_accounts")
    iban = models.CharField(_("account number (IBAN)"), max_length=34)
    holder_name = models.CharField(_("account holder"), max_length=200)
    owner = models.CharField(_("whose account"), max_length=10, choices=AccountOwner.choices)
    # A new entry starts as a change waiting for an answer; before the agreement is sent the
    # grantee's entry is put in use at once (projects.bank_accounts.bank_account_give).
    state = models.CharField(
        max_length=10, choices=BankAccountState.choices, default=BankAccountState.PENDING
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    note = BoundedTextField(max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["grant", "-entered_at", "-pk"]
        # The coordinators' start page counts the account changes waiting, from this index.
        indexes = [models.Index(fields=["state", "grant"])]
        constraints = [
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(state=BankAccountState.IN_USE),
                name="one_bank_account_in_use",
            ),
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(state=BankAccountState.PENDING),
                name="one_bank_account_change_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id}: …{self.iban[-4:]}"

    @property
    def masked_iban(self) -> str:
        """What people other than coordinators see: the country and the last four digits."""
        return f"{self.iban[:2]}•• •••• … {self.iban[-4:]}"

    @property
    def formatted_iban(self) -> str:
        """The whole number in groups of four, as banks print it (coordinators only)."""
        return format_iban(self.iban)


class BankAccountStateChange(StateChangeRecord):
    account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=10, choices=BankAccountState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=BankAccountState.choices)

    subject_field = "account"


class Payment(models.Model):
    """One instalment of a grant. State written only by projects.services.payment_transition()."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    amount = models.DecimalField(
        _("amount (zł)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    condition = models.CharField(_("due"), max_length=10, choices=PaymentCondition.choices)
    state = models.CharField(
        max_length=10, choices=PaymentState.choices, default=PaymentState.PLANNED
    )
    due_since = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_paid_at = models.DateTimeField(null=True, blank=True)
    # The account the money went to, as it was when the payment was marked paid.
    paid_to_iban = models.CharField(max_length=34, blank=True)

    class Meta:
        ordering = ["grant", "number"]
        # The coordinators' start page counts the payments due, from this index.
        indexes = [models.Index(fields=["state", "grant"])]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="one_payment_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} #{self.number}: {self.amount} ({self.state})"

    @property
    def state_badge(self) -> str:
        return PaymentState(self.state).badge

    @property
    def is_due(self) -> bool:
        """Waiting to be paid: a coordinator may mark it paid."""
        return self.state == PaymentState.DUE


class PaymentStateChange(StateChangeRecord):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=10, choices=PaymentState.choices, blank=True)
    new_state = models.CharField(max_length=10, choices=PaymentState.choices)

    subject_field = "payment"


def signed_document_path(instance: "SignedDocument", filename: str) -> str:
    agreement = instance.agreement
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    return (
        f"agreements/{agreement.grant.call_id}/signed/"
        f"{agreement.number.replace('/', '-')}-{instance.method}-{stamp}{instance.extension}"
    )


class SignedDocument(models.Model):
    """The grantee's upload of the signed agreement: a scan of the paper signed by hand (the
    coordinator confirms it) or an electronically signed PDF (checked by projects.pades).

    State written only by projects.signing.signed_document_transition().
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="signed_documents"
    )
    method = models.CharField(max_length=12, choices=SigningMethod.choices)
    state = models.CharField(
        max_length=10, choices=SignedDocumentState.choices, default=SignedDocumentState.WAITING
    )
    file = models.FileField(upload_to=signed_document_path, max_length=300)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # What the electronic signature check found: the signers' names and the chain's trust.
    verification = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = BoundedTextField(_("why it was refused"), max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["agreement", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement} ({self.method}, {self.state})"

    @property
    def state_badge(self) -> str:
        return SignedDocumentState(self.state).badge

    @property
    def is_waiting(self) -> bool:
        return self.state == SignedDocumentState.WAITING


class Signature(models.Model):
    """One signatory's signature on one agreement version: when, how, by which account, from
    where. A scan or an e-signed file accepted records one for each signatory."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    # Null once the grantee changes their signatories for a new version of the agreement;
    # who signed stays in signer_name and signer_email.
    signatory = models.ForeignKey(
        Signatory, on_delete=models.SET_NULL, null=True, related_name="signatures"
    )
    signer_name = models.CharField(max_length=200)
    signer_email = models.EmailField()
    method = models.CharField(max_length=12, choices=SigningMethod.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    document = models.ForeignKey(
        SignedDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )

    class Meta:
        ordering = ["agreement", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "signatory"], name="one_signature_per_signatory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.signatory} ({self.method})"


class SignatureReminder(models.Model):
    """A reminder sent to a signatory who hadn't signed, `days_before` the signing deadline.
    The unique row makes sending idempotent: never twice for the same reminder."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "signatory", "days_before"], name="one_signature_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signatory_id}: {self.days_before} days before"

"""States of a funded project (a grant), its agreement, bank account and payments, with the
moves allowed between them; how a call's grants are signed and paid."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GrantState(models.TextChoices):
    """Where a grant is after its award was accepted.

    Written only by projects.services.grant_transition(). Once the final report is
    accepted the grant is settled (projects.settlements): the last instalment is
    paid or the unspent money returned, then the coordinator closes it.
    """

    AGREEMENT_TO_PREPARE = "to_prepare", _("Agreement to prepare")
    AGREEMENT_SENT = "sent", _("Agreement sent")
    SIGNED = "signed", _("Agreement signed")
    ACTIVE = "active", _("Under way")
    SETTLED = "settled", _("Settled")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Agreement terminated")

    @property
    def badge(self) -> str:
        """The Bootstrap badge classes of this state (one place for the colours)."""
        return GRANT_STATE_BADGES[self]


G = GrantState

GRANT_STATE_BADGES = {
    G.AGREEMENT_TO_PREPARE: "text-bg-warning",
    G.AGREEMENT_SENT: "text-bg-primary",
    G.SIGNED: "text-bg-info",
    G.ACTIVE: "text-bg-success",
    G.SETTLED: "text-bg-info",
    G.CLOSED: "text-bg-secondary",
    G.TERMINATED: "text-bg-dark",
}

GRANT_TRANSITIONS: dict[str, set[str]] = {
    G.AGREEMENT_TO_PREPARE: {G.AGREEMENT_SENT, G.TERMINATED},
    # Back to preparing: the coordinator withdraws a sent agreement to correct it (a new
    # version follows); signatures given on the withdrawn one no longer count.
    G.AGREEMENT_SENT: {G.SIGNED, G.AGREEMENT_TO_PREPARE, G.TERMINATED},
    G.SIGNED: {G.ACTIVE, G.TERMINATED},
    G.ACTIVE: {G.SETTLED, G.TERMINATED},
    # Settled: the final report was accepted and the settlement issued; what is left is
    # money (the last instalment, or a return). Reopened to ACTIVE when the settlement is
    # withdrawn to correct it.
    G.SETTLED: {G.CLOSED, G.ACTIVE},
    G.CLOSED: set(),
    G.TERMINATED: set(),
}

# The grant's agreement can still be prepared or changed (budget, signatories, account).
PREPARING_STATES = frozenset({G.AGREEMENT_TO_PREPARE})
# The agreement binds both sides: the grant is under way.
SIGNED_STATES = frozenset({G.SIGNED, G.ACTIVE, G.SETTLED, G.CLOSED})
# The project is being carried out: the grantee records spending, asks for amendments and
# reports.
SPENDING_STATES = frozenset({G.ACTIVE})
# Nothing more happens to the grant.
FINAL_GRANT_STATES = frozenset({G.TERMINATED, G.CLOSED})


class AgreementState(models.TextChoices):
    """One issued version of a grant's agreement. Written only by agreement_transition()."""

    SENT = "sent", _("Sent for signature")
    SIGNED = "signed", _("Signed")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def badge(self) -> str:
        return AGREEMENT_STATE_BADGES[self]


AGREEMENT_STATE_BADGES = {
    AgreementState.SENT: "text-bg-primary",
    AgreementState.SIGNED: "text-bg-success",
    AgreementState.WITHDRAWN: "text-bg-secondary",
}

AGREEMENT_TRANSITIONS: dict[str, set[str]] = {
    AgreementState.SENT: {AgreementState.SIGNED, AgreementState.WITHDRAWN},
    AgreementState.SIGNED: set(),
    AgreementState.WITHDRAWN: set(),
}


class SigningMethod(models.TextChoices):
    """How a grantee signs the agreement (the call allows some of them)."""

    IN_SYSTEM = "in_system", _("Accepted in the system (password confirmation)")
    SCAN = "scan", _("Signed by hand on paper, scan uploaded")
    ELECTRONIC = "electronic", _("Electronic signature (qualified or trusted profile)")


class SignatoryRole(models.TextChoices):
    """Who a signatory is for the grantee."""

    APPLICANT = "applicant", _("The applicant")
    REPRESENTATIVE = "representative", _("Representative of the organisation")
    PATRON_REPRESENTATIVE = "patron", _("Representative of the patron organisation")
    GROUP_MEMBER = "member", _("Member of the group")
    GUARDIAN = "guardian", _("Parent or legal guardian of the applicant")


class GroupSigning(models.TextChoices):
    """How an informal group's agreement is signed."""

    PATRON = "patron", _("By the patron organisation's representative")
    THREE_MEMBERS = "members", _("By three adult members of the group")


class SignedDocumentState(models.TextChoices):
    """An uploaded signed agreement (a scan, or an electronically signed PDF).

    Written only by projects.signing.signed_document_transition().
    """

    WAITING = "waiting", _("Waiting for the coordinator")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")

    @property
    def badge(self) -> str:
        return SIGNED_DOCUMENT_STATE_BADGES[self]


SIGNED_DOCUMENT_STATE_BADGES = {
    SignedDocumentState.WAITING: "text-bg-warning",
    SignedDocumentState.ACCEPTED: "text-bg-success",
    SignedDocumentState.REFUSED: "text-bg-danger",
}

SIGNED_DOCUMENT_TRANSITIONS: dict[str, set[str]] = {
    SignedDocumentState.WAITING: {SignedDocumentState.ACCEPTED, SignedDocumentState.REFUSED},
    SignedDocumentState.ACCEPTED: set(),
    SignedDocumentState.REFUSED: set(),
}


class BankAccountState(models.TextChoices):
    """One bank account given for a grant. Written only by bank_account_transition()."""

    IN_USE = "in_use", _("In use")
    PENDING = "pending", _("Change waiting for the coordinator")
    REPLACED = "replaced", _("Replaced")
    REFUSED = "refused", _("Change refused")

    @property
    def badge(self) -> str:
        return BANK_ACCOUNT_STATE_BADGES[self]


BANK_ACCOUNT_STATE_BADGES = {
    BankAccountState.IN_USE: "text-bg-success",
    BankAccountState.PENDING: "text-bg-warning",
    BankAccountState.REPLACED: "text-bg-secondary",
    BankAccountState.REFUSED: "text-bg-danger",
}

BANK_ACCOUNT_TRANSITIONS: dict[str, set[str]] = {
    # PENDING → IN_USE: the coordinator confirms a change made after signing.
    BankAccountState.PENDING: {BankAccountState.IN_USE, BankAccountState.REFUSED},
    BankAccountState.IN_USE: {BankAccountState.REPLACED},
    BankAccountState.REPLACED: set(),
    BankAccountState.REFUSED: set(),
}


class AccountOwner(models.TextChoices):
    """Whose account the grant is paid to."""

    GRANTEE = "grantee", _("The grantee's own account")
    PATRON = "patron", _("The patron organisation's account")


class PaymentCondition(models.TextChoices):
    """When an instalment becomes due."""

    AGREEMENT_SIGNED = "signed", _("After the agreement is signed")
    FINAL_REPORT_ACCEPTED = "report", _("After the final report is accepted")


class PaymentState(models.TextChoices):
    """One instalment of a grant. Written only by payment_transition()."""

    PLANNED = "planned", _("Planned")
    # "Due" alone is also a review's deadline ("Termin"): an instalment is due to be paid.
    DUE = "due", pgettext_lazy("payment state", "Due")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def badge(self) -> str:
        return PAYMENT_STATE_BADGES[self]


PAYMENT_STATE_BADGES = {
    PaymentState.PLANNED: "text-bg-light border",
    PaymentState.DUE: "text-bg-warning",
    PaymentState.PAID: "text-bg-success",
    PaymentState.CANCELLED: "text-bg-secondary",
}

PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PaymentState.PLANNED: {PaymentState.DUE, PaymentState.CANCELLED},
    PaymentState.DUE: {PaymentState.PAID, PaymentState.CANCELLED},
    PaymentState.PAID: set(),
    PaymentState.CANCELLED: set(),
}


class AgreementRequestState(models.TextChoices):
    """A coordinator's "Send" of a grant's agreement, rendered and stored by a task worker.

    Written only by projects.agreement_issuing.agreement_request_transition().
    """

    QUEUED = "queued", _("Waiting to be prepared")
    ISSUING = "issuing", _("Being prepared")
    ISSUED = "issued", _("Issued")
    FAILED = "failed", _("Failed")

    @property
    def badge(self) -> str:
        return AGREEMENT_REQUEST_STATE_BADGES[self]

    @property
    def is_open(self) -> bool:
        """A worker has yet to render it: the pages say "agreement being prepared…"."""
        return self in AGREEMENT_REQUEST_OPEN_STATES


AGREEMENT_REQUEST_STATE_BADGES = {
    AgreementRequestState.QUEUED: "text-bg-light border",
    AgreementRequestState.ISSUING: "text-bg-info",
    AgreementRequestState.ISSUED: "text-bg-success",
    AgreementRequestState.FAILED: "text-bg-danger",
}

# Every request ends ISSUED or FAILED; FAILED goes back to QUEUED only by the coordinator's
# retry; ISSUING goes back to QUEUED when a worker that stopped mid-way is taken over.
AGREEMENT_REQUEST_TRANSITIONS: dict[str, set[str]] = {
    AgreementRequestState.QUEUED: {AgreementRequestState.ISSUING, AgreementRequestState.FAILED},
    AgreementRequestState.ISSUING: {
        AgreementRequestState.ISSUED,
        AgreementRequestState.FAILED,
        AgreementRequestState.QUEUED,
    },
    AgreementRequestState.ISSUED: set(),
    AgreementRequestState.FAILED: {AgreementRequestState.QUEUED},
}
# Waiting for a worker, or being rendered by one.
AGREEMENT_REQUEST_OPEN_STATES = frozenset(
    {AgreementRequestState.QUEUED, AgreementRequestState.ISSUING}
)
# Not issued yet: at most one such request per grant.
AGREEMENT_REQUEST_UNFINISHED_STATES = AGREEMENT_REQUEST_OPEN_STATES | {AgreementRequestState.FAILED}


# --- After the project starts: spending, amendments, reports, settlement -------------------


class DocumentKind(models.TextChoices):
    """What a financial document is."""

    INVOICE = "invoice", _("Invoice")
    BILL = "bill", _("Bill (rachunek)")
    RECEIPT = "receipt", _("Receipt (paragon)")
    CONTRACT = "contract", _("Contract with its bill (e.g. for a trainer)")
    OTHER = "other", _("Other document")


class AmendmentKind(models.TextChoices):
    """What an amendment changes (one request may change several)."""

    BUDGET_SHIFT = "shift", _("Moving money between budget lines")
    NEW_LINE = "new_line", _("A new budget line")
    EXTENSION = "extension", _("A later end date")
    ACTIVITIES = "activities", _("A change of activities or schedule")


class AmendmentState(models.TextChoices):
    """A grantee's request to change the grant. Written only by amendment_transition().

    A change within the call's tolerance is recorded at once as NOTIFIED; others
    wait for the coordinator, who approves (an annex <reference>/A1 is issued) or
    refuses with a reason. The grantee may withdraw a request not answered yet.
    """

    REQUESTED = "requested", _("Waiting for the coordinator")
    NOTIFIED = "notified", _("Notified change (within the rules)")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def badge(self) -> str:
        return AMENDMENT_STATE_BADGES[self]


AMENDMENT_STATE_BADGES = {
    AmendmentState.REQUESTED: "text-bg-warning",
    AmendmentState.NOTIFIED: "text-bg-info",
    AmendmentState.APPROVED: "text-bg-success",
    AmendmentState.REFUSED: "text-bg-danger",
    AmendmentState.WITHDRAWN: "text-bg-secondary",
}

# "" is the start: a request is created REQUESTED, or NOTIFIED when it keeps to the rules.
AMENDMENT_TRANSITIONS: dict[str, set[str]] = {
    "": {AmendmentState.REQUESTED, AmendmentState.NOTIFIED},
    AmendmentState.REQUESTED: {
        AmendmentState.APPROVED,
        AmendmentState.REFUSED,
        AmendmentState.WITHDRAWN,
    },
    AmendmentState.NOTIFIED: set(),
    AmendmentState.APPROVED: set(),
    AmendmentState.REFUSED: set(),
    AmendmentState.WITHDRAWN: set(),
}
# The changes in force: the grant's budget and dates include them.
AMENDMENT_IN_FORCE_STATES = frozenset({AmendmentState.NOTIFIED, AmendmentState.APPROVED})


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportState(models.TextChoices):
    """A grantee's report. Written only by projects.reports.report_transition().

    Corrections follow the formal check's pattern: the coordinator says what to
    correct and by when; the grantee corrects and submits again.
    """

    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted, being checked")
    CORRECTIONS = "corrections", _("Corrections requested")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partial", _("Partially accepted")

    @property
    def badge(self) -> str:
        return REPORT_STATE_BADGES[self]


REPORT_STATE_BADGES = {
    ReportState.DRAFT: "text-bg-light border",
    ReportState.SUBMITTED: "text-bg-primary",
    ReportState.CORRECTIONS: "text-bg-warning",
    ReportState.ACCEPTED: "text-bg-success",
    ReportState.PARTIALLY_ACCEPTED: "text-bg-info",
}

REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportState.DRAFT: {ReportState.SUBMITTED},
    ReportState.SUBMITTED: {
        ReportState.CORRECTIONS,
        ReportState.ACCEPTED,
        ReportState.PARTIALLY_ACCEPTED,
    },
    ReportState.CORRECTIONS: {ReportState.SUBMITTED},
    ReportState.ACCEPTED: set(),
    ReportState.PARTIALLY_ACCEPTED: set(),
}
# The grantee may edit the report.
REPORT_EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.CORRECTIONS})
REPORT_ACCEPTED_STATES = frozenset({ReportState.ACCEPTED, ReportState.PARTIALLY_ACCEPTED})


class SettlementState(models.TextChoices):
    """A grant's settlement, issued when its final report is accepted.

    Written only by projects.settlements.settlement_transition(). BALANCED: nothing is
    owed back (the last instalment, if any, is a Payment). RETURN_DUE: the grantee
    returns unspent or ineligible money by a date; the coordinator marks it received.
    WITHDRAWN: the coordinator withdrew it to correct it; the next version follows.
    """

    BALANCED = "balanced", _("Settled, nothing to return")
    RETURN_DUE = "return_due", _("Return due")
    RETURN_RECEIVED = "returned", _("Return received")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def badge(self) -> str:
        return SETTLEMENT_STATE_BADGES[self]


SETTLEMENT_STATE_BADGES = {
    SettlementState.BALANCED: "text-bg-success",
    SettlementState.RETURN_DUE: "text-bg-warning",
    SettlementState.RETURN_RECEIVED: "text-bg-success",
    SettlementState.WITHDRAWN: "text-bg-secondary",
}

SETTLEMENT_TRANSITIONS: dict[str, set[str]] = {
    "": {SettlementState.BALANCED, SettlementState.RETURN_DUE},
    SettlementState.BALANCED: {SettlementState.WITHDRAWN},
    SettlementState.RETURN_DUE: {SettlementState.RETURN_RECEIVED, SettlementState.WITHDRAWN},
    SettlementState.RETURN_RECEIVED: set(),
    SettlementState.WITHDRAWN: set(),
}

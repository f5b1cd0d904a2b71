"""States of a funded project (a grant), its agreement, bank account and payments, with the
moves allowed between them; how a call's grants are signed and paid."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GrantState(models.TextChoices):
    """Where a grant is after its award was accepted.

    Written only by projects.services.grant_transition(). The next stages of a
    grant's life (reporting, settled, closed) come with the reports.
    """

    AGREEMENT_TO_PREPARE = "to_prepare", _("Agreement to prepare")
    AGREEMENT_SENT = "sent", _("Agreement sent")
    SIGNED = "signed", _("Agreement signed")
    ACTIVE = "active", _("Under way")
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
    G.TERMINATED: "text-bg-dark",
}

GRANT_TRANSITIONS: dict[str, set[str]] = {
    G.AGREEMENT_TO_PREPARE: {G.AGREEMENT_SENT, G.TERMINATED},
    # Back to preparing: the coordinator withdraws a sent agreement to correct it (a new
    # version follows); signatures given on the withdrawn one no longer count.
    G.AGREEMENT_SENT: {G.SIGNED, G.AGREEMENT_TO_PREPARE, G.TERMINATED},
    G.SIGNED: {G.ACTIVE, G.TERMINATED},
    G.ACTIVE: {G.TERMINATED},
    G.TERMINATED: set(),
}

# The grant's agreement can still be prepared or changed (budget, signatories, account).
PREPARING_STATES = frozenset({G.AGREEMENT_TO_PREPARE})
# The agreement binds both sides: the grant is under way.
SIGNED_STATES = frozenset({G.SIGNED, G.ACTIVE})
# Nothing more happens to the grant.
FINAL_GRANT_STATES = frozenset({G.TERMINATED})


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

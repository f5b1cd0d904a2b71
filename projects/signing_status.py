"""Where a grant's signing stands, for its pages: who must sign, who has, what waits for whom.

Reads only what the grant pages prefetch (signatories, agreements with their signatures and
signed files) plus the decided version's applicant (one query).
"""

from dataclasses import dataclass, field

from projects.enums import PREPARING_STATES, AgreementState, SignedDocumentState, SigningMethod
from projects.models import Agreement, CallGrantTerms, Grant, Signatory, Signature, SignedDocument
from projects.signatories import SigningPlan, signatories_missing, signing_plan


def agreement_to_sign(grant: Grant) -> Agreement | None:
    """The agreement in force waiting for signatures (state "sent"), if any. Reads
    grant.agreements.all() (prefetched on the grant pages)."""
    return next((a for a in grant.agreements.all() if a.state == AgreementState.SENT), None)


def signing_methods(*, grant: Grant, terms: CallGrantTerms) -> list[str]:
    """The ways the call lets this grant be signed (in the system only up to its limit)."""
    methods = []
    if terms.allow_in_system and (
        terms.in_system_max_amount is None or grant.amount <= terms.in_system_max_amount
    ):
        methods.append(SigningMethod.IN_SYSTEM)
    if terms.allow_scan:
        methods.append(SigningMethod.SCAN)
    if terms.allow_electronic:
        methods.append(SigningMethod.ELECTRONIC)
    return methods


@dataclass
class SignatoryRow:
    signatory: Signatory
    signature: Signature | None


@dataclass
class SigningStatus:
    plan: SigningPlan
    missing: str
    can_edit_signatories: bool
    methods: list[str]
    agreement: Agreement | None  # the agreement in force (sent or signed)
    rows: list[SignatoryRow] = field(default_factory=list)
    documents: list[SignedDocument] = field(default_factory=list)

    @property
    def waiting_for_signatures(self) -> bool:
        return self.agreement is not None and self.agreement.state == AgreementState.SENT

    @property
    def is_signed(self) -> bool:
        """Signed by both sides (countersigned)."""
        return self.agreement is not None and self.agreement.state == AgreementState.SIGNED

    @property
    def all_signed(self) -> bool:
        return bool(self.rows) and all(row.signature for row in self.rows)

    @property
    def still_to_sign(self) -> list[SignatoryRow]:
        return [row for row in self.rows if row.signature is None]

    @property
    def waiting_document(self) -> SignedDocument | None:
        return next((d for d in self.documents if d.state == SignedDocumentState.WAITING), None)

    @property
    def can_countersign(self) -> bool:
        return self.waiting_for_signatures and self.all_signed

    @property
    def can_upload(self) -> bool:
        return self.waiting_for_signatures and not self.all_signed and self.waiting_document is None


def signing_status(*, grant: Grant, terms: CallGrantTerms) -> SigningStatus:
    agreement = next(
        (a for a in grant.agreements.all() if a.state != AgreementState.WITHDRAWN), None
    )
    signatures = {}
    documents = []
    if agreement is not None:
        signatures = {s.signatory_id: s for s in agreement.signatures.all()}
        documents = sorted(agreement.signed_documents.all(), key=lambda d: d.uploaded_at)
    return SigningStatus(
        plan=signing_plan(grant=grant, terms=terms),
        missing=signatories_missing(grant=grant, terms=terms),
        can_edit_signatories=grant.state in PREPARING_STATES,
        methods=signing_methods(grant=grant, terms=terms),
        agreement=agreement,
        rows=[SignatoryRow(s, signatures.get(s.pk)) for s in grant.signatories.all()],
        documents=documents,
    )

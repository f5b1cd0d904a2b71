"""Rows that move a grant along without the parts' services (for lists, waiting-for, pages):
a grant at a given point of its progress, built from GrantFactory and plain rows."""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from projects.enums import (
    AccountOwner,
    AgreementState,
    BankAccountState,
    GrantState,
    PaymentCondition,
    PaymentState,
    ReportKind,
    ReportState,
    SettlementState,
    SignatoryRole,
    SigningMethod,
)
from projects.models import (
    Agreement,
    BankAccount,
    Payment,
    Report,
    Settlement,
    Signatory,
    Signature,
)
from projects.tests.factories import GrantFactory

IBAN = "PL61109010140000071219812874"


def add_signatories(grant, count=1, **fields):
    return [
        Signatory.objects.create(
            grant=grant,
            role=fields.get("role", SignatoryRole.APPLICANT),
            full_name=fields.get("full_name", f"Osoba {n}"),
            email=fields.get("email", f"osoba{n}-{grant.pk}@example.org"),
            user=fields.get("user"),
            position=n,
        )
        for n in range(count)
    ]


def add_bank_account(grant, state=BankAccountState.IN_USE, **fields):
    return BankAccount.objects.create(
        grant=grant,
        iban=fields.get("iban", IBAN),
        holder_name=fields.get("holder_name", grant.grantee_name),
        owner=AccountOwner.GRANTEE,
        state=state,
    )


def add_agreement(grant, state=AgreementState.SENT, *, countersigned=False):
    content = f"%PDF-1.7\n% {grant.reference_number}/U1\n%%EOF\n".encode()
    agreement = Agreement(
        grant=grant,
        version=1,
        number=f"{grant.reference_number}/U1",
        language="pl",
        state=state,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        countersigned_at=timezone.now() if countersigned else None,
    )
    agreement.pdf.save("agreement.pdf", ContentFile(content), save=False)
    agreement.save()
    return agreement


def add_payment(grant, state=PaymentState.DUE, number=1, amount=None):
    return Payment.objects.create(
        grant=grant,
        number=number,
        amount=amount or grant.amount,
        condition=PaymentCondition.AGREEMENT_SIGNED,
        state=state,
        due_since=timezone.now() if state != PaymentState.PLANNED else None,
    )


def add_report(grant, state=ReportState.SUBMITTED, kind=ReportKind.FINAL, **fields):
    return Report.objects.create(
        grant=grant,
        kind=kind,
        state=state,
        submitted_at=timezone.now() if state != ReportState.DRAFT else None,
        **fields,
    )


def add_settlement(grant, state=SettlementState.BALANCED, *, return_amount="0", report=None):
    report = report or add_report(grant, ReportState.ACCEPTED)
    version = grant.settlements.count() + 1
    return Settlement.objects.create(
        grant=grant,
        report=report,
        version=version,
        number=f"{grant.reference_number}/R{version}",
        state=state,
        awarded=grant.amount,
        spent_from_grant=grant.amount - Decimal(return_amount),
        eligible=grant.amount - Decimal(return_amount),
        paid_before=grant.amount,
        return_amount=Decimal(return_amount),
        return_due_on=(timezone.localdate() + timedelta(days=14))
        if Decimal(return_amount)
        else None,
    )


# The second half's stages: a grant under way, then settled, then closed (see grant_at).
SECOND_HALF_STATES = {
    "report_due": GrantState.ACTIVE,
    "report_overdue": GrantState.ACTIVE,
    "report_submitted": GrantState.ACTIVE,
    "report_corrections": GrantState.ACTIVE,
    "settled_return": GrantState.SETTLED,
    "settled_payment": GrantState.SETTLED,
    "settled": GrantState.SETTLED,
    "closed": GrantState.CLOSED,
}


def grant_at(stage: str, *, signatory_user=None, **factory_fields):
    """A grant at `stage`:
    "new" (nothing given), "ready" (budget, account, signatories: the agreement to send),
    "sent" (agreement out for signature), "signed_by_grantee" (to countersign),
    "payment_due" (signed, a payment due), "active" (under way, nothing due),
    "account_change" (active, a new account waiting), "terminated"; and after it (rows, no
    services): "report_due" (the final report due in 10 days), "report_overdue" (due 12 days
    ago), "report_submitted", "report_corrections", "settled_return" (a return due),
    "settled_payment" (the last instalment due), "settled" (nothing owed), "closed"."""
    states = {
        "new": GrantState.AGREEMENT_TO_PREPARE,
        "ready": GrantState.AGREEMENT_TO_PREPARE,
        "sent": GrantState.AGREEMENT_SENT,
        "signed_by_grantee": GrantState.AGREEMENT_SENT,
        "payment_due": GrantState.SIGNED,
        "active": GrantState.ACTIVE,
        "account_change": GrantState.ACTIVE,
        "terminated": GrantState.TERMINATED,
        **SECOND_HALF_STATES,
    }
    if stage == "new":
        # Less than the application asked (3,000 zł): the grantee adjusts the budget first.
        factory_fields.setdefault("amount", Decimal("2500.00"))
    grant = GrantFactory(state=states[stage], **factory_fields)
    if stage == "new":
        return grant
    grant.budget_confirmed_at = timezone.now() - timedelta(days=3)
    if stage in ("sent", "signed_by_grantee"):
        grant.signing_deadline = timezone.now() + timedelta(days=10)
    grant.save()
    if signatory_user is not None:  # the one who signs has an account (e.g. the grantee)
        add_signatories(
            grant,
            1,
            user=signatory_user,
            email=signatory_user.email,
            full_name=signatory_user.full_name or "Osoba 0",
        )
    else:
        add_signatories(grant, 1)
    add_bank_account(grant)
    if stage == "sent":
        add_agreement(grant)
    elif stage == "signed_by_grantee":
        # Every signatory signed the agreement sent; the coordinator's countersignature is next.
        agreement = add_agreement(grant)
        for signatory in grant.signatories.all():
            Signature.objects.create(
                agreement=agreement,
                signatory=signatory,
                signer_name=signatory.full_name,
                signer_email=signatory.email,
                method=SigningMethod.IN_SYSTEM,
            )
    elif stage in ("payment_due", "active", "account_change", "terminated", *SECOND_HALF_STATES):
        add_agreement(grant, AgreementState.SIGNED, countersigned=True)
    if stage == "payment_due":
        add_payment(grant, PaymentState.DUE, amount=Decimal(grant.amount))
    if stage in ("active", *SECOND_HALF_STATES):
        add_payment(grant, PaymentState.PAID)
    if stage in SECOND_HALF_STATES:
        today = timezone.localdate()
        due = today - timedelta(days=12) if stage == "report_overdue" else today + timedelta(10)
        type(grant).objects.filter(pk=grant.pk).update(final_report_due_on=due)
        grant.final_report_due_on = due
    if stage == "report_submitted":
        add_report(grant, ReportState.SUBMITTED)
    if stage == "report_corrections":
        add_report(
            grant,
            ReportState.CORRECTIONS,
            correction_message="Dodaj zdjęcia.",
            correction_deadline=timezone.localdate() + timedelta(days=7),
        )
    if stage == "settled_return":
        add_settlement(grant, SettlementState.RETURN_DUE, return_amount="250.00")
    if stage == "settled_payment":
        add_settlement(grant)
        add_payment(grant, PaymentState.DUE, number=2, amount=Decimal("300.00"))
    if stage in ("settled", "closed"):
        add_settlement(grant)
    if stage == "account_change":
        add_bank_account(grant, BankAccountState.PENDING, iban="PL27114020040000300201355387")
    return grant

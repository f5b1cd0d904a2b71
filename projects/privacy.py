"""What the projects stage keeps about a person: its section of "My data" and its erasure.

Registered with core.personal_data by ProjectsConfig.ready() (order 50: after the
applications and decisions have been anonymised).

Export: every grant of the person's applications — the amount, state, project
period, budget, who signs, the bank accounts (in full: they are the person's
own), the payments, the agreements (PDFs in the archive) and the grant's
history — and every grant where the person is named to sign.

Erasure: a grant is a financial record the programme must keep by law, so
nothing about money goes: amounts, payments, account numbers and agreement
numbers stay. What names the person is anonymised: the grantee's name on the
grant when the grantee is a person (an organisation's or a group's name stays,
with exact occurrences of the person's names replaced), the signatory rows that
are the person (or their group's members) lose the name and e-mail, account
holder names and every note lose exact occurrences of their names.
Financial documents (invoices, bills, receipts) are listed in the export (their details) and
kept on erasure with their files: accounting records (the accounting act, art. 74); only their
descriptions lose the person's names.
The agreement PDFs and uploaded signed copies are kept as they were signed: a signed
contract is an accounting document (kept five years by the accounting act, art. 74) and
re-rendering it would make a document nobody signed; the deletion notice says so. Signature
rows keep when, how and from where (the proof of acceptance), not the name or e-mail.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from applicants.enums import ApplicantKind
from core.formatting import format_money
from core.personal_data import Erasure, ExportFiles, Notice, redact_rows, register
from core.search import searchable_text
from projects.models import (
    Agreement,
    BankAccount,
    BankAccountStateChange,
    FinancialDocument,
    Grant,
    GrantBudgetLine,
    GrantStateChange,
    PaymentStateChange,
    Signatory,
    Signature,
    SignedDocument,
)


def _grants_of(user) -> QuerySet[Grant]:
    return Grant.objects.filter(application__applicant=user)


def _signatory_data(signatory: Signatory) -> dict:
    return {
        "role": signatory.role,
        "full_name": signatory.full_name,
        "function": signatory.function,
        "email": signatory.email,
        "organisation_name": signatory.organisation_name,
        "organisation_krs": signatory.organisation_krs,
    }


def _grant_data(grant: Grant, files: ExportFiles) -> dict:
    return {
        "reference_number": grant.reference_number,
        "call": grant.call.title,
        "title": grant.title,
        "state": grant.state,
        "grantee_kind": grant.grantee_kind,
        "grantee_name": grant.grantee_name,
        "amount": grant.amount,
        "starts_on": grant.starts_on,
        "ends_on": grant.ends_on,
        "signing_deadline": grant.signing_deadline,
        "terminated_reason": grant.terminated_reason,
        "budget_lines": [
            {
                "category": line.category,
                "item": line.item,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_cost": line.unit_cost,
                "own_contribution": line.own_contribution,
            }
            for line in grant.budget_lines.all()
        ],
        "signatories": [_signatory_data(s) for s in grant.signatories.all()],
        "bank_accounts": [
            {
                "iban": account.iban,
                "holder_name": account.holder_name,
                "owner": account.owner,
                "state": account.state,
                "entered_at": account.entered_at,
            }
            for account in grant.bank_accounts.all()
        ],
        "payments": [
            {
                "number": payment.number,
                "amount": payment.amount,
                "state": payment.state,
                "due_since": payment.due_since,
                "paid_on": payment.paid_on,
                "bank_reference": payment.bank_reference,
            }
            for payment in grant.payments.all()
        ],
        "agreements": [
            {
                "number": agreement.number,
                "version": agreement.version,
                "state": agreement.state,
                "issued_at": agreement.issued_at,
                "countersigned_at": agreement.countersigned_at,
                "file_in_archive": files.add_stored(
                    f"agreements/{grant.pk}",
                    f"{agreement.number.replace('/', '-')}.pdf",
                    agreement.pdf,
                ),
            }
            for agreement in grant.agreements.all()
        ],
        "history": [
            {"state": change.new_state, "at": change.at, "note": change.note}
            for change in grant.state_changes.all()
        ],
        # The financial documents the grantee recorded (the details; the photos and PDFs are
        # on the grant's page).
        "financial_documents": [
            {
                "kind": document.kind,
                "number": document.number,
                "issued_on": document.issued_on,
                "issuer_name": document.issuer_name,
                "issuer_nip": document.issuer_nip,
                "amount": document.amount,
                "paid_on": document.paid_on,
                "description": document.description,
                "file_name": document.original_name,
                "added_at": document.added_at,
                "removed_at": document.removed_at,
                "budget_lines": [
                    {
                        "item": part.budget_line.item,
                        "from_grant": part.from_grant,
                        "own_contribution": part.own_contribution,
                    }
                    for part in document.allocations.all()
                ],
            }
            for document in grant.documents.all()
        ],
    }


def grants_export(*, user, files: ExportFiles) -> dict:
    grants = (
        _grants_of(user)
        .select_related("call")
        .prefetch_related(
            "budget_lines",
            "signatories",
            "bank_accounts",
            "payments",
            Prefetch("agreements", queryset=Agreement.objects.order_by("version")),
            "state_changes",
            Prefetch(
                "documents",
                queryset=FinancialDocument.objects.order_by("issued_on", "pk").prefetch_related(
                    "allocations__budget_line"
                ),
            ),
        )
        .order_by("created_at", "pk")
    )
    signing = (
        Signatory.objects.filter(Q(user=user) | Q(email__iexact=user.email))
        .exclude(grant__application__applicant=user)
        .select_related("grant")
        .order_by("pk")
    )
    return {
        "grants": [_grant_data(grant, files) for grant in grants],
        "signing_for": [
            {"grant": s.grant.reference_number, "title": s.grant.title, **_signatory_data(s)}
            for s in signing
        ],
    }


def deletion_notices(*, user) -> list[Notice]:
    grants = list(_grants_of(user).order_by("pk").only("reference_number", "amount"))
    if not grants:
        return []
    return [
        Notice(
            _(
                "Your grant stays on record, because the programme must keep financial records "
                "by law: the amount, the payments, the bank account number and the agreement as "
                "it was signed (its PDF names you) stay. Your name is removed from everything "
                "else."
            ),
            [f"{grant.reference_number} — {format_money(grant.amount)}" for grant in grants],
        ),
        *(
            [
                Notice(
                    _(
                        "Your financial documents (invoices, bills, receipts and their photos) "
                        "stay as they are: accounting records must be kept by law."
                    )
                )
            ]
            if FinancialDocument.objects.filter(grant__in=grants).exists()
            else []
        ),
    ]


def grants_erase(*, erasure: Erasure) -> None:
    """Anonymise the person's grants and their signatory rows; keep every amount."""
    person = erasure.person
    user = person.user
    grant_ids = list(_grants_of(user).values_list("pk", flat=True))
    grants = Grant.objects.filter(pk__in=grant_ids)
    grants.filter(grantee_kind=ApplicantKind.INDIVIDUAL).update(grantee_name=person.label)
    redact_rows(grants, ["grantee_name", "title", "terminated_reason"], person=person)
    for grant in grants.only(*Grant.SEARCHED_FIELDS):
        Grant.objects.filter(pk=grant.pk).update(
            search_text=searchable_text(*(getattr(grant, f) for f in Grant.SEARCHED_FIELDS))
        )
    history = Grant.history.model.objects.filter(id__in=grant_ids)
    history.filter(grantee_kind=ApplicantKind.INDIVIDUAL).update(grantee_name=person.label)
    history.update(search_text="")
    redact_rows(
        history,
        ["grantee_name", "title", "terminated_reason", "history_change_reason"],
        person=person,
    )
    redact_rows(GrantStateChange.objects.filter(grant__in=grant_ids), ["note"], person=person)
    redact_rows(
        GrantBudgetLine.objects.filter(grant__in=grant_ids), ["item", "unit"], person=person
    )
    redact_rows(Agreement.objects.filter(grant__in=grant_ids), ["note"], person=person)
    # Financial documents are accounting records: kept with their files; only what the grantee
    # wrote about them loses the person's names.
    redact_rows(
        FinancialDocument.objects.filter(grant__in=grant_ids),
        ["description", "ineligible_reason"],
        person=person,
    )
    accounts = BankAccount.objects.filter(grant__in=grant_ids)
    redact_rows(accounts, ["holder_name", "note"], person=person)
    redact_rows(
        BankAccountStateChange.objects.filter(account__in=accounts), ["note"], person=person
    )
    redact_rows(
        PaymentStateChange.objects.filter(payment__grant__in=grant_ids), ["note"], person=person
    )

    # Signatory rows that are the person (anywhere) or name them (on their own grants).
    emails = [email.lower() for email in person.emails if email]
    mine = Q(user=user)
    for email in emails:
        mine |= Q(email__iexact=email)
    for signatory in Signatory.objects.filter(mine | Q(grant__in=grant_ids)).order_by("pk"):
        is_person = signatory.user_id == user.pk or signatory.email.lower() in emails
        if is_person or person.mentions(signatory.full_name):
            Signatory.objects.filter(pk=signatory.pk).update(
                full_name=person.label, email="", user=None
            )

    # Her signatures (anywhere) keep when, how and from where they were made (the proof of
    # acceptance), not her name or address.
    signed = Q(user=user)
    for email in emails:
        signed |= Q(signer_email__iexact=email)
    for signature in Signature.objects.filter(signed | Q(agreement__grant__in=grant_ids)):
        is_person = signature.user_id == user.pk or signature.signer_email.lower() in emails
        if is_person or person.mentions(signature.signer_name):
            Signature.objects.filter(pk=signature.pk).update(
                signer_name=person.label, signer_email="", user=None
            )
    redact_rows(
        SignedDocument.objects.filter(agreement__grant__in=grant_ids),
        ["verification", "refusal_reason"],
        person=person,
    )


def register_sections() -> None:
    register("grants", order=50, export=grants_export, erase=grants_erase, notices=deletion_notices)

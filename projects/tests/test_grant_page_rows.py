"""The grant pages read the grant's small relations in one query (projects.grant_page_rows): every
row must come back exactly as the ORM reads it, in the same order, cached where the pages look."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from projects.enums import (
    AgreementRequestState,
    AgreementState,
    AmendmentState,
    BankAccountState,
    SignedDocumentState,
    SigningMethod,
)
from projects.models import (
    Agreement,
    AgreementRequest,
    Amendment,
    BankAccount,
    Payment,
    Report,
    Settlement,
    Signatory,
    Signature,
    SignedDocument,
)
from projects.selectors import grant_get_for_coordinator
from projects.tests.progress_rows import add_bank_account, add_signatories
from projects.tests.test_grant_page_queries import _rich_grant

pytestmark = pytest.mark.django_db


def _columns(row) -> list:
    """Every column of `row` with its type (a Decimal also with its places)."""
    values = []
    for field in type(row)._meta.concrete_fields:
        value = getattr(row, field.attname)
        shown = str(value) if isinstance(value, Decimal) else value
        values.append((field.attname, type(value).__name__, shown))
    return values


def _grant_with_every_relation():
    grant = _rich_grant("settled_return")
    coordinator = CoordinatorFactory()
    add_signatories(grant, 2, full_name="Zażółć Gęślą")
    signed = grant.agreements.get()
    withdrawn = Agreement(
        grant=grant,
        version=2,
        number="U2",
        language="pl",
        state=AgreementState.WITHDRAWN,
        sha256="0" * 64,
        size=3,
        issued_by=coordinator,
    )
    withdrawn.pdf.save("u2.pdf", ContentFile(b"pdf"), save=False)
    withdrawn.save()
    for signatory in Signatory.objects.filter(grant=grant):
        Signature.objects.create(
            agreement=signed,
            signatory=signatory,
            signer_name=signatory.full_name,
            signer_email=signatory.email,
            method=SigningMethod.IN_SYSTEM,
            ip_address="2001:db8::1",
        )
    document = SignedDocument(
        agreement=signed,
        method=SigningMethod.SCAN,
        state=SignedDocumentState.WAITING,
        extension="pdf",
        content_type="application/pdf",
        size=3,
        sha256="1" * 64,
        verification={"ok": False, "notes": ["brak podpisu", 1.5], "nested": {"a": None}},
        uploaded_by=coordinator,
    )
    document.file.save("scan.pdf", ContentFile(b"pdf"), save=False)
    document.save()
    AgreementRequest.objects.create(
        grant=grant,
        version=3,
        state=AgreementRequestState.FAILED,
        error="Nie udało się",
        attempts=2,
        requested_by=coordinator,
    )
    add_bank_account(grant, BankAccountState.REFUSED)
    add_bank_account(grant, BankAccountState.REPLACED)  # not shown: left out
    Amendment.objects.create(
        grant=grant,
        state=AmendmentState.APPROVED,
        kinds=["budget", "dates"],
        justification="Zmiana",
        before={"budget": [{"item": "Sadzonki", "unit_cost": "1500.00"}]},
        after={"budget": [{"item": "Sadzonki", "unit_cost": "1234.56"}], "ends_on": "2027-01-31"},
        requested_by=coordinator,
        answered_at=timezone.now(),
    )
    Payment.objects.filter(grant=grant).update(amount=Decimal("99999999.99"))
    Report.objects.filter(grant=grant).update(
        volunteer_hours=Decimal("12.50"), indicators=[{"name": "drzewa", "value": 40}]
    )
    return grant


def test_grant_page_rows_read_every_relation_as_the_orm_reads_it(django_assert_num_queries):
    grant = _grant_with_every_relation()

    page_grant = grant_get_for_coordinator(pk=grant.pk)

    expected = {
        "signatories": list(Signatory.objects.filter(grant=grant)),
        "agreements": list(Agreement.objects.filter(grant=grant)),
        "payments": list(Payment.objects.filter(grant=grant)),
        "settlements": list(Settlement.objects.filter(grant=grant)),
        "agreement_requests": list(AgreementRequest.objects.filter(grant=grant)),
        "amendments": list(Amendment.objects.filter(grant=grant)),
        "reports": list(Report.objects.filter(grant=grant)),
    }
    accounts = list(BankAccount.objects.filter(grant=grant).exclude(state="replaced"))
    signatures = list(Signature.objects.filter(agreement__grant=grant))
    documents = list(SignedDocument.objects.filter(agreement__grant=grant))
    assert all(expected.values()) and len(accounts) == 2 and len(signatures) == 3 and documents
    with django_assert_num_queries(0):
        for name, rows in expected.items():
            read = list(getattr(page_grant, name).all())
            assert [_columns(r) for r in read] == [_columns(r) for r in rows], name
            assert all(r.grant is page_grant for r in read)
        assert [_columns(r) for r in page_grant.live_bank_accounts] == [
            _columns(r) for r in accounts
        ]
        agreements = {a.pk: a for a in page_grant.agreements.all()}
        for name, rows in (("signatures", signatures), ("signed_documents", documents)):
            read = [r for a in agreements.values() for r in getattr(a, name).all()]
            assert [_columns(r) for r in read] == [_columns(r) for r in rows], name
            assert all(r.agreement is agreements[r.agreement_id] for r in read)
        assert page_grant.agreements.all()[0].pdf.url


def test_grant_page_rows_leave_a_grant_without_rows_empty(django_assert_num_queries):
    grant = _rich_grant("report_submitted")
    Amendment.objects.filter(grant=grant).delete()

    page_grant = grant_get_for_coordinator(pk=grant.pk)

    with django_assert_num_queries(0):
        assert list(page_grant.amendments.all()) == []
        assert list(page_grant.settlements.all()) == []
        assert list(page_grant.agreements.all()[0].signed_documents.all()) == []

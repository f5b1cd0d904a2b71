"""The grant agreement: its PDF read back, its versions, readiness, issuing and withdrawing."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from core.deadlines import deadline_in
from core.models import OutgoingEmail, ProgrammeProfile
from projects.agreement_issuing import agreement_issue_now, agreements_issue_bulk
from projects.agreements import AgreementNotReady, agreement_withdraw
from projects.enums import (
    AccountOwner,
    AgreementState,
    BankAccountState,
    GrantState,
    SignatoryRole,
)
from projects.models import BankAccount, Grant, Signatory
from projects.readiness import agreement_readiness
from projects.tests.factories import accepted_grant

pytestmark = pytest.mark.django_db

IBAN = "PL61109010140000071219812874"


def pdf_text(data: bytes) -> str:
    """The PDF's text on one line, spaces normalised (amounts are spaced with NBSPs)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def operator():
    ProgrammeProfile(
        operator_name="Fundacja Miejskie Ruchy",
        street="ul. Zielona 1",
        postcode="00-001",
        town="Warszawa",
        krs="0000123456",
        nip="5252248481",
        signatory_name="Anna Prezeska",
        signatory_role="Prezeska Zarządu",
    ).save()


def ready_grant(**kwargs):
    """A grant with everything its agreement needs: a signatory and an account in use."""
    grant = accepted_grant(**kwargs)
    Signatory.objects.create(
        grant=grant,
        role=SignatoryRole.APPLICANT,
        full_name="Jan Kowalski",
        function="Lider grupy",
        email="jan@example.org",
        organisation_name="Stowarzyszenie Sąsiedzi",
    )
    BankAccount.objects.create(
        grant=grant,
        iban=IBAN,
        holder_name="Jan Kowalski",
        owner=AccountOwner.GRANTEE,
        state=BankAccountState.IN_USE,
    )
    return grant


def stored_text(agreement) -> str:
    with agreement.pdf.open("rb") as stored:
        return pdf_text(stored.read())


def test_agreement_issue_pdf_reads_back_the_parties_amount_iban_budget_and_number():
    operator()
    grant = ready_grant()
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    text = stored_text(agreement)
    number = f"{grant.reference_number}/U1"
    assert agreement.number == number
    assert number in text
    assert "Fundacja Miejskie Ruchy" in text  # the operator
    assert "KRS 0000123456" in text
    assert "Anna Prezeska" in text  # who signs for the operator
    assert grant.grantee_name in text
    assert "Jan Kowalski – Lider grupy (Stowarzyszenie Sąsiedzi)" in text  # the signatory
    assert "3 000,00 zł" in text
    assert "trzy tysiące złotych 00/100" in text
    assert "PL61 1090 1014 0000 0712 1981 2874" in text
    assert "Sadzonki i ziemia" in text and "Warsztaty z ogrodnikiem" in text  # the budget annex
    assert "Przygotowanie" in text  # the schedule annex
    assert "21 lipca 2027" in text  # the report: 30 June + 21 days
    assert f"(umowa {number})" in text  # the sentence for financial documents, filled in
    assert "Administratorem Twoich danych osobowych jest Fundacja Miejskie Ruchy" in text


def test_agreement_issue_stores_an_immutable_numbered_file_and_sends_the_grant():
    grant = ready_grant()
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    with agreement.pdf.open("rb") as stored:
        data = stored.read()
    assert agreement.sha256 == hashlib.sha256(data).hexdigest()
    assert agreement.size == len(data)
    assert agreement.pdf.name.endswith(f"{grant.reference_number.replace('/', '-')}-U1.pdf")
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_SENT
    # The call's 14 days to sign, to the end of that day in Poland.
    expected = deadline_in(14)
    assert grant.signing_deadline == expected


def test_agreement_issue_emails_the_grantee_and_every_signatory():
    grant = ready_grant()
    agreement_issue_now(grant=grant, by=CoordinatorFactory())
    emails = OutgoingEmail.objects.filter(kind="projects/agreement_ready")
    assert sorted(e.to for e in emails) == sorted(
        [grant.application.applicant.email, "jan@example.org"]
    )
    assert all(f"{grant.reference_number}/U1" in e.subject for e in emails)


def test_agreement_withdraw_lets_the_next_version_be_issued_and_keeps_the_first():
    coordinator = CoordinatorFactory()
    grant = ready_grant()
    first = agreement_issue_now(grant=grant, by=coordinator)
    first_sha = first.sha256
    agreement_withdraw(agreement=first, by=coordinator, reason="Zła data końca projektu")
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE
    second = agreement_issue_now(grant=grant, by=coordinator)
    assert second.number == f"{grant.reference_number}/U2"
    first.refresh_from_db()
    assert first.state == AgreementState.WITHDRAWN
    with first.pdf.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == first_sha  # untouched


def test_agreement_withdraw_needs_a_reason():
    grant = ready_grant()
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    with pytest.raises(ValidationError):
        agreement_withdraw(agreement=agreement, by=None, reason="  ")
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT


def test_agreement_issue_refuses_a_grant_without_signatory_or_account():
    grant = accepted_grant()
    with pytest.raises(AgreementNotReady) as refused:
        agreement_issue_now(grant=grant, by=CoordinatorFactory())
    assert (
        "Nikt nie jest wskazany do podpisania umowy w imieniu grantobiorcy."
        in refused.value.problems
    )
    assert "Grantobiorca nie podał jeszcze rachunku bankowego." in refused.value.problems
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE
    assert not grant.agreements.exists()


def test_agreement_issue_refuses_a_second_issue_while_one_is_sent():
    grant = ready_grant()
    agreement_issue_now(grant=grant, by=CoordinatorFactory())
    with pytest.raises(AgreementNotReady):
        agreement_issue_now(grant=grant, by=CoordinatorFactory())
    assert grant.agreements.count() == 1


def test_agreement_readiness_of_a_reduced_award_waits_for_the_confirmed_budget():
    grant = ready_grant(amount="2500.00")
    assert any("nie potwierdził budżetu" in problem for problem in agreement_readiness(grant))


def test_agreement_readiness_names_missing_dates():
    grant = ready_grant()
    Grant.objects.filter(pk=grant.pk).update(ends_on=None)
    grant.refresh_from_db()
    assert "Nie ma dat początku i końca projektu." in agreement_readiness(grant)


def test_agreement_in_english_for_an_english_grantee_keeps_the_polish_words():
    grant = ready_grant()
    applicant = grant.application.applicant
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    text = stored_text(agreement)
    assert agreement.language == "en"
    assert "Grant agreement no." in text
    assert "three thousand zlotys 00/100" in text
    assert "trzy tysiące złotych 00/100" in text


def test_agreements_issue_bulk_issues_the_ready_and_says_why_not_the_others():
    coordinator = CoordinatorFactory()
    ready = ready_grant()
    not_ready = accepted_grant(call=ready.call)
    issued, refused = agreements_issue_bulk(grants=[ready, not_ready], by=coordinator)
    assert [a.grant_id for a in issued] == [ready.pk]
    assert refused[0][0] == not_ready
    assert "Grantobiorca nie podał jeszcze rachunku bankowego." in refused[0][1]

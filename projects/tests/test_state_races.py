"""Steps taken twice, late or out of order: a double click on signing, countersigning twice,
issuing twice, signing or paying a terminated grant, signing what was withdrawn. Each is refused
with a message (no error page) and changes nothing."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, CoordinatorFactory
from projects.enums import AgreementState, GrantState, PaymentState
from projects.models import Agreement, Signature
from projects.selectors import call_terms
from projects.signatories import signatories_replace
from projects.termination import grant_terminate
from projects.test_certificates import pdf_sign, test_signer_create
from projects.tests.factories import accepted_grant
from projects.tests.progress_rows import grant_at
from projects.tests.signing_helpers import agreement_issue, agreement_pdf

pytestmark = pytest.mark.django_db


def _sent():
    grant = accepted_grant(date_of_birth="1999-05-01")
    signatories_replace(grant=grant, terms=call_terms(grant.call), people=[], by=None)
    return grant, agreement_issue(grant)


def _sign(client, grant):
    return client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}), {"password": PASSWORD, "accept": "on"}
    )


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_race_signing_twice_records_one_signature(client):
    grant, agreement = _sent()
    client.force_login(grant.application.applicant)

    first = _sign(client, grant)
    second = _sign(client, grant)

    assert first.status_code == 302
    assert second.status_code in (302, 400, 404)
    assert Signature.objects.filter(agreement=agreement).count() == 1


def test_race_countersigning_twice_is_refused_the_second_time(client):
    grant, agreement = _sent()
    client.force_login(grant.application.applicant)
    _sign(client, grant)
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:countersign", kwargs={"pk": grant.pk})

    client.post(url)
    second = client.post(url)

    assert second.status_code in (302, 404)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED


def test_race_issuing_twice_makes_one_agreement(client):
    grant = grant_at("ready")
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:agreement_issue", kwargs={"pk": grant.pk})
    Agreement.objects.filter(grant=grant).delete()

    client.post(url)
    second = client.post(url)

    assert second.status_code in (302, 409)
    assert Agreement.objects.filter(grant=grant).count() <= 1


def test_race_terminated_grant_cannot_be_signed(client):
    grant, agreement = _sent()
    grant_terminate(grant=grant, by=CoordinatorFactory(), reason="Grupa się rozpadła.")
    client.force_login(grant.application.applicant)

    response = _sign(client, grant)

    assert response.status_code in (400, 404)
    assert not Signature.objects.filter(agreement=agreement).exists()


def test_race_signature_then_termination_then_countersign_is_refused_cleanly(client):
    # Before: the countersignature tried to move a terminated grant to "signed" and the
    # coordinator got a server error.
    grant, _agreement = _sent()
    client.force_login(grant.application.applicant)
    _sign(client, grant)
    coordinator = CoordinatorFactory()
    grant_terminate(grant=grant, by=coordinator, reason="Grupa się rozpadła.")
    client.force_login(coordinator)

    response = client.post(reverse("projects_manage:countersign", kwargs={"pk": grant.pk}))

    assert response.status_code in (302, 404)
    grant.refresh_from_db()
    assert grant.state == GrantState.TERMINATED


def test_race_payment_of_a_terminated_grant_cannot_be_marked_paid(client):
    grant = grant_at("payment_due")
    payment = grant.payments.get()
    coordinator = CoordinatorFactory()
    grant_terminate(grant=grant, by=coordinator, reason="Projekt się nie odbędzie.")
    client.force_login(coordinator)

    response = client.post(
        reverse("projects_manage:payment_paid", kwargs={"pk": payment.pk}),
        {"paid_on": date.today().isoformat(), "bank_reference": "X1"},
    )

    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.state != PaymentState.PAID
    page = _text(client.get(response["Location"]))
    assert "zakończon" in page  # the coordinator reads why


def test_race_payment_paid_on_in_the_future_is_refused(client):
    grant = grant_at("payment_due")
    payment = grant.payments.get()
    client.force_login(CoordinatorFactory())

    client.post(
        reverse("projects_manage:payment_paid", kwargs={"pk": payment.pk}),
        {"paid_on": "2999-01-01", "bank_reference": "X" * 5000},
    )

    payment.refresh_from_db()
    assert payment.state == PaymentState.DUE


def test_race_signed_file_of_a_withdrawn_version_is_refused(client):
    grant, first = _sent()
    signer = test_signer_create("Anna Kowalska")
    signed_first = pdf_sign(agreement_pdf(first), signer=signer)
    coordinator = CoordinatorFactory()
    from projects.agreements import agreement_withdraw

    agreement_withdraw(agreement=first, by=coordinator, reason="Zły numer konta.")
    second = Agreement.objects.create(
        grant=grant,
        version=2,
        number=f"{grant.reference_number}/U2",
        language="pl",
        pdf=first.pdf.name,
        sha256="0" * 64,
        size=first.size,
    )
    from projects.services import grant_transition

    grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)
    client.force_login(grant.application.applicant)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "electronic"}),
        {"file": SimpleUploadedFile("umowa.pdf", signed_first, "application/pdf")},
    )

    assert response.status_code == 400
    assert not Signature.objects.filter(agreement__in=[first, second]).exists()

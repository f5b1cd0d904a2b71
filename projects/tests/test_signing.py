"""Signing the agreement in the system and by a scan, the countersignature and the reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind
from core.tasks import housekeeping
from projects.enums import AgreementState, GrantState, SigningMethod
from projects.models import Agreement, CallGrantTerms, Signatory, Signature
from projects.selectors import call_terms
from projects.signatories import signatories_replace
from projects.signing import agreements_countersign_bulk, signature_reminders_send
from projects.tests.factories import accepted_grant
from projects.tests.signing_helpers import agreement_issue

pytestmark = pytest.mark.django_db

MEMBERS = [
    {"full_name": "Ala Nowak", "age": 19, "is_leader": True},
    {"full_name": "Basia Lis", "age": 22, "is_leader": False},
    {"full_name": "Darek Sowa", "age": 25, "is_leader": False},
]


def _page(response) -> str:
    return " ".join(response.content.decode().split())


def _individual_sent(**kwargs):
    grant = accepted_grant(date_of_birth="1999-05-01", **kwargs)
    signatories_replace(grant=grant, terms=call_terms(grant.call), people=[], by=None)
    return grant, agreement_issue(grant)


def _group_sent():
    grant = accepted_grant(kind=ApplicantKind.GROUP, members=MEMBERS)
    people = [
        {"full_name": m["full_name"], "email": f"{m['full_name'].split()[0].lower()}@example.org"}
        for m in MEMBERS
    ]
    signatories_replace(
        grant=grant,
        terms=call_terms(grant.call),
        people=[{**p, "is_adult_confirmed": True} for p in people],
        group_signing="members",
        by=None,
    )
    return grant, agreement_issue(grant)


def test_sign_in_system_refuses_a_wrong_password(client):
    grant, _agreement = _individual_sent()
    client.force_login(grant.application.applicant)

    response = client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}),
        {"password": "not-the-password", "accept": "on"},
    )

    assert response.status_code == 400
    assert "To hasło jest błędne" in _page(response)
    assert not Signature.objects.exists()


def test_sign_in_system_records_time_account_and_ip(client):
    grant, agreement = _individual_sent()
    applicant = grant.application.applicant
    client.force_login(applicant)

    response = client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}),
        {"password": PASSWORD, "accept": "on"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Firefox na telefonie",
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.agreement, signature.user, signature.method) == (
        agreement,
        applicant,
        SigningMethod.IN_SYSTEM,
    )
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == "Firefox na telefonie"
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    page = _page(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))
    assert "IP 203.0.113.7" in page
    assert "Złóż kontrasygnatę" in page


def test_sign_in_system_behind_a_proxy_records_the_signers_address(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # DJANGO_TRUSTED_PROXY_COUNT=1: nginx in front
    grant, _agreement = _individual_sent()
    client.force_login(grant.application.applicant)

    client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}),
        {"password": PASSWORD, "accept": "on"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )

    assert Signature.objects.get().ip_address == "198.51.100.23"


def test_sign_in_system_stops_after_too_many_wrong_passwords(client):
    grant, _agreement = _individual_sent()
    client.force_login(grant.application.applicant)
    url = reverse("projects:sign", kwargs={"pk": grant.pk})
    for _ in range(5):
        client.post(url, {"password": "wrong", "accept": "on"})

    response = client.post(url, {"password": PASSWORD, "accept": "on"})

    assert "Za dużo błędnych haseł" in _page(response)
    assert not Signature.objects.exists()


def test_sign_in_system_not_offered_above_the_calls_limit(client):
    grant, _agreement = _individual_sent()
    CallGrantTerms.objects.create(call=grant.call, in_system_max_amount="1000.00")
    client.force_login(grant.application.applicant)

    response = client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}), {"password": PASSWORD, "accept": "on"}
    )

    assert "podpisuje się na papierze lub elektronicznie" in _page(response)
    assert not Signature.objects.exists()


def test_sign_group_member_signs_through_the_signatory_page_without_the_full_account(client):
    grant, agreement = _group_sent()
    member = UserFactory(email="basia@example.org")
    client.force_login(member)
    url = reverse("projects:sign", kwargs={"pk": grant.pk})

    page = _page(client.get(url))
    assert agreement.number in page
    assert (
        client.get(reverse("projects:sign_agreement_pdf", kwargs={"pk": grant.pk})).status_code
        == 200
    )
    # The grant's own page stays the grantee's.
    assert client.get(grant.get_absolute_url()).status_code == 404

    client.post(url, {"password": PASSWORD, "accept": "on"})

    assert Signatory.objects.get(email="basia@example.org").user == member
    assert Signature.objects.get().signer_name == "Basia Lis"
    client.force_login(grant.application.applicant)
    grantee_page = _page(client.get(grant.get_absolute_url()))
    assert grantee_page.count("jeszcze do podpisu") == 2


@pytest.mark.parametrize("who", ["a signatory of another grant", "a reviewer", "anonymous"])
def test_sign_page_is_not_found_for_anyone_not_named_to_sign(client, who):
    grant, _agreement = _group_sent()
    if who == "a signatory of another grant":
        other, _ = _individual_sent()
        client.force_login(other.application.applicant)
    elif who == "a reviewer":
        client.force_login(UserFactory())
    url = reverse("projects:sign", kwargs={"pk": grant.pk})

    response = client.post(url, {"password": PASSWORD, "accept": "on"})

    if who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 404
    assert client.get(
        reverse("projects:sign_agreement_pdf", kwargs={"pk": grant.pk})
    ).status_code in (302, 404)
    assert not Signature.objects.exists()


def _scan():
    return SimpleUploadedFile("skan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, "image/png")


@pytest.mark.parametrize("method", ["scan", "electronic"])
def test_signed_file_upload_page_shows_its_form(client, method):
    grant, agreement = _group_sent()
    client.force_login(grant.application.applicant)

    response = client.get(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": method})
    )

    assert response.status_code == 200
    page = _page(response)
    assert agreement.number in page
    assert 'name="file"' in page


def test_scan_upload_then_the_coordinator_confirms_it(client):
    grant, agreement = _group_sent()
    client.force_login(grant.application.applicant)

    response = client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "scan"}),
        {"file": _scan()},
    )

    assert response.status_code == 302
    document = agreement.signed_documents.get()
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    assert "Sprawdź skan" in _page(
        client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    )
    client.post(
        reverse(
            "projects_manage:signed_document", kwargs={"pk": grant.pk, "document_pk": document.pk}
        ),
        {"action": "accept"},
    )
    assert set(Signature.objects.values_list("method", flat=True)) == {SigningMethod.SCAN}
    assert Signature.objects.count() == 3


def test_scan_refused_with_a_reason_the_grantee_reads(client):
    grant, agreement = _group_sent()
    client.force_login(grant.application.applicant)
    client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "scan"}),
        {"file": _scan()},
    )
    document = agreement.signed_documents.get()
    client.force_login(CoordinatorFactory())

    client.post(
        reverse(
            "projects_manage:signed_document", kwargs={"pk": grant.pk, "document_pk": document.pk}
        ),
        {"action": "refuse", "reason": "Brakuje podpisu na drugiej stronie."},
    )

    assert not Signature.objects.exists()
    client.force_login(grant.application.applicant)
    page = _page(client.get(grant.get_absolute_url()))
    assert "Brakuje podpisu na drugiej stronie." in page
    assert "Prześlij skan" in page  # another one can be uploaded


def test_scan_upload_refuses_a_file_that_is_not_a_scan(client):
    grant, agreement = _group_sent()
    client.force_login(grant.application.applicant)

    response = client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "scan"}),
        {"file": SimpleUploadedFile("skan.pdf", b"zwykly tekst", "application/pdf")},
    )

    assert response.status_code == 400
    assert "Dozwolone: PDF" in _page(response)
    assert not agreement.signed_documents.exists()


def test_scan_upload_is_not_found_for_another_user(client):
    grant, _agreement = _group_sent()
    client.force_login(UserFactory(email="ala@example.org"))  # a signatory, not the grantee
    response = client.post(
        reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "scan"}),
        {"file": _scan()},
    )
    assert response.status_code == 404


def test_countersign_moves_agreement_and_grant_to_signed_and_tells_the_grantee(
    client, django_capture_on_commit_callbacks
):
    grant, agreement = _individual_sent()
    client.force_login(grant.application.applicant)
    client.post(
        reverse("projects:sign", kwargs={"pk": grant.pk}), {"password": PASSWORD, "accept": "on"}
    )
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects_manage:countersign", kwargs={"pk": grant.pk}))

    agreement.refresh_from_db()
    grant.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED
    assert agreement.countersigned_by == coordinator
    assert agreement.countersigned_at is not None
    assert grant.state == GrantState.SIGNED
    (message,) = [m for m in mail.outbox if grant.application.applicant.email in m.to]
    assert agreement.number in message.subject


def test_countersign_refused_while_a_signature_is_missing(client):
    grant, agreement = _group_sent()
    client.force_login(CoordinatorFactory())

    response = client.post(
        reverse("projects_manage:countersign", kwargs={"pk": grant.pk}), follow=True
    )

    assert "Nie wszystkie osoby podpisały" in _page(response)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT


def test_countersign_bulk_signs_the_ready_and_reports_the_rest():
    ready, ready_agreement = _individual_sent()
    Signature.objects.create(
        agreement=ready_agreement,
        signatory=ready.signatories.get(),
        signer_name="x",
        signer_email="x@example.org",
        method=SigningMethod.IN_SYSTEM,
    )
    _waiting, waiting_agreement = _group_sent()

    result = agreements_countersign_bulk(
        agreements=Agreement.objects.filter(pk__in=[ready_agreement.pk, waiting_agreement.pk]),
        by=CoordinatorFactory(),
    )

    assert [a.pk for a in result.countersigned] == [ready_agreement.pk]
    assert [a.pk for a, _reason in result.refused] == [waiting_agreement.pk]


def test_reminders_sent_once_to_those_who_havent_signed(django_capture_on_commit_callbacks):
    grant, agreement = _group_sent()
    ala = grant.signatories.get(full_name="Ala Nowak")
    Signature.objects.create(
        agreement=agreement,
        signatory=ala,
        signer_name=ala.full_name,
        signer_email=ala.email,
        method=SigningMethod.IN_SYSTEM,
    )
    deadline = timezone.now() + timedelta(days=2, hours=12)
    type(grant).objects.filter(pk=grant.pk).update(signing_deadline=deadline)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert signature_reminders_send() == 2
        assert signature_reminders_send() == 0  # the next hour: nothing twice

    assert sorted(m.to[0] for m in mail.outbox) == ["basia@example.org", "darek@example.org"]
    assert all(agreement.number in m.subject for m in mail.outbox)
    # A day before the deadline: the second reminder, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert signature_reminders_send(now=deadline - timedelta(hours=20)) == 2
        assert signature_reminders_send(now=deadline - timedelta(hours=19)) == 0
    assert len(mail.outbox) == 4


def test_reminders_run_in_the_hourly_housekeeping(django_capture_on_commit_callbacks):
    grant, _agreement = _individual_sent()
    type(grant).objects.filter(pk=grant.pk).update(
        signing_deadline=timezone.now() + timedelta(hours=10)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        housekeeping.call()

    assert [m.to for m in mail.outbox] == [[grant.application.applicant.email]]


def test_reminders_not_sent_far_from_the_deadline():
    _grant, _agreement = _individual_sent()  # 14 days to sign
    assert signature_reminders_send() == 0


def test_signatory_for_user_needs_the_named_address_confirmed():
    from allauth.account.models import EmailAddress

    from projects.signing import signatory_for_user
    from projects.tests.progress_rows import add_signatories, grant_at

    grant = grant_at("ready")
    user = UserFactory(email="ola.nowak@example.org")
    add_signatories(grant, 1, email="Ola.Nowak@example.org", full_name="Ola Nowak")
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    assert signatory_for_user(grant=grant, user=user) is None
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert signatory_for_user(grant=grant, user=user).full_name == "Ola Nowak"

"""The grantee's bank account: checked by checksum, masked for everyone but coordinators, and
changed after the agreement is sent only when a coordinator confirms it."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind
from core.models import OutgoingEmail
from projects.bank_accounts import (
    BankAccountRefused,
    bank_account_change_answer,
    bank_account_give,
    iban_clean,
)
from projects.enums import AccountOwner, BankAccountState, GrantState
from projects.models import BankAccount
from projects.services import grant_transition
from projects.tests.factories import GrantFactory

pytestmark = pytest.mark.django_db

IBAN_MBANK = "PL61109010140000071219812874"
IBAN_PKO = "PL27114020040000300201355387"


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def give(grant, iban=IBAN_MBANK, owner=AccountOwner.GRANTEE):
    return bank_account_give(
        grant=grant,
        iban=iban,
        holder_name="Ola Nowak",
        owner=owner,
        by=grant.application.applicant,
    )


def form_data(iban, **extra):
    return {"iban": iban, "holder_name": "Ola Nowak", "owner": "grantee", "confirm": "on", **extra}


@pytest.mark.parametrize(
    "typed",
    [
        "PL61 1090 1014 0000 0712 1981 2874",
        "pl61109010140000071219812874",
        "61 1090 1014 0000 0712 1981 2874",
        " PL61-1090-1014-0000-0712-1981-2874 ",
    ],
)
def test_iban_clean_accepts_how_people_type_it_and_stores_it_compact(typed):
    assert iban_clean(typed) == IBAN_MBANK


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("PL61 1090 1014 0000 0712 1981 2875", "checksum"),
        ("DE89 3704 0044 0532 0130 00", "foreign"),
        ("PL61 1090 1014 0000 0712 1981", "length"),
        ("", "required"),
    ],
)
def test_iban_clean_refuses_wrong_numbers_saying_why(typed, code):
    with pytest.raises(ValidationError) as refused:
        iban_clean(typed)
    assert refused.value.code == code


def test_bank_account_page_shows_a_mistyped_number_beside_the_field_keeping_the_text(client):
    grant = GrantFactory()
    client.force_login(grant.application.applicant)
    typed = "PL61 1090 1014 0000 0712 1981 2875"
    response = client.post(reverse("projects:bank_account", args=[grant.pk]), form_data(typed))
    assert response.status_code == 200
    text = page_text(response)
    assert "Taki numer konta nie istnieje" in text
    assert f'value="{typed}"' in response.content.decode()
    assert not BankAccount.objects.filter(grant=grant).exists()


def test_bank_account_page_says_a_foreign_account_is_not_polish(client):
    grant = GrantFactory()
    client.force_login(grant.application.applicant)
    response = client.post(
        reverse("projects:bank_account", args=[grant.pk]), form_data("DE89370400440532013000")
    )
    assert "To nie jest numer polskiego konta (zaczyna się od DE)" in page_text(response)


def test_bank_account_page_needs_the_confirmation_that_the_account_is_the_grantees(client):
    grant = GrantFactory()
    client.force_login(grant.application.applicant)
    data = form_data(IBAN_MBANK)
    del data["confirm"]
    response = client.post(reverse("projects:bank_account", args=[grant.pk]), data)
    assert response.status_code == 200
    assert not BankAccount.objects.filter(grant=grant).exists()


def test_bank_account_given_before_sending_is_in_use_at_once_stored_compact(client):
    grant = GrantFactory()
    client.force_login(grant.application.applicant)
    response = client.post(
        reverse("projects:bank_account", args=[grant.pk]),
        form_data("pl61 1090 1014 0000 0712 1981 2874"),
        follow=True,
    )
    assert "Konto zapisane" in page_text(response)
    account = BankAccount.objects.get(grant=grant)
    assert (account.iban, account.state) == (IBAN_MBANK, BankAccountState.IN_USE)


def test_bank_account_given_again_before_sending_replaces_the_first():
    grant = GrantFactory()
    first = give(grant)
    second = give(grant, IBAN_PKO)
    first.refresh_from_db()
    assert first.state == BankAccountState.REPLACED
    assert second.state == BankAccountState.IN_USE


def test_bank_account_of_an_individual_cannot_be_the_patrons():
    grant = GrantFactory()
    with pytest.raises(BankAccountRefused):
        give(grant, owner=AccountOwner.PATRON)


def test_bank_account_of_a_group_may_be_its_patrons(client):
    grant = GrantFactory(grantee_kind=ApplicantKind.GROUP)
    client.force_login(grant.application.applicant)
    page = page_text(client.get(reverse("projects:bank_account", args=[grant.pk])))
    assert "Rachunek organizacji patronackiej" in page or "patron" in page.lower()
    assert give(grant, owner=AccountOwner.PATRON).owner == AccountOwner.PATRON


def sent(grant):
    return grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)


def test_bank_account_change_after_sending_waits_for_the_coordinator(client):
    grant = GrantFactory()
    first = give(grant)
    sent(grant)
    client.force_login(grant.application.applicant)
    response = client.post(
        reverse("projects:bank_account", args=[grant.pk]), form_data(IBAN_PKO), follow=True
    )
    text = page_text(response)
    assert "Zmiana trafiła do koordynatora" in text
    assert "czeka na koordynatora" in text
    change = BankAccount.objects.get(grant=grant, iban=IBAN_PKO)
    assert change.state == BankAccountState.PENDING
    first.refresh_from_db()
    assert first.state == BankAccountState.IN_USE


def test_bank_account_change_confirmed_by_the_coordinator_replaces_the_account_and_tells(client):
    grant = GrantFactory()
    first = give(grant)
    sent(grant)
    change = give(grant, IBAN_PKO)
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("projects_manage:bank_account_answer", args=[change.pk]),
        {"decision": "confirm"},
        follow=True,
    )
    assert "Nowe konto obowiązuje" in page_text(response)
    first.refresh_from_db()
    change.refresh_from_db()
    assert (first.state, change.state) == (BankAccountState.REPLACED, BankAccountState.IN_USE)
    assert change.answered_by == coordinator
    email = OutgoingEmail.objects.get(kind="projects/bank_account_answer")
    assert email.to == grant.application.applicant.email


def test_bank_account_change_refused_keeps_the_old_account_and_tells_the_grantee_why(client):
    grant = GrantFactory()
    first = give(grant)
    sent(grant)
    change = give(grant, IBAN_PKO)
    client.force_login(CoordinatorFactory())
    client.post(
        reverse("projects_manage:bank_account_answer", args=[change.pk]),
        {"decision": "refuse", "reason": "Konto należy do innej osoby."},
    )
    change.refresh_from_db()
    first.refresh_from_db()
    assert (first.state, change.state) == (BankAccountState.IN_USE, BankAccountState.REFUSED)
    email = OutgoingEmail.objects.get(kind="projects/bank_account_answer")
    assert "odrzuc" in email.subject.lower() or "odrzuc" in email.body.lower()
    client.force_login(grant.application.applicant)
    page = page_text(client.get(grant.get_absolute_url()))
    assert "Konto należy do innej osoby." in page
    assert "została odrzucona" in page


def test_bank_account_refusal_without_a_reason_is_not_accepted():
    grant = GrantFactory()
    give(grant)
    sent(grant)
    change = give(grant, IBAN_PKO)
    with pytest.raises(BankAccountRefused):
        bank_account_change_answer(account=change, confirm=False, by=CoordinatorFactory())
    change.refresh_from_db()
    assert change.state == BankAccountState.PENDING


def test_bank_account_change_answered_twice_is_refused_the_second_time():
    grant = GrantFactory()
    give(grant)
    sent(grant)
    change = give(grant, IBAN_PKO)
    coordinator = CoordinatorFactory()
    bank_account_change_answer(account=change, confirm=True, by=coordinator)
    with pytest.raises(BankAccountRefused):
        bank_account_change_answer(account=change, confirm=True, by=coordinator)


def test_bank_account_is_masked_for_the_grantee_and_whole_for_coordinators(client):
    grant = GrantFactory()
    give(grant)
    client.force_login(grant.application.applicant)
    grantee_page = page_text(client.get(grant.get_absolute_url()))
    assert "2874" in grantee_page
    assert "1090 1014" not in grantee_page and IBAN_MBANK not in grantee_page
    client.force_login(CoordinatorFactory())
    coordinator_page = page_text(
        client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    )
    assert "PL61 1090 1014 0000 0712 1981 2874" in coordinator_page


@pytest.mark.parametrize("who", ["another applicant", "anonymous"])
def test_bank_account_page_is_nobody_elses(client, who):
    grant = GrantFactory()
    url = reverse("projects:bank_account", args=[grant.pk])
    if who != "anonymous":
        client.force_login(UserFactory())
    get, post = client.get(url), client.post(url, form_data(IBAN_MBANK))
    if who == "anonymous":
        assert get.status_code == post.status_code == 302
        assert "/accounts/login/" in get["Location"]
    else:
        assert get.status_code == post.status_code == 404
    assert not BankAccount.objects.filter(grant=grant).exists()


def test_bank_account_answer_is_for_coordinators_only(client):
    grant = GrantFactory()
    give(grant)
    sent(grant)
    change = give(grant, IBAN_PKO)
    client.force_login(grant.application.applicant)
    response = client.post(
        reverse("projects_manage:bank_account_answer", args=[change.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.state == BankAccountState.PENDING
    assert not mail.outbox

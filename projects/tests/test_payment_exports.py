"""A call's payments page and the accountant's list (CSV that Polish Excel opens, XLSX).

No bank import file (Elixir-O / PLI) is written: the library held banks' descriptions of it
only in part (the general layout, not every field), too little to test against.
"""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.tests.factories import GrantCallFactory
from projects.bank_accounts import bank_account_give
from projects.enums import AccountOwner, GrantState, PaymentState
from projects.models import Payment
from projects.payments import payment_mark_paid
from projects.services import grant_transition
from projects.tests.factories import GrantFactory

pytestmark = pytest.mark.django_db

IBAN = "PL61109010140000071219812874"


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def signed_grant(call, *, amount="3000.00", holder="Ola Nowak", name=None):
    extra = {"grantee_name": name} if name else {}
    grant = GrantFactory(application__call=call, amount=Decimal(amount), **extra)
    bank_account_give(
        grant=grant,
        iban=IBAN,
        holder_name=holder,
        owner=AccountOwner.GRANTEE,
        by=grant.application.applicant,
    )
    grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)
    return grant_transition(grant, GrantState.SIGNED, by=None)


@pytest.fixture
def call():
    return GrantCallFactory(total_budget=Decimal("100000"))


def payments_url(call, **params):
    url = reverse("projects_manage:payments", kwargs={"pk": call.pk})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_payments_page_lists_the_due_instalments_with_account_and_title(client, call):
    grant = signed_grant(call, amount="1234.56", holder="Stowarzyszenie Zielone Bałuty")
    client.force_login(CoordinatorFactory())
    text = page_text(client.get(payments_url(call)))
    assert grant.reference_number in text
    assert "PL61 1090 1014 0000 0712 1981 2874" in text  # the whole number, in groups
    assert "Stowarzyszenie Zielone Bałuty" in text
    assert f"{grant.reference_number} – grant" in text
    assert "1 234,56 zł" in text


def test_payments_page_filters_by_state_and_search(client, call):
    paid_grant = signed_grant(call, name="Grupa Ogrodników")
    due_grant = signed_grant(call, name="Klub Rowerowy")
    payment_mark_paid(
        payment=paid_grant.payments.get(), by=CoordinatorFactory(), paid_on=timezone.localdate()
    )
    client.force_login(CoordinatorFactory())
    due = page_text(client.get(payments_url(call)))
    assert "Klub Rowerowy" in due and "Grupa Ogrodników" not in due
    paid = page_text(client.get(payments_url(call, show="paid")))
    assert "Grupa Ogrodników" in paid and "Klub Rowerowy" not in paid
    searched = page_text(client.get(payments_url(call, show="all", q="rowerowy")))
    assert "Klub Rowerowy" in searched and "Grupa Ogrodników" not in searched
    assert due_grant.reference_number in searched


def test_payments_page_keeps_a_fixed_number_of_queries(client, call, django_assert_max_num_queries):
    client.force_login(CoordinatorFactory())
    signed_grant(call)
    with CaptureQueriesContext(connection) as one:
        assert client.get(payments_url(call, show="all")).status_code == 200
    for _ in range(6):
        signed_grant(call)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(payments_url(call, show="all"))
    assert response.content.decode().count("data-payment-row=") == 7


def test_payments_page_marks_the_ticked_instalments_paid_with_their_references(client, call):
    first, second, untouched = signed_grant(call), signed_grant(call), signed_grant(call)
    p1, p2 = first.payments.get(), second.payments.get()
    client.force_login(CoordinatorFactory())
    paid_on = timezone.localdate().isoformat()
    data = {
        "paid_on": paid_on,
        "pay": [p1.pk, p2.pk],
        f"reference-{p1.pk}": "BANK-1",
        f"reference-{p2.pk}": "BANK-2",
    }
    response = client.post(payments_url(call), data, follow=True)
    assert "Transze oznaczone jako wypłacone: 2" in page_text(response)
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.state, p1.bank_reference, p2.bank_reference) == (
        PaymentState.PAID,
        "BANK-1",
        "BANK-2",
    )
    assert untouched.payments.get().state == PaymentState.DUE
    again = client.post(payments_url(call), data, follow=True)
    assert again.status_code == 200
    assert "jest już oznaczona jako wypłacona" in page_text(again)


def test_payments_page_does_not_pay_another_calls_instalment(client, call):
    other = signed_grant(GrantCallFactory())
    client.force_login(CoordinatorFactory())
    client.post(
        payments_url(call),
        {"paid_on": timezone.localdate().isoformat(), "pay": [other.payments.get().pk]},
    )
    assert other.payments.get().state == PaymentState.DUE


def test_payment_list_csv_opens_in_polish_excel(client, call):
    grant = signed_grant(call, amount="1234.56", name="Grupa Żółw")
    client.force_login(CoordinatorFactory())
    response = client.get(payments_url(call, export="csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:6] == [
        "Numer wniosku",
        "Grantobiorca",
        "Numer konta (IBAN)",
        "Właściciel konta",
        "Tytuł przelewu",
        "Kwota (zł)",
    ]
    row = lines[1].split(";")
    assert row[:6] == [
        grant.reference_number,
        "Grupa Żółw",
        IBAN,
        "Ola Nowak",
        f"{grant.reference_number} – grant",
        "1234,56",
    ]


def test_payment_list_xlsx_has_the_same_rows_with_amounts_as_numbers(client, call):
    grant = signed_grant(call, amount="1234.56")
    client.force_login(CoordinatorFactory())
    response = client.get(payments_url(call, export="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Numer konta (IBAN)"
    assert rows[1][:6] == (
        grant.reference_number,
        grant.grantee_name,
        IBAN,
        "Ola Nowak",
        f"{grant.reference_number} – grant",
        1234.56,
    )
    assert len(rows) == 2


def test_payment_list_of_a_paid_instalment_names_the_account_it_was_paid_to(client, call):
    grant = signed_grant(call)
    payment_mark_paid(
        payment=grant.payments.get(), by=CoordinatorFactory(), paid_on=timezone.localdate()
    )
    client.force_login(CoordinatorFactory())
    lines = client.get(payments_url(call, show="paid", export="csv")).content.decode("utf-8-sig")
    row = lines.splitlines()[1].split(";")
    assert row[2] == Payment.objects.get(grant=grant).paid_to_iban == IBAN


@pytest.mark.parametrize("who", ["grantee", "another user", "anonymous"])
def test_payments_page_and_its_list_are_for_coordinators_only(client, call, who):
    grant = signed_grant(call)
    if who == "grantee":
        client.force_login(grant.application.applicant)
    elif who == "another user":
        client.force_login(UserFactory())
    for url in (payments_url(call), payments_url(call, export="csv")):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
        assert IBAN not in response.content.decode()

"""A call's finance summary: awarded, signed, paid, still to pay and the budget left — the
same figures on screen and in its downloads."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.tests.factories import GrantCallFactory
from projects.bank_accounts import bank_account_give
from projects.enums import AccountOwner, GrantState
from projects.finance import call_finance
from projects.payments import payment_mark_paid
from projects.services import grant_transition
from projects.tests.factories import GrantFactory

pytestmark = pytest.mark.django_db

LABELS = [
    "Budżet naboru",
    "Przyznano",
    "W podpisanych umowach",
    "Wypłacono",
    "Zostało do wypłaty",
    "Pozostało w budżecie",
    "Wydano z grantów",
    "Kwalifikowane w rozliczeniach",
    "Zwroty do otrzymania",
    "Zwroty otrzymane",
]
EXPECTED = [
    "100000.00",
    "5000.00",
    "2000.00",
    "2500.00",
    "3000.00",
    "95000.00",
    *["0.00"] * 4,
]


def signed_grant(call, amount):
    grant = GrantFactory(application__call=call, amount=Decimal(amount))
    bank_account_give(
        grant=grant,
        iban="PL61109010140000071219812874",
        holder_name="Ola Nowak",
        owner=AccountOwner.GRANTEE,
        by=grant.application.applicant,
    )
    grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)
    return grant_transition(grant, GrantState.SIGNED, by=None)


def pay(grant):
    payment_mark_paid(
        payment=grant.payments.get(), by=CoordinatorFactory(), paid_on=timezone.localdate()
    )


@pytest.fixture
def call():
    """A budget of 100 000 zł; 3 000 zł waiting for the agreement, 2 000 zł signed and paid,
    1 000 zł terminated before payment, 500 zł paid and then terminated."""
    call = GrantCallFactory(total_budget=Decimal("100000"))
    GrantFactory(application__call=call, amount=Decimal("3000"))
    pay(signed_grant(call, "2000"))
    grant_transition(signed_grant(call, "1000"), GrantState.TERMINATED, by=None, note="Rezygnacja")
    paid_then_ended = signed_grant(call, "500")
    pay(paid_then_ended)
    grant_transition(paid_then_ended, GrantState.TERMINATED, by=None, note="Nie zrealizowano")
    return call


def url(call, **params):
    base = reverse("projects_manage:finance", kwargs={"pk": call.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_call_finance_counts_each_figure_as_it_says(call):
    finance = call_finance(call=call)
    assert [str(amount) for _label, amount in finance.rows()] == EXPECTED
    assert finance.grants == 2


def test_finance_page_shows_the_figures(client, call):
    client.force_login(CoordinatorFactory())
    text = " ".join(client.get(url(call)).content.decode().split())
    for label, shown in zip(
        LABELS,
        [
            "100 000,00 zł",
            "5 000,00 zł",
            "2 000,00 zł",
            "2 500,00 zł",
            "3 000,00 zł",
            "95 000,00 zł",
            *["0,00 zł"] * 4,
        ],
        strict=True,
    ):
        assert re.search(rf"{label}</th>\s*<td[^>]*>{shown}</td>", text.replace("\xa0", " ")), label


def on_screen(client, call) -> list[Decimal]:
    page = client.get(url(call)).content.decode().replace("\xa0", " ")
    cells = re.findall(r'data-figure="\d+">([^<]+)</td>', page)
    return [Decimal(c.replace(" zł", "").replace(" ", "").replace(",", ".")) for c in cells]


def test_finance_downloads_hold_the_figures_on_screen(client, call):
    client.force_login(CoordinatorFactory())
    screen = on_screen(client, call)
    assert [str(x) for x in screen] == EXPECTED

    csv_lines = client.get(url(call, export="csv")).content.decode("utf-8-sig").splitlines()
    csv_rows = [line.split(";") for line in csv_lines[1:]]
    assert [label for label, _ in csv_rows] == LABELS
    assert [Decimal(amount.replace(",", ".")) for _, amount in csv_rows] == screen

    sheet = load_workbook(io.BytesIO(client.get(url(call, export="xlsx")).content)).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [label for label, _ in xlsx_rows] == LABELS
    assert [Decimal(str(amount)).quantize(Decimal("0.01")) for _, amount in xlsx_rows] == screen


def test_finance_page_keeps_a_fixed_number_of_queries(client, call, django_assert_max_num_queries):
    client.force_login(CoordinatorFactory())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url(call))
    for amount in ("100", "200", "300"):
        pay(signed_grant(call, amount))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url(call)).status_code == 200


@pytest.mark.parametrize("who", ["grantee", "another user", "anonymous"])
def test_finance_page_is_for_coordinators_only(client, call, who):
    grant = call.grants.first()
    if who == "grantee":
        client.force_login(grant.application.applicant)
    elif who == "another user":
        client.force_login(UserFactory())
    for address in (url(call), url(call, export="xlsx")):
        response = client.get(address)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403


def test_call_navigation_links_the_payments_and_finance_pages(client, call):
    client.force_login(CoordinatorFactory())
    page = client.get(reverse("projects_manage:grants", kwargs={"pk": call.pk})).content.decode()
    assert reverse("projects_manage:payments", kwargs={"pk": call.pk}) in page
    assert url(call) in page


# --- After the settlement --------------------------------------------------------------------


def settled_call(count: int):
    """`count` grants of one call under way with an 80 % advance; the first returns money (its
    report partly accepted), the second is owed its last instalment, the others only spend."""
    from projects.tests.factories import active_grant
    from projects.tests.settlement_helpers import final_report, spend

    first = active_grant(advance="80")
    grants = [first] + [active_grant(advance="80", call=first.call) for _ in range(count - 1)]
    spend(grants[0], ineligible="500", l0=("1500", "0"), l1=("1000", "0"))
    final_report(grants[0])  # eligible 2 000, paid 2 400: 400 to return
    if count > 1:
        spend(grants[1], l0=("1500", "0"), l1=("1300", "0"))
        final_report(grants[1])  # eligible 2 800, paid 2 400: the last instalment is 400
    for grant in grants[2:]:
        spend(grant, l0=("100", "0"))
    return first.call


def test_call_finance_counts_spending_settlements_returns_and_closed_grants():
    from projects.settlements import grant_close, settlement_return_received

    call = settled_call(3)
    finance = call_finance(call=call)
    assert finance.spent == Decimal("5400.00")
    assert finance.eligible == Decimal("4800.00")
    assert (finance.returns_due, finance.returns_received) == (Decimal("400.00"), Decimal("0.00"))
    # Still to pay: the second grant's last instalment and the third's 600 after its report.
    assert finance.to_pay == Decimal("1000.00")
    coordinator = CoordinatorFactory()
    returned = call.grants.order_by("pk").first()
    settlement_return_received(
        settlement=returned.settlements.get(), by=coordinator, received_on=timezone.localdate()
    )
    grant_close(grant=returned, by=coordinator)
    finance = call_finance(call=call)
    assert (finance.returns_due, finance.returns_received) == (Decimal("0.00"), Decimal("400.00"))
    assert finance.closed == 1


@pytest.mark.parametrize("count", [1, 4])
def test_finance_page_queries_stay_fixed_after_settlements(
    client, count, django_assert_max_num_queries
):
    call = settled_call(count)
    client.force_login(CoordinatorFactory())
    with django_assert_max_num_queries(14):
        page = client.get(url(call)).content.decode()
    assert "Zwroty do otrzymania" in page and "Zamknięte granty: 0" in page

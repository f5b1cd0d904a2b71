"""A call's finance summary read from its stored sums: after any write through the services the
page shows what a computation from scratch shows, in the same few queries."""

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from projects.models import FinanceSummary, Payment
from projects.tests.test_finance import on_screen, settled_call, url

pytestmark = pytest.mark.django_db


def from_scratch(client, call) -> list[Decimal]:
    """The page's figures with the stored sums thrown away (computed again from every row)."""
    FinanceSummary.objects.filter(call=call).delete()
    return on_screen(client, call)


def test_finance_summary_page_equals_a_computation_from_scratch_after_each_service_call(client):
    from projects.enums import PaymentState
    from projects.payments import payment_mark_paid
    from projects.settlements import grant_close, settlement_return_received, settlement_withdraw
    from projects.spending import document_remove
    from projects.termination import grant_terminate
    from projects.tests.factories import GrantFactory, active_grant
    from projects.tests.settlement_helpers import spend

    call = settled_call(3)
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    returning, owed, spending = call.grants.order_by("pk")
    today = timezone.localdate()
    events = {
        "a new grant": lambda: GrantFactory(application__call=call, amount=Decimal("1200")),
        "a grant under way (signed, advance paid)": lambda: active_grant(
            advance="80", call=call, amount="2000.00"
        ),
        "a document added": lambda: spend(spending, number="FV/2", l0=("250", "0")),
        "a document removed": lambda: document_remove(
            document=spending.documents.get(number="FV/2"), by=coordinator
        ),
        "a settlement withdrawn and issued again": lambda: settlement_withdraw(
            settlement=owed.settlements.get(), by=coordinator, reason="Korekta faktury."
        ),
        "the last instalment paid": lambda: payment_mark_paid(
            payment=Payment.objects.get(grant=owed, state=PaymentState.DUE),
            by=coordinator,
            paid_on=today,
        ),
        "a return received": lambda: settlement_return_received(
            settlement=returning.settlements.get(), by=coordinator, received_on=today
        ),
        "a grant closed": lambda: grant_close(grant=returning, by=coordinator),
        "a grant terminated": lambda: grant_terminate(
            grant=spending, by=coordinator, reason="Projekt przerwany."
        ),
    }
    seen = [on_screen(client, call)]
    for name, event in events.items():
        event()
        shown = on_screen(client, call)  # the stored sums, brought up to date once
        assert shown == on_screen(client, call), name  # read again: stored, unchanged
        assert shown == from_scratch(client, call), name
        seen.append(shown)
    # Most events moved a figure on screen (a stale store would have shown the old one).
    assert sum(before != after for before, after in itertools.pairwise(seen)) >= 6


def test_finance_summary_page_reads_one_query_for_its_figures_once_current(
    client, django_assert_max_num_queries
):
    call = settled_call(2)
    client.force_login(CoordinatorFactory())
    with CaptureQueriesContext(connection) as first:
        client.get(url(call))  # computes the sums and stores them
    with CaptureQueriesContext(connection) as stored:
        client.get(url(call))
    reads = len(stored.captured_queries)
    assert reads <= len(first.captured_queries) - 4  # not the four sums again
    more = settled_call(4)
    client.get(url(more))
    with django_assert_max_num_queries(reads):
        client.get(url(more))

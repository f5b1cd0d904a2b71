"""A grant keeps its schedule and planned indicators from the decided version, and its report
due dates follow the project's end and the call's terms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.tests.factories import CoordinatorFactory
from projects.agreement_templates import call_terms_save
from projects.enums import GrantState
from projects.models import Grant
from projects.report_dates import grant_report_dates_refresh
from projects.selectors import call_terms
from projects.services import grant_transition
from projects.tests.factories import SCHEDULE, accepted_grant, active_grant

pytestmark = pytest.mark.django_db


def test_grant_keeps_the_decided_schedule_and_its_final_report_is_due_21_days_after_it_ends():
    grant = accepted_grant()
    assert grant.schedule == SCHEDULE
    assert grant.planned_indicators == [
        {"name": "Uczestnicy warsztatów", "unit": "osób", "planned": "40"},
        {"name": "Posadzone rośliny", "unit": "szt.", "planned": "120"},
    ]
    assert grant.ends_on == date(2027, 6, 30)
    assert grant.final_report_due_on == date(2027, 7, 21)
    assert grant.interim_report_due_on is None


def test_call_terms_move_the_report_dates_of_running_grants():
    grant = accepted_grant()
    terms = call_terms(grant.call)
    terms.final_report_days = 30
    terms.interim_report = True
    call_terms_save(terms=terms, by=CoordinatorFactory())
    grant.refresh_from_db()
    assert grant.final_report_due_on == date(2027, 7, 30)
    # 45 days after 1 April (the period is 90 days long) is 16 May; due two weeks later.
    assert grant.interim_report_due_on == date(2027, 5, 16) + timedelta(days=14)


def test_a_later_end_date_moves_the_final_report():
    grant = accepted_grant()
    grant.ends_on = date(2027, 8, 31)
    grant_report_dates_refresh(grant=grant)
    assert Grant.objects.get(pk=grant.pk).final_report_due_on == date(2027, 9, 21)


def test_active_grant_is_under_way_with_its_advance_paid():
    grant = active_grant(advance="80")
    assert grant.state == GrantState.ACTIVE
    assert grant.is_spending
    assert [(p.amount, p.state) for p in grant.payments.order_by("number")] == [
        (Decimal("2400.00"), "paid"),
        (Decimal("600.00"), "planned"),
    ]


def test_closing_a_settled_grant_stamps_when():
    grant = active_grant()
    grant = grant_transition(grant, GrantState.SETTLED, by=None)
    assert grant.closed_at is None
    grant = grant_transition(grant, GrantState.CLOSED, by=CoordinatorFactory())
    assert grant.closed_at is not None
    assert [c.new_state for c in grant.state_changes.all()][-2:] == ["settled", "closed"]

"""A settlement's and an annex's PDF are rendered once, whatever the number of workers: a task
queued twice, or run while a twin renders, renders nothing more."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from core.pdf import renders_started
from projects.amendment_annex import amendment_annex_issue
from projects.amendment_requests import amendment_approve, amendment_request
from projects.models import Amendment, Settlement
from projects.settlement_pdf import settlement_pdf_store
from projects.tests.factories import active_grant
from projects.tests.settlement_helpers import final_report, spend

pytestmark = pytest.mark.django_db


def test_settlement_pdf_while_a_twin_worker_renders_it_is_not_rendered_again():
    grant = active_grant(advance="80")
    spend(grant, l0=("1500", "0"), l1=("1500", "0"))
    settlement = final_report(grant).settlements.get()
    Settlement.objects.filter(pk=settlement.pk).update(pdf_claimed_at=timezone.now())
    before = renders_started()

    while_twin = settlement_pdf_store(settlement_id=settlement.pk)

    assert renders_started() == before and not while_twin.pdf

    # The twin died (its claim is older than a render can take): the next run renders it, once.
    Settlement.objects.filter(pk=settlement.pk).update(
        pdf_claimed_at=timezone.now() - timedelta(hours=1)
    )
    stored = settlement_pdf_store(settlement_id=settlement.pk)
    again = settlement_pdf_store(settlement_id=settlement.pk)

    assert renders_started() == before + 1
    assert stored.pdf and again.pdf.name == stored.pdf.name and again.sha256 == stored.sha256
    assert stored.pdf_claimed_at is None


def test_annex_queued_twice_is_rendered_once(django_capture_on_commit_callbacks):
    grant = active_grant()
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Później.",
        ends_on=date(2027, 8, 31),
    )
    with django_capture_on_commit_callbacks(execute=False):  # the worker hasn't run yet
        amendment_approve(amendment=amendment, by=CoordinatorFactory())
    Amendment.objects.filter(pk=amendment.pk).update(pdf_claimed_at=timezone.now())
    before = renders_started()

    assert not amendment_annex_issue(amendment_id=amendment.pk).pdf  # a twin is rendering it
    Amendment.objects.filter(pk=amendment.pk).update(pdf_claimed_at=None)  # it failed, let go
    first = amendment_annex_issue(amendment_id=amendment.pk)
    second = amendment_annex_issue(amendment_id=amendment.pk)

    assert renders_started() == before + 1
    assert first.pdf and second.pdf.name == first.pdf.name

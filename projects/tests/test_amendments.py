"""Amendments: notified within the call's tolerance (measured from the agreed budget), others
approved or refused by a coordinator; the change in force is the grant's budget and dates;
an approved one is a numbered annex PDF."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import CoordinatorFactory
from core.models import OutgoingEmail
from projects.amendment_requests import (
    amendment_approve,
    amendment_refuse,
    amendment_request,
    amendment_withdraw,
)
from projects.enums import AmendmentKind, AmendmentState
from projects.models import Amendment, Grant
from projects.tests.factories import active_grant
from projects.tests.test_agreements import pdf_text
from projects.tests.test_spending_figures import document

pytestmark = pytest.mark.django_db

D = Decimal


def said(error) -> str:
    """The messages of a ValidationError as one string, with ordinary spaces."""
    return " ".join(error.messages).replace("\xa0", " ").replace("\u202f", " ")


def lines_of(grant, *totals):
    """Existing lines set to `totals` (quantity 1 × the total; own contribution kept)."""
    return [
        {"id": line.pk, "quantity": D("1"), "unit_cost": D(total)}
        for line, total in zip(grant.budget_lines.all(), totals, strict=True)
        if total is not None
    ]


def shift(grant, first, second, *, why="Ceny sadzonek wzrosły.", **kwargs):
    """Line 1 (1,500 zł, all from the grant) to `first`, line 2 (2,000 zł, 500 zł own) to
    `second`: the grant's share stays 3,000 zł when first + second = 3,500."""
    return amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification=why,
        lines=lines_of(grant, first, second),
        **kwargs,
    )


@pytest.fixture
def grant():
    return active_grant()


def test_amendment_request_within_ten_percent_is_notified_and_applied(grant):
    amendment = shift(grant, "1650.00", "1850.00")

    assert amendment.state == AmendmentState.NOTIFIED
    assert amendment.kinds == [AmendmentKind.BUDGET_SHIFT]
    change = amendment.changes.get()
    assert change.by is None and change.note
    totals = [line.total for line in Grant.objects.get(pk=grant.pk).budget_lines.all()]
    assert totals == [D("1650.00"), D("1850.00")]
    assert amendment.before["budget"]["lines"][0]["total"] == "1500.00"
    assert amendment.after["budget"]["lines"][0]["total"] == "1650.00"


def test_amendment_request_a_grosz_over_ten_percent_needs_approval_and_tells_coordinators(grant):
    CoordinatorFactory(email="koordynator@example.org")

    amendment = shift(grant, "1650.01", "1849.99")

    assert amendment.state == AmendmentState.REQUESTED
    assert [line.total for line in grant.budget_lines.all()] == [D("1500.00"), D("2000.00")]
    assert OutgoingEmail.objects.filter(
        kind="projects/amendment_requested", to="koordynator@example.org"
    ).exists()


def test_amendment_tolerance_is_measured_from_the_agreed_budget_not_the_last_notified_shift(
    grant,
):
    assert shift(grant, "1575.00", "1925.00").state == AmendmentState.NOTIFIED
    # Exactly 10 % above the agreed 1,500 zł (less than 10 % above 1,575 zł): notified.
    assert shift(grant, "1650.00", "1850.00").state == AmendmentState.NOTIFIED
    # A grosz more — though only 0.0006 % above the current line: needs approval.
    assert shift(grant, "1650.01", "1849.99").state == AmendmentState.REQUESTED


def test_amendment_tolerance_after_an_approved_amendment_is_measured_from_it(grant):
    requested = shift(grant, "2000.00", "1500.00")
    amendment_approve(amendment=requested, by=CoordinatorFactory())

    assert shift(grant, "2200.00", "1300.00").state == AmendmentState.NOTIFIED


def test_amendment_new_line_needs_approval(grant):
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Potrzebujemy nagłośnienia.",
        lines=lines_of(grant, "1300.00", "2000.00"),
        new_lines=[
            {
                "category": "equipment",
                "item": "Nagłośnienie",
                "unit": "dzień",
                "quantity": D("1"),
                "unit_cost": D("200.00"),
                "own_contribution": D("0"),
            }
        ],
    )

    assert amendment.state == AmendmentState.REQUESTED
    assert AmendmentKind.NEW_LINE in amendment.kinds


def test_amendment_extension_needs_approval_and_moves_the_final_report_when_approved(grant):
    assert grant.final_report_due_on == date(2027, 7, 21)
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Deszcz przesunął sadzenie.",
        ends_on=date(2027, 8, 31),
    )
    assert amendment.state == AmendmentState.REQUESTED
    assert Grant.objects.get(pk=grant.pk).final_report_due_on == date(2027, 7, 21)

    amendment_approve(amendment=amendment, by=CoordinatorFactory())

    grant.refresh_from_db()
    assert grant.ends_on == date(2027, 8, 31)
    assert grant.final_report_due_on == date(2027, 9, 21)


def test_amendment_earlier_end_is_notified(grant):
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Skończymy wcześniej.",
        ends_on=date(2027, 6, 15),
    )
    assert amendment.state == AmendmentState.NOTIFIED
    assert Grant.objects.get(pk=grant.pk).final_report_due_on == date(2027, 7, 6)


def test_amendment_grant_share_must_equal_the_award(grant):
    with pytest.raises(ValidationError) as refused:
        shift(grant, "1600.00", "2000.00")

    assert "3 100,00" in said(refused.value)
    assert not Amendment.objects.exists()


def test_amendment_line_with_spending_cannot_go_below_what_was_spent(grant):
    document(grant, l1=(D("1400.00"), D("500.00")))

    with pytest.raises(ValidationError) as refused:
        shift(grant, "1650.00", "1850.00")

    assert "1 900,00" in said(refused.value)
    assert shift(grant, "1600.00", "1900.00").state == AmendmentState.NOTIFIED


def test_amendment_needs_a_justification_and_a_change(grant):
    with pytest.raises(ValidationError) as refused:
        shift(grant, "1500.00", "2000.00", why="  ")
    messages = " ".join(refused.value.messages)
    assert "why" in messages or "dlaczego" in messages.lower()


def test_amendment_second_request_waits_for_the_first(grant):
    shift(grant, "2000.00", "1500.00")
    with pytest.raises(ValidationError) as refused:
        shift(grant, "1550.00", "1950.00")
    assert refused.value.code == "waiting"


def test_amendment_annex_numbers_only_approved_ones(grant):
    coordinator = CoordinatorFactory()
    first = shift(grant, "2000.00", "1500.00")
    amendment_refuse(amendment=first, by=coordinator, reason="Za duża zmiana.")
    assert shift(grant, "1550.00", "1950.00").number == ""  # notified: no annex
    second = shift(grant, "2000.00", "1500.00")
    approved = amendment_approve(amendment=second, by=coordinator)
    third = shift(grant, "2500.00", "1000.00", why="Jeszcze więcej sadzonek.")
    approved_again = amendment_approve(amendment=third, by=coordinator)

    ref = grant.reference_number
    assert (approved.number, approved_again.number) == (f"{ref}/A1", f"{ref}/A2")
    assert Amendment.objects.get(pk=first.pk).number == ""


def test_amendment_refusal_needs_a_reason_and_changes_nothing(grant):
    amendment = shift(grant, "2000.00", "1500.00")
    with pytest.raises(ValidationError):
        amendment_refuse(amendment=amendment, by=CoordinatorFactory(), reason=" ")

    refused = amendment_refuse(amendment=amendment, by=CoordinatorFactory(), reason="Nie teraz.")

    assert refused.state == AmendmentState.REFUSED and refused.answer == "Nie teraz."
    assert [line.total for line in grant.budget_lines.all()] == [D("1500.00"), D("2000.00")]


def test_amendment_withdrawn_request_frees_the_way_for_another(grant):
    amendment = shift(grant, "2000.00", "1500.00")
    amendment_withdraw(amendment=amendment, by=grant.application.applicant)
    assert shift(grant, "1550.00", "1950.00").state == AmendmentState.NOTIFIED


def test_amendment_approved_annex_pdf_shows_before_and_after(
    grant, django_capture_on_commit_callbacks
):
    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Ulewy w maju: sadzimy w lipcu.",
        lines=lines_of(grant, "2000.00", "1500.00"),
        ends_on=date(2027, 8, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        approved = amendment_approve(amendment=amendment, by=CoordinatorFactory())

    approved.refresh_from_db()
    assert approved.pdf and approved.size and len(approved.sha256) == 64
    text = pdf_text(approved.pdf.read())
    assert f"{grant.reference_number}/A1" in text
    assert "Ulewy w maju" in text
    assert "1 500,00" in text and "2 000,00" in text
    assert "30 czerwca 2027" in text and "31 sierpnia 2027" in text
    assert grant.grantee_name in text


def test_export_grant_documents_includes_the_annexes(
    grant, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    amendment = amendment_request(
        grant=grant,
        by=grant.application.applicant,
        justification="Później.",
        ends_on=date(2027, 8, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        amendment_approve(amendment=amendment, by=CoordinatorFactory())

    call_command("export_grant_documents", call=grant.call.slug, out=tmp_path)

    annex = tmp_path / f"{grant.reference_number.replace('/', '-')}-A1.pdf"
    assert annex.read_bytes().startswith(b"%PDF")
    assert "31 sierpnia 2027" in pdf_text(annex.read_bytes())


def test_spending_tolerance_is_measured_from_the_agreed_budget_after_a_notified_shift(grant):
    from projects.deviations import BreachCode
    from projects.spending_figures import grant_spending
    from projects.tests.report_rows import financial_document

    assert shift(grant, "1650.00", "1850.00").state == AmendmentState.NOTIFIED
    first = Grant.objects.get(pk=grant.pk).budget_lines.first()
    # 1,700 zł: within 10 % of the shifted 1,650 zł, more than 10 % above the agreed 1,500 zł.
    financial_document(grant, amount="1700.00", lines={first: D("1700.00")})

    breaches = grant_spending(Grant.objects.get(pk=grant.pk)).breaches
    assert [b.code for b in breaches] == [BreachCode.LINE_OVER]
    assert "1500,00" in said_text(breaches[0].message)


def said_text(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ").replace(" ", "")

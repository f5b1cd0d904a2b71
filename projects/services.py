"""Writes of a grant's life after the award: the grant made from an accepted award, and the
one guarded owner of each state (grant, agreement, bank account, payment).

Every state here changes only in its *_transition() function: it locks the row,
checks the move against the table in projects.enums, saves with update_fields,
writes the audit row and leaves side effects to transaction.on_commit. The
services of each part (agreements, signing, accounts, payments) call them.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from applicants.models import Application
from core.states import InvalidMove
from decisions.models import Decision
from projects.enums import (
    AGREEMENT_TRANSITIONS,
    BANK_ACCOUNT_TRANSITIONS,
    GRANT_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    BankAccountState,
    GrantState,
    PaymentState,
)
from projects.models import (
    Agreement,
    AgreementStateChange,
    BankAccount,
    BankAccountStateChange,
    Grant,
    GrantBudgetLine,
    GrantStateChange,
    Payment,
    PaymentStateChange,
)
from projects.report_dates import grant_report_dates_refresh
from projects.signals import grant_state_changed


class InvalidGrantTransition(InvalidMove):
    subject = "A grant"


class InvalidAgreementTransition(InvalidMove):
    subject = "An agreement"


class InvalidBankAccountTransition(InvalidMove):
    subject = "A bank account"


class InvalidPaymentTransition(InvalidMove):
    subject = "A payment"


# --- The owners of the states ---------------------------------------------------------------


@transaction.atomic
def grant_transition(grant: Grant, to: str, *, by, note: str = "") -> Grant:
    """Move `grant` to state `to`, record who did it and why. Raises InvalidGrantTransition.

    The row is locked first: two coordinators pressing at once can't both move it
    from the same state. Terminating needs a reason (`note`), kept on the grant.
    """
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    old = locked.state
    if to not in GRANT_TRANSITIONS[old]:
        raise InvalidGrantTransition(old, to)
    update_fields = ["state", "updated_at"]
    if to == GrantState.TERMINATED:
        if not note.strip():
            raise InvalidGrantTransition(old, to, "a termination says why")
        locked.terminated_reason = note
        update_fields.append("terminated_reason")
    elif to == GrantState.CLOSED:
        locked.closed_at = timezone.now()
        update_fields.append("closed_at")
    GrantStateChange.objects.create(grant=locked, old_state=old, new_state=to, by=by, note=note)
    locked.state = to
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=update_fields)
    grant_state_changed.send(
        sender=Grant, grant=locked, old_state=old, new_state=to, by=by, note=note
    )
    return locked


@transaction.atomic
def agreement_transition(agreement: Agreement, to: str, *, by, note: str = "") -> Agreement:
    """Move an issued agreement to `to` (signed, withdrawn) and record it."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    old = locked.state
    if to not in AGREEMENT_TRANSITIONS[old]:
        raise InvalidAgreementTransition(old, to)
    AgreementStateChange.objects.create(
        agreement=locked, old_state=old, new_state=to, by=by, note=note
    )
    locked.state = to
    locked.save(update_fields=["state"])
    return locked


@transaction.atomic
def bank_account_transition(account: BankAccount, to: str, *, by, note: str = "") -> BankAccount:
    """Move a bank account to `to` (in use, replaced, refused), stamping who decided and when."""
    locked = BankAccount.objects.select_for_update().get(pk=account.pk)
    old = locked.state
    if to not in BANK_ACCOUNT_TRANSITIONS[old]:
        raise InvalidBankAccountTransition(old, to)
    BankAccountStateChange.objects.create(
        account=locked, old_state=old, new_state=to, by=by, note=note
    )
    locked.state = to
    update_fields = ["state"]
    if old == BankAccountState.PENDING:  # the coordinator's answer to a change
        locked.answered_by = by
        locked.answered_at = timezone.now()
        update_fields += ["answered_by", "answered_at"]
    locked.save(update_fields=update_fields)
    return locked


@transaction.atomic
def payment_transition(
    payment: Payment,
    to: str,
    *,
    by,
    note: str = "",
    paid_on: date | None = None,
    bank_reference: str = "",
    paid_to_iban: str = "",
) -> Payment:
    """Move an instalment to `to` (due, paid, cancelled), stamping the moment and who.

    Locked first: two clicks on "paid" at once move it once; the second raises.
    """
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    old = locked.state
    if to not in PAYMENT_TRANSITIONS[old]:
        raise InvalidPaymentTransition(old, to)
    PaymentStateChange.objects.create(payment=locked, old_state=old, new_state=to, by=by, note=note)
    locked.state = to
    update_fields = ["state"]
    if to == PaymentState.DUE:
        locked.due_since = timezone.now()
        update_fields.append("due_since")
    elif to == PaymentState.PAID:
        if paid_on is None:
            raise InvalidPaymentTransition(old, to, "a payment is paid on a date")
        locked.paid_on = paid_on
        locked.bank_reference = bank_reference
        locked.paid_to_iban = paid_to_iban
        locked.marked_paid_by = by
        locked.marked_paid_at = timezone.now()
        update_fields += [
            "paid_on",
            "bank_reference",
            "paid_to_iban",
            "marked_paid_by",
            "marked_paid_at",
        ]
    locked.save(update_fields=update_fields)
    return locked


# --- The grant made from an accepted award --------------------------------------------------


def _project_period(content: dict) -> tuple[date | None, date | None]:
    rows = content.get("schedule") or []
    starts = [date.fromisoformat(row["starts_on"]) for row in rows if row.get("starts_on")]
    ends = [date.fromisoformat(row["ends_on"]) for row in rows if row.get("ends_on")]
    return (min(starts) if starts else None, max(ends) if ends else None)


def grant_create_for_award(sender=None, *, decision: Decision, by=None, **kwargs) -> Grant:
    """Make the grant of an accepted award (receiver of decisions.signals.award_accepted).

    Runs in the acceptance's transaction. The grant starts with the budget and the
    dates of the version the committee decided on (the newest submitted one).
    Making it twice returns the one that exists.
    """
    existing = Grant.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    application = Application.objects.select_related("call").get(pk=decision.application_id)
    version = application.versions.order_by("-number").first()
    content = version.content if version is not None else {}
    starts_on, ends_on = _project_period(content)
    grant = Grant(
        decision=decision,
        application=application,
        call=application.call,
        reference_number=application.reference_number or "",
        title=application.title,
        grantee_kind=application.applicant_kind,
        grantee_name=application.applicant_name,
        amount=decision.amount,
        starts_on=starts_on,
        ends_on=ends_on,
        schedule=content.get("schedule") or [],
        planned_indicators=[
            {
                "name": row.get("name", ""),
                "unit": row.get("unit", ""),
                "planned": row.get("planned"),
            }
            for row in content.get("indicators") or []
        ],
    )
    grant.full_clean(exclude=["decision", "application"])
    grant.save()
    grant_report_dates_refresh(grant=grant)
    GrantStateChange.objects.create(
        grant=grant, old_state="", new_state=grant.state, by=by, note=""
    )
    lines = (content.get("budget") or {}).get("lines") or []
    GrantBudgetLine.objects.bulk_create(
        GrantBudgetLine(
            grant=grant,
            category=line["category"],
            item=line["item"],
            unit=line["unit"],
            quantity=line["quantity"],
            unit_cost=line["unit_cost"],
            own_contribution=line.get("own_contribution") or "0",
            position=position,
        )
        for position, line in enumerate(lines)
    )
    return grant

"""A grant's settlement: issued when its final report is accepted; the last instalment is
made due, or the money to return is asked for by a date and marked received.

Every state move goes through settlement_transition(), which also records a new
settlement in its first state.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import format_money
from core.queue import task_enqueue
from core.states import InvalidMove
from projects.enums import (
    REPORT_ACCEPTED_STATES,
    SETTLEMENT_TRANSITIONS,
    AgreementState,
    GrantState,
    ReportKind,
    SettlementState,
)
from projects.models import (
    DocumentAllocation,
    FinancialDocument,
    Grant,
    Payment,
    Report,
    Settlement,
    SettlementStateChange,
)
from projects.notices import grantee_notify
from projects.payments import UNPAID_STATES, paid_total, payments_last_instalment_set
from projects.services import grant_transition
from projects.spending_figures import SpendingFigures, grant_spending

GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")
# The agreement's own words (templates/projects/agreement_texts): money not spent, or spent
# against the agreement, is returned within 14 days of the report's acceptance.
RETURN_DAYS = 14
# A settlement that is in force: issued and not withdrawn.
IN_FORCE_STATES = frozenset(
    {SettlementState.BALANCED, SettlementState.RETURN_DUE, SettlementState.RETURN_RECEIVED}
)


class InvalidSettlementTransition(InvalidMove):
    subject = "A settlement"


@transaction.atomic
def settlement_transition(
    settlement: Settlement,
    to: str,
    *,
    by,
    note: str = "",
    received_on: date | None = None,
    reference: str = "",
) -> Settlement:
    """Move `settlement` to `to` and record it; an unsaved settlement is saved here in its
    first state (balanced, or a return due). A return is received on a date; a
    withdrawal says why."""
    if settlement.pk is None:
        locked, old = settlement, ""
    else:
        locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
        old = locked.state
    if to not in SETTLEMENT_TRANSITIONS[old]:
        raise InvalidSettlementTransition(old, to)
    locked.state = to
    update_fields = ["state"]
    if to == SettlementState.RETURN_RECEIVED:
        if received_on is None:
            raise InvalidSettlementTransition(old, to, "a return is received on a date")
        locked.return_received_on = received_on
        locked.return_reference = reference
        update_fields += ["return_received_on", "return_reference"]
    elif to == SettlementState.WITHDRAWN and not note.strip():
        raise InvalidSettlementTransition(old, to, "a withdrawal says why")
    if locked.pk is None:
        locked.save()
    else:
        locked.save(update_fields=update_fields)
    SettlementStateChange.objects.create(
        settlement=locked, old_state=old, new_state=to, by=by, note=note
    )
    return locked


class SettlementRefused(Exception):
    """A settlement step can't be taken; the message says why, for the coordinator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- The arithmetic ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementFigures:
    """What a grant's settlement comes to, to the grosz.

    eligible = min(award, spent from the grant − not eligible), never below 0;
    paid_before + final_instalment − return_amount == eligible, and neither of the
    last two is ever negative (at most one of them is above 0).
    """

    awarded: Decimal
    spent_from_grant: Decimal
    ineligible: Decimal
    eligible: Decimal
    paid_before: Decimal
    final_instalment: Decimal
    return_amount: Decimal


def settlement_figures(
    *, awarded: Decimal, spent_from_grant: Decimal, ineligible: Decimal, paid_before: Decimal
) -> SettlementFigures:
    """The last instalment or the return of a grant of `awarded` that spent `spent_from_grant`
    (of which `ineligible` is not eligible) after `paid_before` was paid. Pure arithmetic."""
    awarded, spent, ineligible, paid = (
        Decimal(value).quantize(GROSZ)
        for value in (awarded, spent_from_grant, ineligible, paid_before)
    )
    eligible = max(ZERO, min(awarded, spent - ineligible))
    return SettlementFigures(
        awarded=awarded,
        spent_from_grant=spent,
        ineligible=ineligible,
        eligible=eligible,
        paid_before=paid,
        final_instalment=max(ZERO, eligible - paid),
        return_amount=max(ZERO, paid - eligible),
    )


# --- What a settlement keeps as issued -------------------------------------------------------


def _money(value) -> str:
    return str(Decimal(value).quantize(GROSZ))


def _agreement_number(grant: Grant) -> str:
    agreement = (
        grant.agreements.exclude(state=AgreementState.WITHDRAWN).order_by("-version").first()
    )
    return agreement.number if agreement is not None else ""


def _documents(grant: Grant) -> list[dict]:
    """The grant's documents (removed ones left out) with the lines each paid for: 2 queries."""
    documents = (
        FinancialDocument.objects.filter(grant=grant, removed_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=DocumentAllocation.objects.select_related("budget_line"),
            )
        )
        .order_by("issued_on", "pk")
    )
    rows = []
    for document in documents:
        allocations = list(document.allocations.all())
        rows.append(
            {
                "number": document.number,
                "issued_on": document.issued_on.isoformat(),
                "issuer_name": document.issuer_name,
                "description": document.description,
                "amount": _money(document.amount),
                "from_grant": _money(sum((a.from_grant for a in allocations), ZERO)),
                "own_contribution": _money(sum((a.own_contribution for a in allocations), ZERO)),
                "lines": [a.budget_line.item for a in allocations],
                "ineligible": _money(document.ineligible_amount),
                "ineligible_reason": document.ineligible_reason,
            }
        )
    return rows


def _indicators(grant: Grant, report: Report) -> list[dict]:
    """Planned vs achieved: the report's, else the grant's planned ones without an achievement."""
    rows = report.indicators or [
        {**row, "achieved": None} for row in (grant.planned_indicators or [])
    ]
    return [
        {
            "name": str(row.get("name") or ""),
            "unit": str(row.get("unit") or ""),
            "planned": "" if row.get("planned") is None else str(row.get("planned")),
            "achieved": "" if row.get("achieved") is None else str(row.get("achieved")),
        }
        for row in rows
    ]


def settlement_content(*, grant: Grant, report: Report, spending: SpendingFigures) -> dict:
    """What the settlement's PDF shows besides its figures, as it is at the moment of issue."""
    return {
        "agreement_number": _agreement_number(grant),
        "report_state": report.state,
        "lines": [
            {
                "item": row.line.item,
                "planned_total": _money(row.planned_total),
                "planned_from_grant": _money(row.planned_from_grant),
                "planned_own": _money(row.planned_own),
                "spent_from_grant": _money(row.spent_from_grant),
                "spent_own": _money(row.spent_own),
                "spent_total": _money(row.spent_total),
            }
            for row in spending.lines
        ],
        "documents": _documents(grant),
        "indicators": _indicators(grant, report),
        "participants": report.participants,
        "volunteer_hours": (
            None if report.volunteer_hours is None else str(report.volunteer_hours)
        ),
    }


# --- Issuing ----------------------------------------------------------------------------------


def settlement_number(grant: Grant, version: int) -> str:
    return f"{grant.reference_number}/R{version}"


def settlement_in_force(grant: Grant) -> Settlement | None:
    return grant.settlements.filter(state__in=IN_FORCE_STATES).order_by("-version").first()


@transaction.atomic
def settlement_issue(*, report: Report, by, note: str = "") -> Settlement:
    """Settle the grant of the accepted final `report`: the figures from its documents, the
    last instalment made due (adjusted to what is eligible; cancelled at 0) or the money to
    return by a date, the next number (<reference>/R1, /R2…), the grant ACTIVE → SETTLED.

    Its PDF is rendered by a task worker after commit (render_settlement_pdf); the
    grantee's e-mail (what happens next) is sent from the outbox once it commits. Raises
    SettlementRefused for an interim report, a report not accepted, a grant not under way,
    or one settled already (withdraw that settlement first).
    """
    grant = Grant.objects.select_for_update().select_related("call").get(pk=report.grant_id)
    report = Report.objects.get(pk=report.pk)
    if report.kind != ReportKind.FINAL:
        raise SettlementRefused(_("Only the final report settles a grant."))
    if report.state not in REPORT_ACCEPTED_STATES:
        raise SettlementRefused(_("The final report is not accepted yet."))
    if grant.state not in (GrantState.ACTIVE, GrantState.SETTLED):
        raise SettlementRefused(
            _("%(reference)s can't be settled: it is %(state)s.")
            % {"reference": grant.reference_number, "state": grant.get_state_display().lower()}
        )
    if settlement_in_force(grant) is not None:
        raise SettlementRefused(
            _("%(reference)s is settled already: withdraw the settlement to correct it.")
            % {"reference": grant.reference_number}
        )
    spending = grant_spending(grant)
    figures = settlement_figures(
        awarded=grant.amount,
        spent_from_grant=spending.spent_from_grant,
        ineligible=spending.ineligible,
        paid_before=paid_total(grant=grant),
    )
    version = (grant.settlements.aggregate(version=Max("version"))["version"] or 0) + 1
    number = settlement_number(grant, version)
    today = timezone.localdate()
    settlement = Settlement(
        grant=grant,
        report=report,
        version=version,
        number=number,
        awarded=figures.awarded,
        spent_from_grant=figures.spent_from_grant,
        ineligible=figures.ineligible,
        eligible=figures.eligible,
        own_contribution_planned=spending.planned_own,
        own_contribution_spent=spending.spent_own,
        paid_before=figures.paid_before,
        final_instalment=figures.final_instalment,
        return_amount=figures.return_amount,
        return_due_on=today + timedelta(days=RETURN_DAYS) if figures.return_amount else None,
        content=settlement_content(grant=grant, report=report, spending=spending),
        issued_by=by,
    )
    settlement.full_clean(exclude=["grant", "report", "issued_by", "state", "pdf"])
    first = SettlementState.RETURN_DUE if figures.return_amount else SettlementState.BALANCED
    settlement = settlement_transition(settlement, first, by=by, note=note or number)
    payments_last_instalment_set(grant=grant, amount=figures.final_instalment, by=by, note=number)
    if grant.state == GrantState.ACTIVE:
        grant_transition(grant, GrantState.SETTLED, by=by, note=number)
    task_enqueue("projects.tasks.render_settlement_pdf", settlement_id=settlement.pk)
    grantee_notify(
        Grant.objects.select_related("application__applicant").get(pk=grant.pk),
        template="settlement_issued",
        settlement=settlement,
    )
    return settlement


def settlement_follow_report(sender=None, *, report: Report, new_state: str, by, **kwargs):
    """Receiver of projects.signals.report_state_changed: an accepted final report (in whole or
    in part) settles its grant in the report's own transaction. An interim one never does."""
    if report.kind == ReportKind.FINAL and new_state in REPORT_ACCEPTED_STATES:
        settlement_issue(report=report, by=by)


# --- After issuing: the return, a correction, closing ----------------------------------------


@transaction.atomic
def settlement_return_received(
    *, settlement: Settlement, by, received_on: date, reference: str = ""
) -> Settlement:
    """Record that the grantee's return arrived on `received_on` (not in the future), with the
    bank's reference; the grantee is told once it commits."""
    if received_on > timezone.localdate():
        raise SettlementRefused(_("The date received can't be in the future."))
    locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if locked.state != SettlementState.RETURN_DUE:
        raise SettlementRefused(
            _("%(number)s has no return waiting (%(state)s).")
            % {"number": locked.number, "state": locked.get_state_display().lower()}
        )
    received = settlement_transition(
        locked,
        SettlementState.RETURN_RECEIVED,
        by=by,
        received_on=received_on,
        reference=" ".join((reference or "").split())[:100],
    )
    grant = Grant.objects.select_related("application__applicant").get(pk=received.grant_id)
    grantee_notify(grant, template="return_received", settlement=received)
    return received


@transaction.atomic
def settlement_withdraw(*, settlement: Settlement, by, reason: str) -> Settlement:
    """Withdraw `settlement` for `reason` and issue the next version from the figures as they
    are now (the coordinator corrected the documents' findings first). The grant stays
    settled: its final report stays accepted, and there is no report to accept again.

    Refused once its return was received or the grant closed. Returns the new version.
    """
    reason = (reason or "").strip()
    if not reason:
        raise SettlementRefused(_("Say why the settlement is withdrawn."))
    grant = Grant.objects.select_for_update().get(pk=settlement.grant_id)
    locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if grant.state != GrantState.SETTLED or locked.state not in (
        SettlementState.BALANCED,
        SettlementState.RETURN_DUE,
    ):
        raise SettlementRefused(
            _("%(number)s can't be withdrawn any more.") % {"number": locked.number}
        )
    settlement_transition(locked, SettlementState.WITHDRAWN, by=by, note=reason)
    return settlement_issue(report=locked.report, by=by, note=reason)


def grant_close_problems(grant: Grant) -> list[str]:
    """Why `grant` can't be closed yet, in the coordinator's words (empty: it can)."""
    if grant.state != GrantState.SETTLED:
        return [_("Only a settled grant can be closed.")]
    problems = []
    unpaid = Payment.objects.filter(grant=grant, state__in=UNPAID_STATES).order_by("number")
    for payment in unpaid:
        problems.append(
            _("Instalment %(number)s (%(amount)s) is not paid yet.")
            % {"number": payment.number, "amount": format_money(payment.amount)}
        )
    if grant.settlements.filter(state=SettlementState.RETURN_DUE).exists():
        problems.append(_("The grantee's return is not received yet."))
    return problems


@transaction.atomic
def grant_close(*, grant: Grant, by) -> Grant:
    """Close a settled grant whose money is all paid or returned; the grantee is told once it
    commits. Raises SettlementRefused saying what is still outstanding."""
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if problems := grant_close_problems(locked):
        raise SettlementRefused(" ".join(str(problem) for problem in problems))
    closed = grant_transition(locked, GrantState.CLOSED, by=by)
    grant = Grant.objects.select_related("application__applicant").get(pk=closed.pk)
    grantee_notify(grant, template="grant_closed")
    return closed

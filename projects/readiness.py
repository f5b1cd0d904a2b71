"""Whether a grant's agreement can be issued, and whether its budget must be adjusted first:
reads only (the panel's template tags and the writes both ask them)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from applicants.consents_selectors import guardian_consents_missing_for_agreement
from core.formatting import format_money
from projects.enums import PREPARING_STATES, BankAccountState, GrantState
from projects.models import Grant


def budget_is_reduced(grant: Grant) -> bool:
    """Whether the award is less than the grantee asked for: then they adjust and confirm the budget."""
    requested = grant.application.requested_amount
    return requested is not None and grant.amount < requested


def budget_from_grant(grant: Grant) -> Decimal:
    """What the grant's budget lines ask of the grant (their totals less own contributions)."""
    return sum((line.from_grant for line in grant.budget_lines.all()), Decimal("0"))


def agreement_readiness(grant: Grant) -> list[str]:
    """What stops the agreement of `grant` from being issued, in the coordinator's words. [] if nothing.

    Reads the grant's prefetched relations where the page has them (budget
    lines, signatories, bank accounts).
    """
    problems = []
    if grant.state != GrantState.AGREEMENT_TO_PREPARE:
        problems.append(
            _("The agreement can be issued only while it is being prepared (now: %(state)s).")
            % {"state": grant.get_state_display()}
        )
    if not grant.starts_on or not grant.ends_on:
        problems.append(_("The project's start and end dates are not set."))
    lines = list(grant.budget_lines.all())
    if not lines:
        problems.append(_("The budget has no lines."))
    elif budget_is_reduced(grant) and grant.budget_confirmed_at is None:
        problems.append(
            _(
                "The award is less than the grantee asked for: the grantee has not yet adjusted "
                "and confirmed the budget."
            )
        )
    elif (asked := budget_from_grant(grant)) != grant.amount:
        problems.append(
            _("The budget asks %(asked)s of the grant, but the award is %(amount)s.")
            % {"asked": format_money(asked), "amount": format_money(grant.amount)}
        )
    if not list(grant.signatories.all()):
        problems.append(_("No one is named to sign the agreement for the grantee."))
    accounts = getattr(grant, "live_bank_accounts", None)
    if accounts is None:
        accounts = list(grant.bank_accounts.all())
    if not any(account.state == BankAccountState.IN_USE for account in accounts):
        problems.append(_("The grantee has not given a bank account yet."))
    # Consents the call let follow after submission (or withdrawn since) are due now.
    problems += guardian_consents_missing_for_agreement(grant.application)
    return problems


def grant_budget_editable(grant: Grant) -> bool:
    """Whether the grantee may adjust the budget: a reduced award, while the agreement is prepared."""
    return grant.state in PREPARING_STATES and budget_is_reduced(grant)

"""The account a grant is paid to: the grantee gives it, a change after the agreement is sent
waits for a coordinator's answer.

Before the agreement is sent the grantee's entry is in use at once (it goes into the
agreement); once the agreement is out, a new entry is a change the coordinator confirms
or refuses with a reason, and the grantee is told. Every state move goes through
projects.services.bank_account_transition().
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from applicants.enums import ApplicantKind
from projects.enums import PREPARING_STATES, AccountOwner, BankAccountState, GrantState
from projects.models import BankAccount, Grant
from projects.notices import grantee_notify
from projects.services import bank_account_transition

POLISH_IBAN_LENGTH = 28  # PL and 26 digits


class BankAccountRefused(Exception):
    """A bank account can't be given or answered now; the message says why, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def iban_clean(value: str) -> str:
    """The Polish account number in `value` as stored: compact, upper case, with PL.

    Spaces, dashes and lower case are accepted, and 26 digits without "PL" (as Polish
    banks print them). Raises ValidationError with a message a grantee understands:
    a foreign account, a wrong length, a checksum that does not add up.
    """
    compact = re.sub(r"[\s\-]", "", value or "").upper()
    if not compact:
        raise ValidationError(_("Enter the account number."), code="required")
    if compact.isdigit() and len(compact) == POLISH_IBAN_LENGTH - 2:
        compact = "PL" + compact
    if compact[:2].isalpha() and compact[:2] != "PL":
        raise ValidationError(
            _(
                "This is not a Polish account number (it starts with %(country)s). The grant "
                "is paid only to an account in a Polish bank: PL and 26 digits."
            ),
            code="foreign",
            params={"country": compact[:2]},
        )
    if not compact.startswith("PL"):
        compact = "PL" + compact
    if len(compact) != POLISH_IBAN_LENGTH or not compact[2:].isdigit():
        raise ValidationError(
            _(
                "A Polish account number has 26 digits (you entered %(count)s). "
                "Check that you copied all of them."
            ),
            code="length",
            params={"count": sum(ch.isdigit() for ch in compact)},
        )
    try:
        IBAN(compact)
    except SchwiftyException:
        raise ValidationError(
            _(
                "This account number does not exist: a digit is probably mistyped. "
                "Copy it again from your bank's app or statement."
            ),
            code="checksum",
        ) from None
    return compact


def owners_allowed(grant: Grant) -> list[str]:
    """Whose account a grant may be paid to: only a group may use its patron organisation's."""
    if grant.grantee_kind == ApplicantKind.GROUP:
        return [AccountOwner.GRANTEE, AccountOwner.PATRON]
    return [AccountOwner.GRANTEE]


@transaction.atomic
def bank_account_give(*, grant: Grant, iban: str, holder_name: str, owner: str, by) -> BankAccount:
    """Record the account the grantee gives for `grant`. Raises BankAccountRefused, ValidationError.

    Before the agreement is sent it replaces the account in use at once; afterwards it is
    a change waiting for the coordinator (an earlier change still waiting is dropped:
    the newer entry is what the grantee means).
    """
    grant = Grant.objects.select_for_update().get(pk=grant.pk)  # one entry at a time per grant
    if grant.state == GrantState.TERMINATED:
        raise BankAccountRefused(_("The agreement was terminated: no account is needed."))
    if owner not in owners_allowed(grant):
        raise BankAccountRefused(_("Only an informal group may be paid to its patron's account."))
    account = BankAccount(
        grant=grant,
        iban=iban_clean(iban),
        holder_name=" ".join(holder_name.split()),
        owner=owner,
        entered_by=by,
    )
    account.full_clean(exclude=["grant", "entered_by", "answered_by"])
    for waiting in grant.bank_accounts.filter(state=BankAccountState.PENDING):
        bank_account_transition(
            waiting, BankAccountState.REFUSED, by=by, note="replaced by a newer entry"
        )
    account.save()
    if grant.state in PREPARING_STATES:
        account = _put_in_use(account, by=by)
    return account


def _put_in_use(account: BankAccount, *, by) -> BankAccount:
    for current in BankAccount.objects.filter(
        grant_id=account.grant_id, state=BankAccountState.IN_USE
    ):
        bank_account_transition(current, BankAccountState.REPLACED, by=by)
    return bank_account_transition(account, BankAccountState.IN_USE, by=by)


@transaction.atomic
def bank_account_change_answer(
    *, account: BankAccount, confirm: bool, by, reason: str = ""
) -> BankAccount:
    """The coordinator's answer to a change of account: put it in use, or refuse it saying why.

    The grantee is told either way. Raises BankAccountRefused when the change was already
    answered (or replaced) or a refusal gives no reason.
    """
    grant = Grant.objects.select_for_update().get(pk=account.grant_id)
    account = BankAccount.objects.get(pk=account.pk)
    if account.state != BankAccountState.PENDING:
        raise BankAccountRefused(_("This change of account has already been answered."))
    reason = reason.strip()
    if confirm:
        account = _put_in_use(account, by=by)
    else:
        if not reason:
            raise BankAccountRefused(_("Say why the change is refused: the grantee reads it."))
        account.note = reason
        account.save(update_fields=["note"])
        account = bank_account_transition(account, BankAccountState.REFUSED, by=by, note=reason)
    grantee_notify(grant, template="bank_account_answer", account=account, confirmed=confirm)
    return account


def bank_account_in_use(*, grant: Grant) -> BankAccount | None:
    """The account the grant is paid to now (None before the grantee gives one)."""
    return grant.bank_accounts.filter(state=BankAccountState.IN_USE).first()

"""Where a grant stands and who must act next: one reading for the list, the pages and the start pages.

A grant's progress is a handful of facts (is the budget confirmed, how many
signatories are named, is there a bank account, in which state is the agreement
in force, is a payment due…). The coordinators' list reads them from SQL
annotations (projects.selectors.grant_list_annotations), the grant pages from
the prefetched rows (progress_of); both give the same GrantProgress, and
waiting_for() turns it into whom the grant waits for and what. No queries here.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.formatting import format_date, format_money
from projects.enums import (
    AGREEMENT_REQUEST_OPEN_STATES,
    AgreementRequestState,
    AgreementState,
    BankAccountState,
    GrantState,
    PaymentState,
    ReportKind,
    ReportState,
    SettlementState,
    SignedDocumentState,
)
from projects.readiness import budget_is_reduced


class WaitingWhom(models.TextChoices):
    """Who a grant waits for (the list's filter; the same values as the SQL in selectors)."""

    GRANTEE = "grantee", _("The grantee")
    SIGNATORIES = "signatories", _("The signatories")
    COORDINATOR = "coordinator", _("The coordinator")
    NOBODY = "nobody", _("Nobody")


@dataclass(frozen=True)
class GrantProgress:
    """The facts about a grant that decide what happens next."""

    state: str
    budget_confirmed: bool
    signatories: int
    bank_account: bool  # an account in use, or one given and waiting for the coordinator
    bank_account_change_pending: bool  # an account given and waiting for the coordinator
    agreement_state: str  # the state of the version in force, "" when none
    countersigned: bool
    payments_due: int
    # How many signatories signed the agreement in force; None while signatures aren't
    # recorded per person (then the list says only that the signatories are to sign).
    signed: int | None = None
    # An uploaded signed agreement waits for the coordinator to look at it.
    document_waiting: bool = False
    # For the page of one person (progress_of's viewer): they signed the agreement in force,
    # and the names of the signatories still to sign.
    viewer_signed: bool = False
    still_to_sign: tuple[str, ...] = ()
    # The state of the agreement's unfinished "Send" (AgreementRequestState), "" when none:
    # a task worker is preparing it, or it failed and waits for the coordinator's retry.
    agreement_request: str = ""
    # The second half: a report submitted and waiting for the coordinator's check; the
    # deadline of corrections asked for; the next report owed (not submitted) and its due
    # date; the settlement in force (SettlementState, "" when none) and a return it asks for.
    report_submitted: bool = False
    corrections_due_on: date | None = None
    report_owed: str = ""  # ReportKind, "" when none is owed
    report_due_on: date | None = None
    settlement_state: str = ""
    return_amount: Decimal | None = None
    return_due_on: date | None = None


@dataclass(frozen=True)
class WaitingFor:
    """Whom a grant waits for, and for what (short phrases, in the order to do them)."""

    whom: str
    what: list[str] = field(default_factory=list)

    @property
    def whom_label(self) -> str:
        return WaitingWhom(self.whom).label

    @property
    def is_nobody(self) -> bool:
        return self.whom == WaitingWhom.NOBODY


def grantee_tasks(progress: GrantProgress) -> list[str]:
    """What the grantee still has to give before the agreement can be prepared."""
    tasks = []
    if not progress.budget_confirmed:
        tasks.append(str(_("budget to confirm")))
    if not progress.bank_account:
        tasks.append(str(_("bank account")))
    if not progress.signatories:
        tasks.append(str(_("signatories")))
    return tasks


def waiting_for(progress: GrantProgress) -> WaitingFor:
    """Whom the grant waits for and what; the same answer as the list's SQL (grant_waiting_whom)."""
    state = progress.state
    if state == GrantState.AGREEMENT_TO_PREPARE:
        if progress.agreement_request in AGREEMENT_REQUEST_OPEN_STATES:
            # Only the task worker: nobody has anything to do.
            return WaitingFor(WaitingWhom.NOBODY, [str(_("agreement being prepared…"))])
        tasks = grantee_tasks(progress)
        if tasks:
            return WaitingFor(WaitingWhom.GRANTEE, tasks)
        if progress.agreement_request == AgreementRequestState.FAILED:
            return WaitingFor(
                WaitingWhom.COORDINATOR, [str(_("agreement failed to be prepared: retry"))]
            )
        return WaitingFor(WaitingWhom.COORDINATOR, [str(_("agreement to send"))])
    if state == GrantState.AGREEMENT_SENT:
        if progress.document_waiting:
            return WaitingFor(WaitingWhom.COORDINATOR, [str(_("signed agreement to check"))])
        if progress.signatories and (progress.signed or 0) >= progress.signatories:
            return WaitingFor(WaitingWhom.COORDINATOR, [str(_("countersignature"))])
        if progress.signed is None:
            return WaitingFor(WaitingWhom.SIGNATORIES, [str(_("signatures"))])
        return WaitingFor(
            WaitingWhom.SIGNATORIES,
            [
                ngettext(
                    "%(signed)d of %(count)d signed",
                    "%(signed)d of %(count)d signed",
                    progress.signatories,
                )
                % {"signed": progress.signed, "count": progress.signatories}
            ],
        )
    if state == GrantState.CLOSED:
        return WaitingFor(WaitingWhom.NOBODY)
    if state in (GrantState.SIGNED, GrantState.ACTIVE, GrantState.SETTLED):
        what = []
        if progress.payments_due:
            what.append(str(_("payment due")))
        if progress.bank_account_change_pending:
            what.append(str(_("bank account change to confirm")))
        if state == GrantState.ACTIVE and progress.report_submitted:
            what.append(str(_("report to check")))
        if what:
            return WaitingFor(WaitingWhom.COORDINATOR, what)
    if state == GrantState.ACTIVE:
        return WaitingFor(WaitingWhom.GRANTEE, grantee_reporting_tasks(progress))
    if state == GrantState.SETTLED:
        if progress.settlement_state == SettlementState.RETURN_DUE:
            return WaitingFor(
                WaitingWhom.GRANTEE,
                [
                    str(_("return of %(amount)s by %(date)s"))
                    % {
                        "amount": format_money(progress.return_amount),
                        "date": format_date(progress.return_due_on),
                    }
                ],
            )
        return WaitingFor(WaitingWhom.COORDINATOR, [str(_("grant to close"))])
    return WaitingFor(WaitingWhom.NOBODY)


def overdue_days(due_on: date | None, today: date | None = None) -> int:
    """How many days `due_on` is past (0 when not yet due or unknown)."""
    if due_on is None:
        return 0
    return max(0, ((today or timezone.localdate()) - due_on).days)


def grantee_reporting_tasks(progress: GrantProgress) -> list[str]:
    """What a grant under way waits for from its grantee: the report (corrections by a date,
    due on a date or overdue) and their documents as they spend."""
    tasks = []
    if progress.corrections_due_on is not None:
        tasks.append(
            str(_("report corrections by %(date)s"))
            % {"date": format_date(progress.corrections_due_on)}
        )
    elif progress.report_due_on is not None:
        late = overdue_days(progress.report_due_on)
        if late:
            tasks.append(
                ngettext("report overdue by %(days)d day", "report overdue by %(days)d days", late)
                % {"days": late}
            )
        else:
            tasks.append(
                str(_("report due on %(date)s")) % {"date": format_date(progress.report_due_on)}
            )
    tasks.append(str(_("documents as they spend")))
    return tasks


def next_report_owed(
    *, interim_due_on, final_due_on, interim_state: str, final_state: str
) -> tuple[str, date | None]:
    """The next report the grantee owes (not yet submitted) and when it's due."""
    owed = ("", ReportState.DRAFT)
    if interim_due_on is not None and (interim_state or "") in owed:
        return ReportKind.INTERIM, interim_due_on
    if (final_state or "") in owed:
        return ReportKind.FINAL, final_due_on
    return "", None


def progress_of(grant, viewer=None) -> GrantProgress:
    """The progress of a grant read from its prefetched rows (the grant pages' selector);
    with `viewer`, whether that person signed and who still has to."""
    accounts = getattr(grant, "live_bank_accounts", None)
    if accounts is None:
        accounts = list(grant.bank_accounts.all())
    in_force = [a for a in grant.agreements.all() if a.state != AgreementState.WITHDRAWN]
    agreement = in_force[-1] if in_force else None
    return GrantProgress(
        state=grant.state,
        # Only a reduced award's budget waits for the grantee (projects.readiness).
        budget_confirmed=grant.budget_confirmed_at is not None or not budget_is_reduced(grant),
        signatories=len(grant.signatories.all()),
        bank_account=any(
            a.state in (BankAccountState.IN_USE, BankAccountState.PENDING) for a in accounts
        ),
        bank_account_change_pending=any(a.state == BankAccountState.PENDING for a in accounts),
        agreement_state=agreement.state if agreement else "",
        countersigned=bool(agreement and agreement.countersigned_at),
        payments_due=sum(1 for p in grant.payments.all() if p.state == PaymentState.DUE),
        signed=(
            sum(1 for s in agreement.signatures.all() if s.signatory_id is not None)
            if agreement
            else 0
        ),
        document_waiting=bool(
            agreement
            and any(
                d.state == SignedDocumentState.WAITING for d in agreement.signed_documents.all()
            )
        ),
        agreement_request=unfinished_agreement_request_state(grant),
        **_signing_of(grant, agreement, viewer),
        **_reporting_of(grant),
    )


def _reporting_of(grant) -> dict:
    """The second half's facts from the prefetched `reports` and `settlements`."""
    reports = {report.kind: report for report in grant.reports.all()}
    states = {kind: report.state for kind, report in reports.items()}
    kind, due_on = next_report_owed(
        interim_due_on=grant.interim_report_due_on,
        final_due_on=grant.final_report_due_on,
        interim_state=states.get(ReportKind.INTERIM, ""),
        final_state=states.get(ReportKind.FINAL, ""),
    )
    corrections = [r for r in reports.values() if r.state == ReportState.CORRECTIONS]
    settlement = next(
        (s for s in grant.settlements.all() if s.state != SettlementState.WITHDRAWN), None
    )
    return {
        "report_submitted": ReportState.SUBMITTED in states.values(),
        "corrections_due_on": corrections[0].correction_deadline if corrections else None,
        "report_owed": kind,
        "report_due_on": due_on,
        "settlement_state": settlement.state if settlement else "",
        "return_amount": settlement.return_amount if settlement else None,
        "return_due_on": settlement.return_due_on if settlement else None,
    }


def _signing_of(grant, agreement, viewer) -> dict:
    if agreement is None or viewer is None:
        return {}
    signed_by = {s.signatory_id for s in agreement.signatures.all() if s.signatory_id}
    signatories = list(grant.signatories.all())
    return {
        "viewer_signed": any(s.pk in signed_by and s.user_id == viewer.pk for s in signatories),
        "still_to_sign": tuple(s.full_name for s in signatories if s.pk not in signed_by),
    }


def unfinished_agreement_request(grant):
    """The grant's "Send" not yet issued (queued, being rendered, failed), or None; reads the
    prefetched `agreement_requests` where the page has them."""
    return next(
        (r for r in grant.agreement_requests.all() if r.state != AgreementRequestState.ISSUED), None
    )


def unfinished_agreement_request_state(grant) -> str:
    request = unfinished_agreement_request(grant)
    return request.state if request is not None else ""


# --- What the grantee reads at the top of their page --------------------------------------


@dataclass(frozen=True)
class Todo:
    """One thing the grantee must do, and where on the site they do it: "budget",
    "bank_account", "signatories" (pages of their own) or "signing" (the page's signing
    panel, which links each way of signing)."""

    text: str
    where: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class NextStep:
    """The box at the top of the grantee's page: a heading, a few sentences, a list of to-dos."""

    heading: str
    text: str
    todo: list[Todo] = field(default_factory=list)
    tone: str = "info"  # a Bootstrap alert colour: "warning" when the grantee must act
    signing: bool = False  # the grantee must sign: the page shows the date to sign by

    @property
    def is_for_grantee(self) -> bool:
        return bool(self.todo)


def grantee_next_step(progress: GrantProgress) -> NextStep:
    """What happens next on the grant, and what the grantee must do, in plain words."""
    state = progress.state
    if state == GrantState.AGREEMENT_TO_PREPARE:
        todo = []
        if not progress.budget_confirmed:
            todo.append(
                Todo(
                    str(
                        _(
                            "Check your budget and confirm it. If you got less money than you "
                            "asked for, change the amounts so they add up to the grant."
                        )
                    ),
                    "budget",
                )
            )
        if not progress.bank_account:
            todo.append(
                Todo(
                    str(_("Give us the bank account we should send the money to.")), "bank_account"
                )
            )
        if not progress.signatories:
            todo.append(Todo(str(_("Tell us who will sign the agreement.")), "signatories"))
        if todo:
            return NextStep(
                heading=str(_("What you need to do now")),
                text=str(
                    _(
                        "Congratulations on your grant! Before we can prepare your agreement, "
                        "we need a few things from you:"
                    )
                ),
                todo=todo,
                tone="warning",
            )
        return NextStep(
            heading=str(_("Nothing to do for now")),
            text=str(
                _(
                    "You have given us everything. We are preparing your agreement. You will get "
                    "an e-mail when it is ready to sign."
                )
            ),
        )
    if state == GrantState.AGREEMENT_SENT:
        if progress.document_waiting or (
            progress.signatories and (progress.signed or 0) >= progress.signatories
        ):
            return NextStep(
                heading=str(_("Thank you for signing")),
                text=str(
                    _(
                        "Now the programme signs the agreement too. We will let you know by e-mail "
                        "when it's done."
                    )
                ),
            )
        if progress.viewer_signed and progress.still_to_sign:
            return NextStep(
                heading=str(_("You have signed")),
                text=str(
                    _(
                        "Thank you! The agreement still needs the signatures of: %(names)s. "
                        "Remind them to sign before the deadline."
                    )
                    % {"names": ", ".join(progress.still_to_sign)}
                ),
                signing=True,
            )
        text = str(
            _("Your agreement is ready. Read it carefully, then sign it as described below.")
        )
        if progress.signed is not None and progress.signatories:
            text += " " + ngettext(
                "%(signed)d of %(count)d person has signed so far.",
                "%(signed)d of %(count)d people have signed so far.",
                progress.signatories,
            ) % {"signed": progress.signed, "count": progress.signatories}
        return NextStep(
            heading=str(_("What you need to do now")),
            text=text,
            todo=[Todo(str(_("Sign the agreement before the deadline.")), "signing")],
            tone="warning",
            signing=True,
        )
    if state == GrantState.SIGNED:
        return NextStep(
            heading=str(_("The agreement is signed")),
            text=str(
                _(
                    "Both sides have signed. The money will come to your bank account soon; we "
                    "will let you know by e-mail when we send it."
                )
            ),
        )
    if state == GrantState.ACTIVE:
        return _active_next_step(progress)
    if state == GrantState.SETTLED:
        if progress.settlement_state == SettlementState.RETURN_DUE:
            return NextStep(
                heading=str(_("What you need to do now")),
                text=str(
                    _(
                        "Your report is accepted and the grant is settled. Part of the money "
                        "comes back to the programme: the settlement below says how much and "
                        "where to send it."
                    )
                ),
                todo=[
                    Todo(
                        str(_("Return %(amount)s by %(date)s."))
                        % {
                            "amount": format_money(progress.return_amount),
                            "date": format_date(progress.return_due_on),
                        },
                        "settlement",
                    )
                ],
                tone="warning",
            )
        return NextStep(
            heading=str(_("Your report is accepted")),
            text=str(
                _(
                    "Thank you! The grant is settled; the programme team will close it soon. "
                    "Anything still to be paid to you is shown under Payments."
                )
            ),
        )
    if state == GrantState.CLOSED:
        return NextStep(
            heading=str(_("The grant is closed")),
            text=str(
                _(
                    "Everything is settled. Thank you for your project! Keep the invoices and "
                    "receipts as your agreement says."
                )
            ),
            tone="success",
        )
    return NextStep(
        heading=str(_("The agreement was terminated")),
        text=str(
            _("The grant has ended early. If you have questions, write to the programme team.")
        ),
        tone="secondary",
    )


def _active_next_step(progress: GrantProgress) -> NextStep:
    """A project under way: keep documents, and the report that is due (or being checked)."""
    documents = Todo(
        str(
            _(
                "Add each invoice and receipt as you spend, with the sentence from your "
                "agreement written on it."
            )
        ),
        "documents",
    )
    if progress.corrections_due_on is not None:
        return NextStep(
            heading=str(_("What you need to do now")),
            text=str(_("The coordinator asked you to correct your report.")),
            todo=[
                Todo(
                    str(_("Correct the report and submit it again by %(date)s."))
                    % {"date": format_date(progress.corrections_due_on)},
                    "reports",
                )
            ],
            tone="warning",
        )
    if progress.report_submitted:
        return NextStep(
            heading=str(_("Your report is being checked")),
            text=str(
                _("Thank you! The coordinator is checking it; we will let you know by e-mail.")
            ),
        )
    todo = [documents]
    late = overdue_days(progress.report_due_on)
    if progress.report_due_on is not None:
        label = ReportKind(progress.report_owed or ReportKind.FINAL).label
        if late:
            text = ngettext(
                "Submit the %(report)s: it is overdue by %(days)d day.",
                "Submit the %(report)s: it is overdue by %(days)d days.",
                late,
            ) % {"report": str(label).lower(), "days": late}
        else:
            text = str(_("Submit the %(report)s by %(date)s.")) % {
                "report": str(label).lower(),
                "date": format_date(progress.report_due_on),
            }
        todo.append(Todo(text, "reports"))
    return NextStep(
        heading=str(_("Your project is under way")),
        text=str(
            _(
                "Do what you planned and keep every invoice and receipt: you will need them "
                "for the report. Write on each of them the sentence from your agreement."
            )
        ),
        todo=todo,
        tone="warning" if late else "info",
    )


# The grant's history in words, by the state it moved to (and from where, when it matters).
def history_story(change) -> str:
    """One move of the grant's history as a sentence anyone understands."""
    if change.new_state == GrantState.ACTIVE and change.old_state == GrantState.SETTLED:
        return str(_("The settlement was withdrawn to be corrected; the project is open again."))
    if change.new_state == GrantState.AGREEMENT_TO_PREPARE:
        if change.old_state == GrantState.AGREEMENT_SENT:
            return str(_("The agreement was withdrawn to be corrected; a new version will follow."))
        return str(
            _("The award was accepted: the grant was created and the agreement is prepared.")
        )
    return str(
        {
            GrantState.AGREEMENT_SENT: _("The agreement was sent for signature."),
            GrantState.SIGNED: _("The agreement was signed by both sides."),
            GrantState.ACTIVE: _("The project started."),
            GrantState.TERMINATED: _("The grant was terminated."),
            GrantState.SETTLED: _("The final report was accepted and the grant settled."),
            GrantState.CLOSED: _("The grant was closed."),
        }.get(change.new_state, change.get_new_state_display())
    )


def grant_history(grant) -> list[tuple]:
    """The grant's moves, oldest first, each with its sentence (state_changes prefetched)."""
    return [(change, history_story(change)) for change in grant.state_changes.all()]

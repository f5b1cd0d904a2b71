"""Writes of the decision stage: decisions within the budget, publication, acceptance, lapses.

Every change of a decision's state goes through decision_transition(), which
checks the move against ALLOWED_DECISION_TRANSITIONS, stamps its moment,
records who made it (DecisionStateChange) and asks for the letter that
follows. Letters and their e-mails are issued by decisions.issuing, the one
owner of their states.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.enums import REVIEW_STAGE_STATUSES, ApplicationStatus, HistoryNote
from applicants.models import Application
from applicants.services import application_transition
from core.deadlines import deadline_in
from core.formatting import format_money
from core.states import InvalidMove
from decisions.enums import (
    ALLOWED_DECISION_TRANSITIONS,
    DecisionLapse,
    DecisionOutcome,
    DecisionState,
    LetterReason,
)
from decisions.issuing import letter_request_create
from decisions.models import Decision, DecisionStateChange, Publication
from decisions.selectors import PublicationReadiness, awarded_total, publication_readiness
from decisions.signals import award_accepted
from grants.models import GrantCall
from grants.services import call_decide, call_refuse_archived
from reviews.ranking import call_ranking
from reviews.scoring import round2
from reviews.selectors_manage import application_final_score

STATUS_FOR_OUTCOME = {
    DecisionOutcome.AWARDED: ApplicationStatus.AWARDED,
    DecisionOutcome.RESERVE: ApplicationStatus.RESERVE,
    DecisionOutcome.REJECTED: ApplicationStatus.REJECTED,
}


class BudgetExceeded(ValidationError):
    """The award would take the call's awards over its budget."""


class InvalidDecisionTransition(InvalidMove):
    """A decision was asked to make a move its state (or its outcome) doesn't allow."""

    subject = "A decision"


# The fields decision_transition() writes itself: `changes` may not name them.
STATE_FIELDS = frozenset(
    {"state", "published_at", "published_by", "accepted_at", "declined_at", "lapsed_at"}
)

# What the committee may change in a draft decision (decision_record).
DRAFT_FIELDS = (
    "outcome",
    "amount",
    "justification",
    "reserve_position",
    "below_threshold_reason",
    "decided_by",
    "decided_at",
)

# The letter each move asks for (issued and e-mailed by the task queue after commit).
LETTER_FOR_MOVE = {
    (DecisionState.DRAFT, DecisionState.PUBLISHED): LetterReason.PUBLICATION,
    (DecisionState.PUBLISHED, DecisionState.PUBLISHED): LetterReason.RESERVE_OFFER,
}


@transaction.atomic
def decision_transition(
    decision: Decision,
    to: str,
    *,
    by,
    note: str = "",
    changes: dict | None = None,
    at: datetime | None = None,
) -> Decision:
    """Move `decision` to state `to` (with field `changes`), stamp the moment, record it.

    The row is locked first, so two people acting at once can't both move it
    from the same state. Entering PUBLISHED, ACCEPTED, DECLINED or LAPSED sets
    published_at (and published_by), accepted_at, declined_at or lapsed_at to
    `at` (now unless given: one publication stamps all its decisions alike) in
    the same save. Beyond the table: only an award is accepted or declined; a
    lapse says why (`changes["lapsed_reason"]`); the one move from published to
    published is an offer from the reserve list (`changes` makes the reserve
    decision an award). A publication and an offer ask for the decision's
    letter, issued by the task queue after commit. Raises
    InvalidDecisionTransition for a move that isn't allowed.
    """
    changes = dict(changes or {})
    if STATE_FIELDS & changes.keys():
        raise ValueError(f"decision_transition() sets {sorted(STATE_FIELDS & changes.keys())}.")
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    old = locked.state
    if to not in ALLOWED_DECISION_TRANSITIONS[old]:
        raise InvalidDecisionTransition(old, to)
    outcome = changes.get("outcome", locked.outcome)
    if (
        to in (DecisionState.ACCEPTED, DecisionState.DECLINED)
        and outcome != DecisionOutcome.AWARDED
    ):
        raise InvalidDecisionTransition(old, to, "only an award is accepted or declined")
    if to == old and not (
        locked.outcome == DecisionOutcome.RESERVE and outcome == DecisionOutcome.AWARDED
    ):
        raise InvalidDecisionTransition(old, to, "only an offer from the reserve list")
    if (to == DecisionState.LAPSED) != ("lapsed_reason" in changes):
        raise InvalidDecisionTransition(old, to, "a lapse, and only a lapse, says why")
    at = at or timezone.now()
    DecisionStateChange.objects.create(
        decision=locked, old_state=old, new_state=to, by=by, at=at, note=note
    )
    locked.state = to
    update_fields = ["state"]
    if to != old:
        if to == DecisionState.PUBLISHED:
            locked.published_at = at
            locked.published_by = by
            update_fields += ["published_at", "published_by"]
        elif to == DecisionState.ACCEPTED:
            locked.accepted_at = at
            update_fields.append("accepted_at")
        elif to == DecisionState.DECLINED:
            locked.declined_at = at
            update_fields.append("declined_at")
        elif to == DecisionState.LAPSED:
            locked.lapsed_at = at
            update_fields.append("lapsed_at")
    for field, value in changes.items():
        setattr(locked, field, value)
        update_fields.append(field)
    if by is not None:
        locked._history_user = by  # the decision's history says who moved it
    locked.save(update_fields=update_fields)
    reason = LETTER_FOR_MOVE.get((old, to))
    if reason is not None:
        # The request's reason (publication, an offer from the reserve list) says why,
        # in each reader's language: the move's own words are not copied as its note.
        letter_request_create(decision=locked, reason=reason, by=by)
    return locked


def _lock_call(call: GrantCall) -> GrantCall:
    """Serialise every write to the call's awards: PostgreSQL locks the call's row;
    SQLite's IMMEDIATE transactions already let one writer in at a time.

    An archived call is read-only: ValidationError (code "call_archived").
    """
    locked = GrantCall.objects.select_for_update().get(pk=call.pk)
    call_refuse_archived(locked)
    return locked


# Outcomes that, for an application scored below the call's minimum, need a reason.
BELOW_THRESHOLD_REASON_OUTCOMES = frozenset({DecisionOutcome.AWARDED, DecisionOutcome.RESERVE})


def _below_threshold_message(outcome: str, *, score: float, minimum: Decimal) -> str:
    values = {
        "score": number_format(round2(score), 2),
        "minimum": number_format(minimum, 2),
    }
    if outcome == DecisionOutcome.AWARDED:
        return (
            _(
                "The application's score (%(score)s) is below the call's minimum (%(minimum)s). "
                "Say why it is awarded all the same."
            )
            % values
        )
    return (
        _(
            "The application's score (%(score)s) is below the call's minimum (%(minimum)s). "
            "Say why it gets a place on the reserve list all the same."
        )
        % values
    )


@transaction.atomic
def decision_record(
    *,
    application: Application,
    outcome: str,
    by,
    amount: Decimal | None = None,
    justification: str = "",
    reserve_position: int | None = None,
    below_threshold_reason: str = "",
) -> Decision:
    """Record (or change) the committee's draft decision on one application.

    Awards are checked against the application (no more than requested, no less
    than the call's minimum; a reduced award needs a justification) and against
    the call's budget under a lock, so two coordinators awarding at the same
    moment can never overspend it. An award or a reserve place for an
    application whose final score is below the call's minimum needs
    `below_threshold_reason`, kept on the decision and in its history.
    """
    call = _lock_call(application.call)
    application = Application.objects.select_for_update().get(pk=application.pk)
    existing = Decision.objects.select_for_update().filter(application=application).first()
    if existing and existing.is_published:
        raise ValidationError(_("This decision is published and can't be changed."))
    if existing and existing.is_lapsed:
        reason = str(DecisionLapse(existing.lapsed_reason).label)
        raise ValidationError(
            _("This decision lapsed: %(reason)s.") % {"reason": reason[:1].lower() + reason[1:]}
        )
    errors: dict[str, str] = {}
    if outcome == DecisionOutcome.FORMALLY_REJECTED:
        if application.status != ApplicationStatus.FORMALLY_REJECTED:
            errors["outcome"] = _(
                "Only an application rejected in the formal check can be formally rejected here."
            )
        justification = justification or application.rejection_reasons
    elif application.status not in REVIEW_STAGE_STATUSES:
        errors["outcome"] = _("Only applications accepted for review get a decision on merit.")
    if outcome == DecisionOutcome.AWARDED:
        if amount is None:
            errors["amount"] = _("Enter the awarded amount.")
        elif amount > application.requested_amount:
            errors["amount"] = _("The award can't be more than the requested %(requested)s.") % {
                "requested": format_money(application.requested_amount)
            }
        elif amount < call.min_amount:
            errors["amount"] = _(
                "The award can't be less than the call's minimum of %(minimum)s."
            ) % {"minimum": format_money(call.min_amount)}
        elif amount < application.requested_amount and not justification.strip():
            errors["justification"] = _("Say briefly why the award is lower than requested.")
        elif (
            awarded_total(call, excluding=existing.pk if existing else None) + amount
            > call.total_budget
        ):
            raise BudgetExceeded(
                {
                    "amount": _(
                        "Only %(left)s of the budget is left; this award would overspend it."
                    )
                    % {
                        "left": format_money(
                            call.total_budget
                            - awarded_total(call, excluding=existing.pk if existing else None)
                        )
                    }
                }
            )
    else:
        amount = None
    below_threshold_reason = below_threshold_reason.strip()
    if outcome in BELOW_THRESHOLD_REASON_OUTCOMES and "outcome" not in errors:
        score = application_final_score(application=application)
        if score is not None and score < float(call.min_score) - 1e-9:
            if not below_threshold_reason:
                errors["below_threshold_reason"] = _below_threshold_message(
                    outcome, score=score, minimum=call.min_score
                )
        else:
            below_threshold_reason = ""
    else:
        below_threshold_reason = ""
    if (
        outcome == DecisionOutcome.RESERVE
        and reserve_position is None
        and existing
        and existing.outcome == DecisionOutcome.RESERVE
    ):
        # Saving a reserve-list decision again (e.g. a new justification) keeps its place.
        reserve_position = existing.reserve_position
    if outcome == DecisionOutcome.RESERVE and reserve_position is None:
        reserve_position = (
            Decision.objects.filter(call=call, outcome=DecisionOutcome.RESERVE).aggregate(
                m=Max("reserve_position")
            )["m"]
            or 0
        ) + 1
    if errors:
        raise ValidationError(errors)
    decision = existing or Decision(application=application, call=call)  # born a draft
    decision.outcome = outcome
    decision.amount = amount
    decision.justification = justification.strip()
    decision.reserve_position = reserve_position if outcome == DecisionOutcome.RESERVE else None
    decision.below_threshold_reason = below_threshold_reason
    decision.decided_by = by
    decision.decided_at = timezone.now()
    decision.full_clean(exclude=["application", "call", "decided_by"])
    if existing is None:
        decision.save()
        # The birth is on record like every move (its state is the model's default).
        DecisionStateChange.objects.create(
            decision=decision, old_state="", new_state=decision.state, by=by, at=decision.decided_at
        )
    else:
        # A draft's content changes; its state is decision_transition's to write.
        decision.save(update_fields=list(DRAFT_FIELDS))
    return decision


@transaction.atomic
def decisions_award_above_line(*, call: GrantCall, by) -> int:
    """Award the requested amount to every application above the ranking's funding line.

    All or nothing: if one award doesn't fit the budget, none is recorded.
    """
    _lock_call(call)  # refused for an archived call, even with nothing left to award
    awarded = 0
    for row in call_ranking(call).rows:
        if not row.above_funding_line:
            continue
        application = Application.objects.get(pk=row.id)
        current = Decision.objects.filter(application=application).first()
        if current and (current.is_published or current.outcome == DecisionOutcome.AWARDED):
            continue
        decision_record(
            application=application,
            outcome=DecisionOutcome.AWARDED,
            amount=application.requested_amount,
            by=by,
        )
        awarded += 1
    return awarded


class PublicationRefused(ValidationError):
    """The call isn't ready for its results: still open, formal check unfinished,
    or reviews unfinished and not confirmed. The code says which."""


def _numbers(applications) -> str:
    return ", ".join(
        application.reference_number or f"#{application.pk}" for application in applications
    )


def publication_refusal(
    readiness: PublicationReadiness, *, unfinished_reviews_confirmed: int = 0
) -> PublicationRefused | None:
    """Why the results can't be published now (None when they can).

    Unfinished reviews are accepted only when the coordinator confirmed at
    least as many as there are now (a review unfinished since the page was
    shown must be confirmed again).
    """
    call = readiness.call
    if readiness.call_open:
        return PublicationRefused(
            _(
                "The results can be published only after the call closes: "
                "its deadline is %(moment)s Polish time."
            )
            % {"moment": date_format(timezone.localtime(call.closes_at), "j E Y, H:i")},
            code="call_not_closed",
        )
    problems = []
    if readiness.awaiting_formal_check:
        count = len(readiness.awaiting_formal_check)
        problems.append(
            ngettext(
                "%(count)d application still waits for the formal check: %(numbers)s. "
                "Check it before publishing.",
                "%(count)d applications still wait for the formal check: %(numbers)s. "
                "Check them before publishing.",
                count,
            )
            % {"count": count, "numbers": _numbers(readiness.awaiting_formal_check)}
        )
    if readiness.awaiting_correction:
        count = len(readiness.awaiting_correction)
        problems.append(
            ngettext(
                "A correction may still come for %(count)d application: %(numbers)s. "
                "Publish once it is checked or its time for corrections is over.",
                "Corrections may still come for %(count)d applications: %(numbers)s. "
                "Publish once they are checked or their time for corrections is over.",
                count,
            )
            % {"count": count, "numbers": _numbers(readiness.awaiting_correction)}
        )
    if problems:
        return PublicationRefused(" ".join(problems), code="formal_check_unfinished")
    count = readiness.unfinished_review_count
    if count > unfinished_reviews_confirmed:
        return PublicationRefused(
            ngettext(
                "%(count)d review is not submitted. Tick the confirmation to publish without it.",
                "%(count)d reviews are not submitted. Tick the confirmation to publish without them.",
                count,
            )
            % {"count": count},
            code="unfinished_reviews",
        )
    return None


@transaction.atomic
def results_publish(
    *,
    call: GrantCall,
    by,
    decisions: Iterable[Decision] | None = None,
    public_results: bool = False,
    unfinished_reviews_confirmed: int = 0,
) -> Publication | None:
    """Publish decisions (all unpublished ones of the call, or the given ones).

    Only once the call is past its deadline and its formal check finished, and
    with reviews still unfinished only when the coordinator confirmed that many
    (`unfinished_reviews_confirmed`); otherwise PublicationRefused, nothing
    published (see publication_refusal). Freezes the decisions, moves the
    applications to their outcome, sets the award acceptance deadline, and
    asks for one letter per decision (issued and e-mailed by the task queue).
    Publishing twice publishes nothing twice; a lapsed decision (its
    application withdrawn) is never published.
    """
    call = _lock_call(call)
    refusal = publication_refusal(
        publication_readiness(call=call), unfinished_reviews_confirmed=unfinished_reviews_confirmed
    )
    if refusal is not None:
        raise refusal
    candidates = Decision.objects.drafts().filter(call=call)
    if decisions is not None:
        candidates = candidates.filter(pk__in=[d.pk for d in decisions])
    # The applications first, then their decisions: the order an application's own
    # transitions take (a withdrawal locks the application, then settles its
    # decision), so publishing and withdrawing at once can't deadlock. The
    # decisions are read again under the lock: one that lapsed meanwhile is left out.
    list(
        Application.objects.select_for_update()
        .filter(pk__in=candidates.values("application_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    to_publish = list(
        candidates.select_for_update(of=("self",)).select_related("application").order_by("pk")
    )
    if not to_publish:
        return None
    call_decide(call=call, by=by)  # the call is decided: its reviews and ranking freeze
    now = timezone.now()
    publication = Publication.objects.create(
        call=call, published_by=by, published_at=now, public_results=public_results
    )
    publication.decisions.set(to_publish)
    if public_results and not call.public_results:
        call.public_results = True
        call.save(update_fields=["public_results", "updated_at"])
    for decision in to_publish:
        # Published, stamped with the publication's moment; its letter is asked for.
        decision_transition(
            decision,
            DecisionState.PUBLISHED,
            by=by,
            note=_("Results published"),
            changes=(
                {"acceptance_deadline": deadline_in(call.acceptance_days, now=now)}
                if decision.outcome == DecisionOutcome.AWARDED
                else {}
            ),
            at=now,
        )
        new_status = STATUS_FOR_OUTCOME.get(decision.outcome)
        if new_status and decision.application.status != new_status:
            application_transition(
                decision.application, new_status, by=by, note_code=HistoryNote.RESULTS_PUBLISHED
            )
    return publication


@transaction.atomic
def award_accept(*, decision: Decision, by) -> Decision:
    """The awarded applicant confirms they accept the grant (before the deadline)."""
    _lock_call(decision.call)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_award_answerable(decision)
    decision = decision_transition(
        decision, DecisionState.ACCEPTED, by=by, note=_("Grant accepted")
    )
    award_accepted.send(sender=Decision, decision=decision, by=by)
    return decision


@transaction.atomic
def award_decline(
    *,
    decision: Decision,
    by,
    note_code: str = HistoryNote.GRANT_DECLINED,
    after_deadline: bool = False,
) -> Decision:
    """The awarded applicant declines: the money goes back to the budget.

    `after_deadline` lets the applicant's account deletion decline an award
    whose time to answer has passed (the money would stay locked otherwise);
    `note_code` (a HistoryNote) replaces "Grant declined" in the application's history.
    """
    _lock_call(decision.call)
    decision = (
        Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
    )
    _check_award_answerable(decision, deadline_applies=not after_deadline)
    note_code = HistoryNote(note_code)
    decision = decision_transition(decision, DecisionState.DECLINED, by=by, note=note_code.worded())
    application_transition(
        decision.application, ApplicationStatus.DECLINED, by=by, note_code=note_code
    )
    return decision


def _check_award_answerable(decision: Decision, *, deadline_applies: bool = True) -> None:
    if decision.outcome != DecisionOutcome.AWARDED or not decision.is_published:
        raise ValidationError(_("There is no published award to answer."))
    if decision.is_answered:
        raise ValidationError(_("You have already answered."))
    if (
        deadline_applies
        and decision.acceptance_deadline
        and timezone.now() >= decision.acceptance_deadline
    ):
        raise ValidationError(
            _("The time to answer has passed. Please contact the programme team.")
        )


@transaction.atomic
def reserve_offer(*, decision: Decision, by, amount: Decimal | None = None) -> Decision:
    """Offer a grant to a published reserve-list application once money is free again.

    The decision changes from reserve to an award (recorded in its history) and
    a new version of the letter is asked for: the award letter, noted as an
    offer from the reserve list.
    """
    call = _lock_call(decision.call)
    decision = (
        Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
    )
    if decision.outcome != DecisionOutcome.RESERVE or decision.state != DecisionState.PUBLISHED:
        raise ValidationError(
            _("Only a published reserve-list application can be offered a grant.")
        )
    if decision.application.anonymised_at is not None:
        # Nobody is left to accept it: the money would stay locked for good.
        raise ValidationError(
            _("The applicant deleted their account: there is no one to offer the grant to.")
        )
    amount = amount or decision.application.requested_amount
    if awarded_total(call) + amount > call.total_budget:
        raise BudgetExceeded({"amount": _("There isn't enough budget left for this offer.")})
    note = _("Offered from the reserve list")
    # Still published, now an award; the award letter is asked for, noted as an offer.
    decision = decision_transition(
        decision,
        DecisionState.PUBLISHED,
        by=by,
        note=note,
        changes={
            "outcome": DecisionOutcome.AWARDED,
            "amount": amount,
            "reserve_position": None,
            "acceptance_deadline": deadline_in(call.acceptance_days),
        },
    )
    application_transition(
        decision.application,
        ApplicationStatus.AWARDED,
        by=by,
        note_code=HistoryNote.OFFERED_FROM_RESERVE,
    )
    return decision


# Where an application's life ends before publication, and what its draft decision becomes.
LAPSE_FOR_STATUS = {
    ApplicationStatus.WITHDRAWN: DecisionLapse.WITHDRAWN,
    ApplicationStatus.FORMALLY_REJECTED: DecisionLapse.FORMALLY_REJECTED,
}


@transaction.atomic
def decision_lapse(*, application: Application, reason: str, by) -> Decision | None:
    """Settle the draft decision of an application whose life ended (withdrawn, formally rejected).

    The decision is kept on record, never published, and its award stops
    counting against the call's budget. A published decision is left as it is
    (an award is answered by award_decline). Returns the lapsed decision, or
    None when there was no draft to settle.
    """
    decision = (
        Decision.objects.select_for_update().drafts().filter(application_id=application.pk).first()
    )
    if decision is None:
        return None
    if (
        decision.outcome == DecisionOutcome.FORMALLY_REJECTED
        and reason == DecisionLapse.FORMALLY_REJECTED
    ):
        return None  # the formal rejection is this decision's own outcome
    return decision_transition(
        decision,
        DecisionState.LAPSED,
        by=by,  # the decision's history says who ended the application
        note=str(DecisionLapse(reason).label),
        changes={"lapsed_reason": reason},
    )


def decision_settle_on_application_end(sender, *, application, new_status, by, **kwargs) -> None:
    """Receiver of applicants.signals.application_status_changed, inside the same transaction."""
    reason = LAPSE_FOR_STATUS.get(new_status)
    if reason is not None:
        decision_lapse(application=application, reason=reason, by=by)

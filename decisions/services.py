"""Writes of the decision stage: decisions within the budget, publication, letters, acceptance."""

import hashlib
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.enums import ApplicationStatus
from applicants.models import Application
from applicants.services import application_transition
from core.formatting import format_money
from decisions.enums import DecisionOutcome, LetterState
from decisions.models import Decision, DecisionLetter, Publication
from grants.models import GrantCall
from grants.services import call_decide

REVIEW_STAGE = {
    ApplicationStatus.ACCEPTED_FOR_REVIEW,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.REVIEWED,
}

STATUS_FOR_OUTCOME = {
    DecisionOutcome.AWARDED: ApplicationStatus.AWARDED,
    DecisionOutcome.RESERVE: ApplicationStatus.RESERVE,
    DecisionOutcome.REJECTED: ApplicationStatus.REJECTED,
}


class BudgetExceeded(ValidationError):
    """The award would take the call's awards over its budget."""


def awarded_total(call: GrantCall, *, excluding: Decimal | None = None) -> Decimal:
    """The sum of awards that count against the budget (declined awards don't)."""
    queryset = Decision.objects.filter(
        call=call, outcome=DecisionOutcome.AWARDED, declined_at__isnull=True
    )
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding)
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def budget_left(call: GrantCall) -> Decimal:
    return call.total_budget - awarded_total(call)


def _lock_call(call: GrantCall) -> GrantCall:
    """Serialise every write to the call's awards: PostgreSQL locks the call's row;
    SQLite's IMMEDIATE transactions already let one writer in at a time."""
    return GrantCall.objects.select_for_update().get(pk=call.pk)


@transaction.atomic
def decision_record(
    *,
    application: Application,
    outcome: str,
    by,
    amount: Decimal | None = None,
    justification: str = "",
    reserve_position: int | None = None,
) -> Decision:
    """Record (or change) the committee's draft decision on one application.

    Awards are checked against the application (no more than requested, no less
    than the call's minimum; a reduced award needs a justification) and against
    the call's budget under a lock, so two coordinators awarding at the same
    moment can never overspend it.
    """
    call = _lock_call(application.call)
    application = Application.objects.select_for_update().get(pk=application.pk)
    existing = Decision.objects.filter(application=application).first()
    if existing and existing.is_published:
        raise ValidationError(_("This decision is published and can't be changed."))
    errors: dict[str, str] = {}
    if outcome == DecisionOutcome.FORMALLY_REJECTED:
        if application.status != ApplicationStatus.FORMALLY_REJECTED:
            errors["outcome"] = _(
                "Only an application rejected in the formal check can be formally rejected here."
            )
        justification = justification or application.rejection_reasons
    elif application.status not in REVIEW_STAGE:
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
    decision = existing or Decision(application=application, call=call)
    decision.outcome = outcome
    decision.amount = amount
    decision.justification = justification.strip()
    decision.reserve_position = reserve_position if outcome == DecisionOutcome.RESERVE else None
    decision.decided_by = by
    decision.decided_at = timezone.now()
    decision.full_clean(exclude=["application", "call", "decided_by"])
    decision.save()
    return decision


@transaction.atomic
def decisions_award_above_line(*, call: GrantCall, by) -> int:
    """Award the requested amount to every application above the ranking's funding line.

    All or nothing: if one award doesn't fit the budget, none is recorded.
    """
    from reviews.ranking import call_ranking

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


@transaction.atomic
def results_publish(
    *,
    call: GrantCall,
    by,
    decisions: Iterable[Decision] | None = None,
    public_results: bool = False,
) -> Publication | None:
    """Publish decisions (all unpublished ones of the call, or the given ones).

    Freezes them, moves the applications to their outcome, sets the award
    acceptance deadline, and queues one letter (and its e-mail) per decision.
    Publishing twice publishes nothing twice.
    """
    from decisions.tasks import issue_letter

    call = _lock_call(call)
    # A withdrawn application has nothing to publish: its draft decision stays a draft.
    queryset = (
        Decision.objects.select_for_update()
        .filter(call=call, published_at__isnull=True)
        .exclude(application__status=ApplicationStatus.WITHDRAWN)
    )
    if decisions is not None:
        queryset = queryset.filter(pk__in=[d.pk for d in decisions])
    to_publish = list(queryset.select_related("application"))
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
        decision.published_at = now
        decision.published_by = by
        decision.letter_state = LetterState.QUEUED
        if decision.outcome == DecisionOutcome.AWARDED:
            decision.acceptance_deadline = now + timedelta(days=call.acceptance_days)
        decision.save(
            update_fields=["published_at", "published_by", "letter_state", "acceptance_deadline"]
        )
        new_status = STATUS_FOR_OUTCOME.get(decision.outcome)
        if new_status and decision.application.status != new_status:
            application_transition(
                decision.application, new_status, by=by, note=_("Results published")
            )
        transaction.on_commit(lambda pk=decision.pk: issue_letter.enqueue(decision_id=pk))
    return publication


def letter_number(decision: Decision, version: int) -> str:
    return f"{decision.application.reference_number}/D{version}"


def letter_issue(
    *,
    decision: Decision,
    by=None,
    correction_note: str | None = None,
    issued_at=None,
) -> DecisionLetter:
    """Render and store the decision's letter once; a correction (with a note) issues the next version.

    Idempotent: without a correction note, an existing letter is returned as it
    is. The PDF is rendered outside any transaction (it takes a while); the row
    is then created under the unique (decision, version) constraint, so two
    workers retrying the same task can't both store one.
    """
    from decisions.letters import render_letter_pdf

    current = decision.letters.order_by("-version").first()
    if current is not None and correction_note is None:
        return current
    version = (current.version + 1) if current else 1
    applicant = decision.application.applicant
    language = applicant.language if applicant else "pl"
    number = letter_number(decision, version)
    issued_at = issued_at or timezone.now()  # a past date only for imported or demo records
    with translation.override(language):
        pdf = render_letter_pdf(decision, language=language, number=number, issued_at=issued_at)
    letter = DecisionLetter(
        decision=decision,
        number=number,
        version=version,
        language=language,
        kind=decision.letter_kind,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_at=issued_at,
        issued_by=by,
        note=correction_note or "",
    )
    try:
        with transaction.atomic():
            letter.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
            letter.save()
    except IntegrityError:
        letter.pdf.delete(save=False)
        return decision.letters.get(version=version)
    Decision.objects.filter(pk=decision.pk).update(letter_state=LetterState.ISSUED, letter_error="")
    return letter


@transaction.atomic
def award_accept(*, decision: Decision, by) -> Decision:
    """The awarded applicant confirms they accept the grant (before the deadline)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_award_answerable(decision)
    decision.accepted_at = timezone.now()
    decision.save(update_fields=["accepted_at"])
    return decision


@transaction.atomic
def award_decline(*, decision: Decision, by) -> Decision:
    """The awarded applicant declines: the money goes back to the budget."""
    _lock_call(decision.call)
    decision = (
        Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
    )
    _check_award_answerable(decision)
    decision.declined_at = timezone.now()
    decision.save(update_fields=["declined_at"])
    application_transition(
        decision.application, ApplicationStatus.DECLINED, by=by, note=_("Grant declined")
    )
    return decision


def _check_award_answerable(decision: Decision) -> None:
    if decision.outcome != DecisionOutcome.AWARDED or not decision.is_published:
        raise ValidationError(_("There is no published award to answer."))
    if decision.accepted_at or decision.declined_at:
        raise ValidationError(_("You have already answered."))
    if decision.acceptance_deadline and timezone.now() >= decision.acceptance_deadline:
        raise ValidationError(
            _("The time to answer has passed. Please contact the programme team.")
        )


def next_on_reserve(call: GrantCall) -> Decision | None:
    """The first published reserve-list decision that fits in the budget left, for the coordinator to offer."""
    left = budget_left(call)
    for decision in (
        Decision.objects.filter(
            call=call, outcome=DecisionOutcome.RESERVE, published_at__isnull=False
        )
        .select_related("application")
        .order_by("reserve_position", "pk")
    ):
        if (
            decision.application.requested_amount <= left
            and decision.application.status == ApplicationStatus.RESERVE
        ):
            return decision
    return None


@transaction.atomic
def reserve_offer(*, decision: Decision, by, amount: Decimal | None = None) -> Decision:
    """Offer a grant to a published reserve-list application once money is free again.

    The decision changes from reserve to an award (recorded in its history) and
    a new version of the letter is issued for it.
    """
    from decisions.tasks import issue_letter

    call = _lock_call(decision.call)
    decision = (
        Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
    )
    if decision.outcome != DecisionOutcome.RESERVE or not decision.is_published:
        raise ValidationError(
            _("Only a published reserve-list application can be offered a grant.")
        )
    amount = amount or decision.application.requested_amount
    if awarded_total(call) + amount > call.total_budget:
        raise BudgetExceeded({"amount": _("There isn't enough budget left for this offer.")})
    decision.outcome = DecisionOutcome.AWARDED
    decision.amount = amount
    decision.reserve_position = None
    decision.acceptance_deadline = timezone.now() + timedelta(days=call.acceptance_days)
    decision.letter_state = LetterState.QUEUED
    decision.save()
    application_transition(
        decision.application,
        ApplicationStatus.AWARDED,
        by=by,
        note=_("Offered from the reserve list"),
    )
    transaction.on_commit(
        lambda: issue_letter.enqueue(
            decision_id=decision.pk, correction_note="Offered from the reserve list"
        )
    )
    return decision


def letter_retry(*, decision: Decision) -> None:
    """Queue a failed (or stuck) letter again; the task returns an existing letter, never a second one."""
    from decisions.tasks import issue_letter

    Decision.objects.filter(pk=decision.pk, letter_state=LetterState.FAILED).update(
        letter_state=LetterState.QUEUED, letter_error=""
    )
    transaction.on_commit(lambda: issue_letter.enqueue(decision_id=decision.pk))

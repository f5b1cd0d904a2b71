"""Assigning reviewers to applications, and the reviewers' declarations of impartiality."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applicants.enums import REVIEW_STAGE_STATUSES, ApplicationStatus, HistoryNote
from applicants.models import ApplicantProfile, Application, ApplicationMember
from applicants.services import application_transition
from core.queue import task_enqueue
from grants.models import GrantCall
from grants.services import call_review_start
from reviews.assignment import (
    CandidateApplication,
    CandidateReviewer,
    may_review,
    organisation_keys,
    plan_assignments,
)
from reviews.enums import (
    AssignmentStatus,
)
from reviews.models import (
    PoolMember,
    ReviewAssignment,
    ReviewEvent,
)
from reviews.ranking_snapshot import ranking_changed
from reviews.services.states import (
    REMINDER_BEFORE_DUE,
    _lock_unfrozen_call,
    assignment_transition,
)

# --- assignments ---------------------------------------------------------------------------


def _schedule_reminder(assignment: ReviewAssignment) -> None:
    """Queue a reminder for two days before the due date (none if that moment has passed)."""
    run_after = assignment.due_at - REMINDER_BEFORE_DUE
    if run_after <= timezone.now():
        return  # too close to the deadline for a reminder to help; the dashboard shows it
    # Not queued by a backend that can't wait until then (a reminder sent now would be wrong).
    task_enqueue("reviews.tasks.remind_reviewer", run_after=run_after, assignment_id=assignment.pk)


def _candidate_applications(applications: Sequence[Application]) -> list[CandidateApplication]:
    profiles = {
        p.user_id: p
        for p in ApplicantProfile.objects.filter(user_id__in=[a.applicant_id for a in applications])
    }
    teams: dict[int, set[int]] = {}
    for application_id, user_id in ApplicationMember.objects.filter(
        application_id__in=[a.id for a in applications]
    ).values_list("application_id", "user_id"):
        teams.setdefault(application_id, set()).add(user_id)
    candidates = []
    for application in applications:
        profile = profiles.get(application.applicant_id)
        keys = frozenset()
        if profile is not None:
            keys = organisation_keys(krs=profile.krs, organisation_name=profile.organisation_name)
        candidates.append(
            CandidateApplication(
                application.id,
                application.applicant_id,
                keys,
                frozenset(teams.get(application.id, ())),
            )
        )
    return candidates


def _candidate_reviewers(call: GrantCall) -> list[CandidateReviewer]:
    reviewers = []
    members = PoolMember.objects.filter(call=call).select_related("reviewer__applicant_profile")
    for member in members:
        profile = getattr(member.reviewer, "applicant_profile", None)
        keys = frozenset()
        if profile is not None:
            keys = organisation_keys(krs=profile.krs, organisation_name=profile.organisation_name)
        reviewers.append(CandidateReviewer(member.reviewer_id, keys))
    return reviewers


def _conflicts(call: GrantCall) -> set[tuple[int, int]]:
    return set(
        ReviewAssignment.objects.filter(call=call, status=AssignmentStatus.CONFLICT).values_list(
            "application_id", "reviewer_id"
        )
    )


def _start_review_stage(application: Application, *, by) -> None:
    if application.status == ApplicationStatus.ACCEPTED_FOR_REVIEW:
        application_transition(
            application,
            ApplicationStatus.IN_REVIEW,
            by=by,
            note_code=HistoryNote.REVIEWERS_ASSIGNED,
        )


@transaction.atomic
def assignments_auto(*, call: GrantCall, due_at: datetime, by, seed: int | None = None) -> dict:
    """Assign the call's reviewers-per-application to every application accepted for review.

    Keeps existing assignments, never pairs anyone with a conflict, spreads the
    load evenly. Returns {"created": n, "short": {application id: missing}}.
    Refused once the call's results are published.
    """
    call = _lock_unfrozen_call(call_id=call.pk)
    applications = list(
        Application.objects.filter(
            call=call,
            status__in=[ApplicationStatus.ACCEPTED_FOR_REVIEW, ApplicationStatus.IN_REVIEW],
        ).order_by("number_in_call")
    )
    existing = list(
        ReviewAssignment.objects.filter(call=call)
        .active()
        .values_list("application_id", "reviewer_id")
    )
    plan = plan_assignments(
        _candidate_applications(applications),
        _candidate_reviewers(call),
        per_application=call.reviewers_per_application,
        existing=existing,
        conflicts=_conflicts(call),
        seed=call.pk if seed is None else seed,
    )
    by_id = {application.id: application for application in applications}
    created = 0
    for application_id, reviewer_id in plan.pairs:
        _assignment_create(
            application=by_id[application_id], reviewer_id=reviewer_id, due_at=due_at, by=by
        )
        created += 1
    for application in applications:
        if application.id in {pair[0] for pair in plan.pairs} or application.id in dict(existing):
            _start_review_stage(application, by=by)
    if created or existing:
        call_review_start(call=call, by=by)
    return {"created": created, "short": plan.short}


def _assignment_create(
    *, application: Application, reviewer_id: int, due_at: datetime, by
) -> ReviewAssignment:
    """A new assignment starts as "assigned" (creation, not a move: no transition to check)."""
    assignment = ReviewAssignment.objects.create(
        application=application,
        call_id=application.call_id,
        reviewer_id=reviewer_id,
        due_at=due_at,
        assigned_by=by,
    )
    ReviewEvent.objects.create(assignment=assignment, kind=ReviewEvent.Kind.ASSIGNED, by=by)
    ranking_changed(call_id=assignment.call_id)  # one more reviewer expected
    _schedule_reminder(assignment)
    return assignment


def _require_review_stage(application: Application) -> None:
    _lock_unfrozen_call(call_id=application.call_id, application_id=application.pk)
    if application.status not in REVIEW_STAGE_STATUSES:
        raise ValidationError(
            _(
                "Reviewers can be assigned only to applications accepted for review and not yet decided."
            )
        )


@transaction.atomic
def assignment_add(
    *, application: Application, reviewer: User, due_at: datetime, by
) -> ReviewAssignment:
    """Assign one more reviewer by hand; refuses conflicts and people outside the call's pool."""
    _require_review_stage(application)
    if not PoolMember.objects.filter(call_id=application.call_id, reviewer=reviewer).exists():
        raise ValidationError(_("This person is not in the call's pool of reviewers."))
    candidates = _candidate_applications([application])
    reviewer_candidate = next(
        (c for c in _candidate_reviewers(application.call) if c.id == reviewer.pk),
        CandidateReviewer(reviewer.pk),
    )
    if not may_review(candidates[0], reviewer_candidate, _conflicts(application.call)):
        raise ValidationError(
            _(
                "%(name)s can't review this application (own application, own organisation or a declared conflict)."
            )
            % {"name": reviewer.display_name}
        )
    try:
        with transaction.atomic():
            assignment = _assignment_create(
                application=application, reviewer_id=reviewer.pk, due_at=due_at, by=by
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s already reviews this application.") % {"name": reviewer.display_name}
        ) from exc
    _start_review_stage(application, by=by)
    call_review_start(call=application.call, by=by)
    return assignment


def assignment_remove(
    *, assignment: ReviewAssignment, by, note: str = "", event: str = ""
) -> ReviewAssignment:
    """Take an assignment back (its draft, if any, stays on record but no longer counts).

    `event` names the removal in the audit trail when it is more than a removal
    (ReviewEvent.Kind.REPLACED). InvalidAssignmentTransition if it was released already.
    """
    return assignment_transition(
        assignment,
        AssignmentStatus.REMOVED,
        by=by,
        note=note,
        event=event,
        changes={"released_at": timezone.now()},
    )


@transaction.atomic
def assignment_replace(*, assignment: ReviewAssignment, reviewer: User, by) -> ReviewAssignment:
    assignment_remove(assignment=assignment, by=by, event=ReviewEvent.Kind.REPLACED)
    return assignment_add(
        application=assignment.application, reviewer=reviewer, due_at=assignment.due_at, by=by
    )


@transaction.atomic
def extra_reviewer_add(
    *, application: Application, due_at: datetime, by
) -> ReviewAssignment | None:
    """One more reviewer for a disputed application: the least loaded one who may review it."""
    _require_review_stage(application)
    call = application.call
    existing = list(
        ReviewAssignment.objects.filter(call=call)
        .active()
        .values_list("application_id", "reviewer_id")
    )
    current = sum(1 for application_id, _reviewer in existing if application_id == application.pk)
    plan = plan_assignments(
        _candidate_applications([application]),
        _candidate_reviewers(call),
        per_application=current + 1,
        existing=existing,
        conflicts=_conflicts(call),
        seed=application.pk,
    )
    if not plan.pairs:
        return None
    _application_id, reviewer_id = plan.pairs[0]
    # An application already "reviewed" keeps that status (the pipeline never moves
    # backwards); the ranking counts the extra review once it is submitted.
    assignment = _assignment_create(
        application=application, reviewer_id=reviewer_id, due_at=due_at, by=by
    )
    _start_review_stage(application, by=by)
    call_review_start(call=call, by=by)
    return assignment


# --- declarations ---------------------------------------------------------------------


def assignment_declare(
    *, assignment: ReviewAssignment, impartial: bool, reason: str = "", by
) -> ReviewAssignment:
    """Record the reviewer's declaration; a conflict releases the assignment and tells the coordinators.

    InvalidAssignmentTransition if the reviewer has declared already.
    """
    now = timezone.now()
    if impartial:
        return assignment_transition(
            assignment,
            AssignmentStatus.DECLARED,
            by=by,
            changes={
                "declaration_text": assignment.call.impartiality_declaration,
                "declared_at": now,
            },
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what the conflict of interest is.")})
    return assignment_transition(
        assignment,
        AssignmentStatus.CONFLICT,
        by=by,
        note=reason,
        changes={"conflict_reason": reason, "declared_at": now, "released_at": now},
    )

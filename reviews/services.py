"""Writes of the review stage: pools, invitations, assignments, declarations, reviews."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applicants.enums import ApplicationStatus
from applicants.models import ApplicantProfile, Application
from applicants.services import application_transition
from grants.models import GrantCall
from reviews.assignment import (
    CandidateApplication,
    CandidateReviewer,
    may_review,
    organisation_keys,
    plan_assignments,
)
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import (
    Invitation,
    PoolMember,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewScore,
)
from reviews.scoring import weighted_total
from reviews.tasks import (
    notify_coordinators_of_conflict,
    remind_reviewer,
    send_pool_invitation,
)

REMINDER_BEFORE_DUE = timedelta(days=2)

# Applications that may be given reviewers: accepted in the formal check, not yet decided.
REVIEW_STAGE_STATUSES = (
    ApplicationStatus.ACCEPTED_FOR_REVIEW,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.REVIEWED,
)


class ReviewLocked(Exception):
    """A submitted review can't change until a coordinator reopens it."""


class NotDeclared(Exception):
    """The reviewer must declare impartiality before seeing or scoring the application."""


# --- pools and invitations ----------------------------------------------------------------


def pool_add(*, call: GrantCall, reviewer: User, by) -> PoolMember:
    member, _created = PoolMember.objects.get_or_create(
        call=call, reviewer=reviewer, defaults={"added_by": by}
    )
    return member


@transaction.atomic
def pool_invite(
    *, call: GrantCall, emails: Iterable[str], by
) -> tuple[list[PoolMember], list[Invitation]]:
    """Add people with an account to the pool now; e-mail an invitation link to everyone else."""
    added, invited = [], []
    for email in {e.strip().lower() for e in emails if e.strip()}:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            added.append(pool_add(call=call, reviewer=user, by=by))
            invitation = Invitation.objects.create(
                call=call, email=email, invited_by=by, accepted_at=timezone.now(), accepted_by=user
            )
        else:
            invitation = Invitation.objects.filter(
                call=call, email=email, accepted_at__isnull=True
            ).first()
            if invitation is None:
                invitation = Invitation.objects.create(call=call, email=email, invited_by=by)
            invited.append(invitation)
        transaction.on_commit(
            lambda pk=invitation.pk: send_pool_invitation.enqueue(invitation_id=pk)
        )
    return added, invited


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> PoolMember:
    """The invited person, now signed in, joins the pool (once; the link then stops working)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at and invitation.accepted_by_id != user.pk:
        raise ValidationError(_("This invitation has already been used."))
    if user.email.casefold() != invitation.email.casefold():
        # A forwarded link doesn't make someone a reviewer: the invitee signs in as themselves.
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    member = pool_add(call=invitation.call, reviewer=user, by=invitation.invited_by)
    if not invitation.accepted_at:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


# --- assignments ---------------------------------------------------------------------------


def _schedule_reminder(assignment: ReviewAssignment) -> None:
    """Queue a reminder for two days before the due date (none if that moment has passed)."""
    run_after = assignment.due_at - REMINDER_BEFORE_DUE
    if run_after <= timezone.now():
        return  # too close to the deadline for a reminder to help; the dashboard shows it
    if not remind_reviewer.get_backend().supports_defer:
        # A backend that runs tasks at once (the immediate one, in tests) can't wait until
        # then, and `using(run_after=…)` would raise; a reminder sent now would be wrong.
        return
    task = remind_reviewer.using(run_after=run_after)
    transaction.on_commit(lambda: task.enqueue(assignment_id=assignment.pk))


def _candidate_applications(applications: Sequence[Application]) -> list[CandidateApplication]:
    profiles = {
        p.user_id: p
        for p in ApplicantProfile.objects.filter(user_id__in=[a.applicant_id for a in applications])
    }
    candidates = []
    for application in applications:
        profile = profiles.get(application.applicant_id)
        keys = frozenset()
        if profile is not None:
            keys = organisation_keys(krs=profile.krs, organisation_name=profile.organisation_name)
        candidates.append(CandidateApplication(application.id, application.applicant_id, keys))
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
            application, ApplicationStatus.IN_REVIEW, by=by, note=_("Reviewers assigned")
        )


@transaction.atomic
def assignments_auto(*, call: GrantCall, due_at: datetime, by, seed: int | None = None) -> dict:
    """Assign the call's reviewers-per-application to every application accepted for review.

    Keeps existing assignments, never pairs anyone with a conflict, spreads the
    load evenly. Returns {"created": n, "short": {application id: missing}}.
    """
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
    return {"created": created, "short": plan.short}


def _assignment_create(
    *, application: Application, reviewer_id: int, due_at: datetime, by
) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.create(
        application=application,
        call_id=application.call_id,
        reviewer_id=reviewer_id,
        due_at=due_at,
        assigned_by=by,
    )
    ReviewEvent.objects.create(assignment=assignment, kind=ReviewEvent.Kind.ASSIGNED, by=by)
    _schedule_reminder(assignment)
    return assignment


def _require_review_stage(application: Application) -> None:
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
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ReviewAssignment, by, note: str = "") -> ReviewAssignment:
    """Take an assignment back (its draft, if any, stays on record but no longer counts)."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        return assignment
    assignment.status = AssignmentStatus.REMOVED
    assignment.released_at = timezone.now()
    assignment.save(update_fields=["status", "released_at"])
    ReviewEvent.objects.create(
        assignment=assignment, kind=ReviewEvent.Kind.REMOVED, by=by, note=note
    )
    return assignment


@transaction.atomic
def assignment_replace(*, assignment: ReviewAssignment, reviewer: User, by) -> ReviewAssignment:
    assignment_remove(assignment=assignment, by=by, note=_("Replaced"))
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
    return assignment


# --- declarations ---------------------------------------------------------------------


@transaction.atomic
def assignment_declare(
    *, assignment: ReviewAssignment, impartial: bool, reason: str = "", by
) -> ReviewAssignment:
    """Record the reviewer's declaration; a conflict releases the assignment and tells the coordinators."""
    assignment = (
        ReviewAssignment.objects.select_for_update().select_related("call").get(pk=assignment.pk)
    )
    if assignment.status != AssignmentStatus.ASSIGNED:
        return assignment
    now = timezone.now()
    if impartial:
        assignment.status = AssignmentStatus.DECLARED
        assignment.declaration_text = assignment.call.impartiality_declaration
        assignment.declared_at = now
        assignment.save(update_fields=["status", "declaration_text", "declared_at"])
        ReviewEvent.objects.create(assignment=assignment, kind=ReviewEvent.Kind.DECLARED, by=by)
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("Say briefly what the conflict of interest is.")})
        assignment.status = AssignmentStatus.CONFLICT
        assignment.conflict_reason = reason.strip()
        assignment.declared_at = now
        assignment.released_at = now
        assignment.save(update_fields=["status", "conflict_reason", "declared_at", "released_at"])
        ReviewEvent.objects.create(
            assignment=assignment, kind=ReviewEvent.Kind.CONFLICT, by=by, note=reason.strip()
        )
        transaction.on_commit(
            lambda: notify_coordinators_of_conflict.enqueue(assignment_id=assignment.pk)
        )
    return assignment


# --- reviews ----------------------------------------------------------------------------


def _review_for(assignment: ReviewAssignment) -> Review:
    review, _created = Review.objects.get_or_create(assignment=assignment)
    return review


@transaction.atomic
def review_save(
    *,
    assignment: ReviewAssignment,
    scores: dict[int, dict],
    comment_for_applicant: str,
    note_for_committee: str,
    recommendation: str,
) -> Review:
    """Save the reviewer's work as a draft; nothing needs to be complete yet.

    `scores` maps criterion id to {"points": int | None, "justification": str}.
    """
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.DECLARED:
        raise NotDeclared(assignment.pk)
    review = _review_for(assignment)
    if review.status == ReviewStatus.SUBMITTED:
        raise ReviewLocked(review.pk)
    criteria = {c.pk: c for c in assignment.call.criteria.all()}
    for criterion_id, value in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            continue
        points = value.get("points")
        if points is not None and not 0 <= int(points) <= criterion.max_points:
            raise ValidationError(
                {
                    f"points_{criterion.pk}": _("Give from 0 to %(max)s points.")
                    % {"max": criterion.max_points}
                }
            )
        ReviewScore.objects.update_or_create(
            review=review,
            criterion=criterion,
            defaults={
                "points": points,
                "justification": (value.get("justification") or "").strip(),
            },
        )
    review.comment_for_applicant = comment_for_applicant
    review.note_for_committee = note_for_committee
    review.recommendation = recommendation
    review.save(
        update_fields=[
            "comment_for_applicant",
            "note_for_committee",
            "recommendation",
            "updated_at",
        ]
    )
    return review


def review_problems(review: Review) -> dict[str, str]:
    """What is missing before a review can be submitted, by form field name."""
    problems: dict[str, str] = {}
    scores = {score.criterion_id: score for score in review.scores.all()}
    for criterion in review.assignment.call.criteria.all():
        score = scores.get(criterion.pk)
        if score is None or score.points is None:
            problems[f"points_{criterion.pk}"] = _("Give points for “%(name)s”.") % {
                "name": criterion.name
            }
        if score is None or not score.justification.strip():
            problems[f"justification_{criterion.pk}"] = _("Justify the points for “%(name)s”.") % {
                "name": criterion.name
            }
    if not review.recommendation:
        problems["recommendation"] = _("Choose a recommendation.")
    return problems


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, by, **data) -> Review:
    """Save and submit: every criterion scored and justified, a recommendation; then read-only."""
    review = review_save(assignment=assignment, **data)
    problems = review_problems(review)
    if problems:
        raise ValidationError(problems)
    criteria = {c.pk: c for c in assignment.call.criteria.all()}
    review.total = weighted_total(
        (score.points, criteria[score.criterion_id].max_points, criteria[score.criterion_id].weight)
        for score in review.scores.all()
        if score.criterion_id in criteria
    )
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save(update_fields=["total", "status", "submitted_at", "updated_at"])
    ReviewEvent.objects.create(assignment=assignment, kind=ReviewEvent.Kind.SUBMITTED, by=by)
    _finish_review_stage_if_complete(assignment.application, by=by)
    return review


def _finish_review_stage_if_complete(application: Application, *, by) -> None:
    application.refresh_from_db()
    if application.status != ApplicationStatus.IN_REVIEW:
        return
    active = ReviewAssignment.objects.filter(application=application).active()
    submitted = active.filter(review__status=ReviewStatus.SUBMITTED).count()
    if submitted >= application.call.reviewers_per_application and submitted == active.count():
        application_transition(
            application, ApplicationStatus.REVIEWED, by=by, note=_("All reviews submitted")
        )


@transaction.atomic
def review_reopen(*, review: Review, by, note: str = "") -> Review:
    """A coordinator sends a submitted review back to its reviewer (recorded)."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.SUBMITTED:
        return review
    review.status = ReviewStatus.DRAFT
    review.total = None
    review.submitted_at = None
    review.save(update_fields=["status", "total", "submitted_at", "updated_at"])
    ReviewEvent.objects.create(
        assignment=review.assignment, kind=ReviewEvent.Kind.REOPENED, by=by, note=note
    )
    return review

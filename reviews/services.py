"""Writes of the review stage: pools, invitations, assignments, declarations, reviews.

Every change of an assignment's status goes through assignment_transition(), and
every change of a review's status through review_transition(): each checks the
move against its table in reviews.enums, records a ReviewEvent and schedules
the e-mails after the commit. Once the call's results are published (the call is
decided or archived, or the application has its decision), nothing here changes
its reviews any more; review_correct() is the one recorded way to correct one.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from applicants.enums import DECIDED_STATUSES, REVIEW_STAGE_STATUSES, ApplicationStatus
from applicants.models import ApplicantProfile, Application
from applicants.services import application_transition
from core.mail import email_enqueue, email_subject
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
    ALLOWED_ASSIGNMENT_TRANSITIONS,
    ALLOWED_REVIEW_TRANSITIONS,
    AssignmentStatus,
    ReviewStatus,
)
from reviews.models import (
    Invitation,
    PoolMember,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewScore,
    invitation_expiry,
    invitation_token,
    invitation_token_hash,
)
from reviews.scoring import weighted_total
from reviews.selectors import reviews_frozen_for

REMINDER_BEFORE_DUE = timedelta(days=2)

# The audit event each move writes.
ASSIGNMENT_EVENTS = {
    AssignmentStatus.DECLARED: ReviewEvent.Kind.DECLARED,
    AssignmentStatus.CONFLICT: ReviewEvent.Kind.CONFLICT,
    AssignmentStatus.REMOVED: ReviewEvent.Kind.REMOVED,
}
REVIEW_EVENTS = {
    ReviewStatus.SUBMITTED: ReviewEvent.Kind.SUBMITTED,
    ReviewStatus.DRAFT: ReviewEvent.Kind.REOPENED,
}


class ReviewLocked(Exception):
    """A submitted review can't change until a coordinator reopens it."""


class NotDeclared(Exception):
    """The reviewer must declare impartiality before seeing or scoring the application."""


class InvalidAssignmentTransition(Exception):
    """An assignment was asked to move to a status not allowed from its current one."""

    def __init__(self, old: str, new: str):
        super().__init__(f"An assignment cannot move from {old!r} to {new!r}.")
        self.old = old
        self.new = new


class InvalidReviewTransition(Exception):
    """A review was asked to move to a status not allowed from its current one."""

    def __init__(self, old: str, new: str):
        super().__init__(f"A review cannot move from {old!r} to {new!r}.")
        self.old = old
        self.new = new


class ReviewsFrozen(ValidationError):
    """The results are published: the call's reviews, assignments and ranking can't change."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "The results of this call are published, so its reviews and reviewers can "
                "no longer change. A coordinator can still correct a review: the correction "
                "is recorded and a corrected letter is issued."
            ),
            code="reviews_frozen",
        )


def _frozen_call(call: GrantCall) -> ReviewsFrozen:
    if call.is_archived:
        return ReviewsFrozen(_("The call is archived: nothing in it can change."))
    return ReviewsFrozen()


def _lock_unfrozen_call(*, call_id: int, application_id: int | None = None) -> GrantCall:
    """Lock the call and refuse if its results (or the application's decision) are published.

    The call is locked first, as results_publish does, so a review can't slip in
    while the results are being published.
    """
    call = GrantCall.objects.select_for_update().get(pk=call_id)
    if call.reviews_frozen:
        raise _frozen_call(call)
    if application_id is not None:
        status = Application.objects.filter(pk=application_id).values_list("status", flat=True)
        if status.get() in DECIDED_STATUSES:
            raise ReviewsFrozen()
    return call


# --- the two state functions -------------------------------------------------------------


@transaction.atomic
def assignment_transition(
    assignment: ReviewAssignment, to: str, *, by, note: str = "", changes: dict | None = None
) -> ReviewAssignment:
    """Move `assignment` to status `to` (with field `changes`), record it, queue the e-mails.

    Refuses moves not in ALLOWED_ASSIGNMENT_TRANSITIONS (InvalidAssignmentTransition)
    and any move once the results are published (ReviewsFrozen).
    """
    _lock_unfrozen_call(call_id=assignment.call_id, application_id=assignment.application_id)
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if to not in ALLOWED_ASSIGNMENT_TRANSITIONS[locked.status]:
        raise InvalidAssignmentTransition(locked.status, to)
    ReviewEvent.objects.create(assignment=locked, kind=ASSIGNMENT_EVENTS[to], by=by, note=note)
    locked.status = to
    update_fields = ["status"]
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        update_fields.append(field)
    locked.save(update_fields=update_fields)
    if to == AssignmentStatus.CONFLICT:
        task_enqueue("reviews.tasks.notify_coordinators_of_conflict", assignment_id=locked.pk)
    return locked


@transaction.atomic
def review_transition(
    review: Review, to: str, *, by, note: str = "", changes: dict | None = None
) -> Review:
    """Move `review` to status `to` (with field `changes`) and record it.

    Refuses moves not in ALLOWED_REVIEW_TRANSITIONS (InvalidReviewTransition) and
    any move once the results are published (ReviewsFrozen).
    """
    assignment = ReviewAssignment.objects.only("call_id", "application_id").get(
        pk=review.assignment_id
    )
    _lock_unfrozen_call(call_id=assignment.call_id, application_id=assignment.application_id)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if to not in ALLOWED_REVIEW_TRANSITIONS[locked.status]:
        raise InvalidReviewTransition(locked.status, to)
    ReviewEvent.objects.create(
        assignment_id=locked.assignment_id, kind=REVIEW_EVENTS[to], by=by, note=note
    )
    locked.status = to
    update_fields = ["status", "updated_at"]
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        update_fields.append(field)
    locked.save(update_fields=update_fields)
    return locked


# --- pools and invitations ----------------------------------------------------------------


def pool_add(*, call: GrantCall, reviewer: User, by) -> PoolMember:
    member, _created = PoolMember.objects.get_or_create(
        call=call, reviewer=reviewer, defaults={"added_by": by}
    )
    return member


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _invitation_message(invitation: Invitation, *, token: str | None) -> EmailMessage:
    """The invitation e-mail: a link with `token` to accept, or the dashboard once accepted."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    with translation.override(user.language if user else settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "call": invitation.call,
            "user": user,
            "url": _absolute(reverse("reviews:invitation", kwargs={"token": token}))
            if token
            else _absolute(reverse("reviews:dashboard")),
        }
        return EmailMessage(
            subject=email_subject("reviews/email/invitation_subject.txt", context),
            body=render_to_string("reviews/email/invitation_body.txt", context),
            to=[invitation.email],
        )


@transaction.atomic
def invitation_send(*, invitation: Invitation) -> Invitation:
    """E-mail the invitation; a pending one gets a fresh link, and any earlier link stops working.

    Only the new token's hash is stored. The e-mail with the link waits in the
    outbox (core.mail) until the worker sends it, and its text is erased then.
    """
    invitation = (
        # of=self: PostgreSQL can't lock the nullable side of the outer join to invited_by.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("call", "invited_by")
        .get(pk=invitation.pk)
    )
    token = None
    if invitation.accepted_at is None:
        token = invitation_token()
        invitation.token_hash = invitation_token_hash(token)
        invitation.save(update_fields=["token_hash"])
    user = User.objects.filter(email__iexact=invitation.email).first()
    email_enqueue(
        _invitation_message(invitation, token=token), kind="reviews/invitation", user=user
    )
    return invitation


@transaction.atomic
def pool_invite(
    *, call: GrantCall, emails: Iterable[str], by
) -> tuple[list[PoolMember], list[Invitation]]:
    """Add people with an account to the pool now; e-mail an invitation link to everyone else.

    Inviting an address again sends its pending invitation again, valid for a
    fresh period, with a fresh link: the one e-mailed before stops working.
    """
    call = GrantCall.objects.select_for_update().get(pk=call.pk)
    if call.reviews_frozen:
        raise _frozen_call(call)
    added, invited = [], []
    for email in {e.strip().lower() for e in emails if e.strip()}:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            added.append(pool_add(call=call, reviewer=user, by=by))
            invitation = Invitation.objects.create(
                call=call, email=email, invited_by=by, accepted_at=timezone.now(), accepted_by=user
            )
            invitation_send(invitation=invitation)
        else:
            invitation = Invitation.objects.filter(
                call=call, email=email, accepted_at__isnull=True
            ).first()
            if invitation is None:
                invitation = Invitation.objects.create(call=call, email=email, invited_by=by)
            else:
                invitation.expires_at = invitation_expiry()
                invitation.save(update_fields=["expires_at"])
            invited.append(invitation_send(invitation=invitation))
    return added, invited


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """Send a pending (or expired) invitation again, with a fresh link that works for a fresh
    period; the link e-mailed before stops working."""
    invitation = Invitation.objects.select_for_update().select_related("call").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("%(email)s has already accepted this invitation.") % {"email": invitation.email},
            code="used",
        )
    if invitation.call.reviews_frozen:
        raise _frozen_call(invitation.call)
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["expires_at"])
    return invitation_send(invitation=invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> PoolMember:
    """The invited person, now signed in, joins the pool (once; the link then stops working).

    Refused with a ValidationError whose code says why: "used" by someone else,
    sent to another "wrong_address", the call is "call_closed" to reviewers
    (decided or archived), or the invitation has "expired".
    """
    invitation = Invitation.objects.select_for_update().select_related("call").get(pk=invitation.pk)
    if invitation.accepted_at:
        if invitation.accepted_by_id != user.pk:
            raise ValidationError(_("This invitation has already been used."), code="used")
        return pool_add(call=invitation.call, reviewer=user, by=invitation.invited_by)
    if user.email.casefold() != invitation.email.casefold():
        # A forwarded link doesn't make someone a reviewer: the invitee signs in as themselves.
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_address",
        )
    if invitation.call.reviews_frozen:
        raise ValidationError(
            _("The call “%(call)s” is no longer reviewing applications.")
            % {"call": invitation.call.title},
            code="call_closed",
        )
    if invitation.is_expired():
        raise ValidationError(_("This invitation has expired."), code="expired")
    member = pool_add(call=invitation.call, reviewer=user, by=invitation.invited_by)
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
    # Not queued by a backend that can't wait until then (a reminder sent now would be wrong).
    task_enqueue("reviews.tasks.remind_reviewer", run_after=run_after, assignment_id=assignment.pk)


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


def assignment_remove(*, assignment: ReviewAssignment, by, note: str = "") -> ReviewAssignment:
    """Take an assignment back (its draft, if any, stays on record but no longer counts).

    InvalidAssignmentTransition if it was released already.
    """
    return assignment_transition(
        assignment,
        AssignmentStatus.REMOVED,
        by=by,
        note=note,
        changes={"released_at": timezone.now()},
    )


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


# --- reviews ----------------------------------------------------------------------------


def _review_for(assignment: ReviewAssignment) -> Review:
    """The assignment's review, created as a draft (its first state) when first saved."""
    review, _created = Review.objects.get_or_create(assignment=assignment)
    return review


def _points_problem(criterion, points) -> dict[str, str]:
    if points is not None and not 0 <= int(points) <= criterion.max_points:
        return {
            f"points_{criterion.pk}": _("Give from 0 to %(max)s points.")
            % {"max": criterion.max_points}
        }
    return {}


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
    _lock_unfrozen_call(call_id=assignment.call_id, application_id=assignment.application_id)
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
        problem = _points_problem(criterion, points)
        if problem:
            raise ValidationError(problem)
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


def _review_total(review: Review, criteria) -> Decimal | None:
    by_id = {criterion.pk: criterion for criterion in criteria}
    return weighted_total(
        (score.points, by_id[score.criterion_id].max_points, by_id[score.criterion_id].weight)
        for score in review.scores.all()
        if score.criterion_id in by_id
    )


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, by, **data) -> Review:
    """Save and submit: every criterion scored and justified, a recommendation; then read-only."""
    review = review_save(assignment=assignment, **data)
    problems = review_problems(review)
    if problems:
        raise ValidationError(problems)
    review = review_transition(
        review,
        ReviewStatus.SUBMITTED,
        by=by,
        changes={
            "total": _review_total(review, assignment.call.criteria.all()),
            "submitted_at": timezone.now(),
        },
    )
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


def review_reopen(*, review: Review, by, note: str = "") -> Review:
    """A coordinator sends a submitted review back to its reviewer (recorded).

    InvalidReviewTransition if it is not submitted.
    """
    return review_transition(
        review,
        ReviewStatus.DRAFT,
        by=by,
        note=note,
        changes={"total": None, "submitted_at": None},
    )


# --- corrections after publication ----------------------------------------------------------


def _score_values(review: Review) -> dict:
    """What a correction may change, as JSON: the total and each criterion's points and words."""
    return {
        "total": None if review.total is None else str(review.total),
        "scores": {
            str(score.criterion_id): {"points": score.points, "justification": score.justification}
            for score in review.scores.all()
        },
    }


@transaction.atomic
def review_correct(*, review: Review, scores: dict[int, dict], reason: str, by) -> ReviewEvent:
    """A coordinator corrects a submitted review after the results are published.

    `scores` maps criterion id to {"points": int, "justification": str}; every
    criterion of the call is needed. The review keeps its status; the event
    records who, when, why (`reason`, required) and the values before and after.
    Before publication a review is reopened instead; an archived call is read-only.
    """
    review = Review.objects.select_related("assignment__call", "assignment__application").get(
        pk=review.pk
    )
    call = GrantCall.objects.select_for_update().get(pk=review.assignment.call_id)
    if call.is_archived:
        raise _frozen_call(call)
    if not reviews_frozen_for(review.assignment.application):
        raise ValidationError(
            _(
                "The results are not published yet: reopen the review so its reviewer can "
                "change it."
            ),
            code="not_published",
        )
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.SUBMITTED or not review.assignment.is_active:
        raise ValidationError(
            _("Only a submitted review of a current reviewer can be corrected."),
            code="not_submitted",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the review is corrected.")})
    criteria = list(call.criteria.all())
    problems: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk) or {}
        if value.get("points") is None:
            problems[f"points_{criterion.pk}"] = _("Give points for “%(name)s”.") % {
                "name": criterion.name
            }
        else:
            problems.update(_points_problem(criterion, value["points"]))
        if not (value.get("justification") or "").strip():
            problems[f"justification_{criterion.pk}"] = _("Justify the points for “%(name)s”.") % {
                "name": criterion.name
            }
    if problems:
        raise ValidationError(problems)
    before = _score_values(review)
    for criterion in criteria:
        value = scores[criterion.pk]
        ReviewScore.objects.update_or_create(
            review=review,
            criterion=criterion,
            defaults={
                "points": int(value["points"]),
                "justification": value["justification"].strip(),
            },
        )
    review.total = _review_total(review, criteria)
    after = _score_values(review)
    if after == before:
        raise ValidationError(_("Nothing was changed: give the corrected points or words."))
    review.save(update_fields=["total", "updated_at"])
    return ReviewEvent.objects.create(
        assignment=review.assignment,
        kind=ReviewEvent.Kind.CORRECTED,
        by=by,
        note=reason,
        changes={"before": before, "after": after},
    )

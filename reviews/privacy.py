"""What the review stage keeps about a person: its section of "My data" and its erasure.

Registered with core.personal_data by ReviewsConfig.ready() (order 30: after
the applications are anonymised, before decisions re-render their letters
from the reviews' words).

- As an applicant, a person appears in what reviewers wrote about their
  applications: on erasure, exact occurrences of their names, addresses and
  phone numbers there are replaced by the anonymised label. What the
  applicant may read of the reviews is exported by decisions (the feedback
  on the decision page), never the reviewers' names or notes for the committee.
- As a reviewer, a person's invitations, pool memberships, assignments and
  reviews are exported here. (A reviewer who wrote reviews can't delete their
  account: the assignments protect it.)
"""

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from core.personal_data import Erasure, ExportFiles, redact_rows, register
from reviews.models import (
    Invitation,
    PoolMember,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewScore,
)


def _invitations_to(emails) -> QuerySet[Invitation]:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    return Invitation.objects.filter(query)


def reviewing_export(*, user, files: ExportFiles) -> dict:
    """The person's own work as a reviewer: what they were invited to, assigned and wrote."""
    assignments = (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("call", "application", "review")
        .prefetch_related("review__scores__criterion")
        .order_by("assigned_at", "pk")
    )
    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return {
        "invitations": [
            {
                "call": invitation.call.title,
                "email": invitation.email,
                "invited_at": invitation.invited_at,
                "expires_at": invitation.expires_at,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in _invitations_to(emails).select_related("call").order_by("pk")
        ],
        "pools": [
            {"call": member.call.title, "added_at": member.added_at}
            for member in PoolMember.objects.filter(reviewer=user).select_related("call")
        ],
        "assignments": [_assignment_data(assignment) for assignment in assignments],
    }


def _assignment_data(assignment: ReviewAssignment) -> dict:
    review = getattr(assignment, "review", None)
    return {
        "call": assignment.call.title,
        "application": assignment.application.reference_number,
        "status": assignment.status,
        "assigned_at": assignment.assigned_at,
        "due_at": assignment.due_at,
        "declared_at": assignment.declared_at,
        "conflict_reason": assignment.conflict_reason,
        "review": None
        if review is None
        else {
            "status": review.status,
            "recommendation": review.recommendation,
            "comment_for_applicant": review.comment_for_applicant,
            "note_for_committee": review.note_for_committee,
            "total": review.total,
            "submitted_at": review.submitted_at,
            "scores": [
                {
                    "criterion": score.criterion.name,
                    "points": score.points,
                    "justification": score.justification,
                }
                for score in review.scores.all()
            ],
        },
    }


def reviews_erase(*, erasure: Erasure) -> None:
    """Replace the person's identifiers in everything reviewers wrote about their applications.

    Also deletes invitations sent to the person's addresses (their pool
    memberships go with the account).
    """
    person = erasure.person
    assignments = ReviewAssignment.objects.filter(application__applicant=person.user)
    redact_rows(assignments, ["declaration_text", "conflict_reason"], person=person)
    reviews = Review.objects.filter(assignment__in=assignments)
    redact_rows(reviews, ["comment_for_applicant", "note_for_committee"], person=person)
    redact_rows(ReviewScore.objects.filter(review__in=reviews), ["justification"], person=person)
    redact_rows(
        ReviewEvent.objects.filter(assignment__in=assignments), ["note", "changes"], person=person
    )
    _invitations_to(person.emails).delete()


def register_sections() -> None:
    register("reviewing", order=30, export=reviewing_export, erase=reviews_erase)

"""Where a person stands in reviewing, asked once per page: in a call's pool or with a live
assignment (the navigation's "My reviews"), and invited to a pool (the reviewer's role on the
start pages).

A start page asks both (core.waiting, through holds_reviewer_role) and its navigation needs the
first: the answer is left on the user for the navigation of the same page, and taken once.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.utils import timezone

from reviews.models import PoolMember, ReviewAssignment
from reviews.selectors import invitations_to_answer


@dataclass(frozen=True)
class ReviewStanding:
    has_work: bool  # in a call's pool, or with a live assignment
    invited: bool  # invited to a pool, not yet answered

    @property
    def is_reviewer(self) -> bool:
        return self.has_work or self.invited


def review_standing(user, *, now=None) -> ReviewStanding:
    """One query: the user's review work and invitations. Left on `user` for the navigation."""
    if not user.is_authenticated:
        return ReviewStanding(has_work=False, invited=False)
    in_pool, assigned, invited = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            in_pool=Exists(PoolMember.objects.filter(reviewer=user)),
            assigned=Exists(ReviewAssignment.objects.for_reviewer(user).active()),
            invited=Exists(invitations_to_answer(user=user, now=now or timezone.now())),
        )
        .values_list("in_pool", "assigned", "invited")
        .get()
    )
    standing = ReviewStanding(has_work=bool(in_pool or assigned), invited=bool(invited))
    user.review_standing_for_navigation = standing
    return standing


def has_review_work(user) -> bool:
    """In a call's pool or with a live assignment: the answer the start page left on `user`
    (taken, so a later page asks again), else one EXISTS query."""
    standing = getattr(user, "review_standing_for_navigation", None)
    if standing is not None:
        user.review_standing_for_navigation = None
        return standing.has_work
    has_work = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Exists(PoolMember.objects.filter(reviewer=user))
            | Exists(ReviewAssignment.objects.for_reviewer(user).active())
        )
        .exists()
    )
    return has_work

"""What every page needs to know about the user's review work (for the navigation)."""

from django.db.models import Exists

from accounts.roles import role_flag, role_flag_register
from reviews.models import PoolMember, ReviewAssignment
from reviews.standing import HAS_REVIEW_WORK


def _has_review_work(user):
    """In any call's pool, or with a live assignment."""
    in_pool = PoolMember.objects.filter(reviewer=user)
    assigned = ReviewAssignment.objects.for_reviewer(user).active()
    return Exists(in_pool) | Exists(assigned)


def register() -> None:
    """Read with the person's groups (accounts.roles): no query of its own on any page."""
    role_flag_register(HAS_REVIEW_WORK, _has_review_work)


def review_navigation(request) -> dict:
    """{"has_review_work": True} for a signed-in user in any call's pool or with a live assignment.

    Read with the user's groups in one query per request (accounts.roles), none for anonymous
    visitors.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"has_review_work": False}
    return {"has_review_work": role_flag(user, HAS_REVIEW_WORK)}

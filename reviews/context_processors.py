"""What every page needs to know about the user's review work (for the navigation)."""

from django.contrib.auth import get_user_model
from django.db.models import Exists

from reviews.models import PoolMember, ReviewAssignment


def review_navigation(request) -> dict:
    """{"has_review_work": True} for a signed-in user in any call's pool or with a live assignment.

    One EXISTS query, and none for anonymous visitors.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"has_review_work": False}
    in_pool = PoolMember.objects.filter(reviewer=user)
    assigned = ReviewAssignment.objects.for_reviewer(user).active()
    has_work = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Exists(in_pool) | Exists(assigned))
        .exists()
    )
    return {"has_review_work": has_work}

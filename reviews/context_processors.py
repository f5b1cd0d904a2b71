"""What every page needs to know about the user's review work (for the navigation)."""

from reviews.standing import has_review_work


def review_navigation(request) -> dict:
    """{"has_review_work": True} for a signed-in user in any call's pool or with a live assignment.

    One EXISTS query (none when the start page has just asked), and none for anonymous visitors.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"has_review_work": False}
    return {"has_review_work": has_review_work(user)}

"""Where a person stands in reviewing: in a call's pool or with a live assignment (the
navigation's "My reviews", read with the person's groups: accounts.roles), and invited to a
pool (the reviewer's role on the start pages).
"""

from dataclasses import dataclass

from django.utils import timezone

from accounts.roles import role_flag
from reviews.selectors import invitations_to_answer

# The role flag (accounts.roles) of a person in a call's pool or with a live assignment; its
# query is registered by reviews.context_processors.register().
HAS_REVIEW_WORK = "reviews.has_review_work"


@dataclass(frozen=True)
class ReviewStanding:
    has_work: bool  # in a call's pool, or with a live assignment
    invited: bool  # invited to a pool, not yet answered

    @property
    def is_reviewer(self) -> bool:
        return self.has_work or self.invited


def review_standing(user, *, now=None) -> ReviewStanding:
    """The user's review work (read with their groups, which every page reads) and, only when
    there is none, whether an invitation waits (one query)."""
    if not user.is_authenticated:
        return ReviewStanding(has_work=False, invited=False)
    if role_flag(user, HAS_REVIEW_WORK):
        return ReviewStanding(has_work=True, invited=False)
    invited = invitations_to_answer(user=user, now=now or timezone.now()).exists()
    return ReviewStanding(has_work=False, invited=invited)

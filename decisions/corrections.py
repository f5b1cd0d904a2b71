"""Correcting a review after the results are published: recorded, and answered by a corrected letter.

Once a call's results are out its reviews are frozen (reviews.services); the
only way to change one is this explicit coordinator action. The review keeps
its old values in the audit trail, and the application's published decision
gets a new version of its letter, showing the corrected scores.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from decisions.issuing import letter_correction_request
from decisions.models import Decision
from reviews.models import Review, ReviewEvent
from reviews.services import review_correct


@transaction.atomic
def review_correction_issue(
    *, review: Review, scores: dict[int, dict], reason: str, by
) -> ReviewEvent:
    """Correct `review` (see reviews.services.review_correct) and issue the corrected letter.

    Refused (ValidationError) unless the review's application has a published
    decision. The letter is queued after the commit, as a new version whose
    note names this correction; the earlier letter is kept.
    """
    decision = (
        Decision.objects.published().filter(application_id=review.assignment.application_id).first()
    )
    if decision is None:
        raise ValidationError(
            _(
                "This application has no published decision: before publication, reopen the "
                "review so its reviewer can change it."
            ),
            code="not_published",
        )
    event = review_correct(review=review, scores=scores, reason=reason, by=by)
    note = _("Review corrected (record %(number)s): %(reason)s") % {
        "number": event.pk,
        "reason": event.note,
    }
    letter_correction_request(decision=decision, note=note, by=by)
    return event

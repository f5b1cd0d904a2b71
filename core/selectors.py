"""Reads shared by every app: the record of e-mails sent."""

from django.db.models import Q, QuerySet

from core.enums import EmailState
from core.models import OutgoingEmail

# Sending is tried at most this many times: the first, then housekeeping's retries.
MAX_SEND_ATTEMPTS = 3


def emails_to_retry() -> QuerySet[OutgoingEmail]:
    """Failed messages with attempts left (expired ones are no longer FAILED)."""
    return OutgoingEmail.objects.filter(state=EmailState.FAILED, attempts__lt=MAX_SEND_ATTEMPTS)


def emails_sent_to(*, user) -> QuerySet[OutgoingEmail]:
    """Every e-mail to `user`: to their account, or to their address without one (e.g. before signing up)."""
    return OutgoingEmail.objects.filter(Q(user=user) | Q(to__iexact=user.email))

"""The daily digest of unread messages, for those who chose it, on the hourly housekeeping.

Each person's digest is made once a day: when the last one is at least DIGEST_EVERY old (a
little under a day, so that an hourly run a few seconds early doesn't push it an hour later).
It lists the messages sent since the last digest that they still haven't read; with none,
nothing is sent and the next digest is a day later all the same.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.rules import is_coordinator
from conversations.enums import MessageNotice
from conversations.models import NotificationPreference
from conversations.notices import digest_notify
from conversations.selectors import unread_messages_since

DIGEST_EVERY = timedelta(hours=23)
# For a person's first digest: the messages of the day before.
FIRST_DIGEST_COVERS = timedelta(days=1)


def message_digests_send(*, now=None) -> int:
    """Queue the digest of everyone whose daily digest is due; how many were queued.

    Idempotent: a person's row is locked and stamped in the digest's transaction, so a
    repeated or concurrent run finds it not due.
    """
    now = now or timezone.now()
    due = Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY)
    sent = 0
    for pk in (
        NotificationPreference.objects.filter(due, messages=MessageNotice.DAILY)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            preference = (
                NotificationPreference.objects.select_for_update()
                .filter(due, pk=pk, messages=MessageNotice.DAILY)
                .select_related("user")
                .first()
            )
            if preference is None or not preference.user.is_active:
                continue
            since = preference.last_digest_at or now - FIRST_DIGEST_COVERS
            user = preference.user
            messages = unread_messages_since(user=user, since=since)
            if messages and user.email:
                digest_notify(user, messages=messages, as_programme=is_coordinator(user))
                sent += 1
            preference.last_digest_at = now
            preference.save(update_fields=["last_digest_at"])
    return sent


def housekeeping_digests(sender=None, **kwargs) -> int:
    """Receiver of core.signals.housekeeping_ran: the daily digests that are due."""
    return message_digests_send()
